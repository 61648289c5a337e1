//! Daily tasks: queued once the organisation's local hour has come (03:00
//! in São Paulo is 06:00 UTC), once a day however often the worker looks,
//! and run like any job; the first, pruning finished jobs, keeps failed ones.
use crate::app_with_admin_on;
use app::messaging::EmailContent;
use app::parties::PartyInput;
use app::{Clock, Settings};
use domain::job::{JobKind, JobState};
use domain::party::PartyDraft;
use testkit::{TestDb, db_test};

fn at(text: &str) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(text).expect("instant").to_utc()
}

async fn daily_tasks_run_once_a_day_at_the_local_hour(t: TestDb) {
    let clock = Clock::fixed(at("2026-10-01T12:00:00Z"));
    let (app, admin) = app_with_admin_on(&t, Settings::default(), clock.clone()).await;
    // A job that ended two months before: a message queued, then cancelled.
    let draft = PartyDraft {
        full_name: "Ana Lima".into(),
        emails: vec!["ana@exemplo.com".into()],
        ..Default::default()
    };
    let input = PartyInput { draft, consents: vec!["email".into()] };
    let party = domain::PartyId(app.parties().create_party(&admin, input).await.expect("party").party.id);
    let content = EmailContent::Written { subject: "Oi", body: "Olá Ana" };
    let message =
        app.messages().queue_email(&admin, party, "ana@exemplo.com", content).await.expect("queued");
    app.messages().cancel(&admin, message).await.expect("cancelled");
    let count = |overview: &app::jobs::JobOverview, kind: JobKind, state: JobState| {
        overview.counts.iter().find(|(k, s, _)| *k == kind && *s == state).map_or(0, |(_, _, n)| *n)
    };

    clock.advance(at("2026-12-03T05:59:00Z") - at("2026-10-01T12:00:00Z"));
    assert_eq!(
        app.worker().schedule_daily_tasks().await.expect("schedule"),
        2,
        "02:59 in São Paulo: only the points, due at 00:05, and the quotes, at 00:10"
    );
    let overview = app.worker().overview(&admin).await.expect("overview");
    assert_eq!(count(&overview, JobKind::SendMessage, JobState::Cancelled), 1);

    clock.advance(chrono::Duration::minutes(1));
    assert_eq!(app.worker().schedule_daily_tasks().await.expect("schedule"), 1, "03:00 in São Paulo");
    assert_eq!(app.worker().schedule_daily_tasks().await.expect("schedule"), 0, "once a day");
    clock.advance(chrono::Duration::hours(5));
    assert_eq!(
        app.worker().schedule_daily_tasks().await.expect("schedule"),
        2,
        "08:00: the contract reminders (07:30) and the payment reminders"
    );
    assert_eq!(app.worker().schedule_daily_tasks().await.expect("schedule"), 0, "each once");
    assert_eq!(app.worker().run_due_jobs().await.expect("run"), 5);
    let overview = app.worker().overview(&admin).await.expect("overview");
    assert_eq!(count(&overview, JobKind::SendMessage, JobState::Cancelled), 0, "the old job was pruned");
    assert_eq!(count(&overview, JobKind::Daily, JobState::Done), 5);
    assert!(overview.failed.is_empty());

    clock.advance(at("2026-12-04T05:59:00Z") - at("2026-12-03T11:00:00Z"));
    assert_eq!(
        app.worker().schedule_daily_tasks().await.expect("schedule"),
        2,
        "the points at 00:05 and the quotes at 00:10, not the pruning before 03:00"
    );
    clock.advance(chrono::Duration::minutes(1));
    assert_eq!(app.worker().schedule_daily_tasks().await.expect("schedule"), 1, "the next day's run");
}
db_test!(daily_tasks_run_once_a_day_at_the_local_hour);
