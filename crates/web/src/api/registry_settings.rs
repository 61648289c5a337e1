//! The organisation's custom fields and customer statuses.
use super::responses::{Conflict, Forbidden};
use super::{code, public_all};
use crate::AppState;
use crate::error::ApiResult;
use crate::error::Error;
use crate::extract::{Api, ApiJson, Id};
use axum::Router;
use axum::http::StatusCode;
use axum::response::Json;
use axum::routing;
use domain::party::CustomFieldKind;
use serde::Deserialize;
use serde::Serialize;
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
    responses((status = 200, body = Vec<CustomField>)))]
pub async fn list_fields(Api { state, actor }: Api) -> ApiResult<Json<Vec<CustomField>>> {
    Ok(Json(public_all(state.app.registry().custom_fields(&actor).await?)?))
}

#[derive(Deserialize, ToSchema)]
pub struct NewCustomField {
    #[schema(min_length = 1)]
    pub label: String,
    pub kind: CustomFieldKind,
    /// For `choice`: the options.
    #[serde(default)]
    pub choices: Vec<String>,
}

/// Adds a field to every party's sheet (administrators). Values go in a
/// party's `custom` object, by `key`.
#[utoipa::path(post, path = "/api/v1/custom-fields", tag = "parties", security(("bearer" = [])), request_body = NewCustomField,
    responses((status = 201, body = CustomField), Forbidden, Conflict))]
pub async fn create_field(
    Api { state, actor }: Api,
    ApiJson(body): ApiJson<NewCustomField>,
) -> ApiResult<(StatusCode, Json<CustomField>)> {
    let field = state
        .app
        .registry()
        .create_custom_field(&actor, &body.label, body.kind.as_str(), &body.choices.join("\n"))
        .await?;
    Ok((StatusCode::CREATED, Json(field.try_into()?)))
}

#[utoipa::path(delete, path = "/api/v1/custom-fields/{id}", tag = "parties", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 204), Forbidden))]
pub async fn delete_field(Api { state, actor }: Api, Id(id): Id<Uuid>) -> ApiResult<StatusCode> {
    state.app.registry().delete_custom_field(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/customer-statuses", tag = "parties", security(("bearer" = [])),
    responses((status = 200, body = Vec<Status>)))]
pub async fn list_statuses(Api { state, actor }: Api) -> ApiResult<Json<Vec<Status>>> {
    Ok(Json(public_all(state.app.registry().customer_statuses(&actor).await?)?))
}

#[derive(Deserialize, ToSchema)]
pub struct NewStatus {
    #[schema(min_length = 1)]
    pub label: String,
}

#[utoipa::path(post, path = "/api/v1/customer-statuses", tag = "parties", security(("bearer" = [])), request_body = NewStatus,
    responses((status = 201, body = Status), Forbidden, Conflict))]
pub async fn add_status(
    Api { state, actor }: Api,
    ApiJson(body): ApiJson<NewStatus>,
) -> ApiResult<(StatusCode, Json<Status>)> {
    let status = state.app.registry().add_customer_status(&actor, &body.label).await?;
    Ok((StatusCode::CREATED, Json(status.try_into()?)))
}

// The public JSON of this capability: what the API promises, apart from
// the views the screens use, so a screen can change without changing it.

#[derive(Serialize, ToSchema)]
#[schema(as = CustomFieldView)]
pub struct CustomField {
    pub id: Uuid,
    pub key: String,
    pub label: String,
    /// `text`, `number`, `date` or `choice`
    pub kind: CustomFieldKind,
    pub choices: Vec<String>,
}

impl TryFrom<app::registry_settings::CustomFieldView> for CustomField {
    type Error = Error;

    fn try_from(view: app::registry_settings::CustomFieldView) -> Result<Self, Error> {
        Ok(CustomField {
            id: view.id,
            key: view.key,
            label: view.label,
            kind: code(&view.kind)?,
            choices: view.choices,
        })
    }
}

/// A customer status: `label` is empty for the built-in ones, which the UI
/// names in the user's language.
#[derive(Serialize, ToSchema)]
#[schema(as = StatusView)]
pub struct Status {
    pub code: String,
    pub label: String,
}

impl TryFrom<app::registry_settings::StatusView> for Status {
    type Error = Error;

    fn try_from(view: app::registry_settings::StatusView) -> Result<Self, Error> {
        Ok(Status { code: view.code, label: view.label })
    }
}
