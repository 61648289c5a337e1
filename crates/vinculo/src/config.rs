//! Configuration: defaults < `vinculo.toml` < `VINCULO_*` environment < flags.
use anyhow::{Context, Result};
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Config {
    /// `sqlite://vinculo.db` or `postgres://…`
    pub database: String,
    pub listen: SocketAddr,
    /// The address users reach, when behind a proxy (`https://crm.example.com.br`).
    pub public_url: Option<String>,
    pub session_idle_minutes: i64,
    pub session_absolute_hours: i64,
    /// How long a worker holds a job before another may take it over.
    pub job_lease_seconds: u64,
    /// The wait before a failed job's second try; it doubles after each.
    pub job_retry_first_seconds: u64,
    /// How many times a job is tried before it is reported failed.
    pub job_attempts: u32,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            database: "sqlite://vinculo.db".into(),
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            public_url: None,
            session_idle_minutes: 8 * 60,
            session_absolute_hours: 7 * 24,
            job_lease_seconds: 5 * 60,
            job_retry_first_seconds: 60,
            job_attempts: 8,
        }
    }
}

/// The command-line flags that override configuration; absent ones don't.
#[derive(Serialize)]
pub struct Flags {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listen: Option<SocketAddr>,
}

impl Config {
    pub fn load(file: &Path, flags: Flags) -> Result<Config> {
        Figment::from(Serialized::defaults(Config::default()))
            .merge(Toml::file(file))
            .merge(Env::prefixed("VINCULO_").only(&[
                "database",
                "listen",
                "public_url",
                "session_idle_minutes",
                "session_absolute_hours",
                "job_lease_seconds",
                "job_retry_first_seconds",
                "job_attempts",
            ]))
            .merge(Serialized::defaults(flags))
            .extract()
            .context("invalid configuration")
    }

    pub fn settings(&self) -> app::Settings {
        app::Settings {
            session_idle: chrono::Duration::minutes(self.session_idle_minutes.max(1)),
            session_absolute: chrono::Duration::hours(self.session_absolute_hours.max(1)),
            jobs: app::jobs::JobSettings {
                lease: Duration::from_secs(self.job_lease_seconds.max(1)),
                retry: domain::job::RetryPolicy {
                    attempts: self.job_attempts.max(1),
                    first: Duration::from_secs(self.job_retry_first_seconds),
                    ..Default::default()
                },
                ..Default::default()
            },
            ..app::Settings::default()
        }
    }

    /// The database URL without its password, for messages.
    pub fn redacted_database(&self) -> String {
        match (self.database.find("://"), self.database.rfind('@')) {
            (Some(scheme_end), Some(at)) if at > scheme_end => {
                let credentials = &self.database[scheme_end + 3..at];
                match credentials.split_once(':') {
                    Some((user, _)) => {
                        format!("{}{user}:***{}", &self.database[..scheme_end + 3], &self.database[at..])
                    }
                    None => self.database.clone(),
                }
            }
            _ => self.database.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_password() {
        let config = Config { database: "postgres://vinculo:s3cret@db:5432/crm".into(), ..Config::default() };
        assert_eq!(config.redacted_database(), "postgres://vinculo:***@db:5432/crm");
    }
}
