//! The statements that name the organisation (`$1`) and one id (`$2`):
//! a row read by its id, or a write to the rows of one id. Most reads of
//! one record and most deletes are one of these; an organisation's one
//! row of a settings table is read by the organisation alone.
use crate::{Db, DbError, Tx, on_db, on_tx};
use domain::OrgId;
use uuid::Uuid;

/// The row `sql` selects for the id, if any, on the backend's reader.
pub(crate) async fn row<T>(db: &Db, sql: &str, org_id: OrgId, id: Uuid) -> Result<Option<T>, DbError>
where
    T: super::RowOfEither,
{
    Ok(on_db!(db, pool => sqlx::query_as(sql).bind(org_id.0).bind(id).fetch_optional(pool).await?))
}

/// The row `sql` selects for the id, if any, as the transaction sees it.
pub(crate) async fn row_in<T>(tx: &mut Tx, sql: &str, org_id: OrgId, id: Uuid) -> Result<Option<T>, DbError>
where
    T: super::RowOfEither,
{
    Ok(on_tx!(tx, conn => sqlx::query_as(sql).bind(org_id.0).bind(id).fetch_optional(&mut *conn).await?))
}

/// The organisation's one row of a settings table (`sql` names it as
/// `$1`), if it has saved one, on the backend's reader.
pub(crate) async fn org_row<T>(db: &Db, sql: &str, org_id: OrgId) -> Result<Option<T>, DbError>
where
    T: super::RowOfEither,
{
    Ok(on_db!(db, pool => sqlx::query_as(sql).bind(org_id.0).fetch_optional(pool).await?))
}

/// The organisation's settings row as the transaction sees it.
pub(crate) async fn org_row_in<T>(tx: &mut Tx, sql: &str, org_id: OrgId) -> Result<Option<T>, DbError>
where
    T: super::RowOfEither,
{
    Ok(on_tx!(tx, conn => sqlx::query_as(sql).bind(org_id.0).fetch_optional(&mut *conn).await?))
}

/// Runs the write `sql` for the id; answers how many rows it touched.
pub(crate) async fn write(tx: &mut Tx, sql: &str, org_id: OrgId, id: Uuid) -> Result<u64, DbError> {
    Ok(
        on_tx!(tx, conn => sqlx::query(sql).bind(org_id.0).bind(id).execute(&mut *conn).await?.rows_affected()),
    )
}
