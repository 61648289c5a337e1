//! Issue 13's speed goals: 10,000 e-mails through the outbox to a real
//! SMTP server on 127.0.0.1 (aiosmtpd, as the tests use), and 10,000
//! webhook deliveries to a local HTTP receiver, on SQLite (or the
//! PostgreSQL database in `VINCULO_BENCH_DATABASE`, emptied first). The
//! work is queued first, then the worker runs it alone: the rate is what
//! it empties the queue at. A second, paced run (200 e-mails a second
//! for five seconds, the worker running) gives the latency from queueing
//! to the server's acceptance. The process's resident memory is sampled
//! before, during and after. Run with `cargo bench -p vinculo --bench outbox`.
mod support;
use support::{admin_of, database, percentile};

use app::messaging::EmailContent;
use app::parties::PartyInput;
use app::{App, Settings};
use domain::PartyId;
use domain::party::PartyDraft;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const EMAILS: usize = 10_000;
const DELIVERIES: usize = 10_000;
const CUSTOMERS: usize = 100;

fn resident_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// A receiver that only counts: the bench measures the sender.
async fn counting_receiver(count: Arc<AtomicUsize>) -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let router = axum::Router::new().route(
        "/hook",
        axum::routing::post(move || {
            let count = count.clone();
            async move {
                count.fetch_add(1, Ordering::Relaxed);
                "ok"
            }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, router).await });
    port
}

#[tokio::main]
async fn main() {
    let smtp =
        testkit::SmtpReceiver::start().expect("aiosmtpd (scripts/test installs it in target/smtp-venv)");
    let (db, _dir) = database("outbox_bench").await;
    let backend = format!("{:?}", db.backend());
    let app = Arc::new(App::new(db, Settings::default()));
    let admin = admin_of(&app, "Bench").await;
    let settings = domain::message::SmtpSettings::parse(
        "127.0.0.1",
        &smtp.port.to_string(),
        "none",
        "",
        "",
        "Bench",
        "crm@loja.test",
        "",
    )
    .expect("settings");
    app.messages().save_smtp_settings(&admin, 0, settings).await.expect("smtp");
    let mut customers = Vec::new();
    for n in 0..CUSTOMERS {
        let draft = PartyDraft {
            full_name: format!("Cliente {n}"),
            emails: vec![format!("c{n}@exemplo.com.br")],
            ..Default::default()
        };
        let input = PartyInput { draft, consents: vec!["email".into()] };
        customers.push(PartyId(app.parties().create_party(&admin, input).await.expect("customer").party.id));
    }
    let memory_start = resident_mib();
    println!("outbox bench on {backend}");

    // E-mails: queue 10,000, then let the worker empty the queue.
    let queued = Instant::now();
    for n in 0..EMAILS {
        let c = n % CUSTOMERS;
        let content =
            EmailContent::Written { subject: "Revisão", body: "Olá, sua revisão está marcada." };
        app.messages()
            .queue_email(&admin, customers[c], &format!("c{c}@exemplo.com.br"), content)
            .await
            .expect("queued");
    }
    let queueing = queued.elapsed();
    let started = Instant::now();
    let worker = tokio::spawn(app::jobs::run(app.clone()));
    let mut memory_mid = 0.0;
    while smtp.received().len() < EMAILS {
        if started.elapsed() > Duration::from_secs(600) {
            panic!("only {} e-mails arrived in 10 minutes", smtp.received().len());
        }
        if memory_mid == 0.0 && smtp.received().len() > EMAILS / 2 {
            memory_mid = resident_mib();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let sending = started.elapsed();
    println!(
        "e-mails: {EMAILS} queued in {:.1} s ({:.0}/s); sent to the SMTP server in {:.1} s: {:.0} e-mails/s",
        queueing.as_secs_f64(),
        EMAILS as f64 / queueing.as_secs_f64(),
        sending.as_secs_f64(),
        EMAILS as f64 / sending.as_secs_f64()
    );

    // Latency, paced: 200 a second for five seconds with the worker running.
    let before = smtp.received().len();
    let paced = 1_000;
    let pacing = Instant::now();
    for n in 0..paced {
        let due = Duration::from_millis(5 * n as u64);
        if let Some(wait) = due.checked_sub(pacing.elapsed()) {
            tokio::time::sleep(wait).await;
        }
        let c = n % CUSTOMERS;
        let content = EmailContent::Written { subject: "Pausado", body: "Olá." };
        app.messages()
            .queue_email(&admin, customers[c], &format!("c{c}@exemplo.com.br"), content)
            .await
            .expect("queued");
    }
    smtp.wait_for(before + paced, Duration::from_secs(120)).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mut latencies = Vec::new();
    let mut page = None;
    loop {
        let query = app::messaging::OutboxQuery { before: page, ..Default::default() };
        let found = app.messages().outbox(&admin, &query).await.expect("outbox");
        let Some(last) = found.last() else { break };
        page = Some(last.id);
        let mut done = false;
        for message in &found {
            if message.subject != "Pausado" {
                done = true;
                break;
            }
            if let Some(sent) = message.sent_at {
                latencies.push((sent - message.created_at).num_microseconds().unwrap_or(0) as f64 / 1e3);
            }
        }
        if done {
            break;
        }
    }
    println!(
        "e-mail latency, queue to accepted (200/s paced, {} messages): p50 {:.1} ms, p99 {:.1} ms",
        latencies.len(),
        percentile(&mut latencies, 0.5),
        percentile(&mut latencies, 0.99)
    );

    // Webhooks: 10,000 notes, each a delivery to one subscriber.
    let count = Arc::new(AtomicUsize::new(0));
    let port = counting_receiver(count.clone()).await;
    app.webhooks().allow_private(&admin, true).await.expect("allow");
    let draft = domain::webhook::SubscriptionDraft::parse(&format!("http://127.0.0.1:{port}/hook"), ["note"])
        .expect("draft");
    app.webhooks().subscribe(&admin, draft).await.expect("subscribe");
    worker.abort();
    let queued = Instant::now();
    for n in 0..DELIVERIES {
        app.parties().add_note(&admin, customers[n % CUSTOMERS], "nota do benchmark").await.expect("note");
    }
    let queueing = queued.elapsed();
    let started = Instant::now();
    let worker = tokio::spawn(app::jobs::run(app.clone()));
    let mut memory_webhooks = 0.0;
    while count.load(Ordering::Relaxed) < DELIVERIES {
        if started.elapsed() > Duration::from_secs(600) {
            panic!("only {} deliveries in 10 minutes", count.load(Ordering::Relaxed));
        }
        if memory_webhooks == 0.0 && count.load(Ordering::Relaxed) > DELIVERIES / 2 {
            memory_webhooks = resident_mib();
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let delivering = started.elapsed();
    worker.abort();
    println!(
        "webhooks: {DELIVERIES} notes (each queueing a delivery) in {:.1} s; delivered in {:.1} s: {:.0} deliveries/s",
        queueing.as_secs_f64(),
        delivering.as_secs_f64(),
        DELIVERIES as f64 / delivering.as_secs_f64()
    );
    println!(
        "resident memory: {memory_start:.0} MiB before, {memory_mid:.0} MiB halfway through the e-mails, \
         {memory_webhooks:.0} MiB halfway through the webhooks, {:.0} MiB at the end",
        resident_mib()
    );
}
