//! The follow-up's configuration: responsibility centres with their
//! members, and attendance types.
use super::super::by_id;
use super::super::versioned::{Columns, Record};
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

impl CentreFields<'_> {
    fn columns(&self) -> Columns {
        vec![("name", self.name.into()), ("active", self.active.into())]
    }
}

pub async fn insert_centre(
    tx: &mut Tx,
    org_id: OrgId,
    id: CentreId,
    fields: &CentreFields<'_>,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    Record::of("responsibility_centres", org_id, id.0).insert(tx, fields.columns(), now).await?;
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
    if !Record::of("responsibility_centres", org_id, id.0).update(tx, version, fields.columns(), now).await? {
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

impl TypeFields<'_> {
    fn columns(&self) -> Columns {
        vec![
            ("name", self.name.into()),
            ("note_text", self.note_text.into()),
            ("email_subject", self.email_subject.into()),
            ("email_text", self.email_text.into()),
            ("attachments_allowed", self.attachments_allowed.into()),
            ("attachment_limit_bytes", self.attachment_limit_bytes.into()),
            ("workflow", self.workflow.into()),
            ("cycle", self.cycle.into()),
            ("active", self.active.into()),
        ]
    }
}

pub async fn insert_type(
    tx: &mut Tx,
    org_id: OrgId,
    id: AttendanceTypeId,
    fields: &TypeFields<'_>,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    Record::of("attendance_types", org_id, id.0).insert(tx, fields.columns(), now).await
}

pub async fn update_type(
    tx: &mut Tx,
    org_id: OrgId,
    id: AttendanceTypeId,
    version: i64,
    fields: &TypeFields<'_>,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    Record::of("attendance_types", org_id, id.0).update(tx, version, fields.columns(), now).await
}
