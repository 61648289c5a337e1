//! Browser sessions, stored by the hash of their cookie so that a copy of
//! the database does not hand out live sessions.
use super::access::{CALLER_COLUMNS, CALLER_JOINS, HeldRole, RoleRow, caller_at, with_roles};
use crate::direct::{Cost, DirectRow};
use crate::{Db, DbError, Tx, on_tx};
use chrono::{DateTime, Utc};
use domain::{OrgId, UserId};

pub struct NewSession<'a> {
    pub token_hash: &'a str,
    pub org_id: OrgId,
    pub user_id: UserId,
    pub ip: Option<&'a str>,
    pub user_agent: Option<&'a str>,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SessionRow {
    pub token_hash: String,
    pub session_created_at: DateTime<Utc>,
    pub session_last_seen_at: DateTime<Utc>,
    /// The one-time message waiting for the session's next page.
    pub flash: Option<String>,
    #[sqlx(flatten)]
    pub user: super::user::UserRow,
    /// The user's organisation's hours, currency and country.
    #[sqlx(flatten)]
    pub locality: super::organisation::WorkingHoursRow,
}

#[derive(sqlx::FromRow)]
struct SessionLine {
    #[sqlx(flatten)]
    session: SessionRow,
    #[sqlx(flatten)]
    role: HeldRole,
}

/// In the order [`find`] selects.
impl DirectRow for SessionLine {
    fn from_row_at(row: &rusqlite::Row<'_>, first: usize) -> rusqlite::Result<Self> {
        let (user, locality, role) = caller_at(row, first + 4)?;
        let session = SessionRow {
            token_hash: row.get(first)?,
            session_created_at: row.get(first + 1)?,
            session_last_seen_at: row.get(first + 2)?,
            flash: row.get(first + 3)?,
            user,
            locality,
        };
        Ok(SessionLine { session, role })
    }
}

#[tracing::instrument(skip_all)]
pub async fn insert(tx: &mut Tx, session: &NewSession<'_>, now: DateTime<Utc>) -> Result<(), DbError> {
    on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO sessions (token_hash, org_id, user_id, created_at, last_seen_at, ip, user_agent)
             VALUES ($1, $2, $3, $4, $4, $5, $6)",
        )
        .bind(session.token_hash)
        .bind(session.org_id.0)
        .bind(session.user_id.0)
        .bind(now)
        .bind(session.ip)
        .bind(session.user_agent)
        .execute(&mut *conn)
        .await?;
    });
    Ok(())
}

/// The session, its user, his organisation's locality and his roles, in
/// one read: every request does this.
#[tracing::instrument(skip_all)]
pub async fn find(db: &Db, token_hash: &str) -> Result<Option<(SessionRow, Vec<RoleRow>)>, DbError> {
    let sql = format!(
        "SELECT x.token_hash, x.created_at AS session_created_at,
                x.last_seen_at AS session_last_seen_at, x.flash, {CALLER_COLUMNS}
         FROM sessions x {CALLER_JOINS}
         WHERE x.token_hash = $1 ORDER BY r.name"
    );
    let lines: Vec<SessionLine> =
        super::fetch_direct_sql(db, &sql, vec![token_hash.into()], Cost::Bounded).await?;
    Ok(with_roles(lines.into_iter().map(|line| (line.session, line.role)).collect()))
}

#[tracing::instrument(skip_all)]
pub async fn touch(tx: &mut Tx, token_hash: &str, now: DateTime<Utc>) -> Result<(), DbError> {
    on_tx!(tx, conn => {
        sqlx::query("UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1")
            .bind(token_hash)
            .bind(now)
            .execute(&mut *conn)
            .await?;
    });
    Ok(())
}

/// Leaves a one-time message for the session's next page; `None` clears it.
#[tracing::instrument(skip_all)]
pub async fn set_flash(tx: &mut Tx, token_hash: &str, flash: Option<&str>) -> Result<(), DbError> {
    on_tx!(tx, conn => {
        sqlx::query("UPDATE sessions SET flash = $2 WHERE token_hash = $1")
            .bind(token_hash)
            .bind(flash)
            .execute(&mut *conn)
            .await?;
    });
    Ok(())
}

#[tracing::instrument(skip_all)]
pub async fn delete(tx: &mut Tx, token_hash: &str) -> Result<bool, DbError> {
    Ok(on_tx!(tx, conn => {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&mut *conn)
            .await?
            .rows_affected()
            > 0
    }))
}

/// Ends every session of a user: on disabling, or on a password change.
#[tracing::instrument(skip_all)]
pub async fn delete_for_user(tx: &mut Tx, user_id: UserId) -> Result<u64, DbError> {
    Ok(on_tx!(tx, conn => {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id.0)
            .execute(&mut *conn)
            .await?
            .rows_affected()
    }))
}

/// Removes sessions idle or older than the limits, so the table does not grow.
#[tracing::instrument(skip_all)]
pub async fn delete_expired(
    tx: &mut Tx,
    idle_before: DateTime<Utc>,
    created_before: DateTime<Utc>,
) -> Result<u64, DbError> {
    Ok(on_tx!(tx, conn => {
        sqlx::query("DELETE FROM sessions WHERE last_seen_at < $1 OR created_at < $2")
            .bind(idle_before)
            .bind(created_before)
            .execute(&mut *conn)
            .await?
            .rows_affected()
    }))
}
