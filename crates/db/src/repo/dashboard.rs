//! The figures of the home page: birthdays in a portfolio, and customers
//! and interactions per week.
use super::party::{Scope, reachable};
use super::{count_capped, fetch_all};
use crate::{Db, DbError};
use chrono::{DateTime, NaiveDate, Utc};
use domain::{OrgId, UserId};
use sea_query::{Alias, CaseStatement, Expr, ExprTrait, Func, Query, SelectStatement, SimpleExpr};
use uuid::Uuid;

fn col(name: &str) -> Alias {
    Alias::new(name)
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct BirthdayRow {
    pub id: Uuid,
    pub full_name: String,
    pub birth_date: NaiveDate,
}

/// The parties of `seller`'s portfolio born on one of `month_days`
/// (`MM-DD`), at most `limit`.
#[tracing::instrument(skip_all)]
pub async fn birthdays(
    db: &Db,
    org_id: OrgId,
    seller: UserId,
    month_days: &[String],
    limit: i64,
) -> Result<Vec<BirthdayRow>, DbError> {
    // The one expression the backends spell differently; a SQLite date is
    // text, `YYYY-MM-DD`.
    let month_day = match db {
        Db::Sqlite(_) => "substr(birth_date, 6, 5)",
        Db::Postgres(_) => "to_char(birth_date, 'MM-DD')",
    };
    let mut query = Query::select();
    query
        .columns([col("id"), col("full_name"), col("birth_date")])
        .from(col("parties"))
        .and_where(Expr::col(col("org_id")).eq(org_id.0))
        .and_where(Expr::col(col("seller_id")).eq(seller.0))
        .and_where(Expr::col(col("merged_into")).is_null())
        .and_where(Expr::col(col("archived_at")).is_null())
        .and_where(Expr::col(col("birth_date")).is_not_null())
        .and_where(Expr::cust(month_day).is_in(month_days.iter().cloned()))
        .order_by(col("sort_name"), sea_query::Order::Asc)
        .limit(limit as u64);
    fetch_all(db, &query).await
}

/// Which of the weeks starting at `starts` (oldest first) a time falls in.
fn week_of(column: SimpleExpr, starts: &[DateTime<Utc>]) -> SimpleExpr {
    let mut case = CaseStatement::new();
    for (index, start) in starts.iter().enumerate().rev() {
        case = case.case(column.clone().gte(*start), Expr::val(index as i64));
    }
    case.into()
}

#[derive(Clone, Copy, Debug, sqlx::FromRow)]
struct WeekCount {
    week: Option<i64>,
    n: i64,
}

async fn per_week(
    db: &Db,
    mut query: SelectStatement,
    created: SimpleExpr,
    starts: &[DateTime<Utc>],
) -> Result<Vec<i64>, DbError> {
    let mut counts = vec![0; starts.len()];
    let Some(first) = starts.first() else { return Ok(counts) };
    query
        .expr_as(week_of(created.clone(), starts), col("week"))
        .expr_as(Func::count(Expr::val(1i64)), col("n"))
        .and_where(created.gte(*first))
        .group_by_col(col("week"));
    for row in fetch_all::<WeekCount>(db, &query).await? {
        if let Some(slot) = row.week.and_then(|w| counts.get_mut(w as usize)) {
            *slot = row.n;
        }
    }
    Ok(counts)
}

/// Parties registered each week since the first of `starts`, within the scope.
#[tracing::instrument(skip_all)]
pub async fn customers_per_week(
    db: &Db,
    scope: &Scope,
    starts: &[DateTime<Utc>],
) -> Result<Vec<i64>, DbError> {
    let mut query = Query::select();
    query.from(col("parties")).cond_where(reachable(scope));
    per_week(db, query, Expr::col((col("parties"), col("created_at"))).into(), starts).await
}

/// Interactions opened each week since the first of `starts`, with
/// customers within the scope.
#[tracing::instrument(skip_all)]
pub async fn interactions_per_week(
    db: &Db,
    scope: &Scope,
    starts: &[DateTime<Utc>],
) -> Result<Vec<i64>, DbError> {
    let query = super::interaction::reachable_interactions(scope);
    per_week(db, query, Expr::col((col("i"), col("created_at"))).into(), starts).await
}

/// How many parties `seller`'s portfolio holds, up to `cap`.
#[tracing::instrument(skip_all)]
pub async fn portfolio_size(db: &Db, org_id: OrgId, seller: UserId, cap: u64) -> Result<i64, DbError> {
    let mut portfolio = Query::select();
    portfolio
        .from(col("parties"))
        .and_where(Expr::col(col("org_id")).eq(org_id.0))
        .and_where(Expr::col(col("seller_id")).eq(seller.0))
        .and_where(Expr::col(col("merged_into")).is_null())
        .and_where(Expr::col(col("archived_at")).is_null());
    count_capped(db, portfolio, cap).await
}
