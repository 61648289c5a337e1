//! Contract reminders: each morning the owner of an active contract
//! expiring within 30 days is told by e-mail (one message for all of his),
//! again a week later while it is not renewed or ended, never for one
//! ended or further off — through a real SMTP server, on both databases.
use crate::app_with_admin_on;
use crate::messaging::point_at;
use app::parties::PartyInput;
use app::{Actor, App, Clock, Settings};
use domain::PartyId;
use domain::contract::{ContractDraft, ContractFile};
use domain::party::PartyDraft;
use std::time::Duration;
use testkit::{SmtpReceiver, TestDb, db_test};

fn at(text: &str) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(text).expect("instant").to_utc()
}

async fn attach(app: &App, admin: &Actor, party: PartyId, number: &str, expires_on: &str, status: &str) {
    let draft = ContractDraft {
        number: number.into(),
        status: status.into(),
        starts_on: "2026-01-01".into(),
        expires_on: expires_on.into(),
        ..Default::default()
    };
    let file = ContractFile::check("c.pdf", b"%PDF-1.4 assinado".to_vec());
    app.contracts().attach(admin, party, &draft, file).await.expect("attached");
}

async fn owners_are_told_of_contracts_about_to_expire(t: TestDb) {
    let Some(smtp) = SmtpReceiver::start() else { return };
    // 10:00 in São Paulo.
    let clock = Clock::fixed(at("2026-12-01T13:00:00Z"));
    let (app, admin) = app_with_admin_on(&t, Settings::default(), clock.clone()).await;
    point_at(&app, &admin, smtp.port).await;
    let draft = PartyDraft { full_name: "Transportes Andrade Ltda".into(), ..Default::default() };
    let input = PartyInput { draft, consents: Vec::new() };
    let party = PartyId(app.parties().create_party(&admin, input).await.expect("party").party.id);
    attach(&app, &admin, party, "CT-10", "2026-12-20", "active").await;
    attach(&app, &admin, party, "CT-11", "2026-12-31", "active").await;
    attach(&app, &admin, party, "CT-12", "2026-12-15", "ended").await;
    attach(&app, &admin, party, "CT-13", "2027-03-01", "active").await;

    // The next morning at 07:30: one e-mail with the two active ones due within 30 days.
    clock.advance(at("2026-12-02T10:30:00Z") - at("2026-12-01T13:00:00Z"));
    app.worker().schedule_daily_tasks().await.expect("schedule");
    app.worker().run_due_jobs().await.expect("run");
    let received = smtp.wait_for(1, Duration::from_secs(10)).await;
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].rcpt_tos, ["admin@loja.test"]);
    assert!(received[0].subject.contains("2 contrato(s)"), "{}", received[0].subject);
    assert!(
        received[0].text.contains("CT-10 · Transportes Andrade Ltda · vence em 20/12/2026"),
        "{}",
        received[0].text
    );
    assert!(
        received[0].text.contains("CT-11")
            && !received[0].text.contains("CT-12")
            && !received[0].text.contains("CT-13")
    );

    // The days after: not again within the week; the week after, again.
    for _ in 0..6 {
        clock.advance(chrono::Duration::days(1));
        app.worker().schedule_daily_tasks().await.expect("schedule");
        app.worker().run_due_jobs().await.expect("run");
    }
    assert_eq!(smtp.received().len(), 1, "once a week");
    clock.advance(chrono::Duration::days(1));
    app.worker().schedule_daily_tasks().await.expect("schedule");
    app.worker().run_due_jobs().await.expect("run");
    assert_eq!(smtp.wait_for(2, Duration::from_secs(10)).await.len(), 2);
}

db_test!(owners_are_told_of_contracts_about_to_expire);
