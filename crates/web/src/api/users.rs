//! Users of the caller's organisation (administrators only).
use super::responses::{BadRequest, Conflict, Forbidden};
use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{Api, ApiJson, Id};
use app::users::NewUserInput;
use axum::Router;
use axum::http::StatusCode;
use axum::response::Json;
use axum::routing;
use domain::UserId;
use domain::user::User;
use serde::{Deserialize, Serialize};
use utoipa::OpenApi;
use utoipa::ToSchema;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/users", routing::get(list_users).post(create_user))
        .route("/users/{id}", routing::patch(update_user).get(get_user))
}

#[derive(OpenApi)]
#[openapi(paths(list_users, create_user, get_user, update_user))]
pub struct Doc;

#[derive(Serialize, ToSchema)]
pub struct UserView {
    pub id: uuid::Uuid,
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub locale: String,
    pub active: bool,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
    /// Send it back when changing the user: a stale version is refused.
    pub version: i64,
}

impl From<User> for UserView {
    fn from(user: User) -> Self {
        UserView {
            id: user.id.0,
            email: user.email.to_string(),
            display_name: user.display_name,
            role: user.role.as_str().to_string(),
            locale: user.locale.tag().to_string(),
            active: user.active,
            created_at: user.created_at,
            updated_at: user.updated_at,
            version: user.version,
        }
    }
}

#[utoipa::path(get, path = "/api/v1/users", tag = "users", security(("bearer" = [])),
    responses((status = 200, body = Vec<UserView>), Forbidden))]
pub async fn list_users(Api { state, actor }: Api) -> ApiResult<Json<Vec<UserView>>> {
    let users = state.app.users().list_users(&actor).await?;
    Ok(Json(users.into_iter().map(UserView::from).collect()))
}

#[utoipa::path(post, path = "/api/v1/users", tag = "users", security(("bearer" = [])), request_body = NewUserInput,
    responses((status = 201, body = UserView), BadRequest, Forbidden, Conflict))]
pub async fn create_user(
    Api { state, actor }: Api,
    ApiJson(input): ApiJson<NewUserInput>,
) -> ApiResult<(StatusCode, Json<UserView>)> {
    let user = state.app.users().create_user(&actor, input).await?;
    Ok((StatusCode::CREATED, Json(user.into())))
}

#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "users", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = UserView), Forbidden))]
pub async fn get_user(Api { state, actor }: Api, Id(id): Id<UserId>) -> ApiResult<Json<UserView>> {
    let user = state.app.users().get_user(&actor, id).await?;
    Ok(Json(user.into()))
}

#[derive(Deserialize, ToSchema)]
pub struct UserPatch {
    /// The version the change is based on.
    pub version: i64,
    pub active: bool,
}

/// Enables or disables a user; disabling ends the user's sessions and tokens at once.
#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "users", security(("bearer" = [])), request_body = UserPatch,
    params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = UserView), Forbidden, Conflict))]
pub async fn update_user(
    Api { state, actor }: Api,
    Id(id): Id<UserId>,
    ApiJson(patch): ApiJson<UserPatch>,
) -> ApiResult<Json<UserView>> {
    let user = state.app.users().set_user_active(&actor, id, patch.version, patch.active).await?;
    Ok(Json(user.into()))
}
