//! The prospects' board: prospects in negotiation by stage, within the
//! reader's reach.
use super::by_id;
use super::party::{Scope, col, reachable};
use super::{fetch_all, fetch_optional};
use crate::{Db, DbError, Tx, on_db, on_tx};
use chrono::{DateTime, Utc};
use domain::access::Reach;
use domain::{OrgId, PartyId, UserId};
use sea_query::{Expr, JoinType, Order, Query, SelectStatement};
use uuid::Uuid;

/// Whose prospects the board shows: all within `reach`, or one seller's.
#[derive(Clone, Debug)]
pub struct BoardFilter {
    pub org_id: OrgId,
    pub reach: Reach,
    pub seller: Option<UserId>,
}

/// The prospects in negotiation the filter selects (the predicate of the
/// `parties_pipeline` index).
fn prospects(filter: &BoardFilter) -> SelectStatement {
    let party = |name: &str| (col("parties"), col(name));
    let mut query = Query::select();
    query
        .from(col("parties"))
        .cond_where(reachable(&Scope { org_id: filter.org_id, reach: filter.reach }))
        .and_where(Expr::col(party("archived_at")).is_null())
        .and_where(Expr::col(party("lifecycle")).eq("prospect"))
        .and_where(Expr::col(party("prospect_state")).eq("in_progress"));
    if let Some(seller) = filter.seller {
        query.and_where(Expr::col(party("seller_id")).eq(seller.0));
    }
    query
}

/// A prospect as its card shows it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct CardRow {
    pub id: Uuid,
    pub full_name: String,
    pub version: i64,
    pub city: Option<String>,
    pub seller_name: Option<String>,
    pub updated_at: DateTime<Utc>,
}

/// The prospects with what their cards show.
fn with_cards(filter: &BoardFilter) -> SelectStatement {
    let party = |name: &str| (col("parties"), col(name));
    let mut query = prospects(filter);
    query
        .columns(["id", "full_name", "version", "city", "updated_at"].map(party))
        .expr_as(Expr::col((col("u"), col("display_name"))), col("seller_name"))
        .join_as(
            JoinType::LeftJoin,
            col("users"),
            col("u"),
            Expr::col((col("u"), col("id"))).equals(party("seller_id")),
        );
    query
}

/// A stage's latest moved prospects, at most `limit`.
#[tracing::instrument(skip_all)]
pub async fn cards(db: &Db, filter: &BoardFilter, stage: &str, limit: u64) -> Result<Vec<CardRow>, DbError> {
    let party = |name: &str| (col("parties"), col(name));
    let mut query = with_cards(filter);
    query
        .and_where(Expr::col(party("negotiation_stage")).eq(stage))
        .order_by(party("updated_at"), Order::Desc)
        .order_by(party("id"), Order::Asc)
        .limit(limit);
    fetch_all(db, &query).await
}

/// How many prospects stand at a stage.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct StageCount {
    pub stage: String,
    pub total: i64,
}

#[tracing::instrument(skip_all)]
pub async fn counts(db: &Db, filter: &BoardFilter) -> Result<Vec<StageCount>, DbError> {
    let stage = (col("parties"), col("negotiation_stage"));
    let mut query = prospects(filter);
    query
        .expr_as(Expr::col(stage.clone()), col("stage"))
        .expr_as(Expr::cust("COUNT(*)"), col("total"))
        .group_by_col(stage);
    fetch_all(db, &query).await
}

/// Where a party's negotiation stands, read in the transaction that moves it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Negotiation {
    pub lifecycle: String,
    pub prospect_state: Option<String>,
    pub negotiation_stage: String,
}

pub async fn negotiation_in(tx: &mut Tx, org_id: OrgId, id: PartyId) -> Result<Option<Negotiation>, DbError> {
    by_id::row_in(
        tx,
        "SELECT lifecycle, prospect_state, negotiation_stage FROM parties
             WHERE org_id = $1 AND id = $2 AND merged_into IS NULL AND archived_at IS NULL",
        org_id,
        id.0,
    )
    .await
}

/// One prospect's card, if it is on the board.
pub async fn card(db: &Db, filter: &BoardFilter, id: PartyId) -> Result<Option<CardRow>, DbError> {
    let mut query = with_cards(filter);
    query.and_where(Expr::col((col("parties"), col("id"))).eq(id.0));
    fetch_optional(db, &query).await
}

const STAGE_NAMES: &str = "SELECT stage, name FROM pipeline_stage_names WHERE org_id = $1 ORDER BY stage";

/// The organisation's own names of its stages, `(stage, name)`; a stage
/// left out keeps the catalogue's name.
pub async fn stage_names(db: &Db, org_id: OrgId) -> Result<Vec<(String, String)>, DbError> {
    Ok(on_db!(db, pool => {
        sqlx::query_as(STAGE_NAMES)
            .bind(org_id.0)
            .fetch_all(pool)
            .await?
    }))
}

/// The stages' names read in the transaction that changes them.
pub async fn stage_names_in(tx: &mut Tx, org_id: OrgId) -> Result<Vec<(String, String)>, DbError> {
    Ok(on_tx!(tx, conn => {
        sqlx::query_as(STAGE_NAMES)
            .bind(org_id.0)
            .fetch_all(&mut *conn)
            .await?
    }))
}

/// Replaces the organisation's stage names with `names` (the stages
/// named; the others go back to the catalogue's).
pub async fn set_stage_names(tx: &mut Tx, org_id: OrgId, names: &[(&str, &str)]) -> Result<(), DbError> {
    on_tx!(tx, conn => {
        sqlx::query("DELETE FROM pipeline_stage_names WHERE org_id = $1").bind(org_id.0).execute(&mut *conn).await?;
        for (stage, name) in names {
            sqlx::query("INSERT INTO pipeline_stage_names (org_id, stage, name) VALUES ($1, $2, $3)")
                .bind(org_id.0)
                .bind(stage)
                .bind(name)
                .execute(&mut *conn)
                .await?;
        }
    });
    Ok(())
}
