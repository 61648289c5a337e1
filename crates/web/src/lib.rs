//! The web front: server-rendered pages (html/), the JSON API (api/),
//! the request context and the one error path (extract, error),
//! cookies, CSRF and security headers, embedded assets.
#![forbid(unsafe_code)]

pub mod api;
mod assets;
pub mod auth;
mod csv;
mod download;
pub mod error;
pub mod extract;
mod flash;
pub mod html;
pub mod i18n;
mod labels;
mod layout;
mod links;
mod security;
pub mod server;

use app::App;
use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::response::{IntoResponse, Json, Response};
use axum::routing::get;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub app: Arc<App>,
    /// Mark cookies `Secure`: the server is reached over https.
    pub secure_cookies: bool,
    /// The address users reach the server by (`public_url`), for links
    /// that leave the browser, such as calendar feeds.
    pub public_url: Option<String>,
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(html::routes())
        .nest("/api/v1", api::routes())
        .route("/health", get(health))
        .route("/assets/{version}/{name}", get(assets::serve))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(from_fn_with_state(state.clone(), extract::context))
        .layer(from_fn_with_state(state.clone(), security::csrf))
        .layer(from_fn(security::headers))
        // Outermost, so the CSRF check reads a form under the same limit.
        .layer(DefaultBodyLimit::max(server::MAX_BODY_BYTES))
        .with_state(state)
}

/// Whatever no route claims: a page or the API's JSON, as the path asks.
async fn not_found() -> error::Error {
    error::Error::not_found()
}

/// A path asked with a method it does not take (reloading a form's address).
async fn method_not_allowed() -> error::Error {
    error::Error::MethodNotAllowed
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Health {
    /// `ok` when every dependency answers, else `degraded`.
    pub status: &'static str,
    /// `ok` or `unreachable`.
    pub database: &'static str,
}

/// Liveness and the database's reachability, for load balancers and monitors.
#[utoipa::path(get, path = "/health", tag = "system",
    responses((status = 200, body = Health), (status = 503, body = Health)))]
pub async fn health(State(state): State<AppState>) -> Response {
    match state.app.db.ping().await {
        Ok(()) => Json(Health { status: "ok", database: "ok" }).into_response(),
        Err(error) => {
            tracing::warn!(%error, "health check: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, Json(Health { status: "degraded", database: "unreachable" }))
                .into_response()
        }
    }
}
