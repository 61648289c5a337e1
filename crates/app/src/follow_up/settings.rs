//! The follow-up's configuration [Configurador: CRM / Opções / Contato]:
//! responsibility centres and attendance types, kept by administrators.
use crate::{Actor, AppError, FollowUp};
use db::repo::follow_up::settings::{self as repo, AttendanceTypeRow, CentreFields, TypeFields};
use db::repo::follow_up::{Named, name_taken};
use domain::access::Permission;
use domain::audit::{AuditAction, AuditEntity};
use domain::follow_up::cycle::Cycle;
use domain::follow_up::workflow::Workflow;
use domain::follow_up::{AttendanceTypeDraft, CentreDraft};
use domain::{AttendanceTypeId, CentreId, UserId, ValidationErrors};
use std::collections::HashSet;
use uuid::Uuid;

/// A responsibility centre and its members (id, name).
#[derive(Clone, Debug)]
pub struct CentreView {
    pub id: Uuid,
    pub name: String,
    pub active: bool,
    pub version: i64,
    pub members: Vec<(Uuid, String)>,
}

impl CentreView {
    fn audited(&self) -> serde_json::Value {
        serde_json::json!({
            "name": self.name, "active": self.active,
            "members": self.members.iter().map(|(_, name)| name).collect::<Vec<_>>(),
        })
    }
}

#[derive(Clone, Debug)]
pub struct AttendanceTypeView {
    pub id: Uuid,
    pub name: String,
    pub note_text: String,
    pub email_subject: String,
    pub email_text: String,
    pub attachments_allowed: bool,
    pub attachment_limit_bytes: i64,
    pub active: bool,
    pub workflow: Workflow,
    pub cycle: Cycle,
    pub version: i64,
}

impl From<AttendanceTypeRow> for AttendanceTypeView {
    fn from(row: AttendanceTypeRow) -> Self {
        AttendanceTypeView {
            id: row.id,
            name: row.name,
            note_text: row.note_text,
            email_subject: row.email_subject,
            email_text: row.email_text,
            attachments_allowed: row.attachments_allowed,
            attachment_limit_bytes: row.attachment_limit_bytes,
            active: row.active,
            workflow: Workflow::read(&row.workflow),
            cycle: Cycle::read(&row.cycle),
            version: row.version,
        }
    }
}

impl AttendanceTypeView {
    fn audited(&self) -> serde_json::Value {
        serde_json::json!({
            "name": self.name, "note_text": self.note_text, "email_subject": self.email_subject,
            "email_text": self.email_text, "attachments_allowed": self.attachments_allowed,
            "attachment_limit_bytes": self.attachment_limit_bytes, "active": self.active,
            "workflow": self.workflow, "cycle": self.cycle,
        })
    }
}

impl FollowUp<'_> {
    /// Whether the actor may change the configuration: administrators.
    pub fn may_configure(&self, actor: &Actor) -> Result<(), AppError> {
        actor.require(Permission::Administer)
    }

    /// The organisation's centres, each with its members; anyone who works
    /// contacts reads them (to choose one), only administrators change them.
    pub async fn centres(&self, actor: &Actor) -> Result<Vec<CentreView>, AppError> {
        actor.require(Permission::PartiesRead)?;
        let (centres, members) =
            tokio::try_join!(repo::centres(&self.db, actor.org_id), repo::members(&self.db, actor.org_id))?;
        Ok(centres
            .into_iter()
            .map(|centre| CentreView {
                members: members
                    .iter()
                    .filter(|m| m.centre_id == centre.id)
                    .map(|m| (m.user_id, m.user_name.clone()))
                    .collect(),
                id: centre.id,
                name: centre.name,
                active: centre.active,
                version: centre.version,
            })
            .collect())
    }

    pub async fn centre(&self, actor: &Actor, id: CentreId) -> Result<CentreView, AppError> {
        self.centres(actor).await?.into_iter().find(|c| c.id == id.0).ok_or(AppError::NotFound)
    }

    /// The members named must be active users of the organisation.
    async fn checked_members(&self, actor: &Actor, members: &[UserId]) -> Result<Vec<Uuid>, AppError> {
        let users: HashSet<Uuid> = db::repo::user::list(&self.db, actor.org_id)
            .await?
            .into_iter()
            .filter(|u| u.active)
            .map(|u| u.id)
            .collect();
        if members.iter().any(|m| !users.contains(&m.0)) {
            return Err(ValidationErrors::single("members", "error-user-unknown").into());
        }
        Ok(members.iter().map(|m| m.0).collect())
    }

    /// Saves a centre: a new one without `id`, else the one at `version`.
    pub async fn save_centre(
        &self,
        actor: &Actor,
        id: Option<(CentreId, i64)>,
        draft: &CentreDraft,
    ) -> Result<CentreView, AppError> {
        actor.require(Permission::Administer)?;
        let centre = draft.validate()?;
        let members = self.checked_members(actor, &centre.members).await?;
        let before = match id {
            Some((id, _)) => Some(self.centre(actor, id).await?),
            None => None,
        };
        let fields = CentreFields { name: &centre.name, active: centre.active, members: &members };
        let mut change = self.change(actor).await?;
        let except = id.map(|(id, _)| id.0);
        if name_taken(&mut change.tx, actor.org_id, Named::Centre, &centre.name, except).await? {
            return Err(AppError::Taken(ValidationErrors::single("name", "error-name-taken")));
        }
        let saved = match id {
            Some((id, version)) => {
                if !repo::update_centre(&mut change.tx, actor.org_id, id, version, &fields, change.at).await?
                {
                    return Err(AppError::Conflict { by: String::new(), at: change.at });
                }
                id
            }
            None => {
                let id = CentreId::new();
                repo::insert_centre(&mut change.tx, actor.org_id, id, &fields, change.at).await?;
                id
            }
        };
        let (action, old) = match &before {
            Some(before) => (AuditAction::Update, Some(before.audited())),
            None => (AuditAction::Create, None),
        };
        let new = serde_json::json!({ "name": centre.name, "active": centre.active, "members": members });
        change
            .audit(action, AuditEntity::ResponsibilityCentre, Some(saved.to_string()), old, Some(new))
            .await?;
        change.commit().await?;
        self.centre(actor, saved).await
    }

    pub async fn attendance_types(&self, actor: &Actor) -> Result<Vec<AttendanceTypeView>, AppError> {
        actor.require(Permission::PartiesRead)?;
        Ok(repo::attendance_types(&self.db, actor.org_id).await?.into_iter().map(Into::into).collect())
    }

    pub async fn attendance_type(
        &self,
        actor: &Actor,
        id: AttendanceTypeId,
    ) -> Result<AttendanceTypeView, AppError> {
        actor.require(Permission::PartiesRead)?;
        Ok(repo::attendance_type(&self.db, actor.org_id, id).await?.ok_or(AppError::NotFound)?.into())
    }

    /// Saves an attendance type: a new one without `id`, else the one at
    /// `version`.
    pub async fn save_attendance_type(
        &self,
        actor: &Actor,
        id: Option<(AttendanceTypeId, i64)>,
        draft: &AttendanceTypeDraft,
    ) -> Result<AttendanceTypeView, AppError> {
        actor.require(Permission::Administer)?;
        let valid = draft.validate()?;
        let centres: Vec<Uuid> = repo::centres(&self.db, actor.org_id)
            .await?
            .into_iter()
            .filter(|c| c.active)
            .map(|c| c.id)
            .collect();
        valid.workflow.validate(&centres)?;
        let before = match id {
            Some((id, _)) => {
                Some(repo::attendance_type(&self.db, actor.org_id, id).await?.ok_or(AppError::NotFound)?)
            }
            None => None,
        };
        let (workflow, cycle) = (valid.workflow.stored(), valid.cycle.stored());
        let fields = TypeFields {
            name: &valid.name,
            note_text: &valid.note_text,
            email_subject: &valid.email_subject,
            email_text: &valid.email_text,
            attachments_allowed: valid.attachments_allowed,
            attachment_limit_bytes: valid.attachment_limit_bytes,
            workflow: &workflow,
            cycle: &cycle,
            active: valid.active,
        };
        let mut change = self.change(actor).await?;
        let except = id.map(|(id, _)| id.0);
        if name_taken(&mut change.tx, actor.org_id, Named::AttendanceType, &valid.name, except).await? {
            return Err(AppError::Taken(ValidationErrors::single("name", "error-name-taken")));
        }
        let saved = match id {
            Some((id, version)) => {
                if !repo::update_type(&mut change.tx, actor.org_id, id, version, &fields, change.at).await? {
                    return Err(AppError::Conflict { by: String::new(), at: change.at });
                }
                id
            }
            None => {
                let id = AttendanceTypeId::new();
                repo::insert_type(&mut change.tx, actor.org_id, id, &fields, change.at).await?;
                id
            }
        };
        let old = before.map(|row| AttendanceTypeView::from(row).audited());
        let action = if old.is_some() { AuditAction::Update } else { AuditAction::Create };
        let view = AttendanceTypeView {
            id: saved.0,
            name: valid.name,
            note_text: valid.note_text,
            email_subject: valid.email_subject,
            email_text: valid.email_text,
            attachments_allowed: valid.attachments_allowed,
            attachment_limit_bytes: valid.attachment_limit_bytes,
            active: valid.active,
            workflow: valid.workflow,
            cycle: valid.cycle,
            version: 0,
        };
        change
            .audit(action, AuditEntity::AttendanceType, Some(saved.to_string()), old, Some(view.audited()))
            .await?;
        change.commit().await?;
        self.attendance_type(actor, saved).await
    }
}
