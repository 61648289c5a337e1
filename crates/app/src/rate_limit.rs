//! Login throttling, per account and per client address (OWASP ASVS 5.0
//! §6.3): guesses are slowed down by a growing delay, never locked out.
//!
//! A guess is counted when it starts, under the same lock that admits it,
//! so guesses sent in parallel cannot all pass before the first one fails.
//! An address with no recent failures is not held back by an account's
//! delay: the account's owner signs in from his own machine while someone
//! else guesses at it from another; only a flood of such addresses (more
//! than `account_ceiling` guesses in the window) slows them too.
//!
//! Kept in memory: a restart forgets it, and several server processes
//! each count on their own.
use chrono::{DateTime, TimeDelta, Utc};
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::Duration;

#[derive(Clone, Debug)]
pub struct LoginLimits {
    /// How long a failed guess is remembered.
    pub window: Duration,
    /// Guesses at one account in the window before each further one waits.
    pub per_account: usize,
    /// Higher than per account: a shop's staff share one public address.
    pub per_ip: usize,
    /// Guesses at one account in the window after which even addresses
    /// without failures wait (many addresses guessing together).
    pub account_ceiling: usize,
    /// The first delay; it doubles with each further guess.
    pub first_delay: Duration,
    /// The longest delay: at most one guess a minute once reached.
    pub longest_delay: Duration,
}

impl Default for LoginLimits {
    fn default() -> Self {
        Self {
            window: Duration::from_secs(3600),
            per_account: 5,
            per_ip: 30,
            account_ceiling: 100,
            first_delay: Duration::from_secs(1),
            longest_delay: Duration::from_secs(60),
        }
    }
}

/// An admitted guess. Dropping it leaves it counted as a failure;
/// [`LoginLimiter::succeeded`] takes it back.
#[derive(Debug)]
pub(crate) struct Attempt {
    account: String,
    address: String,
    at: DateTime<Utc>,
}

#[derive(Default)]
struct Guesses {
    by_account: HashMap<String, VecDeque<DateTime<Utc>>>,
    by_address: HashMap<String, VecDeque<DateTime<Utc>>>,
}

pub(crate) struct LoginLimiter {
    limits: LoginLimits,
    guesses: Mutex<Guesses>,
}

/// Keys kept before the oldest entries are swept out.
const SWEEP_ABOVE: usize = 100_000;

impl LoginLimiter {
    pub fn new(limits: LoginLimits) -> Self {
        Self { limits, guesses: Mutex::new(Guesses::default()) }
    }

    /// Admits a guess and counts it, or answers how long to wait.
    pub fn begin(&self, account: &str, ip: Option<&str>, now: DateTime<Utc>) -> Result<Attempt, Duration> {
        let account = account.trim().to_lowercase();
        let address = ip.unwrap_or("-").to_string();
        let window = TimeDelta::from_std(self.limits.window).unwrap_or(TimeDelta::MAX);
        let mut guesses = self.guesses.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if guesses.by_account.len() + guesses.by_address.len() > SWEEP_ABOVE {
            let live = |times: &mut VecDeque<DateTime<Utc>>| times.back().is_some_and(|t| now - *t < window);
            guesses.by_account.retain(|_, times| live(times));
            guesses.by_address.retain(|_, times| live(times));
        }
        let Guesses { by_account, by_address } = &mut *guesses;
        let from_address = by_address.entry(address.clone()).or_default();
        forget_before(from_address, now - window);
        let at_account = by_account.entry(account.clone()).or_default();
        forget_before(at_account, now - window);

        self.wait(from_address, self.limits.per_ip, now)?;
        let address_is_clean = from_address.is_empty() && at_account.len() < self.limits.account_ceiling;
        if !address_is_clean {
            self.wait(at_account, self.limits.per_account, now)?;
        }
        from_address.push_back(now);
        at_account.push_back(now);
        Ok(Attempt { account, address, at: now })
    }

    /// The right password: the account's guesses are forgiven, and this
    /// one no longer counts against the address.
    pub fn succeeded(&self, attempt: Attempt) {
        let mut guesses = self.guesses.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        guesses.by_account.remove(&attempt.account);
        if let Some(times) = guesses.by_address.get_mut(&attempt.address) {
            if let Some(position) = times.iter().rposition(|t| *t == attempt.at) {
                times.remove(position);
            }
        }
    }

    /// `Err(wait)` while the guesses so far ask for a pause: none for the
    /// first `free` ones, then 1 s, 2 s, 4 s … up to the longest delay,
    /// counted from the latest guess.
    fn wait(&self, times: &VecDeque<DateTime<Utc>>, free: usize, now: DateTime<Utc>) -> Result<(), Duration> {
        let Some(over) = (times.len() + 1).checked_sub(free + 1) else { return Ok(()) };
        let Some(latest) = times.back() else { return Ok(()) };
        let doublings = u32::try_from(over).unwrap_or(u32::MAX).min(20);
        let delay = self.limits.first_delay.saturating_mul(1 << doublings).min(self.limits.longest_delay);
        let since = (now - *latest).to_std().unwrap_or_default();
        if since >= delay { Ok(()) } else { Err(delay - since) }
    }
}

fn forget_before(times: &mut VecDeque<DateTime<Utc>>, oldest: DateTime<Utc>) {
    while times.front().is_some_and(|t| *t <= oldest) {
        times.pop_front();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ACCOUNT: &str = "a@x.com";

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + seconds, 0).expect("time")
    }

    #[test]
    fn a_burst_gets_the_free_guesses_and_then_waits() {
        let limiter = LoginLimiter::new(LoginLimits::default());
        let admitted: Vec<_> =
            (0..100).filter_map(|_| limiter.begin(ACCOUNT, Some("1.1.1.1"), at(0)).ok()).collect();
        // The first guess came from a clean address; the next four are free.
        assert_eq!(admitted.len(), 5);
        assert_eq!(limiter.begin(ACCOUNT, Some("1.1.1.1"), at(0)).err(), Some(Duration::from_secs(1)));
    }

    #[test]
    fn the_delay_grows_and_stops_growing() {
        let limiter = LoginLimiter::new(LoginLimits::default());
        let mut now = 0;
        for _ in 0..5 {
            drop(limiter.begin(ACCOUNT, Some("1.1.1.1"), at(now)).expect("free"));
        }
        for expected in [1, 2, 4, 8, 16, 32, 60, 60] {
            let wait = limiter.begin(ACCOUNT, Some("1.1.1.1"), at(now)).expect_err("waits");
            assert_eq!(wait, Duration::from_secs(expected));
            now += expected as i64;
            drop(limiter.begin(ACCOUNT, Some("1.1.1.1"), at(now)).expect("after the wait"));
        }
    }

    #[test]
    fn an_address_without_failures_is_not_held_by_the_account() {
        let limiter = LoginLimiter::new(LoginLimits::default());
        for _ in 0..5 {
            drop(limiter.begin(ACCOUNT, Some("6.6.6.6"), at(0)).expect("free"));
        }
        assert!(limiter.begin(ACCOUNT, Some("6.6.6.6"), at(0)).is_err());
        let owner = limiter.begin(ACCOUNT, Some("10.0.0.2"), at(0)).expect("the owner's own machine");
        limiter.succeeded(owner);
        // A success forgives the account, even towards the guessing address.
        assert!(limiter.begin(ACCOUNT, Some("6.6.6.6"), at(0)).is_ok());
    }

    #[test]
    fn a_shared_address_slows_down_but_is_never_shut() {
        let limiter = LoginLimiter::new(LoginLimits::default());
        for n in 0..30 {
            drop(limiter.begin(&format!("user{n}@x.com"), Some("200.1.1.1"), at(0)).expect("free"));
        }
        let wait = limiter.begin("colleague@x.com", Some("200.1.1.1"), at(0)).expect_err("slowed");
        assert_eq!(wait, Duration::from_secs(1));
        assert!(limiter.begin("colleague@x.com", Some("200.1.1.1"), at(1)).is_ok());
    }

    #[test]
    fn many_clean_addresses_reach_the_ceiling() {
        let limiter = LoginLimiter::new(LoginLimits::default());
        for n in 0..100 {
            drop(limiter.begin(ACCOUNT, Some(&format!("10.1.0.{n}")), at(0)).expect("clean"));
        }
        assert!(limiter.begin(ACCOUNT, Some("10.2.0.1"), at(0)).is_err());
    }

    #[test]
    fn guesses_are_forgotten_after_the_window() {
        let limiter = LoginLimiter::new(LoginLimits::default());
        for _ in 0..5 {
            drop(limiter.begin(ACCOUNT, Some("1.1.1.1"), at(0)).expect("free"));
        }
        assert!(limiter.begin(ACCOUNT, Some("1.1.1.1"), at(0)).is_err());
        for _ in 0..5 {
            drop(limiter.begin(ACCOUNT, Some("1.1.1.1"), at(3601)).expect("free again"));
        }
    }
}
