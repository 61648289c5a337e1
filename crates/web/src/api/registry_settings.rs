//! The organisation's custom fields and customer statuses.
use super::responses::{Forbidden, Invalid, NotFound, Unauthorized};
use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{Api, ApiJson, Id};
use app::registry_settings::{CustomFieldView, StatusView};
use axum::Router;
use axum::http::StatusCode;
use axum::response::Json;
use axum::routing;
use serde::Deserialize;
use utoipa::OpenApi;
use utoipa::ToSchema;
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/custom-fields", routing::get(list_fields).post(create_field))
        .route("/custom-fields/{id}", routing::delete(delete_field))
        .route("/customer-statuses", routing::get(list_statuses).post(add_status))
}

#[derive(OpenApi)]
#[openapi(paths(list_fields, create_field, delete_field, list_statuses, add_status))]
pub struct Doc;

#[utoipa::path(get, path = "/api/v1/custom-fields", tag = "parties", security(("bearer" = [])),
    responses((status = 200, body = Vec<CustomFieldView>), Unauthorized))]
pub async fn list_fields(Api { state, actor }: Api) -> ApiResult<Json<Vec<CustomFieldView>>> {
    Ok(Json(state.app.registry().custom_fields(&actor).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct NewCustomField {
    pub label: String,
    /// `text`, `number`, `date` or `choice`
    pub kind: String,
    /// For `choice`: the options.
    #[serde(default)]
    pub choices: Vec<String>,
}

/// Adds a field to every party's sheet (administrators). Values go in a
/// party's `custom` object, by `key`.
#[utoipa::path(post, path = "/api/v1/custom-fields", tag = "parties", security(("bearer" = [])), request_body = NewCustomField,
    responses((status = 201, body = CustomFieldView), Forbidden, Invalid))]
pub async fn create_field(
    Api { state, actor }: Api,
    ApiJson(body): ApiJson<NewCustomField>,
) -> ApiResult<(StatusCode, Json<CustomFieldView>)> {
    let field = state
        .app
        .registry()
        .create_custom_field(&actor, &body.label, &body.kind, &body.choices.join("\n"))
        .await?;
    Ok((StatusCode::CREATED, Json(field)))
}

#[utoipa::path(delete, path = "/api/v1/custom-fields/{id}", tag = "parties", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 204), Forbidden, NotFound))]
pub async fn delete_field(Api { state, actor }: Api, Id(id): Id<Uuid>) -> ApiResult<StatusCode> {
    state.app.registry().delete_custom_field(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/customer-statuses", tag = "parties", security(("bearer" = [])),
    responses((status = 200, body = Vec<StatusView>), Unauthorized))]
pub async fn list_statuses(Api { state, actor }: Api) -> ApiResult<Json<Vec<StatusView>>> {
    Ok(Json(state.app.registry().customer_statuses(&actor).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct NewStatus {
    pub label: String,
}

#[utoipa::path(post, path = "/api/v1/customer-statuses", tag = "parties", security(("bearer" = [])), request_body = NewStatus,
    responses((status = 201, body = StatusView), Forbidden, Invalid))]
pub async fn add_status(
    Api { state, actor }: Api,
    ApiJson(body): ApiJson<NewStatus>,
) -> ApiResult<(StatusCode, Json<StatusView>)> {
    let status = state.app.registry().add_customer_status(&actor, &body.label).await?;
    Ok((StatusCode::CREATED, Json(status)))
}
