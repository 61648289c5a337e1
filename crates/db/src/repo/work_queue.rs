//! The work queue [minha fila]: interactions across customers, within the
//! reader's reach, the ones due soonest first.
use super::interaction::InteractionRow;
use super::party::Scope;
use super::{count_capped, fetch_all, fetch_optional};
use crate::{Db, DbError};
use chrono::NaiveDate;
use domain::access::Reach;
use domain::interaction::CLOSED_STATUSES;
use domain::work_queue::Urgency;
use domain::{OrgId, UserId};
use sea_query::{Alias, Cond, Expr, Func, JoinType, Order, SelectStatement, SimpleExpr};

fn col(name: &str) -> Alias {
    Alias::new(name)
}

/// Which interactions: always one organisation's, of parties within
/// `reach`; the rest narrows.
#[derive(Clone, Debug)]
pub struct WorkFilter {
    pub org_id: OrgId,
    pub reach: Reach,
    /// Only those this user answers for.
    pub responsible: Option<UserId>,
    pub open_only: bool,
    pub urgency: Option<Urgency>,
    /// Only those due on or before this day (overdue and due then).
    pub due_by: Option<NaiveDate>,
    pub nature: Option<String>,
    /// The organisation's day, for "due today" and "overdue".
    pub today: NaiveDate,
}

/// An interaction and the name of the customer it is about.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct QueueRow {
    #[sqlx(flatten)]
    pub interaction: InteractionRow,
    pub party_name: String,
}

/// How many open interactions are due today, overdue, or open without
/// either.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct Tally {
    pub today: i64,
    pub overdue: i64,
    pub open: i64,
}

fn is_open() -> Cond {
    Cond::all().add(Expr::col((col("i"), col("status"))).is_not_in(CLOSED_STATUSES.iter().copied()))
}

fn selected(filter: &WorkFilter) -> SelectStatement {
    let due = || Expr::col((col("i"), col("due_on")));
    let mut query =
        super::interaction::reachable_interactions(&Scope { org_id: filter.org_id, reach: filter.reach });
    query
        .and_where_option(
            filter.responsible.map(|user| Expr::col((col("i"), col("responsible_id"))).eq(user.0)),
        )
        .and_where_option(filter.nature.clone().map(|nature| Expr::col((col("i"), col("nature"))).eq(nature)))
        .and_where_option(filter.due_by.map(|day| due().lte(day)));
    if filter.open_only {
        query.cond_where(is_open());
    }
    match filter.urgency {
        None => {}
        Some(Urgency::Today) => {
            query.cond_where(is_open().add(due().eq(filter.today)));
        }
        Some(Urgency::Overdue) => {
            query.cond_where(is_open().add(due().lt(filter.today)));
        }
        Some(Urgency::Open) => {
            query.cond_where(is_open());
        }
        Some(Urgency::Closed) => {
            query.cond_where(Expr::col((col("i"), col("status"))).is_in(CLOSED_STATUSES.iter().copied()));
        }
    }
    query
}

/// One page of the queue: undated ones after the dated, then newest first.
#[tracing::instrument(skip_all)]
pub async fn page(db: &Db, filter: &WorkFilter, offset: u64, limit: u64) -> Result<Vec<QueueRow>, DbError> {
    let mut query = selected(filter);
    query
        .expr_as(Expr::col((col("i"), col("id"))), col("id"))
        .expr_as(Expr::col((col("i"), col("party_id"))), col("party_id"))
        .expr_as(Expr::col((col("parties"), col("full_name"))), col("party_name"))
        .columns(
            [
                "nature",
                "channel",
                "status",
                "responsible_id",
                "due_on",
                "description",
                "vehicle_id",
                "created_at",
                "created_by_label",
                "updated_at",
                "updated_by_label",
                "version",
                "result",
            ]
            .map(|name| (col("i"), col(name))),
        )
        .expr_as(Expr::col((col("u"), col("display_name"))), col("responsible_name"))
        .expr_as(Expr::col((col("v"), col("plate"))), col("vehicle_plate"))
        .join_as(
            JoinType::InnerJoin,
            col("users"),
            col("u"),
            Expr::col((col("u"), col("id"))).equals((col("i"), col("responsible_id"))),
        )
        .join_as(
            JoinType::LeftJoin,
            col("vehicles"),
            col("v"),
            Expr::col((col("v"), col("id"))).equals((col("i"), col("vehicle_id"))),
        )
        .order_by_expr(Expr::col((col("i"), col("due_on"))).is_null(), Order::Asc)
        .order_by((col("i"), col("due_on")), Order::Asc)
        .order_by((col("i"), col("created_at")), Order::Desc)
        .order_by((col("i"), col("id")), Order::Asc)
        .limit(limit)
        .offset(offset);
    fetch_all(db, &query).await
}

/// How many the filter selects, up to `cap`.
#[tracing::instrument(skip_all)]
pub async fn count(db: &Db, filter: &WorkFilter, cap: u64) -> Result<i64, DbError> {
    count_capped(db, selected(filter), cap).await
}

/// The open interactions the filter selects, by where they stand today.
#[tracing::instrument(skip_all)]
pub async fn tally(db: &Db, filter: &WorkFilter) -> Result<Tally, DbError> {
    let mut query = selected(&WorkFilter { open_only: true, urgency: None, due_by: None, ..filter.clone() });
    let due = || Expr::col((col("i"), col("due_on")));
    // COUNT skips the NULL a CASE without ELSE gives, and is a bigint on
    // both backends (SUM is NUMERIC on PostgreSQL).
    let count_when = |condition: SimpleExpr| {
        let one_if: SimpleExpr = Expr::case(condition, Expr::val(1i64)).into();
        Func::count(one_if)
    };
    query
        .expr_as(count_when(due().eq(filter.today)), col("today"))
        .expr_as(count_when(due().lt(filter.today)), col("overdue"))
        .expr_as(count_when(due().is_null().or(due().gt(filter.today))), col("open"));
    Ok(fetch_optional(db, &query).await?.unwrap_or_default())
}
