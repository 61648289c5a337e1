//! Segments: a name for a question to the engine, kept for oneself or
//! shared with the organisation, opened again with today's count,
//! duplicated and deleted. A shared segment shares the question, never the
//! rows: each reader counts what his access reaches.
use crate::{Actor, AppError, Engine};
use chrono::{DateTime, Utc};
use db::repo::engine::segment as repo;
use domain::ValidationErrors;
use domain::audit::AuditEntity;
use domain::engine::Segment;
use domain::list_view::parse_view_name;
use serde::Serialize;
use uuid::Uuid;

/// A saved segment as its reader may use it.
#[derive(Clone, Debug, Serialize)]
pub struct SavedSegment {
    pub id: Uuid,
    pub name: String,
    pub segment: Segment,
    pub shared: bool,
    pub owner_name: String,
    /// Whether the reader may delete it: his own, or a shared one if he administers.
    pub deletable: bool,
    pub created_at: DateTime<Utc>,
}

impl Engine<'_> {
    fn saved(&self, actor: &Actor, row: repo::SegmentRow) -> Result<SavedSegment, AppError> {
        // Written by this code from a checked segment: a definition that no
        // longer reads is a defect to see, not a segment to skip.
        let segment: Segment = serde_json::from_str(&row.definition)
            .map_err(|error| AppError::Internal(format!("segment {} does not read: {error}", row.id)))?;
        Ok(SavedSegment {
            deletable: row.owner_id == actor.user_id.0 || (row.shared && actor.is_admin()),
            id: row.id,
            name: row.name,
            segment,
            shared: row.shared,
            owner_name: row.owner_name,
            created_at: row.created_at,
        })
    }

    /// The segments the user may open (his own and the shared ones), by name.
    pub async fn segments(&self, actor: &Actor) -> Result<Vec<SavedSegment>, AppError> {
        self.open(actor)?;
        let rows = repo::visible(&self.db, actor.org_id, actor.user_id).await?;
        rows.into_iter().map(|row| self.saved(actor, row)).collect()
    }

    /// A segment the user may open; another's private one is not revealed.
    pub async fn segment(&self, actor: &Actor, id: Uuid) -> Result<SavedSegment, AppError> {
        self.open(actor)?;
        let row = repo::get(&self.db, actor.org_id, id).await?.ok_or(AppError::NotFound)?;
        if row.owner_id != actor.user_id.0 && !row.shared {
            return Err(AppError::NotFound);
        }
        self.saved(actor, row)
    }

    /// Saves the question under a name, the user's own or shared.
    pub async fn save_segment(
        &self,
        actor: &Actor,
        name: &str,
        shared: bool,
        segment: &Segment,
    ) -> Result<SavedSegment, AppError> {
        let mut errors = ValidationErrors::new();
        let name = errors.check("name", parse_view_name(name));
        if let Err(refused) = self.query(actor, segment) {
            match refused {
                AppError::Validation(refused) => errors.0.extend(refused.0),
                other => return Err(other),
            }
        }
        errors.into_result()?;
        actor.require_own_change()?;
        let name = name.unwrap_or_default();
        let definition = serde_json::to_string(segment)
            .map_err(|error| AppError::Internal(format!("a segment does not write: {error}")))?;
        let id = Uuid::now_v7();
        let mut change = self.change(actor).await?;
        repo::insert(
            &mut change.tx,
            &repo::NewSegment {
                id,
                org_id: actor.org_id,
                owner_id: actor.user_id,
                name: &name,
                definition: &definition,
                shared,
                created_at: self.now(),
            },
        )
        .await?;
        let row = repo::get_in_tx(&mut change.tx, actor.org_id, id).await?.ok_or(AppError::NotFound)?;
        let after = serde_json::json!({ "name": row.name, "shared": row.shared, "segment": segment });
        change.audit_created(AuditEntity::EngineSegment, id, after).await?;
        change.commit().await?;
        self.saved(actor, row)
    }

    /// A copy of a segment the user may open, his own and private, under `name`.
    pub async fn duplicate_segment(
        &self,
        actor: &Actor,
        id: Uuid,
        name: &str,
    ) -> Result<SavedSegment, AppError> {
        let original = self.segment(actor, id).await?;
        self.save_segment(actor, name, false, &original.segment).await
    }

    /// Deletes a segment: one's own, or a shared one for an administrator.
    pub async fn delete_segment(&self, actor: &Actor, id: Uuid) -> Result<(), AppError> {
        self.open(actor)?;
        actor.require_own_change()?;
        let mut change = self.change(actor).await?;
        let row = repo::get_in_tx(&mut change.tx, actor.org_id, id).await?.ok_or(AppError::NotFound)?;
        actor.require_may_remove_saved(row.owner_id, row.shared)?;
        repo::delete(&mut change.tx, actor.org_id, id).await?;
        let before = serde_json::json!({ "name": row.name, "shared": row.shared });
        change.audit_deleted(AuditEntity::EngineSegment, id, before).await?;
        change.commit().await?;
        Ok(())
    }
}
