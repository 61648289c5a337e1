//! Vendas (follow up) (seed 002): the daily list and the pending notes
//! (`list.rs`), a contact's page with its notes (`contact.rs`), what it
//! sends out (`documents.rs`: the visit sheet, documents to customers),
//! and the configuration (`settings.rs`).
pub mod contact;
mod documents;
pub mod list;
pub mod settings;
mod steps;
mod type_form;

use crate::AppState;
use axum::Router;
use axum::routing;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/follow-up", routing::get(list::list))
        .route("/follow-up/pending", routing::get(list::pending))
        .merge(contact::routes())
        .merge(settings::routes())
        .merge(steps::routes())
        .merge(documents::routes())
}
