//! The hottest reads on SQLite (the caller of every request, the customer
//! list's rows and what surrounds them, search), through rusqlite on
//! reader connections of our own. sqlx runs each SQLite
//! connection on a thread of its own and hands every row across to the
//! request's task, copying each value as it goes: a list page of 50 rows
//! spent 0.95 of its 1.3 ms there, where SQLite itself needs 0.35 ms
//! (docs/benchmarks.md, 2026-12-06). Here the statement runs on the
//! request's own thread, rows are decoded where SQLite hands them over,
//! and each connection keeps its prepared statements.
use crate::DbError;
use rusqlite::types::{ToSqlOutput, Value as SqliteValue, ValueRef};
use rusqlite::{OpenFlags, Row};
use sea_query::Value;
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// A row type read through rusqlite, its columns in the order its query
/// selects them.
pub(crate) trait DirectRow: Sized {
    /// Reads it from column `first` on (a row may join several).
    fn from_row_at(row: &Row<'_>, first: usize) -> rusqlite::Result<Self>;

    fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        Self::from_row_at(row, 0)
    }
}

/// A one-column row, as sqlx reads a scalar.
impl<T: rusqlite::types::FromSql> DirectRow for (T,) {
    fn from_row_at(row: &Row<'_>, first: usize) -> rusqlite::Result<Self> {
        Ok((row.get(first)?,))
    }
}

/// Implements [`DirectRow`] for a struct whose fields, as listed, are the
/// query's columns in order, and gives it `DIRECT_COLUMNS`, their count.
macro_rules! direct_row {
    ($row:ty { $($field:ident),+ $(,)? }) => {
        impl $row {
            #[allow(dead_code, reason = "read only where a row joins several")]
            pub(crate) const DIRECT_COLUMNS: usize = [$(stringify!($field)),+].len();
        }

        impl $crate::direct::DirectRow for $row {
            fn from_row_at(row: &rusqlite::Row<'_>, first: usize) -> rusqlite::Result<Self> {
                let mut column = first..;
                // A struct's fields are evaluated in the order written.
                Ok(Self { $($field: row.get(column.next().unwrap_or_default())?),+ })
            }
        }
    };
}
pub(crate) use direct_row;

/// What a read may cost, which decides where it runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Cost {
    /// Keyed, or one page along an index: a fraction of a millisecond,
    /// run on the request's thread as its page's rendering is. Handing
    /// the thread's other tasks away first cost more than such a read.
    Bounded,
    /// May scan (a filter no index serves): the runtime moves the
    /// thread's other tasks to another first, so they do not wait for it.
    MayScan,
}

/// Idle connections kept for the next reads; more are opened under load
/// and closed after.
const IDLE_KEPT: usize = 8;

/// Statements each connection keeps prepared: the list's sorts and
/// filters and search's few shapes.
const STATEMENTS_KEPT: usize = 64;

/// Read-only connections to the database file, opened as needed.
#[derive(Debug)]
pub(crate) struct DirectReaders {
    path: PathBuf,
    idle: Mutex<Vec<Reader>>,
    /// Bumped when the planner's statistics are refreshed: a connection
    /// keeps the statistics it loaded when it opened, so older ones are
    /// closed instead of reused.
    statistics: AtomicU64,
}

#[derive(Debug)]
struct Reader {
    connection: rusqlite::Connection,
    statistics: u64,
}

impl DirectReaders {
    pub(crate) fn new(path: PathBuf) -> DirectReaders {
        DirectReaders { path, idle: Mutex::new(Vec::new()), statistics: AtomicU64::new(0) }
    }

    /// The statistics were refreshed on the writer.
    pub(crate) fn statistics_refreshed(&self) {
        self.statistics.fetch_add(1, Ordering::Relaxed);
    }

    /// Closes the idle connections (before the file is replaced).
    pub(crate) fn close(&self) {
        self.idle.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clear();
    }

    fn open(&self, statistics: u64) -> Result<Reader, DbError> {
        let connection = rusqlite::Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        connection.busy_timeout(Duration::from_secs(10))?;
        // As the sqlx readers: 64 MiB of page cache, temporary b-trees in
        // memory, the file read through its memory map.
        connection.execute_batch(&format!(
            "PRAGMA cache_size = -65536; PRAGMA temp_store = memory; PRAGMA mmap_size = {};",
            crate::MMAP_BYTES
        ))?;
        connection.set_prepared_statement_cache_capacity(STATEMENTS_KEPT);
        Ok(Reader { connection, statistics })
    }

    fn take(&self) -> Result<Reader, DbError> {
        let current = self.statistics.load(Ordering::Relaxed);
        let idle = self.idle.lock().unwrap_or_else(std::sync::PoisonError::into_inner).pop();
        match idle {
            Some(reader) if reader.statistics == current => Ok(reader),
            _ => self.open(current),
        }
    }

    fn give_back(&self, reader: Reader) {
        let mut idle = self.idle.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if idle.len() < IDLE_KEPT && reader.statistics == self.statistics.load(Ordering::Relaxed) {
            idle.push(reader);
        }
    }

    /// The rows of `sql` with `values` bound to its `$n` (or `?`) places.
    pub(crate) async fn fetch_all<T: DirectRow>(
        &self,
        sql: &str,
        values: &[Value],
        cost: Cost,
    ) -> Result<Vec<T>, DbError> {
        let read = || {
            let reader = self.take()?;
            let rows = read_rows(&reader.connection, sql, values);
            self.give_back(reader);
            rows
        };
        // A single-threaded runtime (some tests) cannot hand its tasks away.
        match (cost, tokio::runtime::Handle::current().runtime_flavor()) {
            (Cost::MayScan, tokio::runtime::RuntimeFlavor::MultiThread) => tokio::task::block_in_place(read),
            _ => read(),
        }
    }
}

fn read_rows<T: DirectRow>(
    connection: &rusqlite::Connection,
    sql: &str,
    values: &[Value],
) -> Result<Vec<T>, DbError> {
    let mut statement = connection.prepare_cached(sql)?;
    for index in 1..=statement.parameter_count() {
        // `$n` names its value; SQLite numbers places by first appearance.
        let position = statement
            .parameter_name(index)
            .and_then(|name| name.strip_prefix('$').or_else(|| name.strip_prefix('?')))
            .and_then(|n| n.parse::<usize>().ok())
            .unwrap_or(index);
        let value =
            values.get(position - 1).ok_or(rusqlite::Error::InvalidParameterCount(position, values.len()))?;
        statement.raw_bind_parameter(index, Bound(value))?;
    }
    let mut rows = statement.raw_query();
    let mut found = Vec::new();
    while let Some(row) = rows.next()? {
        found.push(T::from_row(row)?);
    }
    Ok(found)
}

/// A sea-query value bound as sqlx binds it on SQLite, so that both
/// paths find the same rows: ids as 16-byte blobs, instants as RFC 3339
/// text, days as `YYYY-MM-DD`, booleans as 0/1.
struct Bound<'a>(&'a Value);

impl rusqlite::ToSql for Bound<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        let integer = |n: Option<i64>| {
            n.map_or(ToSqlOutput::Borrowed(ValueRef::Null), |n| ToSqlOutput::Owned(n.into()))
        };
        Ok(match self.0 {
            Value::Bool(b) => integer(b.map(i64::from)),
            Value::TinyInt(n) => integer(n.map(i64::from)),
            Value::SmallInt(n) => integer(n.map(i64::from)),
            Value::Int(n) => integer(n.map(i64::from)),
            Value::BigInt(n) => integer(*n),
            Value::TinyUnsigned(n) => integer(n.map(i64::from)),
            Value::SmallUnsigned(n) => integer(n.map(i64::from)),
            Value::Unsigned(n) => integer(n.map(i64::from)),
            Value::BigUnsigned(n) => integer(n.map(|n| n as i64)),
            Value::Float(f) => f.map_or(ToSqlOutput::Borrowed(ValueRef::Null), |f| {
                ToSqlOutput::Owned(SqliteValue::Real(f64::from(f)))
            }),
            Value::Double(f) => {
                f.map_or(ToSqlOutput::Borrowed(ValueRef::Null), |f| ToSqlOutput::Owned(SqliteValue::Real(f)))
            }
            Value::String(s) => match s {
                Some(s) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
                None => ToSqlOutput::Borrowed(ValueRef::Null),
            },
            Value::Char(c) => match c {
                Some(c) => ToSqlOutput::Owned(c.to_string().into()),
                None => ToSqlOutput::Borrowed(ValueRef::Null),
            },
            Value::Bytes(b) => match b {
                Some(b) => ToSqlOutput::Borrowed(ValueRef::Blob(b.as_slice())),
                None => ToSqlOutput::Borrowed(ValueRef::Null),
            },
            Value::Uuid(id) => match id {
                Some(id) => ToSqlOutput::Borrowed(ValueRef::Blob(id.as_bytes())),
                None => ToSqlOutput::Borrowed(ValueRef::Null),
            },
            Value::ChronoDateTimeUtc(at) => match at {
                Some(at) => ToSqlOutput::Owned(crate::rows::instant(**at).into()),
                None => ToSqlOutput::Borrowed(ValueRef::Null),
            },
            Value::ChronoDate(day) => match day {
                Some(day) => ToSqlOutput::Owned(day.format("%F").to_string().into()),
                None => ToSqlOutput::Borrowed(ValueRef::Null),
            },
            other => {
                return Err(rusqlite::Error::ToSqlConversionFailure(
                    format!("a {other:?} is not read through rusqlite").into(),
                ));
            }
        })
    }
}
