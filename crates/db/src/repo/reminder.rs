//! Payment reminders: the organisation's rule and the reminders owed and sent.
use super::by_id;
use super::versioned;
use crate::{Db, DbError, Tx, on_db, on_tx};
use chrono::{DateTime, NaiveDate, Utc};
use domain::sale::{ReminderKind, ReminderRule};
use domain::{OrgId, UserId};
use uuid::Uuid;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct RuleRow {
    pub active: bool,
    pub days_before: Option<i32>,
    pub days_after: Option<i32>,
    pub template_id: Option<Uuid>,
    /// The channels in the order to try them, comma-separated.
    pub channels: String,
    pub sender_id: Uuid,
    pub version: i64,
    pub updated_at: DateTime<Utc>,
}

pub async fn rule(db: &Db, org_id: OrgId) -> Result<Option<RuleRow>, DbError> {
    let sql = "SELECT active, days_before, days_after, template_id, channels, sender_id, version, updated_at
             FROM payment_reminder_rules WHERE org_id = $1";
    by_id::org_row(db, sql, org_id).await
}

/// Saves the rule if nobody changed it since `version` (0: none yet).
pub async fn save_rule(
    tx: &mut Tx,
    org_id: OrgId,
    version: i64,
    rule: &ReminderRule,
    sender: UserId,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let days = |d: Option<u32>| d.map(|d| d as i32);
    let channels = rule.channels.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(",");
    let columns = vec![
        ("active", rule.active.into()),
        ("days_before", days(rule.days_before).into()),
        ("days_after", days(rule.days_after).into()),
        ("template_id", rule.template_id.into()),
        ("sender_id", sender.0.into()),
        ("channels", channels.into()),
    ];
    versioned::save_settings(tx, "payment_reminder_rules", org_id, version, columns, now).await
}

/// An open installment a reminder is owed for.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct OwedRow {
    pub id: Uuid,
    pub party_id: Uuid,
    pub number: i32,
    pub due_on: NaiveDate,
    /// What is left to pay on it.
    pub open: i64,
}

/// Open installments falling due from `from` to `until` with no reminder
/// of `kind` yet.
pub async fn owed(
    db: &Db,
    org_id: OrgId,
    kind: ReminderKind,
    (from, until): (NaiveDate, NaiveDate),
) -> Result<Vec<OwedRow>, DbError> {
    Ok(on_db!(db, pool => {
        sqlx::query_as(
            "SELECT i.id, i.party_id, i.number, i.due_on, i.amount - i.paid AS open FROM installments i
             WHERE i.org_id = $1 AND NOT i.cancelled AND i.paid < i.amount AND i.due_on >= $2 AND i.due_on <= $3
               AND NOT EXISTS (SELECT 1 FROM payment_reminders r WHERE r.installment_id = i.id AND r.kind = $4)
             ORDER BY i.due_on, i.id",
        )
        .bind(org_id.0)
        .bind(from)
        .bind(until)
        .bind(kind.as_str())
        .fetch_all(pool)
        .await?
    }))
}

/// Claims the reminder before its message is written: false when another
/// worker claimed it (a reminder is never sent twice).
pub async fn claim(
    tx: &mut Tx,
    org_id: OrgId,
    installment: Uuid,
    kind: ReminderKind,
    now: DateTime<Utc>,
) -> Result<Option<Uuid>, DbError> {
    let id = Uuid::now_v7();
    let inserted = on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO payment_reminders (id, org_id, installment_id, kind, outcome, at) VALUES ($1, $2, $3, $4, 'pending', $5)
             ON CONFLICT (installment_id, kind) DO NOTHING",
        )
        .bind(id)
        .bind(org_id.0)
        .bind(installment)
        .bind(kind.as_str())
        .bind(now)
        .execute(&mut *conn)
        .await?
        .rows_affected()
    });
    Ok((inserted == 1).then_some(id))
}

/// What became of a claimed reminder, and the channel it went through.
pub async fn settle(
    tx: &mut Tx,
    id: Uuid,
    outcome: &str,
    message: Option<Uuid>,
    channel: Option<&str>,
) -> Result<(), DbError> {
    on_tx!(tx, conn => {
        sqlx::query("UPDATE payment_reminders SET outcome = $2, message_id = $3, channel = $4 WHERE id = $1")
            .bind(id)
            .bind(outcome)
            .bind(message)
            .bind(channel)
            .execute(&mut *conn)
            .await?;
    });
    Ok(())
}

/// How many reminders went through each channel since an instant.
pub async fn channels_since(
    db: &Db,
    org_id: OrgId,
    since: DateTime<Utc>,
) -> Result<Vec<(String, i64)>, DbError> {
    Ok(on_db!(db, pool => {
        sqlx::query_as(
            "SELECT channel, COUNT(*) FROM payment_reminders WHERE org_id = $1 AND at >= $2 AND channel IS NOT NULL
             GROUP BY channel ORDER BY channel",
        )
        .bind(org_id.0)
        .bind(since)
        .fetch_all(pool)
        .await?
    }))
}

/// How many reminders of each outcome since an instant.
pub async fn outcomes_since(
    db: &Db,
    org_id: OrgId,
    since: DateTime<Utc>,
) -> Result<Vec<(String, i64)>, DbError> {
    Ok(on_db!(db, pool => {
        sqlx::query_as(
            "SELECT outcome, COUNT(*) FROM payment_reminders WHERE org_id = $1 AND at >= $2 GROUP BY outcome ORDER BY outcome",
        )
        .bind(org_id.0)
        .bind(since)
        .fetch_all(pool)
        .await?
    }))
}
