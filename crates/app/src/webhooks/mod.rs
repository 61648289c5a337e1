//! Webhooks [webhooks]: every event of a party's history, delivered to the
//! organisation's subscribers by the worker — signed, retried with the
//! jobs' backoff, each try in a log an administrator reads and can send
//! again. Targets on private networks need his permission.
mod sign;

use crate::jobs::{JobOutcome, RunningJob};
use crate::{Actor, AppError, Webhooks};
use chrono::{DateTime, Utc};
use db::Tx;
use db::repo::job::Finish;
use db::repo::webhook::{self as repo, SubscriptionRow};
use domain::access::Permission;
use domain::audit::{AuditAction, AuditEntity};
use domain::job::JobKind;
use domain::timeline::{Event, EventKind};
use domain::webhook::{DeliveryState, SubscriptionDraft, event_type, is_private};
use domain::{OrgId, PartyId};
pub use sign::signature;
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::time::Duration;
use uuid::Uuid;

/// A subscription as an administrator sees it (its secret only once, when made).
#[derive(Clone, Debug)]
pub struct SubscriptionView {
    pub id: Uuid,
    pub url: String,
    pub events: Vec<String>,
    pub created_at: DateTime<Utc>,
}

impl SubscriptionView {
    fn of(row: &SubscriptionRow) -> SubscriptionView {
        SubscriptionView {
            id: row.id,
            url: row.url.clone(),
            events: row.event_types.split_whitespace().map(str::to_string).collect(),
            created_at: row.created_at,
        }
    }
}

/// One delivery and the receiver's last answer.
pub type DeliveryView = repo::DeliveryRow;

pub const DELIVERY_PAGE: u32 = 50;
const TIMEOUT: Duration = Duration::from_secs(10);

fn delivery_key(id: Uuid) -> String {
    format!("webhook:{id}")
}

/// Queues a delivery of the event to each subscriber that wants its kind,
/// in the transaction that records it: no event is announced that did not
/// happen, none that happened is forgotten.
pub(crate) async fn fan_out(
    tx: &mut Tx,
    org_id: OrgId,
    events: &[(PartyId, &Event)],
    by: &str,
    at: DateTime<Utc>,
    attempts: u32,
) -> Result<usize, AppError> {
    let mut subscribers_of: HashMap<EventKind, Vec<Uuid>> = HashMap::new();
    let mut queued = 0;
    for (party, event) in events {
        let subscribers = match subscribers_of.entry(event.kind) {
            Entry::Occupied(known) => known.into_mut(),
            Entry::Vacant(slot) => slot.insert(repo::subscribers(tx, org_id, event.kind.as_str()).await?),
        };
        for subscription in subscribers.iter() {
            let id = Uuid::now_v7();
            let kind = event_type(event.kind);
            let payload = serde_json::json!({
                "type": kind,
                "timestamp": at,
                "data": {
                    "party_id": party.0,
                    "action": event.action.trim_start_matches("timeline-"),
                    "detail": event.detail,
                    "subject_id": event.subject,
                    "by": by,
                }
            })
            .to_string();
            repo::insert_delivery(tx, org_id, id, *subscription, &kind, &payload, at).await?;
            let job = db::repo::job::NewJob {
                id: domain::ids::JobId::new(),
                org_id,
                kind: JobKind::DeliverWebhook,
                payload: serde_json::json!({ "delivery": id }),
                idempotency_key: &delivery_key(id),
                run_at: at,
                max_attempts: attempts,
            };
            db::repo::job::enqueue(tx, &job, at).await?;
            queued += 1;
        }
    }
    Ok(queued)
}

impl Webhooks<'_> {
    #[tracing::instrument(skip_all)]
    pub async fn subscriptions(&self, actor: &Actor) -> Result<(Vec<SubscriptionView>, bool), AppError> {
        actor.require(Permission::Administer)?;
        let (rows, private) = tokio::try_join!(
            repo::live_subscriptions(&self.db, actor.org_id),
            repo::private_allowed(&self.db, actor.org_id)
        )?;
        Ok((rows.iter().map(SubscriptionView::of).collect(), private))
    }

    /// Subscribes a URL; the secret to check signatures with is returned
    /// this once.
    #[tracing::instrument(skip_all)]
    pub async fn subscribe(
        &self,
        actor: &Actor,
        draft: SubscriptionDraft,
    ) -> Result<(SubscriptionView, String), AppError> {
        actor.require_change(Permission::Administer)?;
        let allowed = repo::private_allowed(&self.db, actor.org_id).await?;
        if !allowed && reaches_private(&draft.url).await {
            return Err(domain::ValidationErrors::single("url", "error-webhook-private").into());
        }
        let mut change = self.change(actor).await?;
        let row = SubscriptionRow {
            id: Uuid::now_v7(),
            url: draft.url.to_string(),
            secret: sign::new_secret(),
            event_types: draft.events.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(" "),
            created_at: change.at,
        };
        repo::insert_subscription(&mut change.tx, actor.org_id, &row).await?;
        let view = SubscriptionView::of(&row);
        let audited = serde_json::json!({ "url": view.url, "events": view.events });
        change.audit_created(AuditEntity::Webhook, row.id, audited).await?;
        change.commit().await?;
        Ok((view, row.secret))
    }

    #[tracing::instrument(skip_all)]
    pub async fn unsubscribe(&self, actor: &Actor, id: Uuid) -> Result<(), AppError> {
        actor.require_change(Permission::Administer)?;
        let mut change = self.change(actor).await?;
        if !repo::deactivate(&mut change.tx, actor.org_id, id).await? {
            return Err(AppError::NotFound);
        }
        change.audit(AuditAction::Delete, AuditEntity::Webhook, Some(id.to_string()), None, None).await?;
        change.commit().await
    }

    #[tracing::instrument(skip_all)]
    pub async fn allow_private(&self, actor: &Actor, allowed: bool) -> Result<(), AppError> {
        actor.require_change(Permission::Administer)?;
        let mut change = self.change(actor).await?;
        repo::allow_private(&mut change.tx, actor.org_id, allowed).await?;
        let after = serde_json::json!({ "webhooks_allow_private": allowed });
        change.audit(AuditAction::Update, AuditEntity::Organisation, None, None, Some(after)).await?;
        change.commit().await
    }

    #[tracing::instrument(skip_all)]
    pub async fn deliveries(
        &self,
        actor: &Actor,
        subscription: Option<Uuid>,
    ) -> Result<Vec<DeliveryView>, AppError> {
        actor.require(Permission::Administer)?;
        Ok(repo::deliveries(&self.db, actor.org_id, subscription, DELIVERY_PAGE).await?)
    }

    /// Sends a delivery again, whatever became of it.
    #[tracing::instrument(skip_all)]
    pub async fn redeliver(&self, actor: &Actor, id: Uuid) -> Result<(), AppError> {
        actor.require_change(Permission::Administer)?;
        let mut change = self.change(actor).await?;
        if !repo::requeue(&mut change.tx, actor.org_id, id).await? {
            return Err(AppError::NotFound);
        }
        let at = change.at;
        let key = delivery_key(id);
        let payload = serde_json::json!({ "delivery": id });
        self.enqueue_again(&mut change.tx, actor.org_id, JobKind::DeliverWebhook, &key, payload, at).await?;
        change.commit().await?;
        self.wake_worker();
        Ok(())
    }

    /// The worker's side: one POST, signed, and its answer recorded.
    pub(crate) async fn deliver(&self, job: &RunningJob) -> Result<JobOutcome, AppError> {
        let id = job
            .claimed
            .payload
            .get("delivery")
            .and_then(|v| v.as_str())
            .and_then(|v| Uuid::parse_str(v).ok())
            .ok_or_else(|| {
                AppError::Internal(format!("job {}: no delivery in its payload", job.claimed.id))
            })?;
        let Some(delivery) = repo::outgoing(&self.db, id).await? else { return Ok(JobOutcome::Done) };
        if DeliveryState::parse(&delivery.state) == Ok(DeliveryState::Delivered) {
            return Ok(JobOutcome::Done);
        }
        let url = url::Url::parse(&delivery.url).map_err(|e| AppError::Internal(e.to_string()))?;
        let (state, status, excerpt) = if !delivery.allow_private && reaches_private(&url).await {
            (DeliveryState::Failed, None, "refused: the address is on a private network".to_string())
        } else {
            let message_id = format!("msg_{}", delivery.id.simple());
            let timestamp = self.now().timestamp();
            let request = self
                .http
                .post(url)
                .timeout(TIMEOUT)
                .header("content-type", "application/json")
                .header("webhook-id", &message_id)
                .header("webhook-timestamp", timestamp.to_string())
                .header(
                    "webhook-signature",
                    signature(&delivery.secret, &message_id, timestamp, &delivery.payload),
                )
                .body(delivery.payload.clone());
            match request.send().await {
                Ok(response) => {
                    let code = response.status();
                    let text: String = response.text().await.unwrap_or_default().chars().take(500).collect();
                    let state =
                        if code.is_success() { DeliveryState::Delivered } else { DeliveryState::Queued };
                    (state, Some(i32::from(code.as_u16())), text)
                }
                Err(error) => (DeliveryState::Queued, None, error.to_string()),
            }
        };
        let state =
            if state == DeliveryState::Queued && job.last_try { DeliveryState::Failed } else { state };
        // The try and (unless it goes again) the job's end in one commit.
        let now = self.now();
        let mut tx = self.db.begin().await?;
        repo::record_try(&mut tx, id, state.as_str(), status, &excerpt, now).await?;
        let outcome = match state {
            DeliveryState::Delivered => {
                db::repo::job::finish(&mut tx, &job.claimed, Finish::Done, now).await?;
                JobOutcome::Settled
            }
            DeliveryState::Failed => {
                db::repo::job::finish(&mut tx, &job.claimed, Finish::Failed(&excerpt), now).await?;
                JobOutcome::Settled
            }
            DeliveryState::Queued => JobOutcome::Retry(excerpt),
        };
        tx.commit().await?;
        Ok(outcome)
    }
}

/// Whether the URL's host is, or resolves to, an address on this machine
/// or a private network. A name that does not resolve is left to the
/// request to fail.
pub(crate) async fn reaches_private(url: &url::Url) -> bool {
    let port = url.port_or_known_default().unwrap_or(443);
    match url.host() {
        Some(url::Host::Ipv4(ip)) => is_private(ip.into()),
        Some(url::Host::Ipv6(ip)) => is_private(ip.into()),
        Some(url::Host::Domain(name)) => match tokio::net::lookup_host((name, port)).await {
            Ok(addresses) => addresses.into_iter().any(|a| is_private(a.ip())),
            Err(_) => false,
        },
        None => true,
    }
}
