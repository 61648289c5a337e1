//! Webhook subscriptions and their deliveries.
use super::by_id;
use crate::{Db, DbError, Tx, on_db, on_tx};
use chrono::{DateTime, Utc};
use domain::OrgId;
use uuid::Uuid;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SubscriptionRow {
    pub id: Uuid,
    pub url: String,
    pub secret: String,
    /// Space-separated kinds of a party's history (`consent registration`).
    pub event_types: String,
    pub created_at: DateTime<Utc>,
}

#[tracing::instrument(skip_all)]
pub async fn insert_subscription(tx: &mut Tx, org_id: OrgId, row: &SubscriptionRow) -> Result<(), DbError> {
    on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO webhook_subscriptions (id, org_id, url, secret, event_types, active, created_at)
             VALUES ($1, $2, $3, $4, $5, TRUE, $6)",
        )
        .bind(row.id)
        .bind(org_id.0)
        .bind(&row.url)
        .bind(&row.secret)
        .bind(&row.event_types)
        .bind(row.created_at)
        .execute(&mut *conn)
        .await?;
    });
    Ok(())
}

/// Stops a subscription; its deliveries stay in the log. False when there was none live.
#[tracing::instrument(skip_all)]
pub async fn deactivate(tx: &mut Tx, org_id: OrgId, id: Uuid) -> Result<bool, DbError> {
    let sql = "UPDATE webhook_subscriptions SET active = FALSE WHERE org_id = $1 AND id = $2 AND active";
    let updated = by_id::write(tx, sql, org_id, id).await?;
    Ok(updated == 1)
}

#[tracing::instrument(skip_all)]
pub async fn live_subscriptions(db: &Db, org_id: OrgId) -> Result<Vec<SubscriptionRow>, DbError> {
    Ok(on_db!(db, pool => {
        sqlx::query_as(
            "SELECT id, url, secret, event_types, created_at FROM webhook_subscriptions
             WHERE org_id = $1 AND active ORDER BY created_at",
        )
        .bind(org_id.0)
        .fetch_all(pool)
        .await?
    }))
}

/// The live subscriptions that want this kind of event, read in the
/// transaction of the change that makes it.
#[tracing::instrument(skip_all)]
pub async fn subscribers(tx: &mut Tx, org_id: OrgId, kind: &str) -> Result<Vec<Uuid>, DbError> {
    Ok(on_tx!(tx, conn => {
        sqlx::query_scalar(
            "SELECT id FROM webhook_subscriptions
             WHERE org_id = $1 AND active AND (' ' || event_types || ' ') LIKE $2",
        )
        .bind(org_id.0)
        .bind(format!("% {kind} %"))
        .fetch_all(&mut *conn)
        .await?
    }))
}

#[tracing::instrument(skip_all)]
pub async fn insert_delivery(
    tx: &mut Tx,
    org_id: OrgId,
    id: Uuid,
    subscription: Uuid,
    event_type: &str,
    payload: &str,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO webhook_deliveries (id, org_id, subscription_id, event_type, payload, state, created_at)
             VALUES ($1, $2, $3, $4, $5, 'queued', $6)",
        )
        .bind(id)
        .bind(org_id.0)
        .bind(subscription)
        .bind(event_type)
        .bind(payload)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    });
    Ok(())
}

/// A delivery to make: its payload, where to and with which secret.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Outgoing {
    pub id: Uuid,
    pub org_id: Uuid,
    pub event_type: String,
    pub payload: String,
    pub state: String,
    pub attempts: i32,
    pub created_at: DateTime<Utc>,
    pub url: String,
    pub secret: String,
    pub allow_private: bool,
}

#[tracing::instrument(skip_all)]
pub async fn outgoing(db: &Db, id: Uuid) -> Result<Option<Outgoing>, DbError> {
    Ok(on_db!(db, pool => {
        sqlx::query_as(
            "SELECT d.id, d.org_id, d.event_type, d.payload, d.state, d.attempts, d.created_at, s.url, s.secret,
                    o.webhooks_allow_private AS allow_private
             FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription_id
             JOIN organisations o ON o.id = d.org_id
             WHERE d.id = $1",
        )
        .bind(id)
        .fetch_optional(pool)
        .await?
    }))
}

/// Records a try's outcome: the receiver's status (none when it could not
/// be reached) and the start of what it said.
#[tracing::instrument(skip_all)]
pub async fn record_try(
    tx: &mut Tx,
    id: Uuid,
    state: &str,
    status: Option<i32>,
    excerpt: &str,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    on_tx!(tx, conn => {
        sqlx::query(
            "UPDATE webhook_deliveries SET state = $2, attempts = attempts + 1, response_status = $3,
                 response_excerpt = $4, delivered_at = CASE WHEN $2 = 'delivered' THEN $5 ELSE delivered_at END
             WHERE id = $1",
        )
        .bind(id)
        .bind(state)
        .bind(status)
        .bind(excerpt)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    });
    Ok(())
}

/// Puts a delivery back in the queue (a person asked for it again).
#[tracing::instrument(skip_all)]
pub async fn requeue(tx: &mut Tx, org_id: OrgId, id: Uuid) -> Result<bool, DbError> {
    let sql = "UPDATE webhook_deliveries SET state = 'queued' WHERE org_id = $1 AND id = $2";
    let updated = by_id::write(tx, sql, org_id, id).await?;
    Ok(updated == 1)
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct DeliveryRow {
    pub id: Uuid,
    pub subscription_id: Uuid,
    pub url: String,
    pub event_type: String,
    pub payload: String,
    pub state: String,
    pub attempts: i32,
    pub response_status: Option<i32>,
    pub response_excerpt: String,
    pub created_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
}

/// The newest deliveries of the organisation (of one subscription when given).
#[tracing::instrument(skip_all)]
pub async fn deliveries(
    db: &Db,
    org_id: OrgId,
    subscription: Option<Uuid>,
    limit: u32,
) -> Result<Vec<DeliveryRow>, DbError> {
    Ok(on_db!(db, pool => {
        sqlx::query_as(
            "SELECT d.id, d.subscription_id, s.url, d.event_type, d.payload, d.state, d.attempts, d.response_status,
                    d.response_excerpt, d.created_at, d.delivered_at
             FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription_id
             WHERE d.org_id = $1 AND ($2 IS NULL OR d.subscription_id = $2)
             ORDER BY d.id DESC LIMIT $3",
        )
        .bind(org_id.0)
        .bind(subscription)
        .bind(limit as i64)
        .fetch_all(pool)
        .await?
    }))
}

#[tracing::instrument(skip_all)]
pub async fn allow_private(tx: &mut Tx, org_id: OrgId, allowed: bool) -> Result<(), DbError> {
    on_tx!(tx, conn => {
        sqlx::query("UPDATE organisations SET webhooks_allow_private = $2 WHERE id = $1")
            .bind(org_id.0)
            .bind(allowed)
            .execute(&mut *conn)
            .await?;
    });
    Ok(())
}

#[tracing::instrument(skip_all)]
pub async fn private_allowed(db: &Db, org_id: OrgId) -> Result<bool, DbError> {
    Ok(on_db!(db, pool => {
        sqlx::query_scalar("SELECT webhooks_allow_private FROM organisations WHERE id = $1")
            .bind(org_id.0)
            .fetch_optional(pool)
            .await?
            .unwrap_or(false)
    }))
}
