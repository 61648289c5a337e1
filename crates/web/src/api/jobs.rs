//! Background work over the API: how many jobs of each kind are in each
//! state, and the latest that failed for good with their last error.
use super::responses::Forbidden;
use crate::AppState;
use crate::error::ApiResult;
use crate::extract::Api;
use axum::Router;
use axum::response::Json;
use axum::routing;
use chrono::{DateTime, Utc};
use domain::job::{JobKind, JobState};
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new().route("/jobs", routing::get(overview))
}

#[derive(OpenApi)]
#[openapi(paths(overview))]
pub struct Doc;

/// The organisation's jobs: counts per kind and state (`send_message`,
/// `deliver_webhook`, `daily`; `queued`, `running`, `done`, `failed`,
/// `cancelled`), and the 50 latest failed ones.
#[utoipa::path(get, path = "/api/v1/jobs", tag = "messages", security(("bearer" = [])),
    responses((status = 200, body = JobOverview), Forbidden))]
pub async fn overview(Api { state, actor }: Api) -> ApiResult<Json<JobOverview>> {
    let overview = state.app.worker().overview(&actor).await?;
    Ok(Json(JobOverview {
        counts: overview
            .counts
            .into_iter()
            .map(|(kind, state, count)| JobCount { kind, state, count })
            .collect(),
        failed: overview
            .failed
            .into_iter()
            .map(|job| FailedJob {
                id: job.id,
                kind: job.kind,
                subject: job.subject,
                attempts: job.attempts,
                error: job.error,
                finished_at: job.finished_at,
            })
            .collect(),
    }))
}

#[derive(Serialize, ToSchema)]
pub struct JobOverview {
    pub counts: Vec<JobCount>,
    pub failed: Vec<FailedJob>,
}

#[derive(Serialize, ToSchema)]
pub struct JobCount {
    pub kind: JobKind,
    pub state: JobState,
    pub count: i64,
}

#[derive(Serialize, ToSchema)]
pub struct FailedJob {
    pub id: Uuid,
    pub kind: JobKind,
    /// What it was about: a daily task's name, a message's or a delivery's id.
    pub subject: String,
    pub attempts: i32,
    pub error: String,
    pub finished_at: Option<DateTime<Utc>>,
}
