use thiserror::Error;

#[derive(Debug, Error)]
pub enum DbError {
    #[error("database URL scheme not supported: {0} (use sqlite://… or postgres://…)")]
    UnsupportedUrl(String),
    #[error("a row with the same {0} exists")]
    Duplicate(String),
    #[error("migration {version} ({name}) failed: {source}")]
    Migration { version: i64, name: &'static str, source: sqlx::Error },
    #[error("the database holds migration {0}, newer than this program knows: upgrade the program")]
    NewerSchema(i64),
    #[error(transparent)]
    Sqlx(sqlx::Error),
    /// A bulk load failed on its own connection.
    #[error("bulk load: {0}")]
    Bulk(String),
    /// A statement run through rusqlite (bulk loads, direct reads) failed.
    #[error(transparent)]
    Rusqlite(rusqlite::Error),
}

impl DbError {
    /// A stored value that does not read back as its type.
    pub fn decode(error: impl std::error::Error + Send + Sync + 'static) -> DbError {
        DbError::Sqlx(sqlx::Error::Decode(Box::new(error)))
    }
}

impl From<sqlx::Error> for DbError {
    fn from(error: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db_error) = &error
            && db_error.is_unique_violation()
        {
            let constraint = db_error.constraint().unwrap_or("key").to_string();
            return DbError::Duplicate(constraint);
        }
        DbError::Sqlx(error)
    }
}

impl From<rusqlite::Error> for DbError {
    fn from(error: rusqlite::Error) -> Self {
        match &error {
            rusqlite::Error::SqliteFailure(failure, message)
                if failure.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE =>
            {
                DbError::Duplicate(message.clone().unwrap_or_default())
            }
            _ => DbError::Rusqlite(error),
        }
    }
}
