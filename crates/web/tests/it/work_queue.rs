//! Minha fila through HTTP: the page, its bulk form as the browser posts
//! it (Post/Redirect/Get, a count in the flash, nothing on a reload), and
//! the API's all-or-nothing bulk action.
use serde_json::{Value, json};
use testkit::{TestApp, web_test};

/// A customer with three open interactions the administrator answers for:
/// due yesterday, today and undated. Answers their ids.
async fn customer_with_work(t: &TestApp, bearer: &str, seller: Option<&Value>) -> Vec<String> {
    let seller = seller.and_then(Value::as_str).unwrap_or_default();
    let customer = json!({ "kind": "person", "full_name": "Renata Queiroz", "seller_id": seller });
    let created = t.api_send(reqwest::Method::POST, bearer, "/api/v1/parties", customer).await;
    let party = created.json::<Value>().await.expect("json")["party"]["id"].as_str().expect("id").to_string();
    let today = chrono::Utc::now().with_timezone(&chrono_tz::America::Sao_Paulo).date_naive();
    let mut ids = Vec::new();
    for (due, what) in [
        (Some(today - chrono::Duration::days(1)), "ligar de volta"),
        (Some(today), "enviar proposta"),
        (None, "sem prazo"),
    ] {
        let body = json!({ "nature": "sale", "channel": "call", "due_on": due, "description": what });
        let opened = t
            .api_send(reqwest::Method::POST, bearer, &format!("/api/v1/parties/{party}/interactions"), body)
            .await;
        assert_eq!(opened.status(), 201);
        ids.push(opened.json::<Value>().await.expect("json")["id"].as_str().expect("id").to_string());
    }
    ids
}

async fn the_queue_page_lists_colours_and_closes_in_bulk(t: TestApp) {
    let bearer = format!("Bearer {}", t.token_for(&t.admin).await);
    let ids = customer_with_work(&t, &bearer, None).await;
    let (client, csrf) = t.login(&t.admin).await;
    let page = t.html(&client, "/work").await;
    assert!(page.contains("3 atendimentos"), "{page}");
    for (id, urgency) in ids.iter().zip(["overdue", "today", "open"]) {
        assert!(
            page.contains(&format!("urgency-row urgency-{urgency}\" id=\"work-{id}\"")),
            "{urgency}: {page}"
        );
    }
    let overdue = t.html(&client, "/work?scope=mine&state=open&urgency=overdue").await;
    assert!(
        overdue.contains("1 atendimento")
            && overdue.contains("ligar de volta")
            && !overdue.contains("sem prazo")
    );

    // The browser posts the checked rows as repeated `item` fields.
    let back = "/work?scope=mine&state=open";
    let form = [
        ("csrf_token", csrf.as_str()),
        ("back", back),
        ("item", &format!("{}:1", ids[0])),
        ("item", &format!("{}:1", ids[1])),
        ("responsible_id", ""),
        ("action", "close"),
    ];
    let closed = client.post(t.url("/work/bulk")).form(&form).send().await.expect("POST");
    assert_eq!(closed.status(), 303, "Post/Redirect/Get");
    assert_eq!(closed.headers()["location"], back);
    let landed = t.html(&client, back).await;
    assert!(landed.contains("2 atendimentos concluídos."), "{landed}");
    assert!(landed.contains("1 atendimento") && landed.contains("sem prazo"));
    let reloaded = t.html(&client, back).await;
    assert!(!reloaded.contains("concluídos."), "the flash is shown once");

    // The same post again: the versions are stale, nothing changes, the queue says why.
    let again = client.post(t.url("/work/bulk")).form(&form).send().await.expect("POST");
    let body = again.text().await.expect("body");
    assert!(body.contains("id=\"work-error\""), "{body}");
    // Nothing chosen, or "hand over" without a person: a message, no change.
    for (fields, expected) in [
        (vec![("action", "close")], "Escolha pelo menos um atendimento."),
        (vec![("action", "reassign"), ("responsible_id", "")], "Escolha para quem transferir."),
    ] {
        let mut sent = vec![("csrf_token", csrf.as_str()), ("back", back)];
        let item = format!("{}:1", ids[2]);
        if expected.contains("transferir") {
            sent.push(("item", &item));
        }
        sent.extend(fields);
        let refused = client.post(t.url("/work/bulk")).form(&sent).send().await.expect("POST");
        let body = refused.text().await.expect("body");
        assert!(body.contains(expected), "{expected}: {body}");
    }
    let queue = t.api_get(&bearer, "/api/v1/work/interactions?state=all").await;
    let items = queue["items"].as_array().expect("items");
    assert_eq!(items.len(), 3);
    let urgencies: Vec<&str> = items.iter().map(|i| i["urgency"].as_str().unwrap_or_default()).collect();
    assert_eq!(urgencies.iter().filter(|u| **u == "closed").count(), 2, "{queue}");
}
web_test!(the_queue_page_lists_colours_and_closes_in_bulk);

async fn the_api_bulk_action_changes_all_or_nothing(t: TestApp) {
    let bearer = format!("Bearer {}", t.token_for(&t.admin).await);
    let seller = t.create_user("vendedora@loja.test", "member").await;
    let seller_id = t
        .api_get(&bearer, "/api/v1/users")
        .await
        .as_array()
        .expect("users")
        .iter()
        .find(|u| u["email"] == "vendedora@loja.test")
        .expect("seller")["id"]
        .clone();
    // Not in her portfolio: she could not open the customer, so she cannot answer for it.
    let elsewhere = customer_with_work(&t, &bearer, None).await;
    let blind = json!({ "action": "reassign", "responsible_id": seller_id, "items": [{ "id": elsewhere[0], "version": 1 }] });
    let refused = t.api_send(reqwest::Method::POST, &bearer, "/api/v1/work/interactions/bulk", blind).await;
    assert_eq!(refused.status(), 422);
    assert!(refused.json::<Value>().await.expect("json")["error"]["fields"]["responsible_id"].is_string());
    let ids = customer_with_work(&t, &bearer, Some(&seller_id)).await;
    let stale = json!({ "action": "reassign", "responsible_id": seller_id,
        "items": [{ "id": ids[0], "version": 1 }, { "id": ids[1], "version": 7 }] });
    let conflict = t.api_send(reqwest::Method::POST, &bearer, "/api/v1/work/interactions/bulk", stale).await;
    assert_eq!(conflict.status(), 409);
    let queue = t.api_get(&bearer, "/api/v1/work/interactions").await;
    assert_eq!(queue["total"], 6, "nothing was handed over: {queue}");

    let fine = json!({ "action": "reassign", "responsible_id": seller_id,
        "items": [{ "id": ids[0], "version": 1 }, { "id": ids[1], "version": 1 }] });
    let handed = t.api_send(reqwest::Method::POST, &bearer, "/api/v1/work/interactions/bulk", fine).await;
    assert_eq!(handed.status(), 200);
    assert_eq!(handed.json::<Value>().await.expect("json")["changed"], 2);
    assert_eq!(t.api_get(&bearer, "/api/v1/work/interactions").await["total"], 4);
    let sellers_bearer = format!("Bearer {}", t.token_for(&seller).await);
    let theirs = t.api_get(&sellers_bearer, "/api/v1/work/interactions?scope=mine").await;
    assert_eq!(theirs["total"], 2, "{theirs}");

    let empty = json!({ "action": "close", "items": [] });
    let refused = t.api_send(reqwest::Method::POST, &bearer, "/api/v1/work/interactions/bulk", empty).await;
    assert_eq!(refused.status(), 422);
}
web_test!(the_api_bulk_action_changes_all_or_nothing);
