//! Server-rendered pages and their htmx partials.
mod access;
mod account;
mod admin;
mod agenda;
mod agenda_settings;
mod components;
mod customers;
mod home;
mod interactions;
mod login;
mod preferences;
mod settings;
mod vehicles;

use crate::AppState;
use axum::Router;
use axum::routing::{get, post};

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(customers::routes())
        .route("/", get(home::show))
        .route("/login", get(login::show).post(login::submit))
        .route("/logout", post(login::logout))
        .route("/preferences/locale", post(preferences::set_locale))
        .route("/account/tokens", get(account::tokens).post(account::create_token))
        .route("/account/tokens/{id}/revoke", post(account::revoke_token))
        .route("/admin/users", get(admin::users).post(admin::create_user))
        .route("/admin/users/{id}/active", post(admin::set_active))
        .route("/admin/audit", get(admin::audit))
        .route("/admin/access", get(access::show))
        .route("/admin/access/branches", post(access::add_branch))
        .route("/admin/access/roles", post(access::add_role))
        .route("/admin/access/roles/{id}", post(access::save_role))
        .route("/admin/access/users/{id}", post(access::assign_user))
        .route("/admin/access/users/{id}/view-as", post(access::start_view_as))
        .route("/admin/access/transfer", post(access::transfer))
        .route("/view-as/stop", post(access::stop_view_as))
        .route("/customers/{id}/vehicles/new", get(vehicles::new_form))
        .route("/customers/{id}/vehicles", post(vehicles::create))
        .route("/customers/{id}/interests/new", get(vehicles::new_interest_form))
        .route("/customers/{id}/interests", post(vehicles::add_interest))
        .route("/interests/{id}/delete", post(vehicles::remove_interest))
        .route("/vehicles/{id}", get(vehicles::show).post(vehicles::update))
        .route("/vehicles/{id}/edit", get(vehicles::edit_form))
        .route("/vehicles/{id}/delete", post(vehicles::delete))
        .route("/customers/{id}/interactions/new", get(interactions::new_form))
        .route("/customers/{id}/interactions", post(interactions::create))
        .route("/interactions/{id}", get(interactions::show).post(interactions::update))
        .route("/agenda", get(agenda::show))
        .route("/agenda/free-days", get(agenda::free_days))
        .route("/agenda/feed", get(agenda::feed).post(agenda::rotate_feed))
        .route("/appointments", post(agenda::book))
        .route("/appointments/new", get(agenda::new_form))
        .route("/appointments/{id}", get(agenda::show_appointment).post(agenda::reschedule))
        .route("/appointments/{id}/edit", get(agenda::edit_form))
        .route("/appointments/{id}/cancel", post(agenda::cancel))
        .route("/appointments/{id}/occurrences/cancel", post(agenda::cancel_occurrence))
        .route("/calendar/{file}", get(agenda::calendar_file))
        .route("/admin/agenda", get(agenda_settings::show))
        .route("/admin/agenda/hours", post(agenda_settings::save_hours))
        .route("/admin/agenda/options", post(agenda_settings::add_option))
        .route("/admin/registry", get(settings::show))
        .route("/admin/registry/fields", post(settings::add_field))
        .route("/admin/registry/fields/{id}/delete", post(settings::delete_field))
        .route("/admin/registry/statuses", post(settings::add_status))
}
