//! Storage: one code path over SQLite (the embedded default) and
//! PostgreSQL (the server database). Owns the connection pools, the
//! migrations of both backends, and one repository module per aggregate.
//! Repositories never check permissions: that is the app layer's job.
// One unsafe block, documented where it is: rusqlite on the connection of
// a sqlx transaction (`rows`).
#![deny(unsafe_code)]

pub mod backup;
pub mod bulk;
mod direct;
mod error;
pub mod filter;
pub mod migrate;
pub mod repo;
mod rows;

pub use error::DbError;

use sqlx::pool::PoolOptions;
use sqlx::postgres::PgConnectOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sqlx::{Connection, PgPool, Postgres, Sqlite, SqlitePool};
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

/// A database handle; cheap to clone (the pools are shared).
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqliteDb),
    Postgres(PgPool),
}

/// SQLite allows one writer at a time; giving writes their own pool of one
/// connection queues them in-process instead of failing with SQLITE_BUSY,
/// while reads run in parallel on the WAL.
///
/// The pools sit behind a lock so that a bulk load can close them, have the
/// file to itself, and open them again (see [`SqliteDb::exclusively`]).
#[derive(Clone, Debug)]
pub struct SqliteDb(Arc<SqliteHandles>);

#[derive(Debug)]
struct SqliteHandles {
    pools: RwLock<SqlitePools>,
    /// How to open the pools again.
    options: SqliteConnectOptions,
    /// The database file, for the bulk loader's own connection.
    path: std::path::PathBuf,
    /// The hottest reads' own connections (see [`direct`]).
    direct: direct::DirectReaders,
}

/// A pooled connection is checked (pinged) before use only after sitting
/// idle this long. sqlx checks on every acquire by default: a second round
/// trip for every query outside a transaction, most of a page's time.
const PING_WHEN_IDLE_FOR: Duration = Duration::from_secs(30);

fn pool_options<DB: sqlx::Database>() -> PoolOptions<DB> {
    PoolOptions::new().test_before_acquire(false).before_acquire(|conn: &mut DB::Connection, meta| {
        Box::pin(async move {
            if meta.idle_for >= PING_WHEN_IDLE_FOR {
                conn.ping().await?;
            }
            Ok(true)
        })
    })
}

#[derive(Clone, Debug)]
struct SqlitePools {
    writer: SqlitePool,
    reader: SqlitePool,
    /// Whether the writer's one connection is in a transaction begun by
    /// [`Db::begin_skipping_reference_lookups`]: its foreign keys are
    /// turned on again when it is handed back.
    lookups_skipped: Arc<AtomicBool>,
}

impl SqlitePools {
    async fn connect(options: &SqliteConnectOptions) -> Result<SqlitePools, DbError> {
        let lookups_skipped = Arc::new(AtomicBool::new(false));
        let skipped = lookups_skipped.clone();
        let writer = pool_options::<Sqlite>()
            .max_connections(1)
            .min_connections(1)
            .after_release(move |conn, _| {
                let skipped = skipped.clone();
                // Run by sqlx's worker after the transaction's commit or
                // rollback, which it queued first.
                Box::pin(async move {
                    if skipped.swap(false, Ordering::AcqRel) {
                        sqlx::query("PRAGMA foreign_keys = ON").execute(conn).await?;
                    }
                    Ok(true)
                })
            })
            .connect_with(
                options
                    .clone()
                    .pragma("wal_autocheckpoint", "10000")
                    .pragma("analysis_limit", ANALYSIS_LIMIT),
            )
            .await?;
        let reader =
            pool_options::<Sqlite>().max_connections(8).connect_with(options.clone().read_only(true)).await?;
        Ok(SqlitePools { writer, reader, lookups_skipped })
    }
}

/// The file is read through a memory map up to this size (SQLite's
/// largest by default): a page not yet in a connection's cache costs a
/// pointer instead of a read and a copy, and the nine reader connections
/// share the operating system's copy of the file instead of each filling
/// its own cache from disk.
pub(crate) const MMAP_BYTES: &str = "2147418112";

/// Runs `work` with the connection's page cache at `kib`, then gives it
/// back the size it had, whether `work` succeeded or not. A scan of a whole
/// table reads each page once: on a pooled reader it would otherwise
/// leave its cache full of them (64 MiB of the process's memory, and the
/// pages the next requests wanted evicted); an index build sorts in runs
/// of the cache's size.
pub(crate) fn with_page_cache<T>(
    conn: &rusqlite::Connection,
    kib: u64,
    work: impl FnOnce() -> Result<T, DbError>,
) -> Result<T, DbError> {
    let had: i64 = conn.pragma_query_value(None, "cache_size", |row| row.get(0))?;
    conn.pragma_update(None, "cache_size", format!("-{kib}"))?;
    let outcome = work();
    let given_back = conn.pragma_update(None, "cache_size", had);
    let value = outcome?;
    given_back?;
    Ok(value)
}

/// ANALYZE samples this many rows an index: a full pass over a
/// million-party file took five minutes of disk reads at start-up.
pub(crate) const ANALYSIS_LIMIT: &str = "1000";

/// How often the write-ahead log is copied into the database file.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(250);

/// Copies the write-ahead log into the database file every
/// [`CHECKPOINT_EVERY`] while the database is open. Every read looks each
/// page it needs up in the log first, and every write adds frames of the
/// same few pages (the audit's last leaf, the sessions), which crowd the
/// log's hash table: the customer list's first page took 1.9 ms with the
/// log empty, 2.8 ms with 3,000 frames and 4.7 ms with 6,000 (the
/// automatic checkpoint waits for 10,000, see `wal_autocheckpoint`). Once a
/// checkpoint has copied everything, reads skip the log and the next write
/// starts it again from its beginning. A passive checkpoint waits for no
/// reader; it takes the writer for as long as it copies.
fn keep_wal_short(handles: std::sync::Weak<SqliteHandles>) {
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(CHECKPOINT_EVERY).await;
            let Some(handles) = handles.upgrade() else { return };
            let writer = SqliteDb(handles).writer();
            if writer.is_closed() {
                continue;
            }
            if let Err(error) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)").execute(&writer).await {
                tracing::debug!(%error, "the write-ahead log was not copied this time");
            }
        }
    });
}

/// Closes a pool and waits until none of its connections is open.
/// sqlx's `close` may return with one still open (launchbadge/sqlx#3217):
/// a connection handed back in the background (a query that had just
/// finished, a checkpoint) lands in the idle queue after `close` last
/// drained it, and stays open for as long as the pool lives. A quarter of
/// demo loads then found the file open and wrote through the WAL. Closing
/// again drains the queue; the wait is bounded in case a connection is
/// never handed back.
async fn close_fully(pool: &SqlitePool) {
    pool.close().await;
    for _ in 0..100 {
        if pool.size() == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
        pool.close().await;
    }
    tracing::warn!(open = pool.size(), "connections left open after closing the pool");
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// A write transaction on either backend.
pub enum Tx {
    Sqlite(sqlx::Transaction<'static, Sqlite>),
    Postgres(sqlx::Transaction<'static, Postgres>),
}

/// Runs the same body on whichever pool the database has: the body is
/// compiled once per backend, so SQL written in the dialect both share
/// (`$1` placeholders, `RETURNING`, `ON CONFLICT`) needs no duplication.
#[macro_export]
macro_rules! on_db {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            $crate::Db::Sqlite(sqlite) => {
                let $pool = &sqlite.reader();
                $body
            }
            $crate::Db::Postgres(pg) => {
                let $pool = pg;
                $body
            }
        }
    };
}

/// Like [`on_db!`] but inside a transaction; `$conn` is the connection.
#[macro_export]
macro_rules! on_tx {
    ($tx:expr, $conn:ident => $body:expr) => {
        match $tx {
            $crate::Tx::Sqlite(tx) => {
                let $conn = &mut **tx;
                $body
            }
            $crate::Tx::Postgres(tx) => {
                let $conn = &mut **tx;
                $body
            }
        }
    };
}

impl SqliteDb {
    fn pools(&self) -> SqlitePools {
        // A poisoned lock still holds valid pools: swapping them cannot panic halfway.
        self.0.pools.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    pub fn reader(&self) -> SqlitePool {
        self.pools().reader
    }

    pub(crate) fn writer(&self) -> SqlitePool {
        self.pools().writer
    }

    pub(crate) fn direct(&self) -> &direct::DirectReaders {
        &self.0.direct
    }

    /// The database file.
    pub fn file(&self) -> &std::path::Path {
        &self.0.path
    }

    /// Closes both pools and the direct readers, every connection of them.
    async fn close(&self) {
        let pools = self.pools();
        close_fully(&pools.reader).await;
        close_fully(&pools.writer).await;
        self.0.direct.close();
    }

    /// Closes the pools, runs `work` on the database file with no other
    /// connection open, then opens the pools again (also when `work` failed).
    /// Whoever calls it must know that nothing else uses the database
    /// meanwhile: queries in between fail with "pool closed".
    pub(crate) async fn exclusively<T: Send + 'static>(
        &self,
        work: impl FnOnce(&std::path::Path) -> Result<T, DbError> + Send + 'static,
    ) -> Result<T, DbError> {
        self.close().await;
        let path = self.0.path.clone();
        let outcome = tokio::task::spawn_blocking(move || work(&path)).await;
        let reopened = SqlitePools::connect(&self.0.options).await?;
        *self.0.pools.write().unwrap_or_else(std::sync::PoisonError::into_inner) = reopened;
        outcome.map_err(|e| DbError::Bulk(e.to_string()))?
    }
}

impl Db {
    /// Opens `sqlite://path` (created if missing) or `postgres://…`.
    pub async fn connect(url: &str) -> Result<Db, DbError> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let options = PgConnectOptions::from_str(url)?;
            Self::connect_postgres(options).await
        } else if url.starts_with("sqlite:") {
            Self::connect_sqlite(url).await
        } else {
            Err(DbError::UnsupportedUrl(url.split(':').next().unwrap_or_default().to_string()))
        }
    }

    pub async fn connect_postgres(options: PgConnectOptions) -> Result<Db, DbError> {
        let pool = pool_options::<Postgres>()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await?;
        Ok(Db::Postgres(pool))
    }

    async fn connect_sqlite(url: &str) -> Result<Db, DbError> {
        if url.contains(":memory:") || url.contains("mode=memory") {
            // Separate reader and writer pools would see separate databases.
            return Err(DbError::UnsupportedUrl("sqlite in-memory".into()));
        }
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            // 64 MiB of page cache per connection, and checkpoints every
            // ~40 MiB of WAL instead of 4: each checkpoint is an fsync.
            .pragma("cache_size", "-65536")
            .pragma("temp_store", "memory")
            .pragma("mmap_size", MMAP_BYTES);
        let pools = SqlitePools::connect(&options).await?;
        let path = options.get_filename().to_path_buf();
        let direct = direct::DirectReaders::new(path.clone());
        let handles = Arc::new(SqliteHandles { pools: RwLock::new(pools), options, path, direct });
        keep_wal_short(Arc::downgrade(&handles));
        Ok(Db::Sqlite(SqliteDb(handles)))
    }

    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite(_) => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    pub async fn begin(&self) -> Result<Tx, DbError> {
        Ok(match self {
            Db::Sqlite(sqlite) => Tx::Sqlite(sqlite.writer().begin().await?),
            Db::Postgres(pg) => Tx::Postgres(pg.begin().await?),
        })
    }

    /// A transaction in which SQLite does not look up, row by row, what
    /// each written row refers to. Only for a use case that reads, in the
    /// same transaction, every row its writes refer to (rows that are never
    /// deleted): the ERP's batches of sales, where the lookups were about
    /// twenty a sale and an eighth of a batch's time (docs/benchmarks.md).
    /// SQLite turns its foreign keys off only outside a transaction, and
    /// turning them off or on makes it prepare every statement of the
    /// connection again, so the writer's connection gets them back when it
    /// is handed back, not at every begin. PostgreSQL checks them as always.
    pub async fn begin_skipping_reference_lookups(&self) -> Result<Tx, DbError> {
        let Db::Sqlite(sqlite) = self else { return self.begin().await };
        let pools = sqlite.pools();
        match pools.writer.begin_with("PRAGMA foreign_keys = OFF; BEGIN").await {
            Ok(tx) => {
                // Set while this transaction holds the one connection, so
                // the release that follows it is the one that restores.
                pools.lookups_skipped.store(true, Ordering::Release);
                Ok(Tx::Sqlite(tx))
            }
            Err(error) => {
                // The pragma may have run before BEGIN failed; not when no
                // connection was had, and asking for one again would only
                // wait as long a second time.
                if !matches!(error, sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed) {
                    sqlx::query("PRAGMA foreign_keys = ON").execute(&pools.writer).await?;
                }
                Err(error.into())
            }
        }
    }

    /// Refreshes the planner's statistics. Without them SQLite cannot tell
    /// that "UF = AC" narrows a million parties more than "branch = X" and
    /// walked a whole branch for the first page of a rare UF (0.8 s, 72 s at
    /// p99). SQLite's `optimize` analyses only tables that changed enough,
    /// on a sample; PostgreSQL's autovacuum does the same later, `ANALYZE`
    /// does it now.
    pub async fn refresh_statistics(&self) -> Result<(), DbError> {
        match self {
            Db::Sqlite(sqlite) => {
                sqlx::query("PRAGMA optimize=0x10002").execute(&sqlite.writer()).await?;
                sqlite.direct().statistics_refreshed();
            }
            Db::Postgres(pg) => {
                // The tables of the schema the application works in, by
                // name: a bare ANALYZE walks every schema of the database,
                // and fails when another one's tables are dropped meanwhile
                // (parallel tests, each in a schema of its own).
                let tables: Vec<String> = sqlx::query_scalar(
                    "SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = current_schema()",
                )
                .fetch_all(pg)
                .await?;
                if !tables.is_empty() {
                    sqlx::query(&format!("ANALYZE {}", tables.join(", "))).execute(pg).await?;
                }
            }
        }
        Ok(())
    }

    /// A round trip to the server, for health checks.
    pub async fn ping(&self) -> Result<(), DbError> {
        on_db!(self, pool => {
            sqlx::query("SELECT 1").execute(pool).await?;
        });
        Ok(())
    }

    pub async fn close(&self) {
        match self {
            Db::Sqlite(sqlite) => sqlite.close().await,
            Db::Postgres(pg) => pg.close().await,
        }
    }
}

impl Tx {
    /// Lets this transaction's commit return before PostgreSQL has flushed
    /// it to disk. Only for work that is done again when it is lost: a crash
    /// of the database server (not of Vínculo) may forget the last fraction
    /// of a second of such commits, never reorder them behind a later
    /// durable one. SQLite keeps its own setting.
    pub async fn relax_durability(&mut self) -> Result<(), DbError> {
        if let Tx::Postgres(tx) = self {
            sqlx::query("SET LOCAL synchronous_commit TO OFF").execute(&mut **tx).await?;
        }
        Ok(())
    }

    pub async fn commit(self) -> Result<(), DbError> {
        match self {
            Tx::Sqlite(tx) => tx.commit().await?,
            Tx::Postgres(tx) => tx.commit().await?,
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The page cache is the size asked for while the work runs and the
    /// size it was afterwards, when the work fails too.
    #[test]
    fn a_page_cache_lent_is_given_back() -> Result<(), DbError> {
        let conn = rusqlite::Connection::open_in_memory()?;
        conn.pragma_update(None, "cache_size", -65_536)?;
        let size = || conn.pragma_query_value(None, "cache_size", |row| row.get::<_, i64>(0));
        let during = with_page_cache(&conn, 4 << 10, || Ok(size()?))?;
        assert_eq!((during, size()?), (-4096, -65_536));
        let failed = with_page_cache(&conn, 1 << 10, || -> Result<(), DbError> {
            Err(DbError::Bulk("failed".into()))
        });
        assert!(failed.is_err());
        assert_eq!(size()?, -65_536);
        Ok(())
    }
}
