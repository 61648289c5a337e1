//! Schema migrations. Each version is one file, `migrations/NNNN_name.sql`,
//! written in PostgreSQL's words and translated for SQLite (see
//! [`for_backend`]), so both databases always end with the same tables and
//! columns and a new capability adds one file, not two.
use crate::{Backend, Db, DbError, Tx, on_tx};

pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    source: &'static str,
}

/// `migration!(1, "0001", "foundation")` embeds `migrations/0001_foundation.sql`.
macro_rules! migration {
    ($version:literal, $prefix:literal, $name:literal) => {
        Migration {
            version: $version,
            name: $name,
            source: include_str!(concat!("../migrations/", $prefix, "_", $name, ".sql")),
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
    migration!(9, "0009", "search_scope"),
    migration!(10, "0010", "currency"),
    migration!(11, "0011", "theme"),
    migration!(12, "0012", "list_views"),
    migration!(13, "0013", "newest_index"),
    migration!(14, "0014", "country"),
    migration!(15, "0015", "consent_source_codes"),
    migration!(16, "0016", "messaging"),
    migration!(17, "0017", "message_templates"),
    migration!(18, "0018", "webhooks"),
    migration!(19, "0019", "message_gateway"),
    migration!(20, "0020", "typed_address"),
    migration!(21, "0021", "sales"),
    migration!(22, "0022", "installment_payments"),
    migration!(23, "0023", "loyalty"),
    migration!(24, "0024", "payment_reminders"),
    migration!(25, "0025", "seller_codes"),
    migration!(26, "0026", "renegotiations"),
    migration!(27, "0027", "points_rates"),
    migration!(28, "0028", "bonus"),
    migration!(29, "0029", "reminder_channels"),
    migration!(30, "0030", "telemarketing_engine"),
    migration!(31, "0031", "events_by_time"),
    migration!(32, "0032", "engine_segments"),
    migration!(33, "0033", "telemarketing_occurrences"),
    migration!(34, "0034", "call_lists"),
    migration!(35, "0035", "quotes"),
    migration!(36, "0036", "orders"),
    migration!(37, "0037", "invoiced_orders"),
    migration!(38, "0038", "discount_policy"),
    migration!(39, "0039", "quote_documents"),
    migration!(40, "0040", "contracts"),
    migration!(41, "0041", "sales_follow_up"),
    migration!(42, "0042", "visit_sheets_and_document_sends"),
    migration!(43, "0043", "follow_up_list_indexes"),
    migration!(44, "0044", "follow_up_by_customer"),
    migration!(45, "0045", "negotiation_stages"),
    migration!(46, "0046", "follow_up_centre_index"),
    migration!(47, "0047", "follow_up_open_counts"),
    migration!(48, "0048", "follow_up_same_day_order"),
    migration!(49, "0049", "pipeline_stage_names"),
    migration!(50, "0050", "party_first_contacts"),
    migration!(51, "0051", "unfinished_loads"),
    migration!(52, "0052", "sale_items_unindexed_by_product"),
];

/// A line `-- [sqlite]` or `-- [postgres]` starts what only that backend
/// runs, taken as written (search indexes, triggers, functions); `-- [both]`
/// returns to the shared text.
const SECTION_MARK: &str = "-- [";

/// The SQL a backend runs for a migration. The shared text names
/// PostgreSQL's types; SQLite stores UUIDs as 16-byte BLOBs, timestamps and
/// dates as RFC 3339 text, JSON as text and booleans as 0/1, and needs
/// `NOT NULL` spelled out on a primary key that is not an INTEGER rowid.
pub fn for_backend(source: &str, backend: Backend) -> String {
    let mut sql = String::with_capacity(source.len());
    let mut section = "both";
    for line in source.split_inclusive('\n') {
        if let Some(name) = line.trim_end().strip_prefix(SECTION_MARK).and_then(|rest| rest.strip_suffix(']'))
        {
            section = name;
            continue;
        }
        match (section, backend) {
            ("both", Backend::Postgres) | ("postgres", Backend::Postgres) | ("sqlite", Backend::Sqlite) => {
                sql.push_str(line)
            }
            ("both", Backend::Sqlite) => sql.push_str(&sqlite_words(line)),
            _ => {}
        }
    }
    sql
}

fn sqlite_words(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 9);
    let mut rest = line;
    while let Some(start) = rest.find(|c: char| c.is_ascii_alphanumeric() || c == '_') {
        out.push_str(&rest[..start]);
        let word_len = rest[start..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len() - start);
        let word = &rest[start..start + word_len];
        out.push_str(match word {
            "UUID" | "BYTEA" => "BLOB",
            "TIMESTAMPTZ" | "DATE" | "JSONB" => "TEXT",
            "BOOLEAN" => "INTEGER",
            "FALSE" => "0",
            "TRUE" => "1",
            other => other,
        });
        rest = &rest[start + word_len..];
        if word == "KEY" && out.ends_with("PRIMARY KEY") {
            let after = rest.trim_start();
            if !after.starts_with('(') && !after.starts_with("NOT NULL") {
                out.push_str(" NOT NULL");
            }
        }
    }
    out.push_str(rest);
    out
}

const CREATE_LEDGER: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (
    version BIGINT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
)";

/// The newest schema version this program knows.
pub fn newest_known() -> i64 {
    MIGRATIONS.last().map(|m| m.version).unwrap_or(0)
}

/// The newest migration the database holds; 0 for a new, empty one.
pub async fn current_version(db: &Db) -> Result<i64, DbError> {
    let mut tx = db.begin().await?;
    let version = on_tx!(&mut tx, conn => {
        sqlx::query(CREATE_LEDGER).execute(&mut *conn).await?;
        sqlx::query_scalar::<_, Option<i64>>("SELECT MAX(version) FROM schema_migrations")
            .fetch_one(&mut *conn)
            .await?
    });
    tx.commit().await?;
    Ok(version.unwrap_or(0))
}

/// Applies every migration the database lacks, each in its own transaction.
/// Returns the versions applied.
pub async fn run(db: &Db) -> Result<Vec<i64>, DbError> {
    run_until(db, newest_known()).await
}

/// Applies the migrations the database lacks up to `last` (tests start a
/// database at an older schema to prove that a migration carries the data
/// already there).
pub async fn run_until(db: &Db, last: i64) -> Result<Vec<i64>, DbError> {
    let mut tx = db.begin().await?;
    on_tx!(&mut tx, conn => {
        sqlx::query(CREATE_LEDGER).execute(&mut *conn).await?;
    });
    tx.commit().await?;

    let mut applied = Vec::new();
    for migration in MIGRATIONS.iter().filter(|m| m.version <= last) {
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
            let body = for_backend(migration.source, db.backend());
            match sqlx::raw_sql(&body).execute(&mut *conn).await {
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
    if let Some(version) = newest_applied.filter(|version| *version > newest_known) {
        return Err(DbError::NewerSchema(version));
    }
    // Tests may stop the migrations before the notes' table exists.
    if newest_applied.is_some_and(|version| version >= crate::bulk::search::NOTED_SINCE_MIGRATION) {
        crate::bulk::search::finish_interrupted(db).await?;
    }
    if let Db::Sqlite(sqlite) = db {
        crate::bulk::purchases::beside::remove_left_over(sqlite.file());
    }
    Ok(applied)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_gets_its_own_types_and_sections() {
        let source = "CREATE TABLE t (\n    id UUID PRIMARY KEY,\n    at TIMESTAMPTZ NOT NULL,\n    on_day DATE,\n    \
            data JSONB,\n    active BOOLEAN NOT NULL DEFAULT TRUE,\n    updated_at TEXT,\n    PRIMARY KEY (id, at)\n);\n\
            -- [sqlite]\nCREATE VIRTUAL TABLE f USING fts5 (x);\n-- [postgres]\nCREATE INDEX g ON t USING gin (data);\n\
            -- [both]\nCREATE INDEX t_at ON t (at);\n";
        assert_eq!(
            for_backend(source, Backend::Sqlite),
            "CREATE TABLE t (\n    id BLOB PRIMARY KEY NOT NULL,\n    at TEXT NOT NULL,\n    on_day TEXT,\n    data TEXT,\n    \
             active INTEGER NOT NULL DEFAULT 1,\n    updated_at TEXT,\n    PRIMARY KEY (id, at)\n);\n\
             CREATE VIRTUAL TABLE f USING fts5 (x);\nCREATE INDEX t_at ON t (at);\n"
        );
        assert_eq!(
            for_backend(source, Backend::Postgres),
            source
                .replace("-- [sqlite]\nCREATE VIRTUAL TABLE f USING fts5 (x);\n", "")
                .replace("-- [postgres]\n", "")
                .replace("-- [both]\n", "")
        );
    }
}
