//! Copies of a SQLite database and putting one back. PostgreSQL has its
//! own tools (`pg_dump`, `pg_restore`); see `docs/operations.md`.
//!
//! A copy is taken with `VACUUM INTO` on a read connection: a consistent
//! snapshot while the server keeps reading and writing. Putting a copy
//! back uses SQLite's backup API into the live file, which needs the file
//! to itself: it refuses while any other process has it open.
use crate::{Db, DbError};
use chrono::{DateTime, Utc};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error(
        "backups of PostgreSQL are taken with its own tools: pg_dump --format=custom --file=vinculo.dump <database URL>"
    )]
    Postgres,
    #[error("{0} already exists: choose another file name")]
    TargetExists(PathBuf),
    #[error("{0} is not a Vínculo database: {1}")]
    NotABackup(PathBuf, String),
    #[error("{0} was made by a newer Vínculo (schema {1}): upgrade the program first")]
    NewerSchema(PathBuf, i64),
    #[error("{0} is open in another process (is the server running?): stop it, then restore")]
    InUse(PathBuf),
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("{0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// Writes a consistent copy of the database to `target`, which must not
/// exist yet. Returns its size in bytes.
pub async fn copy_to(db: &Db, target: &Path) -> Result<u64, BackupError> {
    let Db::Sqlite(sqlite) = db else { return Err(BackupError::Postgres) };
    if target.exists() {
        return Err(BackupError::TargetExists(target.to_path_buf()));
    }
    let text = target.to_str().ok_or_else(|| BackupError::TargetExists(target.to_path_buf()))?;
    sqlx::query("VACUUM INTO $1").bind(text).execute(&sqlite.reader()).await.map_err(DbError::from)?;
    Ok(std::fs::metadata(target)?.len())
}

/// The copies kept before migrations, newest last.
pub const KEPT_BEFORE_MIGRATION: usize = 5;

/// Before a migration changes a SQLite file that holds data: a copy in
/// `backups/` beside it, named by the schema it had and the time, keeping
/// the newest [`KEPT_BEFORE_MIGRATION`]. Returns the copy's path, or
/// `None` when there is nothing to protect (PostgreSQL, a new file).
pub async fn before_migration(
    db: &Db,
    from_version: i64,
    now: DateTime<Utc>,
) -> Result<Option<PathBuf>, BackupError> {
    let Db::Sqlite(sqlite) = db else { return Ok(None) };
    if from_version == 0 {
        return Ok(None);
    }
    let file = sqlite.file();
    let folder = file.parent().unwrap_or_else(|| Path::new(".")).join("backups");
    std::fs::create_dir_all(&folder)?;
    let stem = file.file_stem().and_then(|s| s.to_str()).unwrap_or("vinculo");
    let prefix = format!("{stem}-schema{from_version:04}-");
    let target = folder.join(format!("{prefix}{}.db", now.format("%Y%m%dT%H%M%SZ")));
    copy_to(db, &target).await?;
    let mut kept: Vec<PathBuf> = std::fs::read_dir(&folder)?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| {
            path.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(&format!("{stem}-schema")))
        })
        .collect();
    // The names sort by schema, then time.
    kept.sort();
    for old in kept.iter().take(kept.len().saturating_sub(KEPT_BEFORE_MIGRATION)) {
        std::fs::remove_file(old)?;
    }
    Ok(Some(target))
}

/// The file of a `sqlite://…` URL; `None` for PostgreSQL.
pub fn sqlite_file(url: &str) -> Option<PathBuf> {
    use std::str::FromStr;
    if !url.starts_with("sqlite:") {
        return None;
    }
    sqlx::sqlite::SqliteConnectOptions::from_str(url).ok().map(|options| options.get_filename().to_path_buf())
}

/// Puts the copy `source` in place of the SQLite file `target`, after
/// checking that it is a sound Vínculo database no newer than this
/// program; what `target` held is first copied beside it
/// (`…before-restore-<time>.db`), which is returned.
pub fn restore(
    source: &Path,
    target: &Path,
    newest_known: i64,
    now: DateTime<Utc>,
) -> Result<Option<PathBuf>, BackupError> {
    let not_a_backup = |why: String| BackupError::NotABackup(source.to_path_buf(), why);
    let copy = rusqlite::Connection::open_with_flags(source, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let integrity: String = copy
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .map_err(|e| not_a_backup(e.to_string()))?;
    if integrity != "ok" {
        return Err(not_a_backup(integrity));
    }
    let version: i64 = copy
        .query_row("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", [], |row| row.get(0))
        .map_err(|e| not_a_backup(e.to_string()))?;
    if version > newest_known {
        return Err(BackupError::NewerSchema(source.to_path_buf(), version));
    }
    drop(copy);

    let existed = target.exists();
    let mut live = rusqlite::Connection::open(target)?;
    // Leaving WAL mode succeeds only when no other connection has the file.
    let mode = live.query_row("PRAGMA journal_mode = DELETE", [], |row| row.get::<_, String>(0));
    if !mode.is_ok_and(|mode| mode.eq_ignore_ascii_case("delete")) {
        return Err(BackupError::InUse(target.to_path_buf()));
    }
    let saved = if existed {
        let saved = target.with_extension(format!("before-restore-{}.db", now.format("%Y%m%dT%H%M%SZ")));
        let path = saved.to_str().ok_or_else(|| BackupError::TargetExists(saved.clone()))?;
        live.execute("VACUUM INTO ?1", [path])?;
        Some(saved)
    } else {
        None
    };
    live.restore(rusqlite::DatabaseName::Main, source, None::<fn(rusqlite::backup::Progress)>)?;
    live.query_row("PRAGMA journal_mode = WAL", [], |row| row.get::<_, String>(0))?;
    Ok(saved)
}
