//! The caller's own API tokens.
use super::responses::{NotFound, Unauthorized};
use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{Api, Id};
use app::tokens::ApiTokenInfo;
use axum::Router;
use axum::http::StatusCode;
use axum::response::Json;
use axum::routing;
use domain::ids::ApiTokenId;
use utoipa::OpenApi;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/tokens", routing::get(list_tokens))
        .route("/tokens/{id}/revoke", routing::post(revoke_token))
}

#[derive(OpenApi)]
#[openapi(paths(list_tokens, revoke_token))]
pub struct Doc;

#[utoipa::path(get, path = "/api/v1/tokens", tag = "account", security(("bearer" = [])),
    responses((status = 200, body = Vec<ApiTokenInfo>), Unauthorized))]
pub async fn list_tokens(Api { state, actor }: Api) -> ApiResult<Json<Vec<ApiTokenInfo>>> {
    let tokens = state.app.tokens().list_api_tokens(&actor).await?;
    Ok(Json(tokens))
}

#[utoipa::path(post, path = "/api/v1/tokens/{id}/revoke", tag = "account", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path)),
    responses((status = 204), Unauthorized, NotFound))]
pub async fn revoke_token(Api { state, actor }: Api, Id(id): Id<ApiTokenId>) -> ApiResult<StatusCode> {
    state.app.tokens().revoke_api_token(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
