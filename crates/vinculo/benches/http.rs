//! Issue 12's speed goals through HTTP: the release server started on the
//! registry bench's data set (`VINCULO_BENCH_PARTIES` customers, a million
//! by default; `VINCULO_BENCH_DATABASE` for PostgreSQL), signed in as the
//! bench's administrator, timed with one client (each kind in runs of its
//! own, as wrk times one address, and interleaved) and with sixteen: the
//! customer list's first page, search, a customer's page (its first tab)
//! and a create through the form, next to `GET /health` as the baseline
//! of the same run. Run with
//! `cargo bench -p vinculo --bench http` after the registry bench loaded
//! the data; `VINCULO_BENCH_SERVER=<path>` times another build's server.
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const ONE_CLIENT_RUNS: usize = 500;
/// Requests of one kind back to back, in the runs of its own.
const RUN_LENGTH: usize = 100;
const CLIENTS: usize = 16;
const RUNS_PER_CLIENT: usize = 50;

fn percentile(samples: &mut [Duration], p: f64) -> f64 {
    samples.sort();
    let index = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[index].as_secs_f64() * 1e3
}

/// The server under test, stopped when dropped.
struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn start(database: &str) -> Server {
        // Another build's server (an earlier commit's, for a before/after
        // in one sitting) through `VINCULO_BENCH_SERVER`.
        let program = std::env::var("VINCULO_BENCH_SERVER")
            .unwrap_or_else(|_| env!("CARGO_BIN_EXE_vinculo").to_string());
        let mut child = Command::new(program)
            .args([
                "--config",
                "/nonexistent.toml",
                "--database",
                database,
                "serve",
                "--listen",
                "127.0.0.1:0",
            ])
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start vinculo");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("URL line");
        let base = line.trim().trim_start_matches("URL: ").to_string();
        Server { child, base }
    }

    /// The server's resident memory, from the kernel.
    fn resident_mib(&self) -> f64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap_or_default();
        status
            .lines()
            .find(|l| l.starts_with("VmRSS:"))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map(|kb| kb / 1024.0)
            .unwrap_or(0.0)
    }
}

fn csrf_of(page: &str) -> String {
    page.split("name=\"csrf_token\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a CSRF token")
        .to_string()
}

/// One request of a kind; `n` varies what it asks for.
#[derive(Clone, Copy)]
enum Ask {
    Health,
    List,
    Search,
    Profile,
    Create,
}

struct Target {
    base: String,
    client: reqwest::Client,
    csrf: String,
    parties: Vec<String>,
    run: String,
}

const TERMS: [&str; 8] = ["maria", "silva", "joao sil", "oliv", "santos", "ana", "pereira", "souza"];

async fn ask(target: &Target, what: Ask, n: usize) {
    let response = match what {
        Ask::Health => target.client.get(format!("{}/health", target.base)).send().await,
        Ask::List => target.client.get(format!("{}/customers", target.base)).send().await,
        Ask::Search => {
            let term = TERMS[n % TERMS.len()];
            target.client.get(format!("{}/customers/search", target.base)).query(&[("q", term)]).send().await
        }
        Ask::Profile => {
            let id = &target.parties[n % target.parties.len()];
            target.client.get(format!("{}/customers/{id}", target.base)).send().await
        }
        Ask::Create => {
            let name = format!("Cliente Carga {} {n}", target.run);
            let form = [
                ("csrf_token", target.csrf.as_str()),
                ("kind", "person"),
                ("lifecycle", "customer"),
                ("customer_status", "active"),
                ("full_name", name.as_str()),
            ];
            target.client.post(format!("{}/customers", target.base)).form(&form).send().await
        }
    };
    let response = response.expect("request");
    let status = response.status();
    assert!(status.is_success() || status.is_redirection(), "{status}");
    response.bytes().await.expect("body");
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    runtime.block_on(run());
}

async fn run() {
    let target_size: u64 =
        std::env::var("VINCULO_BENCH_PARTIES").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let url = std::env::var("VINCULO_BENCH_DATABASE").unwrap_or_else(|_| {
        format!("sqlite://{}/../../target/bench/registry-{target_size}.db", env!("CARGO_MANIFEST_DIR"))
    });
    // The registry bench's administrator, with a password known to this run.
    let password = {
        let db = db::Db::connect(&url).await.expect("database");
        let app = app::App::new(db, app::Settings::default());
        app.setup()
            .operator_reset_password("bench@demo.vinculo.local")
            .await
            .expect("run the registry bench first")
    };
    let started = Instant::now();
    let server = Server::start(&url);
    let probe = reqwest::Client::new();
    while probe.get(format!("{}/health", server.base)).send().await.is_err() {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    println!("server up in {:.0} ms on {url}", started.elapsed().as_secs_f64() * 1e3);
    // The worker refreshes the planner's statistics once at start; let it
    // finish rather than time requests against it. The server closes a
    // connection idle that long, so the bench's client starts after.
    tokio::time::sleep(Duration::from_secs(10)).await;
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(CLIENTS)
        .build()
        .expect("client");
    let login = client.get(format!("{}/login", server.base)).send().await.expect("login page");
    let csrf = csrf_of(&login.text().await.expect("body"));
    let signed_in = client
        .post(format!("{}/login", server.base))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("email", "bench@demo.vinculo.local"),
            ("password", &password),
        ])
        .send()
        .await
        .expect("sign in");
    assert_eq!(signed_in.status(), 303, "signed in");
    let list = client.get(format!("{}/customers", server.base)).send().await.expect("list");
    let page = list.text().await.expect("body");
    let csrf = csrf_of(&page);
    let parties: Vec<String> = page
        .split("data-href=\"/customers/")
        .skip(1)
        .filter_map(|rest| rest.split('"').next().map(str::to_string))
        .collect();
    assert!(!parties.is_empty(), "the list shows customers");
    let run = format!("{}", std::process::id());
    let target = Arc::new(Target { base: server.base.clone(), client, csrf, parties, run });

    println!();
    println!("| request | clients | runs | p50 ms | p99 ms | req/s |");
    println!("|---|---|---|---|---|---|");
    let kinds = [
        (Ask::Health, "baseline: GET /health"),
        (Ask::List, "customer list, first page (GET /customers)"),
        (Ask::Search, "search as you type (GET /customers/search)"),
        (Ask::Profile, "a customer's page, first tab (GET /customers/{id})"),
        (Ask::Create, "create through the form (POST /customers, 303)"),
    ];
    // Warm-up: every kind a few times.
    for (what, _) in kinds {
        for n in 0..20 {
            ask(&target, what, n).await;
        }
    }
    // One client, two ways. In runs of its own, as wrk times one address
    // (the peer figures): 100 requests of a kind back to back, the
    // kinds taking turns round after round so the machine's noise falls
    // on all of them alike, the baseline included. Interleaved, request by
    // request: each read follows one of another kind, which costs the
    // server its warm caches (0.7 ms on the list, docs/benchmarks.md), the
    // way a person's clicks arrive among other people's. Creates run after
    // the reads in both.
    let mut own_runs: Vec<Vec<Duration>> =
        kinds.iter().map(|_| Vec::with_capacity(ONE_CLIENT_RUNS)).collect();
    let mut interleaved = own_runs.clone();
    for writes in [false, true] {
        for round in 0..ONE_CLIENT_RUNS / RUN_LENGTH {
            for (k, (what, _)) in kinds.iter().enumerate() {
                if matches!(what, Ask::Create) != writes {
                    continue;
                }
                for n in round * RUN_LENGTH..(round + 1) * RUN_LENGTH {
                    let started = Instant::now();
                    ask(&target, *what, n).await;
                    own_runs[k].push(started.elapsed());
                }
            }
        }
        for n in 0..ONE_CLIENT_RUNS {
            for (k, (what, _)) in kinds.iter().enumerate() {
                if matches!(what, Ask::Create) != writes {
                    continue;
                }
                let started = Instant::now();
                ask(&target, *what, ONE_CLIENT_RUNS + n).await;
                interleaved[k].push(started.elapsed());
            }
        }
    }
    for (((what, label), own), mixed) in kinds.into_iter().zip(own_runs).zip(interleaved) {
        for (how, mut samples) in [("1, runs of its own", own), ("1, interleaved", mixed)] {
            let rate = samples.len() as f64 / samples.iter().sum::<Duration>().as_secs_f64();
            let (p50, p99) = (percentile(&mut samples, 0.5), percentile(&mut samples, 0.99));
            println!("| {label} | {how} | {ONE_CLIENT_RUNS} | {p50:.2} | {p99:.2} | {rate:.0} |");
        }

        let counter = Arc::new(AtomicUsize::new(0));
        let begun = Instant::now();
        let mut tasks = Vec::new();
        for _ in 0..CLIENTS {
            let (target, counter) = (target.clone(), counter.clone());
            tasks.push(tokio::spawn(async move {
                let mut samples = Vec::with_capacity(RUNS_PER_CLIENT);
                for _ in 0..RUNS_PER_CLIENT {
                    let n = counter.fetch_add(1, Ordering::Relaxed) + 2 * ONE_CLIENT_RUNS;
                    let started = Instant::now();
                    ask(&target, what, n).await;
                    samples.push(started.elapsed());
                }
                samples
            }));
        }
        let mut samples = Vec::new();
        for task in tasks {
            samples.extend(task.await.expect("client"));
        }
        let rate = samples.len() as f64 / begun.elapsed().as_secs_f64();
        let (p50, p99) = (percentile(&mut samples, 0.5), percentile(&mut samples, 0.99));
        println!("| {label} | {CLIENTS} | {} | {p50:.2} | {p99:.2} | {rate:.0} |", samples.len());
    }
    println!();
    println!("server resident memory after the run: {:.1} MiB", server.resident_mib());
}
