//! Test helpers shared by every crate's integration tests: real
//! databases (a temporary SQLite file, or a fresh schema on the
//! PostgreSQL server named by `VINCULO_TEST_POSTGRES_URL`), the real HTTP
//! server on 127.0.0.1:0, and headless Chromium through chromedriver.
#![forbid(unsafe_code)]

mod browser;
mod drop_box;
mod http;
pub mod pdf;
pub mod smtp;
pub mod webhooks;

pub use browser::Browser;
pub use http::{TestApp, TestUser};
pub use pdf::pdf_text;
pub use smtp::SmtpReceiver;
pub use webhooks::HttpReceiver;

use db::{Backend, Db};
use std::io::Write;
use std::str::FromStr;
use std::sync::Once;

pub const POSTGRES_URL_VAR: &str = "VINCULO_TEST_POSTGRES_URL";
/// Set by `scripts/test`: a suite that cannot run fails instead of skipping.
pub const REQUIRE_ALL_VAR: &str = "VINCULO_TEST_REQUIRE_ALL";

pub struct TestDb {
    pub db: Db,
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    pub async fn sqlite() -> TestDb {
        TestDb::sqlite_at(db::migrate::newest_known()).await
    }

    /// A new SQLite database at schema version `version`.
    pub async fn sqlite_at(version: i64) -> TestDb {
        let dir = tempfile::tempdir().expect("temporary directory");
        let url = format!("sqlite://{}", dir.path().join("test.db").display());
        let db = Db::connect(&url).await.expect("open SQLite");
        db::migrate::run_until(&db, version).await.expect("migrate SQLite");
        TestDb { db, _dir: Some(dir) }
    }

    /// A fresh, migrated schema on the test server; `None` (and a note on
    /// the terminal, once) when no server is configured.
    pub async fn postgres() -> Option<TestDb> {
        TestDb::postgres_at(db::migrate::newest_known()).await
    }

    /// A fresh schema on the test server at schema version `version`.
    pub async fn postgres_at(version: i64) -> Option<TestDb> {
        let Ok(url) = std::env::var(POSTGRES_URL_VAR) else {
            skip_note("PostgreSQL", &format!("{POSTGRES_URL_VAR} is not set"));
            return None;
        };
        let schema = format!("t_{}", uuid::Uuid::new_v4().simple());
        let admin = sqlx::PgPool::connect(&url).await.expect("connect to the PostgreSQL test server");
        // Extensions are per database: create it once, in public, where
        // every test schema finds it.
        let _ = sqlx::query("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public").execute(&admin).await;
        sqlx::query(&format!("CREATE SCHEMA {schema}")).execute(&admin).await.expect("create test schema");
        admin.close().await;
        let options = sqlx::postgres::PgConnectOptions::from_str(&url)
            .expect("PostgreSQL URL")
            .options([("search_path", format!("{schema},public").as_str())]);
        let db = Db::connect_postgres(options).await.expect("connect to the test schema");
        db::migrate::run_until(&db, version).await.expect("migrate PostgreSQL");
        Some(TestDb { db, _dir: None })
    }

    pub fn backend(&self) -> Backend {
        self.db.backend()
    }

    /// The rows that refer to a row that does not exist, as SQLite's own
    /// check finds them (table, rowid, parent table); PostgreSQL never
    /// keeps such a row, so none there.
    pub async fn dangling_references(&self) -> Vec<(String, i64, String)> {
        let Db::Sqlite(sqlite) = &self.db else { return Vec::new() };
        sqlx::query_as("SELECT \"table\", rowid, parent FROM pragma_foreign_key_check")
            .fetch_all(&sqlite.reader())
            .await
            .expect("foreign key check")
    }
}

/// Tells the person running the tests, once per suite, what did not run.
/// Written straight to stderr, past the test harness's output capture.
pub fn skip_note(suite: &str, why: &str) {
    static POSTGRES: Once = Once::new();
    static BROWSER: Once = Once::new();
    static SMTP: Once = Once::new();
    if std::env::var(REQUIRE_ALL_VAR).is_ok() {
        panic!("{suite} tests cannot run: {why}");
    }
    let once = match suite {
        "PostgreSQL" => &POSTGRES,
        "SMTP" => &SMTP,
        _ => &BROWSER,
    };
    once.call_once(|| {
        let _ =
            writeln!(std::io::stderr(), "note: {suite} tests skipped: {why} (scripts/test runs them all)");
    });
}

/// Declares an async test `fn name(db: TestDb)` once per backend, as
/// `name::sqlite` and `name::postgres`.
#[macro_export]
macro_rules! db_test {
    ($name:ident, schema = $schema:expr) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::TestDb::sqlite_at($schema).await).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(db) = $crate::TestDb::postgres_at($schema).await {
                    super::$name(db).await;
                }
            }
        }
    };
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::TestDb::sqlite().await).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(db) = $crate::TestDb::postgres().await {
                    super::$name(db).await;
                }
            }
        }
    };
}

/// Declares an async test `fn name(app: TestApp)` against the real HTTP
/// server, once per backend.
#[macro_export]
macro_rules! web_test {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::TestApp::spawn($crate::TestDb::sqlite().await).await).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(db) = $crate::TestDb::postgres().await {
                    super::$name($crate::TestApp::spawn(db).await).await;
                }
            }
        }
    };
}
