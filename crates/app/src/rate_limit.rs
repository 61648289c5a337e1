//! Failed-login throttling, per account and per client address.
//!
//! Kept in memory: a restart forgets it, and several server processes
//! each count on their own. Enough to stop password guessing at speed.
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

#[derive(Clone, Debug)]
pub struct LoginLimits {
    pub window: Duration,
    pub per_account: usize,
    /// Higher than per account: a shop's staff share one public address.
    pub per_ip: usize,
}

impl Default for LoginLimits {
    fn default() -> Self {
        Self { window: Duration::from_secs(60), per_account: 10, per_ip: 30 }
    }
}

pub(crate) struct LoginLimiter {
    limits: LoginLimits,
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl LoginLimiter {
    pub fn new(limits: LoginLimits) -> Self {
        Self { limits, failures: Mutex::new(HashMap::new()) }
    }

    fn keys(account: &str, ip: Option<&str>) -> [(String, bool); 2] {
        [
            (format!("account:{}", account.trim().to_lowercase()), true),
            (format!("ip:{}", ip.unwrap_or("-")), false),
        ]
    }

    /// `Err(wait)` when either key has used up its failures in the window.
    pub fn check(&self, account: &str, ip: Option<&str>) -> Result<(), Duration> {
        let now = Instant::now();
        let mut failures = self.failures.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        for (key, is_account) in Self::keys(account, ip) {
            let limit = if is_account { self.limits.per_account } else { self.limits.per_ip };
            if let Some(times) = failures.get_mut(&key) {
                while times.front().is_some_and(|t| now.duration_since(*t) >= self.limits.window) {
                    times.pop_front();
                }
                if times.len() >= limit {
                    let oldest = times.front().copied().unwrap_or(now);
                    return Err(self.limits.window.saturating_sub(now.duration_since(oldest)));
                }
            }
        }
        Ok(())
    }

    pub fn record_failure(&self, account: &str, ip: Option<&str>) {
        let now = Instant::now();
        let mut failures = self.failures.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if failures.len() > 100_000 {
            let window = self.limits.window;
            failures.retain(|_, times| times.back().is_some_and(|t| now.duration_since(*t) < window));
        }
        for (key, _) in Self::keys(account, ip) {
            failures.entry(key).or_default().push_back(now);
        }
    }

    pub fn clear_account(&self, account: &str) {
        let mut failures = self.failures.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        failures.remove(&Self::keys(account, None)[0].0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eleventh_failure_in_window_is_refused() {
        let limiter = LoginLimiter::new(LoginLimits::default());
        for _ in 0..10 {
            assert!(limiter.check("a@x.com", Some("1.1.1.1")).is_ok());
            limiter.record_failure("a@x.com", Some("1.1.1.1"));
        }
        assert!(limiter.check("a@x.com", Some("1.1.1.1")).is_err());
        assert!(limiter.check("b@x.com", Some("2.2.2.2")).is_ok());
    }
}
