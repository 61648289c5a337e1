//! Issue 16's speed goals, on SQLite (or the PostgreSQL database in
//! `VINCULO_BENCH_DATABASE`, emptied first): a quote of 50 catalogue lines
//! saved through the use case (goal: p99 ≤ 20 ms), against a note added to
//! a customer in the same run as the baseline write; and that quote typeset
//! as a PDF through the use case (goal: p50/p99 ≤ 150 ms), against a
//! one-line quote's PDF as the baseline — each PDF of a different quote,
//! so typst's memoization cannot answer from the one before. Run with
//! `cargo bench -p vinculo --bench quotes`.
mod support;
use support::{admin_of, database, percentile};

use app::parties::PartyInput;
use app::{App, Settings};
use domain::PartyId;
use domain::catalogue::ProductDraft;
use domain::party::PartyDraft;
use domain::quote::{QuoteDraft, QuoteLineDraft};
use std::time::Instant;

const SAVES: usize = 300;
const PDFS: usize = 200;
const LINES: usize = 50;

fn quote(lines: usize) -> QuoteDraft {
    QuoteDraft {
        discount: "3".into(),
        freight: "120,00".into(),
        payment_terms: "installments".into(),
        installments: "4".into(),
        delivery_terms: "Entrega em 10 dias úteis".into(),
        lines: (0..lines)
            .map(|n| QuoteLineDraft {
                product: format!("P{n:02}"),
                quantity: format!("{}", 1 + n % 7),
                discount: if n % 5 == 0 { "2".into() } else { String::new() },
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    }
}

fn report(name: &str, samples: &mut [f64]) -> (f64, f64) {
    let (median, p99) = (percentile(samples, 0.5), percentile(samples, 0.99));
    println!("{name}: median {median:.2} ms, p99 {p99:.2} ms ({} samples)", samples.len());
    (median, p99)
}

#[tokio::main]
async fn main() {
    let (db, _dir) = database("quotes_bench").await;
    let backend = format!("{:?}", db.backend());
    let app = App::new(db, Settings::default());
    let admin = admin_of(&app, "Bench").await;
    for n in 0..LINES {
        let product = ProductDraft {
            code: format!("P{n:02}"),
            name: format!("Produto de catálogo número {n} com nome longo"),
            price: format!("{},90", 50 + n * 37),
            group: format!("Grupo {}", n % 4),
            active: true,
            ..Default::default()
        };
        app.catalogue().create_product(&admin, &product).await.expect("product");
    }
    let draft = PartyDraft {
        full_name: "Transportes Andrade Ltda".into(),
        emails: vec!["compras@andrade.com.br".into()],
        ..Default::default()
    };
    let input = PartyInput { draft, consents: Vec::new() };
    let party = PartyId(app.parties().create_party(&admin, input).await.expect("customer").party.id);
    println!("quotes bench on {backend}");

    // The baseline write and the quote, interleaved so both see the same machine.
    let (mut notes, mut saves) = (Vec::new(), Vec::new());
    let fifty = quote(LINES);
    let mut saved = Vec::new();
    for _ in 0..SAVES {
        let started = Instant::now();
        app.parties().add_note(&admin, party, "Pediu proposta por e-mail.").await.expect("note");
        notes.push(started.elapsed().as_secs_f64() * 1000.0);
        let started = Instant::now();
        saved
            .push(domain::QuoteId(app.quotes().create_quote(&admin, party, &fifty).await.expect("quote").id));
        saves.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    let (_, note_p99) = report("baseline: a note added to a customer", &mut notes);
    let (_, save_p99) = report("a 50-line quote saved through the use case", &mut saves);
    println!("  quote p99 / note p99: {:.1}×", save_p99 / note_p99);

    let mut small = Vec::new();
    for _ in 0..PDFS {
        small.push(domain::QuoteId(
            app.quotes().create_quote(&admin, party, &quote(1)).await.expect("quote").id,
        ));
    }
    let words = render::quote::SheetLabels {
        title: "Proposta".into(),
        number: "nº".into(),
        cash: "À vista".into(),
        installments: "Parcelado em {count}x".into(),
        ..Default::default()
    };
    let (mut baseline, mut pdfs) = (Vec::new(), Vec::new());
    // The fonts are read and the standard library built once, at the first.
    app.quotes().pdf(&admin, saved[0], &words).await.expect("PDF");
    let mut size = 0;
    for n in 0..PDFS {
        let started = Instant::now();
        app.quotes().pdf(&admin, small[n], &words).await.expect("PDF");
        baseline.push(started.elapsed().as_secs_f64() * 1000.0);
        let started = Instant::now();
        size = app.quotes().pdf(&admin, saved[1 + n], &words).await.expect("PDF").content.len();
        pdfs.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    let (_, small_p99) = report("baseline: a 1-line quote's PDF", &mut baseline);
    let (_, pdf_p99) = report("a 50-line quote's PDF through the use case", &mut pdfs);
    println!("  50-line p99 / 1-line p99: {:.1}×; the PDF is {} KiB", pdf_p99 / small_p99, size / 1024);
}
