//! Bulk actions on the customer list: transfer to another portfolio, add
//! a tag, archive — on the rows checked or on all the filters select, all
//! or nothing, in one transaction.
use super::PartyQuery;
use crate::Parties;
use crate::{Actor, AppError};
use db::repo::party::{self as repo, BulkTarget, RowChange};
use domain::access::Portfolio;
use domain::audit::{AuditAction, AuditEntity};
use domain::bulk::Chosen;
use domain::page::MAX_PAGE_SIZE;
use domain::party::{MATCHING_LIMIT, PartyBulkChange};
use domain::timeline::{Event, EventKind};
use domain::{BranchId, PartyId, UserId, ValidationErrors};
use serde_json::json;

/// Which customers a bulk action is for.
#[derive(Clone, Debug)]
pub enum PartySelection {
    /// The rows checked, each at the version its reader saw.
    Chosen(Vec<Chosen<PartyId>>),
    /// Every customer the list's filters select, as they are now.
    Matching(Box<PartyQuery>),
}

fn portfolio_of(target: &BulkTarget) -> Portfolio {
    Portfolio { owner: target.seller_id.map(UserId), branch: target.branch_id.map(BranchId) }
}

impl Parties<'_> {
    /// Applies `what` to every selected customer, or to none: a customer
    /// out of reach refuses the whole action (404/403), one changed since
    /// it was checked too (409). Returns how many changed.
    #[tracing::instrument(skip_all)]
    pub async fn change_in_bulk(
        &self,
        actor: &Actor,
        selection: &PartySelection,
        what: &PartyBulkChange,
    ) -> Result<usize, AppError> {
        actor.require_change(what.permission())?;
        let targets = self.bulk_targets(actor, selection).await?;
        for (target, _) in &targets {
            actor.require_write(what.permission(), portfolio_of(target))?;
        }
        let destination = match what {
            PartyBulkChange::Transfer(seller) => {
                if !self.sellers(actor).await?.iter().any(|s| s.active && s.id == seller.0) {
                    return Err(
                        ValidationErrors::single("seller_id", "error-customers-bulk-choose-seller").into()
                    );
                }
                Some(self.portfolio_for(actor, Some(*seller)).await?)
            }
            _ => None,
        };
        let mut change = self.change(actor).await?;
        let now = self.now();
        let by = Some(actor.user_id);
        for (target, version) in &targets {
            let id = PartyId(target.id);
            let (done, field, before, after) = match (what, destination) {
                (PartyBulkChange::Transfer(_), Some(portfolio)) => (
                    repo::change_row(
                        &mut change.tx,
                        actor.org_id,
                        id,
                        *version,
                        RowChange::Portfolio(portfolio),
                        by,
                        now,
                    )
                    .await?,
                    "seller_id",
                    Some(json!({ "seller_id": target.seller_id, "branch_id": target.branch_id })),
                    json!({
                        "seller_id": portfolio.owner.map(|u| u.0),
                        "branch_id": portfolio.branch.map(|b| b.0),
                    }),
                ),
                (PartyBulkChange::AddTag(tag), _) => (
                    repo::change_row(
                        &mut change.tx,
                        actor.org_id,
                        id,
                        *version,
                        RowChange::Tag(tag),
                        by,
                        now,
                    )
                    .await?,
                    "tags",
                    None,
                    json!({ "tag_added": tag }),
                ),
                _ => (
                    repo::change_row(
                        &mut change.tx,
                        actor.org_id,
                        id,
                        *version,
                        RowChange::Archived(Some(now)),
                        by,
                        now,
                    )
                    .await?,
                    "archived",
                    None,
                    json!({ "archived": true }),
                ),
            };
            if !done {
                let (by, at) =
                    repo::last_change(&mut change.tx, actor.org_id, id).await?.ok_or(AppError::NotFound)?;
                return Err(AppError::Conflict { by, at });
            }
            let event = match what {
                PartyBulkChange::Archive => {
                    Event::new(EventKind::Registration, "timeline-party-archived", "", None)
                }
                _ => Event::new(EventKind::Registration, "timeline-party-updated", field, None),
            };
            change.history(id, event).await?;
            let action =
                if *what == PartyBulkChange::Archive { AuditAction::Delete } else { AuditAction::Update };
            change.audit(action, AuditEntity::Party, Some(id.to_string()), before, Some(after)).await?;
        }
        change.commit().await?;
        Ok(targets.len())
    }

    /// The selected customers with the version each must still be at.
    async fn bulk_targets(
        &self,
        actor: &Actor,
        selection: &PartySelection,
    ) -> Result<Vec<(BulkTarget, i64)>, AppError> {
        let scope = actor.read_scope();
        let targets: Vec<(BulkTarget, i64)> = match selection {
            PartySelection::Chosen(chosen) => {
                if chosen.len() > MAX_PAGE_SIZE as usize {
                    return Err(ValidationErrors::single("item", "error-customers-bulk-too-many").into());
                }
                let mut ids: Vec<_> = chosen.iter().map(|c| c.id.0).collect();
                ids.sort_unstable();
                ids.dedup();
                let found = repo::bulk_chosen(&self.db, &scope, &ids).await?;
                // One the reader cannot reach is not revealed: 404 for all.
                if found.len() != ids.len() {
                    return Err(AppError::NotFound);
                }
                found
                    .into_iter()
                    .filter_map(|target| {
                        let seen = chosen.iter().find(|c| c.id.0 == target.id)?.version;
                        Some((target, seen))
                    })
                    .collect()
            }
            PartySelection::Matching(query) => {
                let filter = self.filter_for(actor, query)?;
                let found = repo::bulk_matching(&self.db, &scope, &filter, MATCHING_LIMIT as u64 + 1).await?;
                if found.len() > MATCHING_LIMIT {
                    return Err(ValidationErrors::single(
                        "matching",
                        "error-customers-bulk-too-many-matching",
                    )
                    .into());
                }
                // As they are now: the user saw the filters, not the rows.
                found
                    .into_iter()
                    .map(|target| {
                        let now = target.version;
                        (target, now)
                    })
                    .collect()
            }
        };
        if targets.is_empty() {
            return Err(ValidationErrors::single("item", "error-customers-bulk-none").into());
        }
        Ok(targets)
    }
}
