//! SMS and WhatsApp through the organisation's gateway, a real HTTP
//! receiver on 127.0.0.1 (signatures checked by Python's hmac), and letters
//! in printed batches: the same outbox and the same consent rule, read at
//! the moment each leaves.
use crate::{app_with_admin, app_with_admin_on, only_message, run_jobs};
use app::messaging::OutboxQuery;
use app::parties::PartyInput;
use app::{Actor, App, AppError, Clock, Settings};
use domain::PartyId;
use domain::message::{GatewaySettings, MessageChannel, MessageState};
use domain::party::{AddressDraft, ConsentChange, PartyDraft, PhoneDraft};
use domain::timeline::EventKind;
use std::time::Duration;
use testkit::{HttpReceiver, TestDb, db_test};

const SECRET: &str = "segredo-do-gateway-123";
const WAIT: Duration = Duration::from_secs(10);

async fn customer(app: &App, admin: &Actor, name: &str, consents: &[&str]) -> PartyId {
    let draft = PartyDraft {
        full_name: name.into(),
        phones: vec![PhoneDraft {
            number: "(11) 98765-4321".into(),
            kind: "mobile".into(),
            ..Default::default()
        }],
        address: AddressDraft {
            street: "Av. Paulista".into(),
            number: "1000".into(),
            neighbourhood: "Bela Vista".into(),
            city: "São Paulo".into(),
            state: "SP".into(),
            postal_code: "01310-100".into(),
            ..Default::default()
        },
        ..Default::default()
    };
    let input = PartyInput { draft, consents: consents.iter().map(|c| c.to_string()).collect() };
    PartyId(app.parties().create_party(admin, input).await.expect("customer").party.id)
}

async fn point_at(app: &App, admin: &Actor, receiver: &HttpReceiver) {
    app.webhooks().allow_private(admin, true).await.expect("allow loopback");
    let settings = GatewaySettings::parse(&receiver.url("/send"), SECRET, true, true).expect("settings");
    app.messages().save_gateway_settings(admin, 0, settings).await.expect("saved");
}

async fn an_sms_reaches_the_gateway_signed(t: TestDb) {
    let receiver = HttpReceiver::start();
    let (app, admin) = app_with_admin(&t, Settings::default()).await;
    let ana = customer(&app, &admin, "Ana Lima", &["sms_whatsapp"]).await;
    let text = "Olá Ana, seu carro está pronto para retirada.";
    match app.messages().queue_text(&admin, ana, MessageChannel::Sms, "+5511987654321", text).await {
        Err(AppError::Validation(errors)) => assert_eq!(errors.fields().collect::<Vec<_>>(), vec!["channel"]),
        other => panic!("no gateway yet: a field message, got {other:?}"),
    }
    point_at(&app, &admin, &receiver).await;
    match app.messages().queue_text(&admin, ana, MessageChannel::Sms, "11 0000-0000", text).await {
        Err(AppError::Validation(errors)) => assert_eq!(errors.fields().collect::<Vec<_>>(), vec!["to"]),
        other => panic!("a number not hers must be written whole (E.164), got {other:?}"),
    }
    app.messages()
        .queue_text(&admin, ana, MessageChannel::WhatsApp, "+5511987654321", text)
        .await
        .expect("queued");
    run_jobs(&app).await;

    let received = receiver.wait_for(1, WAIT).await;
    assert_eq!(received.len(), 1);
    let body: serde_json::Value = serde_json::from_str(&received[0].body).expect("json");
    let message = only_message(&app, &admin, ana).await;
    assert_eq!(body["channel"], "whatsapp");
    assert_eq!(body["to"], "+5511987654321");
    assert_eq!(body["text"], text);
    assert_eq!(body["id"], message.id.to_string());
    assert_eq!(body["party_id"], ana.to_string());
    assert_eq!(received[0].path, "/send");
    assert!(receiver.signature_verifies(0, SECRET, false), "the signature verifies");
    assert!(!receiver.signature_verifies(0, SECRET, true), "a tampered body does not");

    assert_eq!(message.state, MessageState::Sent);
    assert_eq!(message.channel, MessageChannel::WhatsApp);
    assert!(message.answer.starts_with("200"), "{}", message.answer);
    let history = app.timeline().history(&admin, ana, Some(EventKind::Message), None).await.expect("history");
    assert_eq!(history[0].action, "timeline-whatsapp-sent");
    assert_eq!(history[0].detail, text, "a short text names itself");
    let stored = app.messages().gateway_settings(&admin).await.expect("read").expect("stored");
    assert!(stored.sms && stored.whatsapp && stored.version == 1);
}
db_test!(an_sms_reaches_the_gateway_signed);

async fn consent_withdrawn_before_the_gateway_stops_the_text(t: TestDb) {
    let receiver = HttpReceiver::start();
    let (app, admin) = app_with_admin(&t, Settings::default()).await;
    point_at(&app, &admin, &receiver).await;
    let bruno = customer(&app, &admin, "Bruno Souza", &[]).await;
    match app.messages().queue_text(&admin, bruno, MessageChannel::Sms, "+5511987654321", "Oi").await {
        Err(AppError::Validation(errors)) => assert_eq!(errors.fields().collect::<Vec<_>>(), vec!["to"]),
        other => panic!("no consent: refused at once, got {other:?}"),
    }
    let carla = customer(&app, &admin, "Carla Dias", &["sms_whatsapp"]).await;
    app.messages()
        .queue_text(&admin, carla, MessageChannel::Sms, "+5511987654321", "Oi Carla")
        .await
        .expect("queued");
    let withdraw = ConsentChange::parse("sms_whatsapp", false, "phone", "").expect("change");
    app.parties().record_consent(&admin, carla, withdraw).await.expect("withdrawn");
    run_jobs(&app).await;
    let message = only_message(&app, &admin, carla).await;
    assert_eq!(
        (message.state, message.answer.as_str()),
        (MessageState::Refused, "message-refused-no-consent")
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(receiver.received().is_empty(), "nothing reached the gateway");
}
db_test!(consent_withdrawn_before_the_gateway_stops_the_text);

async fn a_gateway_that_fails_is_retried_and_a_refusal_is_final(t: TestDb) {
    let receiver = HttpReceiver::start();
    receiver.answer_with(503);
    let clock = Clock::fixed(chrono::Utc::now());
    let (app, admin) = app_with_admin_on(&t, Settings::default(), clock.clone()).await;
    point_at(&app, &admin, &receiver).await;
    let dora = customer(&app, &admin, "Dora Reis", &["sms_whatsapp"]).await;
    app.messages()
        .queue_text(&admin, dora, MessageChannel::Sms, "+5511987654321", "Oi Dora")
        .await
        .expect("queued");
    assert_eq!(run_jobs(&app).await, 1);
    let message = only_message(&app, &admin, dora).await;
    assert_eq!((message.state, message.attempts), (MessageState::Queued, 1));
    assert!(message.answer.starts_with("503"), "{}", message.answer);
    receiver.answer_with(200);
    clock.advance(chrono::Duration::minutes(2));
    assert_eq!(run_jobs(&app).await, 1);
    let message = only_message(&app, &admin, dora).await;
    assert_eq!((message.state, message.attempts), (MessageState::Sent, 2));
    let received = receiver.wait_for(2, WAIT).await;
    assert_eq!(received[0].headers["webhook-id"], received[1].headers["webhook-id"], "one id for every try");

    receiver.answer_with(400);
    app.messages()
        .queue_text(&admin, dora, MessageChannel::Sms, "+5511987654321", "De novo")
        .await
        .expect("queued");
    assert_eq!(run_jobs(&app).await, 1);
    let query = OutboxQuery { party: Some(dora), ..Default::default() };
    let newest = app.messages().outbox(&admin, &query).await.expect("outbox").remove(0);
    assert_eq!((newest.state, newest.attempts), (MessageState::Failed, 1), "a 400 is the gateway's no");
}
db_test!(a_gateway_that_fails_is_retried_and_a_refusal_is_final);

async fn the_secret_is_required_kept_and_never_shown(t: TestDb) {
    let (app, admin) = app_with_admin(&t, Settings::default()).await;
    let no_secret = GatewaySettings::parse("https://sms.example.com/v1", "", true, false).expect("settings");
    match app.messages().save_gateway_settings(&admin, 0, no_secret.clone()).await {
        Err(AppError::Validation(errors)) => assert_eq!(errors.fields().collect::<Vec<_>>(), vec!["secret"]),
        other => panic!("the first save needs a secret, got {other:?}"),
    }
    let first = GatewaySettings::parse("https://sms.example.com/v1", SECRET, true, false).expect("settings");
    match app.messages().save_gateway_settings(&admin, 0, first.clone()).await {
        Err(AppError::Validation(errors)) => assert_eq!(errors.fields().collect::<Vec<_>>(), vec!["url"]),
        Ok(_) => {} // The name resolved to a public address: saved.
        other => panic!("{other:?}"),
    }
    app.webhooks().allow_private(&admin, true).await.expect("allow");
    let saved = app.messages().save_gateway_settings(&admin, 0, first).await;
    let version = match saved {
        Ok(view) => view.version,
        Err(AppError::Conflict { .. }) => 1,
        other => panic!("{other:?}"),
    };
    let kept = app.messages().save_gateway_settings(&admin, version, no_secret.clone()).await.expect("kept");
    assert_eq!(kept.version, version + 1);
    match app.messages().save_gateway_settings(&admin, version, no_secret).await {
        Err(AppError::Conflict { .. }) => {}
        other => panic!("a stale form is a conflict, got {other:?}"),
    }
}
db_test!(the_secret_is_required_kept_and_never_shown);

async fn letters_leave_in_a_printed_batch_if_still_allowed(t: TestDb) {
    let (app, admin) = app_with_admin(&t, Settings::default()).await;
    let envelope = "Av. Paulista, 1000\nBela Vista\n01310-100 São Paulo - SP";
    let eva = customer(&app, &admin, "Eva Prado", &["letter"]).await;
    let fabio = customer(&app, &admin, "Fábio Gomes", &["letter"]).await;
    let reached = app.messages().reachable(&admin, eva).await.expect("reachable");
    assert_eq!(reached.addresses, vec![envelope.to_string()]);
    match app.messages().queue_letter(&admin, eva, "Rua Qualquer, 1", "Convite", "Texto").await {
        Err(AppError::Validation(errors)) => assert_eq!(errors.fields().collect::<Vec<_>>(), vec!["to"]),
        other => panic!("an address that is not hers, got {other:?}"),
    }
    let windows_form = envelope.replace('\n', "\r\n");
    app.messages()
        .queue_letter(&admin, eva, &windows_form, "Convite", "Cara Eva,\n\nVenha ao evento.")
        .await
        .expect("queued");
    app.messages().queue_letter(&admin, fabio, envelope, "Convite", "Caro Fábio").await.expect("queued");
    assert_eq!(run_jobs(&app).await, 0, "letters do not go through the worker");
    assert_eq!(app.messages().letters_waiting(&admin).await.expect("waiting").len(), 2);
    let withdraw = ConsentChange::parse("letter", false, "phone", "").expect("change");
    app.parties().record_consent(&admin, fabio, withdraw).await.expect("withdrawn");

    let batch = app.messages().print_letters(&admin).await.expect("printed").expect("a batch");
    assert_eq!((batch.printed, batch.refused), (1, 1));
    let printed = app.messages().printed_batch(&admin, batch.id).await.expect("batch");
    assert_eq!(printed.letters.len(), 1);
    assert_eq!((printed.letters[0].party_id, printed.letters[0].recipient.as_str()), (eva, envelope));
    assert_eq!(only_message(&app, &admin, eva).await.state, MessageState::Sent);
    assert_eq!(only_message(&app, &admin, fabio).await.state, MessageState::Refused);
    let history = app.timeline().history(&admin, eva, Some(EventKind::Message), None).await.expect("history");
    assert_eq!(history[0].action, "timeline-letter-printed");
    assert!(app.messages().letters_waiting(&admin).await.expect("waiting").is_empty());
    assert!(app.messages().print_letters(&admin).await.expect("nothing").is_none(), "an empty batch is none");
}
db_test!(letters_leave_in_a_printed_batch_if_still_allowed);
