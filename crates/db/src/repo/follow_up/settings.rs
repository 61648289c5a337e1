//! The follow-up's configuration: responsibility centres with their
//! members, and attendance types.
use super::super::by_id;
use crate::{Db, DbError, Tx, on_db, on_tx};
use chrono::{DateTime, Utc};
use domain::{AttendanceTypeId, CentreId, OrgId};
use uuid::Uuid;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct CentreRow {
    pub id: Uuid,
    pub name: String,
    pub active: bool,
    pub version: i64,
}

/// One member of one centre, with his name.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct MemberRow {
    pub centre_id: Uuid,
    pub user_id: Uuid,
    pub user_name: String,
}

pub async fn centres(db: &Db, org_id: OrgId) -> Result<Vec<CentreRow>, DbError> {
    Ok(on_db!(db, pool => {
        sqlx::query_as("SELECT id, name, active, version FROM responsibility_centres WHERE org_id = $1 ORDER BY name")
            .bind(org_id.0)
            .fetch_all(pool)
            .await?
    }))
}

pub async fn members(db: &Db, org_id: OrgId) -> Result<Vec<MemberRow>, DbError> {
    Ok(on_db!(db, pool => {
        sqlx::query_as(
            "SELECT m.centre_id, m.user_id, u.display_name AS user_name
             FROM responsibility_centre_members m JOIN responsibility_centres c ON c.id = m.centre_id
             JOIN users u ON u.id = m.user_id
             WHERE c.org_id = $1 ORDER BY u.display_name",
        )
        .bind(org_id.0)
        .fetch_all(pool)
        .await?
    }))
}

/// A centre's name and members, as written.
pub struct CentreFields<'a> {
    pub name: &'a str,
    pub active: bool,
    pub members: &'a [Uuid],
}

pub async fn insert_centre(
    tx: &mut Tx,
    org_id: OrgId,
    id: CentreId,
    fields: &CentreFields<'_>,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO responsibility_centres (id, org_id, name, active, created_at, updated_at, version)
             VALUES ($1, $2, $3, $4, $5, $5, 1)",
        )
        .bind(id.0)
        .bind(org_id.0)
        .bind(fields.name)
        .bind(fields.active)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    });
    set_members(tx, org_id, id, fields.members).await
}

/// Writes the centre if it is still at `version`; false when someone saved
/// in between.
pub async fn update_centre(
    tx: &mut Tx,
    org_id: OrgId,
    id: CentreId,
    version: i64,
    fields: &CentreFields<'_>,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let updated = on_tx!(tx, conn => {
        sqlx::query(
            "UPDATE responsibility_centres SET name = $4, active = $5, updated_at = $6, version = version + 1
             WHERE org_id = $1 AND id = $2 AND version = $3",
        )
        .bind(org_id.0)
        .bind(id.0)
        .bind(version)
        .bind(fields.name)
        .bind(fields.active)
        .bind(now)
        .execute(&mut *conn)
        .await?
        .rows_affected()
    });
    if updated != 1 {
        return Ok(false);
    }
    set_members(tx, org_id, id, fields.members).await?;
    Ok(true)
}

async fn set_members(tx: &mut Tx, org_id: OrgId, id: CentreId, members: &[Uuid]) -> Result<(), DbError> {
    on_tx!(tx, conn => {
        sqlx::query("DELETE FROM responsibility_centre_members WHERE centre_id = $1")
            .bind(id.0)
            .execute(&mut *conn)
            .await?;
        for user in members {
            sqlx::query("INSERT INTO responsibility_centre_members (org_id, centre_id, user_id) VALUES ($1, $2, $3)")
                .bind(org_id.0)
                .bind(id.0)
                .bind(user)
                .execute(&mut *conn)
                .await?;
        }
    });
    Ok(())
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AttendanceTypeRow {
    pub id: Uuid,
    pub name: String,
    pub note_text: String,
    pub email_subject: String,
    pub email_text: String,
    pub attachments_allowed: bool,
    pub attachment_limit_bytes: i64,
    pub workflow: String,
    pub cycle: String,
    pub active: bool,
    pub version: i64,
}

const TYPE_COLUMNS: &str = "id, name, note_text, email_subject, email_text, attachments_allowed,
    attachment_limit_bytes, workflow, cycle, active, version";

pub async fn attendance_types(db: &Db, org_id: OrgId) -> Result<Vec<AttendanceTypeRow>, DbError> {
    let sql = format!("SELECT {TYPE_COLUMNS} FROM attendance_types WHERE org_id = $1 ORDER BY name");
    Ok(on_db!(db, pool => sqlx::query_as(&sql).bind(org_id.0).fetch_all(pool).await?))
}

pub async fn attendance_type(
    db: &Db,
    org_id: OrgId,
    id: AttendanceTypeId,
) -> Result<Option<AttendanceTypeRow>, DbError> {
    let sql = format!("SELECT {TYPE_COLUMNS} FROM attendance_types WHERE org_id = $1 AND id = $2");
    by_id::row(db, &sql, org_id, id.0).await
}

/// An attendance type as written.
pub struct TypeFields<'a> {
    pub name: &'a str,
    pub note_text: &'a str,
    pub email_subject: &'a str,
    pub email_text: &'a str,
    pub attachments_allowed: bool,
    pub attachment_limit_bytes: i64,
    pub workflow: &'a str,
    pub cycle: &'a str,
    pub active: bool,
}

pub async fn insert_type(
    tx: &mut Tx,
    org_id: OrgId,
    id: AttendanceTypeId,
    fields: &TypeFields<'_>,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO attendance_types (id, org_id, name, note_text, email_subject, email_text,
                 attachments_allowed, attachment_limit_bytes, workflow, cycle, active, created_at, updated_at, version)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, 1)",
        )
        .bind(id.0)
        .bind(org_id.0)
        .bind(fields.name)
        .bind(fields.note_text)
        .bind(fields.email_subject)
        .bind(fields.email_text)
        .bind(fields.attachments_allowed)
        .bind(fields.attachment_limit_bytes)
        .bind(fields.workflow)
        .bind(fields.cycle)
        .bind(fields.active)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    });
    Ok(())
}

pub async fn update_type(
    tx: &mut Tx,
    org_id: OrgId,
    id: AttendanceTypeId,
    version: i64,
    fields: &TypeFields<'_>,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let updated = on_tx!(tx, conn => {
        sqlx::query(
            "UPDATE attendance_types SET name = $4, note_text = $5, email_subject = $6, email_text = $7,
                 attachments_allowed = $8, attachment_limit_bytes = $9, workflow = $10, cycle = $11, active = $12,
                 updated_at = $13, version = version + 1
             WHERE org_id = $1 AND id = $2 AND version = $3",
        )
        .bind(org_id.0)
        .bind(id.0)
        .bind(version)
        .bind(fields.name)
        .bind(fields.note_text)
        .bind(fields.email_subject)
        .bind(fields.email_text)
        .bind(fields.attachments_allowed)
        .bind(fields.attachment_limit_bytes)
        .bind(fields.workflow)
        .bind(fields.cycle)
        .bind(fields.active)
        .bind(now)
        .execute(&mut *conn)
        .await?
        .rows_affected()
    });
    Ok(updated == 1)
}
