//! Each party's history of movements [histórico], written by every
//! capability in the transaction of the movement.
use crate::rows::Rows;
use crate::{Db, DbError, Tx, on_db};
use chrono::{DateTime, Utc};
use domain::timeline::{Event, EventKind};
use domain::{OrgId, PartyId};
use uuid::Uuid;

#[derive(Clone, Debug, serde::Serialize, sqlx::FromRow)]
pub struct EventRow {
    pub id: Uuid,
    pub at: DateTime<Utc>,
    /// `registration`, `consent`, `note`, `vehicle`, `interaction`, `appointment`
    pub kind: String,
    /// A message key naming what happened (`timeline-vehicle-added`).
    pub action: String,
    pub detail: String,
    /// The record the event is about.
    pub subject_id: Option<Uuid>,
    #[sqlx(rename = "actor_label")]
    pub by: String,
}

/// The columns of a history event, as every writer of events names them.
pub(crate) const EVENT_COLUMNS: &[&str] =
    &["id", "org_id", "party_id", "at", "kind", "action", "detail", "subject_id", "actor_label"];

/// Appends events to their parties' histories.
pub async fn record(
    tx: &mut Tx,
    org_id: OrgId,
    events: &[(PartyId, &Event)],
    actor_label: &str,
    at: DateTime<Utc>,
) -> Result<(), DbError> {
    let mut rows = Rows::new("party_events", EVENT_COLUMNS);
    for (party, event) in events {
        rows.push([
            Uuid::now_v7().into(),
            org_id.0.into(),
            party.0.into(),
            at.into(),
            event.kind.as_str().into(),
            event.action.into(),
            event.detail.as_str().into(),
            event.subject.into(),
            actor_label.into(),
        ]);
    }
    rows.insert(tx).await
}

/// A page of the history, newest first, of one kind or all; `before` is
/// the last event of the previous page.
pub async fn page(
    db: &Db,
    org_id: OrgId,
    party: PartyId,
    kind: Option<EventKind>,
    before: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> Result<Vec<EventRow>, DbError> {
    let (at, id) = before.map_or((None, None), |(at, id)| (Some(at), Some(id)));
    Ok(on_db!(db, pool => {
        sqlx::query_as(
            "SELECT id, at, kind, action, detail, subject_id, actor_label FROM party_events
             WHERE org_id = $1 AND party_id = $2 AND ($3 IS NULL OR kind = $3)
             AND ($4 IS NULL OR at < $4 OR (at = $4 AND id < $5))
             ORDER BY at DESC, id DESC LIMIT $6",
        )
        .bind(org_id.0)
        .bind(party.0)
        .bind(kind.map(|k| k.as_str()))
        .bind(at)
        .bind(id)
        .bind(limit)
        .fetch_all(pool)
        .await?
    }))
}
