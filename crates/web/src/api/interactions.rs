//! Interactions [atendimentos] and the organisation's natures and statuses.
use super::registry_settings::Status;
use super::responses::{Conflict, Forbidden};
use super::{code, public_all};
use crate::AppState;
use crate::error::ApiResult;
use crate::error::Error;
use crate::extract::{Api, ApiJson, Id};
use app::interactions::InteractionList;
use axum::Router;
use axum::http::StatusCode;
use axum::response::Json;
use axum::routing;
use chrono::DateTime;
use chrono::NaiveDate;
use chrono::Utc;
use domain::interaction::InteractionChannel;
use domain::interaction::InteractionDraft;
use domain::{InteractionId, PartyId};
use serde::{Deserialize, Serialize};
use utoipa::OpenApi;
use utoipa::ToSchema;
use uuid::Uuid;

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
    responses((status = 200, body = Vec<Interaction>)))]
pub async fn list(Api { state, actor }: Api, Id(id): Id<PartyId>) -> ApiResult<Json<Vec<Interaction>>> {
    Ok(Json(public_all(state.app.interactions().interactions_of(&actor, id, None).await?)?))
}

/// Opens an interaction with the party; `vehicle_id` ties it to one of its vehicles.
#[utoipa::path(post, path = "/api/v1/parties/{id}/interactions", tag = "profile", security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = InteractionDraft,
    responses((status = 201, body = Interaction), Forbidden))]
pub async fn create(
    Api { state, actor }: Api,
    Id(id): Id<PartyId>,
    ApiJson(draft): ApiJson<InteractionDraft>,
) -> ApiResult<(StatusCode, Json<Interaction>)> {
    let opened = state.app.interactions().open_interaction(&actor, id, &draft).await?;
    Ok((StatusCode::CREATED, Json(opened.try_into()?)))
}

#[utoipa::path(get, path = "/api/v1/interactions/{id}", tag = "profile", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = Interaction)))]
pub async fn get(Api { state, actor }: Api, Id(id): Id<InteractionId>) -> ApiResult<Json<Interaction>> {
    Ok(Json(state.app.interactions().interaction(&actor, id).await?.try_into()?))
}

#[derive(Deserialize, ToSchema)]
pub struct InteractionUpdate {
    /// The version the edit is based on; a stale one gets `409 conflict`.
    pub version: i64,
    #[serde(flatten)]
    pub draft: InteractionDraft,
}

#[utoipa::path(put, path = "/api/v1/interactions/{id}", tag = "profile", security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = InteractionUpdate,
    responses((status = 200, body = Interaction), Forbidden, Conflict))]
pub async fn update(
    Api { state, actor }: Api,
    Id(id): Id<InteractionId>,
    ApiJson(body): ApiJson<InteractionUpdate>,
) -> ApiResult<Json<Interaction>> {
    let saved = state.app.interactions().update_interaction(&actor, id, body.version, &body.draft).await?;
    Ok(Json(saved.try_into()?))
}

#[derive(Serialize, ToSchema)]
pub struct InteractionOptions {
    /// Built-in ones have an empty label.
    pub natures: Vec<Status>,
    pub statuses: Vec<Status>,
    /// Telemarketing occurrences' results.
    pub results: Vec<Status>,
}

#[utoipa::path(get, path = "/api/v1/interaction-options", tag = "profile", security(("bearer" = [])),
    responses((status = 200, body = InteractionOptions)))]
pub async fn options(Api { state, actor }: Api) -> ApiResult<Json<InteractionOptions>> {
    Ok(Json(InteractionOptions {
        natures: public_all(
            state.app.interactions().interaction_options(&actor, InteractionList::Nature).await?,
        )?,
        statuses: public_all(
            state.app.interactions().interaction_options(&actor, InteractionList::Status).await?,
        )?,
        results: public_all(
            state.app.interactions().interaction_options(&actor, InteractionList::Result).await?,
        )?,
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct NewOption {
    pub list: InteractionList,
    #[schema(min_length = 1)]
    pub label: String,
}

/// Adds a nature, a status or an occurrence result (administrators).
#[utoipa::path(post, path = "/api/v1/interaction-options", tag = "profile", security(("bearer" = [])), request_body = NewOption,
    responses((status = 201, body = Status), Forbidden, Conflict))]
pub async fn add_option(
    Api { state, actor }: Api,
    ApiJson(body): ApiJson<NewOption>,
) -> ApiResult<(StatusCode, Json<Status>)> {
    let added = state.app.interactions().add_interaction_option(&actor, body.list, &body.label).await?;
    Ok((StatusCode::CREATED, Json(added.try_into()?)))
}

// The public JSON of this capability: what the API promises, apart from
// the views the screens use, so a screen can change without changing it.

#[derive(Serialize, ToSchema)]
#[schema(as = InteractionView)]
pub struct Interaction {
    pub id: Uuid,
    pub party_id: Uuid,
    pub nature: String,
    pub channel: InteractionChannel,
    pub status: String,
    /// Whether the status closes the interaction.
    pub closed: bool,
    pub responsible_id: Uuid,
    pub responsible: String,
    pub due_on: Option<NaiveDate>,
    pub description: String,
    pub vehicle_id: Option<Uuid>,
    pub vehicle_plate: Option<String>,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
    /// How a telemarketing occurrence went; absent for other interactions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<String>,
}

impl TryFrom<app::interactions::InteractionView> for Interaction {
    type Error = Error;

    fn try_from(view: app::interactions::InteractionView) -> Result<Self, Error> {
        Ok(Interaction {
            id: view.id,
            party_id: view.party_id,
            nature: view.nature,
            channel: code(&view.channel)?,
            status: view.status,
            closed: view.closed,
            responsible_id: view.responsible_id,
            responsible: view.responsible,
            due_on: view.due_on,
            description: view.description,
            vehicle_id: view.vehicle_id,
            vehicle_plate: view.vehicle_plate,
            created_at: view.created_at,
            created_by: view.created_by,
            updated_at: view.updated_at,
            version: view.version,
            result: view.result,
        })
    }
}
