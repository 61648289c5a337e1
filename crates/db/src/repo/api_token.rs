//! API tokens: how machines call the JSON API on a user's behalf.
use super::access::{CALLER_COLUMNS, CALLER_JOINS, HeldRole, RoleRow, caller_at, with_roles};
use crate::direct::{Cost, DirectRow};
use crate::{Db, DbError, Tx, on_db, on_tx};
use chrono::{DateTime, Utc};
use domain::ids::ApiTokenId;
use domain::{OrgId, UserId};
use uuid::Uuid;

#[derive(Clone, Debug, serde::Serialize, sqlx::FromRow)]
pub struct ApiTokenRow {
    pub id: Uuid,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

pub struct NewApiToken<'a> {
    pub id: ApiTokenId,
    pub org_id: OrgId,
    pub user_id: UserId,
    pub name: &'a str,
    pub token_hash: &'a str,
}

#[tracing::instrument(skip_all)]
pub async fn insert(tx: &mut Tx, token: &NewApiToken<'_>, now: DateTime<Utc>) -> Result<(), DbError> {
    on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO api_tokens (id, org_id, user_id, name, token_hash, created_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(token.id.0)
        .bind(token.org_id.0)
        .bind(token.user_id.0)
        .bind(token.name)
        .bind(token.token_hash)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    });
    Ok(())
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct TokenOwnerRow {
    pub token_id: Uuid,
    pub token_last_used_at: Option<DateTime<Utc>>,
    #[sqlx(flatten)]
    pub user: super::user::UserRow,
    /// The user's organisation's hours, currency and country.
    #[sqlx(flatten)]
    pub locality: super::organisation::WorkingHoursRow,
}

#[derive(sqlx::FromRow)]
struct TokenOwnerLine {
    #[sqlx(flatten)]
    owner: TokenOwnerRow,
    #[sqlx(flatten)]
    role: HeldRole,
}

/// In the order [`find_live`] selects.
impl DirectRow for TokenOwnerLine {
    fn from_row_at(row: &rusqlite::Row<'_>, first: usize) -> rusqlite::Result<Self> {
        let (user, locality, role) = caller_at(row, first + 2)?;
        let owner = TokenOwnerRow {
            token_id: row.get(first)?,
            token_last_used_at: row.get(first + 1)?,
            user,
            locality,
        };
        Ok(TokenOwnerLine { owner, role })
    }
}

/// The live (not revoked) token with this hash, and its user.
#[tracing::instrument(skip_all)]
pub async fn find_live(db: &Db, token_hash: &str) -> Result<Option<(TokenOwnerRow, Vec<RoleRow>)>, DbError> {
    let sql = format!(
        "SELECT x.id AS token_id, x.last_used_at AS token_last_used_at, {CALLER_COLUMNS}
         FROM api_tokens x {CALLER_JOINS}
         WHERE x.token_hash = $1 AND x.revoked_at IS NULL ORDER BY r.name"
    );
    let lines: Vec<TokenOwnerLine> =
        super::fetch_direct_sql(db, &sql, vec![token_hash.into()], Cost::Bounded).await?;
    Ok(with_roles(lines.into_iter().map(|line| (line.owner, line.role)).collect()))
}

#[tracing::instrument(skip_all)]
pub async fn list_for_user(db: &Db, org_id: OrgId, user_id: UserId) -> Result<Vec<ApiTokenRow>, DbError> {
    Ok(on_db!(db, pool => {
        sqlx::query_as(
            "SELECT id, name, created_at, last_used_at, revoked_at FROM api_tokens
             WHERE org_id = $1 AND user_id = $2 ORDER BY id DESC",
        )
        .bind(org_id.0)
        .bind(user_id.0)
        .fetch_all(pool)
        .await?
    }))
}

#[tracing::instrument(skip_all)]
pub async fn mark_used(tx: &mut Tx, id: ApiTokenId, now: DateTime<Utc>) -> Result<(), DbError> {
    on_tx!(tx, conn => {
        sqlx::query("UPDATE api_tokens SET last_used_at = $2 WHERE id = $1")
            .bind(id.0)
            .bind(now)
            .execute(&mut *conn)
            .await?;
    });
    Ok(())
}

/// Revokes one of the user's own tokens; false when there was none live.
#[tracing::instrument(skip_all)]
pub async fn revoke(
    tx: &mut Tx,
    org_id: OrgId,
    user_id: UserId,
    id: ApiTokenId,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    Ok(on_tx!(tx, conn => {
        sqlx::query(
            "UPDATE api_tokens SET revoked_at = $4
             WHERE org_id = $1 AND user_id = $2 AND id = $3 AND revoked_at IS NULL",
        )
        .bind(org_id.0)
        .bind(user_id.0)
        .bind(id.0)
        .bind(now)
        .execute(&mut *conn)
        .await?
        .rows_affected()
            == 1
    }))
}
