//! The caller's own account.
use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{Api, ApiJson};
use axum::Router;
use axum::response::Json;
use axum::routing;
use domain::user::Theme;
use serde::{Deserialize, Serialize};
use utoipa::OpenApi;
use utoipa::ToSchema;

pub fn routes() -> Router<AppState> {
    Router::new().route("/me", routing::get(get_me)).route("/me/theme", routing::put(set_theme))
}

#[derive(OpenApi)]
#[openapi(paths(get_me, set_theme))]
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
    /// Light or dark screens in the web app; `system` follows the device.
    pub theme: Theme,
}

#[derive(Deserialize, ToSchema)]
pub struct ThemeChange {
    pub theme: Theme,
}

/// Who the token belongs to.
#[utoipa::path(get, path = "/api/v1/me", tag = "account", security(("bearer" = [])),
    responses((status = 200, body = Me)))]
pub async fn get_me(Api { actor, .. }: Api) -> ApiResult<Json<Me>> {
    Ok(Json(me(&actor)))
}

/// Chooses light or dark screens for the caller's web app.
#[utoipa::path(put, path = "/api/v1/me/theme", tag = "account", security(("bearer" = [])), request_body = ThemeChange,
    responses((status = 200, body = Me)))]
pub async fn set_theme(
    Api { state, mut actor }: Api,
    ApiJson(body): ApiJson<ThemeChange>,
) -> ApiResult<Json<Me>> {
    state.app.users().set_own_theme(&actor, body.theme).await?;
    actor.theme = body.theme;
    Ok(Json(me(&actor)))
}

fn me(actor: &app::Actor) -> Me {
    Me {
        id: actor.user_id.0,
        organisation_id: actor.org_id.0,
        email: actor.email.to_string(),
        display_name: actor.display_name.clone(),
        role: actor.role.as_str().to_string(),
        locale: actor.locale.tag().to_string(),
        theme: actor.theme,
    }
}
