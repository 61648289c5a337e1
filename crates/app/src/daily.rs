//! Daily tasks [tarefas diárias]: the work each organisation needs once a
//! day, at a local hour in its own time zone. The worker looks every minute
//! for tasks whose hour has come and queues them as jobs keyed by the
//! organisation's local day, so that however many workers look, and however
//! often, each runs once a day.
use crate::jobs::{JobOutcome, RunningJob};
use crate::{AppError, Worker};
use chrono::NaiveDate;
use domain::OrgId;
use domain::job::{DailyTask, FINISHED_JOBS_KEPT_DAYS, JobKind};

/// The organisation's day a daily task was queued for.
fn task_day(job: &RunningJob) -> Option<NaiveDate> {
    job.claimed.payload.get("day").and_then(|v| v.as_str()).and_then(|d| d.parse().ok())
}

fn daily_key(task: DailyTask, day: NaiveDate) -> String {
    format!("daily:{}:{day}", task.as_str())
}

impl Worker<'_> {
    /// Queues every organisation's daily tasks whose local hour has come
    /// today and that were not queued for today yet; how many were queued.
    pub async fn schedule_daily_tasks(&self) -> Result<usize, AppError> {
        let now = self.now();
        let organisations = db::repo::organisation::time_zones(&self.db).await?;
        let mut queued = 0;
        let mut tx = self.db.begin().await?;
        for (org, zone) in organisations {
            // A zone that no longer parses (it is checked when saved) falls
            // back to the one every organisation starts with.
            let zone = zone.parse().unwrap_or(chrono_tz::America::Sao_Paulo);
            for task in DailyTask::ALL {
                let Some(day) = task.due_day(now, zone) else { continue };
                let job = db::repo::job::NewJob {
                    id: domain::ids::JobId::new(),
                    org_id: OrgId(org),
                    kind: JobKind::Daily,
                    payload: serde_json::json!({ "task": task.as_str(), "day": day }),
                    idempotency_key: &daily_key(*task, day),
                    run_at: now,
                    max_attempts: self.settings.jobs.retry.attempts,
                };
                if db::repo::job::enqueue(&mut tx, &job, now).await? {
                    queued += 1;
                }
            }
        }
        tx.commit().await?;
        Ok(queued)
    }

    /// Runs one organisation's daily task.
    pub(crate) async fn run_daily(&self, job: &RunningJob) -> Result<JobOutcome, AppError> {
        let task = job.claimed.payload.get("task").and_then(|v| v.as_str()).unwrap_or_default();
        let Ok(task) = DailyTask::parse(task) else {
            return Ok(JobOutcome::Failed(format!("unknown daily task {task:?}")));
        };
        let org = OrgId(job.claimed.org_id);
        match task {
            DailyTask::PruneJobs => {
                let before = self.now() - chrono::Duration::days(FINISHED_JOBS_KEPT_DAYS);
                let mut tx = self.db.begin().await?;
                let pruned = db::repo::job::prune(&mut tx, org, before).await?;
                tx.commit().await?;
                tracing::info!(org = %org, pruned, "finished jobs pruned");
            }
            DailyTask::ExpirePoints => {
                // The organisation's day the task was queued for.
                let day =
                    job.claimed.payload.get("day").and_then(|v| v.as_str()).and_then(|d| d.parse().ok());
                let Some(day) = day else {
                    return Ok(JobOutcome::Failed("a daily task without its day".into()));
                };
                let expired = crate::loyalty::expire_due(self, org, day, self.now()).await?;
                tracing::info!(org = %org, expired, "points expired");
            }
            DailyTask::PaymentReminders => {
                let Some(day) = task_day(job) else {
                    return Ok(JobOutcome::Failed("a daily task without its day".into()));
                };
                let queued = crate::reminders::send_due(self, org, day, self.now()).await?;
                tracing::info!(org = %org, queued, "payment reminders queued");
            }
            DailyTask::ExpireQuotes => {
                let Some(day) = task_day(job) else {
                    return Ok(JobOutcome::Failed("a daily task without its day".into()));
                };
                let expired = crate::quotes::expire_due(self, org, day).await?;
                tracing::info!(org = %org, expired, "quotes expired");
            }
            DailyTask::ContractReminders => {
                let Some(day) = task_day(job) else {
                    return Ok(JobOutcome::Failed("a daily task without its day".into()));
                };
                let reminded = crate::contracts::remind_expiring(self, org, day).await?;
                tracing::info!(org = %org, reminded, "contract owners reminded");
            }
        }
        Ok(JobOutcome::Done)
    }
}
