//! Saved segments of the engine: a name, the question as JSON, one's own
//! or shared.
use super::super::by_id;
use crate::{Db, DbError, Tx, on_db, on_tx};
use chrono::{DateTime, Utc};
use domain::{OrgId, UserId};
use uuid::Uuid;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SegmentRow {
    pub id: Uuid,
    pub owner_id: Uuid,
    pub owner_name: String,
    pub name: String,
    pub definition: String,
    pub shared: bool,
    pub created_at: DateTime<Utc>,
}

const SEGMENT_COLUMNS: &str =
    "s.id, s.owner_id, u.display_name AS owner_name, s.name, s.definition, s.shared, s.created_at";

/// One segment of an organisation by id (`$1` the organisation, `$2` the id).
fn one_segment() -> String {
    format!(
        "SELECT {SEGMENT_COLUMNS} FROM engine_segments s JOIN users u ON u.id = s.owner_id
         WHERE s.org_id = $1 AND s.id = $2"
    )
}

/// The segments a user may open: his own and the shared ones, by name.
#[tracing::instrument(skip_all)]
pub async fn visible(db: &Db, org: OrgId, user: UserId) -> Result<Vec<SegmentRow>, DbError> {
    let sql = format!(
        "SELECT {SEGMENT_COLUMNS} FROM engine_segments s JOIN users u ON u.id = s.owner_id
         WHERE s.org_id = $1 AND (s.owner_id = $2 OR s.shared)
         ORDER BY s.name, s.id"
    );
    Ok(on_db!(db, pool => {
        sqlx::query_as(&sql).bind(org.0).bind(user.0).fetch_all(pool).await?
    }))
}

/// One segment of the organisation, whoever owns it.
#[tracing::instrument(skip_all)]
pub async fn get(db: &Db, org: OrgId, id: Uuid) -> Result<Option<SegmentRow>, DbError> {
    let sql = one_segment();
    by_id::row(db, &sql, org, id).await
}

#[tracing::instrument(skip_all)]
pub async fn get_in_tx(tx: &mut Tx, org: OrgId, id: Uuid) -> Result<Option<SegmentRow>, DbError> {
    let sql = one_segment();
    by_id::row_in(tx, &sql, org, id).await
}

pub struct NewSegment<'a> {
    pub id: Uuid,
    pub org_id: OrgId,
    pub owner_id: UserId,
    pub name: &'a str,
    pub definition: &'a str,
    pub shared: bool,
    pub created_at: DateTime<Utc>,
}

#[tracing::instrument(skip_all)]
pub async fn insert(tx: &mut Tx, segment: &NewSegment<'_>) -> Result<(), DbError> {
    on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO engine_segments (id, org_id, owner_id, name, definition, shared, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(segment.id)
        .bind(segment.org_id.0)
        .bind(segment.owner_id.0)
        .bind(segment.name)
        .bind(segment.definition)
        .bind(segment.shared)
        .bind(segment.created_at)
        .execute(&mut *conn)
        .await?;
    });
    Ok(())
}

#[tracing::instrument(skip_all)]
pub async fn delete(tx: &mut Tx, org: OrgId, id: Uuid) -> Result<bool, DbError> {
    Ok(by_id::write(tx, "DELETE FROM engine_segments WHERE org_id = $1 AND id = $2", org, id).await? == 1)
}
