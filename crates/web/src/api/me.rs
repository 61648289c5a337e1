//! The caller's own account.
use crate::AppState;
use crate::error::ApiResult;
use crate::extract::Api;
use axum::Router;
use axum::response::Json;
use axum::routing;
use serde::Serialize;
use utoipa::OpenApi;
use utoipa::ToSchema;

pub fn routes() -> Router<AppState> {
    Router::new().route("/me", routing::get(get_me))
}

#[derive(OpenApi)]
#[openapi(paths(get_me))]
pub struct Doc;

#[derive(Serialize, ToSchema)]
pub struct Me {
    pub id: uuid::Uuid,
    pub organisation_id: uuid::Uuid,
    pub email: String,
    pub display_name: String,
    /// `admin` or `member`
    pub role: String,
    /// `pt-BR`, `en` or `pt-PT`
    pub locale: String,
}

/// Who the token belongs to.
#[utoipa::path(get, path = "/api/v1/me", tag = "account", security(("bearer" = [])),
    responses((status = 200, body = Me)))]
pub async fn get_me(Api { actor, .. }: Api) -> ApiResult<Json<Me>> {
    Ok(Json(Me {
        id: actor.user_id.0,
        organisation_id: actor.org_id.0,
        email: actor.email.to_string(),
        display_name: actor.display_name.clone(),
        role: actor.role.as_str().to_string(),
        locale: actor.locale.tag().to_string(),
    }))
}
