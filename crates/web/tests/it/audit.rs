//! The audit trail as a person reads it: names instead of ids and e-mails,
//! labels instead of codes, "field: old → new", the organisation's time.
use serde_json::{Value, json};
use testkit::{TestApp, web_test};

/// The text a person sees: the page without its tags (attributes, where
/// links keep their ids, are not read).
pub fn visible_text(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether the text holds something shaped like a UUID.
pub fn holds_an_id(text: &str) -> Option<String> {
    let shape = [8, 4, 4, 4, 12];
    let chars: Vec<char> = text.chars().collect();
    (0..chars.len()).find_map(|start| {
        let mut at = start;
        for (index, len) in shape.iter().enumerate() {
            let run = chars.get(at..at + len)?;
            if !run.iter().all(char::is_ascii_hexdigit) {
                return None;
            }
            at += len;
            if index < shape.len() - 1 {
                if chars.get(at) != Some(&'-') {
                    return None;
                }
                at += 1;
            }
        }
        Some(chars[start..at].iter().collect())
    })
}

async fn the_audit_trail_names_people_fields_and_changes(t: TestApp) {
    let bearer = format!("Bearer {}", t.token_for(&t.admin).await);
    let created = t
        .api_send(
            reqwest::Method::POST,
            &bearer,
            "/api/v1/parties",
            json!({ "kind": "person", "full_name": "Olga Auditada" }),
        )
        .await;
    let party = created.json::<Value>().await.expect("json")["party"]["id"].as_str().expect("id").to_string();
    let body = json!({ "version": 1, "kind": "person", "full_name": "Olga Auditada", "profession": "Mecânica",
        "address": { "city": "Campinas", "state": "SP" } });
    let updated = t.api_send(reqwest::Method::PUT, &bearer, &format!("/api/v1/parties/{party}"), body).await;
    assert_eq!(updated.status(), 200);
    let (client, _) = t.login(&t.admin).await;
    let page = t.html(&client, "/admin/audit").await;
    let text = visible_text(&page);
    assert!(text.contains("Profissão / atividade: — → Mecânica"), "{text}");
    assert!(text.contains("Cidade:") && text.contains("Campinas"), "a nested field by its own name: {text}");
    assert!(!text.contains("Nome:") && !text.contains("Bairro:"), "only the fields that changed: {text}");
    assert!(
        page.contains(&format!("<a href=\"/customers/{party}\">Olga Auditada</a>")),
        "the record by name, linked"
    );
    assert!(text.contains("Cliente"), "its kind in words");
    assert!(text.contains(&t.admin.name), "who by name");
    assert!(!text.contains(&t.admin.email), "not by e-mail: {text}");
    assert!(!text.contains("UTC"), "in the organisation's time zone");
    assert_eq!(holds_an_id(&text), None, "no ids on the screen");
    assert!(!text.contains("party ") && !text.contains("session"), "no codes: {text}");
}
web_test!(the_audit_trail_names_people_fields_and_changes);

/// The message keys of the catalogue that a missing translation would show.
fn message_keys() -> Vec<String> {
    let (_, source) = web::i18n::CATALOGUES[0];
    source
        .lines()
        .filter(|line| !line.starts_with('#') && !line.starts_with(' '))
        .filter_map(|line| line.split_once(" = ").map(|(key, _)| key.trim().to_string()))
        .filter(|key| key.contains('-'))
        .collect()
}

async fn main_screens_show_no_ids_and_no_message_keys(t: TestApp) {
    let bearer = format!("Bearer {}", t.token_for(&t.admin).await);
    let party = crate::home::a_day_of_work(&t, &bearer).await;
    let vehicle: Value = t
        .api_send(
            reqwest::Method::POST,
            &bearer,
            &format!("/api/v1/parties/{party}/vehicles"),
            json!({ "plate": "ABC1D23", "make": "VW", "model": "Polo" }),
        )
        .await
        .json()
        .await
        .expect("json");
    let today = chrono::Utc::now().with_timezone(&chrono_tz::America::Sao_Paulo).date_naive();
    let booked = t
        .api_send(
            reqwest::Method::POST,
            &bearer,
            "/api/v1/appointments",
            json!({ "title": "Visita", "party_id": party,
            "starts_at": format!("{today}T15:00"), "ends_at": format!("{today}T16:00") }),
        )
        .await;
    assert_eq!(booked.status(), 201);
    let (client, _) = t.login(&t.admin).await;
    let keys = message_keys();
    for path in [
        "/".to_string(),
        "/home/activity".into(),
        "/work".into(),
        "/work?scope=team&state=all".into(),
        "/customers".into(),
        format!("/customers/{party}"),
        format!("/vehicles/{}", vehicle["id"].as_str().expect("vehicle")),
        "/agenda".into(),
        "/agenda?view=week".into(),
        "/admin/audit".into(),
    ] {
        let text = visible_text(&t.html(&client, &path).await);
        assert_eq!(holds_an_id(&text), None, "{path} shows an id: {text}");
        let shown: Vec<&String> =
            keys.iter().filter(|key| text.split_whitespace().any(|word| word == key.as_str())).collect();
        assert!(shown.is_empty(), "{path} shows message keys {shown:?}");
        assert!(!text.contains(" UTC"), "{path} shows UTC times");
    }
}
web_test!(main_screens_show_no_ids_and_no_message_keys);
