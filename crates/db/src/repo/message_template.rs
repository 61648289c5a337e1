//! E-mail templates [modelos de e-mail].
use super::by_id;
use crate::{Db, DbError, Tx, on_db, on_tx};
use chrono::{DateTime, Utc};
use domain::OrgId;
use uuid::Uuid;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct TemplateRow {
    pub id: Uuid,
    /// `email` or `quote`.
    pub kind: String,
    pub name: String,
    pub locale: String,
    pub subject: String,
    pub body: String,
    pub version: i64,
    pub updated_at: DateTime<Utc>,
    pub updated_by_name: String,
}

const COLUMNS: &str = "id, kind, name, locale, subject, body, version, updated_at, updated_by_name";

#[tracing::instrument(skip_all)]
pub async fn list(db: &Db, org_id: OrgId) -> Result<Vec<TemplateRow>, DbError> {
    let sql =
        format!("SELECT {COLUMNS} FROM message_templates WHERE org_id = $1 ORDER BY kind, locale, name");
    Ok(on_db!(db, pool => sqlx::query_as(&sql).bind(org_id.0).fetch_all(pool).await?))
}

#[tracing::instrument(skip_all)]
pub async fn get(db: &Db, org_id: OrgId, id: Uuid) -> Result<Option<TemplateRow>, DbError> {
    let sql = format!("SELECT {COLUMNS} FROM message_templates WHERE org_id = $1 AND id = $2");
    by_id::row(db, &sql, org_id, id).await
}

/// Whether another template of the organisation has this name in this language.
#[tracing::instrument(skip_all)]
pub async fn name_taken(
    tx: &mut Tx,
    org_id: OrgId,
    locale: &str,
    name: &str,
    except: Option<Uuid>,
) -> Result<bool, DbError> {
    let found: Option<Uuid> = on_tx!(tx, conn => {
        sqlx::query_scalar(
            "SELECT id FROM message_templates WHERE org_id = $1 AND locale = $2 AND LOWER(name) = LOWER($3)
             AND ($4 IS NULL OR id <> $4) LIMIT 1",
        )
        .bind(org_id.0)
        .bind(locale)
        .bind(name)
        .bind(except)
        .fetch_optional(&mut *conn)
        .await?
    });
    Ok(found.is_some())
}

#[tracing::instrument(skip_all)]
pub async fn insert(tx: &mut Tx, org_id: OrgId, row: &TemplateRow) -> Result<(), DbError> {
    on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO message_templates (id, org_id, name, locale, subject, body, version, updated_at, updated_by_name, kind)
             VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $8, $9)",
        )
        .bind(row.id)
        .bind(org_id.0)
        .bind(&row.name)
        .bind(&row.locale)
        .bind(&row.subject)
        .bind(&row.body)
        .bind(row.updated_at)
        .bind(&row.updated_by_name)
        .bind(&row.kind)
        .execute(&mut *conn)
        .await?;
    });
    Ok(())
}

/// Writes the template if it is still at `version`; false when someone
/// saved in between.
#[tracing::instrument(skip_all)]
pub async fn update(tx: &mut Tx, org_id: OrgId, row: &TemplateRow, version: i64) -> Result<bool, DbError> {
    let updated = on_tx!(tx, conn => {
        sqlx::query(
            "UPDATE message_templates SET name = $4, locale = $5, subject = $6, body = $7, version = version + 1,
                 updated_at = $8, updated_by_name = $9
             WHERE org_id = $1 AND id = $2 AND version = $3",
        )
        .bind(org_id.0)
        .bind(row.id)
        .bind(version)
        .bind(&row.name)
        .bind(&row.locale)
        .bind(&row.subject)
        .bind(&row.body)
        .bind(row.updated_at)
        .bind(&row.updated_by_name)
        .execute(&mut *conn)
        .await?
        .rows_affected()
    });
    Ok(updated == 1)
}
