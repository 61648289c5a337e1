//! Writing and reading the audit trail.
use crate::Audit;
use crate::{Actor, AppError};
use db::repo::audit as repo;
use domain::ids::AuditId;
use domain::page::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, Page, page_size};
use serde::Serialize;

/// How the audit trail names the command-line operator.
pub const OPERATOR_LABEL: &str = "operator (command line)";

#[derive(Clone, Debug, Serialize)]
pub struct AuditEntry {
    pub id: String,
    pub at: chrono::DateTime<chrono::Utc>,
    /// The user who acted; none for the command-line operator.
    pub actor_id: Option<domain::UserId>,
    pub actor: String,
    pub action: String,
    pub entity_type: String,
    pub entity_id: Option<String>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub ip: Option<String>,
}

impl From<repo::AuditRow> for AuditEntry {
    fn from(row: repo::AuditRow) -> Self {
        AuditEntry {
            id: row.id.to_string(),
            at: row.at,
            actor_id: row.actor_id.map(domain::UserId),
            actor: row.actor_label,
            action: row.action,
            entity_type: row.entity_type,
            entity_id: row.entity_id,
            before: row.before_data.map(|j| j.0),
            after: row.after_data.map(|j| j.0),
            ip: row.ip,
        }
    }
}

impl Audit<'_> {
    /// The organisation's audit trail, newest first. Administrators only.
    #[tracing::instrument(skip_all)]
    pub async fn audit_log(
        &self,
        actor: &Actor,
        cursor: Option<&str>,
        size: Option<u32>,
    ) -> Result<Page<AuditEntry>, AppError> {
        actor.require_admin()?;
        let before = match cursor.filter(|c| !c.is_empty()) {
            Some(c) => Some(c.parse::<AuditId>().map_err(|_| {
                AppError::Validation(domain::ValidationErrors::single("cursor", "error-cursor-invalid"))
            })?),
            None => None,
        };
        let limit = page_size(size, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)?;
        let mut rows = repo::list(&self.db, actor.org_id, before, limit + 1).await?;
        let next_cursor = if rows.len() > limit as usize {
            rows.truncate(limit as usize);
            rows.last().map(|r| r.id.to_string())
        } else {
            None
        };
        Ok(Page { items: rows.into_iter().map(AuditEntry::from).collect(), next_cursor, prev_cursor: None })
    }
}
