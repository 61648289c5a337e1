//! The outbox against a real SMTP server (aiosmtpd on 127.0.0.1): consent
//! read when it is time to send, retries with backoff, one send per job.
use crate::{app_with_admin, app_with_admin_on, only_message, run_jobs};
use app::messaging::{EmailContent, OutboxQuery};
use app::parties::PartyInput;
use app::{Actor, App, AppError, Clock, Settings};
use domain::PartyId;
use domain::job::RetryPolicy;
use domain::message::{MessageState, SmtpSettings};
use domain::party::{ConsentChange, PartyDraft};
use domain::timeline::EventKind;
use std::time::Duration;
use testkit::{SmtpReceiver, TestDb, db_test};

const WAIT: Duration = Duration::from_secs(10);

fn written<'a>(subject: &'a str, body: &'a str) -> EmailContent<'a> {
    EmailContent::Written { subject, body }
}

async fn customer(app: &App, admin: &Actor, name: &str, email: &str, consents: &[&str]) -> PartyId {
    let draft = PartyDraft { full_name: name.into(), emails: vec![email.into()], ..Default::default() };
    let input = PartyInput { draft, consents: consents.iter().map(|c| c.to_string()).collect() };
    PartyId(app.parties().create_party(admin, input).await.expect("customer").party.id)
}

pub(crate) async fn point_at(app: &App, admin: &Actor, port: u16) {
    let version = app.messages().smtp_settings(admin).await.expect("read").map_or(0, |s| s.version);
    let settings = SmtpSettings::parse(
        "127.0.0.1",
        &port.to_string(),
        "none",
        "",
        "",
        "Loja Centro",
        "crm@loja.test",
        "atendimento@loja.test",
    )
    .expect("settings");
    app.messages().save_smtp_settings(admin, version, settings).await.expect("save settings");
}

async fn an_email_reaches_the_server_and_the_history(t: TestDb) {
    let Some(smtp) = SmtpReceiver::start() else { return };
    let (app, admin) = app_with_admin(&t, Settings::default()).await;
    point_at(&app, &admin, smtp.port).await;
    let joao = customer(&app, &admin, "João Conceição", "joao@exemplo.com.br", &["email"]).await;
    app.messages()
        .queue_email(
            &admin,
            joao,
            "JOAO@exemplo.com.br",
            written("Revisão do seu carro", "Olá João, sua revisão está marcada para sexta-feira."),
        )
        .await
        .expect("queued");
    assert_eq!(only_message(&app, &admin, joao).await.state, MessageState::Queued);
    run_jobs(&app).await;

    let received = smtp.wait_for(1, WAIT).await;
    assert_eq!(received.len(), 1);
    let mail = &received[0];
    assert_eq!(mail.rcpt_tos, vec!["joao@exemplo.com.br"]);
    assert_eq!(mail.subject, "Revisão do seu carro");
    assert_eq!(mail.text.trim(), "Olá João, sua revisão está marcada para sexta-feira.");
    assert!(mail.from.contains("Loja Centro") && mail.from.contains("crm@loja.test"), "{}", mail.from);
    assert_eq!(mail.reply_to, "atendimento@loja.test");

    let message = only_message(&app, &admin, joao).await;
    assert_eq!(message.state, MessageState::Sent);
    assert!(message.answer.starts_with("250"), "{}", message.answer);
    assert!(mail.message_id.contains(&message.id.to_string()), "a stable Message-ID: {}", mail.message_id);
    let history =
        app.timeline().history(&admin, joao, Some(EventKind::Message), None).await.expect("history");
    assert_eq!(history.len(), 1);
    assert_eq!(
        (history[0].action.as_str(), history[0].detail.as_str()),
        ("timeline-message-sent", "Revisão do seu carro")
    );
    assert_eq!(history[0].by, admin.display_name);
    assert_eq!(run_jobs(&app).await, 0, "nothing left to do");
}
db_test!(an_email_reaches_the_server_and_the_history);

async fn without_consent_nothing_is_sent(t: TestDb) {
    let Some(smtp) = SmtpReceiver::start() else { return };
    let (app, admin) = app_with_admin(&t, Settings::default()).await;
    point_at(&app, &admin, smtp.port).await;
    // Never allowed: refused when queued, with a field message.
    let ana = customer(&app, &admin, "Ana Souza", "ana@exemplo.com.br", &["phone"]).await;
    match app.messages().queue_email(&admin, ana, "ana@exemplo.com.br", written("Oferta", "Olá")).await {
        Err(AppError::Validation(errors)) => assert_eq!(errors.fields().collect::<Vec<_>>(), vec!["to"]),
        other => panic!("expected a refusal, got {other:?}"),
    }
    // (An address that is not the party's: see an_address_not_the_partys_needs_the_right.)
    let bia = customer(&app, &admin, "Beatriz Lima", "bia@exemplo.com.br", &["email"]).await;
    // Allowed when queued, withdrawn before the worker runs: refused then.
    app.messages()
        .queue_email(&admin, bia, "bia@exemplo.com.br", written("Oferta", "Olá Beatriz"))
        .await
        .expect("queued");
    let withdraw = ConsentChange::parse("email", false, "phone", "Não quero e-mails").expect("change");
    app.parties().record_consent(&admin, bia, withdraw).await.expect("withdrawn");
    run_jobs(&app).await;
    let message = only_message(&app, &admin, bia).await;
    assert_eq!(message.state, MessageState::Refused);
    assert_eq!(message.answer, domain::message::REFUSED_NO_CONSENT);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(smtp.received().is_empty(), "nothing reached the server");
    let history = app.timeline().history(&admin, bia, Some(EventKind::Message), None).await.expect("history");
    assert_eq!(history[0].action, "timeline-message-refused");
    // Tried again with the consent still withdrawn: refused again.
    app.messages().retry(&admin, message.id).await.expect("retry");
    run_jobs(&app).await;
    assert_eq!(only_message(&app, &admin, bia).await.state, MessageState::Refused);
    assert!(smtp.received().is_empty());
}
db_test!(without_consent_nothing_is_sent);

async fn a_server_down_is_retried_with_backoff_then_reported(t: TestDb) {
    let clock = Clock::fixed(chrono::Utc::now());
    let mut settings = Settings::default();
    settings.jobs.retry =
        RetryPolicy { attempts: 3, first: Duration::from_secs(60), longest: Duration::from_secs(3600) };
    let (app, admin) = app_with_admin_on(&t, settings, clock.clone()).await;
    // A port nobody listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("port").local_addr().expect("addr").port();
    point_at(&app, &admin, closed).await;
    let joao = customer(&app, &admin, "João Conceição", "joao@exemplo.com.br", &["email"]).await;
    app.messages()
        .queue_email(&admin, joao, "joao@exemplo.com.br", written("Revisão", "Olá"))
        .await
        .expect("queued");

    assert_eq!(run_jobs(&app).await, 1);
    let waiting = only_message(&app, &admin, joao).await;
    assert_eq!((waiting.state, waiting.attempts), (MessageState::Queued, 1));
    assert!(!waiting.answer.is_empty(), "the connection's error is kept");
    assert_eq!(run_jobs(&app).await, 0, "not before its wait");
    clock.advance(chrono::Duration::seconds(59));
    assert_eq!(run_jobs(&app).await, 0, "one minute first");
    clock.advance(chrono::Duration::seconds(2));
    assert_eq!(run_jobs(&app).await, 1);
    clock.advance(chrono::Duration::seconds(119));
    assert_eq!(run_jobs(&app).await, 0, "then twice as long");
    clock.advance(chrono::Duration::seconds(2));
    assert_eq!(run_jobs(&app).await, 1);
    let failed = only_message(&app, &admin, joao).await;
    assert_eq!((failed.state, failed.attempts), (MessageState::Failed, 3));
    clock.advance(chrono::Duration::days(1));
    assert_eq!(run_jobs(&app).await, 0, "failed for good");

    // Nothing is lost: with the server back, a retry sends it.
    let Some(smtp) = SmtpReceiver::start() else { return };
    point_at(&app, &admin, smtp.port).await;
    app.messages().retry(&admin, failed.id).await.expect("retry");
    assert_eq!(run_jobs(&app).await, 1);
    assert_eq!(smtp.wait_for(1, WAIT).await.len(), 1);
    assert_eq!(only_message(&app, &admin, joao).await.state, MessageState::Sent);
}
db_test!(a_server_down_is_retried_with_backoff_then_reported);

async fn two_workers_never_send_one_message_twice(t: TestDb) {
    let Some(smtp) = SmtpReceiver::start() else { return };
    let (app, admin) = app_with_admin(&t, Settings::default()).await;
    point_at(&app, &admin, smtp.port).await;
    let mut settings = Settings::default();
    settings.jobs.batch = 4;
    // A second process's worker: its own App over the same database.
    let other = App::new(t.db.clone(), settings.clone());
    let first = App::new(t.db.clone(), settings);
    let count = 60;
    for n in 0..count {
        let party =
            customer(&first, &admin, &format!("Cliente {n}"), &format!("c{n}@exemplo.com.br"), &["email"])
                .await;
        first
            .messages()
            .queue_email(
                &admin,
                party,
                &format!("c{n}@exemplo.com.br"),
                written(&format!("Mensagem {n}"), "Olá"),
            )
            .await
            .expect("queued");
    }
    let (a, b) = tokio::join!(run_jobs(&first), run_jobs(&other));
    assert_eq!(a + b, count, "each job ran once between them ({a} + {b})");
    let received = smtp.wait_for(count, WAIT).await;
    assert_eq!(received.len(), count);
    let mut subjects: Vec<String> = received.iter().map(|m| m.subject.clone()).collect();
    subjects.sort();
    subjects.dedup();
    assert_eq!(subjects.len(), count, "no message twice");
}
db_test!(two_workers_never_send_one_message_twice);

async fn the_password_is_kept_and_never_shown(t: TestDb) {
    let (app, admin) = app_with_admin(&t, Settings::default()).await;
    assert!(app.messages().smtp_settings(&admin).await.expect("read").is_none());
    let typed = |password: &str| {
        SmtpSettings::parse("smtp.loja.test", "587", "starttls", "crm", password, "Loja", "crm@loja.test", "")
            .expect("settings")
    };
    let saved = app.messages().save_smtp_settings(&admin, 0, typed("s3gredo")).await.expect("save");
    assert!(saved.has_password);
    let kept = app.messages().save_smtp_settings(&admin, saved.version, typed("")).await.expect("save again");
    assert!(kept.has_password, "an empty password keeps the stored one");
    match app.messages().save_smtp_settings(&admin, saved.version, typed("")).await {
        Err(AppError::Conflict { .. }) => {}
        other => panic!("a stale form must not overwrite, got {other:?}"),
    }
    let trail = app.audit().audit_log(&admin, None, Some(20)).await.expect("audit");
    let trail = format!("{:?}", trail.items);
    assert!(trail.contains("smtp.loja.test"), "the change is in the audit trail");
    assert!(!trail.contains("s3gredo"), "the password is not in the audit trail");
}
db_test!(the_password_is_kept_and_never_shown);

async fn a_template_is_checked_when_saved_and_filled_for_each_customer(t: TestDb) {
    let Some(smtp) = SmtpReceiver::start() else { return };
    let (app, admin) = app_with_admin(&t, Settings::default()).await;
    point_at(&app, &admin, smtp.port).await;
    let draft = |subject: &str, body: &str| {
        domain::message::TemplateDraft::parse("email", "Revisão", "pt-BR", subject, body).expect("draft")
    };
    let refused = |result: Result<_, AppError>| match result {
        Err(AppError::Validation(errors)) => {
            errors.0.iter().map(|e| (e.field.to_string(), e.message)).collect::<Vec<_>>()
        }
        other => panic!("expected a field message, got {other:?}"),
    };
    let unknown =
        app.messages().save_template(&admin, None, 0, draft("Oi", "<p>{{ cliente.apelido }}</p>")).await;
    assert_eq!(refused(unknown), vec![("body".to_string(), "error-template-unknown-variable")]);
    let broken =
        app.messages().save_template(&admin, None, 0, draft("Oi {{ cliente.nome", "<p>ok</p>")).await;
    assert_eq!(refused(broken), vec![("subject".to_string(), "error-template-syntax")]);
    assert!(app.messages().templates(&admin).await.expect("list").is_empty(), "nothing saved");

    let template = app
        .messages()
        .save_template(
            &admin,
            None,
            0,
            draft(
                "{{ cliente.primeiro_nome }}, sua revisão",
                "<p>Olá {{ cliente.primeiro_nome }},</p><p>sua revisão em {{ cliente.cidade }} está marcada.</p><p>{{ usuario.nome }}<br>{{ organizacao.nome }}</p>",
            ),
        )
        .await
        .expect("saved");
    let again = app.messages().save_template(&admin, None, 0, draft("Outro", "<p>x</p>")).await;
    assert!(matches!(again, Err(AppError::Taken(_))), "one name per language");

    let draft = PartyDraft {
        full_name: "João Conceição".into(),
        emails: vec!["joao@exemplo.com.br".into()],
        address: domain::party::AddressDraft {
            city: "Campinas".into(),
            state: "SP".into(),
            ..Default::default()
        },
        ..Default::default()
    };
    let input = PartyInput { draft, consents: vec!["email".into()] };
    let joao = PartyId(app.parties().create_party(&admin, input).await.expect("customer").party.id);
    let preview = app.messages().preview(&admin, joao, template.id).await.expect("preview");
    assert_eq!(preview.subject, "João, sua revisão");
    let content = EmailContent::Template(template.id);
    app.messages().queue_email(&admin, joao, "joao@exemplo.com.br", content).await.expect("queued");
    run_jobs(&app).await;
    let received = smtp.wait_for(1, WAIT).await;
    assert_eq!(received[0].subject, "João, sua revisão");
    assert!(received[0].html.contains("<p>Olá João,</p>"), "{}", received[0].html);
    assert!(received[0].text.contains("sua revisão em Campinas está marcada."), "{}", received[0].text);
    assert!(received[0].text.contains("Maria da Silva\nLoja Centro"), "{:?}", received[0].text);
}
db_test!(a_template_is_checked_when_saved_and_filled_for_each_customer);

async fn an_attachment_arrives_whole_and_an_oversized_one_is_refused(t: TestDb) {
    use sha2::Digest;
    let Some(smtp) = SmtpReceiver::start() else { return };
    let (app, admin) = app_with_admin(&t, Settings::default()).await;
    point_at(&app, &admin, smtp.port).await;
    let joao = customer(&app, &admin, "João Conceição", "joao@exemplo.com.br", &["email"]).await;
    let pdf: Vec<u8> = (0..2 * 1024 * 1024).map(|i| (i * 7 % 251) as u8).collect();
    let too_big = vec![(
        "grande.bin".to_string(),
        "application/octet-stream".to_string(),
        vec![0u8; domain::message::ATTACHMENTS_MAX_BYTES + 1],
    )];
    match domain::message::Attachment::check_all(too_big) {
        Err(errors) => assert_eq!(errors.fields().collect::<Vec<_>>(), vec!["attachments"]),
        Ok(_) => panic!("over 10 MB is refused"),
    }
    let files = domain::message::Attachment::check_all(vec![(
        "Proposta Revisão.pdf".to_string(),
        "application/pdf".to_string(),
        pdf.clone(),
    )])
    .expect("files");
    let content = written("Sua proposta", "Olá João, segue a proposta da revisão em anexo.");
    app.messages()
        .queue_email_with_files(&admin, joao, "joao@exemplo.com.br", content, files)
        .await
        .expect("queued");
    assert_eq!(only_message(&app, &admin, joao).await.attachment_count, 1);
    run_jobs(&app).await;
    let received = smtp.wait_for(1, WAIT).await;
    let mail = &received[0];
    assert_eq!(mail.text.trim(), "Olá João, segue a proposta da revisão em anexo.");
    assert_eq!(mail.attachments.len(), 1, "{:?}", mail.attachments);
    let file = &mail.attachments[0];
    assert_eq!(file.name.as_deref(), Some("Proposta Revisão.pdf"));
    assert_eq!((file.content_type.as_str(), file.size), ("application/pdf", pdf.len()));
    let digest: String = sha2::Sha256::digest(&pdf).iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(file.sha256, digest, "the bytes arrive as sent");
}
db_test!(an_attachment_arrives_whole_and_an_oversized_one_is_refused);

async fn an_address_not_the_partys_needs_the_right(t: TestDb) {
    let Some(smtp) = SmtpReceiver::start() else { return };
    let (app, admin) = app_with_admin(&t, Settings::default()).await;
    point_at(&app, &admin, smtp.port).await;
    let centro = domain::BranchId(app.access().create_branch(&admin, "Centro", "").await.expect("branch").id);
    let (seller, seller_actor) =
        crate::access::user_with(&app, &admin, "vendedor@loja.test", centro, "account_manager").await;
    let draft = PartyDraft {
        full_name: "Rita Souza".into(),
        emails: vec!["rita@exemplo.com".into()],
        seller_id: seller.to_string(),
        ..Default::default()
    };
    let input = PartyInput { draft, consents: vec!["email".into()] };
    let rita = PartyId(app.parties().create_party(&admin, input).await.expect("party").party.id);
    let content = || written("Proposta", "Segue a proposta.");
    match app.messages().queue_email(&seller_actor, rita, "marido.da.rita@exemplo.com", content()).await {
        Err(AppError::Validation(errors)) => assert_eq!(errors.fields().collect::<Vec<_>>(), vec!["to"]),
        other => panic!("a seller writes only to her own addresses, got {other:?}"),
    }
    app.messages().queue_email(&seller_actor, rita, "rita@exemplo.com", content()).await.expect("her own");
    // The administrator holds the right: the typed address goes, and the
    // worker does not refuse it for not being hers.
    app.messages().queue_email(&admin, rita, "marido.da.rita@exemplo.com", content()).await.expect("typed");
    run_jobs(&app).await;
    let received = smtp.wait_for(2, WAIT).await;
    let mut to: Vec<String> = received.iter().flat_map(|m| m.rcpt_tos.clone()).collect();
    to.sort();
    assert_eq!(to, vec!["marido.da.rita@exemplo.com", "rita@exemplo.com"]);
    let sent = app.messages().outbox(&admin, &OutboxQuery { party: Some(rita), ..Default::default() }).await;
    assert!(sent.expect("outbox").iter().all(|m| m.state == MessageState::Sent));
}
db_test!(an_address_not_the_partys_needs_the_right);
