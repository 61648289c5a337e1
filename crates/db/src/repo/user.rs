//! Users [usuários].
use super::by_id;
use crate::direct::{Cost, direct_row};
use crate::{Db, DbError, Tx, on_db, on_tx};
use chrono::{DateTime, Utc};
use domain::user::{Role, Theme, User};
use domain::{Email, Locale, OrgId, UserId};
use uuid::Uuid;

const COLUMNS: &str = "id, org_id, email, display_name, password_hash, role, locale, theme, active, \
                       created_at, updated_at, updated_by, version, branch_id";

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct UserRow {
    pub id: Uuid,
    pub org_id: Uuid,
    pub email: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: String,
    pub locale: String,
    pub theme: String,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub updated_by: Option<Uuid>,
    pub version: i64,
    pub branch_id: Option<Uuid>,
}

// In [`COLUMNS`]' order.
direct_row!(UserRow {
    id,
    org_id,
    email,
    display_name,
    password_hash,
    role,
    locale,
    theme,
    active,
    created_at,
    updated_at,
    updated_by,
    version,
    branch_id,
});

impl UserRow {
    /// Rows were validated on the way in; a value that no longer parses
    /// means the row was edited by hand, and the safest reading wins.
    pub fn into_user(self) -> User {
        User {
            id: UserId(self.id),
            org_id: OrgId(self.org_id),
            email: Email::parse(&self.email).unwrap_or_else(|_| {
                tracing::warn!(user = %self.id, "stored e-mail does not parse");
                Email::parse("invalid@invalid.invalid").unwrap_or_else(|_| unreachable!())
            }),
            display_name: self.display_name,
            role: Role::parse(&self.role).unwrap_or(Role::Member),
            locale: Locale::parse(&self.locale).unwrap_or_default(),
            theme: Theme::parse(&self.theme).unwrap_or_default(),
            active: self.active,
            created_at: self.created_at,
            updated_at: self.updated_at,
            version: self.version,
            branch_id: self.branch_id.map(domain::BranchId),
        }
    }
}

pub struct NewUser<'a> {
    pub id: UserId,
    pub org_id: OrgId,
    pub email: &'a Email,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub role: Role,
    pub locale: Locale,
    pub created_by: Option<UserId>,
}

#[tracing::instrument(skip_all)]
pub async fn insert(tx: &mut Tx, user: &NewUser<'_>, now: DateTime<Utc>) -> Result<(), DbError> {
    on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO users (id, org_id, email, display_name, password_hash, role, locale, active,
                                created_at, updated_at, updated_by, version)
             VALUES ($1, $2, $3, $4, $5, $6, $7, TRUE, $8, $8, $9, 1)",
        )
        .bind(user.id.0)
        .bind(user.org_id.0)
        .bind(user.email.as_str())
        .bind(user.display_name)
        .bind(user.password_hash)
        .bind(user.role.as_str())
        .bind(user.locale.tag())
        .bind(now)
        .bind(user.created_by.map(|id| id.0))
        .execute(&mut *conn)
        .await?;
    });
    Ok(())
}

/// Looks a user up by e-mail across organisations: e-mail is the login.
#[tracing::instrument(skip_all)]
pub async fn find_by_email(db: &Db, email: &Email) -> Result<Option<UserRow>, DbError> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE email = $1");
    Ok(on_db!(db, pool => {
        sqlx::query_as(&sql).bind(email.as_str()).fetch_optional(pool).await?
    }))
}

#[tracing::instrument(skip_all)]
pub async fn get(db: &Db, org_id: OrgId, id: UserId) -> Result<Option<UserRow>, DbError> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE org_id = $1 AND id = $2");
    by_id::row(db, &sql, org_id, id.0).await
}

#[tracing::instrument(skip_all)]
pub async fn get_in_tx(tx: &mut Tx, org_id: OrgId, id: UserId) -> Result<Option<UserRow>, DbError> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE org_id = $1 AND id = $2");
    by_id::row_in(tx, &sql, org_id, id.0).await
}

/// All users of an organisation, by name. Organisations have tens of
/// users, not thousands, so this list needs no pagination.
#[tracing::instrument(skip_all)]
pub async fn list(db: &Db, org_id: OrgId) -> Result<Vec<UserRow>, DbError> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE org_id = $1 ORDER BY display_name, id");
    super::fetch_direct_sql(db, &sql, vec![org_id.0.into()], Cost::Bounded).await
}

#[tracing::instrument(skip_all)]
pub async fn count(db: &Db, org_id: OrgId) -> Result<i64, DbError> {
    Ok(on_db!(db, pool => {
        sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE org_id = $1")
            .bind(org_id.0)
            .fetch_one(pool)
            .await?
    }))
}

/// The changes an edit may make; `None` leaves a column as it is.
#[derive(Default)]
pub struct UserChanges<'a> {
    pub display_name: Option<&'a str>,
    pub role: Option<Role>,
    pub locale: Option<Locale>,
    pub theme: Option<Theme>,
    pub active: Option<bool>,
    pub password_hash: Option<&'a str>,
}

/// Applies `changes` only if the row is still at `expected_version`.
/// Returns false when someone else changed it first.
#[tracing::instrument(skip_all)]
pub async fn update(
    tx: &mut Tx,
    org_id: OrgId,
    id: UserId,
    expected_version: i64,
    changes: &UserChanges<'_>,
    by: Option<UserId>,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let result = on_tx!(tx, conn => {
        sqlx::query(
            "UPDATE users SET
                display_name = COALESCE($4, display_name),
                role = COALESCE($5, role),
                locale = COALESCE($6, locale),
                active = COALESCE($7, active),
                password_hash = COALESCE($8, password_hash),
                theme = COALESCE($11, theme),
                updated_at = $9, updated_by = $10, version = version + 1
             WHERE org_id = $1 AND id = $2 AND version = $3",
        )
        .bind(org_id.0)
        .bind(id.0)
        .bind(expected_version)
        .bind(changes.display_name)
        .bind(changes.role.map(Role::as_str))
        .bind(changes.locale.map(Locale::tag))
        .bind(changes.active)
        .bind(changes.password_hash)
        .bind(now)
        .bind(by.map(|u| u.0))
        .bind(changes.theme.map(Theme::as_str))
        .execute(&mut *conn)
        .await?
        .rows_affected()
    });
    Ok(result == 1)
}

/// Who last changed a user, for the "changed by X at T" message.
#[tracing::instrument(skip_all)]
pub async fn last_change(
    tx: &mut Tx,
    org_id: OrgId,
    id: UserId,
) -> Result<Option<(String, DateTime<Utc>)>, DbError> {
    by_id::row_in(
        tx,
        "SELECT COALESCE(editor.display_name, '?'), u.updated_at
             FROM users u LEFT JOIN users editor ON editor.id = u.updated_by
             WHERE u.org_id = $1 AND u.id = $2",
        org_id,
        id.0,
    )
    .await
}
