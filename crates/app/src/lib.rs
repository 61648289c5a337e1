//! Use cases. Each takes the acting user, checks what the user may do,
//! runs one transaction and writes the audit trail. Nothing here knows
//! HTTP; nothing here writes SQL.
#![forbid(unsafe_code)]

pub mod access;
pub mod agenda;
pub mod audit;
pub mod auth;
pub mod catalogue;
mod change;
mod clock;
pub mod contracts;
mod daily;
pub mod dashboard;
pub mod demo;
mod demo_follow_up;
mod demo_profiles;
mod demo_quotes;
mod demo_sales;
pub mod discounts;
pub mod engine;
mod error;
pub mod follow_up;
mod handles;
pub mod interactions;
pub mod jobs;
pub mod list_views;
pub mod loyalty;
pub mod messaging;
pub mod orders;
pub mod parties;
pub mod pipeline;
pub mod quotes;
mod rate_limit;
pub mod registry_settings;
pub mod reminders;
pub mod sales;
mod secret;
pub mod setup;
pub mod timeline;
pub mod tokens;
pub mod users;
pub mod vehicles;
pub mod webhooks;
pub mod work_queue;
pub mod worker;

pub use clock::Clock;
pub use error::AppError;
pub use handles::*;
pub use rate_limit::LoginLimits;
pub use secret::{random_password, random_token};

use chrono::{DateTime, Duration, Utc};
use db::Db;
use domain::user::Role;
use domain::{Email, Locale, OrgId, UserId};

/// Tunables of the use cases, set by the binary's configuration.
#[derive(Clone, Debug)]
pub struct Settings {
    /// A session unused this long ends.
    pub session_idle: Duration,
    /// A session ends this long after login, used or not.
    pub session_absolute: Duration,
    pub login_limits: LoginLimits,
    pub jobs: jobs::JobSettings,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            session_idle: Duration::hours(8),
            session_absolute: Duration::days(7),
            login_limits: LoginLimits::default(),
            jobs: jobs::JobSettings::default(),
        }
    }
}

/// The application: the database and the rules around it.
pub struct App {
    pub db: Db,
    pub settings: Settings,
    limiter: rate_limit::LoginLimiter,
    clock: Clock,
    mailer: messaging::Mailer,
    /// Webhook deliveries share one client and its connections.
    http: reqwest::Client,
    /// Rung when this process queues a job, so its worker need not wait
    /// for the next poll.
    jobs_waiting: std::sync::Arc<tokio::sync::Notify>,
    /// The relationship engine's in-memory index, per organisation.
    engine_indexes: std::sync::Arc<engine::Indexes>,
}

impl App {
    pub fn new(db: Db, settings: Settings) -> App {
        App::with_clock(db, settings, Clock::system())
    }

    /// An application whose use cases read the time from `clock`.
    pub fn with_clock(db: Db, settings: Settings, clock: Clock) -> App {
        let limiter = rate_limit::LoginLimiter::new(settings.login_limits.clone());
        App {
            db,
            settings,
            limiter,
            clock,
            mailer: messaging::Mailer::default(),
            http: reqwest::Client::new(),
            jobs_waiting: std::sync::Arc::new(tokio::sync::Notify::new()),
            engine_indexes: std::sync::Arc::new(engine::Indexes::default()),
        }
    }

    /// The current time of the use cases' clock.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Today where the actor's organisation is: due dates, birthdays and
    /// "in the future" are judged by its calendar, not UTC's.
    pub fn today(&self, actor: &Actor) -> chrono::NaiveDate {
        self.now().with_timezone(&actor.time_zone).date_naive()
    }
}

/// Who is acting: a signed-in person, or a machine with that person's token.
#[derive(Clone, Debug)]
pub struct Actor {
    pub user_id: UserId,
    pub org_id: OrgId,
    pub email: Email,
    pub display_name: String,
    pub role: Role,
    pub locale: Locale,
    /// Light or dark screens, as the user chose.
    pub theme: domain::user::Theme,
    /// The organisation's time zone: every time a person reads is in it.
    pub time_zone: chrono_tz::Tz,
    /// The organisation's currency: every amount is in it.
    pub currency: domain::money::Currency,
    /// The organisation's country: where an address, a phone or a document
    /// that does not say is read.
    pub country: domain::phone::Country,
    /// Where the request came from, for the audit trail.
    pub ip: Option<String>,
    /// What the user's roles allow, read at the start of each request.
    pub grants: domain::access::Grants,
    /// The names of the roles behind `grants`, for showing.
    pub role_names: Vec<String>,
    pub branch_id: Option<domain::BranchId>,
    /// The administrator viewing the app as this user, read-only.
    pub viewing_as: Option<String>,
}

impl Actor {
    pub fn is_admin(&self) -> bool {
        self.grants.has(domain::access::Permission::Administer)
    }

    /// Administration; never while viewing the app as someone else.
    fn require_admin(&self) -> Result<(), AppError> {
        self.require_change(domain::access::Permission::Administer)
    }
}
