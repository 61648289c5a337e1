//! Webhooks against a real HTTP receiver on 127.0.0.1: a party's movements
//! arrive signed (checked by Python's hmac, a tampered body is not), a
//! private address needs the administrator's permission, and a receiver
//! that fails is tried again until it answers.
use crate::{app_with_admin, app_with_admin_on, run_jobs};
use app::parties::PartyInput;
use app::{AppError, Clock, Settings};
use domain::party::{ConsentChange, PartyDraft};
use domain::webhook::SubscriptionDraft;
use std::time::Duration;
use testkit::{HttpReceiver, TestDb, db_test};

async fn a_partys_movements_arrive_signed(t: TestDb) {
    let receiver = HttpReceiver::start();
    let (app, admin) = app_with_admin(&t, Settings::default()).await;
    let draft =
        SubscriptionDraft::parse(&receiver.url("/hooks"), ["registration", "consent"]).expect("draft");
    match app.webhooks().subscribe(&admin, draft.clone()).await {
        Err(AppError::Validation(errors)) => assert_eq!(errors.fields().collect::<Vec<_>>(), vec!["url"]),
        other => panic!("a loopback target needs permission, got {other:?}"),
    }
    app.webhooks().allow_private(&admin, true).await.expect("allow");
    let (subscription, secret) = app.webhooks().subscribe(&admin, draft).await.expect("subscribed");
    assert!(secret.starts_with("whsec_"));

    let input = PartyInput {
        draft: PartyDraft { full_name: "João Conceição".into(), ..Default::default() },
        consents: vec!["email".into()],
    };
    let party = app.parties().create_party(&admin, input).await.expect("created").party.id;
    let withdraw = ConsentChange::parse("email", false, "phone", "").expect("change");
    app.parties().record_consent(&admin, domain::PartyId(party), withdraw).await.expect("withdrawn");
    app.parties().add_note(&admin, domain::PartyId(party), "não é assinado").await.expect("note");
    run_jobs(&app).await;

    let received = receiver.wait_for(2, Duration::from_secs(10)).await;
    let types: Vec<String> = received
        .iter()
        .map(|r| {
            serde_json::from_str::<serde_json::Value>(&r.body).expect("json")["type"]
                .as_str()
                .expect("type")
                .to_string()
        })
        .collect();
    assert!(
        types.contains(&"party.registration".to_string()) && types.contains(&"party.consent".to_string()),
        "{types:?}"
    );
    assert!(!types.contains(&"party.note".to_string()), "only the kinds subscribed to");
    let first: serde_json::Value = serde_json::from_str(&received[0].body).expect("json");
    assert_eq!(first["data"]["party_id"], party.to_string());
    assert_eq!(received[0].path, "/hooks");
    assert!(received[0].headers["webhook-id"].starts_with("msg_"));
    assert!(receiver.signature_verifies(0, &secret, false), "the signature verifies");
    assert!(!receiver.signature_verifies(0, &secret, true), "a tampered body does not");

    let log = app.webhooks().deliveries(&admin, Some(subscription.id)).await.expect("log");
    assert_eq!(log.len(), 2);
    assert!(log.iter().all(|d| d.state == "delivered" && d.response_status == Some(200)), "{log:?}");
    app.webhooks().redeliver(&admin, log[0].id).await.expect("redeliver");
    run_jobs(&app).await;
    assert_eq!(receiver.wait_for(3, Duration::from_secs(10)).await.len(), 3, "sent again on request");
}
db_test!(a_partys_movements_arrive_signed);

async fn a_failing_receiver_is_tried_again(t: TestDb) {
    let receiver = HttpReceiver::start();
    receiver.answer_with(503);
    let clock = Clock::fixed(chrono::Utc::now());
    let (app, admin) = app_with_admin_on(&t, Settings::default(), clock.clone()).await;
    app.webhooks().allow_private(&admin, true).await.expect("allow");
    let draft = SubscriptionDraft::parse(&receiver.url("/"), ["registration"]).expect("draft");
    app.webhooks().subscribe(&admin, draft).await.expect("subscribed");
    let input =
        PartyInput { draft: PartyDraft { full_name: "Ana".into(), ..Default::default() }, consents: vec![] };
    app.parties().create_party(&admin, input).await.expect("created");
    assert_eq!(run_jobs(&app).await, 1);
    let log = app.webhooks().deliveries(&admin, None).await.expect("log");
    assert_eq!((log[0].state.as_str(), log[0].response_status, log[0].attempts), ("queued", Some(503), 1));
    receiver.answer_with(200);
    assert_eq!(run_jobs(&app).await, 0, "not before its wait");
    clock.advance(chrono::Duration::minutes(2));
    assert_eq!(run_jobs(&app).await, 1);
    let log = app.webhooks().deliveries(&admin, None).await.expect("log");
    assert_eq!((log[0].state.as_str(), log[0].response_status, log[0].attempts), ("delivered", Some(200), 2));
}
db_test!(a_failing_receiver_is_tried_again);
