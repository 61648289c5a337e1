//! Schema migrations. Each version exists once per backend with the same
//! number, so both databases always end with the same tables and columns.
use crate::{Db, DbError, Tx, on_tx};

pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

/// `migration!(1, "0001", "foundation")` embeds `migrations/{sqlite,postgres}/0001_foundation.sql`.
macro_rules! migration {
    ($version:literal, $prefix:literal, $name:literal) => {
        Migration {
            version: $version,
            name: $name,
            sqlite: include_str!(concat!("../migrations/sqlite/", $prefix, "_", $name, ".sql")),
            postgres: include_str!(concat!("../migrations/postgres/", $prefix, "_", $name, ".sql")),
        }
    };
}

pub const MIGRATIONS: &[Migration] = &[
    migration!(1, "0001", "foundation"),
    migration!(2, "0002", "parties"),
    migration!(3, "0003", "search_words"),
    migration!(4, "0004", "access"),
    migration!(5, "0005", "branch_list"),
    migration!(6, "0006", "profile_agenda"),
    migration!(7, "0007", "cancelled_occurrences"),
    migration!(8, "0008", "session_flash"),
];

const CREATE_LEDGER: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (
    version BIGINT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
)";

/// Applies every migration the database lacks, each in its own transaction.
/// Returns the versions applied.
pub async fn run(db: &Db) -> Result<Vec<i64>, DbError> {
    let mut tx = db.begin().await?;
    on_tx!(&mut tx, conn => {
        sqlx::query(CREATE_LEDGER).execute(&mut *conn).await?;
    });
    tx.commit().await?;

    let mut applied = Vec::new();
    for migration in MIGRATIONS {
        let mut tx = db.begin().await?;
        if let Tx::Postgres(pg) = &mut tx {
            // Two processes starting together must not both migrate.
            sqlx::query("SELECT pg_advisory_xact_lock(7283945501)").execute(&mut **pg).await?;
        }
        let done: Option<i64> = on_tx!(&mut tx, conn => {
            sqlx::query_scalar("SELECT version FROM schema_migrations WHERE version = $1")
                .bind(migration.version)
                .fetch_optional(&mut *conn)
                .await?
        });
        if done.is_some() {
            continue;
        }
        let result = on_tx!(&mut tx, conn => {
            let body = match db.backend() {
                crate::Backend::Sqlite => migration.sqlite,
                crate::Backend::Postgres => migration.postgres,
            };
            match sqlx::raw_sql(body).execute(&mut *conn).await {
                Ok(_) => sqlx::query(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
                )
                .bind(migration.version)
                .bind(migration.name)
                .bind(chrono::Utc::now().to_rfc3339())
                .execute(&mut *conn)
                .await
                .map(|_| ()),
                Err(error) => Err(error),
            }
        });
        result.map_err(|source| DbError::Migration {
            version: migration.version,
            name: migration.name,
            source,
        })?;
        tx.commit().await?;
        applied.push(migration.version);
    }

    let newest_known = MIGRATIONS.last().map(|m| m.version).unwrap_or(0);
    let newest_applied: Option<i64> = crate::on_db!(db, pool => {
        sqlx::query_scalar("SELECT MAX(version) FROM schema_migrations")
            .fetch_one(pool)
            .await?
    });
    match newest_applied {
        Some(version) if version > newest_known => Err(DbError::NewerSchema(version)),
        _ => Ok(applied),
    }
}

/// Every (table, column) of the current schema, sorted: used to prove that
/// both backends' migrations produce the same shape. Each backend's search
/// index (SQLite's FTS5 `search_fts_*`, PostgreSQL's `search_words_*`) is
/// its own side of search and has no twin.
pub async fn schema_shape(db: &Db) -> Result<Vec<(String, String)>, DbError> {
    let mut shape: Vec<(String, String)> = match db {
        Db::Sqlite(sqlite) => {
            sqlx::query_as(
                "SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p
                 WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE 'search_fts_%'",
            )
            .fetch_all(&sqlite.reader())
            .await?
        }
        Db::Postgres(pg) => {
            sqlx::query_as(
                "SELECT table_name::text, column_name::text FROM information_schema.columns
                 WHERE table_schema = current_schema() AND table_name NOT LIKE 'search_words_%'",
            )
            .fetch_all(pg)
            .await?
        }
    };
    shape.sort();
    Ok(shape)
}

/// The names of the indexes on a table (those the database makes for
/// primary keys and unique constraints left out).
pub async fn index_names(db: &Db, table: &str) -> Result<Vec<String>, DbError> {
    let mut names: Vec<String> = match db {
        Db::Sqlite(sqlite) => {
            sqlx::query_scalar(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = $1 AND sql IS NOT NULL",
            )
            .bind(table)
            .fetch_all(&sqlite.reader())
            .await?
        }
        Db::Postgres(pg) => sqlx::query_scalar(
            "SELECT indexname::text FROM pg_indexes WHERE schemaname = current_schema() AND tablename = $1
                 AND indexname NOT LIKE '%_pkey'",
        )
        .bind(table)
        .fetch_all(pg)
        .await?,
    };
    names.sort();
    Ok(names)
}
