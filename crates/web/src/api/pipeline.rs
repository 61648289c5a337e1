//! The prospects' board over the API: prospects in negotiation by stage,
//! and the versioned move of one to another stage.
use super::responses::{Conflict, Forbidden, Invalid, NotFound};
use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{Api, ApiJson, Id, Query};
use app::pipeline::{BoardQuery, ProspectCard};
use axum::Router;
use axum::response::Json;
use axum::routing;
use chrono::{DateTime, Utc};
use domain::PartyId;
use domain::pipeline::NegotiationStage;
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/pipeline", routing::get(board))
        .route("/parties/{id}/negotiation-stage", routing::put(move_prospect))
}

#[derive(OpenApi)]
#[openapi(paths(board, move_prospect), components(schemas(NegotiationStage)))]
pub struct Doc;

/// Every stage of a negotiation in order, each with how many prospects in
/// negotiation stand there and the latest moved 30 of them: the caller's
/// own (`scope=mine`, those he is the seller of) or every one his access
/// reaches (`scope=team`).
#[utoipa::path(get, path = "/api/v1/pipeline", tag = "work", security(("bearer" = [])), params(BoardQuery),
    responses((status = 200, body = Vec<StageColumn>), Invalid))]
pub async fn board(
    Api { state, actor }: Api,
    Query(query): Query<BoardQuery>,
) -> ApiResult<Json<Vec<StageColumn>>> {
    let columns = state.app.pipeline().board(&actor, &query).await?;
    Ok(Json(
        columns
            .into_iter()
            .map(|column| StageColumn {
                stage: column.stage,
                total: column.total,
                prospects: column.cards.into_iter().map(Prospect::from).collect(),
            })
            .collect(),
    ))
}

/// Moves a prospect's negotiation to another stage, at the version the
/// caller read (`409 conflict` if it changed since); `422` for a customer
/// or an abandoned negotiation.
#[utoipa::path(put, path = "/api/v1/parties/{id}/negotiation-stage", tag = "work", security(("bearer" = [])),
    params(("id" = Uuid, Path)), request_body = StageMove,
    responses((status = 200, body = Prospect), Invalid, Forbidden, NotFound, Conflict))]
pub async fn move_prospect(
    Api { state, actor }: Api,
    Id(id): Id<PartyId>,
    ApiJson(body): ApiJson<StageMove>,
) -> ApiResult<Json<Prospect>> {
    let card = state.app.pipeline().move_prospect(&actor, id, body.version, body.stage).await?;
    Ok(Json(card.into()))
}

// The public JSON of this capability.

/// A stage and the prospects standing there.
#[derive(Serialize, ToSchema)]
pub struct StageColumn {
    pub stage: NegotiationStage,
    /// How many prospects stand at this stage.
    pub total: i64,
    /// The latest moved of them, at most 30.
    pub prospects: Vec<Prospect>,
}

/// A prospect in negotiation.
#[derive(Serialize, ToSchema)]
pub struct Prospect {
    pub id: Uuid,
    pub name: String,
    /// The party's version, for the next move.
    pub version: i64,
    pub stage: NegotiationStage,
    pub city: Option<String>,
    pub seller_name: Option<String>,
    pub updated_at: DateTime<Utc>,
}

impl From<ProspectCard> for Prospect {
    fn from(card: ProspectCard) -> Prospect {
        Prospect {
            id: card.id,
            name: card.name,
            version: card.version,
            stage: card.stage,
            city: card.city,
            seller_name: card.seller_name,
            updated_at: card.updated_at,
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct StageMove {
    pub stage: NegotiationStage,
    /// The version the move is based on; a stale one gets `409 conflict`.
    #[schema(minimum = 1)]
    pub version: i64,
}
