//! One module per aggregate. Reads take `&Db`; writes take the caller's
//! transaction so a use case commits all of its rows, or none.
pub mod access;
pub mod api_token;
pub mod appointment;
pub mod audit;
pub mod bonus;
pub mod catalogue;
pub mod contract;
pub mod counter;
pub mod dashboard;
pub mod discount;
pub mod engine;
pub mod follow_up;
pub mod gateway;
pub mod interaction;
pub mod job;
pub mod list_view;
pub mod loyalty;
pub mod merge;
pub mod message;
pub mod message_template;
pub mod order;
pub mod organisation;
pub mod party;
pub mod pipeline;
pub mod quote;
pub mod registry_settings;
pub mod reminder;
pub mod sale;
pub mod session;
pub mod smtp;
pub mod timeline;
pub mod user;
pub mod vehicle;
pub mod webhook;
pub mod work_queue;

use crate::{Db, DbError};

mod by_id;
mod stored_file;
mod versioned;

use sea_query::{Alias, Expr, PostgresQueryBuilder, Query, SelectStatement, SqliteQueryBuilder};
use sea_query_binder::SqlxBinder;
pub use stored_file::StoredFile;

/// A row both backends decode: what every generic read asks of its rows.
pub(crate) trait RowOfEither:
    for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
    + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>
    + Send
    + Unpin
{
}

impl<T> RowOfEither for T where
    T: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
        + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>
        + Send
        + Unpin
{
}

/// The rows of a built query, on the backend's reader.
pub(crate) async fn fetch_all<T>(db: &Db, query: &SelectStatement) -> Result<Vec<T>, DbError>
where
    T: RowOfEither,
{
    Ok(match db {
        Db::Sqlite(sqlite) => {
            let (sql, values) = query.build_sqlx(SqliteQueryBuilder);
            sqlx::query_as_with(&sql, values).fetch_all(&sqlite.reader()).await?
        }
        Db::Postgres(pg) => {
            let (sql, values) = query.build_sqlx(PostgresQueryBuilder);
            sqlx::query_as_with(&sql, values).fetch_all(pg).await?
        }
    })
}

/// The rows of a built query that every page reads (the customer list,
/// search): on SQLite through rusqlite ([`crate::direct`]). `rows`, when
/// given, is the query's LIMIT (it must have none of its own), written
/// into the statement instead of bound: PostgreSQL plans a statement
/// with a bound LIMIT afresh at every run, since its generic plan would
/// assume a tenth of the table and sort it (12 ms for the list's first
/// page instead of 0.2), and plans one with a written LIMIT once.
pub(crate) async fn fetch_direct<T>(
    db: &Db,
    query: &SelectStatement,
    rows: Option<u64>,
    cost: crate::direct::Cost,
) -> Result<Vec<T>, DbError>
where
    T: crate::direct::DirectRow + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow> + Send + Unpin,
{
    let limited = |sql: String| match rows {
        Some(rows) => format!("{sql} LIMIT {rows}"),
        None => sql,
    };
    match db {
        Db::Sqlite(sqlite) => {
            let (sql, values) = query.build(SqliteQueryBuilder);
            sqlite.direct().fetch_all(&limited(sql), &values.0, cost).await
        }
        Db::Postgres(pg) => {
            let (sql, values) = query.build_sqlx(PostgresQueryBuilder);
            Ok(sqlx::query_as_with(&limited(sql), values).fetch_all(pg).await?)
        }
    }
}

/// Like [`fetch_direct`], for SQL written in the dialect both share
/// (`$n` places).
pub(crate) async fn fetch_direct_sql<T>(
    db: &Db,
    sql: &str,
    values: Vec<sea_query::Value>,
    cost: crate::direct::Cost,
) -> Result<Vec<T>, DbError>
where
    T: crate::direct::DirectRow + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow> + Send + Unpin,
{
    match db {
        Db::Sqlite(sqlite) => sqlite.direct().fetch_all(sql, &values, cost).await,
        Db::Postgres(pg) => {
            let values = sea_query_binder::SqlxValues(sea_query::Values(values));
            Ok(sqlx::query_as_with(sql, values).fetch_all(pg).await?)
        }
    }
}

/// The first row of a built query, if any.
pub(crate) async fn fetch_optional<T>(db: &Db, query: &SelectStatement) -> Result<Option<T>, DbError>
where
    T: RowOfEither,
{
    let mut first = query.clone();
    first.limit(1);
    Ok(fetch_all(db, &first).await?.into_iter().next())
}

/// How many rows a query selects, counted up to `cap`: past a few thousand
/// a person reads "10.000+", and an exact count of a million rows costs
/// seconds on every page view.
pub(crate) async fn count_capped(db: &Db, mut selected: SelectStatement, cap: u64) -> Result<i64, DbError> {
    selected.clear_selects();
    selected.expr(Expr::val(1)).limit(cap);
    let mut query = Query::select();
    query.expr_as(Expr::cust("COUNT(*)"), Alias::new("n")).from_subquery(selected, Alias::new("capped"));
    let found: Option<(i64,)> = fetch_optional(db, &query).await?;
    Ok(found.map_or(0, |(n,)| n))
}

/// `$from, $from+1, …` for an IN list of `count` bound values.
pub(crate) fn placeholders(from: usize, count: usize) -> String {
    (from..from + count).map(|n| format!("${n}")).collect::<Vec<_>>().join(", ")
}
