use chrono::{DateTime, Utc};
use domain::ValidationErrors;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum AppError {
    #[error("invalid input: {0}")]
    Validation(ValidationErrors),
    #[error("e-mail or password is wrong")]
    InvalidCredentials,
    #[error("too many failed attempts; retry in {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    #[error("not allowed")]
    Forbidden,
    #[error("not found")]
    NotFound,
    /// Someone else saved the record after it was read.
    #[error("changed by {by} at {at}")]
    Conflict { by: String, at: DateTime<Utc> },
    /// A party with the same CPF/CNPJ/NIF exists.
    #[error("duplicate of {name}")]
    DuplicateParty { existing: domain::PartyId, name: String },
    /// A party with the same document exists in a portfolio the user may
    /// not see: refused, without saying whose.
    #[error("document taken in another portfolio")]
    DocumentTaken,
    /// A name or address that must be unique is another record's already
    /// (a branch, role, status, field, option, user's e-mail): a conflict
    /// with what is stored, named by field like a validation error.
    #[error("already taken: {0}")]
    Taken(ValidationErrors),
    /// The party was merged into another one.
    #[error("merged into {into}")]
    Merged { into: domain::PartyId },
    #[error(transparent)]
    Db(#[from] db::DbError),
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<ValidationErrors> for AppError {
    fn from(errors: ValidationErrors) -> Self {
        AppError::Validation(errors)
    }
}
