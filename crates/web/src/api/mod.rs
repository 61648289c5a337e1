//! The JSON API under `/api/v1`, described by the OpenAPI document that
//! utoipa derives from these handlers.
mod access;
mod agenda;
mod audit;
mod interactions;
mod me;
mod parties;
mod registry_settings;
mod tokens;
mod users;
mod vehicles;

use crate::AppState;
use crate::error::{Error, ErrorBody, ErrorDetail};
use axum::Router;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi_json))
        .route("/me", get(me::get_me))
        .route("/users", get(users::list_users).post(users::create_user))
        .route("/users/{id}", patch(users::update_user).get(users::get_user))
        .route("/audit", get(audit::list_audit))
        .route("/tokens", get(tokens::list_tokens))
        .route("/parties", get(parties::list).post(parties::create))
        .route("/parties/search", get(parties::search))
        .route("/parties/export.csv", get(parties::export_csv))
        .route("/parties/{id}", get(parties::get).put(parties::update))
        .route("/parties/{id}/archive", post(parties::archive))
        .route("/parties/{id}/consents", get(parties::consent_history).post(parties::record_consent))
        .route("/parties/{id}/notes", get(parties::notes).post(parties::add_note))
        .route("/parties/{id}/relationships", get(parties::relationships).post(parties::add_relationship))
        .route("/parties/{id}/merge", post(parties::merge))
        .route("/merges/{id}/undo", post(parties::undo_merge))
        .route("/custom-fields", get(registry_settings::list_fields).post(registry_settings::create_field))
        .route("/custom-fields/{id}", axum::routing::delete(registry_settings::delete_field))
        .route(
            "/customer-statuses",
            get(registry_settings::list_statuses).post(registry_settings::add_status),
        )
        .route("/tokens/{id}/revoke", post(tokens::revoke_token))
        .route("/roles", get(access::list_roles).post(access::create_role))
        .route("/roles/{id}", axum::routing::put(access::update_role))
        .route("/branches", get(access::list_branches).post(access::create_branch))
        .route("/users/{id}/access", get(access::get_assignment).put(access::set_assignment))
        .route("/portfolios/transfer", post(access::transfer_portfolio))
        .route("/parties/{id}/history", get(parties::history))
        .route("/parties/{id}/vehicles", get(vehicles::list).post(vehicles::create))
        .route("/vehicles/{id}", get(vehicles::get).put(vehicles::update).delete(vehicles::delete))
        .route("/parties/{id}/vehicle-interests", get(vehicles::interests).post(vehicles::add_interest))
        .route("/vehicle-interests/{id}", axum::routing::delete(vehicles::remove_interest))
        .route("/parties/{id}/interactions", get(interactions::list).post(interactions::create))
        .route("/interactions/{id}", get(interactions::get).put(interactions::update))
        .route("/interaction-options", get(interactions::options).post(interactions::add_option))
        .route("/parties/{id}/appointments", get(agenda::of_party))
        .route("/appointments", post(agenda::book))
        .route("/appointments/{id}", get(agenda::get).put(agenda::reschedule))
        .route("/appointments/{id}/cancel", post(agenda::cancel))
        .route("/appointments/{id}/occurrences/cancel", post(agenda::cancel_occurrence))
        .route("/agenda", get(agenda::agenda))
        .route("/agenda/free-days", get(agenda::free_days))
        .route("/agenda/users", get(agenda::users))
        .route("/me/calendar-feed", post(agenda::rotate_feed))
        .route("/working-hours", get(agenda::working_hours).put(agenda::set_working_hours))
        .fallback(|| async { Error::not_found() })
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Vínculo API", description = "The JSON API of Vínculo, a CRM for Brazil and Portugal. \
        Authenticate with `Authorization: Bearer <token>`; create tokens in the web UI \
        (API tokens) or with `vinculo user token`."),
    paths(
        crate::health,
        me::get_me,
        users::list_users, users::create_user, users::get_user, users::update_user,
        audit::list_audit,
        tokens::list_tokens, tokens::revoke_token,
        parties::list, parties::search, parties::create, parties::get, parties::update, parties::archive,
        parties::record_consent, parties::consent_history, parties::add_note, parties::notes,
        parties::add_relationship, parties::relationships, parties::merge, parties::undo_merge, parties::export_csv,
        registry_settings::list_fields, registry_settings::create_field, registry_settings::delete_field,
        registry_settings::list_statuses, registry_settings::add_status,
        access::list_roles, access::create_role, access::update_role, access::list_branches, access::create_branch,
        access::get_assignment, access::set_assignment, access::transfer_portfolio,
        parties::history,
        vehicles::list, vehicles::create, vehicles::get, vehicles::update, vehicles::delete,
        vehicles::interests, vehicles::add_interest, vehicles::remove_interest,
        interactions::list, interactions::create, interactions::get, interactions::update,
        interactions::options, interactions::add_option,
        agenda::book, agenda::get, agenda::reschedule, agenda::cancel, agenda::cancel_occurrence, agenda::of_party, agenda::agenda, agenda::free_days,
        agenda::users, agenda::rotate_feed, agenda::working_hours, agenda::set_working_hours,
    ),
    components(schemas(ErrorBody, ErrorDetail)),
    modifiers(&BearerAuth),
    tags((name = "system"), (name = "account"), (name = "users"), (name = "audit"), (name = "parties"), (name = "access"),
        (name = "profile"), (name = "agenda")),
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("bearer", SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)));
    }
}

/// The OpenAPI document, pretty-printed: `vinculo openapi` prints the same.
pub fn openapi_document() -> String {
    ApiDoc::openapi().to_pretty_json().unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

async fn openapi_json() -> Response {
    ([(axum::http::header::CONTENT_TYPE, "application/json")], openapi_document()).into_response()
}
