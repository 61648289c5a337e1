//! `kill -9` while clients write: every write the server acknowledged is
//! there after a restart, and the database is sound. Ten rounds on each
//! database (`VINCULO_CRASH_ROUNDS` for a longer run).
use serde_json::{Value, json};
use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const CLIENTS: usize = 4;

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
    let mut child = vinculo(database, &["serve", "--listen", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the server");
    let deadline = Instant::now() + Duration::from_secs(30);
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

async fn crash_rounds(database: &str) {
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut server = start(database, port).await;
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
    let token = String::from_utf8_lossy(&token.stdout).lines().last().expect("a token").trim().to_string();
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
    let folder = tempfile::tempdir().expect("folder");
    crash_rounds(&format!("sqlite://{}", folder.path().join("crash.db").display())).await;
}

#[tokio::test]
async fn acknowledged_writes_survive_kill_9_on_postgres() {
    let Ok(url) = std::env::var("VINCULO_TEST_POSTGRES_URL") else {
        assert!(std::env::var("VINCULO_TEST_REQUIRE_ALL").is_err(), "the PostgreSQL crash test cannot run");
        eprintln!("note: PostgreSQL crash test skipped: VINCULO_TEST_POSTGRES_URL is not set");
        return;
    };
    let schema = format!("crash_{}", std::process::id());
    let admin = sqlx::PgPool::connect(&url).await.expect("connect");
    sqlx::query(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE")).execute(&admin).await.expect("drop");
    sqlx::query(&format!("CREATE SCHEMA {schema}")).execute(&admin).await.expect("schema");
    let separator = if url.contains('?') { '&' } else { '?' };
    crash_rounds(&format!("{url}{separator}options[search_path]={schema},public")).await;
    sqlx::query(&format!("DROP SCHEMA {schema} CASCADE")).execute(&admin).await.expect("drop");
}
