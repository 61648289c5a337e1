use serde_json::{Value, json};
use testkit::{TestApp, web_test};

async fn api_answers_401_without_a_valid_token(t: TestApp) {
    let client = t.client();
    for auth in [None, Some("Bearer "), Some("Bearer vnc_nao-existe"), Some("Basic abc")] {
        let mut request = client.get(t.url("/api/v1/me"));
        if let Some(value) = auth {
            request = request.header("authorization", value);
        }
        let response = request.send().await.expect("GET");
        assert_eq!(response.status(), 401, "{auth:?}");
        assert_eq!(response.headers()["www-authenticate"], "Bearer");
        let body: Value = response.json().await.expect("json");
        assert_eq!(body["error"]["code"], "unauthorized");
        assert!(body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
    // A session cookie is not an API credential.
    let (browser, _) = t.login(&t.admin).await;
    assert_eq!(browser.get(t.url("/api/v1/me")).send().await.expect("GET").status(), 401);
}
web_test!(api_answers_401_without_a_valid_token);

async fn api_works_with_a_token(t: TestApp) {
    let token = t.token_for(&t.admin).await;
    let client = t.client();
    let me: Value = t.api_get(&format!("Bearer {}", &token), "/api/v1/me").await;
    assert_eq!(me["email"], t.admin.email);
    assert_eq!(me["role"], "admin");

    let created = client
        .post(t.url("/api/v1/users"))
        .bearer_auth(&token)
        .json(&json!({ "email": "api@concessionaria.test", "display_name": "Pela API", "password": "senha-pela-api", "role": "member", "locale": "pt-PT" }))
        .send()
        .await
        .expect("POST");
    assert_eq!(created.status(), 201);
    let user: Value = created.json().await.expect("json");
    assert_eq!(user["locale"], "pt-PT");
    let id = user["id"].as_str().expect("id").to_string();

    let patched = client
        .patch(t.url(&format!("/api/v1/users/{id}")))
        .bearer_auth(&token)
        .json(&json!({ "version": user["version"], "active": false }))
        .send()
        .await
        .expect("PATCH");
    assert_eq!(patched.status(), 200);
    let stale = client
        .patch(t.url(&format!("/api/v1/users/{id}")))
        .bearer_auth(&token)
        .json(&json!({ "version": user["version"], "active": true }))
        .send()
        .await
        .expect("PATCH");
    assert_eq!(stale.status(), 409);
    let stale: Value = stale.json().await.expect("json");
    assert_eq!(stale["error"]["code"], "conflict");

    let audit: Value = t.api_get(&format!("Bearer {}", &token), "/api/v1/audit?limit=2").await;
    assert_eq!(audit["items"].as_array().map(Vec::len), Some(2));
    let cursor = audit["next_cursor"].as_str().expect("more pages");
    let older: Value =
        t.api_get(&format!("Bearer {}", &token), &format!("/api/v1/audit?cursor={cursor}")).await;
    assert!(older["items"].as_array().is_some_and(|items| !items.is_empty()));
}
web_test!(api_works_with_a_token);

async fn api_validation_errors_name_the_fields(t: TestApp) {
    let token = t.token_for(&t.admin).await;
    let client = t.client();
    let response = client
        .post(t.url("/api/v1/users"))
        .bearer_auth(&token)
        .header("accept-language", "en")
        .json(&json!({ "email": "nope", "display_name": "", "password": "x", "role": "member" }))
        .send()
        .await
        .expect("POST");
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["error"]["code"], "validation");
    let fields = body["error"]["fields"].as_object().expect("fields");
    assert!(
        fields.contains_key("email")
            && fields.contains_key("display_name")
            && fields.contains_key("password")
    );
    assert!(fields["email"].as_str().is_some_and(|m| m.contains("e-mail")), "{fields:?}");

    let malformed = client
        .post(t.url("/api/v1/users"))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .expect("POST");
    assert_eq!(malformed.status(), 400);
    let body: Value = malformed.json().await.expect("json");
    assert_eq!(body["error"]["code"], "bad_request");

    let missing =
        client.get(t.url("/api/v1/users/not-a-uuid")).bearer_auth(&token).send().await.expect("GET");
    assert_eq!(missing.status(), 404);
    let unknown = client.get(t.url("/api/v1/nothing-here")).bearer_auth(&token).send().await.expect("GET");
    assert_eq!(unknown.status(), 404);
    assert_eq!(unknown.json::<Value>().await.expect("json")["error"]["code"], "not_found");
}
web_test!(api_validation_errors_name_the_fields);

async fn members_get_403_from_admin_endpoints(t: TestApp) {
    let member = t.create_user("membro@concessionaria.test", "member").await;
    let token = t.token_for(&member).await;
    let client = t.client();
    for path in ["/api/v1/users", "/api/v1/audit"] {
        let response = client.get(t.url(path)).bearer_auth(&token).send().await.expect("GET");
        assert_eq!(response.status(), 403, "{path}");
        assert_eq!(response.json::<Value>().await.expect("json")["error"]["code"], "forbidden");
    }
}
web_test!(members_get_403_from_admin_endpoints);

async fn health_reports_the_database(t: TestApp) {
    let response = t.client().get(t.url("/health")).send().await.expect("GET");
    assert_eq!(response.status(), 200);
    assert_eq!(response.json::<Value>().await.expect("json"), json!({ "status": "ok", "database": "ok" }));
    t.app.db.close().await;
    let response = t.client().get(t.url("/health")).send().await.expect("GET");
    assert_eq!(response.status(), 503);
    assert_eq!(response.json::<Value>().await.expect("json")["database"], "unreachable");
}
web_test!(health_reports_the_database);

#[tokio::test]
async fn openapi_document_matches_the_snapshot() {
    let document = web::api::openapi_document();
    let parsed: Value = serde_json::from_str(&document).expect("valid JSON");
    assert_eq!(parsed["openapi"].as_str().map(|v| v.starts_with("3.")), Some(true));
    insta::assert_snapshot!("openapi", document);
}

#[tokio::test]
async fn openapi_document_is_served() {
    let t = TestApp::spawn(testkit::TestDb::sqlite().await).await;
    let served: Value =
        t.client().get(t.url("/api/v1/openapi.json")).send().await.expect("GET").json().await.expect("json");
    let expected: Value = serde_json::from_str(&web::api::openapi_document()).expect("json");
    assert_eq!(served, expected);
    assert!(served["paths"]["/api/v1/users"]["post"].is_object());
}

async fn the_document_states_the_text_and_number_rules_the_server_keeps(t: TestApp) {
    let document: Value = serde_json::from_str(&web::api::openapi_document()).expect("document");
    let schemas = &document["components"]["schemas"];
    let name = &schemas["NewBranch"]["properties"]["name"];
    assert_eq!(name["minLength"], 1);
    let required = name["pattern"].as_str().expect("a required name has a pattern");
    assert!(required.contains(r"[^\s"), "a required name needs a visible character: {required}");
    let note = schemas["NoteRequest"]["properties"]["body"]["pattern"].as_str().expect("pattern");
    let city = schemas["AddressDraft"]["properties"]["city"]["pattern"].as_str().expect("pattern");
    assert!(city.contains(r"\u0000-\u001f"), "one line refuses tab and line feed: {city}");
    assert!(
        note.starts_with(r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f") && note.contains(r"[^\s"),
        "a text area keeps them, and a required one needs a visible character: {note}"
    );
    let search = document["paths"]["/api/v1/parties/search"]["get"]["parameters"]
        .as_array()
        .and_then(|parameters| parameters.iter().find(|p| p["name"] == "q"))
        .expect("q");
    assert_eq!(search["schema"]["pattern"].as_str(), Some(city));

    // What the patterns refuse, the server refuses; what they let through
    // it takes.
    let bearer = format!("Bearer {}", t.token_for(&t.admin).await);
    for refused in [json!({ "name": "  " }), json!({ "name": "Filial\u{1}" })] {
        let answer = t.api_send(reqwest::Method::POST, &bearer, "/api/v1/branches", refused.clone()).await;
        assert_eq!(answer.status(), 422, "{refused}");
    }
    let branch = || t.api_send(reqwest::Method::POST, &bearer, "/api/v1/branches", json!({ "name": "0" }));
    assert_eq!(branch().await.status(), 201);
    // A name another record holds is a conflict with what is stored, named
    // by field.
    let again = branch().await;
    assert_eq!(again.status(), 409);
    let again: Value = again.json().await.expect("json");
    assert_eq!(again["error"]["code"], "taken");
    assert!(again["error"]["fields"]["name"].is_string(), "{again}");

    // JSON Schema's integer 1.0 is the integer 1.
    let party = t
        .api_send(reqwest::Method::POST, &bearer, "/api/v1/parties", json!({ "full_name": "Versão Decimal" }))
        .await;
    assert_eq!(party.status(), 201);
    let party: Value = party.json().await.expect("json");
    let id = party["party"]["id"].as_str().or(party["id"].as_str()).expect("id").to_string();
    let path = format!("/api/v1/parties/{id}/archive");
    let archive = |version: Value, archived: bool| {
        let body = json!({ "version": version, "archived": archived });
        t.api_send(reqwest::Method::POST, &bearer, &path, body)
    };
    assert_eq!(archive(json!(1.0), true).await.status(), 200);
    let fraction = archive(json!(2.5), false).await;
    assert_eq!(fraction.status(), 422, "a fraction is not an integer");
    // A large whole number written as a float is read exactly (serde_json's
    // fast reading was one unit off and left it a fraction): a stale version.
    let large = archive(json!(-2_251_799_813_685_247.0), false).await;
    assert_eq!(large.status(), 409, "{}", large.text().await.unwrap_or_default());
}
web_test!(the_document_states_the_text_and_number_rules_the_server_keeps);
