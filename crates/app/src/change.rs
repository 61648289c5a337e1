//! The one write path of the use cases. [`App::change`] opens the
//! transaction at one instant of the injected clock; the use case writes
//! its rows through `change.tx`, records what it did with
//! [`Change::audit`] (a typed entity, before and after) and
//! [`Change::history`] (the party's timeline), and [`Change::commit`]s.
//! Dropped without a commit, nothing of it was written.
use crate::audit::OPERATOR_LABEL;
use crate::{Actor, App, AppError};
use chrono::{DateTime, Utc};
use db::Tx;
use db::repo::audit::{self as audit_repo, NewAuditEntry};
use db::repo::timeline as timeline_repo;
use domain::audit::{AuditAction, AuditEntity};
use domain::timeline::Event;
use domain::{OrgId, PartyId};

pub(crate) struct Change<'a> {
    pub tx: Tx,
    by: By<'a>,
    /// When the change happens: its audit entry and its history event agree.
    pub at: DateTime<Utc>,
    /// How many tries a webhook delivery this change queues gets.
    webhook_attempts: u32,
    /// This process's worker, woken once the change commits if it queued work.
    worker: std::sync::Arc<tokio::sync::Notify>,
    queued_work: bool,
}

/// Who makes a change: a person (or his API token), the server's
/// operator from the command line, or the worker finishing what a person
/// asked for (a message he queued), named after him.
/// Who a daily task's changes are by, in the history (expired points,
/// expired quotes): the program itself.
pub(crate) const AUTOMATIC_LABEL: &str = "Vínculo";

#[derive(Clone, Copy)]
pub(crate) enum By<'a> {
    Actor(&'a Actor),
    Operator(OrgId),
    OnBehalf(OrgId, &'a str),
}

impl<'a> By<'a> {
    /// The audit entry of what this author did.
    fn entry(
        self,
        action: AuditAction,
        entity: AuditEntity,
        entity_id: Option<String>,
        before: Option<serde_json::Value>,
        after: Option<serde_json::Value>,
    ) -> NewAuditEntry<'a> {
        let (org_id, actor_id, actor_label, ip) = match self {
            By::Actor(actor) => {
                (actor.org_id, Some(actor.user_id), actor.email.as_str(), actor.ip.as_deref())
            }
            By::Operator(org_id) => (org_id, None, OPERATOR_LABEL, None),
            By::OnBehalf(org_id, name) => (org_id, None, name, None),
        };
        NewAuditEntry {
            org_id: Some(org_id),
            actor_id,
            actor_label,
            action: action.as_str(),
            entity_type: entity.as_str(),
            entity_id,
            before,
            after,
            ip,
        }
    }
}

impl App {
    /// Audits what writes nothing else (a read of personal data), in one
    /// statement of its own.
    pub(crate) async fn audit_alone(
        &self,
        actor: &Actor,
        action: AuditAction,
        entity: AuditEntity,
        entity_id: Option<String>,
    ) -> Result<(), AppError> {
        let entry = By::Actor(actor).entry(action, entity, entity_id, None, None);
        audit_repo::insert_alone(&self.db, &entry, self.now()).await?;
        Ok(())
    }

    /// Opens a change made by `actor`.
    pub(crate) async fn change<'a>(&self, actor: &'a Actor) -> Result<Change<'a>, AppError> {
        self.change_by(By::Actor(actor)).await
    }

    pub(crate) async fn change_by<'a>(&self, by: By<'a>) -> Result<Change<'a>, AppError> {
        let tx = self.db.begin().await?;
        Ok(self.change_in(tx, by))
    }

    /// A change whose writes refer only to rows it reads itself first (see
    /// [`db::Db::begin_skipping_reference_lookups`]).
    pub(crate) async fn change_of_read_references<'a>(
        &self,
        actor: &'a Actor,
    ) -> Result<Change<'a>, AppError> {
        let tx = self.db.begin_skipping_reference_lookups().await?;
        Ok(self.change_in(tx, By::Actor(actor)))
    }

    fn change_in<'a>(&self, tx: Tx, by: By<'a>) -> Change<'a> {
        Change {
            tx,
            by,
            at: self.now(),
            webhook_attempts: self.settings.jobs.retry.attempts,
            worker: self.jobs_waiting.clone(),
            queued_work: false,
        }
    }
}

impl<'a> Change<'a> {
    /// A change that continues a transaction already open, for work that
    /// first read what it decides on under a lock (the worker taking a
    /// message).
    pub(crate) fn within(app: &App, tx: Tx, by: By<'a>, at: DateTime<Utc>) -> Change<'a> {
        Change {
            tx,
            by,
            at,
            webhook_attempts: app.settings.jobs.retry.attempts,
            worker: app.jobs_waiting.clone(),
            queued_work: false,
        }
    }
}

impl Change<'_> {
    /// Writes what the actor did to the audit trail, with the entity as it
    /// was before and after (snapshots taken the same way).
    pub async fn audit(
        &mut self,
        action: AuditAction,
        entity: AuditEntity,
        entity_id: Option<String>,
        before: Option<serde_json::Value>,
        after: Option<serde_json::Value>,
    ) -> Result<(), AppError> {
        let entry = self.by.entry(action, entity, entity_id, before, after);
        audit_repo::insert(&mut self.tx, &entry, self.at).await?;
        Ok(())
    }

    /// Audits a record created, with what it holds.
    pub async fn audit_created(
        &mut self,
        entity: AuditEntity,
        id: impl ToString,
        after: serde_json::Value,
    ) -> Result<(), AppError> {
        self.audit(AuditAction::Create, entity, Some(id.to_string()), None, Some(after)).await
    }

    /// Audits a change of a record, with what it held before and after.
    pub async fn audit_changed(
        &mut self,
        entity: AuditEntity,
        id: impl ToString,
        before: serde_json::Value,
        after: serde_json::Value,
    ) -> Result<(), AppError> {
        self.audit(AuditAction::Update, entity, Some(id.to_string()), Some(before), Some(after)).await
    }

    /// Audits a record deleted, with what it held.
    pub async fn audit_deleted(
        &mut self,
        entity: AuditEntity,
        id: impl ToString,
        before: serde_json::Value,
    ) -> Result<(), AppError> {
        self.audit(AuditAction::Delete, entity, Some(id.to_string()), Some(before), None).await
    }

    /// Audits a change of who may do what (a role's grants, a user's branch
    /// and roles), with what it was (none: a new role) and is.
    pub async fn audit_permissions<T: serde::Serialize>(
        &mut self,
        entity: AuditEntity,
        id: impl ToString,
        before: Option<&T>,
        after: &T,
    ) -> Result<(), AppError> {
        let snapshot = |value: &T| serde_json::to_value(value).ok();
        let (before, after) = (before.and_then(snapshot), snapshot(after));
        self.audit(AuditAction::PermissionChange, entity, Some(id.to_string()), before, after).await
    }

    /// Appends an event to the party's history [histórico].
    pub async fn history(&mut self, party: PartyId, event: Event) -> Result<(), AppError> {
        self.histories(&[(party, &event)]).await
    }

    /// Appends events to their parties' histories in multi-row statements
    /// (a batch of sales), and queues the webhook deliveries they owe.
    pub async fn histories(&mut self, events: &[(PartyId, &Event)]) -> Result<(), AppError> {
        let (org_id, label) = match self.by {
            By::Actor(actor) => (actor.org_id, actor.display_name.as_str()),
            By::Operator(org_id) => (org_id, OPERATOR_LABEL),
            By::OnBehalf(org_id, name) => (org_id, name),
        };
        timeline_repo::record(&mut self.tx, org_id, events, label, self.at).await?;
        let queued =
            crate::webhooks::fan_out(&mut self.tx, org_id, events, label, self.at, self.webhook_attempts)
                .await?;
        self.queued_work |= queued > 0;
        Ok(())
    }

    pub async fn commit(self) -> Result<(), AppError> {
        self.tx.commit().await?;
        if self.queued_work {
            self.worker.notify_one();
        }
        Ok(())
    }
}
