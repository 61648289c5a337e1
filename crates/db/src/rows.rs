//! Many rows into one table in the caller's transaction, the way each
//! database takes them fastest: PostgreSQL in multi-row inserts of
//! [`ROWS_PER_INSERT`] rows; SQLite through one prepared statement run
//! row by row with rusqlite on the transaction's own connection. sqlx runs
//! each SQLite connection on a thread of its own and hands every statement
//! across and back, and SQLite parses a thousand-row insert anew each time:
//! a batch of a thousand sales from the ERP spent more time in those two
//! than in writing (docs/benchmarks.md, 2026-12-04).
use crate::{DbError, Tx};
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use rusqlite::types::{ToSqlOutput, ValueRef};
use sea_query::{Alias, PostgresQueryBuilder, Query};
use sea_query_binder::SqlxBinder;
use uuid::Uuid;

/// Rows of one multi-row insert at most: under PostgreSQL's limit on bound
/// values for the widest table written this way (18 columns).
pub(crate) const ROWS_PER_INSERT: usize = 1_000;

/// A value of a row, bound as each database stores it.
#[derive(Clone)]
pub(crate) enum Cell<'a> {
    /// A null, typed for PostgreSQL.
    Null(sea_query::Value),
    Int(i64),
    Bool(bool),
    Text(&'a str),
    Id(Uuid),
    Day(NaiveDate),
    At(DateTime<Utc>),
}

/// Instants written as sqlx writes them, so both read them back alike.
pub(crate) fn instant(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::AutoSi, false)
}

impl rusqlite::ToSql for Cell<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Cell::Null(_) => ToSqlOutput::Borrowed(ValueRef::Null),
            Cell::Int(n) => ToSqlOutput::Borrowed(ValueRef::Integer(*n)),
            Cell::Bool(b) => ToSqlOutput::Borrowed(ValueRef::Integer(i64::from(*b))),
            Cell::Text(text) => ToSqlOutput::Borrowed(ValueRef::Text(text.as_bytes())),
            Cell::Id(id) => ToSqlOutput::Borrowed(ValueRef::Blob(id.as_bytes())),
            Cell::Day(day) => ToSqlOutput::Owned(day.format("%F").to_string().into()),
            Cell::At(at) => ToSqlOutput::Owned(instant(*at).into()),
        })
    }
}

impl From<&Cell<'_>> for sea_query::Value {
    fn from(cell: &Cell<'_>) -> Self {
        match cell {
            Cell::Null(typed) => typed.clone(),
            Cell::Int(n) => (*n).into(),
            Cell::Bool(b) => (*b).into(),
            Cell::Text(text) => (*text).into(),
            Cell::Id(id) => (*id).into(),
            Cell::Day(day) => (*day).into(),
            Cell::At(at) => (*at).into(),
        }
    }
}

impl From<i64> for Cell<'_> {
    fn from(n: i64) -> Self {
        Cell::Int(n)
    }
}

impl From<i32> for Cell<'_> {
    fn from(n: i32) -> Self {
        Cell::Int(n.into())
    }
}

impl From<bool> for Cell<'_> {
    fn from(b: bool) -> Self {
        Cell::Bool(b)
    }
}

impl<'a> From<&'a str> for Cell<'a> {
    fn from(text: &'a str) -> Self {
        Cell::Text(text)
    }
}

impl From<Uuid> for Cell<'_> {
    fn from(id: Uuid) -> Self {
        Cell::Id(id)
    }
}

impl From<NaiveDate> for Cell<'_> {
    fn from(day: NaiveDate) -> Self {
        Cell::Day(day)
    }
}

impl From<DateTime<Utc>> for Cell<'_> {
    fn from(at: DateTime<Utc>) -> Self {
        Cell::At(at)
    }
}

/// A nullable value: the null carries its type for PostgreSQL.
impl<'a, T: Into<Cell<'a>> + NullOf> From<Option<T>> for Cell<'a> {
    fn from(value: Option<T>) -> Self {
        value.map_or(Cell::Null(T::null()), Into::into)
    }
}

/// The typed null of a value's column.
pub(crate) trait NullOf {
    fn null() -> sea_query::Value;
}

impl NullOf for i64 {
    fn null() -> sea_query::Value {
        sea_query::Value::BigInt(None)
    }
}

impl NullOf for &str {
    fn null() -> sea_query::Value {
        sea_query::Value::String(None)
    }
}

impl NullOf for Uuid {
    fn null() -> sea_query::Value {
        sea_query::Value::Uuid(None)
    }
}

impl NullOf for NaiveDate {
    fn null() -> sea_query::Value {
        sea_query::Value::ChronoDate(None)
    }
}

impl NullOf for DateTime<Utc> {
    fn null() -> sea_query::Value {
        sea_query::Value::ChronoDateTimeUtc(None)
    }
}

/// Rows for one table, every row with a value per column.
pub(crate) struct Rows<'a> {
    table: &'static str,
    columns: &'static [&'static str],
    cells: Vec<Cell<'a>>,
}

impl<'a> Rows<'a> {
    pub(crate) fn new(table: &'static str, columns: &'static [&'static str]) -> Self {
        Rows { table, columns, cells: Vec::new() }
    }

    /// Adds a row; its values in the order of the columns.
    pub(crate) fn push(&mut self, row: impl IntoIterator<Item = Cell<'a>>) {
        let before = self.cells.len();
        self.cells.extend(row);
        debug_assert_eq!(self.cells.len() - before, self.columns.len(), "a row of {}", self.table);
    }

    fn sql_one_row(&self) -> String {
        let places: Vec<String> = (1..=self.columns.len()).map(|n| format!("?{n}")).collect();
        format!("INSERT INTO {} ({}) VALUES ({})", self.table, self.columns.join(", "), places.join(", "))
    }

    /// Writes the rows in the caller's transaction.
    pub(crate) async fn insert(self, tx: &mut Tx) -> Result<(), DbError> {
        if self.cells.is_empty() {
            return Ok(());
        }
        match tx {
            Tx::Sqlite(conn) => {
                let sql = self.sql_one_row();
                let width = self.columns.len();
                on_sqlite_connection(conn, |direct| {
                    let mut statement = direct.prepare(&sql)?;
                    for row in self.cells.chunks(width) {
                        statement.execute(rusqlite::params_from_iter(row))?;
                    }
                    Ok(())
                })
                .await
            }
            Tx::Postgres(conn) => {
                for chunk in self.cells.chunks(self.columns.len() * ROWS_PER_INSERT) {
                    let mut statement = Query::insert();
                    statement
                        .into_table(Alias::new(self.table))
                        .columns(self.columns.iter().map(|c| Alias::new(*c)));
                    for row in chunk.chunks(self.columns.len()) {
                        statement.values_panic(row.iter().map(|cell| sea_query::Value::from(cell).into()));
                    }
                    let (sql, values) = statement.build_sqlx(PostgresQueryBuilder);
                    sqlx::query_with(&sql, values).execute(&mut **conn).await?;
                }
                Ok(())
            }
        }
    }
}

/// Runs `work` with rusqlite on the connection of a sqlx SQLite
/// transaction, on the calling thread (moved off the async runtime's
/// workers when it has several).
#[allow(unsafe_code)]
pub(crate) async fn on_sqlite_connection<T>(
    conn: &mut sqlx::SqliteConnection,
    work: impl FnOnce(&rusqlite::Connection) -> Result<T, DbError>,
) -> Result<T, DbError> {
    let mut locked = conn.lock_handle().await?;
    let handle = locked.as_raw_handle();
    let run = move || {
        // SAFETY: `locked` keeps sqlx's worker thread from touching the
        // handle (or any of its statements) until it is dropped, after this
        // closure; rusqlite's connection made with `from_handle` neither
        // closes the handle nor outlives the closure, and it finalizes the
        // statements it prepared when dropped. Both crates link the same
        // libsqlite3-sys, so the pointer's type is the same.
        let direct = unsafe { rusqlite::Connection::from_handle(handle.as_ptr()) }?;
        work(&direct)
    };
    let outcome = match tokio::runtime::Handle::current().runtime_flavor() {
        tokio::runtime::RuntimeFlavor::MultiThread => tokio::task::block_in_place(run),
        _ => run(),
    };
    drop(locked);
    outcome
}
