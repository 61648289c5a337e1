//! A quote's documents (seed 002): the organisation's quote template with
//! its variables, checked when saved; the filled-in document; the PDF read
//! back as text; and the quote e-mailed through a real SMTP server with
//! the PDF attached — over the API and as the browser does it.
use crate::location;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};
use std::time::Duration;
use testkit::{SmtpReceiver, TestApp, pdf_text, web_test};

const WAIT: Duration = Duration::from_secs(20);

/// A 2×2 PNG, as a logo.
const PNG: &str = "89504e470d0a1a0a0000000d4948445200000002000000020802000000fdd49a730000001049444154789c63f8cf000460024c02001cf302fe67f5a7db0000000049454e44ae426082";

fn png() -> Vec<u8> {
    (0..PNG.len()).step_by(2).map(|i| u8::from_str_radix(&PNG[i..i + 2], 16).expect("hex")).collect()
}

/// A customer who takes e-mail, a product, and a quote of both kinds of
/// line with a discount and freight: 4 × 389,90 − 10 % + 1,5 × 80,00, − 5 %, + 45,00.
async fn quote(t: &TestApp, bearer: &str) -> (String, String) {
    let product = json!({ "code": "PNEU", "name": "Pneu aro 14", "unit": "un", "price": 38990 });
    assert_eq!(t.api_send(reqwest::Method::POST, bearer, "/api/v1/products", product).await.status(), 201);
    let body = json!({ "kind": "company", "full_name": "Transportes Andrade Ltda",
                       "emails": ["compras@andrade.com.br"], "consents": ["email"] });
    let created = t.api_send(reqwest::Method::POST, bearer, "/api/v1/parties", body).await;
    assert_eq!(created.status(), 201);
    let party = created.json::<Value>().await.expect("json")["party"]["id"].as_str().expect("id").to_string();
    let lines = json!({
        "discount_percent": 500, "freight": 4500, "payment_terms": "installments", "installments": 3,
        "lines": [
            { "product": "PNEU", "quantity": 4, "discount_percent": 1000 },
            { "description": "Montagem e balanceamento", "unit": "serv", "quantity": 1.5, "unit_price": 8000 },
        ],
    });
    let created =
        t.api_send(reqwest::Method::POST, bearer, &format!("/api/v1/parties/{party}/quotes"), lines).await;
    assert_eq!(created.status(), 201);
    let quote = created.json::<Value>().await.expect("json")["id"].as_str().expect("id").to_string();
    (party, quote)
}

async fn smtp_settings(t: &TestApp, bearer: &str, smtp: &SmtpReceiver) {
    let settings = json!({ "host": "127.0.0.1", "port": smtp.port, "tls": "none",
                           "sender_address": "vendas@concessionaria.test", "version": 0 });
    assert_eq!(
        t.api_send(reqwest::Method::PUT, bearer, "/api/v1/settings/smtp", settings).await.status(),
        200
    );
}

async fn bytes(t: &TestApp, bearer: &str, path: &str) -> (reqwest::StatusCode, String, Vec<u8>) {
    let response = t.client().get(t.url(path)).header("authorization", bearer).send().await.expect("GET");
    let kind = response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    (response.status(), kind, response.bytes().await.expect("body").to_vec())
}

async fn a_quote_template_a_pdf_and_the_quote_emailed_over_the_api(t: TestApp) {
    let Some(smtp) = SmtpReceiver::start() else { return };
    let bearer = format!("Bearer {}", t.token_for(&t.admin).await);
    smtp_settings(&t, &bearer, &smtp).await;
    let (_, quote) = quote(&t, &bearer).await;

    // The PDF, read back as text: the customer, each line, the total in pt-BR.
    let (status, kind, pdf) = bytes(&t, &bearer, &format!("/api/v1/quotes/{quote}/pdf")).await;
    assert_eq!((status.as_u16(), kind.as_str()), (200, "application/pdf"));
    let text = pdf_text(&pdf);
    for expected in [
        "Proposta nº 1",
        "Transportes Andrade Ltda",
        "PNEU · Pneu aro 14",
        "Montagem e balanceamento",
        "R$ 1.492,46",
    ] {
        assert!(text.contains(expected), "{expected:?} in the PDF:\n{text}");
    }
    assert!(text.contains("Parcelado em 3x"), "the payment terms in words:\n{text}");

    // The standard document, then a template of the organisation's.
    let standard = t.api_get(&bearer, &format!("/api/v1/quotes/{quote}/document")).await;
    assert_eq!(standard["subject"], "Proposta nº 1 — Concessionária Teste", "{standard}");
    assert!(standard["html"].as_str().expect("html").contains("R$ 1.492,46"), "{standard}");
    let variables = t.api_get(&bearer, "/api/v1/message-templates/variables").await;
    assert!(variables["quote"].as_array().expect("list").contains(&json!("proposta.total")), "{variables}");
    let unknown = json!({ "kind": "quote", "name": "Proposta curta", "locale": "pt-BR",
                          "subject": "Proposta {{ proposta.numero }}", "body": "<p>{{ proposta.cor }}</p>" });
    let refused = t.api_send(reqwest::Method::POST, &bearer, "/api/v1/message-templates", unknown).await;
    assert_eq!(refused.status(), 422);
    let refused: Value = refused.json().await.expect("json");
    assert!(refused["error"]["fields"]["body"].is_string(), "an unknown variable is the body's: {refused}");
    let written = json!({ "kind": "quote", "name": "Proposta curta", "locale": "pt-BR",
        "subject": "{{ cliente.primeiro_nome }}, sua proposta {{ proposta.numero }}",
        "body": "<ul>{% for item in itens %}<li>{{ item.descricao }}: {{ item.total }}</li>{% endfor %}</ul><p>Total {{ proposta.total }}</p>" });
    let saved = t.api_send(reqwest::Method::POST, &bearer, "/api/v1/message-templates", written).await;
    assert_eq!(saved.status(), 201);
    let template: Value = saved.json().await.expect("json");
    assert_eq!(template["kind"], "quote");
    let template = template["id"].as_str().expect("id").to_string();
    let filled = t.api_get(&bearer, &format!("/api/v1/quotes/{quote}/document?template_id={template}")).await;
    assert_eq!(filled["subject"], "Transportes, sua proposta 1");
    assert!(filled["text"].as_str().expect("text").contains("- Pneu aro 14: R$ 1.403,64"), "{filled}");

    // An e-mail's template is no quote's, and a quote's is no e-mail's.
    let email =
        json!({ "name": "Oi", "locale": "pt-BR", "subject": "Oi", "body": "<p>Olá {{ cliente.nome }}</p>" });
    let email = t.api_send(reqwest::Method::POST, &bearer, "/api/v1/message-templates", email).await;
    let email = email.json::<Value>().await.expect("json")["id"].as_str().expect("id").to_string();
    let (status, _, _) =
        bytes(&t, &bearer, &format!("/api/v1/quotes/{quote}/document?template_id={email}")).await;
    assert_eq!(status.as_u16(), 422);

    // Sent: the filled template as the e-mail, the PDF attached.
    let sending = json!({ "to": "compras@andrade.com.br", "template_id": template });
    let sent =
        t.api_send(reqwest::Method::POST, &bearer, &format!("/api/v1/quotes/{quote}/send"), sending).await;
    assert_eq!(sent.status(), 201);
    let received = smtp.wait_for(1, WAIT).await;
    assert_eq!(received[0].subject, "Transportes, sua proposta 1");
    assert_eq!(received[0].rcpt_tos, ["compras@andrade.com.br"]);
    assert!(received[0].html.contains("Total R$ 1.492,46"), "{}", received[0].html);
    let attachment = &received[0].attachments[0];
    assert_eq!(
        (attachment.name.as_deref(), attachment.content_type.as_str()),
        (Some("proposta-1.pdf"), "application/pdf")
    );
    let attached = pdf_text(&STANDARD.decode(&attachment.content_base64).expect("base64"));
    assert!(attached.contains("Transportes Andrade Ltda") && attached.contains("R$ 1.492,46"), "{attached}");

    // Not to what is no address.
    let stranger = json!({ "to": "compras arroba andrade" });
    let refused =
        t.api_send(reqwest::Method::POST, &bearer, &format!("/api/v1/quotes/{quote}/send"), stranger).await;
    assert_eq!(refused.status(), 422);

    // The logo: refused when it is no image, printed when it is.
    let gif = json!({ "content_base64": STANDARD.encode(b"GIF89a....") });
    let refused = t.api_send(reqwest::Method::PUT, &bearer, "/api/v1/organisation/logo", gif).await;
    assert_eq!(refused.status(), 422);
    let logo = json!({ "content_base64": STANDARD.encode(png()) });
    assert_eq!(
        t.api_send(reqwest::Method::PUT, &bearer, "/api/v1/organisation/logo", logo).await.status(),
        204
    );
    let (status, kind, stored) = bytes(&t, &bearer, "/api/v1/organisation/logo").await;
    assert_eq!((status.as_u16(), kind.as_str(), stored), (200, "image/png", png()));
    let (status, _, with_logo) = bytes(&t, &bearer, &format!("/api/v1/quotes/{quote}/pdf")).await;
    assert_eq!(status.as_u16(), 200);
    assert!(with_logo.len() > pdf.len(), "the logo is in the PDF");
    assert!(pdf_text(&with_logo).contains("Transportes Andrade Ltda"));
}

web_test!(a_quote_template_a_pdf_and_the_quote_emailed_over_the_api);

async fn the_quote_page_previews_downloads_and_sends_as_the_browser_does(t: TestApp) {
    let Some(smtp) = SmtpReceiver::start() else { return };
    let bearer = format!("Bearer {}", t.token_for(&t.admin).await);
    smtp_settings(&t, &bearer, &smtp).await;
    let (_, quote) = quote(&t, &bearer).await;
    let (client, csrf) = t.login(&t.admin).await;

    let page = t.html(&client, &format!("/quotes/{quote}")).await;
    assert!(page.contains("id=\"quote-document\"") && page.contains("Modelo padrão"), "{page}");
    assert!(page.contains("<option value=\"compras@andrade.com.br\">"), "the customer's address is offered");
    // Seed 002's "consultar variáveis": the quote's own variables, at hand.
    assert!(page.contains("id=\"quote-variables\"") && page.contains("proposta.numero"), "{page}");

    // The preview as the form sends it: the standard template (an empty value).
    let preview =
        client.get(t.url(&format!("/quotes/{quote}/document?template="))).send().await.expect("GET");
    assert_eq!(preview.status(), 200);
    let policy = preview.headers()["content-security-policy"].to_str().expect("CSP").to_string();
    assert!(
        policy.contains("default-src 'none'") && !policy.contains("script-src"),
        "no script runs: {policy}"
    );
    let preview = preview.text().await.expect("body");
    assert!(preview.contains("Transportes Andrade Ltda") && preview.contains("R$ 1.492,46"), "{preview}");
    let junk =
        client.get(t.url(&format!("/quotes/{quote}/document?template=abc"))).send().await.expect("GET");
    assert_eq!(junk.status(), 422, "a made-up template is refused, not a 500");

    let download = client.get(t.url(&format!("/quotes/{quote}/pdf"))).send().await.expect("GET");
    assert_eq!(download.status(), 200);
    let disposition = download.headers()["content-disposition"].to_str().expect("header").to_string();
    assert_eq!(disposition, "attachment; filename=\"proposta-1.pdf\"; filename*=UTF-8''proposta-1.pdf");
    assert!(pdf_text(&download.bytes().await.expect("PDF")).contains("Pneu aro 14"));

    // Sent as the browser posts the form: every field at its default.
    let form = [("csrf_token", csrf.as_str()), ("to", "compras@andrade.com.br"), ("template", "")];
    let sent = t.post_form(&client, &format!("/quotes/{quote}/send"), &form).await;
    assert_eq!(sent.status(), 303);
    let back = location(&sent);
    assert!(back.starts_with(&format!("/quotes/{quote}")), "{back}");
    assert!(t.html(&client, &back).await.contains("Proposta na fila de envio"), "feedback after the POST");
    let received = smtp.wait_for(1, WAIT).await;
    assert_eq!(received[0].subject, "Proposta nº 1 — Concessionária Teste");
    assert_eq!(received[0].attachments[0].content_type, "application/pdf");

    // A quote template from the templates page: it starts from the standard one.
    let new = t.html(&client, "/admin/templates/new?kind=quote").await;
    assert!(new.contains("proposta.total") && new.contains("for item in itens"), "{new}");
    let typed = [
        ("csrf_token", csrf.as_str()),
        ("version", "0"),
        ("kind", "quote"),
        ("name", "Com itens"),
        ("locale", "pt-BR"),
        ("subject", "Proposta {{ proposta.numero }}"),
        ("body", "<p>{{ proposta.desconto_extra }}</p>"),
    ];
    let refused = t.post_form(&client, "/admin/templates", &typed).await;
    assert_eq!(refused.status(), 422);
    assert!(refused.text().await.expect("page").contains("usa uma variável que não existe"));
    let mut typed = typed.to_vec();
    typed[6] = ("body", "<p>{{ cliente.nome }}: {{ proposta.total }}</p>");
    let saved = t.post_form(&client, "/admin/templates", &typed).await;
    assert_eq!(saved.status(), 303);
    let edit = t.html(&client, &location(&saved)).await;
    assert!(edit.contains("Maria da Silva: R$ 1.362,50"), "the sample quote fills it: {edit}");
    let page = t.html(&client, &format!("/quotes/{quote}")).await;
    assert!(page.contains(">Com itens</option>"), "offered on the quote: {page}");
    let compose = t.html(&client, "/admin/templates").await;
    assert!(compose.contains("Com itens") && compose.contains(">Proposta</td>"), "{compose}");

    // The logo from the settings page, as a file input sends it.
    let part =
        reqwest::multipart::Part::bytes(png()).file_name("logo.png").mime_str("image/png").expect("part");
    let upload = reqwest::multipart::Form::new().text("csrf_token", csrf.clone()).part("logo", part);
    let uploaded = client.post(t.url("/admin/registry/logo")).multipart(upload).send().await.expect("POST");
    assert_eq!(uploaded.status(), 303);
    let settings = t.html(&client, "/admin/registry").await;
    assert!(settings.contains("Logotipo salvo.") && settings.contains("id=\"logo-preview\""), "{settings}");
    let part = reqwest::multipart::Part::bytes(b"%PDF-1.7".to_vec())
        .file_name("logo.pdf")
        .mime_str("image/png")
        .expect("part");
    let upload = reqwest::multipart::Form::new().text("csrf_token", csrf.clone()).part("logo", part);
    let refused = client.post(t.url("/admin/registry/logo")).multipart(upload).send().await.expect("POST");
    assert_eq!(refused.status(), 303);
    assert!(t.html(&client, &location(&refused)).await.contains("precisa ser uma imagem PNG ou JPEG"));
    let remove = [("csrf_token", csrf.as_str())];
    let removed = t.post_form(&client, "/admin/registry/logo/delete", &remove).await;
    assert_eq!(removed.status(), 303);
    assert!(!t.html(&client, "/admin/registry").await.contains("id=\"logo-preview\""));
}

web_test!(the_quote_page_previews_downloads_and_sends_as_the_browser_does);
