//! Call lists (seed 004): the customers checked in the engine's grid,
//! handed to an agent (oneself by default) to call one after another; an
//! occurrence recorded from the list marks its customer called.
use crate::{Actor, AppError, Engine};
use chrono::{DateTime, Utc};
use db::repo::engine::call_list as repo;
use domain::audit::AuditEntity;
use domain::list_view::parse_view_name;
use domain::{PartyId, UserId, ValidationErrors};
use uuid::Uuid;

/// The most customers one list holds: a day or two of calls.
pub const MAX_CALL_LIST: usize = 1000;

#[derive(Clone, Debug)]
pub struct CallListView {
    pub id: Uuid,
    pub name: String,
    pub agent_id: Uuid,
    pub agent_name: String,
    pub created_at: DateTime<Utc>,
    pub total: i64,
    pub called: i64,
}

impl From<repo::CallListRow> for CallListView {
    fn from(row: repo::CallListRow) -> CallListView {
        CallListView {
            id: row.id,
            name: row.name,
            agent_id: row.agent_id,
            agent_name: row.agent_name,
            created_at: row.created_at,
            total: row.total,
            called: row.called,
        }
    }
}

#[derive(Clone, Debug)]
pub struct CallEntry {
    pub party_id: Uuid,
    pub name: String,
    pub called_at: Option<DateTime<Utc>>,
}

impl Engine<'_> {
    /// Hands the customers to `agent` (the creator when none) in this order.
    pub async fn create_call_list(
        &self,
        actor: &Actor,
        name: &str,
        agent: Option<Uuid>,
        parties: &[PartyId],
    ) -> Result<CallListView, AppError> {
        self.open(actor)?;
        actor.require_own_change()?;
        let mut errors = ValidationErrors::new();
        let name = errors.check("name", parse_view_name(name));
        let mut unique: Vec<PartyId> = Vec::new();
        for party in parties {
            if !unique.contains(party) {
                unique.push(*party);
            }
        }
        if unique.is_empty() {
            errors.add("item", "error-call-list-empty");
        } else if unique.len() > MAX_CALL_LIST {
            errors.add("item", "error-call-list-too-long");
        }
        let agent = match agent {
            None => Some(actor.user_id),
            Some(id) => match db::repo::user::get(&self.db, actor.org_id, UserId(id)).await? {
                Some(user) if user.active => Some(UserId(user.id)),
                _ => {
                    errors.add("agent", "error-user-unknown");
                    None
                }
            },
        };
        errors.into_result()?;
        for party in &unique {
            self.access().guard_party(actor, *party, None).await?;
        }
        let id = Uuid::now_v7();
        let mut change = self.change(actor).await?;
        let new = repo::NewCallList {
            id,
            org_id: actor.org_id,
            name: &name.unwrap_or_default(),
            agent: agent.unwrap_or(actor.user_id),
            by: actor.user_id,
            at: change.at,
            parties: &unique,
        };
        repo::insert(&mut change.tx, &new).await?;
        let after = serde_json::json!({ "name": new.name, "agent": new.agent.0, "customers": unique.len() });
        change.audit_created(AuditEntity::CallList, id, after).await?;
        change.commit().await?;
        self.call_list(actor, id).await.map(|(list, _)| list)
    }

    /// The lists given to or made by the user; every list for an administrator.
    pub async fn call_lists(&self, actor: &Actor) -> Result<Vec<CallListView>, AppError> {
        self.open(actor)?;
        let whose = (!actor.is_admin()).then_some(actor.user_id);
        Ok(repo::lists(&self.db, actor.org_id, whose).await?.into_iter().map(Into::into).collect())
    }

    /// A list the user may work on: his, made by him, or any for an
    /// administrator; another's is not revealed.
    pub(crate) async fn workable_list(&self, actor: &Actor, id: Uuid) -> Result<repo::CallListRow, AppError> {
        self.open(actor)?;
        let row = repo::get(&self.db, actor.org_id, id).await?.ok_or(AppError::NotFound)?;
        if !actor.is_admin() && row.agent_id != actor.user_id.0 && row.created_by != actor.user_id.0 {
            return Err(AppError::NotFound);
        }
        Ok(row)
    }

    /// A list and its customers in order, for its agent, its maker or an
    /// administrator.
    pub async fn call_list(
        &self,
        actor: &Actor,
        id: Uuid,
    ) -> Result<(CallListView, Vec<CallEntry>), AppError> {
        let row = self.workable_list(actor, id).await?;
        let entries = repo::entries(&self.db, actor.org_id, id)
            .await?
            .into_iter()
            .map(|e| CallEntry { party_id: e.party_id, name: e.full_name, called_at: e.called_at })
            .collect();
        Ok((row.into(), entries))
    }
}
