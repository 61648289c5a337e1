//! The organisation's layouts of the visit sheet [ficha de visita].
use super::super::by_id;
use super::super::versioned::{Columns, Record};
use crate::{Db, DbError, Tx, on_db};
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

impl LayoutFields<'_> {
    fn columns(&self) -> Columns {
        vec![
            ("name", self.name.into()),
            ("heading", self.heading.into()),
            ("sections", self.sections.into()),
            ("active", self.active.into()),
        ]
    }
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
    Record::of("visit_sheet_layouts", org_id, id.0).insert(tx, fields.columns(), now).await
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
    Record::of("visit_sheet_layouts", org_id, id.0).update(tx, version, fields.columns(), now).await
}
