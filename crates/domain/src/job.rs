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
    } error "error-job-kind-invalid"
);

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
    fn waits_double_up_to_the_longest_then_stop() {
        let policy =
            RetryPolicy { attempts: 5, first: Duration::from_secs(10), longest: Duration::from_secs(50) };
        let waits: Vec<_> = (1..=5).map(|n| policy.next_delay(n).map(|d| d.as_secs())).collect();
        assert_eq!(waits, vec![Some(10), Some(20), Some(40), Some(50), None]);
    }
}
