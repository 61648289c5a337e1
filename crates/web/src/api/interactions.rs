//! Interactions [atendimentos] and the organisation's natures and statuses.
use super::responses::{Conflict, Forbidden, Invalid, NotFound, Unauthorized};
use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{Api, ApiJson, Id};
use app::interactions::{InteractionList, InteractionView};
use app::registry_settings::StatusView;
use axum::Router;
use axum::http::StatusCode;
use axum::response::Json;
use axum::routing;
use domain::interaction::InteractionDraft;
use domain::{InteractionId, PartyId};
use serde::{Deserialize, Serialize};
use utoipa::OpenApi;
use utoipa::ToSchema;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/parties/{id}/interactions", routing::get(list).post(create))
        .route("/interactions/{id}", routing::get(get).put(update))
        .route("/interaction-options", routing::get(options).post(add_option))
}

#[derive(OpenApi)]
#[openapi(paths(list, create, get, update, options, add_option))]
pub struct Doc;

#[utoipa::path(get, path = "/api/v1/parties/{id}/interactions", tag = "profile", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<InteractionView>), Unauthorized, NotFound))]
pub async fn list(Api { state, actor }: Api, Id(id): Id<PartyId>) -> ApiResult<Json<Vec<InteractionView>>> {
    Ok(Json(state.app.interactions().interactions_of(&actor, id, None).await?))
}

/// Opens an interaction with the party; `vehicle_id` ties it to one of its vehicles.
#[utoipa::path(post, path = "/api/v1/parties/{id}/interactions", tag = "profile", security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = InteractionDraft,
    responses((status = 201, body = InteractionView), Unauthorized, Forbidden, NotFound, Invalid))]
pub async fn create(
    Api { state, actor }: Api,
    Id(id): Id<PartyId>,
    ApiJson(draft): ApiJson<InteractionDraft>,
) -> ApiResult<(StatusCode, Json<InteractionView>)> {
    let opened = state.app.interactions().open_interaction(&actor, id, &draft).await?;
    Ok((StatusCode::CREATED, Json(opened)))
}

#[utoipa::path(get, path = "/api/v1/interactions/{id}", tag = "profile", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = InteractionView), Unauthorized, NotFound))]
pub async fn get(Api { state, actor }: Api, Id(id): Id<InteractionId>) -> ApiResult<Json<InteractionView>> {
    Ok(Json(state.app.interactions().interaction(&actor, id).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct InteractionUpdate {
    /// The version the edit is based on; a stale one gets `409 conflict`.
    pub version: i64,
    #[serde(flatten)]
    pub draft: InteractionDraft,
}

#[utoipa::path(put, path = "/api/v1/interactions/{id}", tag = "profile", security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = InteractionUpdate,
    responses((status = 200, body = InteractionView), Unauthorized, Forbidden, NotFound, Conflict, Invalid))]
pub async fn update(
    Api { state, actor }: Api,
    Id(id): Id<InteractionId>,
    ApiJson(body): ApiJson<InteractionUpdate>,
) -> ApiResult<Json<InteractionView>> {
    let saved = state.app.interactions().update_interaction(&actor, id, body.version, &body.draft).await?;
    Ok(Json(saved))
}

#[derive(Serialize, ToSchema)]
pub struct InteractionOptions {
    /// Built-in ones have an empty label.
    pub natures: Vec<StatusView>,
    pub statuses: Vec<StatusView>,
}

#[utoipa::path(get, path = "/api/v1/interaction-options", tag = "profile", security(("bearer" = [])),
    responses((status = 200, body = InteractionOptions), Unauthorized))]
pub async fn options(Api { state, actor }: Api) -> ApiResult<Json<InteractionOptions>> {
    Ok(Json(InteractionOptions {
        natures: state.app.interactions().interaction_options(&actor, InteractionList::Nature).await?,
        statuses: state.app.interactions().interaction_options(&actor, InteractionList::Status).await?,
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct NewOption {
    /// `nature` or `status`
    pub list: String,
    pub label: String,
}

/// Adds a nature or a status (administrators).
#[utoipa::path(post, path = "/api/v1/interaction-options", tag = "profile", security(("bearer" = [])), request_body = NewOption,
    responses((status = 201, body = StatusView), Unauthorized, Forbidden, Invalid))]
pub async fn add_option(
    Api { state, actor }: Api,
    ApiJson(body): ApiJson<NewOption>,
) -> ApiResult<(StatusCode, Json<StatusView>)> {
    let list = InteractionList::parse(&body.list)
        .map_err(|message| domain::ValidationErrors::single("list", message))?;
    let added = state.app.interactions().add_interaction_option(&actor, list, &body.label).await?;
    Ok((StatusCode::CREATED, Json(added)))
}
