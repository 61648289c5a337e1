//! Background work [tarefas em segundo plano]: what the worker runs
//! outside a request, when, and how often it tries again.
use serde::{Deserialize, Serialize};
use std::time::Duration;

string_enum!(
    /// Where a job stands. A running job holds a lease; a worker that dies
    /// leaves it to run out and the job is claimed again.
    JobState {
        Queued = "queued",
        Running = "running",
        Done = "done",
        Failed = "failed",
        Cancelled = "cancelled",
    } error "error-job-state-invalid"
);

string_enum!(
    /// What a job does (send one message of the outbox, …); its payload
    /// is read by the handler of its kind.
    JobKind {
        SendMessage = "send_message",
        DeliverWebhook = "deliver_webhook",
        Daily = "daily",
    } error "error-job-kind-invalid"
);

string_enum!(
    /// What the worker does once a day for each organisation, at a local
    /// hour in the organisation's time zone (later: payment reminders,
    /// points that expire). A task run late — the worker was down at its
    /// hour — runs when the worker is back that day; one whose day passed
    /// entirely is not run for it, so each task does all that is due up to
    /// its run, not only the day's share.
    DailyTask {
        PruneJobs = "prune_jobs",
        ExpirePoints = "expire_points",
        PaymentReminders = "payment_reminders",
        ExpireQuotes = "expire_quotes",
        ContractReminders = "contract_reminders",
    } error "error-daily-task-invalid"
);

impl DailyTask {
    /// The local hour it runs at: the small hours, before anyone works.
    pub fn local_time(self) -> chrono::NaiveTime {
        match self {
            DailyTask::PruneJobs => chrono::NaiveTime::from_hms_opt(3, 0, 0).expect("a valid hour"),
            // Just after midnight: points are gone on the day they expire.
            DailyTask::ExpirePoints => chrono::NaiveTime::from_hms_opt(0, 5, 0).expect("a valid hour"),
            // When the customer reads e-mail, not in the small hours.
            DailyTask::PaymentReminders => chrono::NaiveTime::from_hms_opt(8, 0, 0).expect("a valid hour"),
            // A quote holds through its last day: it expires as the next begins.
            DailyTask::ExpireQuotes => chrono::NaiveTime::from_hms_opt(0, 10, 0).expect("a valid hour"),
            // In the owner's inbox when the working day starts.
            DailyTask::ContractReminders => chrono::NaiveTime::from_hms_opt(7, 30, 0).expect("a valid hour"),
        }
    }

    /// The organisation's local day it is due for at `now`, once its hour
    /// has come there; `None` before.
    pub fn due_day(
        self,
        now: chrono::DateTime<chrono::Utc>,
        zone: chrono_tz::Tz,
    ) -> Option<chrono::NaiveDate> {
        let local = now.with_timezone(&zone);
        (local.time() >= self.local_time()).then(|| local.date_naive())
    }
}

/// How long a finished job is kept (its key stops a repeat meanwhile).
pub const FINISHED_JOBS_KEPT_DAYS: i64 = 30;

/// How a job that failed is tried again: after `first`, then twice as long
/// each time, never longer than `longest`, and `attempts` times in all.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    pub attempts: u32,
    pub first: Duration,
    pub longest: Duration,
}

impl Default for RetryPolicy {
    /// Eight tries over about two hours: a mail server down for a
    /// maintenance window is waited for; one gone for the day is reported.
    fn default() -> Self {
        RetryPolicy { attempts: 8, first: Duration::from_secs(60), longest: Duration::from_secs(60 * 60) }
    }
}

impl RetryPolicy {
    /// The wait before the next try after `attempts` tries failed, or
    /// `None` when they are used up.
    pub fn next_delay(&self, attempts: u32) -> Option<Duration> {
        if attempts >= self.attempts {
            return None;
        }
        let doubled = self.first.saturating_mul(1u32 << attempts.saturating_sub(1).min(20));
        Some(doubled.min(self.longest))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_daily_task_is_due_from_its_local_hour_in_each_zone() {
        let at = |text: &str| chrono::DateTime::parse_from_rfc3339(text).expect("instant").to_utc();
        let sao_paulo = chrono_tz::America::Sao_Paulo;
        let lisbon = chrono_tz::Europe::Lisbon;
        let task = DailyTask::PruneJobs;
        assert_eq!(task.due_day(at("2026-12-03T05:59:00Z"), sao_paulo), None, "02:59 in São Paulo");
        let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 3);
        assert_eq!(task.due_day(at("2026-12-03T06:00:00Z"), sao_paulo), day, "03:00 in São Paulo");
        assert_eq!(task.due_day(at("2026-12-03T03:00:00Z"), lisbon), day, "03:00 in Lisbon (winter)");
        let summer = chrono::NaiveDate::from_ymd_opt(2026, 7, 1);
        assert_eq!(task.due_day(at("2026-07-01T02:00:00Z"), lisbon), summer, "03:00 in Lisbon (summer)");
        assert_eq!(task.due_day(at("2026-07-01T01:59:00Z"), lisbon), None);
    }

    #[test]
    fn waits_double_up_to_the_longest_then_stop() {
        let policy =
            RetryPolicy { attempts: 5, first: Duration::from_secs(10), longest: Duration::from_secs(50) };
        let waits: Vec<_> = (1..=5).map(|n| policy.next_delay(n).map(|d| d.as_secs())).collect();
        assert_eq!(waits, vec![Some(10), Some(20), Some(40), Some(50), None]);
    }
}
