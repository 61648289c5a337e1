//! Issue 15's speed goals for the relationship engine: the count of each
//! of a fixed set of filter combinations from the in-memory index — cold
//! (no clause cached) and live (one clause changed, the rest cached) —
//! against the SQL compiler's count of the same segments in the same run
//! as the baseline; the index's build time and memory (RSS before and
//! after), and how soon a committed sale counts.
//!
//! On the demo data: `VINCULO_BENCH_ENGINE_DB` names an existing demo
//! database (`sqlite:///tmp/retail.db` after `vinculo demo --customers
//! 1000000 --purchases 10000000`), else one is loaded here at
//! `VINCULO_BENCH_CUSTOMERS` (100,000) and `VINCULO_BENCH_PURCHASES`
//! (1,000,000). `cargo bench -p vinculo --bench engine`.
//!
//! While trying a change to the index: `VINCULO_BENCH_ONLY` keeps the
//! combinations whose name holds it, and `VINCULO_BENCH_SQL_RUNS=0` skips
//! SQL (and so the check that both count the same).
mod support;
use support::{admin_of, percentile};

use app::{App, Settings};
use chrono::{Datelike, Duration};
use domain::engine::{EngineField, EngineSort, Operation, PurchaseWindow, Removal, Segment};
use domain::filter::{Filter, Test, Value};
use std::time::Instant;

/// The SQL baseline's runs per combination (`VINCULO_BENCH_SQL_RUNS`):
/// at a million customers one takes up to a minute.
const SQL_RUNS: u64 = 3;
const INDEX_RUNS: usize = 25;

/// The process's anonymous resident memory: its heap, where the index
/// lives. The whole resident set also counts the pages of the database
/// file SQLite reads through its memory map (up to 2 GiB), which are the
/// system's file cache, shared and given back under pressure.
fn rss_bytes() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("RssAnon:"))
        .and_then(|kb| kb.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

async fn demo_database() -> (db::Db, Option<tempfile::TempDir>) {
    if let Ok(url) = std::env::var("VINCULO_BENCH_ENGINE_DB") {
        let db = db::Db::connect(&url).await.expect("open the demo database");
        db::migrate::run(&db).await.expect("migrate");
        return (db, None);
    }
    let (db, dir) = support::database("engine_bench").await;
    let app = App::new(db.clone(), Settings::default());
    app.setup().ensure_demo().await.expect("demo");
    let org = app.demo().demo_organisation().await.expect("org").expect("demo org");
    let customers = env_number("VINCULO_BENCH_CUSTOMERS", 100_000);
    let purchases = env_number("VINCULO_BENCH_PURCHASES", 1_000_000);
    let started = Instant::now();
    app.demo().load_demo(org, customers, purchases, 7).await.expect("demo");
    println!(
        "loaded {customers} customers and {purchases} purchases in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    (db, dir)
}

fn is(field: EngineField, test: Test) -> Filter<EngineField> {
    Filter::is(field, test)
}

fn at_least(n: i64) -> Test {
    Test::Range { from: Some(Value::Number(n)), to: None }
}

fn at_most(n: i64) -> Test {
    Test::Range { from: None, to: Some(Value::Number(n)) }
}

type Combination = (&'static str, Box<dyn Fn(i64) -> Segment>);

/// The fixed combinations; `i` moves one bound a little, so each run asks
/// a clause not asked before (what a person typing does).
fn combinations(today: chrono::NaiveDate, stores: &[uuid::Uuid], seller: uuid::Uuid) -> Vec<Combination> {
    let year_ago = today - Duration::days(365);
    let day = |d: chrono::NaiveDate| Value::text(d.to_string());
    let store = |n: usize| Value::text(stores[n % stores.len()].to_string());
    let (a, b, c) = (store(0), store(1), store(2));
    let last_year = PurchaseWindow { stores: Vec::new(), from: Some(year_ago), to: Some(today) };
    let next_week = move |i: i64| {
        let from = today + Duration::days(1 + i % 3);
        let to = from + Duration::days(6);
        Test::Range {
            from: Some(Value::text(format!("{:02}-{:02}", from.month(), from.day()))),
            to: Some(Value::text(format!("{:02}-{:02}", to.month(), to.day()))),
        }
    };
    let window = last_year.clone();
    let all = |clauses: Vec<Filter<EngineField>>| Filter::all(clauses);
    vec![
        (
            "SP + e-mail + >= 3 purchases totalling >= R$ 6.000 in 12 months",
            Box::new(move |i| Segment {
                window: window.clone(),
                filter: all(vec![
                    is(EngineField::State, Test::Equals(Value::text("SP"))),
                    is(EngineField::Email, Test::IsEmpty(false)),
                    is(EngineField::PurchaseCount, at_least(3)),
                    is(EngineField::TotalBought, at_least(600_000 + i)),
                ]),
                ..Default::default()
            }),
        ),
        (
            "stores {A,B} with sales in 12 months, never at C",
            Box::new({
                let (a, b, c) = (a.clone(), b.clone(), c.clone());
                move |i| Segment {
                    window: PurchaseWindow {
                        stores: Vec::new(),
                        from: Some(year_ago - Duration::days(i)),
                        to: Some(today),
                    },
                    filter: all(vec![
                        is(EngineField::StoresWithSales, Test::In(vec![a.clone(), b.clone()])),
                        is(EngineField::StoresWithoutSales, Test::In(vec![c.clone()])),
                    ]),
                    ..Default::default()
                }
            }),
        ),
        (
            "group Peças + seller + largest >= R$ 500 in 12 months",
            Box::new({
                let window = last_year.clone();
                move |i| Segment {
                    window: window.clone(),
                    filter: all(vec![
                        is(EngineField::ProductGroup, Test::Equals(Value::text("Peças"))),
                        is(EngineField::SaleSeller, Test::Equals(Value::text(seller.to_string()))),
                        is(EngineField::LargestPurchase, at_least(50_000 + i)),
                    ]),
                    ..Default::default()
                }
            }),
        ),
        (
            "has not bought since a year ago",
            Box::new(move |i| Segment {
                filter: is(
                    EngineField::LastPurchase,
                    Test::Range { from: None, to: Some(day(year_ago - Duration::days(i))) },
                ),
                ..Default::default()
            }),
        ),
        (
            "attributes only: RJ + women + 30 to 50 years",
            Box::new(move |i| Segment {
                filter: all(vec![
                    is(EngineField::State, Test::Equals(Value::text("RJ"))),
                    is(EngineField::Sex, Test::Equals(Value::text("f"))),
                    is(
                        EngineField::Age,
                        Test::Range { from: Some(Value::Number(30)), to: Some(Value::Number(50 + i % 5)) },
                    ),
                ]),
                ..Default::default()
            }),
        ),
        (
            "birthdays next week + SMS consent",
            Box::new(move |i| Segment {
                filter: all(vec![
                    is(EngineField::Birthday, next_week(i)),
                    is(EngineField::ConsentSmsWhatsapp, Test::Equals(Value::Bool(true))),
                ]),
                ..Default::default()
            }),
        ),
        (
            "points balance >= 100",
            Box::new(move |i| Segment {
                filter: is(EngineField::PointsBalance, at_least(100 + i)),
                ..Default::default()
            }),
        ),
        (
            "SP, remove who bought last week",
            Box::new(move |i| Segment {
                filter: is(EngineField::State, Test::Equals(Value::text("SP"))),
                remove: vec![Removal {
                    operation: Operation::Sale,
                    kind: None,
                    nature: None,
                    from: Some(today - Duration::days(7 + i % 3)),
                    to: Some(today),
                }],
                ..Default::default()
            }),
        ),
        (
            "SP, remove who had a call last week",
            Box::new(move |i| Segment {
                filter: is(EngineField::State, Test::Equals(Value::text("SP"))),
                remove: vec![Removal {
                    operation: Operation::Contact,
                    kind: Some("call".into()),
                    nature: None,
                    from: Some(today - Duration::days(7 + i % 3)),
                    to: Some(today),
                }],
                ..Default::default()
            }),
        ),
        (
            "called in the last 30 days + SMS consent",
            Box::new(move |i| Segment {
                filter: all(vec![
                    is(
                        EngineField::LastCall,
                        Test::Relative { from: Some(-30 - (i % 5) as i32), to: Some(0) },
                    ),
                    is(EngineField::ConsentSmsWhatsapp, Test::Equals(Value::Bool(true))),
                ]),
                ..Default::default()
            }),
        ),
        (
            "no more than 30 days overdue + SP",
            Box::new(move |i| Segment {
                filter: all(vec![
                    is(EngineField::DaysOverdue, at_most(30 + i)),
                    is(EngineField::State, Test::Equals(Value::text("SP"))),
                ]),
                ..Default::default()
            }),
        ),
        (
            "average delay <= 5 days + phone consent",
            Box::new(move |i| Segment {
                filter: all(vec![
                    is(EngineField::AverageDelay, at_most(5 + i % 3)),
                    is(EngineField::ConsentPhone, Test::Equals(Value::Bool(true))),
                ]),
                ..Default::default()
            }),
        ),
        (
            "brand Pirelli at store A, all time",
            Box::new({
                let a = stores[0];
                move |i| Segment {
                    window: PurchaseWindow {
                        stores: vec![a],
                        from: Some(today - Duration::days(3650 + i)),
                        to: None,
                    },
                    filter: is(EngineField::ProductBrand, Test::Equals(Value::text("Pirelli"))),
                    ..Default::default()
                }
            }),
        ),
        (
            "SP or RJ, not tagged, total bought >= R$ 1.000, first 5,000",
            Box::new(move |i| Segment {
                filter: all(vec![
                    Filter::Any {
                        any: vec![
                            is(EngineField::State, Test::Equals(Value::text("SP"))),
                            is(EngineField::State, Test::Equals(Value::text("RJ"))),
                        ],
                    },
                    is(EngineField::Tag, Test::IsEmpty(true)),
                    is(EngineField::TotalBought, at_least(100_000 + i)),
                ]),
                limit: Some(5_000),
                ..Default::default()
            }),
        ),
    ]
}

fn ms(started: Instant) -> f64 {
    started.elapsed().as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() {
    // `RUST_LOG=app=debug` shows where each count's time goes.
    if let Ok(filter) = std::env::var("RUST_LOG") {
        tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).init();
    }
    let (db, _dir) = demo_database().await;
    let backend = format!("{:?}", db.backend());
    let app = App::new(db, Settings::default());
    let admin = admin_of(&app, app::setup::DEMO_ORGANISATION).await;
    let stores: Vec<uuid::Uuid> =
        app.catalogue().stores(&admin).await.expect("stores").iter().map(|s| s.id).collect();
    let seller =
        app.parties().sellers(&admin).await.expect("sellers").first().map(|s| s.id).expect("a seller");
    let today = app.today(&admin);

    // mimalloc hands freed pages back to the system a second after, at
    // its next call: `MIMALLOC_PURGE_DELAY=0` hands them back at once, so
    // that the growth over the build is what the index holds.
    let rss_before = rss_bytes();
    let building = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let peak = {
        let building = building.clone();
        std::thread::spawn(move || {
            let mut peak = 0;
            while building.load(std::sync::atomic::Ordering::Relaxed) {
                peak = peak.max(rss_bytes());
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
            peak
        })
    };
    let started = Instant::now();
    app.engine().build_index(&admin).await.expect("index");
    let build_s = started.elapsed().as_secs_f64();
    let rss_after = rss_bytes();
    building.store(false, std::sync::atomic::Ordering::Relaxed);
    let rss_peak = peak.join().unwrap_or_default().max(rss_after);
    // Built again (`VINCULO_BENCH_BUILDS`), with the tables the first read
    // now in the system's cache.
    for _ in 1..env_number("VINCULO_BENCH_BUILDS", 1) {
        let started = Instant::now();
        app.engine().build_index(&admin).await.expect("index");
        println!("built again in {:.1} s", started.elapsed().as_secs_f64());
    }
    let everyone =
        app.engine().count_from_index(&admin, &Segment::default()).await.expect("count").expect("indexed");
    println!(
        "{backend}: index of {} customers built in {build_s:.1} s; anonymous RSS {:.0} → {:.0} MiB (+{:.0} MiB), +{:.0} MiB at the most while building",
        everyone.total,
        rss_before as f64 / 1048576.0,
        rss_after as f64 / 1048576.0,
        (rss_after.saturating_sub(rss_before)) as f64 / 1048576.0,
        (rss_peak.saturating_sub(rss_before)) as f64 / 1048576.0
    );

    let mut cold_all = Vec::new();
    let mut live_all = Vec::new();
    println!(
        "| combination | customers | SQL median ms | index cold p50 / p99 ms | live p50 ms | SQL / index |"
    );
    println!("|---|---|---|---|---|---|");
    // `VINCULO_BENCH_ONLY`: only the combinations whose name holds it.
    let only = std::env::var("VINCULO_BENCH_ONLY").unwrap_or_default();
    let sql_runs = env_number("VINCULO_BENCH_SQL_RUNS", SQL_RUNS);
    for (name, segment_at) in combinations(today, &stores, seller) {
        if !name.contains(&only) {
            continue;
        }
        let mut sql = Vec::new();
        for i in 0..sql_runs {
            let started = Instant::now();
            app.engine().count_from_sql(&admin, &segment_at(i as i64)).await.expect("sql");
            sql.push(ms(started));
        }
        let indexed =
            app.engine().count_from_index(&admin, &segment_at(0)).await.expect("index").expect("indexed");
        // With no SQL runs asked for (trying the index alone), no check either.
        if sql_runs > 0 {
            let sql_check = app.engine().count_from_sql(&admin, &segment_at(0)).await.expect("sql");
            assert_eq!(indexed, sql_check, "{name}: the index and SQL disagree");
        }
        let mut cold = Vec::new();
        for i in 0..INDEX_RUNS {
            let started = Instant::now();
            app.engine()
                .count_from_index_cold(&admin, &segment_at(i as i64))
                .await
                .expect("cold")
                .expect("indexed");
            cold.push(ms(started));
        }
        let mut live = Vec::new();
        for i in 0..INDEX_RUNS {
            let started = Instant::now();
            app.engine()
                .count_from_index(&admin, &segment_at(1000 + i as i64))
                .await
                .expect("live")
                .expect("indexed");
            live.push(ms(started));
        }
        let sql_median = if sql.is_empty() { 0.0 } else { percentile(&mut sql, 0.5) };
        let cold_median = percentile(&mut cold, 0.5);
        println!(
            "| {name} | {} | {sql_median:.0} | {cold_median:.1} / {:.1} | {:.1} | {:.0}× |",
            indexed.total,
            percentile(&mut cold, 0.99),
            percentile(&mut live, 0.5),
            sql_median / cold_median.max(0.001),
        );
        cold_all.extend(cold);
        live_all.extend(live);
    }
    if cold_all.is_empty() {
        println!("no combination's name holds {only:?}");
    } else {
        println!(
            "all combinations: cold p50 {:.1} ms, p99 {:.1} ms; live p50 {:.1} ms, p99 {:.1} ms",
            percentile(&mut cold_all, 0.5),
            percentile(&mut cold_all, 0.99),
            percentile(&mut live_all, 0.5),
            percentile(&mut live_all, 0.99),
        );
    }

    // The grid's first page, sorted by each column the index keeps, over
    // everyone and over a large segment: the page picked from the index,
    // its fifty rows read by SQL.
    println!("| first page of | sorted by | p50 / p99 ms |");
    println!("|---|---|---|");
    let mut pages_all = Vec::new();
    let in_sp =
        Segment { filter: is(EngineField::State, Test::Equals(Value::text("SP"))), ..Default::default() };
    for (label, segment) in [("everyone", Segment::default()), ("SP", in_sp)] {
        for (sort, descending) in [
            (EngineSort::Name, false),
            (EngineSort::DaysOverdue, false),
            (EngineSort::TotalBought, true),
            (EngineSort::LastPurchase, false),
            (EngineSort::Points, true),
        ] {
            let view = app::engine::GridView { sort, descending, page: 1 };
            let mut pages = Vec::new();
            for _ in 0..INDEX_RUNS {
                let started = Instant::now();
                app.engine().results(&admin, &segment, view).await.expect("page");
                pages.push(ms(started));
            }
            println!(
                "| {label} | {sort:?}{} | {:.1} / {:.1} |",
                if descending { " (descending)" } else { "" },
                percentile(&mut pages, 0.5),
                percentile(&mut pages, 0.99)
            );
            pages_all.extend(pages);
        }
    }
    println!(
        "all first pages: p50 {:.1} ms, p99 {:.1} ms",
        percentile(&mut pages_all, 0.5),
        percentile(&mut pages_all, 0.99)
    );

    // A committed sale counts at the next look: a customer who has not
    // bought today joins those who did.
    let bought_today = is(EngineField::LastPurchase, Test::Relative { from: Some(0), to: Some(0) });
    let segment = Segment { filter: bought_today.clone(), ..Default::default() };
    let before = app.engine().count_from_index(&admin, &segment).await.expect("count").expect("indexed");
    let not_today =
        Segment { filter: Filter::Not { not: Box::new(bought_today) }, limit: Some(1), ..Default::default() };
    let party =
        app.engine().results(&admin, &not_today, Default::default()).await.expect("a customer").lines[0].id;
    let sale = domain::sale::SaleDraft {
        store: "01".into(),
        items: vec![domain::sale::SaleItemDraft {
            product: "OLEO".into(),
            quantity: "1".into(),
            ..Default::default()
        }],
        payment: "cash".into(),
        ..Default::default()
    };
    let committed = Instant::now();
    app.sales().record_sale(&admin, party, &sale).await.expect("sale");
    let recorded = ms(committed);
    let looked = Instant::now();
    let after = app.engine().count_from_index(&admin, &segment).await.expect("count").expect("indexed");
    println!(
        "a sale committed ({recorded:.1} ms) is counted by the next look, {:.1} ms later (count {} → {})",
        ms(looked),
        before.total,
        after.total
    );
    assert_eq!(after.total, before.total + 1, "the sale's customer counts at the next look");
    // The allocator hands freed pages back a while after they were freed
    // (mimalloc: a second later, at its next call), so the build's
    // temporary columns still count just after it.
    println!(
        "anonymous RSS at the end: {:.0} MiB (+{:.0} MiB over the start)",
        rss_bytes() as f64 / 1048576.0,
        (rss_bytes().saturating_sub(rss_before)) as f64 / 1048576.0
    );
}
