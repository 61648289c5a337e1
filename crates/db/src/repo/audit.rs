//! The audit trail [trilha de auditoria]: append-only.
use crate::{Db, DbError, Tx, on_db, on_tx};
use chrono::{DateTime, Utc};
use domain::ids::AuditId;
use domain::{OrgId, UserId};
use sqlx::types::Json;
use uuid::Uuid;

pub struct NewAuditEntry<'a> {
    pub org_id: Option<OrgId>,
    pub actor_id: Option<UserId>,
    pub actor_label: &'a str,
    pub action: &'a str,
    pub entity_type: &'a str,
    pub entity_id: Option<String>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub ip: Option<&'a str>,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AuditRow {
    pub id: Uuid,
    pub at: DateTime<Utc>,
    pub actor_id: Option<Uuid>,
    pub actor_label: String,
    pub action: String,
    pub entity_type: String,
    pub entity_id: Option<String>,
    pub before_data: Option<Json<serde_json::Value>>,
    pub after_data: Option<Json<serde_json::Value>>,
    pub ip: Option<String>,
}

/// The entry's statement with its values bound, for either backend.
macro_rules! insert_entry {
    ($id:expr, $entry:expr, $now:expr) => {
        sqlx::query(
            "INSERT INTO audit_log (id, org_id, at, actor_id, actor_label, action, entity_type,
                                    entity_id, before_data, after_data, ip)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind($id.0)
        .bind($entry.org_id.map(|o| o.0))
        .bind($now)
        .bind($entry.actor_id.map(|u| u.0))
        .bind($entry.actor_label)
        .bind($entry.action)
        .bind($entry.entity_type)
        .bind($entry.entity_id.as_deref())
        .bind($entry.before.clone().map(Json))
        .bind($entry.after.clone().map(Json))
        .bind($entry.ip)
    };
}

#[tracing::instrument(skip_all)]
pub async fn insert(tx: &mut Tx, entry: &NewAuditEntry<'_>, now: DateTime<Utc>) -> Result<AuditId, DbError> {
    let id = AuditId::new();
    on_tx!(tx, conn => {
        insert_entry!(id, entry, now).execute(&mut *conn).await?;
    });
    Ok(id)
}

/// An entry that is a whole change by itself (a read of personal data):
/// one statement, which is its own transaction, where BEGIN, INSERT and
/// COMMIT were three round trips on every customer's page.
#[tracing::instrument(skip_all)]
pub async fn insert_alone(
    db: &Db,
    entry: &NewAuditEntry<'_>,
    now: DateTime<Utc>,
) -> Result<AuditId, DbError> {
    let id = AuditId::new();
    match db {
        Db::Sqlite(sqlite) => {
            insert_entry!(id, entry, now).execute(&sqlite.writer()).await?;
        }
        Db::Postgres(pg) => {
            insert_entry!(id, entry, now).execute(pg).await?;
        }
    }
    Ok(id)
}

const COLUMNS: &str =
    "id, at, actor_id, actor_label, action, entity_type, entity_id, before_data, after_data, ip";

/// Newest first, keyset-paginated on the time-ordered id.
#[tracing::instrument(skip_all)]
pub async fn list(
    db: &Db,
    org_id: OrgId,
    before: Option<AuditId>,
    limit: u32,
) -> Result<Vec<AuditRow>, DbError> {
    let limit = i64::from(limit);
    Ok(match before {
        Some(cursor) => {
            let sql = format!(
                "SELECT {COLUMNS} FROM audit_log WHERE org_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3"
            );
            on_db!(db, pool => {
                sqlx::query_as(&sql).bind(org_id.0).bind(cursor.0).bind(limit).fetch_all(pool).await?
            })
        }
        None => {
            let sql = format!("SELECT {COLUMNS} FROM audit_log WHERE org_id = $1 ORDER BY id DESC LIMIT $2");
            on_db!(db, pool => {
                sqlx::query_as(&sql).bind(org_id.0).bind(limit).fetch_all(pool).await?
            })
        }
    })
}

/// Entries about unknown accounts carry no organisation; tests and
/// operators look them up by label.
#[tracing::instrument(skip_all)]
pub async fn list_by_action(db: &Db, action: &str, limit: u32) -> Result<Vec<AuditRow>, DbError> {
    let sql = format!("SELECT {COLUMNS} FROM audit_log WHERE action = $1 ORDER BY id DESC LIMIT $2");
    Ok(on_db!(db, pool => {
        sqlx::query_as(&sql).bind(action).bind(i64::from(limit)).fetch_all(pool).await?
    }))
}
