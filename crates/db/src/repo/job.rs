//! The job table: background work, claimed by one worker at a time.
//!
//! PostgreSQL lets several workers claim side by side: each takes the due
//! rows nobody else holds (`FOR UPDATE SKIP LOCKED`). SQLite has one writer,
//! so a claim there is already alone.
use crate::{Db, DbError, Tx, on_tx};
use chrono::{DateTime, Utc};
use domain::OrgId;
use domain::ids::JobId;
use domain::job::{JobKind, JobState};
use sqlx::types::Json;
use uuid::Uuid;

pub struct NewJob<'a> {
    pub id: JobId,
    pub org_id: OrgId,
    pub kind: JobKind,
    pub payload: serde_json::Value,
    /// The same work enqueued twice under one key is one job.
    pub idempotency_key: &'a str,
    pub run_at: DateTime<Utc>,
    pub max_attempts: u32,
}

/// Adds a job; false when one with its key was there already.
#[tracing::instrument(skip_all)]
pub async fn enqueue(tx: &mut Tx, job: &NewJob<'_>, now: DateTime<Utc>) -> Result<bool, DbError> {
    let inserted = on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO jobs (id, org_id, kind, payload, idempotency_key, state, run_at, max_attempts, created_at)
             VALUES ($1, $2, $3, $4, $5, 'queued', $6, $7, $8)
             ON CONFLICT (org_id, idempotency_key) DO NOTHING",
        )
        .bind(job.id.0)
        .bind(job.org_id.0)
        .bind(job.kind.as_str())
        .bind(Json(&job.payload))
        .bind(job.idempotency_key)
        .bind(job.run_at)
        .bind(job.max_attempts as i32)
        .bind(now)
        .execute(&mut *conn)
        .await?
        .rows_affected()
    });
    Ok(inserted == 1)
}

/// A job a worker holds: run it, then finish it with its `attempts` as the
/// proof that the lease is still this worker's.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ClaimedJob {
    pub id: Uuid,
    pub org_id: Uuid,
    pub kind: String,
    pub payload: Json<serde_json::Value>,
    pub idempotency_key: String,
    pub attempts: i32,
    pub max_attempts: i32,
}

const CLAIM_POSTGRES: &str = "UPDATE jobs SET state = 'running', attempts = attempts + 1, leased_until = $2
     WHERE id IN (
         SELECT id FROM jobs
         WHERE (state = 'queued' AND run_at <= $1) OR (state = 'running' AND leased_until < $1)
         ORDER BY run_at LIMIT $3 FOR UPDATE SKIP LOCKED)
     RETURNING id, org_id, kind, payload, idempotency_key, attempts, max_attempts";
const CLAIM_SQLITE: &str = "UPDATE jobs SET state = 'running', attempts = attempts + 1, leased_until = $2
     WHERE id IN (
         SELECT id FROM jobs
         WHERE (state = 'queued' AND run_at <= $1) OR (state = 'running' AND leased_until < $1)
         ORDER BY run_at LIMIT $3)
     RETURNING id, org_id, kind, payload, idempotency_key, attempts, max_attempts";

/// Takes up to `limit` due jobs (and jobs whose worker's lease ran out)
/// until `leased_until`, in the order they were due.
#[tracing::instrument(skip_all)]
pub async fn claim(
    db: &Db,
    now: DateTime<Utc>,
    leased_until: DateTime<Utc>,
    limit: u32,
) -> Result<Vec<ClaimedJob>, DbError> {
    let mut tx = db.begin().await?;
    let claimed = match &mut tx {
        Tx::Sqlite(conn) => {
            sqlx::query_as(CLAIM_SQLITE)
                .bind(now)
                .bind(leased_until)
                .bind(limit as i64)
                .fetch_all(&mut **conn)
                .await?
        }
        Tx::Postgres(conn) => {
            sqlx::query_as(CLAIM_POSTGRES)
                .bind(now)
                .bind(leased_until)
                .bind(limit as i64)
                .fetch_all(&mut **conn)
                .await?
        }
    };
    tx.commit().await?;
    Ok(claimed)
}

/// Where a claimed job goes next.
pub enum Finish<'a> {
    Done,
    /// Queued again to run at the given time, with what went wrong.
    Retry(DateTime<Utc>, &'a str),
    Failed(&'a str),
}

/// Ends a claim. False when the lease was lost (another worker claimed the
/// job after it ran out): that worker's outcome counts, not this one's.
#[tracing::instrument(skip_all)]
pub async fn finish(
    tx: &mut Tx,
    job: &ClaimedJob,
    finish: Finish<'_>,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let (state, run_at, error, finished_at) = match finish {
        Finish::Done => (JobState::Done, None, None, Some(now)),
        Finish::Retry(at, error) => (JobState::Queued, Some(at), Some(error), None),
        Finish::Failed(error) => (JobState::Failed, None, Some(error), Some(now)),
    };
    let updated = on_tx!(tx, conn => {
        sqlx::query(
            "UPDATE jobs SET state = $3, run_at = COALESCE($4, run_at), last_error = COALESCE($5, last_error),
                 finished_at = $6, leased_until = NULL
             WHERE id = $1 AND state = 'running' AND attempts = $2",
        )
        .bind(job.id)
        .bind(job.attempts)
        .bind(state.as_str())
        .bind(run_at)
        .bind(error)
        .bind(finished_at)
        .execute(&mut *conn)
        .await?
        .rows_affected()
    });
    Ok(updated == 1)
}

/// Puts a finished job with this key back in the queue, to run now with
/// its tries counted afresh (a person asked to try again). False when
/// there is no such job or it is still waiting or running.
#[tracing::instrument(skip_all)]
pub async fn requeue(tx: &mut Tx, org_id: OrgId, key: &str, now: DateTime<Utc>) -> Result<bool, DbError> {
    let sql =
        "UPDATE jobs SET state = 'queued', run_at = $3, attempts = 0, finished_at = NULL, leased_until = NULL
             WHERE org_id = $1 AND idempotency_key = $2 AND state IN ('done', 'failed', 'cancelled')";
    on_key(tx, sql, org_id, key, now).await
}

/// Cancels a job with this key that has not started.
#[tracing::instrument(skip_all)]
pub async fn cancel(tx: &mut Tx, org_id: OrgId, key: &str, now: DateTime<Utc>) -> Result<bool, DbError> {
    let sql = "UPDATE jobs SET state = 'cancelled', finished_at = $3
             WHERE org_id = $1 AND idempotency_key = $2 AND state = 'queued'";
    on_key(tx, sql, org_id, key, now).await
}

/// Runs `sql` (the organisation `$1`, a job's key `$2`, the time `$3`)
/// on the job of that key; whether it touched it.
async fn on_key(
    tx: &mut Tx,
    sql: &str,
    org_id: OrgId,
    key: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let touched = on_tx!(tx, conn => {
        sqlx::query(sql).bind(org_id.0).bind(key).bind(now).execute(&mut *conn).await?.rows_affected()
    });
    Ok(touched == 1)
}

/// Removes the organisation's jobs that ended well (done or cancelled)
/// before `before`; failed ones stay for a person to see. How many went.
#[tracing::instrument(skip_all)]
pub async fn prune(tx: &mut Tx, org_id: OrgId, before: DateTime<Utc>) -> Result<u64, DbError> {
    Ok(on_tx!(tx, conn => {
        sqlx::query(
            "DELETE FROM jobs WHERE org_id = $1 AND state IN ('done', 'cancelled') AND finished_at < $2",
        )
        .bind(org_id.0)
        .bind(before)
        .execute(&mut *conn)
        .await?
        .rows_affected()
    }))
}

/// How many of the organisation's jobs of each kind are in each state.
#[tracing::instrument(skip_all)]
pub async fn counts(db: &Db, org_id: OrgId) -> Result<Vec<(String, String, i64)>, DbError> {
    Ok(crate::on_db!(db, pool => {
        sqlx::query_as(
            "SELECT kind, state, COUNT(*) FROM jobs WHERE org_id = $1 GROUP BY kind, state ORDER BY kind, state",
        )
        .bind(org_id.0)
        .fetch_all(pool)
        .await?
    }))
}

/// A job that failed for good, as a person reads it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct FailedJob {
    pub id: Uuid,
    pub kind: String,
    pub payload: Json<serde_json::Value>,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub finished_at: Option<DateTime<Utc>>,
}

/// The organisation's latest failed jobs, newest first.
#[tracing::instrument(skip_all)]
pub async fn failed(db: &Db, org_id: OrgId, limit: u32) -> Result<Vec<FailedJob>, DbError> {
    Ok(crate::on_db!(db, pool => {
        sqlx::query_as(
            "SELECT id, kind, payload, attempts, last_error, finished_at FROM jobs
             WHERE org_id = $1 AND state = 'failed' ORDER BY finished_at DESC LIMIT $2",
        )
        .bind(org_id.0)
        .bind(i64::from(limit))
        .fetch_all(pool)
        .await?
    }))
}
