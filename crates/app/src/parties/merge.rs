//! Merging duplicate parties [mesclar cadastros], and undoing a merge.
use super::{PartyView, audit_snapshot};
use crate::Parties;
use crate::{Actor, AppError};
use chrono::{DateTime, Utc};
use db::repo::merge as merge_repo;
use domain::access::Permission;
use domain::audit::{AuditAction, AuditEntity};
use domain::{PartyId, ValidationErrors};
use serde::Serialize;
use uuid::Uuid;

#[derive(Clone, Debug, Serialize)]
pub struct MergeView {
    pub id: Uuid,
    pub merged_id: Uuid,
    pub merged_name: String,
    pub at: DateTime<Utc>,
}
impl Parties<'_> {
    /// Merges `merged` into `survivor`: every related row moves, `merged`
    /// disappears from lists and search, and the merge can be undone.
    #[tracing::instrument(skip_all)]
    pub async fn merge_parties(
        &self,
        actor: &Actor,
        survivor: PartyId,
        merged: PartyId,
    ) -> Result<MergeView, AppError> {
        if survivor == merged {
            return Err(ValidationErrors::single("merged_id", "error-merge-self").into());
        }
        self.access().guard_party(actor, survivor, Some(Permission::PartiesDelete)).await?;
        let merged_party = self.party_view(actor, merged).await?;
        actor.require_write(Permission::PartiesDelete, merged_party.portfolio())?;
        let mut change = self.change(actor).await?;
        let at = change.at;
        let merge_id =
            merge_repo::merge(&mut change.tx, actor.org_id, survivor, merged, Some(actor.user_id), at)
                .await?;
        let record =
            merge_repo::find(&mut change.tx, actor.org_id, merge_id).await?.ok_or(AppError::NotFound)?;
        change
            .audit_changed(
                AuditEntity::PartyMerge,
                merge_id,
                audit_snapshot(&merged_party),
                record.moved.0.clone(),
            )
            .await?;
        change.commit().await?;
        Ok(MergeView { id: merge_id, merged_id: merged.0, merged_name: merged_party.full_name, at })
    }

    #[tracing::instrument(skip_all)]
    pub async fn undo_merge(&self, actor: &Actor, merge_id: Uuid) -> Result<PartyView, AppError> {
        let mut change = self.change(actor).await?;
        let record =
            merge_repo::find(&mut change.tx, actor.org_id, merge_id).await?.ok_or(AppError::NotFound)?;
        self.access()
            .guard_party(actor, PartyId(record.survivor_id), Some(Permission::PartiesDelete))
            .await?;
        if record.undone_at.is_some() {
            return Err(ValidationErrors::single("merge", "error-merge-undone").into());
        }
        merge_repo::undo(&mut change.tx, actor.org_id, &record, Some(actor.user_id), self.now()).await?;
        change
            .audit(
                AuditAction::Update,
                AuditEntity::PartyMergeUndo,
                Some(merge_id.to_string()),
                None,
                Some(serde_json::json!({ "restored": record.merged_id.to_string() })),
            )
            .await?;
        change.commit().await?;
        self.party_view(actor, PartyId(record.merged_id)).await
    }

    pub async fn merges_into(&self, actor: &Actor, survivor: PartyId) -> Result<Vec<MergeView>, AppError> {
        self.access().guard_party(actor, survivor, None).await?;
        Ok(merge_repo::open_merges_into(&self.db, actor.org_id, survivor)
            .await?
            .into_iter()
            .map(|(id, merged_id, merged_name, at)| MergeView { id, merged_id, merged_name, at })
            .collect())
    }
}
