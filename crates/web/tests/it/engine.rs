//! The relationship engine through HTTP: the screen's form sent as the
//! browser sends it (every field at its default, then one changed at a
//! time), the live count fragment, field messages for what does not read,
//! the sortable grid, and the API's count and results.
use serde_json::{Value, json};
use testkit::{TestApp, web_test};

async fn customers(t: &TestApp, bearer: &str) {
    for (name, state, consents) in [
        ("Sofia Prado", "SP", json!(["sms_whatsapp", "email"])),
        ("Rui Tavares", "RJ", json!(["phone"])),
        ("Tânia Reis", "SP", json!([])),
    ] {
        let body = json!({
            "kind": "person", "full_name": name, "consents": consents,
            "address": {"street": "Rua A", "number": "1", "city": "Cidade", "state": state},
        });
        let created = t.api_send(reqwest::Method::POST, bearer, "/api/v1/parties", body).await;
        assert_eq!(created.status(), 201, "{}", created.text().await.unwrap_or_default());
    }
}

/// Every field of the engine's form with the value the browser sends
/// untouched: empty texts and selects at "Todos"; unchecked boxes are not
/// sent at all.
fn default_fields(page: &str) -> Vec<(String, String)> {
    let form = &page[page.find("id=\"engine-form\"").expect("form")..];
    let form = &form[..form.find("</form>").expect("end")];
    let mut fields = Vec::new();
    for tag in form.split('<').filter(|t| t.starts_with("input") || t.starts_with("select")) {
        let Some(start) = tag.find("name=\"") else { continue };
        let name = &tag[start + 6..];
        let name = &name[..name.find('"').expect("quote")];
        if tag.contains("type=\"checkbox\"") {
            continue;
        }
        let value = if name == "sort" { "name" } else { "" };
        fields.push((name.to_string(), value.to_string()));
    }
    fields
}

fn query(fields: &[(String, String)], changed: &[(&str, &str)]) -> String {
    let mut pairs: Vec<(String, String)> =
        fields.iter().filter(|(name, _)| !changed.iter().any(|(c, _)| c == name)).cloned().collect();
    pairs.extend(changed.iter().map(|(n, v)| (n.to_string(), v.to_string())));
    serde_urlencoded::to_string(&pairs).expect("query")
}

async fn the_screen_counts_live_and_finds_from_the_form_as_sent(t: TestApp) {
    let bearer = format!("Bearer {}", t.token_for(&t.admin).await);
    customers(&t, &bearer).await;
    let (client, _) = t.login(&t.admin).await;
    let page = t.html(&client, "/engine").await;
    assert!(page.contains("id=\"nav-engine\""), "the menu offers it");
    assert!(page.contains("3 clientes") && page.contains("id=\"engine-empty\""), "{page}");

    let fields = default_fields(&page);
    assert!(fields.len() > 40, "the seed's fields: {fields:?}");
    // Pesquisar with every field at its default: everyone.
    let everyone = client
        .get(t.url(&format!("/engine?{}", query(&fields, &[("search", "1")]))))
        .send()
        .await
        .expect("GET");
    assert_eq!(everyone.status(), 200);
    let everyone = everyone.text().await.expect("body");
    for name in ["Sofia Prado", "Rui Tavares", "Tânia Reis"] {
        assert!(everyone.contains(name), "{name}");
    }

    // One field changed at a time.
    let sp =
        t.html(&client, &format!("/engine?{}", query(&fields, &[("state", "SP"), ("search", "1")]))).await;
    assert!(sp.contains("2 clientes") && sp.contains("Sofia Prado") && !sp.contains("Rui Tavares"));
    let sms = t
        .html(
            &client,
            &format!("/engine?{}", query(&fields, &[("consent_sms_whatsapp", "on"), ("search", "1")])),
        )
        .await;
    assert!(sms.contains("1 cliente") && sms.contains("Sofia Prado") && !sms.contains("Tânia Reis"));
    let no_email =
        t.html(&client, &format!("/engine?{}", query(&fields, &[("email", "no"), ("search", "1")]))).await;
    assert!(no_email.contains("3 clientes"), "nobody has an e-mail");

    // The live count, per channel.
    let count = t.html(&client, &format!("/engine/count?{}", query(&fields, &[("state", "SP")]))).await;
    assert!(count.contains("2 clientes"), "{count}");
    assert!(count.contains(
        "id=\"engine-count-sms_whatsapp\"><span class=\"muted\">SMS/WhatsApp</span> <strong>1</strong>"
    ));

    // What does not read is said on its field, and nothing is counted.
    let refused = client
        .get(t.url(&format!("/engine?{}", query(&fields, &[("birthday_from", "31/02"), ("search", "1")]))))
        .send()
        .await
        .expect("GET");
    assert_eq!(refused.status(), 422);
    let refused = refused.text().await.expect("body");
    assert!(refused.contains("Use dia/mês, por exemplo 25/12.") && refused.contains("value=\"31/02\""));
    let count = t.html(&client, &format!("/engine/count?{}", query(&fields, &[("limit", "0")]))).await;
    assert!(count.contains("engine-count-refused") && count.contains("Informe de 1 a 1.000.000 clientes."));

    // Sorting keeps the filters.
    let sorted = t
        .html(
            &client,
            &format!("/engine?{}", query(&fields, &[("state", "SP"), ("search", "1"), ("sort", "points")])),
        )
        .await;
    // The sorted column's link turns it around, keeping the filters.
    assert!(
        sorted.contains(
            "aria-sort=\"ascending\" class=\"num\"><a href=\"/engine?state=SP&#38;search=1&#38;sort=points&#38;desc=1\""
        ),
        "{sorted}"
    );

    // Birthdays across the year's end, typed as day/month.
    let birthdays = t
        .html(
            &client,
            &format!(
                "/engine?{}",
                query(&fields, &[("birthday_from", "20/12"), ("birthday_to", "10/01"), ("search", "1")])
            ),
        )
        .await;
    assert!(birthdays.contains("Nenhum cliente"), "no birth dates were given");
}

web_test!(the_screen_counts_live_and_finds_from_the_form_as_sent);

async fn the_api_counts_and_finds_a_segment(t: TestApp) {
    let bearer = format!("Bearer {}", t.token_for(&t.admin).await);
    customers(&t, &bearer).await;
    let segment = json!({"filter": {"all": [{"field": "state", "equals": "SP"}]}});
    let counted = t.api_send(reqwest::Method::POST, &bearer, "/api/v1/engine/count", segment.clone()).await;
    assert_eq!(counted.status(), 200);
    let counted: Value = counted.json().await.expect("json");
    assert_eq!(counted, json!({"total": 2, "sms_whatsapp": 1, "email": 1, "phone": 0, "letter": 0}));

    let found = t
        .api_send(reqwest::Method::POST, &bearer, "/api/v1/engine/results?sort=name&desc=true", segment)
        .await;
    assert_eq!(found.status(), 200);
    let found: Value = found.json().await.expect("json");
    let names: Vec<&str> = found["customers"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|c| c["name"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(names, ["Tânia Reis", "Sofia Prado"]);
    assert_eq!(found["has_next"], false);

    for (body, field) in [
        (json!({"filter": {"field": "password", "equals": "x"}}), "filter"),
        (json!({"filter": {"field": "birthday", "range": {"from": "13-01"}}}), "filter.birthday"),
        (json!({"limit": 0}), "limit"),
        (json!({"window": {"from": "2026-05-01", "to": "2026-04-01"}}), "window.to"),
    ] {
        let refused = t.api_send(reqwest::Method::POST, &bearer, "/api/v1/engine/count", body.clone()).await;
        assert_eq!(refused.status(), 422, "{body}");
        let refused: Value = refused.json().await.expect("json");
        assert!(refused["error"]["fields"].get(field).is_some(), "{field}: {refused}");
    }
}

web_test!(the_api_counts_and_finds_a_segment);
