//! The prospects' board over the API: prospects in negotiation by stage,
//! the versioned move of one to another stage, and the organisation's
//! names of the stages.
use super::responses::{Conflict, Forbidden, Invalid, NotFound};
use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{Api, ApiJson, Id, Query};
use app::pipeline::{BoardQuery, ProspectCard, StageNames};
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
        .route("/pipeline/stages", routing::get(stage_names).put(rename_stages))
}

#[derive(OpenApi)]
#[openapi(paths(board, move_prospect, stage_names, rename_stages), components(schemas(NegotiationStage)))]
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
    let pipeline = state.app.pipeline();
    let (columns, names) = tokio::try_join!(pipeline.board(&actor, &query), pipeline.stage_names(&actor))?;
    Ok(Json(
        columns
            .into_iter()
            .map(|column| StageColumn {
                stage: column.stage,
                name: names.own(column.stage).map(str::to_string),
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

/// Every stage in order with the organisation's name for it (`null`:
/// the standard name, in the reader's language).
#[utoipa::path(get, path = "/api/v1/pipeline/stages", tag = "work", security(("bearer" = [])),
    responses((status = 200, body = Vec<StageName>)))]
pub async fn stage_names(Api { state, actor }: Api) -> ApiResult<Json<Vec<StageName>>> {
    let names = state.app.pipeline().stage_names(&actor).await?;
    Ok(Json(StageName::every(&names)))
}

/// Names the stages as the organisation calls them (administrators): a
/// stage left out, or named `null` or blank, keeps the standard name; a
/// name has at most 40 characters. All or nothing.
#[utoipa::path(put, path = "/api/v1/pipeline/stages", tag = "work", security(("bearer" = [])),
    request_body = Vec<StageName>, responses((status = 200, body = Vec<StageName>), Invalid, Forbidden))]
pub async fn rename_stages(
    Api { state, actor }: Api,
    ApiJson(body): ApiJson<Vec<StageName>>,
) -> ApiResult<Json<Vec<StageName>>> {
    let asked: Vec<(NegotiationStage, String)> =
        body.into_iter().map(|named| (named.stage, named.name.unwrap_or_default())).collect();
    let names = state.app.pipeline().rename_stages(&actor, &asked).await?;
    Ok(Json(StageName::every(&names)))
}

// The public JSON of this capability.

/// A stage and the organisation's name for it.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct StageName {
    pub stage: NegotiationStage,
    /// The organisation's name; `null` for the standard one.
    #[schema(max_length = 40)]
    #[serde(default)]
    pub name: Option<String>,
}

impl StageName {
    fn every(names: &StageNames) -> Vec<StageName> {
        NegotiationStage::ALL
            .iter()
            .map(|&stage| StageName { stage, name: names.own(stage).map(str::to_string) })
            .collect()
    }
}

/// A stage and the prospects standing there.
#[derive(Serialize, ToSchema)]
pub struct StageColumn {
    pub stage: NegotiationStage,
    /// The organisation's name of the stage; `null` for the standard one.
    pub name: Option<String>,
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
