//! Many clients at once, through the API as integrations send them: one
//! record edited by twenty with the same version, fifty creates together.
use futures_util::future::join_all;
use serde_json::{Value, json};
use testkit::{TestApp, web_test};

async fn twenty_edits_of_one_version_let_one_through(t: TestApp) {
    let bearer = format!("Bearer {}", t.token_for(&t.admin).await);
    let created = t
        .api_send(
            reqwest::Method::POST,
            &bearer,
            "/api/v1/parties",
            json!({ "kind": "person", "lifecycle": "customer", "full_name": "Clara Nunes" }),
        )
        .await;
    assert_eq!(created.status(), 201);
    let party: Value = created.json().await.expect("JSON");
    let id = party["party"]["id"].as_str().expect("id").to_string();
    let version = party["party"]["version"].clone();
    let path = format!("/api/v1/parties/{id}");
    let edits = (0..20).map(|n| {
        let body = json!({
            "version": version, "kind": "person", "lifecycle": "customer",
            "full_name": format!("Clara Nunes {n}"),
        });
        t.api_send(reqwest::Method::PUT, &bearer, &path, body)
    });
    let mut saved = 0;
    for response in join_all(edits).await {
        match response.status().as_u16() {
            200 => saved += 1,
            409 => {
                let error: Value = response.json().await.expect("JSON");
                assert_eq!(error["error"]["code"], "conflict");
                let message = error["error"]["message"].as_str().unwrap_or_default();
                assert!(message.contains(&t.admin.name), "says who changed it: {message}");
            }
            other => panic!("an edit answered {other}: {}", response.text().await.unwrap_or_default()),
        }
    }
    assert_eq!(saved, 1, "exactly one edit of the same version wins");
    let stored = t.api_get(&bearer, &path).await;
    assert_eq!(stored["version"], version.as_i64().expect("number") + 1);
}
web_test!(twenty_edits_of_one_version_let_one_through);

async fn fifty_creates_at_once_all_succeed(t: TestApp) {
    let bearer = format!("Bearer {}", t.token_for(&t.admin).await);
    let creates = (0..50).map(|n| {
        let body = json!({ "kind": "person", "lifecycle": "customer", "full_name": format!("Cliente Simultâneo {n}") });
        t.api_send(reqwest::Method::POST, &bearer, "/api/v1/parties", body)
    });
    for response in join_all(creates).await {
        let status = response.status();
        assert_eq!(status, 201, "{}", response.text().await.unwrap_or_default());
    }
    let page = t.api_get(&bearer, "/api/v1/parties?limit=100").await;
    assert_eq!(page["total"], 50);
}
web_test!(fifty_creates_at_once_all_succeed);
