//! The audit trail (administrators only).
use super::public_all;
use super::responses::{Forbidden, Invalid};
use crate::AppState;
use crate::error::ApiResult;
use crate::error::Error;
use crate::extract::{Api, Query};
use axum::Router;
use axum::response::Json;
use axum::routing;
use serde::{Deserialize, Serialize};
use utoipa::OpenApi;
use utoipa::{IntoParams, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new().route("/audit", routing::get(list_audit))
}

#[derive(OpenApi)]
#[openapi(paths(list_audit))]
pub struct Doc;

#[derive(Serialize, ToSchema)]
pub struct AuditPage {
    pub items: Vec<AuditEntry>,
    /// Pass as `cursor` for the next (older) page; absent on the last one.
    pub next_cursor: Option<String>,
}

#[derive(Deserialize, IntoParams)]
pub struct PageQuery {
    /// From the previous page's `next_cursor`.
    #[param(value_type = Option<uuid::Uuid>)]
    pub cursor: Option<String>,
    /// Rows per page, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
}

#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", security(("bearer" = [])), params(PageQuery),
    responses((status = 200, body = AuditPage), Forbidden, Invalid))]
pub async fn list_audit(
    Api { state, actor }: Api,
    Query(query): Query<PageQuery>,
) -> ApiResult<Json<AuditPage>> {
    let page = state.app.audit().audit_log(&actor, query.cursor.as_deref(), query.limit).await?;
    Ok(Json(AuditPage { items: public_all(page.items)?, next_cursor: page.next_cursor }))
}

// The public JSON of this capability: what the API promises, apart from
// the views the screens use, so a screen can change without changing it.

#[derive(Serialize, ToSchema)]
pub struct AuditEntry {
    pub id: String,
    pub at: chrono::DateTime<chrono::Utc>,
    pub actor: String,
    pub action: String,
    pub entity_type: String,
    pub entity_id: Option<String>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub ip: Option<String>,
}

impl TryFrom<app::audit::AuditEntry> for AuditEntry {
    type Error = Error;

    fn try_from(view: app::audit::AuditEntry) -> Result<Self, Error> {
        Ok(AuditEntry {
            id: view.id,
            at: view.at,
            actor: view.actor,
            action: view.action,
            entity_type: view.entity_type,
            entity_id: view.entity_id,
            before: view.before,
            after: view.after,
            ip: view.ip,
        })
    }
}
