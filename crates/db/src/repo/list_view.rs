//! Each person's columns of a list, and saved views.
use super::by_id;
use super::fetch_direct_sql;
use crate::direct::{Cost, direct_row};
use crate::{Db, DbError, Tx, on_tx};
use chrono::{DateTime, Utc};
use domain::{OrgId, UserId};
use uuid::Uuid;

/// The columns a user chose for a list, as stored (`document,phone`).
#[tracing::instrument(skip_all)]
pub async fn columns(db: &Db, user: UserId, list: &str) -> Result<Option<String>, DbError> {
    let sql = "SELECT columns FROM list_columns WHERE user_id = $1 AND list_key = $2";
    let rows: Vec<(String,)> =
        fetch_direct_sql(db, sql, vec![user.0.into(), list.into()], Cost::Bounded).await?;
    Ok(rows.into_iter().next().map(|(columns,)| columns))
}

#[tracing::instrument(skip_all)]
pub async fn set_columns(
    tx: &mut Tx,
    org: OrgId,
    user: UserId,
    list: &str,
    columns: &str,
) -> Result<(), DbError> {
    on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO list_columns (org_id, user_id, list_key, columns) VALUES ($4, $1, $2, $3)
             ON CONFLICT (user_id, list_key) DO UPDATE SET columns = excluded.columns",
        )
        .bind(user.0)
        .bind(list)
        .bind(columns)
        .bind(org.0)
        .execute(&mut *conn)
        .await?;
    });
    Ok(())
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SavedViewRow {
    pub id: Uuid,
    pub owner_id: Uuid,
    pub owner_name: String,
    pub list_key: String,
    pub name: String,
    pub query: String,
    pub columns: String,
    pub shared: bool,
    pub created_at: DateTime<Utc>,
}

// In [`VIEW_COLUMNS`]' order.
direct_row!(SavedViewRow { id, owner_id, owner_name, list_key, name, query, columns, shared, created_at });

const VIEW_COLUMNS: &str = "v.id, v.owner_id, u.display_name AS owner_name, v.list_key, v.name, v.query, \
                            v.columns, v.shared, v.created_at";

/// The views of a list a user may open: his own and the shared ones.
#[tracing::instrument(skip_all)]
pub async fn visible(db: &Db, org: OrgId, user: UserId, list: &str) -> Result<Vec<SavedViewRow>, DbError> {
    let sql = format!(
        "SELECT {VIEW_COLUMNS} FROM saved_views v JOIN users u ON u.id = v.owner_id
         WHERE v.org_id = $1 AND v.list_key = $3 AND (v.owner_id = $2 OR v.shared)
         ORDER BY v.name, v.id"
    );
    fetch_direct_sql(db, &sql, vec![org.0.into(), user.0.into(), list.into()], Cost::Bounded).await
}

#[tracing::instrument(skip_all)]
pub async fn get_in_tx(tx: &mut Tx, org: OrgId, id: Uuid) -> Result<Option<SavedViewRow>, DbError> {
    let sql = format!(
        "SELECT {VIEW_COLUMNS} FROM saved_views v JOIN users u ON u.id = v.owner_id
         WHERE v.org_id = $1 AND v.id = $2"
    );
    by_id::row_in(tx, &sql, org, id).await
}

pub struct NewView<'a> {
    pub id: Uuid,
    pub org_id: OrgId,
    pub owner_id: UserId,
    pub list_key: &'a str,
    pub name: &'a str,
    pub query: &'a str,
    pub columns: &'a str,
    pub shared: bool,
    pub created_at: DateTime<Utc>,
}

#[tracing::instrument(skip_all)]
pub async fn insert(tx: &mut Tx, view: &NewView<'_>) -> Result<(), DbError> {
    on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO saved_views (id, org_id, owner_id, list_key, name, query, columns, shared, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(view.id)
        .bind(view.org_id.0)
        .bind(view.owner_id.0)
        .bind(view.list_key)
        .bind(view.name)
        .bind(view.query)
        .bind(view.columns)
        .bind(view.shared)
        .bind(view.created_at)
        .execute(&mut *conn)
        .await?;
    });
    Ok(())
}

#[tracing::instrument(skip_all)]
pub async fn delete(tx: &mut Tx, org: OrgId, id: Uuid) -> Result<bool, DbError> {
    Ok(by_id::write(tx, "DELETE FROM saved_views WHERE org_id = $1 AND id = $2", org, id).await? == 1)
}
