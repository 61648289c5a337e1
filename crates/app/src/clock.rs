//! The one clock of the use cases. The server reads the system's; tests
//! set the time they need (a birthday, a due date, a session's age).
use chrono::{DateTime, Duration, SubsecRound, Utc};
use std::sync::{Arc, Mutex, PoisonError};

#[derive(Clone, Debug, Default)]
pub struct Clock {
    /// Set: the time stands still there until set again.
    fixed: Option<Arc<Mutex<DateTime<Utc>>>>,
}

impl Clock {
    pub fn system() -> Clock {
        Clock { fixed: None }
    }

    pub fn fixed(at: DateTime<Utc>) -> Clock {
        Clock { fixed: Some(Arc::new(Mutex::new(at))) }
    }

    /// The current time, at the precision both databases keep
    /// (microseconds), so a value read back equals the value written.
    pub fn now(&self) -> DateTime<Utc> {
        let at = match &self.fixed {
            Some(fixed) => *fixed.lock().unwrap_or_else(PoisonError::into_inner),
            None => Utc::now(),
        };
        at.trunc_subsecs(6)
    }

    /// Moves a fixed clock on; the system clock moves by itself.
    pub fn advance(&self, by: Duration) {
        if let Some(fixed) = &self.fixed {
            let mut at = fixed.lock().unwrap_or_else(PoisonError::into_inner);
            *at += by;
        }
    }
}
