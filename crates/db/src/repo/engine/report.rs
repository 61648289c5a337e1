//! What the occurrence reports read (seed 004, "Relatórios >
//! Ocorrências"): the telemarketing occurrences of a period on customers
//! the reader reaches, and the sales those customers made after.
use super::super::fetch_all;
use super::super::party::{Scope, col, reachable};
use crate::{Db, DbError};
use chrono::{DateTime, Utc};
use sea_query::{Expr, JoinType, Order, Query, SelectStatement};
use uuid::Uuid;

/// One occurrence, as the reports count it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ContactFact {
    pub party_id: Uuid,
    pub responsible_id: Uuid,
    pub responsible_name: String,
    pub nature: String,
    pub created_at: DateTime<Utc>,
}

/// One sale (not cancelled) of a contacted customer.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SaleFact {
    pub id: Uuid,
    pub party_id: Uuid,
    pub sold_at: DateTime<Utc>,
    pub total: i64,
}

/// Which occurrences a report reads.
#[derive(Clone, Debug)]
pub struct ContactQuery {
    pub scope: Scope,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    /// One agent's, or everyone's.
    pub agent: Option<Uuid>,
}

fn interaction(column: &str) -> Expr {
    Expr::col((col("i"), col(column)))
}

/// The occurrences (`i`) of the query, on reachable parties.
fn occurrences(query: &ContactQuery) -> SelectStatement {
    let mut select = Query::select();
    select
        .from_as(col("interactions"), col("i"))
        .join(
            JoinType::InnerJoin,
            col("parties"),
            Expr::col((col("parties"), col("id"))).equals((col("i"), col("party_id"))),
        )
        .cond_where(reachable(&query.scope))
        .and_where(interaction("org_id").eq(query.scope.org_id.0))
        .and_where(interaction("result").is_not_null())
        .and_where(interaction("created_at").gte(query.from))
        .and_where(interaction("created_at").lt(query.to));
    if let Some(agent) = query.agent {
        select.and_where(interaction("responsible_id").eq(agent));
    }
    select
}

/// The period's occurrences, oldest first.
#[tracing::instrument(skip_all)]
pub async fn contacts(db: &Db, query: &ContactQuery) -> Result<Vec<ContactFact>, DbError> {
    let mut select = occurrences(query);
    select
        .columns([(col("i"), col("party_id")), (col("i"), col("responsible_id")), (col("i"), col("nature"))])
        .column((col("i"), col("created_at")))
        .expr_as(Expr::col((col("u"), col("display_name"))), col("responsible_name"))
        .join_as(
            JoinType::InnerJoin,
            col("users"),
            col("u"),
            Expr::col((col("u"), col("id"))).equals((col("i"), col("responsible_id"))),
        )
        .order_by((col("i"), col("created_at")), Order::Asc);
    fetch_all(db, &select).await
}

/// The sales (not cancelled) sold after `query.from` and up to `until` to
/// the customers the query's occurrences reached.
#[tracing::instrument(skip_all)]
pub async fn sales_of_contacted(
    db: &Db,
    query: &ContactQuery,
    until: DateTime<Utc>,
) -> Result<Vec<SaleFact>, DbError> {
    let mut contacted = occurrences(query);
    contacted.column((col("i"), col("party_id")));
    let sale = |column: &str| Expr::col((col("s"), col(column)));
    let mut select = Query::select();
    select
        .columns([(col("s"), col("id")), (col("s"), col("party_id")), (col("s"), col("sold_at"))])
        .column((col("s"), col("total")))
        .from_as(col("sales"), col("s"))
        .and_where(sale("org_id").eq(query.scope.org_id.0))
        .and_where(sale("cancelled_at").is_null())
        .and_where(sale("sold_at").gt(query.from))
        .and_where(sale("sold_at").lte(until))
        .and_where(sale("party_id").in_subquery(contacted))
        .order_by((col("s"), col("sold_at")), Order::Asc);
    fetch_all(db, &select).await
}
