//! Mensagens: the mail server's settings, the outbox, and writing to a
//! customer from his page.
mod compose;
mod gateway;
mod letters;
mod outbox;
mod smtp;
mod templates;

use crate::AppState;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/email", get(smtp::show).post(smtp::save))
        .route("/admin/email/test", post(smtp::send_test))
        .route("/admin/gateway", get(gateway::show).post(gateway::save))
        .route("/admin/outbox", get(outbox::list))
        .route("/admin/letters", get(letters::waiting))
        .route("/admin/letters/print", post(letters::print))
        .route("/admin/letters/batches/{id}", get(letters::batch))
        .route("/admin/templates", get(templates::list).post(templates::create))
        .route("/admin/templates/new", get(templates::new_form))
        .route("/admin/templates/{id}", get(templates::edit_form).post(templates::update))
        .route("/messages/{id}/retry", post(outbox::retry))
        .route("/messages/{id}/cancel", post(outbox::cancel))
        .route("/customers/{id}/messages/new", get(compose::form))
        .route(
            "/customers/{id}/messages",
            post(compose::queue).layer(DefaultBodyLimit::max(crate::server::UPLOAD_FORM_BYTES)),
        )
}
