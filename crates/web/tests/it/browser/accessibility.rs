//! Every main screen walked in Chromium at 1366 px in the three languages:
//! nothing spills sideways, no id, message key or UTC time shows; and
//! axe-core (from the npm registry, `tests/accessibility`) run inside each
//! in both themes: no violation of impact "serious" or "critical"; how many
//! of the others there are is printed.
use super::{sign_in_as_admin, wait_for_text};
use fantoccini::Client;
use std::path::PathBuf;
use testkit::{Browser, TestApp, TestDb};

/// axe-core's script as `npm ci --prefix tests/accessibility` installs it,
/// or where `VINCULO_AXE_JS` says.
fn axe_script() -> Option<String> {
    let path = std::env::var_os("VINCULO_AXE_JS").map(PathBuf::from).unwrap_or_else(|| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/accessibility/node_modules/axe-core/axe.min.js")
    });
    let script = std::fs::read_to_string(&path).ok();
    if script.is_none() {
        let why = format!("axe-core is not at {} (npm ci --prefix tests/accessibility)", path.display());
        testkit::skip_note("accessibility", &why);
    }
    script
}

/// One axe finding: the rule, its impact, how many elements and a few of them.
#[derive(Debug, serde::Deserialize)]
struct Violation {
    id: String,
    impact: Option<String>,
    nodes: usize,
    targets: Vec<String>,
}

async fn violations(client: &Client, axe: &str) -> Vec<Violation> {
    client.execute(axe, vec![]).await.expect("inject axe-core");
    let run = "var done = arguments[arguments.length - 1];
        axe.run(document, { resultTypes: ['violations'] }).then(function (result) {
          done(result.violations.map(function (v) {
            return { id: v.id, impact: v.impact, nodes: v.nodes.length,
                     targets: v.nodes.slice(0, 3).map(function (n) { return n.target.join(' '); }) };
          }));
        }, function (error) { done(String(error)); });";
    let found = client.execute_async(run, vec![]).await.expect("axe.run");
    serde_json::from_value(found.clone()).unwrap_or_else(|_| panic!("axe.run answered {found}"))
}

/// The message keys of the catalogues: one showing means a translation is missing.
fn message_keys() -> Vec<String> {
    let catalogue = include_str!("../../../locales/pt-BR.ftl");
    catalogue
        .lines()
        .filter_map(|line| line.split_once(" = ").map(|(key, _)| key.trim()))
        .filter(|key| {
            key.contains('-') && key.chars().all(|c| c.is_ascii_lowercase() || c == '-' || c.is_ascii_digit())
        })
        .map(str::to_string)
        .collect()
}

/// What a person should never read on a screen: an id, a message key, a
/// time in UTC. Returns what was found.
async fn leaks(client: &Client, keys: &[String]) -> Vec<String> {
    let text = client
        .execute("return document.querySelector('main').innerText + ' ' + document.querySelector('header').innerText;", vec![])
        .await
        .expect("text")
        .as_str()
        .unwrap_or_default()
        .to_string();
    let mut found = Vec::new();
    let is_hex_id = |word: &str| {
        let parts: Vec<&str> = word.split('-').collect();
        parts.iter().map(|p| p.len()).collect::<Vec<_>>() == [8, 4, 4, 4, 12]
            && parts.iter().all(|p| p.chars().all(|c| c.is_ascii_hexdigit()))
    };
    for word in text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-')) {
        if is_hex_id(word) {
            found.push(format!("id {word}"));
        } else if keys.iter().any(|k| k == word) {
            found.push(format!("message key {word}"));
        }
    }
    if text.contains(" UTC") {
        found.push("a time in UTC".into());
    }
    found
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn main_screens_in_three_languages_are_whole_and_accessible() {
    let Some(axe) = axe_script() else { return };
    let Some(browser) = Browser::start().await else { return };
    let t = TestApp::spawn(TestDb::sqlite().await).await;
    let bearer = format!("Bearer {}", t.token_for(&t.admin).await);
    let party = crate::home::a_day_of_work(&t, &bearer).await;
    let booked = t
        .api_send(
            reqwest::Method::POST,
            &bearer,
            "/api/v1/appointments",
            serde_json::json!({ "title": "Visita", "party_id": party, "starts_at": "2027-03-02T09:00", "ends_at": "2027-03-02T10:00" }),
        )
        .await;
    assert_eq!(booked.status(), 201);
    let line = serde_json::json!({ "description": "Revisão", "quantity": 1, "unit_price": 45000 });
    let quote = t
        .api_send(
            reqwest::Method::POST,
            &bearer,
            &format!("/api/v1/parties/{party}/quotes"),
            serde_json::json!({ "lines": [line], "discount_percent": 500 }),
        )
        .await;
    assert_eq!(quote.status(), 201);
    let quote =
        quote.json::<serde_json::Value>().await.expect("json")["id"].as_str().expect("id").to_string();
    // A second quote accepted and delivered as an order: its page offers
    // the invoice form.
    let delivered = t
        .api_send(
            reqwest::Method::POST,
            &bearer,
            &format!("/api/v1/parties/{party}/quotes"),
            serde_json::json!({ "lines": [line], "payment_terms": "installments", "installments": 3 }),
        )
        .await
        .json::<serde_json::Value>()
        .await
        .expect("json")["id"]
        .as_str()
        .expect("id")
        .to_string();
    for (state, version) in [("sent", 1), ("accepted", 2)] {
        let step = serde_json::json!({ "state": state, "version": version });
        let path = format!("/api/v1/quotes/{delivered}/state");
        assert_eq!(t.api_send(reqwest::Method::POST, &bearer, &path, step).await.status(), 200);
    }
    let order = t
        .api_send(
            reqwest::Method::POST,
            &bearer,
            &format!("/api/v1/quotes/{delivered}/order"),
            serde_json::json!({}),
        )
        .await
        .json::<serde_json::Value>()
        .await
        .expect("json")["id"]
        .as_str()
        .expect("id")
        .to_string();
    for (state, version) in [("ready", 1), ("delivered", 2)] {
        let step = serde_json::json!({ "state": state, "version": version });
        let path = format!("/api/v1/orders/{order}/state");
        assert_eq!(t.api_send(reqwest::Method::POST, &bearer, &path, step).await.status(), 200);
    }
    let store = serde_json::json!({ "code": "01", "name": "Matriz" });
    t.api_send(reqwest::Method::POST, &bearer, "/api/v1/stores", store).await;
    // A discount policy, so the quote form suggests the customer's maximum.
    let rules = serde_json::json!({ "rules": [{ "name": "Base", "max_percent": 500 }] });
    let saved = t.api_send(reqwest::Method::PUT, &bearer, "/api/v1/settings/discount-rules", rules).await;
    assert_eq!(saved.status(), 200);
    // A sales contact, for its page, its visit sheet and a sending.
    let kind = serde_json::json!({ "name": "Venda", "note_text": "Cliente contatado." });
    let kind = t.api_send(reqwest::Method::POST, &bearer, "/api/v1/follow-up/attendance-types", kind).await;
    let kind = kind.json::<serde_json::Value>().await.expect("json")["id"].clone();
    let contact = serde_json::json!({ "name": "Seguro", "attendance_type_id": kind });
    let path = format!("/api/v1/parties/{party}/sales-contacts");
    let contact = t.api_send(reqwest::Method::POST, &bearer, &path, contact).await;
    let contact =
        contact.json::<serde_json::Value>().await.expect("json")["id"].as_str().expect("id").to_string();
    let layout = serde_json::json!({ "name": "Visita", "sections": ["customer", "report"] });
    t.api_send(reqwest::Method::POST, &bearer, "/api/v1/follow-up/visit-sheet-layouts", layout).await;
    let client = &browser.client;
    sign_in_as_admin(client, &t).await;
    client.set_window_size(1366, 900).await.expect("1366 px");
    let screens = [
        "/".to_string(),
        "/work".into(),
        "/pipeline?scope=team".into(),
        "/follow-up".into(),
        "/admin/follow-up".into(),
        format!("/customers/{party}/sales-contacts/new"),
        format!("/sales-contacts/{contact}"),
        format!("/sales-contacts/{contact}/sheet"),
        format!("/follow-up/send?contact={contact}"),
        "/admin/follow-up/sheets".into(),
        "/engine?state=SP&search=1".into(),
        format!("/engine/customers/{party}?back=/engine"),
        "/engine/reports".into(),
        "/engine/call-lists".into(),
        "/customers".into(),
        "/customers?q=Helo".into(),
        "/customers/new".into(),
        format!("/customers/{party}"),
        format!("/customers/{party}?tab=sheet"),
        format!("/customers/{party}?tab=vehicles"),
        format!("/customers/{party}?tab=interactions"),
        format!("/customers/{party}?tab=agenda"),
        format!("/customers/{party}?tab=history"),
        "/agenda?view=week&date=2027-03-01".into(),
        "/agenda?view=month&date=2027-03-01".into(),
        "/appointments/new".into(),
        "/admin/audit".into(),
        "/admin/access".into(),
        "/admin/users".into(),
        "/admin/registry".into(),
        "/admin/email".into(),
        "/admin/outbox".into(),
        "/admin/templates".into(),
        "/admin/templates/new".into(),
        "/admin/webhooks".into(),
        "/admin/gateway".into(),
        "/admin/letters".into(),
        "/admin/jobs".into(),
        format!("/customers/{party}/messages/new"),
        format!("/customers/{party}/messages/new?channel=letter"),
        format!("/customers/{party}?tab=purchases"),
        format!("/customers/{party}?tab=finance"),
        format!("/customers/{party}/sales/new"),
        "/admin/stores".into(),
        "/admin/products".into(),
        "/admin/loyalty".into(),
        "/admin/reminders".into(),
        format!("/customers/{party}?tab=loyalty"),
        format!("/customers/{party}?tab=quotes"),
        format!("/customers/{party}/quotes/new"),
        format!("/quotes/{quote}"),
        "/orders".into(),
        format!("/orders/{order}"),
        "/admin/discounts".into(),
    ];
    let keys = message_keys();
    let mut problems = Vec::new();
    let mut serious = Vec::new();
    let mut minor = 0;
    for locale in ["en", "pt-PT", "pt-BR"] {
        client.goto(&t.url("/")).await.expect("home");
        super::click_and_wait_for_the_next_page(client, &format!("button[data-locale='{locale}']")).await;
        for screen in &screens {
            client.goto(&t.url(screen)).await.expect("open");
            wait_for_text(client, "main h1", "").await;
            let spill = super::sideways_overflow(client).await;
            if spill > 0 {
                problems.push(format!("{locale} {screen}: spills sideways by {spill} px at 1366"));
            }
            problems
                .extend(leaks(client, &keys).await.into_iter().map(|l| format!("{locale} {screen}: {l}")));
            if screen == "/customers" || screen.ends_with("week&date=2027-03-01") {
                let name = if screen == "/customers" { "customers" } else { "agenda-week" };
                browser.screenshot(&format!("{name}-1366-{locale}")).await;
            }
            if locale != "pt-BR" {
                continue;
            }
            // Both themes: the dark one has its own contrasts.
            for theme in ["light", "dark"] {
                client
                    .execute(
                        "document.documentElement.setAttribute('data-theme', arguments[0]);",
                        vec![theme.into()],
                    )
                    .await
                    .expect("theme");
                for v in violations(client, &axe).await {
                    let line =
                        format!("{screen} ({theme}): {} on {} element(s): {:?}", v.id, v.nodes, v.targets);
                    match v.impact.as_deref() {
                        Some("serious" | "critical") => serious.push(line),
                        impact => {
                            println!("accessibility: {line}, impact {impact:?}");
                            minor += v.nodes;
                        }
                    }
                }
            }
        }
    }
    println!("accessibility: {} screens in two themes, {minor} minor or moderate findings", screens.len());
    assert!(problems.is_empty(), "screens a person should not see:\n{}", problems.join("\n"));
    assert!(serious.is_empty(), "serious or critical accessibility violations:\n{}", serious.join("\n"));
    browser.close().await;
}
