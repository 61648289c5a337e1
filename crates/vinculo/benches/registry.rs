//! The registry at scale: search latency (for the organisation, a branch
//! and a 1 % portfolio), the first page of the list
//! sorted by name and filtered by UF, create-party throughput and the
//! demo generation rate, over `VINCULO_BENCH_PARTIES` demo parties
//! (default 1,000,000) in `VINCULO_BENCH_DATABASE` (default a SQLite file
//! under target/bench). The data set is kept between runs.
//!
//!   cargo bench -p vinculo --bench registry
//!   VINCULO_BENCH_DATABASE=postgres://… cargo bench -p vinculo --bench registry
use app::parties::{PartyInput, PartyQuery};
use app::{Actor, App, Settings};
use domain::party::PartyDraft;
use std::time::{Duration, Instant};

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

/// A user of the bench's own, by e-mail, name and role (`admin`, `member`).
fn bench_user(email: &str, display_name: &str, role: &str) -> app::users::NewUserInput {
    app::users::NewUserInput {
        email: email.into(),
        display_name: display_name.into(),
        password: "bench-password-1".into(),
        role: role.into(),
        locale: None,
        ..Default::default()
    }
}

async fn actor(app: &App) -> Actor {
    let email = "bench@demo.vinculo.local";
    if app.setup().operator_reset_password(email).await.is_err() {
        app.setup()
            .operator_create_user(app::setup::DEMO_ORGANISATION, bench_user(email, "Bench", "admin"))
            .await
            .expect("bench user");
    }
    let password = app.setup().operator_reset_password(email).await.expect("password");
    app.auth()
        .login(app::auth::LoginInput { email, password: &password, ip: None, user_agent: None })
        .await
        .expect("login")
        .actor
}

/// The app as the user with this e-mail sees it.
async fn view_as(app: &App, admin: &Actor, email: &str) -> Actor {
    let email = domain::Email::parse(email).expect("email");
    let user = db::repo::user::find_by_email(&app.db, &email).await.expect("find").expect("user");
    app.access().view_as(admin, domain::UserId(user.id)).await.expect("view as")
}

/// An account manager in no branch (he sees his own customers only) who
/// holds 1 % of the organisation's customers, created once per data set.
async fn portfolio_of_one_percent(app: &App, admin: &Actor, org: domain::OrgId) -> Actor {
    let email = "carteira@demo.vinculo.local";
    let parsed = domain::Email::parse(email).expect("email");
    if db::repo::user::find_by_email(&app.db, &parsed).await.expect("find").is_none() {
        let user = app
            .users()
            .create_user(admin, bench_user(email, "Carteira Pequena", "member"))
            .await
            .expect("portfolio manager");
        let roles = app.access().list_roles(admin).await.expect("roles");
        let manager_role = roles.iter().find(|r| r.key == "account_manager").expect("role");
        app.access()
            .assign_user(admin, user.id, None, &[domain::RoleId(manager_role.id)])
            .await
            .expect("assign");
        // A transfer through the app moves whole portfolios; the bench
        // needs a slice of every one of them.
        let mut tx = app.db.begin().await.expect("begin");
        db::on_tx!(&mut tx, conn => sqlx::query(
            "UPDATE parties SET seller_id = $1, branch_id = NULL WHERE org_id = $2 AND search_rowid % 100 = 0",
        )
        .bind(user.id.0)
        .bind(org.0)
        .execute(conn)
        .await
        .map(|done| done.rows_affected())
        .expect("portfolio"));
        tx.commit().await.expect("commit");
    }
    view_as(app, admin, email).await
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    runtime.block_on(run());
}

async fn run() {
    let target: u64 =
        std::env::var("VINCULO_BENCH_PARTIES").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let url = std::env::var("VINCULO_BENCH_DATABASE").unwrap_or_else(|_| {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../target/bench");
        std::fs::create_dir_all(dir).expect("bench dir");
        format!("sqlite://{dir}/registry-{target}.db")
    });
    let db = db::Db::connect(&url).await.expect("database");
    db::migrate::run(&db).await.expect("migrate");
    // As `vinculo serve` does when it opens the database.
    db.refresh_statistics().await.expect("statistics");
    let app = App::new(db, Settings::default());
    app.setup().ensure_demo().await.expect("demo organisation");
    // As `serve` does: data sets from before access control get the default roles.
    app.access().ensure_access_defaults().await.expect("default roles");
    let org = app.demo().demo_organisation().await.expect("org").expect("demo org");
    let actor = actor(&app).await;
    let have = db::repo::party::count_all(&app.db, org).await.expect("count") as u64;
    println!("backend: {}  parties: {have} (target {target})", app.db.backend().name());
    if have < target {
        let load = app.demo().load_demo_parties(org, target - have, 42).await.expect("demo load");
        println!(
            "demo generation: {} parties in {:.1} s = {:.0} parties/s",
            load.created,
            load.seconds,
            load.created as f64 / load.seconds
        );
    }
    println!();
    println!("| operation | runs | p50 ms | p99 ms |");
    println!("|---|---|---|---|");

    // Baseline in the same run: the cheapest round trip to the database.
    let mut ping = Vec::new();
    for _ in 0..200 {
        let started = Instant::now();
        app.db.ping().await.expect("ping");
        ping.push(started.elapsed());
    }
    report("baseline: SELECT 1", ping);

    let sample = app
        .parties()
        .list_parties(&actor, &PartyQuery { limit: Some(200), ..Default::default() })
        .await
        .expect("sample");
    // Whole words, and words still being typed.
    let mut queries: Vec<String> = vec![
        "joao sil".into(),
        "gonçalves san".into(),
        "mar".into(),
        "oliv".into(),
        "maria oliveira c".into(),
        "maria".into(),
        "joao silva".into(),
        "conceicao".into(),
        "gonçalves santos".into(),
        "ana".into(),
        "jose".into(),
        "auto pecas".into(),
    ];
    for item in sample.items.iter().step_by(10) {
        if let Some(document) = &item.document {
            queries.push(document.clone());
        }
        if let Some(phone) = &item.phone {
            queries.push(phone.clone());
        }
        if let Some(email) = &item.email {
            queries.push(email.split('@').next().unwrap_or_default().to_string());
        }
        let first_two: Vec<&str> = item.full_name.split(' ').take(2).collect();
        queries.push(first_two.join(" ").to_lowercase());
    }
    // One warm-up pass: the figures describe a server that has been up.
    for query in &queries {
        app.parties().search_parties(&actor, query, 10).await.expect("warm-up");
    }
    let mut search = Vec::new();
    let mut slowest: Vec<(Duration, String)> = Vec::new();
    for round in 0..5 {
        for query in &queries {
            let started = Instant::now();
            let found = app.parties().search_parties(&actor, query, 10).await.expect("search");
            search.push(started.elapsed());
            slowest.push((started.elapsed(), query.clone()));
            if round == 0 && found.is_empty() && query.len() > 6 {
                println!("note: no result for {query:?}");
            }
        }
    }
    report("search (names, CPF/CNPJ, phone, e-mail)", search);
    slowest.sort_by_key(|(elapsed, _)| std::cmp::Reverse(*elapsed));
    let worst: Vec<String> =
        slowest.iter().take(5).map(|(d, q)| format!("{q:?} {:.1} ms", d.as_secs_f64() * 1e3)).collect();
    println!("|   slowest searches: {} | | | |", worst.join(", "));

    // Search within a scope (issue 18): the same queries, and the first
    // letters a person types, read by the administrator (organisation), a
    // branch's account manager (a quarter) and a manager without a branch
    // whose portfolio is 1 % of the organisation, interleaved.
    let branch_manager = view_as(&app, &actor, "gestor11@demo.vinculo.local").await;
    let portfolio_manager = portfolio_of_one_percent(&app, &actor, org).await;
    let mut scoped_queries: Vec<String> =
        ["m", "s", "a", "ma", "sa", "jo", "mar", "san", "sil", "mari"].map(String::from).into();
    scoped_queries.extend(queries.iter().take(40).cloned());
    for query in &scoped_queries {
        for who in [&branch_manager, &portfolio_manager] {
            app.parties().search_parties(who, query, 10).await.expect("warm-up");
        }
    }
    let mut by_scope = [Vec::new(), Vec::new(), Vec::new()];
    let mut slowest_scoped: Vec<(Duration, String)> = Vec::new();
    for _ in 0..5 {
        for query in &scoped_queries {
            for (index, who) in [&actor, &branch_manager, &portfolio_manager].into_iter().enumerate() {
                let started = Instant::now();
                app.parties().search_parties(who, query, 10).await.expect("search");
                by_scope[index].push(started.elapsed());
                slowest_scoped.push((started.elapsed(), format!("{query} ({index})")));
            }
        }
    }
    let [organisation, branch, portfolio] = by_scope;
    report("search incl. first letters, administrator (organisation)", organisation);
    report("search incl. first letters, account manager (branch)", branch);
    report("search incl. first letters, manager with a 1 % portfolio", portfolio);
    slowest_scoped.sort_by_key(|(elapsed, _)| std::cmp::Reverse(*elapsed));
    let worst: Vec<String> = slowest_scoped
        .iter()
        .take(5)
        .map(|(d, q)| format!("{q:?} {:.1} ms", d.as_secs_f64() * 1e3))
        .collect();
    println!("|   slowest (0 organisation, 1 branch, 2 portfolio): {} | | | |", worst.join(", "));

    for uf in ["SP", "RJ", "AC"] {
        let mut list = Vec::new();
        for _ in 0..100 {
            let started = Instant::now();
            let page = app
                .parties()
                .list_parties(&actor, &PartyQuery { state: Some(uf.into()), ..Default::default() })
                .await
                .expect("list");
            list.push(started.elapsed());
            assert!(page.items.len() <= 50);
        }
        report(&format!("list first page, UF={uf}, by name"), list);
    }
    // Access control's cost (issue 4): the same first page read by the
    // administrator (whole organisation: no row filter, the list as it was
    // before access control) and by a branch's account manager (a quarter
    // of the parties), interleaved so both see the same machine.
    let manager = view_as(&app, &actor, "gestor11@demo.vinculo.local").await;
    for uf in ["SP", "AC"] {
        let (mut whole, mut branch) = (Vec::new(), Vec::new());
        let query = PartyQuery { state: Some(uf.into()), ..Default::default() };
        for _ in 0..100 {
            for (who, samples) in [(&actor, &mut whole), (&manager, &mut branch)] {
                let started = Instant::now();
                app.parties().list_parties(who, &query).await.expect("list");
                samples.push(started.elapsed());
            }
        }
        let ratio = percentile(&mut branch, 0.5) / percentile(&mut whole, 0.5);
        report(&format!("list first page, UF={uf}, administrator (organisation)"), whole);
        report(&format!("list first page, UF={uf}, account manager (branch) — p50 ×{ratio:.2}"), branch);
    }

    // Issue 12: every sortable column, both ways, over the whole
    // organisation; and the tag filter, for a tag one customer in thirty
    // has and for one only twenty have.
    let rare: Vec<_> = app
        .parties()
        .list_parties(
            &actor,
            &PartyQuery { sort: Some("newest".into()), limit: Some(20), ..Default::default() },
        )
        .await
        .expect("list")
        .items
        .into_iter()
        .map(|item| domain::bulk::Chosen { id: domain::PartyId(item.id), version: item.version })
        .collect();
    let tag_rare = domain::party::PartyBulkChange::AddTag("benchraro".into());
    let tagged = PartyQuery { tag: Some("benchraro".into()), ..Default::default() };
    if matches!(app.parties().count_parties(&actor, &tagged).await, Ok(0)) {
        app.parties()
            .change_in_bulk(&actor, &app::parties::PartySelection::Chosen(rare), &tag_rare)
            .await
            .expect("rare tag");
    }
    for sort in ["name", "city", "state", "newest"] {
        for dir in ["asc", "desc"] {
            let query = PartyQuery { sort: Some(sort.into()), dir: Some(dir.into()), ..Default::default() };
            let mut samples = Vec::new();
            for _ in 0..100 {
                let started = Instant::now();
                let page = app.parties().list_parties(&actor, &query).await.expect("sorted");
                samples.push(started.elapsed());
                assert_eq!(page.items.len(), 50);
            }
            report(&format!("list first page, sorted by {sort} {dir}"), samples);
        }
    }
    for tag in ["vip", "benchraro"] {
        for sort in ["name", "city"] {
            let query = PartyQuery { tag: Some(tag.into()), sort: Some(sort.into()), ..Default::default() };
            let mut samples = Vec::new();
            for _ in 0..100 {
                let started = Instant::now();
                app.parties().list_parties(&actor, &query).await.expect("tagged");
                samples.push(started.elapsed());
            }
            report(&format!("list first page, tag={tag}, sorted by {sort}"), samples);
        }
    }

    let mut next_pages = Vec::new();
    let mut cursor = None;
    for _ in 0..50 {
        let started = Instant::now();
        let page = app
            .parties()
            .list_parties(
                &actor,
                &PartyQuery { state: Some("SP".into()), cursor: cursor.clone(), ..Default::default() },
            )
            .await
            .expect("list");
        next_pages.push(started.elapsed());
        cursor = page.next_cursor;
    }
    report("list next pages (keyset), UF=SP", next_pages);
    let mut counts = Vec::new();
    for _ in 0..10 {
        let started = Instant::now();
        app.parties()
            .count_parties(&actor, &PartyQuery { state: Some("SP".into()), ..Default::default() })
            .await
            .expect("count");
        counts.push(started.elapsed());
    }
    report("count (capped at 10,000), UF=SP", counts);

    let mut creates = Vec::new();
    let started_all = Instant::now();
    for n in 0..300 {
        let draft = PartyDraft {
            full_name: format!("Cliente Benchmark {n}"),
            phones: vec![domain::party::PhoneDraft {
                number: format!("(11) 9{:04}-{:04}", n % 10_000, 4321),
                ..Default::default()
            }],
            emails: vec![format!("bench{n}@exemplo.com.br")],
            ..Default::default()
        };
        let started = Instant::now();
        app.parties()
            .create_party(&actor, PartyInput { draft, consents: vec!["email".into()] })
            .await
            .expect("create");
        creates.push(started.elapsed());
    }
    let total = started_all.elapsed().as_secs_f64();
    report("create party (use case: validate, duplicate check, insert, audit)", creates);
    println!();
    println!("create-party throughput, one client: {:.0} parties/s", 300.0 / total);
}
