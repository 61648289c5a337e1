//! The caller's own API tokens.
use crate::AppState;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiActor, path_id};
use app::tokens::ApiTokenInfo;
use axum::Router;
use axum::extract::{Path, State};
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
    responses((status = 200, body = Vec<ApiTokenInfo>), (status = 401, body = ErrorBody)))]
pub async fn list_tokens(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> ApiResult<Json<Vec<ApiTokenInfo>>> {
    let tokens = state.app.tokens().list_api_tokens(&actor).await?;
    Ok(Json(tokens))
}

#[utoipa::path(post, path = "/api/v1/tokens/{id}/revoke", tag = "account", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn revoke_token(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let id: ApiTokenId = path_id(&id)?;
    state.app.tokens().revoke_api_token(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
