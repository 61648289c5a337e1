//! SMS/WhatsApp and letters through HTTP: the gateway's page as the
//! browser posts it, a text from a customer's page to a real HTTP receiver,
//! a letter queued, printed in a batch and shown as pages to print, the
//! outbox's channel filter, and the same over the API.
use crate::location;
use serde_json::{Value, json};
use std::time::Duration;
use testkit::{HttpReceiver, TestApp, web_test};

const WAIT: Duration = Duration::from_secs(10);
const SECRET: &str = "segredo-compartilhado-1";

async fn customer(t: &TestApp, bearer: &str, consents: &[&str]) -> String {
    let body = json!({ "kind": "person", "full_name": "Simone Simões Lima",
                       "phones": [{ "number": "(11) 98765-4321", "kind": "mobile" }],
                       "address": { "street": "Rua Augusta", "number": "500", "neighbourhood": "Consolação",
                                    "city": "São Paulo", "state": "SP", "postal_code": "01304-000" },
                       "consents": consents });
    let created = t.api_send(reqwest::Method::POST, bearer, "/api/v1/parties", body).await;
    assert_eq!(created.status(), 201);
    created.json::<Value>().await.expect("json")["party"]["id"].as_str().expect("id").to_string()
}

async fn a_text_from_the_profile_through_the_gateway(t: TestApp) {
    let receiver = HttpReceiver::start();
    let (client, csrf) = t.login(&t.admin).await;
    let bearer = format!("Bearer {}", t.token_for(&t.admin).await);
    let party = customer(&t, &bearer, &["sms_whatsapp"]).await;
    let compose = t.html(&client, &format!("/customers/{party}/messages/new?channel=sms")).await;
    assert!(
        compose.contains("id=\"compose-blocked\"") && compose.contains("ainda não configurou um gateway")
    );

    let settings = t.html(&client, "/admin/gateway").await;
    assert!(settings.contains("id=\"gateway-form\"") && settings.contains("checked"), "{settings}");
    // The form as the browser sends it: both boxes ticked, the secret too short.
    let url = receiver.url("/sms");
    let mut form = vec![
        ("csrf_token", csrf.as_str()),
        ("version", "0"),
        ("url", url.as_str()),
        ("secret", "curto"),
        ("sms", "on"),
        ("whatsapp", "on"),
    ];
    let refused = t.post_form(&client, "/admin/gateway", &form).await;
    assert_eq!(refused.status(), 422);
    let page = refused.text().await.expect("body");
    assert!(page.contains("pelo menos 16 caracteres") && page.contains(&url), "{page}");
    assert!(!page.contains("curto"), "the secret typed is not sent back");
    form[3] = ("secret", SECRET);
    let private = t.post_form(&client, "/admin/gateway", &form).await;
    assert_eq!(private.status(), 422, "a loopback gateway needs the administrator's permission");
    let allow = t
        .api_send(
            reqwest::Method::PUT,
            &bearer,
            "/api/v1/settings/webhooks",
            json!({ "allow_private": true }),
        )
        .await;
    assert!(allow.status().is_success(), "{}", allow.status());
    let saved = t.post_form(&client, "/admin/gateway", &form).await;
    assert_eq!((saved.status().as_u16(), location(&saved).as_str()), (303, "/admin/gateway"));
    let page = t.html(&client, "/admin/gateway").await;
    assert!(page.contains("Gateway salvo.") && page.contains("Um segredo está guardado"), "{page}");
    assert!(!page.contains(SECRET), "never shown back");

    // Unticking SMS: only WhatsApp is offered through the gateway now.
    let only_whatsapp = [
        ("csrf_token", csrf.as_str()),
        ("version", "1"),
        ("url", url.as_str()),
        ("secret", ""),
        ("whatsapp", "on"),
    ];
    let saved = t.post_form(&client, "/admin/gateway", &only_whatsapp).await;
    assert_eq!(saved.status(), 303);
    let compose = t.html(&client, &format!("/customers/{party}/messages/new?channel=sms")).await;
    assert!(compose.contains("id=\"compose-blocked\""), "SMS is not carried any more");

    let profile = t.html(&client, &format!("/customers/{party}")).await;
    assert!(profile.contains("id=\"send-text\""), "the profile offers it");
    let compose = t.html(&client, &format!("/customers/{party}/messages/new?channel=whatsapp")).await;
    assert!(compose.contains("id=\"compose-form\"") && compose.contains("+5511987654321"), "{compose}");
    let text =
        [("csrf_token", csrf.as_str()), ("channel", "whatsapp"), ("to", "+5511987654321"), ("body", "")];
    let refused = t.post_form(&client, &format!("/customers/{party}/messages"), &text).await;
    assert_eq!(refused.status(), 422);
    let text = [
        ("csrf_token", csrf.as_str()),
        ("channel", "whatsapp"),
        ("to", "+5511987654321"),
        ("body", "Seu carro está pronto."),
    ];
    let queued = t.post_form(&client, &format!("/customers/{party}/messages"), &text).await;
    assert_eq!(
        (queued.status().as_u16(), location(&queued)),
        (303, format!("/customers/{party}?tab=history"))
    );
    let received = receiver.wait_for(1, WAIT).await;
    let body: Value = serde_json::from_str(&received[0].body).expect("json");
    assert_eq!(
        (body["channel"].as_str(), body["text"].as_str()),
        (Some("whatsapp"), Some("Seu carro está pronto."))
    );
    assert!(receiver.signature_verifies(0, SECRET, false));

    let mut history = String::new();
    for _ in 0..100 {
        history = t.html(&client, &format!("/customers/{party}?tab=history")).await;
        if history.contains("WhatsApp enviado") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(history.contains("WhatsApp enviado"), "{history}");
    let outbox = t.html(&client, "/admin/outbox?state=&channel=").await;
    assert!(
        outbox.contains("data-state=\"sent\"") && outbox.contains("WhatsApp · +5511987654321"),
        "{outbox}"
    );
    let letters_only = t.html(&client, "/admin/outbox?state=&channel=letter").await;
    assert!(letters_only.contains("id=\"outbox-empty\""), "the channel filter filters");

    // Over the API: the settings without the secret, an SMS refused, as the gateway no longer carries it.
    let gateway = t.api_get(&bearer, "/api/v1/settings/gateway").await;
    assert_eq!((gateway["sms"].as_bool(), gateway["whatsapp"].as_bool()), (Some(false), Some(true)));
    assert!(gateway.get("secret").is_none());
    let sms = json!({ "channel": "sms", "to": "+5511987654321", "body": "Oi" });
    let refused =
        t.api_send(reqwest::Method::POST, &bearer, &format!("/api/v1/parties/{party}/messages"), sms).await;
    assert_eq!(refused.status(), 422);
    let whatsapp = json!({ "channel": "whatsapp", "to": "+55 11 98765-4321", "body": "Oi de novo" });
    let queued = t
        .api_send(reqwest::Method::POST, &bearer, &format!("/api/v1/parties/{party}/messages"), whatsapp)
        .await;
    assert_eq!(queued.status(), 201);
    let queued: Value = queued.json().await.expect("json");
    assert_eq!(queued["channel"].as_str(), Some("whatsapp"));
    // The worker is woken by the commit and may have claimed it before the answer is read.
    assert!(matches!(queued["state"].as_str(), Some("queued" | "sending" | "sent")), "{queued}");

    // The background work behind it, for the administrator.
    let jobs = t.html(&client, "/admin/jobs").await;
    assert!(jobs.contains("id=\"jobs-counts\"") && jobs.contains("Enviar mensagem"), "{jobs}");
    assert!(jobs.contains("id=\"jobs-failed-empty\""), "nothing failed");
    let overview = t.api_get(&bearer, "/api/v1/jobs").await;
    let sends: i64 = overview["counts"]
        .as_array()
        .expect("counts")
        .iter()
        .filter(|c| c["kind"] == "send_message")
        .map(|c| c["count"].as_i64().unwrap_or_default())
        .sum();
    assert!(sends >= 2, "{overview}");
}
web_test!(a_text_from_the_profile_through_the_gateway);

async fn a_letter_is_queued_printed_and_shown_for_the_printer(t: TestApp) {
    let (client, csrf) = t.login(&t.admin).await;
    let bearer = format!("Bearer {}", t.token_for(&t.admin).await);
    let party = customer(&t, &bearer, &["letter"]).await;
    let compose = t.html(&client, &format!("/customers/{party}/messages/new?channel=letter")).await;
    assert!(compose.contains("Rua Augusta, 500 · Consolação · 01304-000 São Paulo - SP"), "{compose}");
    let envelope = "Rua Augusta, 500\r\nConsolação\r\n01304-000 São Paulo - SP";
    let letter = [
        ("csrf_token", csrf.as_str()),
        ("channel", "letter"),
        ("to", envelope),
        ("subject", "Convite para o lançamento"),
        ("body", "Cara Simone,\n\nConvidamos você para o lançamento."),
    ];
    let queued = t.post_form(&client, &format!("/customers/{party}/messages"), &letter).await;
    let status = queued.status();
    assert_eq!(status, 303, "{}", queued.text().await.unwrap_or_default());
    let waiting = t.html(&client, "/admin/letters").await;
    assert!(
        waiting.contains("Convite para o lançamento") && waiting.contains("id=\"print-letters\""),
        "{waiting}"
    );
    assert!(waiting.contains("data-confirm=\"Imprimir 1 carta agora?\""), "asks first");

    let printed = t.post_form(&client, "/admin/letters/print", &[("csrf_token", csrf.as_str())]).await;
    assert_eq!(printed.status(), 303);
    let batch = location(&printed);
    assert!(batch.starts_with("/admin/letters/batches/"), "{batch}");
    let page = t.html(&client, &batch).await;
    assert!(page.contains("1 carta no lote.") && page.contains("class=\"letter card\""), "{page}");
    assert!(page.contains("Simone Simões Lima") && page.contains("01304-000 São Paulo - SP"));
    assert!(page.contains("Convidamos você para o lançamento.") && page.contains("data-print"));
    let reloaded = t.html(&client, &batch).await;
    assert!(!reloaded.contains("1 carta no lote."), "the notice is shown once; the batch stays");
    assert!(reloaded.contains("Convidamos você"));
    let again = t.post_form(&client, "/admin/letters/print", &[("csrf_token", csrf.as_str())]).await;
    assert_eq!(location(&again), "/admin/letters", "nothing left to print");
    let waiting = t.html(&client, "/admin/letters").await;
    assert!(
        waiting.contains("id=\"letters-empty\"") && waiting.contains("Nenhuma carta esperava impressão.")
    );
    assert!(waiting.contains(&format!("href=\"{batch}\"")) && waiting.contains("1 carta"), "to print again");
    let history = t.html(&client, &format!("/customers/{party}?tab=history")).await;
    assert!(history.contains("Carta impressa"), "{history}");

    // Over the API.
    let body = json!({ "channel": "letter", "to": envelope.replace("\r\n", "\n"), "subject": "Segundo aviso", "body": "Texto" });
    let queued =
        t.api_send(reqwest::Method::POST, &bearer, &format!("/api/v1/parties/{party}/messages"), body).await;
    assert_eq!(queued.status(), 201);
    let waiting = t.api_get(&bearer, "/api/v1/letters").await;
    assert_eq!(waiting.as_array().map(Vec::len), Some(1));
    let printed = t.api_send(reqwest::Method::POST, &bearer, "/api/v1/letters/print", json!({})).await;
    assert_eq!(printed.status(), 201);
    let printed: Value = printed.json().await.expect("json");
    assert_eq!((printed["printed"].as_u64(), printed["refused"].as_u64()), (Some(1), Some(0)));
    let batch =
        t.api_get(&bearer, &format!("/api/v1/letters/batches/{}", printed["id"].as_str().expect("id"))).await;
    assert_eq!(batch[0]["subject"], "Segundo aviso");
    let none = t.api_send(reqwest::Method::POST, &bearer, "/api/v1/letters/print", json!({})).await;
    assert_eq!(none.status(), 204);
    let batches = t.api_get(&bearer, "/api/v1/letters/batches").await;
    assert_eq!(batches.as_array().map(Vec::len), Some(2));
    assert_eq!(batches[0]["id"], printed["id"], "newest first");
}
web_test!(a_letter_is_queued_printed_and_shown_for_the_printer);
