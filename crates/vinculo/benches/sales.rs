//! Issue 14's speed goals, on SQLite (or the PostgreSQL database in
//! `VINCULO_BENCH_DATABASE`, emptied first): a sale recorded through the use
//! case (items, a credit sale's installments, the party's figures, points
//! and history in one transaction), against a note added to a customer in
//! the same run as the baseline write; the reads of the Compras and
//! Financeiro tabs for a customer with 500 purchases and 100+ installments;
//! and the ERP's bulk endpoint's rate in batches of 1,000. Run with
//! `cargo bench -p vinculo --bench sales`; `VINCULO_BENCH_ONLY=bulk` runs
//! the bulk endpoint alone (to profile it), `VINCULO_BENCH_BULK_SIZE` sets
//! its batches' size (1,000; the endpoint takes up to 5,000).
mod support;
use support::{admin_of, database, percentile};

use app::parties::PartyInput;
use app::sales::BulkSale;
use app::{App, Settings};
use domain::PartyId;
use domain::catalogue::{ProductDraft, StoreDraft};
use domain::loyalty::ProgramDraft;
use domain::party::PartyDraft;
use domain::sale::{SaleDraft, SaleItemDraft};
use std::time::Instant;

const SALES: usize = 2_000;
const CUSTOMERS: usize = 200;
const PROFILE_SALES: usize = 500;
const PROFILE_READS: usize = 300;
const BULK_SALES: usize = 20_000;

fn sale(n: usize) -> SaleDraft {
    let on_credit = n.is_multiple_of(3);
    SaleDraft {
        store: format!("0{}", 1 + n % 3),
        items: (0..1 + n % 3)
            .map(|i| SaleItemDraft {
                product: format!("P{:02}", (n + i * 7) % 20),
                quantity: "1".into(),
                ..Default::default()
            })
            .collect(),
        payment: if on_credit { "store_credit".into() } else { "card".into() },
        installments: if on_credit { "3".into() } else { String::new() },
        ..Default::default()
    }
}

fn report(name: &str, samples: &mut [f64]) -> f64 {
    let median = percentile(samples, 0.5);
    let p99 = percentile(samples, 0.99);
    println!("{name}: median {median:.2} ms, p99 {p99:.2} ms ({} samples)", samples.len());
    p99
}

#[tokio::main]
async fn main() {
    let (db, _dir) = database("sales_bench").await;
    let backend = format!("{:?}", db.backend());
    let app = App::new(db, Settings::default());
    let admin = admin_of(&app, "Bench").await;
    for n in 1..=3 {
        let store = StoreDraft { code: format!("0{n}"), name: format!("Loja {n}"), cnpj: String::new() };
        app.catalogue().create_store(&admin, &store).await.expect("store");
    }
    for n in 0..20 {
        let product = ProductDraft {
            code: format!("P{n:02}"),
            name: format!("Produto {n}"),
            price: format!("{},90", 50 + n * 37),
            group: format!("Grupo {}", n % 4),
            active: true,
            ..Default::default()
        };
        app.catalogue().create_product(&admin, &product).await.expect("product");
    }
    let program = ProgramDraft {
        points_per_unit: "1".into(),
        expiry_months: "12".into(),
        minimum_redeem: "100".into(),
        active: true,
    };
    app.loyalty().save_program(&admin, 0, &program).await.expect("program");
    let mut customers = Vec::new();
    let bulk_size: usize =
        std::env::var("VINCULO_BENCH_BULK_SIZE").ok().and_then(|n| n.parse().ok()).unwrap_or(1_000);
    for n in 0..CUSTOMERS + bulk_size {
        let draft = PartyDraft { full_name: format!("Cliente {n}"), ..Default::default() };
        let input = PartyInput { draft, consents: Vec::new() };
        customers.push(PartyId(app.parties().create_party(&admin, input).await.expect("customer").party.id));
    }
    println!("sales bench on {backend}");
    let only_bulk = std::env::var("VINCULO_BENCH_ONLY").is_ok_and(|part| part == "bulk");
    if !only_bulk {
        single_sales_and_profile(&app, &admin, &customers).await;
    }
    bulk(&app, &admin, &customers, bulk_size).await;
}

async fn single_sales_and_profile(app: &App, admin: &app::Actor, customers: &[PartyId]) {
    // The baseline write and the sale, interleaved so both see the same machine.
    let (mut notes, mut sales) = (Vec::new(), Vec::new());
    for n in 0..SALES {
        let party = customers[n % CUSTOMERS];
        let started = Instant::now();
        app.parties().add_note(admin, party, "Ligou perguntando do pedido.").await.expect("note");
        notes.push(started.elapsed().as_secs_f64() * 1000.0);
        let started = Instant::now();
        app.sales().record_sale(admin, party, &sale(n)).await.expect("sale");
        sales.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    let note_p99 = report("baseline: a note added to a customer", &mut notes);
    let sale_p99 = report("a sale recorded through the use case", &mut sales);
    println!("  sale p99 / note p99: {:.1}×", sale_p99 / note_p99);

    // One customer with 500 purchases, a third on credit in three.
    let big = customers[0];
    let already = app.sales().figures(admin, big).await.expect("figures").purchase_count as usize;
    for n in already..PROFILE_SALES {
        app.sales().record_sale(admin, big, &sale(n)).await.expect("sale");
    }
    let installments = app.sales().installments(admin, big).await.expect("installments").len();
    let mut reads = Vec::new();
    for _ in 0..PROFILE_READS {
        let started = Instant::now();
        let sales = app.sales();
        let (figures, page, owed) = tokio::try_join!(
            sales.figures(admin, big),
            sales.sales_of(admin, big, None),
            sales.installments(admin, big)
        )
        .expect("reads");
        assert!(figures.purchase_count >= PROFILE_SALES as i64 && !page.sales.is_empty() && !owed.is_empty());
        reads.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    report(
        &format!(
            "the Compras and Financeiro reads, {PROFILE_SALES} purchases and {installments} installments"
        ),
        &mut reads,
    );
}

/// The ERP's batches, each to as many customers as it has sales.
async fn bulk(app: &App, admin: &app::Actor, customers: &[PartyId], size: usize) {
    let (mut created, mut batches) = (0, Vec::new());
    let started = Instant::now();
    for batch in 0..BULK_SALES.div_ceil(size) {
        let rows: Vec<BulkSale> = (0..size)
            .map(|n| BulkSale {
                external_id: format!("NF-{batch}-{n}"),
                party_id: customers[CUSTOMERS + n],
                sale: sale(n),
            })
            .collect();
        let batch_started = Instant::now();
        let outcomes = app.sales().record_bulk(admin, &rows).await.expect("batch");
        batches.push(batch_started.elapsed().as_secs_f64() * 1000.0);
        created += outcomes.iter().filter(|o| matches!(o, app::sales::BulkOutcome::Created(_))).count();
    }
    let seconds = started.elapsed().as_secs_f64();
    let median = percentile(&mut batches, 0.5);
    println!(
        "bulk endpoint's use case: {created} sales in {seconds:.1} s, {:.0} sales/s; batches of {size}: median {median:.1} ms ({:.0} sales/s)",
        created as f64 / seconds,
        size as f64 / median * 1000.0
    );
}
