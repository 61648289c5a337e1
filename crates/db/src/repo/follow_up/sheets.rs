//! The organisation's layouts of the visit sheet [ficha de visita].
use super::super::by_id;
use crate::{Db, DbError, Tx, on_db, on_tx};
use chrono::{DateTime, Utc};
use domain::{OrgId, VisitSheetLayoutId};
use uuid::Uuid;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct LayoutRow {
    pub id: Uuid,
    pub name: String,
    pub heading: String,
    /// JSON list of section codes.
    pub sections: String,
    pub active: bool,
    pub version: i64,
}

pub struct LayoutFields<'a> {
    pub name: &'a str,
    pub heading: &'a str,
    pub sections: &'a str,
    pub active: bool,
}

pub async fn layouts(db: &Db, org_id: OrgId) -> Result<Vec<LayoutRow>, DbError> {
    Ok(on_db!(db, pool => {
        sqlx::query_as(
            "SELECT id, name, heading, sections, active, version FROM visit_sheet_layouts WHERE org_id = $1 ORDER BY name",
        )
        .bind(org_id.0)
        .fetch_all(pool)
        .await?
    }))
}

pub async fn layout(db: &Db, org_id: OrgId, id: VisitSheetLayoutId) -> Result<Option<LayoutRow>, DbError> {
    by_id::row(db, "SELECT id, name, heading, sections, active, version FROM visit_sheet_layouts WHERE org_id = $1 AND id = $2", org_id, id.0).await
}

pub async fn insert(
    tx: &mut Tx,
    org_id: OrgId,
    id: VisitSheetLayoutId,
    fields: &LayoutFields<'_>,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO visit_sheet_layouts (id, org_id, name, heading, sections, active, created_at, updated_at, version)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7, 1)",
        )
        .bind(id.0)
        .bind(org_id.0)
        .bind(fields.name)
        .bind(fields.heading)
        .bind(fields.sections)
        .bind(fields.active)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    });
    Ok(())
}

/// Writes the layout if it is still at `version`; false when someone saved
/// in between.
pub async fn update(
    tx: &mut Tx,
    org_id: OrgId,
    id: VisitSheetLayoutId,
    version: i64,
    fields: &LayoutFields<'_>,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let updated = on_tx!(tx, conn => {
        sqlx::query(
            "UPDATE visit_sheet_layouts SET name = $4, heading = $5, sections = $6, active = $7, updated_at = $8,
             version = version + 1 WHERE org_id = $1 AND id = $2 AND version = $3",
        )
        .bind(org_id.0)
        .bind(id.0)
        .bind(version)
        .bind(fields.name)
        .bind(fields.heading)
        .bind(fields.sections)
        .bind(fields.active)
        .bind(now)
        .execute(&mut *conn)
        .await?
        .rows_affected()
    });
    Ok(updated == 1)
}
