//! The customer profile and the agenda at their sizes of use: the profile
//! page of a customer with 20 vehicles and 1,000 history events, and the
//! month view of a branch of 50 users with a month of appointments each,
//! both served by the real router over HTTP on the loopback. A new SQLite
//! file under target/bench each run (or `VINCULO_BENCH_DATABASE`).
//!
//!   cargo bench -p vinculo --bench profile
use app::{Actor, App, Settings};
use chrono::{Datelike, Duration as Days};
use domain::appointment::AppointmentDraft;
use domain::interaction::InteractionDraft;
use domain::vehicle::VehicleDraft;
use domain::{BranchId, PartyId, RoleId, UserId};
use std::sync::Arc;
use std::time::{Duration, Instant};

const RUNS: usize = 300;
const BRANCH_USERS: usize = 50;

fn percentile(samples: &mut [Duration], p: f64) -> f64 {
    samples.sort();
    let index = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[index].as_secs_f64() * 1e3
}

fn report(name: &str, mut samples: Vec<Duration>) {
    let p50 = percentile(&mut samples, 0.50);
    let p99 = percentile(&mut samples, 0.99);
    println!("| {name} | {} | {p50:.2} | {p99:.2} |", samples.len());
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    runtime.block_on(run());
}

const PASSWORD: &str = "bench-password-1";

async fn admin(app: &App) -> Actor {
    let email = "bench-profile@demo.vinculo.local";
    app.setup()
        .operator_create_user(
            app::setup::DEMO_ORGANISATION,
            app::users::NewUserInput {
                email: email.into(),
                display_name: "Bench".into(),
                password: PASSWORD.into(),
                role: "admin".into(),
                locale: None,
                ..Default::default()
            },
        )
        .await
        .expect("bench user");
    app.auth()
        .login(app::auth::LoginInput { email, password: PASSWORD, ip: None, user_agent: None })
        .await
        .expect("login")
        .actor
}

/// One customer with 20 vehicles and, through the use cases, 1,000 events.
async fn rich_customer(app: &App, admin: &Actor) -> PartyId {
    let draft =
        domain::party::PartyDraft { full_name: "Cliente Com Histórico".into(), ..Default::default() };
    let party = PartyId(
        app.parties()
            .create_party(admin, app::parties::PartyInput { draft, consents: vec![] })
            .await
            .expect("party")
            .party
            .id,
    );
    let mut events = 1;
    for n in 0..20 {
        let plate = format!("BEN{}A{:02}", n % 10, n);
        let vehicle = VehicleDraft {
            plate,
            model: "Onix".into(),
            make: "Chevrolet".into(),
            year: Some(2020),
            ..Default::default()
        };
        app.vehicles().add_vehicle(admin, party, &vehicle).await.expect("vehicle");
        events += 1;
    }
    for n in 0..200 {
        let draft = InteractionDraft {
            nature: "after_sale".into(),
            channel: "call".into(),
            description: format!("Contato {n}"),
            ..Default::default()
        };
        app.interactions().open_interaction(admin, party, &draft).await.expect("interaction");
        events += 1;
    }
    for n in 0..100 {
        let day = 1 + n % 28;
        let draft = AppointmentDraft {
            title: format!("Revisão {n}"),
            party_id: Some(party.0),
            starts_at: format!("2026-10-{day:02}T09:00"),
            ends_at: format!("2026-10-{day:02}T09:30"),
            ..Default::default()
        };
        app.agenda().book_appointment(admin, &draft).await.expect("appointment");
        events += 1;
    }
    while events < 1_000 {
        app.parties().add_note(admin, party, &format!("Anotação {events}")).await.expect("note");
        events += 1;
    }
    party
}

/// A branch of 50 users, each with three appointments a working day of
/// the month and a weekly call.
async fn busy_branch(app: &App, admin: &Actor, month: chrono::NaiveDate) -> Vec<UserId> {
    let branch = BranchId(app.access().create_branch(admin, "Filial Bench", "").await.expect("branch").id);
    let roles = app.access().list_roles(admin).await.expect("roles");
    let role = RoleId(roles.iter().find(|r| r.key == "account_manager").expect("role").id);
    let mut users = Vec::new();
    for n in 0..BRANCH_USERS {
        let user = app
            .users()
            .create_user(
                admin,
                app::users::NewUserInput {
                    email: format!("agenda{n}@bench.test"),
                    display_name: format!("Gestor {n:02}"),
                    password: PASSWORD.into(),
                    role: "member".into(),
                    locale: None,
                    ..Default::default()
                },
            )
            .await
            .expect("user");
        app.access().assign_user(admin, user.id, Some(branch), &[role]).await.expect("assign");
        users.push(user.id);
    }
    for (n, user) in users.iter().enumerate() {
        for day in month.iter_days().take_while(|d| d.month() == month.month()) {
            if day.weekday().number_from_monday() > 5 {
                continue;
            }
            for hour in [9, 11, 15] {
                let draft = AppointmentDraft {
                    title: format!("Visita {n}-{day}-{hour}"),
                    starts_at: format!("{day}T{hour:02}:00"),
                    ends_at: format!("{day}T{hour:02}:45"),
                    user_ids: vec![user.0],
                    ..Default::default()
                };
                app.agenda().book_appointment(admin, &draft).await.expect("appointment");
            }
        }
        let weekly = AppointmentDraft {
            title: format!("Ligação semanal {n}"),
            kind: "call".into(),
            starts_at: format!("{month}T17:00"),
            ends_at: format!("{month}T17:15"),
            user_ids: vec![user.0],
            repeat: "weekly".into(),
            repeat_count: Some(10),
            ..Default::default()
        };
        app.agenda().book_appointment(admin, &weekly).await.expect("series");
    }
    users
}

async fn login(base: &str) -> reqwest::Client {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let page =
        client.get(format!("{base}/login")).send().await.expect("login page").text().await.expect("body");
    let marker = "name=\"csrf_token\" value=\"";
    let start = page.find(marker).expect("csrf") + marker.len();
    let token = &page[start..start + page[start..].find('"').expect("end")];
    let response = client
        .post(format!("{base}/login"))
        .form(&[("csrf_token", token), ("email", "bench-profile@demo.vinculo.local"), ("password", PASSWORD)])
        .send()
        .await
        .expect("login");
    assert_eq!(response.status(), 303, "signed in");
    client
}

async fn timed(client: &reqwest::Client, url: &str, expect: &str) -> Vec<Duration> {
    let mut samples = Vec::with_capacity(RUNS);
    for run in 0..RUNS + 20 {
        let started = Instant::now();
        let response = client.get(url).send().await.expect("GET");
        let status = response.status();
        let body = response.text().await.expect("body");
        let elapsed = started.elapsed();
        assert!(status.is_success() && body.contains(expect), "{url}: {status}");
        // The first requests warm the caches.
        if run >= 20 {
            samples.push(elapsed);
        }
    }
    samples
}

async fn run() {
    let url = std::env::var("VINCULO_BENCH_DATABASE").unwrap_or_else(|_| {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../target/bench");
        std::fs::create_dir_all(dir).expect("bench dir");
        let path = format!("{dir}/profile.db");
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{path}{suffix}"));
        }
        format!("sqlite://{path}")
    });
    let db = db::Db::connect(&url).await.expect("database");
    db::migrate::run(&db).await.expect("migrate");
    let app = Arc::new(App::new(db, Settings::default()));
    app.setup().ensure_demo().await.expect("demo organisation");
    let org = app.demo().demo_organisation().await.expect("org").expect("demo org");
    let started = Instant::now();
    app.demo().load_demo_parties(org, 20_000, 7).await.expect("demo parties");
    let admin = admin(&app).await;
    let party = rich_customer(&app, &admin).await;
    let month = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).expect("date");
    let users = busy_branch(&app, &admin, month).await;
    app.db.refresh_statistics().await.expect("statistics");
    println!("backend: {}  set-up: {:.1} s", app.db.backend().name(), started.elapsed().as_secs_f64());
    let history = app.timeline().history(&admin, party, None, None).await.expect("history");
    println!("profile: 20 vehicles, {} events on the first page", history.len());

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let router = web::router(web::AppState { app: app.clone(), secure_cookies: false, public_url: None });
    tokio::spawn(async move {
        let service = router.into_make_service_with_connect_info::<std::net::SocketAddr>();
        let _ = axum::serve(listener, service).await;
    });
    let client = login(&base).await;
    println!("| request | runs | p50 ms | p99 ms |");
    println!("|---|---|---|---|");
    report(
        "profile page (20 vehicles, 1,000 events)",
        timed(&client, &format!("{base}/customers/{party}"), "Cliente Com Histórico").await,
    );
    report("health (loopback baseline)", timed(&client, &format!("{base}/health"), "").await);
    let everyone: String = users.iter().map(|u| format!("&user={u}")).collect();
    let occurrences = app
        .agenda()
        .period(&admin, &users, month, month + Days::days(31), false)
        .await
        .expect("agenda")
        .len();
    println!("month view: {BRANCH_USERS} users, {occurrences} occurrences in the month");
    report(
        "month view, branch of 50 users",
        timed(&client, &format!("{base}/agenda?view=month&date={month}{everyone}"), "Visita").await,
    );
    // Where the month view's time goes: the use case alone, without HTML.
    let mut samples = Vec::new();
    for _ in 0..100 {
        let started = Instant::now();
        app.agenda().period(&admin, &users, month, month + Days::days(31), false).await.expect("agenda");
        samples.push(started.elapsed());
    }
    report("agenda use case alone, 50 users, a month", samples);
    let window = (chrono::Utc::now() - Days::days(400), chrono::Utc::now() + Days::days(400));
    let mut samples = Vec::new();
    for _ in 0..100 {
        let started = Instant::now();
        db::repo::appointment::of_users(&app.db, org, &users, window.0, window.1, false).await.expect("rows");
        samples.push(started.elapsed());
    }
    report("agenda query alone", samples);
    let mut samples = Vec::new();
    for _ in 0..100 {
        let started = Instant::now();
        app.parties().get_party(&admin, party).await.expect("party");
        samples.push(started.elapsed());
    }
    report("opening the party alone (read audited)", samples);
    report(
        "week view, one user",
        timed(&client, &format!("{base}/agenda?view=week&date={month}&user={}", users[0]), "Visita").await,
    );
}
