//! A party's history [histórico]: every use case that moves something of a
//! party appends an event here, in its own transaction.
use crate::Timeline;
use crate::{Actor, AppError};
use chrono::{DateTime, Utc};
use db::repo::timeline as repo;
use domain::PartyId;
use domain::timeline::EventKind;
use uuid::Uuid;

/// One movement in a party's history.
/// An event of a party's history, as stored.
pub type EventView = db::repo::timeline::EventRow;

/// The most events one page of history shows.
pub const HISTORY_PAGE: i64 = 50;

impl Timeline<'_> {
    /// A page of the party's history, newest first, perhaps of one kind.
    pub async fn history(
        &self,
        actor: &Actor,
        party: PartyId,
        kind: Option<EventKind>,
        before: Option<(DateTime<Utc>, Uuid)>,
    ) -> Result<Vec<EventView>, AppError> {
        self.access().guard_party(actor, party, None).await?;
        Ok(repo::page(&self.db, actor.org_id, party, kind, before, HISTORY_PAGE).await?)
    }
}
