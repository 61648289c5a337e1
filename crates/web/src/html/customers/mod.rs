//! Clientes: the customer list and search, the registration form, the
//! customer page with its profile, and what is done from it.
mod actions;
mod bulk;
mod form;
mod list;
mod profile;
mod search;
mod sheet;
mod tabs;

pub(crate) use tabs::ProfileTab;
mod views;

use crate::AppState;
use axum::Router;
use axum::routing::{get, post};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/customers", get(list::list).post(form::create))
        .route("/customers/new", get(form::new_form))
        .route("/customers/search", get(search::search))
        .route("/customers/count", get(list::count))
        .route("/customers/bulk", post(bulk::bulk))
        .route("/customers/columns", post(views::save_columns))
        .route("/customers/views", post(views::save_view))
        .route("/customers/views/{id}/delete", post(views::delete_view))
        .route("/customers/validate", post(form::validate_field))
        .route("/customers/export.csv", get(list::export_csv))
        .route("/customers/{id}", get(sheet::show).post(form::update))
        .route("/customers/{id}/edit", get(form::edit_form))
        .route("/customers/{id}/consent", post(actions::consent))
        .route("/customers/{id}/notes", post(actions::add_note))
        .route("/customers/{id}/relationships", post(actions::add_relationship))
        .route("/customers/{id}/relationships/{rel}/delete", post(actions::remove_relationship))
        .route("/customers/{id}/merge", post(actions::merge))
        .route("/customers/{id}/archive", post(actions::archive))
        .route("/merges/{id}/undo", post(actions::undo_merge))
}
