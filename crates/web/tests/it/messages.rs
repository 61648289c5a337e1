//! Messages through HTTP, against a real SMTP server: the mail server's
//! page as the browser posts it, the test message's answer, an e-mail
//! from a customer's page to the server and into his history and the
//! outbox, the consent rule, and the same over the API.
use crate::location;
use serde_json::{Value, json};
use std::time::Duration;
use testkit::{SmtpReceiver, TestApp, web_test};

const WAIT: Duration = Duration::from_secs(10);

async fn customer(t: &TestApp, bearer: &str, consents: &[&str]) -> String {
    let body = json!({ "kind": "person", "full_name": "Simone Simões Lima", "emails": ["simone@exemplo.com.br"],
                       "consents": consents });
    let created = t.api_send(reqwest::Method::POST, bearer, "/api/v1/parties", body).await;
    assert_eq!(created.status(), 201);
    created.json::<Value>().await.expect("json")["party"]["id"].as_str().expect("id").to_string()
}

async fn the_mail_server_page_and_an_email_from_the_profile(t: TestApp) {
    let Some(smtp) = SmtpReceiver::start() else { return };
    let (client, csrf) = t.login(&t.admin).await;
    let empty = t.html(&client, "/admin/email").await;
    assert!(empty.contains("id=\"smtp-form\"") && empty.contains("id=\"smtp-test-unavailable\""), "{empty}");

    // Every field as the browser sends it; the port alone wrong first.
    let port = smtp.port.to_string();
    let mut form = vec![
        ("csrf_token", csrf.as_str()),
        ("version", "0"),
        ("host", "127.0.0.1"),
        ("port", "abc"),
        ("tls", "none"),
        ("username", ""),
        ("password", ""),
        ("sender_name", "Concessionária Teste"),
        ("sender_address", "crm@concessionaria.test"),
        ("reply_to", ""),
    ];
    let refused = t.post_form(&client, "/admin/email", &form).await;
    assert_eq!(refused.status(), 422);
    let page = refused.text().await.expect("body");
    assert!(page.contains("Informe uma porta entre 1 e 65535."), "{page}");
    assert!(page.contains("value=\"crm@concessionaria.test\""), "what was typed stays");
    form[3] = ("port", port.as_str());
    let saved = t.post_form(&client, "/admin/email", &form).await;
    assert_eq!((saved.status().as_u16(), location(&saved).as_str()), (303, "/admin/email"));
    let page = t.html(&client, "/admin/email").await;
    assert!(page.contains("Configurações de e-mail salvas."), "{page}");
    assert!(page.contains(&format!("value=\"{port}\"")) && page.contains("Nenhuma senha guardada."));
    let again = t.html(&client, "/admin/email").await;
    assert!(!again.contains("Configurações de e-mail salvas."), "the notice is shown once");

    let test = [("csrf_token", csrf.as_str()), ("test_to", "gerente@concessionaria.test")];
    let sent = t.post_form(&client, "/admin/email/test", &test).await;
    assert_eq!(sent.status(), 303);
    let page = t.html(&client, "/admin/email").await;
    assert!(page.contains("O servidor aceitou a mensagem de teste.") && page.contains("250"), "{page}");
    let received = smtp.wait_for(1, WAIT).await;
    assert_eq!(received[0].rcpt_tos, vec!["gerente@concessionaria.test"]);

    // From the customer's page.
    let bearer = format!("Bearer {}", t.token_for(&t.admin).await);
    let party = customer(&t, &bearer, &["email"]).await;
    let profile = t.html(&client, &format!("/customers/{party}")).await;
    assert!(profile.contains(&format!("href=\"/customers/{party}/messages/new\"")), "the profile offers it");
    let compose = t.html(&client, &format!("/customers/{party}/messages/new")).await;
    assert!(
        compose.contains("id=\"compose-form\"") && compose.contains("simone@exemplo.com.br"),
        "{compose}"
    );
    let empty_subject = [
        ("csrf_token", csrf.as_str()),
        ("to", "simone@exemplo.com.br"),
        ("subject", ""),
        ("body", "Olá Simone, seu carro está pronto para retirada."),
    ];
    let refused = t.post_form(&client, &format!("/customers/{party}/messages"), &empty_subject).await;
    assert_eq!(refused.status(), 422);
    assert!(refused.text().await.expect("body").contains("seu carro está pronto"), "the text typed stays");
    let mut message = empty_subject;
    message[2] = ("subject", "Seu carro está pronto");
    let queued = t.post_form(&client, &format!("/customers/{party}/messages"), &message).await;
    assert_eq!(
        (queued.status().as_u16(), location(&queued)),
        (303, format!("/customers/{party}?tab=history"))
    );
    let received = smtp.wait_for(2, WAIT).await;
    assert_eq!(received.len(), 2);
    assert_eq!(received[1].rcpt_tos, vec!["simone@exemplo.com.br"]);
    assert_eq!(received[1].subject, "Seu carro está pronto");
    assert_eq!(received[1].text.trim(), "Olá Simone, seu carro está pronto para retirada.");

    // Sent shows in the history and the outbox (once the worker recorded it).
    let mut history = String::new();
    for _ in 0..100 {
        history = t.html(&client, &format!("/customers/{party}?tab=history")).await;
        if history.contains("E-mail enviado") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(history.contains("E-mail enviado") && history.contains("Seu carro está pronto"), "{history}");
    let outbox = t.html(&client, "/admin/outbox").await;
    assert!(outbox.contains("data-state=\"sent\"") && outbox.contains("Enviada"), "{outbox}");
    let filtered = t.html(&client, "/admin/outbox?state=").await;
    assert!(filtered.contains("data-state=\"sent\""), "the filter's default submission works");
    let failed_only = t.html(&client, "/admin/outbox?state=failed").await;
    assert!(failed_only.contains("id=\"outbox-empty\""), "{failed_only}");

    // Consent withdrawn: the page says so, and a post is refused.
    let withdraw = [
        ("csrf_token", csrf.as_str()),
        ("channel", "email"),
        ("granted", "false"),
        ("source", "sheet"),
        ("wording", ""),
    ];
    let withdrawn = t.post_form(&client, &format!("/customers/{party}/consent"), &withdraw).await;
    assert_eq!(withdrawn.status(), 303);
    let compose = t.html(&client, &format!("/customers/{party}/messages/new")).await;
    assert!(
        compose.contains("id=\"compose-blocked\"") && compose.contains("não autorizou contato por e-mail"),
        "{compose}"
    );
    let refused = t.post_form(&client, &format!("/customers/{party}/messages"), &message).await;
    assert_eq!(refused.status(), 422);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(smtp.received().len(), 2, "nothing more arrived");
}
web_test!(the_mail_server_page_and_an_email_from_the_profile);

async fn messages_over_the_api(t: TestApp) {
    let Some(smtp) = SmtpReceiver::start() else { return };
    let bearer = format!("Bearer {}", t.token_for(&t.admin).await);
    let missing = t
        .client()
        .get(t.url("/api/v1/settings/smtp"))
        .header("authorization", &bearer)
        .send()
        .await
        .expect("GET");
    assert_eq!(missing.status(), 404);
    let settings = json!({ "host": "127.0.0.1", "port": smtp.port, "tls": "none", "password": "s3gredo",
                           "sender_name": "Loja", "sender_address": "crm@concessionaria.test", "version": 0 });
    let saved = t.api_send(reqwest::Method::PUT, &bearer, "/api/v1/settings/smtp", settings).await;
    assert_eq!(saved.status(), 200);
    let saved: Value = saved.json().await.expect("json");
    assert_eq!(saved["has_password"], true);
    assert!(saved.get("password").is_none(), "never sent back");
    let read = t.api_get(&bearer, "/api/v1/settings/smtp").await;
    assert_eq!((read["port"].as_u64(), read["version"].as_i64()), (Some(u64::from(smtp.port)), Some(1)));
    let stale = json!({ "host": "127.0.0.1", "port": smtp.port, "tls": "none", "sender_address": "crm@concessionaria.test", "version": 0 });
    let conflict = t.api_send(reqwest::Method::PUT, &bearer, "/api/v1/settings/smtp", stale).await;
    assert_eq!(conflict.status(), 409);

    let party = customer(&t, &bearer, &["email"]).await;
    let path = format!("/api/v1/parties/{party}/messages");
    // Not an address at all (one that is not hers needs the right to
    // write anywhere, which an administrator holds: see the app's tests).
    let unknown = json!({ "to": "outra@", "subject": "Oi", "body": "Olá" });
    let refused = t.api_send(reqwest::Method::POST, &bearer, &path, unknown).await;
    assert_eq!(refused.status(), 422);
    assert!(refused.json::<Value>().await.expect("json")["error"]["fields"]["to"].is_string());
    let email =
        json!({ "to": "simone@exemplo.com.br", "subject": "Revisão", "body": "Sua revisão é amanhã." });
    let queued = t.api_send(reqwest::Method::POST, &bearer, &path, email).await;
    assert_eq!(queued.status(), 201);
    let queued: Value = queued.json().await.expect("json");
    let id = queued["id"].as_str().expect("id").to_string();
    assert_eq!(smtp.wait_for(1, WAIT).await.len(), 1);
    let mut state = Value::Null;
    for _ in 0..100 {
        state = t.api_get(&bearer, &format!("/api/v1/messages/{id}")).await["state"].clone();
        if state == "sent" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(state, "sent");
    let listed = t.api_get(&bearer, &format!("/api/v1/messages?party_id={party}&state=sent")).await;
    assert_eq!(listed.as_array().map(Vec::len), Some(1));
    let bad = t
        .client()
        .get(t.url("/api/v1/messages?state=lost"))
        .header("authorization", &bearer)
        .send()
        .await
        .expect("GET");
    assert_eq!(bad.status(), 422);
    let cancel =
        t.api_send(reqwest::Method::POST, &bearer, &format!("/api/v1/messages/{id}/cancel"), json!({})).await;
    assert_eq!(cancel.status(), 409, "a sent message cannot be cancelled");
}
web_test!(messages_over_the_api);

async fn a_template_written_in_the_form_and_sent_from_the_profile(t: TestApp) {
    let Some(smtp) = SmtpReceiver::start() else { return };
    let bearer = format!("Bearer {}", t.token_for(&t.admin).await);
    let settings = json!({ "host": "127.0.0.1", "port": smtp.port, "tls": "none",
                           "sender_address": "crm@concessionaria.test", "version": 0 });
    assert_eq!(
        t.api_send(reqwest::Method::PUT, &bearer, "/api/v1/settings/smtp", settings).await.status(),
        200
    );
    let (client, csrf) = t.login(&t.admin).await;
    let page = t.html(&client, "/admin/templates/new").await;
    assert!(page.contains("cliente.primeiro_nome"), "the variables are listed: {page}");
    let mut form = vec![
        ("csrf_token", csrf.as_str()),
        ("version", "0"),
        ("name", "Carro pronto"),
        ("locale", "pt-BR"),
        ("subject", "{{ cliente.primeiro_nome }}, seu carro está pronto"),
        ("body", "<p>Olá {{ cliente.apelido }},</p>"),
    ];
    let refused = t.post_form(&client, "/admin/templates", &form).await;
    assert_eq!(refused.status(), 422);
    let page = refused.text().await.expect("body");
    assert!(page.contains("usa uma variável que não existe"), "{page}");
    assert!(page.contains("Olá {{ cliente.apelido }}"), "what was typed stays");
    form[5] = (
        "body",
        "<p>Olá {{ cliente.primeiro_nome }},</p><p>pode retirar seu carro.</p><p>{{ usuario.nome }}</p>",
    );
    let saved = t.post_form(&client, "/admin/templates", &form).await;
    assert_eq!(saved.status(), 303);
    let template_path = location(&saved);
    let page = t.html(&client, &template_path).await;
    assert!(
        page.contains("Modelo salvo.") && page.contains("Maria, seu carro está pronto"),
        "sample shown: {page}"
    );
    let template = template_path.trim_start_matches("/admin/templates/").to_string();
    let list = t.html(&client, "/admin/templates").await;
    assert!(list.contains("Carro pronto"), "{list}");

    let party = customer(&t, &bearer, &["email"]).await;
    let compose = t.html(&client, &format!("/customers/{party}/messages/new?template={template}")).await;
    assert!(
        compose.contains("Simone, seu carro está pronto") && compose.contains("Gerente Teste"),
        "{compose}"
    );
    let send =
        [("csrf_token", csrf.as_str()), ("to", "simone@exemplo.com.br"), ("template_id", template.as_str())];
    let queued = t.post_form(&client, &format!("/customers/{party}/messages"), &send).await;
    assert_eq!(queued.status(), 303);
    let received = smtp.wait_for(1, WAIT).await;
    assert_eq!(received[0].subject, "Simone, seu carro está pronto");
    assert!(received[0].html.contains("<p>Olá Simone,</p>"), "{}", received[0].html);
    assert!(received[0].text.contains("pode retirar seu carro."), "{}", received[0].text);

    let over_api =
        json!({ "name": "Outro", "locale": "pt-BR", "subject": "Oi {{ cliente.nome", "body": "<p>x</p>" });
    let refused = t.api_send(reqwest::Method::POST, &bearer, "/api/v1/message-templates", over_api).await;
    assert_eq!(refused.status(), 422);
    assert!(refused.json::<Value>().await.expect("json")["error"]["fields"]["subject"].is_string());
}
web_test!(a_template_written_in_the_form_and_sent_from_the_profile);

async fn webhooks_from_the_page_and_the_api(t: TestApp) {
    let receiver = testkit::HttpReceiver::start();
    let (client, csrf) = t.login(&t.admin).await;
    let page = t.html(&client, "/admin/webhooks").await;
    assert!(page.contains("id=\"webhooks-empty\""), "{page}");
    let url = receiver.url("/crm");
    // As the browser posts it: no movement ticked.
    let nothing = [("csrf_token", csrf.as_str()), ("url", url.as_str())];
    let refused = t.post_form(&client, "/admin/webhooks", &nothing).await;
    assert_eq!(refused.status(), 422);
    assert!(refused.text().await.expect("body").contains("Escolha ao menos um movimento."));
    let form = [("csrf_token", csrf.as_str()), ("url", url.as_str()), ("events", "registration")];
    let private = t.post_form(&client, "/admin/webhooks", &form).await;
    assert_eq!(private.status(), 422);
    assert!(private.text().await.expect("body").contains("rede interna"), "loopback needs permission");
    let allow = [("csrf_token", csrf.as_str()), ("allow_private", "on")];
    assert_eq!(t.post_form(&client, "/admin/webhooks/private", &allow).await.status(), 303);
    let created = t.post_form(&client, "/admin/webhooks", &form).await;
    assert_eq!(created.status(), 303);
    let page = t.html(&client, "/admin/webhooks").await;
    assert!(page.contains("id=\"webhook-secret\"") && page.contains("whsec_"), "the secret once: {page}");
    assert!(!t.html(&client, "/admin/webhooks").await.contains("whsec_"), "and never again");

    let bearer = format!("Bearer {}", t.token_for(&t.admin).await);
    customer(&t, &bearer, &[]).await;
    let received = receiver.wait_for(1, WAIT).await;
    assert_eq!(received.len(), 1, "the worker beside the server delivered it");
    let body: Value = serde_json::from_str(&received[0].body).expect("json");
    assert_eq!(body["type"], "party.registration");
    let mut log = Value::Null;
    for _ in 0..100 {
        log = t.api_get(&bearer, "/api/v1/webhook-deliveries").await;
        if log[0]["state"] == "delivered" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        (log[0]["state"].as_str(), log[0]["response_status"].as_i64()),
        (Some("delivered"), Some(200))
    );
    let page = t.html(&client, "/admin/webhooks").await;
    assert!(page.contains("data-state=\"delivered\"") && page.contains("Entregue"), "{page}");

    let listed = t.api_get(&bearer, "/api/v1/webhooks").await;
    assert_eq!(listed["allow_private"], true);
    let id = listed["subscriptions"][0]["id"].as_str().expect("id").to_string();
    assert!(listed["subscriptions"][0].get("secret").is_none(), "never listed");
    let over_api = json!({ "url": "http://127.0.0.1:9/x", "events": ["consent"] });
    let made = t.api_send(reqwest::Method::POST, &bearer, "/api/v1/webhooks", over_api).await;
    assert_eq!(made.status(), 201);
    assert!(
        made.json::<Value>().await.expect("json")["secret"].as_str().is_some_and(|s| s.starts_with("whsec_"))
    );
    let removed =
        t.client().delete(t.url(&format!("/api/v1/webhooks/{id}"))).header("authorization", &bearer).send();
    assert_eq!(removed.await.expect("DELETE").status(), 204);
}
web_test!(webhooks_from_the_page_and_the_api);

async fn attachments_from_the_form_and_the_api(t: TestApp) {
    let Some(smtp) = SmtpReceiver::start() else { return };
    let (client, csrf) = t.login(&t.admin).await;
    let bearer = format!("Bearer {}", t.token_for(&t.admin).await);
    let server = json!({ "host": "127.0.0.1", "port": smtp.port, "tls": "none", "sender_name": "Loja",
                         "sender_address": "crm@loja.test", "version": 0 });
    assert_eq!(
        t.api_send(reqwest::Method::PUT, &bearer, "/api/v1/settings/smtp", server).await.status(),
        200
    );
    let party = customer(&t, &bearer, &["email"]).await;
    let compose = t.html(&client, &format!("/customers/{party}/messages/new")).await;
    assert!(compose.contains("enctype=\"multipart/form-data\"") && compose.contains("type=\"file\""));
    assert!(compose.contains("id=\"to_other\""), "an administrator may type another address");

    // As the browser sends the form: multipart, the token among the parts.
    let form = |file: reqwest::multipart::Part| {
        reqwest::multipart::Form::new()
            .text("csrf_token", csrf.clone())
            .text("channel", "email")
            .text("to", "simone@exemplo.com.br")
            .text("subject", "Orçamento")
            .text("body", "Olá Simone, o orçamento segue em anexo.")
            .part("attachments", file)
    };
    let table = "modelo;preço\nHB20;89.900,00\n".as_bytes().to_vec();
    let part = reqwest::multipart::Part::bytes(table.clone())
        .file_name("orçamento.csv")
        .mime_str("text/csv")
        .expect("mime");
    let queued = client
        .post(t.url(&format!("/customers/{party}/messages")))
        .multipart(form(part))
        .send()
        .await
        .expect("POST");
    assert_eq!(
        (queued.status().as_u16(), location(&queued)),
        (303, format!("/customers/{party}?tab=history"))
    );
    let received = smtp.wait_for(1, WAIT).await;
    assert_eq!(received[0].subject, "Orçamento");
    assert_eq!(received[0].attachments.len(), 1);
    assert_eq!(received[0].attachments[0].name.as_deref(), Some("orçamento.csv"));
    assert_eq!(received[0].attachments[0].size, table.len());

    // No file chosen: the browser still sends an empty part; it is no attachment.
    let empty = reqwest::multipart::Part::bytes(Vec::new())
        .file_name("")
        .mime_str("application/octet-stream")
        .expect("mime");
    let queued = client
        .post(t.url(&format!("/customers/{party}/messages")))
        .multipart(form(empty))
        .send()
        .await
        .expect("POST");
    assert_eq!(queued.status(), 303);
    let received = smtp.wait_for(2, WAIT).await;
    assert!(received[1].attachments.is_empty(), "{:?}", received[1].attachments);

    // Without the token, refused before anything is read further.
    let forged = reqwest::multipart::Form::new().text("to", "simone@exemplo.com.br");
    let refused = client
        .post(t.url(&format!("/customers/{party}/messages")))
        .multipart(forged)
        .send()
        .await
        .expect("POST");
    assert_eq!(refused.status(), 403);

    // Over the API, in base64; a broken one is a field message.
    let broken = json!({ "to": "simone@exemplo.com.br", "subject": "x", "body": "y",
                         "attachments": [{ "file_name": "a.txt", "content_base64": "%%%" }] });
    let path = format!("/api/v1/parties/{party}/messages");
    let refused = t.api_send(reqwest::Method::POST, &bearer, &path, broken).await;
    assert_eq!(refused.status(), 422);
    let body = json!({ "to": "simone@exemplo.com.br", "subject": "Contrato", "body": "Segue o contrato.",
                       "attachments": [{ "file_name": "contrato.txt", "content_type": "text/plain",
                                         "content_base64": "Q29udHJhdG8gZGUgdGVzdGUu" }] });
    let queued = t.api_send(reqwest::Method::POST, &bearer, &path, body).await;
    assert_eq!(queued.status(), 201);
    let queued: Value = queued.json().await.expect("json");
    assert_eq!(queued["attachment_count"], 1);
    let received = smtp.wait_for(3, WAIT).await;
    assert_eq!(received[2].attachments[0].size, "Contrato de teste.".len());
    let outbox = t.html(&client, "/admin/outbox").await;
    assert!(outbox.contains("1 anexo"), "{outbox}");
}
web_test!(attachments_from_the_form_and_the_api);
