//! Issue 17's speed goals, on SQLite (or the PostgreSQL database in
//! `VINCULO_BENCH_DATABASE`, emptied first): the follow-up list of a team
//! of 20 sellers with 50,000 sales contacts (goal: p99 ≤ 20 ms) — a
//! seller's own, the team's and the centre's, the legend's colours, the
//! sorts — against the customer list's first page as the baseline read;
//! and a note confirmed on a contact whose type has a workflow (goal: p99
//! ≤ 15 ms), with the workflow's decision answered after it, against a
//! note added to a customer as the baseline write. Run with
//! `cargo bench -p vinculo --bench follow_up`.
mod support;
use support::{admin_of, database, percentile};

use app::follow_up::contacts::FollowUpQuery;
use app::follow_up::progress::StepWords;
use app::parties::{PartyInput, PartyQuery};
use app::{Actor, App, Settings};
use chrono::Duration;
use db::repo::follow_up::contact::{self as contact_repo, ContactFields};
use domain::follow_up::workflow::{Decision, Workflow, WorkflowStep};
use domain::follow_up::{
    AttendanceTypeDraft, CentreDraft, ContactDraft, ContactOutcome, FollowUpScope, FollowUpSort, Legend,
    NoteDraft,
};
use domain::party::PartyDraft;
use domain::work_queue::WorkState;
use domain::{AttendanceTypeId, PartyId, SalesContactId, UserId};
use std::time::Instant;

const SELLERS: usize = 20;
const PARTIES: usize = 5_000;
const CONTACTS: usize = 50_000;
const ROUNDS: usize = 200;
const NOTES: usize = 300;

fn report(name: &str, samples: &mut [f64]) -> (f64, f64) {
    let (median, p99) = (percentile(samples, 0.5), percentile(samples, 0.99));
    println!("{name}: median {median:.2} ms, p99 {p99:.2} ms ({} samples)", samples.len());
    (median, p99)
}

fn workflow() -> Workflow {
    Workflow {
        decisions: vec![
            Decision {
                question: "Contato efetivado?".into(),
                yes: WorkflowStep::Ask { decision: 1 },
                no: WorkflowStep::Return { centre: None, in_days: 2 },
            },
            Decision {
                question: "Venda realizada?".into(),
                yes: WorkflowStep::Close { outcome: ContactOutcome::Won },
                no: WorkflowStep::Return { centre: None, in_days: 7 },
            },
        ],
    }
}

async fn seller(app: &App, admin: &Actor, n: usize) -> (UserId, Actor) {
    let email = format!("vendedor{n}@loja.test");
    let input = app::users::NewUserInput {
        email: email.clone(),
        display_name: format!("Vendedor {n}"),
        password: "senha-do-benchmark".into(),
        role: "member".into(),
        ..Default::default()
    };
    let user = app.users().create_user(admin, input).await.expect("seller");
    // Each sees the whole organisation's customers, as the team's sellers do.
    let roles = app.access().list_roles(admin).await.expect("roles");
    let role = roles.iter().find(|r| r.key == "administrator").expect("role");
    app.access().assign_user(admin, user.id, None, &[domain::RoleId(role.id)]).await.expect("assign");
    let login =
        app::auth::LoginInput { email: &email, password: "senha-do-benchmark", ip: None, user_agent: None };
    (user.id, app.auth().login(login).await.expect("login").actor)
}

#[tokio::main]
async fn main() {
    let (db, _dir) = database("follow_up_bench").await;
    let backend = format!("{:?}", db.backend());
    let app = App::new(db.clone(), Settings::default());
    let admin = admin_of(&app, "Bench").await;
    println!("follow-up bench on {backend}: {SELLERS} sellers, {PARTIES} customers, {CONTACTS} contacts");

    let mut sellers = Vec::new();
    for n in 0..SELLERS {
        sellers.push(seller(&app, &admin, n).await);
    }
    let mut members: Vec<String> = sellers.iter().map(|(id, _)| id.to_string()).collect();
    members.push(admin.user_id.to_string());
    let centre = CentreDraft { name: "Inside sales".into(), active: true, members };
    let centre = app.follow_up().save_centre(&admin, None, &centre).await.expect("centre");
    let kind = AttendanceTypeDraft {
        name: "Venda".into(),
        note_text: "Cliente contatado.".into(),
        workflow: workflow(),
        active: true,
        ..Default::default()
    };
    let kind =
        AttendanceTypeId(app.follow_up().save_attendance_type(&admin, None, &kind).await.expect("type").id);

    let mut parties = Vec::with_capacity(PARTIES);
    for n in 0..PARTIES {
        let draft = PartyDraft { full_name: format!("Cliente {n:05} da Silva"), ..Default::default() };
        let input = PartyInput { draft, consents: Vec::new() };
        parties.push(PartyId(app.parties().create_party(&admin, input).await.expect("party").party.id));
    }
    // The contacts straight into the database, in batches: the use case is
    // timed below, not while loading.
    let today = chrono::Utc::now().date_naive();
    let now = chrono::Utc::now();
    for batch in 0..CONTACTS / 5_000 {
        let mut tx = db.begin().await.expect("begin");
        for i in batch * 5_000..(batch + 1) * 5_000 {
            let (responsible, _) = &sellers[i % SELLERS];
            let (next, internal) = match i % 5 {
                0 => (Some(today), None),
                1 => (Some(today - Duration::days((i % 30) as i64 + 1)), None),
                2 => (Some(today + Duration::days((i % 60) as i64 + 1)), None),
                3 => (None, Some(today + Duration::days(3))),
                _ => (None, None),
            };
            let fields = ContactFields {
                contacted_on: today - Duration::days((i % 90) as i64),
                name: "Venda",
                attendance_type: kind.0,
                next_return_on: next,
                internal_on: internal,
                centre: (i % 2 == 0).then_some(centre.id),
                responsible: responsible.0,
            };
            let (party, id) = (parties[i % PARTIES], SalesContactId::new());
            contact_repo::insert(&mut tx, admin.org_id, id, party, &fields, *responsible, now)
                .await
                .expect("contact");
            // One in seven closed, spread over the sellers.
            if i % 7 == 6 {
                contact_repo::close(&mut tx, admin.org_id, id, "won", now).await.expect("close");
            }
        }
        tx.commit().await.expect("commit");
    }
    db.refresh_statistics().await.expect("statistics");

    // The list, each query after the baseline read in the same round.
    let lists: Vec<(&str, FollowUpQuery, bool)> = vec![
        ("a seller's own open contacts, soonest return first", FollowUpQuery::default(), true),
        (
            "the team's open contacts (50,000 in reach)",
            FollowUpQuery { scope: Some(FollowUpScope::Team), ..Default::default() },
            false,
        ),
        (
            "the team's, open and closed, by customer",
            FollowUpQuery {
                scope: Some(FollowUpScope::Team),
                state: Some(WorkState::All),
                sort: Some(FollowUpSort::Party),
                ..Default::default()
            },
            false,
        ),
        (
            "the team's overdue ones",
            FollowUpQuery {
                scope: Some(FollowUpScope::Team),
                legend: Some(Legend::Overdue),
                ..Default::default()
            },
            false,
        ),
        (
            "the centre's open contacts, page 5",
            FollowUpQuery { scope: Some(FollowUpScope::Centre), page: Some(5), ..Default::default() },
            false,
        ),
    ];
    let mut baseline = Vec::new();
    let mut timings: Vec<Vec<f64>> = vec![Vec::new(); lists.len()];
    let first_page = PartyQuery { limit: Some(25), ..Default::default() };
    for round in 0..ROUNDS {
        let started = Instant::now();
        app.parties().list_parties(&admin, &first_page).await.expect("customers");
        baseline.push(started.elapsed().as_secs_f64() * 1000.0);
        for (index, (_, query, own)) in lists.iter().enumerate() {
            let reader = if *own { &sellers[round % SELLERS].1 } else { &admin };
            let started = Instant::now();
            let page = app.follow_up().follow_up(reader, query).await.expect("list");
            timings[index].push(started.elapsed().as_secs_f64() * 1000.0);
            assert!(!page.lines.is_empty(), "round {round}: {:?} found nothing", query.scope);
        }
    }
    let (_, base_p99) = report("baseline: the customer list's first page", &mut baseline);
    for ((name, _, _), samples) in lists.iter().zip(timings.iter_mut()) {
        let (_, p99) = report(name, samples);
        println!("  p99 / baseline p99: {:.1}×", p99 / base_p99);
    }

    // Where the team's list spends its time: its page, its capped count, its tally.
    let team = contact_repo::FollowUpFilter {
        org_id: admin.org_id,
        reach: domain::access::Reach::Everything,
        scope: FollowUpScope::Team,
        user: admin.user_id,
        open_only: true,
        legend: None,
        today,
    };
    let (mut pages, mut counts, mut tallies) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..50 {
        let started = Instant::now();
        contact_repo::page(&db, &team, FollowUpSort::NextReturn, 0, 26).await.expect("page");
        pages.push(started.elapsed().as_secs_f64() * 1000.0);
        let started = Instant::now();
        contact_repo::count(&db, &team, 10_000).await.expect("count");
        counts.push(started.elapsed().as_secs_f64() * 1000.0);
        let started = Instant::now();
        contact_repo::tally(&db, &team).await.expect("tally");
        tallies.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    report("  the team's page alone", &mut pages);
    report("  its count (up to 10,000)", &mut counts);
    report("  its tally of the legend", &mut tallies);

    // Confirming a note starts the workflow; its first decision answered after.
    let words = StepWords::default();
    let (mut base_notes, mut confirms, mut decisions) = (Vec::new(), Vec::new(), Vec::new());
    let note =
        NoteDraft { body: "Cliente contatado; vai pensar.".into(), from_standard: false, draft: false };
    for n in 0..NOTES {
        let party = parties[n % PARTIES];
        let draft =
            ContactDraft { name: "Venda".into(), attendance_type: kind.0.to_string(), ..Default::default() };
        let contact =
            SalesContactId(app.follow_up().create_contact(&admin, party, &draft).await.expect("contact").id);
        let started = Instant::now();
        app.parties().add_note(&admin, party, "Pediu proposta por e-mail.").await.expect("note");
        base_notes.push(started.elapsed().as_secs_f64() * 1000.0);
        let started = Instant::now();
        app.follow_up().add_note(&admin, contact, &note, None).await.expect("confirmed");
        confirms.push(started.elapsed().as_secs_f64() * 1000.0);
        let version = app.follow_up().contact(&admin, contact).await.expect("contact").version;
        let started = Instant::now();
        app.follow_up().decide(&admin, contact, version, true, &words).await.expect("decided");
        decisions.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    let (_, base_p99) = report("baseline: a note added to a customer", &mut base_notes);
    let (_, confirm_p99) = report("a note confirmed, starting the contact's workflow", &mut confirms);
    println!("  p99 / baseline p99: {:.1}×", confirm_p99 / base_p99);
    let (_, decide_p99) = report("the workflow's decision answered (its step noted)", &mut decisions);
    println!("  p99 / baseline p99: {:.1}×", decide_p99 / base_p99);
}
