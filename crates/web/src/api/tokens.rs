//! The caller's own API tokens.
use super::public_all;
use crate::AppState;
use crate::error::ApiResult;
use crate::error::Error;
use crate::extract::{Api, Id};
use axum::Router;
use axum::http::StatusCode;
use axum::response::Json;
use axum::routing;
use domain::ids::ApiTokenId;
use serde::Serialize;
use utoipa::OpenApi;
use utoipa::ToSchema;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/tokens", routing::get(list_tokens))
        .route("/tokens/{id}/revoke", routing::post(revoke_token))
}

#[derive(OpenApi)]
#[openapi(paths(list_tokens, revoke_token))]
pub struct Doc;

#[utoipa::path(get, path = "/api/v1/tokens", tag = "account", security(("bearer" = [])),
    responses((status = 200, body = Vec<ApiTokenInfo>)))]
pub async fn list_tokens(Api { state, actor }: Api) -> ApiResult<Json<Vec<ApiTokenInfo>>> {
    let tokens = state.app.tokens().list_api_tokens(&actor).await?;
    Ok(Json(public_all(tokens)?))
}

#[utoipa::path(post, path = "/api/v1/tokens/{id}/revoke", tag = "account", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path)),
    responses((status = 204)))]
pub async fn revoke_token(Api { state, actor }: Api, Id(id): Id<ApiTokenId>) -> ApiResult<StatusCode> {
    state.app.tokens().revoke_api_token(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

// The public JSON of this capability: what the API promises, apart from
// the views the screens use, so a screen can change without changing it.

#[derive(Serialize, ToSchema)]
pub struct ApiTokenInfo {
    pub id: uuid::Uuid,
    pub name: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub last_used_at: Option<chrono::DateTime<chrono::Utc>>,
    pub revoked_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl TryFrom<app::tokens::ApiTokenInfo> for ApiTokenInfo {
    type Error = Error;

    fn try_from(view: app::tokens::ApiTokenInfo) -> Result<Self, Error> {
        Ok(ApiTokenInfo {
            id: view.id,
            name: view.name,
            created_at: view.created_at,
            last_used_at: view.last_used_at,
            revoked_at: view.revoked_at,
        })
    }
}
