//! Quotes in time: the daily task expires, just after the organisation's
//! midnight, the open quotes whose last valid day has passed, and an
//! expired quote takes no further step.
use crate::app_with_admin_on;
use app::parties::PartyInput;
use app::{AppError, Clock, Settings};
use domain::party::PartyDraft;
use domain::quote::{QuoteDraft, QuoteLineDraft, QuoteState};
use domain::{PartyId, QuoteId};
use testkit::{TestDb, db_test};

fn draft(valid_until: &str) -> QuoteDraft {
    QuoteDraft {
        valid_until: valid_until.into(),
        lines: vec![QuoteLineDraft {
            description: "Revisão completa".into(),
            quantity: "1".into(),
            unit_price: "450,00".into(),
            ..Default::default()
        }],
        ..Default::default()
    }
}

async fn open_quotes_expire_after_their_last_day(t: TestDb) {
    let at = |text: &str| chrono::DateTime::parse_from_rfc3339(text).expect("instant").to_utc();
    // 10:00 on 4 December in São Paulo.
    let clock = Clock::fixed(at("2026-12-04T13:00:00Z"));
    let (app, admin) = app_with_admin_on(&t, Settings::default(), clock.clone()).await;
    let draft_party = PartyDraft { full_name: "Oficina Rocha".into(), ..Default::default() };
    let input = PartyInput { draft: draft_party, consents: Vec::new() };
    let party = PartyId(app.parties().create_party(&admin, input).await.expect("party").party.id);
    let quotes = app.quotes();
    let short = quotes.create_quote(&admin, party, &draft("2026-12-05")).await.expect("quote");
    let sent =
        quotes.move_quote(&admin, QuoteId(short.id), short.version, QuoteState::Sent).await.expect("sent");
    let long = quotes.create_quote(&admin, party, &draft("")).await.expect("quote");

    // 00:09 on the 6th in São Paulo: the task's hour has not come.
    clock.advance(at("2026-12-06T03:09:00Z") - at("2026-12-04T13:00:00Z"));
    app.worker().schedule_daily_tasks().await.expect("schedule");
    crate::run_jobs(&app).await;
    assert_eq!(quotes.quote(&admin, QuoteId(short.id)).await.expect("quote").state, QuoteState::Sent);

    clock.advance(chrono::Duration::minutes(2));
    app.worker().schedule_daily_tasks().await.expect("schedule");
    crate::run_jobs(&app).await;
    let expired = quotes.quote(&admin, QuoteId(short.id)).await.expect("quote");
    assert_eq!(expired.state, QuoteState::Expired, "valid through the 5th, expired on the 6th");
    let still = quotes.quote(&admin, QuoteId(long.id)).await.expect("quote");
    assert_eq!(still.state, QuoteState::Draft, "valid 15 days");
    let history = app.timeline().history(&admin, party, None, None).await.expect("history");
    assert_eq!(history[0].action, "timeline-quote-expired");

    let accepted = quotes.move_quote(&admin, QuoteId(short.id), expired.version, QuoteState::Accepted).await;
    assert!(matches!(accepted, Err(AppError::Validation(_))), "an expired quote is not accepted");
    assert!(sent.version < expired.version);
}
db_test!(open_quotes_expire_after_their_last_day);
