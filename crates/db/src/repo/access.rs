//! Branches, roles, who holds which role, and portfolios.
use super::organisation::WorkingHoursRow;
use super::user::UserRow;
use crate::direct::{DirectRow, direct_row};
use crate::{Db, DbError, Tx, on_db, on_tx};
use chrono::{DateTime, Utc};
use domain::access::{AccessLevel, RoleGrants};
use domain::{BranchId, OrgId, RoleId, UserId};
use uuid::Uuid;

#[derive(Clone, Debug, serde::Serialize, sqlx::FromRow)]
pub struct BranchRow {
    pub id: Uuid,
    pub name: String,
    pub company: String,
}

pub async fn branches(db: &Db, org_id: OrgId) -> Result<Vec<BranchRow>, DbError> {
    Ok(on_db!(db, pool => {
        sqlx::query_as("SELECT id, name, company FROM branches WHERE org_id = $1 ORDER BY company, name")
            .bind(org_id.0)
            .fetch_all(pool)
            .await?
    }))
}

/// False when the organisation already has a branch of that name.
pub async fn insert_branch(
    tx: &mut Tx,
    org_id: OrgId,
    id: BranchId,
    name: &str,
    company: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let taken: Option<Uuid> = on_tx!(tx, conn => {
        sqlx::query_scalar("SELECT id FROM branches WHERE org_id = $1 AND name = $2")
            .bind(org_id.0)
            .bind(name)
            .fetch_optional(&mut *conn)
            .await?
    });
    if taken.is_some() {
        return Ok(false);
    }
    on_tx!(tx, conn => {
        sqlx::query("INSERT INTO branches (id, org_id, name, company, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(id.0)
            .bind(org_id.0)
            .bind(name)
            .bind(company)
            .bind(now)
            .execute(&mut *conn)
            .await?;
    });
    Ok(true)
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct RoleRow {
    pub id: Uuid,
    pub key: String,
    pub name: String,
    pub permissions: String,
    pub read_level: String,
    pub write_level: String,
    pub version: i64,
}

impl RoleRow {
    pub fn grants(&self) -> RoleGrants {
        RoleGrants {
            permissions: RoleGrants::parse_permissions(&self.permissions),
            read: AccessLevel::parse(&self.read_level).unwrap_or(AccessLevel::Own),
            write: AccessLevel::parse(&self.write_level).unwrap_or(AccessLevel::Own),
        }
    }
}

/// A role as joined to the user who holds it, in the one query that reads
/// who is calling (session or API token): all columns are absent for a user
/// without roles.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct HeldRole {
    role_id: Option<Uuid>,
    role_key: Option<String>,
    role_name: Option<String>,
    role_permissions: Option<String>,
    role_read_level: Option<String>,
    role_write_level: Option<String>,
    role_version: Option<i64>,
}

impl HeldRole {
    fn into_role(self) -> Option<RoleRow> {
        Some(RoleRow {
            id: self.role_id?,
            key: self.role_key?,
            name: self.role_name?,
            permissions: self.role_permissions?,
            read_level: self.role_read_level?,
            write_level: self.role_write_level?,
            version: self.role_version?,
        })
    }
}

/// Who is calling, read with the session or API token (aliased `x`) that
/// names him: his user `u`, his organisation's locality `o` and his roles
/// (one line per role, [`HeldRole`]), in one query on every request.
pub(crate) const CALLER_COLUMNS: &str =
    "u.id, u.org_id, u.email, u.display_name, u.password_hash, u.role, u.locale, u.theme,
    u.active, u.created_at, u.updated_at, u.updated_by, u.version, u.branch_id,
    o.time_zone, o.work_opens, o.work_closes, o.work_days, o.currency, o.country,
    r.id AS role_id, r.key AS role_key, r.name AS role_name,
    r.permissions AS role_permissions, r.read_level AS role_read_level,
    r.write_level AS role_write_level, r.version AS role_version";
pub(crate) const CALLER_JOINS: &str =
    "JOIN users u ON u.id = x.user_id JOIN organisations o ON o.id = u.org_id
    LEFT JOIN user_roles ur ON ur.user_id = u.id LEFT JOIN roles r ON r.id = ur.role_id";

/// [`CALLER_COLUMNS`] read through rusqlite, from column `first` on.
pub(crate) fn caller_at(
    row: &rusqlite::Row<'_>,
    first: usize,
) -> rusqlite::Result<(UserRow, WorkingHoursRow, HeldRole)> {
    let locality_at = first + UserRow::DIRECT_COLUMNS;
    let role_at = locality_at + WorkingHoursRow::DIRECT_COLUMNS;
    Ok((
        UserRow::from_row_at(row, first)?,
        WorkingHoursRow::from_row_at(row, locality_at)?,
        HeldRole::from_row_at(row, role_at)?,
    ))
}

direct_row!(HeldRole {
    role_id,
    role_key,
    role_name,
    role_permissions,
    role_read_level,
    role_write_level,
    role_version,
});

/// The caller's row (the same on every line) and the roles of its lines.
pub(crate) fn with_roles<T>(rows: Vec<(T, HeldRole)>) -> Option<(T, Vec<RoleRow>)> {
    let mut roles = Vec::with_capacity(rows.len());
    let mut caller = None;
    for (row, held) in rows {
        roles.extend(held.into_role());
        caller.get_or_insert(row);
    }
    caller.map(|caller| (caller, roles))
}

const ROLE_COLUMNS: &str =
    "roles.id, roles.key, roles.name, roles.permissions, roles.read_level, roles.write_level, roles.version";

pub async fn roles(db: &Db, org_id: OrgId) -> Result<Vec<RoleRow>, DbError> {
    Ok(on_db!(db, pool => {
        sqlx::query_as(&format!("SELECT {ROLE_COLUMNS} FROM roles WHERE org_id = $1 ORDER BY roles.name"))
            .bind(org_id.0)
            .fetch_all(pool)
            .await?
    }))
}

pub async fn roles_in_tx(tx: &mut Tx, org_id: OrgId) -> Result<Vec<RoleRow>, DbError> {
    Ok(on_tx!(tx, conn => {
        sqlx::query_as(&format!("SELECT {ROLE_COLUMNS} FROM roles WHERE org_id = $1 ORDER BY roles.name"))
            .bind(org_id.0)
            .fetch_all(&mut *conn)
            .await?
    }))
}

pub async fn insert_role(
    tx: &mut Tx,
    org_id: OrgId,
    id: RoleId,
    key: &str,
    name: &str,
    grants: &RoleGrants,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO roles (id, org_id, key, name, permissions, read_level, write_level, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(id.0)
        .bind(org_id.0)
        .bind(key)
        .bind(name)
        .bind(grants.permissions_text())
        .bind(grants.read.as_str())
        .bind(grants.write.as_str())
        .bind(now)
        .execute(&mut *conn)
        .await?;
    });
    Ok(())
}

/// False when the role changed since `expected_version` was read (or is
/// not the organisation's).
pub async fn update_role(
    tx: &mut Tx,
    org_id: OrgId,
    id: RoleId,
    expected_version: i64,
    grants: &RoleGrants,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let done = on_tx!(tx, conn => {
        sqlx::query(
            "UPDATE roles SET permissions = $4, read_level = $5, write_level = $6, updated_at = $7, version = version + 1
             WHERE org_id = $1 AND id = $2 AND version = $3",
        )
        .bind(org_id.0)
        .bind(id.0)
        .bind(expected_version)
        .bind(grants.permissions_text())
        .bind(grants.read.as_str())
        .bind(grants.write.as_str())
        .bind(now)
        .execute(&mut *conn)
        .await?
        .rows_affected()
    });
    Ok(done == 1)
}

/// The roles a user holds, read on every request so a revoked role stops
/// working at once.
pub async fn roles_of(db: &Db, user_id: UserId) -> Result<Vec<RoleRow>, DbError> {
    Ok(on_db!(db, pool => {
        sqlx::query_as(&format!(
            "SELECT {ROLE_COLUMNS} FROM user_roles JOIN roles ON roles.id = user_roles.role_id
             WHERE user_roles.user_id = $1 ORDER BY roles.name"
        ))
        .bind(user_id.0)
        .fetch_all(pool)
        .await?
    }))
}

/// Every (user, role) pair of the organisation.
pub async fn assignments(db: &Db, org_id: OrgId) -> Result<Vec<(Uuid, Uuid)>, DbError> {
    Ok(on_db!(db, pool => {
        sqlx::query_as("SELECT user_id, role_id FROM user_roles WHERE org_id = $1").bind(org_id.0).fetch_all(pool).await?
    }))
}

/// Moves a user to a branch, roles untouched.
pub async fn set_branch(
    tx: &mut Tx,
    org_id: OrgId,
    user_id: UserId,
    branch: Option<BranchId>,
) -> Result<(), DbError> {
    on_tx!(tx, conn => {
        sqlx::query("UPDATE users SET branch_id = $3 WHERE org_id = $1 AND id = $2")
            .bind(org_id.0)
            .bind(user_id.0)
            .bind(branch.map(|b| b.0))
            .execute(&mut *conn)
            .await?;
    });
    Ok(())
}

/// Replaces the user's roles and branch. The roles must be the
/// organisation's; the caller has checked.
pub async fn assign(
    tx: &mut Tx,
    org_id: OrgId,
    user_id: UserId,
    branch: Option<BranchId>,
    roles: &[RoleId],
) -> Result<(), DbError> {
    set_branch(tx, org_id, user_id, branch).await?;
    on_tx!(tx, conn => {
        sqlx::query("DELETE FROM user_roles WHERE user_id = $1").bind(user_id.0).execute(&mut *conn).await?;
        for role in roles {
            sqlx::query(
                "INSERT INTO user_roles (org_id, user_id, role_id)
                 SELECT $2, $1, id FROM roles WHERE org_id = $2 AND id = $3",
            )
            .bind(user_id.0)
            .bind(org_id.0)
            .bind(role.0)
            .execute(&mut *conn)
            .await?;
        }
    });
    Ok(())
}

/// Moves every live party of `from`'s portfolio to `to` (and `to`'s
/// branch); returns how many moved.
pub async fn transfer_portfolio(
    tx: &mut Tx,
    org_id: OrgId,
    from: UserId,
    to: UserId,
    to_branch: Option<BranchId>,
    by: UserId,
    now: DateTime<Utc>,
) -> Result<u64, DbError> {
    Ok(on_tx!(tx, conn => {
        sqlx::query(
            "UPDATE parties SET seller_id = $3, branch_id = $4, updated_at = $5, updated_by = $6, version = version + 1
             WHERE org_id = $1 AND seller_id = $2 AND merged_into IS NULL",
        )
        .bind(org_id.0)
        .bind(from.0)
        .bind(to.0)
        .bind(to_branch.map(|b| b.0))
        .bind(now)
        .bind(by.0)
        .execute(&mut *conn)
        .await?
        .rows_affected()
    }))
}

/// Sets one party's portfolio.
pub async fn set_portfolio(
    tx: &mut Tx,
    org_id: OrgId,
    party: domain::PartyId,
    branch: Option<BranchId>,
) -> Result<(), DbError> {
    on_tx!(tx, conn => {
        sqlx::query("UPDATE parties SET branch_id = $3 WHERE org_id = $1 AND id = $2")
            .bind(org_id.0)
            .bind(party.0)
            .bind(branch.map(|b| b.0))
            .execute(&mut *conn)
            .await?;
    });
    Ok(())
}
