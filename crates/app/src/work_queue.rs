//! The work queue [minha fila] (seed 002): the interactions a user answers
//! for, or his team's as far as his access reaches, across customers, with
//! bulk actions that change them all or none.
use crate::WorkQueue;
use crate::interactions::InteractionView;
use crate::parties::COUNT_CAP;
use crate::{Actor, AppError};
use chrono::NaiveDate;
use db::repo::interaction as interaction_repo;
use db::repo::work_queue::{self as repo, QueueRow, Tally, WorkFilter};
use domain::access::Permission;
use domain::interaction::InteractionDraft;
use domain::work_queue::{BULK_LIMIT, BulkChange, CLOSING_STATUS, Urgency, WorkScope, WorkState};
use domain::{InteractionId, PartyId, ValidationErrors};
use serde::{Deserialize, Serialize};

/// One page of the queue holds this many interactions.
pub const QUEUE_PAGE_SIZE: u32 = 50;

/// What the queue asks for; every field may be left out.
#[derive(Clone, Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct WorkQuery {
    /// Whose: `mine` (default) or `team` (every customer the user may see).
    pub scope: Option<WorkScope>,
    /// `open` (default) or `all` (open and closed).
    pub state: Option<WorkState>,
    /// Only those due `today`, `overdue`, `open` or `closed`.
    pub urgency: Option<Urgency>,
    /// One of the organisation's natures.
    pub nature: Option<String>,
    /// 1 (default) and on.
    #[param(minimum = 1, maximum = 10000)]
    pub page: Option<u32>,
}

impl WorkQuery {
    pub fn scope(&self) -> WorkScope {
        self.scope.unwrap_or(WorkScope::Mine)
    }

    pub fn state(&self) -> WorkState {
        self.state.unwrap_or(WorkState::Open)
    }

    pub fn page(&self) -> Result<u32, ValidationErrors> {
        domain::page::page_number(self.page)
    }

    /// The nature asked, if one was.
    pub fn nature(&self) -> &str {
        self.nature.as_deref().map(str::trim).unwrap_or_default()
    }

    /// Refuses a query the queue would refuse: a page out of range, a
    /// nature longer than any code.
    pub fn check(&self) -> Result<(), ValidationErrors> {
        self.page()?;
        if self.nature().chars().count() > 100 {
            return Err(ValidationErrors::single("nature", "error-too-long"));
        }
        Ok(())
    }

    /// The queue's filters as an address's pairs, without the page: what a
    /// link within the queue or a saved view keeps.
    pub fn filter_pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs =
            vec![("scope", self.scope().as_str().to_string()), ("state", self.state().as_str().to_string())];
        if let Some(urgency) = self.urgency {
            pairs.push(("urgency", urgency.as_str().to_string()));
        }
        if !self.nature().is_empty() {
            pairs.push(("nature", self.nature().to_string()));
        }
        pairs
    }
}

/// An interaction in the queue, with the customer it is about and where
/// it stands on the legend.
#[derive(Clone, Debug, Serialize)]
pub struct QueueItem {
    #[serde(flatten)]
    pub interaction: InteractionView,
    pub party_name: String,
    pub urgency: Urgency,
}

impl QueueItem {
    fn new(row: QueueRow, today: NaiveDate) -> QueueItem {
        let interaction = InteractionView::from(row.interaction);
        QueueItem {
            urgency: Urgency::of(&interaction.status, interaction.due_on, today),
            interaction,
            party_name: row.party_name,
        }
    }
}

/// One page of the queue and where it stands.
#[derive(Clone, Debug, Serialize)]
pub struct QueuePage {
    pub items: Vec<QueueItem>,
    pub page: u32,
    pub has_next: bool,
    /// How many the filters select, counted up to [`COUNT_CAP`].
    pub total: i64,
    /// The organisation's day the legend was judged on.
    pub today: NaiveDate,
}

/// An interaction chosen for a bulk action, at the version the user saw.
pub type ChosenInteraction = domain::bulk::Chosen<InteractionId>;

impl WorkQueue<'_> {
    fn filter(&self, actor: &Actor, query: &WorkQuery) -> Result<WorkFilter, AppError> {
        actor.require(Permission::PartiesRead)?;
        Ok(WorkFilter {
            org_id: actor.org_id,
            reach: actor.read_scope().reach,
            responsible: (query.scope() == WorkScope::Mine).then_some(actor.user_id),
            open_only: query.state() == WorkState::Open,
            urgency: query.urgency,
            due_by: None,
            nature: Some(query.nature()).filter(|n| !n.is_empty()).map(str::to_string),
            today: self.today(actor),
        })
    }

    /// A page of the queue: the ones due soonest first, undated after.
    #[tracing::instrument(skip_all)]
    pub async fn queue(&self, actor: &Actor, query: &WorkQuery) -> Result<QueuePage, AppError> {
        let filter = self.filter(actor, query)?;
        let page = query.page()?;
        let offset = u64::from(page - 1) * u64::from(QUEUE_PAGE_SIZE);
        let mut rows = repo::page(&self.db, &filter, offset, u64::from(QUEUE_PAGE_SIZE) + 1).await?;
        let has_next = rows.len() > QUEUE_PAGE_SIZE as usize;
        rows.truncate(QUEUE_PAGE_SIZE as usize);
        let total = repo::count(&self.db, &filter, COUNT_CAP).await?;
        Ok(QueuePage {
            items: rows.into_iter().map(|row| QueueItem::new(row, filter.today)).collect(),
            page,
            has_next,
            total,
            today: filter.today,
        })
    }

    /// The actor's own open interactions due today or before, overdue
    /// first: what the home page lists, at most `limit`.
    pub async fn due_now(&self, actor: &Actor, limit: u64) -> Result<Vec<QueueItem>, AppError> {
        let mut filter = self.filter(actor, &WorkQuery::default())?;
        filter.due_by = Some(filter.today);
        let rows = repo::page(&self.db, &filter, 0, limit).await?;
        Ok(rows.into_iter().map(|row| QueueItem::new(row, filter.today)).collect())
    }

    /// How many of the queue's open interactions are due today, overdue,
    /// or open without a date that passed.
    pub async fn tally(&self, actor: &Actor, scope: WorkScope) -> Result<Tally, AppError> {
        let filter = self.filter(actor, &WorkQuery { scope: Some(scope), ..WorkQuery::default() })?;
        Ok(repo::tally(&self.db, &filter).await?)
    }

    /// Closes or hands over every chosen interaction in one transaction:
    /// if any may not be changed, or changed since the user saw it,
    /// nothing is. Answers how many changed.
    #[tracing::instrument(skip_all)]
    pub async fn bulk_change(
        &self,
        actor: &Actor,
        chosen: &[ChosenInteraction],
        what: BulkChange,
    ) -> Result<usize, AppError> {
        actor.require_change(Permission::PartiesEdit)?;
        if chosen.is_empty() {
            return Err(ValidationErrors::single("ids", "error-bulk-none-chosen").into());
        }
        if chosen.len() > BULK_LIMIT {
            return Err(ValidationErrors::single("ids", "error-bulk-too-many").into());
        }
        let mut rows = Vec::with_capacity(chosen.len());
        for pick in chosen {
            let row =
                interaction_repo::get(&self.db, actor.org_id, pick.id).await?.ok_or(AppError::NotFound)?;
            self.access().guard_party(actor, PartyId(row.party_id), Some(Permission::PartiesEdit)).await?;
            rows.push((row, pick.version));
        }
        let mut change = self.change(actor).await?;
        for (row, version) in &rows {
            let mut draft = InteractionDraft {
                nature: row.nature.clone(),
                channel: row.channel.clone(),
                status: row.status.clone(),
                responsible_id: Some(row.responsible_id),
                due_on: row.due_on,
                description: row.description.clone(),
                vehicle_id: row.vehicle_id,
            };
            match what {
                BulkChange::Close => draft.status = CLOSING_STATUS.to_string(),
                BulkChange::Reassign(user) => draft.responsible_id = Some(user.0),
            }
            if !self.interactions().save_interaction(&mut change, actor, row, *version, &draft).await? {
                drop(change);
                let current = interaction_repo::get(&self.db, actor.org_id, InteractionId(row.id))
                    .await?
                    .ok_or(AppError::NotFound)?;
                return Err(AppError::Conflict { by: current.updated_by_label, at: current.updated_at });
            }
        }
        change.commit().await?;
        Ok(rows.len())
    }
}
