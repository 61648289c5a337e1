//! The job runner [tarefas]: claims due jobs, runs each by its kind, and
//! finishes it — done, queued again after a wait that doubles, or failed
//! once its tries are used up and left for a person to see.
use crate::{App, AppError, Worker};
use chrono::{DateTime, Utc};
use db::Tx;
use db::repo::job::{self as repo, ClaimedJob, Finish, NewJob};
use domain::OrgId;
use domain::ids::JobId;
use domain::job::{JobKind, RetryPolicy};
use futures_util::StreamExt;
use std::sync::Arc;
use std::time::Duration;

/// How the worker takes and retries jobs.
#[derive(Clone, Debug)]
pub struct JobSettings {
    /// How long a claim holds a job; a worker that dies gives it back after.
    pub lease: Duration,
    pub retry: RetryPolicy,
    /// How often an idle worker looks for due jobs (jobs queued by this
    /// process wake it at once).
    pub idle_poll: Duration,
    /// How many jobs one claim takes.
    pub batch: u32,
    /// How many of them run at once: as many as the mail server gets
    /// connections. More only wait, and every job in flight when a worker
    /// dies is one that may have reached the server unrecorded.
    pub concurrency: usize,
}

impl Default for JobSettings {
    fn default() -> Self {
        JobSettings {
            lease: Duration::from_secs(5 * 60),
            retry: RetryPolicy::default(),
            idle_poll: Duration::from_secs(2),
            batch: 32,
            concurrency: 8,
        }
    }
}

/// What running a job came to.
#[derive(Debug)]
pub(crate) enum JobOutcome {
    Done,
    /// Worth another try, after the policy's wait.
    Retry(String),
    /// Not worth another (or it was the last): the job fails.
    Failed(String),
    /// The handler ended the job itself, in the transaction that recorded
    /// its work.
    Settled,
}

/// A claimed job as its handler sees it.
pub(crate) struct RunningJob {
    pub claimed: ClaimedJob,
    /// No try comes after this one: a handler that would retry records the
    /// failure for good instead.
    pub last_try: bool,
}

impl App {
    /// Queues work in the caller's transaction: it exists once the change
    /// commits, or not at all. Wakes this process's worker after commit.
    pub(crate) async fn enqueue(
        &self,
        tx: &mut Tx,
        org_id: OrgId,
        kind: JobKind,
        key: &str,
        payload: serde_json::Value,
        at: DateTime<Utc>,
    ) -> Result<(), AppError> {
        let job = NewJob {
            id: JobId::new(),
            org_id,
            kind,
            payload,
            idempotency_key: key,
            run_at: at,
            max_attempts: self.settings.jobs.retry.attempts,
        };
        repo::enqueue(tx, &job, at).await?;
        Ok(())
    }

    /// Queues work a person asked to do again (retry, redeliver): its job
    /// back in the queue with its tries renewed, or a new one under the same
    /// key when the old was pruned.
    pub(crate) async fn enqueue_again(
        &self,
        tx: &mut Tx,
        org_id: OrgId,
        kind: JobKind,
        key: &str,
        payload: serde_json::Value,
        at: DateTime<Utc>,
    ) -> Result<(), AppError> {
        if !repo::requeue(tx, org_id, key, at).await? {
            self.enqueue(tx, org_id, kind, key, payload, at).await?;
        }
        Ok(())
    }

    /// Tells this process's worker that a job may be waiting.
    pub(crate) fn wake_worker(&self) {
        self.jobs_waiting.notify_one();
    }
}

/// How often the worker looks for daily tasks whose local hour has come.
const SCHEDULE_EVERY: Duration = Duration::from_secs(60);

/// Runs jobs until the process ends: as many as are due, then waits for a
/// wake-up or the next poll.
pub async fn run(app: Arc<App>) {
    let mut last_scheduled: Option<std::time::Instant> = None;
    loop {
        if last_scheduled.is_none_or(|at| at.elapsed() >= SCHEDULE_EVERY) {
            last_scheduled = Some(std::time::Instant::now());
            match app.worker().schedule_daily_tasks().await {
                Ok(0) => {}
                Ok(queued) => tracing::info!(queued, "daily tasks queued"),
                Err(error) => tracing::warn!(%error, "scheduling the daily tasks failed"),
            }
        }
        match app.worker().run_due_jobs().await {
            Ok(0) => {}
            Ok(_) => continue,
            Err(error) => tracing::warn!(%error, "claiming jobs failed"),
        }
        let poll = app.settings.jobs.idle_poll;
        tokio::select! {
            _ = app.jobs_waiting.notified() => {}
            _ = tokio::time::sleep(poll) => {}
        }
    }
}

/// The organisation's background work as an administrator reads it: how
/// many jobs of each kind are in each state, and the latest that failed
/// for good with their last error.
#[derive(Clone, Debug)]
pub struct JobOverview {
    pub counts: Vec<(JobKind, domain::job::JobState, i64)>,
    pub failed: Vec<FailedJobView>,
}

#[derive(Clone, Debug)]
pub struct FailedJobView {
    pub id: uuid::Uuid,
    pub kind: JobKind,
    /// What it was about: the daily task, the message or delivery id.
    pub subject: String,
    pub attempts: i32,
    pub error: String,
    pub finished_at: Option<DateTime<Utc>>,
}

/// How many failed jobs the overview lists.
pub const FAILED_SHOWN: u32 = 50;

impl Worker<'_> {
    #[tracing::instrument(skip_all)]
    pub async fn overview(&self, actor: &crate::Actor) -> Result<JobOverview, AppError> {
        actor.require(domain::access::Permission::Administer)?;
        let (counts, failed) = tokio::try_join!(
            repo::counts(&self.db, actor.org_id),
            repo::failed(&self.db, actor.org_id, FAILED_SHOWN)
        )?;
        let counts = counts
            .into_iter()
            .filter_map(|(kind, state, count)| {
                Some((JobKind::parse(&kind).ok()?, domain::job::JobState::parse(&state).ok()?, count))
            })
            .collect();
        let failed = failed
            .into_iter()
            .filter_map(|job| {
                let subject = ["task", "message", "delivery"]
                    .iter()
                    .find_map(|key| job.payload.get(*key).and_then(|v| v.as_str()).map(str::to_string))
                    .unwrap_or_default();
                Some(FailedJobView {
                    id: job.id,
                    kind: JobKind::parse(&job.kind).ok()?,
                    subject,
                    attempts: job.attempts,
                    error: job.last_error.unwrap_or_default(),
                    finished_at: job.finished_at,
                })
            })
            .collect();
        Ok(JobOverview { counts, failed })
    }

    /// Claims the jobs due now and runs them side by side; how many ran.
    pub async fn run_due_jobs(&self) -> Result<usize, AppError> {
        let settings = &self.settings.jobs;
        let now = self.now();
        let lease = chrono::Duration::from_std(settings.lease).unwrap_or(chrono::Duration::minutes(5));
        let claimed = repo::claim(&self.db, now, now + lease, settings.batch).await?;
        let count = claimed.len();
        futures_util::stream::iter(claimed)
            .for_each_concurrent(settings.concurrency.max(1), |job| self.run_job(job))
            .await;
        Ok(count)
    }

    async fn run_job(&self, claimed: ClaimedJob) {
        let attempts = claimed.attempts.max(0) as u32;
        let next_wait =
            self.settings.jobs.retry.next_delay(attempts).filter(|_| attempts < claimed.max_attempts as u32);
        let job = RunningJob { last_try: next_wait.is_none(), claimed };
        let outcome = match JobKind::parse(&job.claimed.kind) {
            Ok(JobKind::SendMessage) => self.messages().send_queued(&job).await,
            Ok(JobKind::DeliverWebhook) => self.webhooks().deliver(&job).await,
            Ok(JobKind::Daily) => self.run_daily(&job).await,
            Err(_) => Ok(JobOutcome::Failed(format!("unknown job kind {}", job.claimed.kind))),
        };
        let outcome = outcome.unwrap_or_else(|error| {
            tracing::warn!(%error, job = %job.claimed.id, kind = %job.claimed.kind, "job failed; it runs again");
            JobOutcome::Retry(error.to_string())
        });
        if let Err(error) = self.finish(&job, outcome, next_wait).await {
            // The lease runs out and the job is claimed again; handlers
            // are idempotent, so running it twice does no harm.
            tracing::warn!(%error, job = %job.claimed.id, "finishing a job failed");
        }
    }

    async fn finish(
        &self,
        job: &RunningJob,
        outcome: JobOutcome,
        next_wait: Option<Duration>,
    ) -> Result<(), AppError> {
        let now = self.now();
        let finish = match (&outcome, next_wait) {
            (JobOutcome::Settled, _) => return Ok(()),
            (JobOutcome::Done, _) => Finish::Done,
            (JobOutcome::Retry(error), Some(wait)) => Finish::Retry(
                now + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::hours(1)),
                error,
            ),
            (JobOutcome::Retry(error) | JobOutcome::Failed(error), _) => Finish::Failed(error),
        };
        if let Finish::Failed(error) = &finish {
            tracing::warn!(job = %job.claimed.id, kind = %job.claimed.kind, error, "job failed for good");
        }
        let mut tx = self.db.begin().await?;
        repo::finish(&mut tx, &job.claimed, finish, now).await?;
        tx.commit().await?;
        Ok(())
    }
}
