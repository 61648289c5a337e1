//! Forms and lists as a browser sends them: every field at its default
//! (empty), each changed alone, a malformed value typed into the address,
//! and a reload after every POST. No framework text ever reaches a person.
use serde_json::{Value, json};
use testkit::{TestApp, web_test};

/// A page answered as a person should see it: a page, never the
/// framework's plain-text refusal.
async fn assert_page(response: reqwest::Response, what: &str) -> String {
    let status = response.status().as_u16();
    let content_type =
        response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let body = response.text().await.expect("body");
    assert!(status == 200 || status == 422, "{what}: {status} {body}");
    assert!(content_type.starts_with("text/html"), "{what}: {content_type} {body}");
    assert!(!body.contains("Failed to deserialize"), "{what}: {body}");
    body
}

async fn customer_list_filters_take_the_forms_defaults_and_each_value_alone(t: TestApp) {
    let (client, token) = t.login(&t.admin).await;
    let bearer = format!("Bearer {}", t.token_for(&t.admin).await);
    let admin = t.api_get(&bearer, "/api/v1/me").await["id"].as_str().expect("id").to_string();
    let created = t
        .post_form(
            &client,
            "/customers",
            &[
                ("csrf_token", token.as_str()),
                ("kind", "person"),
                ("lifecycle", "customer"),
                ("customer_status", "active"),
                ("full_name", "Maria Aparecida"),
                ("city", "Campinas"),
                ("state", "SP"),
                ("tags", "vip"),
                ("seller_id", admin.as_str()),
            ],
        )
        .await;
    assert_eq!(created.status(), 303);

    let defaults = [
        ("kind", ""),
        ("lifecycle", ""),
        ("status", ""),
        ("city", ""),
        ("state", ""),
        ("seller_id", ""),
        ("tag", ""),
        ("sort", "name"),
        ("dir", "asc"),
    ];
    let submit = |changed: Option<(&'static str, String)>| {
        let mut pairs: Vec<(&str, String)> = defaults.iter().map(|(k, v)| (*k, v.to_string())).collect();
        if let Some((name, value)) = changed {
            pairs.iter_mut().find(|(k, _)| *k == name).expect("a filter").1 = value;
        }
        client.get(t.url("/customers")).query(&pairs).send()
    };
    let body = assert_page(submit(None).await.expect("GET"), "every filter at its default").await;
    assert!(body.contains("Maria Aparecida"), "the default filters select everyone");

    let alone: [(&str, String); 8] = [
        ("kind", "person".into()),
        ("lifecycle", "customer".into()),
        ("status", "active".into()),
        ("city", "Campinas".into()),
        ("state", "SP".into()),
        ("seller_id", admin.clone()),
        ("tag", "vip".into()),
        ("dir", "desc".into()),
    ];
    for (name, value) in alone {
        let body = assert_page(submit(Some((name, value.clone()))).await.expect("GET"), name).await;
        assert!(body.contains("Maria Aparecida"), "{name}={value} selects her");
    }

    let malformed = client
        .get(t.url("/customers"))
        .query(&[("state", "SP"), ("seller_id", "not-a-user"), ("city", "Campinas")])
        .send()
        .await
        .expect("GET");
    let body = assert_page(malformed, "a malformed seller").await;
    assert!(body.contains("Vendedor responsável: Valor inválido"), "the refusal names the filter: {body}");
    assert!(body.contains("<option value=\"SP\" selected"), "the filters that read stay chosen");
    assert!(body.contains("value=\"Campinas\""), "and typed");
}
web_test!(customer_list_filters_take_the_forms_defaults_and_each_value_alone);

async fn list_pages_answer_empty_and_malformed_values_with_a_page(t: TestApp) {
    let (client, _) = t.login(&t.admin).await;
    let bearer = format!("Bearer {}", t.token_for(&t.admin).await);
    let created = t
        .api_send(
            reqwest::Method::POST,
            &bearer,
            "/api/v1/parties",
            json!({ "kind": "person", "full_name": "Ana" }),
        )
        .await;
    let party = created.json::<Value>().await.expect("json")["party"]["id"].as_str().map(str::to_string);
    let mut paths = vec![
        "/admin/audit?cursor=".to_string(),
        "/admin/users?created=".into(),
        "/agenda?view=&date=&user=&branch=&cancelled=".into(),
        "/agenda?view=week&date=2026-13-45&user=nobody".into(),
        "/agenda/free-days?from=&to=&user=".into(),
        "/agenda/free-days?from=ontem&to=amanhã".into(),
        "/admin/access?saved=&moved=".into(),
        "/admin/agenda?saved=".into(),
        "/appointments/new?date=&party=&vehicle=&kind=".into(),
        "/customers/search?q=&pick=".into(),
        "/customers?cursor=&before=".into(),
        "/customers?before=garbage".into(),
        "/customers/count?kind=&lifecycle=&status=&city=&state=&seller_id=&tag=&sort=name&dir=asc".into(),
        "/work?scope=&state=&urgency=&nature=&page=".into(),
        "/work?scope=everyone&state=closed&urgency=soon&page=many".into(),
    ];
    if let Some(party) = party {
        paths.push(format!("/customers/{party}?history=&before="));
        paths.push(format!("/customers/{party}?history=nothing&before=yesterday"));
    }
    for path in paths {
        assert_page(client.get(t.url(&path)).send().await.expect("GET"), &path).await;
    }
    // A form's address opened with GET (a reload of a refused POST, a link).
    let reloaded = client.get(t.url("/admin/access/roles")).send().await.expect("GET");
    assert_eq!(reloaded.status(), 405);
    assert!(reloaded.text().await.expect("body").contains("não aceita esta operação"));
    let moved = client.get(t.url("/admin/access?moved=many")).send().await.expect("GET");
    let body = assert_page(moved, "a malformed number").await;
    assert!(body.contains("Valor inválido"), "{body}");
}
web_test!(list_pages_answer_empty_and_malformed_values_with_a_page);

async fn api_lists_answer_empty_values_and_name_malformed_ones(t: TestApp) {
    let token = format!("Bearer {}", t.token_for(&t.admin).await);
    let client = t.client();
    let get = |path: &str| client.get(t.url(path)).header("authorization", &token).send();
    for path in [
        "/api/v1/parties?kind=&seller_id=&cursor=&limit=",
        "/api/v1/audit?cursor=&limit=",
        "/api/v1/agenda?from=2026-12-01&to=2026-12-08&users=&cancelled=",
        "/api/v1/parties/search?q=&limit=",
        "/api/v1/work/interactions?scope=&state=&urgency=&nature=&page=",
    ] {
        let response = get(path).await.expect("GET");
        assert_eq!(response.status(), 200, "{path}: {}", response.text().await.unwrap_or_default());
    }
    for (path, field) in [
        ("/api/v1/parties?seller_id=abc", "seller_id"),
        ("/api/v1/parties?limit=many", "limit"),
        ("/api/v1/parties?filter=%7B%22field%22%3A%22seller%22%2C%22equals%22%3A%22x%22%7D", "filter.seller"),
        ("/api/v1/audit?limit=-1", "limit"),
        ("/api/v1/agenda?from=2026-12-01&to=tomorrow", "to"),
        ("/api/v1/agenda/free-days?from=2026-12-01&to=2026-12-08&cancelled=maybe", "cancelled"),
        ("/api/v1/parties?limit=201", "limit"),
        // The document's patterns: a choice as the list writes it.
        ("/api/v1/parties?kind=%20person", "kind"),
        ("/api/v1/parties?lifecycle=Customer", "lifecycle"),
        ("/api/v1/parties?sort=newest%20", "sort"),
        ("/api/v1/audit?limit=0", "limit"),
        ("/api/v1/parties/search?q=ana&limit=2147483648", "limit"),
        ("/api/v1/work/interactions?scope=everyone", "scope"),
        ("/api/v1/work/interactions?page=0", "page"),
    ] {
        let response = get(path).await.expect("GET");
        assert_eq!(response.status(), 422, "{path}");
        let body: Value = response.json().await.expect("json");
        assert_eq!(body["error"]["code"], "validation", "{path}");
        assert!(body["error"]["fields"][field].is_string(), "{path}: {body}");
    }
    let wrong_method = t.api_send(reqwest::Method::DELETE, &token, "/api/v1/parties", json!({})).await;
    assert_eq!(wrong_method.status(), 405);
    assert_eq!(wrong_method.json::<Value>().await.expect("json")["error"]["code"], "method_not_allowed");
    // A method no route takes is 405 too, on pages and the API, not the CSRF refusal.
    let (client, _) = t.login(&t.admin).await;
    for path in ["/customers", "/api/v1/parties"] {
        let trace = client.request(reqwest::Method::TRACE, t.url(path)).send().await.expect("TRACE");
        assert_eq!(trace.status(), 405, "TRACE {path}");
    }
    let wrong_type = t
        .api_send(reqwest::Method::POST, &token, "/api/v1/users", json!({ "email": 5, "display_name": "X" }))
        .await;
    assert_eq!(wrong_type.status(), 422);
    let body: Value = wrong_type.json().await.expect("json");
    assert!(body["error"]["fields"]["email"].is_string(), "{body}");
}
web_test!(api_lists_answer_empty_values_and_name_malformed_ones);

async fn a_created_token_is_shown_once_and_a_reload_creates_nothing(t: TestApp) {
    let (client, token) = t.login(&t.admin).await;
    let created = t
        .post_form(&client, "/account/tokens", &[("csrf_token", token.as_str()), ("name", "Integração ERP")])
        .await;
    assert_eq!(created.status(), 303, "Post/Redirect/Get");
    assert_eq!(created.headers()["location"], "/account/tokens");
    let page = t.html(&client, "/account/tokens").await;
    assert!(page.contains("id=\"new-token\"") && page.contains("vnc_"), "the secret is shown once");
    let reloaded = t.html(&client, "/account/tokens").await;
    assert!(!reloaded.contains("id=\"new-token\""), "a reload shows it no more");

    let tokens = t.api_get(&format!("Bearer {}", t.token_for(&t.admin).await), "/api/v1/tokens").await;
    let erp = tokens.as_array().expect("tokens").iter().find(|t| t["name"] == "Integração ERP").expect("erp");
    let revoked = client
        .post(t.url(&format!("/account/tokens/{}/revoke", erp["id"].as_str().expect("id"))))
        .header("x-csrf-token", &token)
        .header("hx-request", "true")
        .send()
        .await
        .expect("POST");
    assert_eq!(revoked.status(), 204);
    assert_eq!(revoked.headers()["hx-refresh"], "true");
    t.html(&client, "/account/tokens").await;

    let listed = t.api_get(&format!("Bearer {}", t.token_for(&t.admin).await), "/api/v1/tokens").await;
    let named: Vec<&Value> =
        listed.as_array().expect("tokens").iter().filter(|t| t["name"] == "Integração ERP").collect();
    assert_eq!(named.len(), 1, "exactly one such token: {listed}");
    assert!(named[0]["revoked_at"].is_string(), "and it is revoked");
}
web_test!(a_created_token_is_shown_once_and_a_reload_creates_nothing);

async fn a_new_calendar_address_is_shown_once(t: TestApp) {
    let (client, token) = t.login(&t.admin).await;
    let rotated = t.post_form(&client, "/agenda/feed", &[("csrf_token", token.as_str())]).await;
    assert_eq!(rotated.status(), 303);
    let page = t.html(&client, "/agenda/feed").await;
    assert!(page.contains("id=\"feed-url\"") && page.contains("/calendar/"), "{page}");
    assert!(!t.html(&client, "/agenda/feed").await.contains("id=\"feed-url\""), "shown once");
}
web_test!(a_new_calendar_address_is_shown_once);

/// A control character (U+0000 broke PostgreSQL outright) is a field
/// message on both databases, in a form, a query and the API, and nothing
/// is written; line breaks stay text where text has lines.
async fn control_characters_are_refused_at_the_edge(t: TestApp) {
    let (client, token) = t.login(&t.admin).await;
    let bearer = format!("Bearer {}", t.token_for(&t.admin).await);
    let form = t
        .post_form(
            &client,
            "/customers",
            &[
                ("csrf_token", token.as_str()),
                ("kind", "person"),
                ("lifecycle", "customer"),
                ("full_name", "Ana\u{0}Souza"),
            ],
        )
        .await;
    assert_eq!(form.status(), 422);
    let body = assert_page(form, "a name with U+0000").await;
    assert!(body.contains("Caracteres de controle invisíveis não são aceitos aqui"), "{body}");

    let search =
        client.get(t.url("/customers")).query(&[("city", "Cam\u{1b}pinas")]).send().await.expect("GET");
    let body = assert_page(search, "a list filter with ESC").await;
    assert!(body.contains("Caracteres de controle invisíveis"), "{body}");

    for (field, value) in [("full_name", "Ana\tSouza"), ("city", "São\u{0}Paulo"), ("tags", "vip\u{7f}")] {
        let mut party = json!({ "kind": "person", "lifecycle": "customer", "full_name": "Ana Souza" });
        party[field] = if field == "tags" { json!([value]) } else { json!(value) };
        let response = t.api_send(reqwest::Method::POST, &bearer, "/api/v1/parties", party).await;
        assert_eq!(response.status(), 422, "{field}");
        let error: Value = response.json().await.expect("JSON");
        assert_eq!(error["error"]["code"], "validation", "{field}: {error}");
        assert!(
            error["error"]["fields"][field].as_str().is_some_and(|m| m.contains("controle")),
            "{field}: {error}"
        );
    }
    let page = t.api_get(&bearer, "/api/v1/parties").await;
    assert_eq!(page["total"], 0, "nothing was written: {page}");

    let party = t
        .api_send(
            reqwest::Method::POST,
            &bearer,
            "/api/v1/parties",
            json!({ "kind": "person", "lifecycle": "customer", "full_name": "Ana Souza" }),
        )
        .await;
    assert_eq!(party.status(), 201);
    let id = party.json::<Value>().await.expect("JSON")["party"]["id"].as_str().expect("id").to_string();
    let note = t
        .api_send(
            reqwest::Method::POST,
            &bearer,
            &format!("/api/v1/parties/{id}/notes"),
            json!({ "body": "Ligou às 10h.\n\tQuer voltar amanhã." }),
        )
        .await;
    assert_eq!(note.status(), 201, "a note keeps its lines");
    // A property the API does not read is ignored, but not a control
    // character in it (the document says so): nothing is written.
    let extra = t
        .api_send(
            reqwest::Method::POST,
            &bearer,
            &format!("/api/v1/parties/{id}/notes"),
            json!({ "body": "Sem controle.", "extra": { "x\u{1}": "texto" } }),
        )
        .await;
    assert_eq!(extra.status(), 422, "{}", extra.text().await.unwrap_or_default());
    let plain_extra = t
        .api_send(
            reqwest::Method::POST,
            &bearer,
            &format!("/api/v1/parties/{id}/notes"),
            json!({ "body": "Sem controle.", "extra": { "x": ["texto", 1, null] } }),
        )
        .await;
    assert_eq!(plain_extra.status(), 201, "{}", plain_extra.text().await.unwrap_or_default());
    let notes = t.api_get(&bearer, &format!("/api/v1/parties/{id}/notes")).await;
    assert_eq!(notes.as_array().map(Vec::len), Some(2), "{notes}");
}
web_test!(control_characters_are_refused_at_the_edge);
