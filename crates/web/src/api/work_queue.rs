//! Minha fila over the API: the queue of interactions across customers,
//! and bulk actions that change every chosen one or none.
use super::ChosenItem;
use super::interactions::Interaction;
use super::public_all;
use super::responses::{Conflict, Forbidden, Invalid, NotFound};
use crate::AppState;
use crate::error::{ApiResult, Error};
use crate::extract::{Api, ApiJson, Query};
use app::work_queue::{ChosenInteraction, WorkQuery};
use axum::Router;
use axum::response::Json;
use axum::routing;
use chrono::NaiveDate;
use domain::work_queue::{BulkChange, Urgency};
use domain::{InteractionId, UserId};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/work/interactions", routing::get(queue))
        .route("/work/interactions/bulk", routing::post(bulk))
}

#[derive(OpenApi)]
#[openapi(
    paths(queue, bulk),
    components(schemas(domain::work_queue::WorkScope, domain::work_queue::WorkState))
)]
pub struct Doc;

/// The interactions the caller answers for (`scope=mine`) or those of every
/// customer his access reaches (`scope=team`): overdue first, then by due
/// date, undated last; 50 a page.
#[utoipa::path(get, path = "/api/v1/work/interactions", tag = "work", security(("bearer" = [])), params(WorkQuery),
    responses((status = 200, body = QueuePage), Invalid))]
pub async fn queue(Api { state, actor }: Api, Query(query): Query<WorkQuery>) -> ApiResult<Json<QueuePage>> {
    let found = state.app.work_queue().queue(&actor, &query).await?;
    Ok(Json(QueuePage {
        items: public_all(found.items)?,
        page: found.page,
        has_next: found.has_next,
        total: found.total,
        today: found.today,
    }))
}

/// Closes (`close`) or hands over (`reassign`, with `responsible_id`) the
/// chosen interactions, each at the version the caller read. If any may not
/// be changed or changed since, nothing is: `403`/`404` or `409 conflict`.
#[utoipa::path(post, path = "/api/v1/work/interactions/bulk", tag = "work", security(("bearer" = [])), request_body = BulkRequest,
    responses((status = 200, body = BulkOutcome), Invalid, Forbidden, Conflict, NotFound))]
pub async fn bulk(
    Api { state, actor }: Api,
    ApiJson(body): ApiJson<BulkRequest>,
) -> ApiResult<Json<BulkOutcome>> {
    let change = match (body.action, body.responsible_id) {
        (BulkAction::Close, _) => BulkChange::Close,
        (BulkAction::Reassign, Some(user)) => BulkChange::Reassign(UserId(user)),
        (BulkAction::Reassign, None) => {
            return Err(domain::ValidationErrors::single("responsible_id", "error-bulk-choose-person").into());
        }
    };
    let chosen: Vec<ChosenInteraction> = body
        .items
        .iter()
        .map(|i| ChosenInteraction { id: InteractionId(i.id), version: i.version })
        .collect();
    let changed = state.app.work_queue().bulk_change(&actor, &chosen, change).await?;
    Ok(Json(BulkOutcome { changed }))
}

// The public JSON of this capability.

#[derive(Serialize, ToSchema)]
pub struct QueuePage {
    pub items: Vec<QueueItem>,
    pub page: u32,
    pub has_next: bool,
    /// How many the filters select, counted up to 10,000.
    pub total: i64,
    /// The organisation's day the urgencies were judged on.
    pub today: NaiveDate,
}

/// An interaction, with the customer it is about and where it stands.
#[derive(Serialize, ToSchema)]
pub struct QueueItem {
    #[serde(flatten)]
    pub interaction: Interaction,
    pub party_name: String,
    /// Seed 002's legend: `today`, `overdue`, `open` or `closed`.
    pub urgency: Urgency,
}

impl TryFrom<app::work_queue::QueueItem> for QueueItem {
    type Error = Error;

    fn try_from(item: app::work_queue::QueueItem) -> Result<Self, Error> {
        Ok(QueueItem {
            interaction: item.interaction.try_into()?,
            party_name: item.party_name,
            urgency: item.urgency,
        })
    }
}

#[derive(Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum BulkAction {
    Close,
    Reassign,
}

#[derive(Deserialize, ToSchema)]
pub struct BulkRequest {
    pub action: BulkAction,
    /// Up to 100.
    #[schema(min_items = 1, max_items = 100)]
    pub items: Vec<ChosenItem>,
    /// Whom `reassign` hands them to.
    pub responsible_id: Option<Uuid>,
}

#[derive(Serialize, ToSchema)]
pub struct BulkOutcome {
    /// How many interactions changed.
    pub changed: usize,
}
