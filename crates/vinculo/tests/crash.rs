//! `kill -9` while clients write: every write the server acknowledged is
//! there after a restart, and the database is sound. Ten rounds on each
//! database (`VINCULO_CRASH_ROUNDS` for a longer run). And `kill -9` of a
//! worker in the middle of a batch of e-mails: after a restart every one
//! arrives, none is lost.
use serde_json::{Value, json};
use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const CLIENTS: usize = 4;

/// One crash test at a time: each starts servers that migrate a database
/// (two creating the same PostgreSQL extension at once race), and on two
/// cores four servers at once start too slowly to tell a hang from a queue.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn rounds() -> usize {
    std::env::var("VINCULO_CRASH_ROUNDS").ok().and_then(|n| n.parse().ok()).unwrap_or(10)
}

fn vinculo(database: &str, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_vinculo"));
    command.arg("--database").arg(database).args(args).env("RUST_LOG", "warn").env("RUST_BACKTRACE", "0");
    command
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("address").port()
}

async fn start(database: &str, port: u16) -> Child {
    start_with(database, port, &[]).await
}

async fn start_with(database: &str, port: u16, extra: &[&str]) -> Child {
    let listen = format!("127.0.0.1:{port}");
    let mut args = vec!["serve", "--listen", listen.as_str()];
    args.extend_from_slice(extra);
    let mut child = vinculo(database, &args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the server");
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if reqwest::get(format!("http://127.0.0.1:{port}/health")).await.is_ok_and(|r| r.status() == 200) {
            return child;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("the server did not come up on {database}");
}

/// What a party's name may be after the crash: the last name the server
/// acknowledged, or the one whose answer the crash cut off.
#[derive(Clone, Default)]
struct Expected {
    acknowledged: String,
    in_flight: Option<String>,
}

async fn client(base: String, token: String, number: usize, ledger: Arc<Mutex<HashMap<String, Expected>>>) {
    let http = reqwest::Client::new();
    let mut mine: Vec<(String, i64)> = Vec::new();
    for step in 0.. {
        let name = format!("Cliente {number} passo {step}");
        if mine.is_empty() || step % 3 == 0 {
            let body = json!({ "kind": "person", "lifecycle": "customer", "full_name": name });
            let Ok(response) =
                http.post(format!("{base}/api/v1/parties")).bearer_auth(&token).json(&body).send().await
            else {
                return;
            };
            let Ok(saved) = response.json::<Value>().await else { return };
            let id = saved["party"]["id"].as_str().expect("id").to_string();
            let version = saved["party"]["version"].as_i64().expect("version");
            ledger
                .lock()
                .expect("ledger")
                .insert(id.clone(), Expected { acknowledged: name, in_flight: None });
            mine.push((id, version));
        } else {
            let index = step % mine.len();
            let (id, version) = mine[index].clone();
            ledger.lock().expect("ledger").get_mut(&id).expect("known").in_flight = Some(name.clone());
            let body =
                json!({ "version": version, "kind": "person", "lifecycle": "customer", "full_name": name });
            let Ok(response) =
                http.put(format!("{base}/api/v1/parties/{id}")).bearer_auth(&token).json(&body).send().await
            else {
                return;
            };
            let Ok(saved) = response.json::<Value>().await else { return };
            let version = saved["party"]["version"].as_i64().expect("an acknowledged edit");
            ledger
                .lock()
                .expect("ledger")
                .insert(id.clone(), Expected { acknowledged: name, in_flight: None });
            mine[index].1 = version;
        }
    }
}

/// Creates the test's organisation and administrator; his API token.
fn administrator(database: &str) -> String {
    let created = vinculo(
        database,
        &[
            "user",
            "create",
            "--org",
            "Crash",
            "--email",
            "crash@loja.test",
            "--name",
            "Crash",
            "--role",
            "admin",
        ],
    )
    .env("VINCULO_NEW_PASSWORD", "senha-do-teste-de-queda")
    .output()
    .expect("create a user");
    assert!(created.status.success(), "{}", String::from_utf8_lossy(&created.stderr));
    let token = vinculo(database, &["user", "token", "--email", "crash@loja.test"]).output().expect("token");
    String::from_utf8_lossy(&token.stdout).lines().last().expect("a token").trim().to_string()
}

async fn crash_rounds(database: &str) {
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut server = start(database, port).await;
    let token = administrator(database);
    let ledger = Arc::new(Mutex::new(HashMap::<String, Expected>::new()));
    let mut seed: u64 = 0x5eed_1234_abcd;
    let mut acknowledged = 0;
    for round in 0..rounds() {
        let clients: Vec<_> = (0..CLIENTS)
            .map(|n| tokio::spawn(client(base.clone(), token.clone(), round * CLIENTS + n, ledger.clone())))
            .collect();
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        tokio::time::sleep(Duration::from_millis(200 + (seed >> 33) % 800)).await;
        server.kill().expect("kill -9");
        server.wait().expect("reaped");
        for client in clients {
            let _ = client.await;
        }
        server = start(database, port).await;
        let http = reqwest::Client::new();
        let expected: Vec<(String, Expected)> =
            ledger.lock().expect("ledger").iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        acknowledged = expected.len();
        for (id, wanted) in expected {
            let stored: Value = http
                .get(format!("{base}/api/v1/parties/{id}"))
                .bearer_auth(&token)
                .send()
                .await
                .expect("GET")
                .json()
                .await
                .expect("an acknowledged party is there");
            let name = stored["full_name"].as_str().expect("name").to_string();
            assert!(
                name == wanted.acknowledged || Some(&name) == wanted.in_flight.as_ref(),
                "round {round}: {id} reads {name:?}, acknowledged {:?}",
                wanted.acknowledged
            );
            // What the server answers now is what the next round builds on.
            ledger.lock().expect("ledger").insert(id, Expected { acknowledged: name, in_flight: None });
        }
    }
    server.kill().expect("stop");
    server.wait().expect("reaped");
    assert!(acknowledged > 0, "the clients wrote nothing");
    assert_eq!(integrity(database).await, "ok");
    let backend = if database.starts_with("sqlite") { "SQLite" } else { "PostgreSQL" };
    eprintln!("crash test on {backend}: {} rounds, {acknowledged} acknowledged parties all found", rounds());
}

const EMAILS: usize = 200;

/// 200 e-mails queued with the server's worker off; a `vinculo worker`
/// killed with `kill -9` once a quarter of them arrived, then started
/// again. Every message arrives, each under its own Message-ID. A message
/// the server had accepted in the instant before the kill, whose "sent"
/// the worker could not record, goes again under the same Message-ID
/// (which mail clients show once): at most as many as the worker had in
/// flight.
async fn worker_killed_mid_batch(database: &str) {
    let smtp = testkit::SmtpReceiver::start().expect("an SMTP server (scripts/test installs aiosmtpd)");
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut server = start_with(database, port, &["--no-worker"]).await;
    let token = administrator(database);
    let http = reqwest::Client::new();
    let settings = json!({ "host": "127.0.0.1", "port": smtp.port, "tls": "none",
                           "sender_address": "crm@loja.test", "version": 0 });
    let saved =
        http.put(format!("{base}/api/v1/settings/smtp")).bearer_auth(&token).json(&settings).send().await;
    assert_eq!(saved.expect("PUT").status(), 200);
    for customer in 0..EMAILS / 10 {
        let address = format!("cliente{customer}@exemplo.com.br");
        let body = json!({ "kind": "person", "full_name": format!("Cliente {customer}"),
                           "emails": [address], "consents": ["email"] });
        let created: Value = http
            .post(format!("{base}/api/v1/parties"))
            .bearer_auth(&token)
            .json(&body)
            .send()
            .await
            .expect("POST")
            .json()
            .await
            .expect("json");
        let party = created["party"]["id"].as_str().expect("id").to_string();
        for n in 0..10 {
            let email =
                json!({ "to": address, "subject": format!("Mensagem {customer}-{n}"), "body": "Olá" });
            let queued = http
                .post(format!("{base}/api/v1/parties/{party}/messages"))
                .bearer_auth(&token)
                .json(&email)
                .send();
            assert_eq!(queued.await.expect("POST").status(), 201);
        }
    }
    assert!(smtp.received().is_empty(), "the server's worker is off");

    let worker = || {
        vinculo(database, &["worker"])
            .env("VINCULO_JOB_LEASE_SECONDS", "2")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start a worker")
    };
    let mut first = worker();
    let started = Instant::now();
    while smtp.received().len() < EMAILS / 4 && started.elapsed() < Duration::from_secs(60) {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    first.kill().expect("kill -9");
    first.wait().expect("reaped");
    let at_kill = smtp.received().len();
    assert!(at_kill < EMAILS, "killed in the middle of the batch, not after it ({at_kill} arrived)");

    let mut second = worker();
    smtp.wait_for(EMAILS, Duration::from_secs(60)).await;
    // Anything sent twice would arrive right after the last one.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let received = smtp.received();
    second.kill().expect("stop");
    second.wait().expect("reaped");
    server.kill().expect("stop");
    server.wait().expect("reaped");

    let mut subjects: Vec<&str> = received.iter().map(|m| m.subject.as_str()).collect();
    subjects.sort();
    let mut ids: Vec<&str> = received.iter().map(|m| m.message_id.as_str()).collect();
    ids.sort();
    ids.dedup();
    subjects.dedup();
    assert_eq!(subjects.len(), EMAILS, "every message arrived");
    assert_eq!(ids.len(), EMAILS, "one Message-ID per message");
    let again = received.len() - EMAILS;
    assert!(again <= 8, "{again} sent again: more than the worker had in flight");
    eprintln!(
        "worker crash on {}: {at_kill} of {EMAILS} had arrived at the kill; all {EMAILS} arrived, {again} twice",
        if database.starts_with("sqlite") { "SQLite" } else { "PostgreSQL" }
    );
}

#[tokio::test]
async fn a_worker_killed_mid_batch_loses_no_email_on_sqlite() {
    let _alone = ONE_AT_A_TIME.lock().await;
    let folder = tempfile::tempdir().expect("folder");
    worker_killed_mid_batch(&format!("sqlite://{}", folder.path().join("outbox.db").display())).await;
}

#[tokio::test]
async fn a_worker_killed_mid_batch_loses_no_email_on_postgres() {
    let _alone = ONE_AT_A_TIME.lock().await;
    let Some(database) = postgres_schema("outbox").await else { return };
    worker_killed_mid_batch(&database.url).await;
    database.drop().await;
}

/// A schema of its own on the test server, or `None` when there is none.
struct PgSchema {
    url: String,
    admin: sqlx::PgPool,
    schema: String,
}

impl PgSchema {
    async fn drop(self) {
        sqlx::query(&format!("DROP SCHEMA {} CASCADE", self.schema))
            .execute(&self.admin)
            .await
            .expect("drop");
    }
}

async fn postgres_schema(name: &str) -> Option<PgSchema> {
    let Ok(url) = std::env::var("VINCULO_TEST_POSTGRES_URL") else {
        assert!(std::env::var("VINCULO_TEST_REQUIRE_ALL").is_err(), "the PostgreSQL crash test cannot run");
        eprintln!("note: PostgreSQL crash test skipped: VINCULO_TEST_POSTGRES_URL is not set");
        return None;
    };
    let schema = format!("{name}_{}", std::process::id());
    let admin = sqlx::PgPool::connect(&url).await.expect("connect");
    sqlx::query(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE")).execute(&admin).await.expect("drop");
    sqlx::query(&format!("CREATE SCHEMA {schema}")).execute(&admin).await.expect("schema");
    let separator = if url.contains('?') { '&' } else { '?' };
    Some(PgSchema { url: format!("{url}{separator}options[search_path]={schema},public"), admin, schema })
}

/// SQLite's `integrity_check`; on PostgreSQL `amcheck` over every B-tree
/// index of the schema, where the role may create the extension.
async fn integrity(database: &str) -> String {
    let db = db::Db::connect(database).await.expect("open");
    let verdict = match &db {
        db::Db::Sqlite(sqlite) => sqlx::query_scalar::<_, String>("PRAGMA integrity_check")
            .fetch_one(&sqlite.reader())
            .await
            .expect("check"),
        db::Db::Postgres(pg) => {
            if sqlx::query("CREATE EXTENSION IF NOT EXISTS amcheck").execute(pg).await.is_err() {
                eprintln!("note: amcheck is not available to this role; the indexes were not checked");
                return "ok".to_string();
            }
            let checked: Result<Vec<(i64,)>, _> = sqlx::query_as(
                "WITH indexes AS MATERIALIZED (
                     SELECT c.oid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                     JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_am a ON a.oid = c.relam
                     WHERE n.nspname = current_schema() AND a.amname = 'btree')
                 SELECT COUNT(bt_index_check(oid)::text) FROM indexes",
            )
            .fetch_all(pg)
            .await;
            match checked {
                Ok(_) => "ok".to_string(),
                Err(error) => error.to_string(),
            }
        }
    };
    db.close().await;
    verdict
}

#[tokio::test]
async fn acknowledged_writes_survive_kill_9_on_sqlite() {
    let _alone = ONE_AT_A_TIME.lock().await;
    let folder = tempfile::tempdir().expect("folder");
    crash_rounds(&format!("sqlite://{}", folder.path().join("crash.db").display())).await;
}

#[tokio::test]
async fn acknowledged_writes_survive_kill_9_on_postgres() {
    let _alone = ONE_AT_A_TIME.lock().await;
    let Some(database) = postgres_schema("crash").await else { return };
    crash_rounds(&database.url).await;
    database.drop().await;
}
