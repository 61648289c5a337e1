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
    let closed = t.post_form(&client, "/work/bulk", &form).await;
    assert_eq!(closed.status(), 303, "Post/Redirect/Get");
    assert_eq!(closed.headers()["location"], back);
    let landed = t.html(&client, back).await;
    assert!(landed.contains("2 atendimentos concluídos."), "{landed}");
    assert!(landed.contains("1 atendimento") && landed.contains("sem prazo"));
    let reloaded = t.html(&client, back).await;
    assert!(!reloaded.contains("concluídos."), "the flash is shown once");

    // The same post again: the versions are stale, nothing changes, the queue says why.
    let again = t.post_form(&client, "/work/bulk", &form).await;
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
        let refused = t.post_form(&client, "/work/bulk", &sent).await;
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

async fn the_queue_is_saved_as_a_view_and_opened_again(t: TestApp) {
    let bearer = format!("Bearer {}", t.token_for(&t.admin).await);
    customer_with_work(&t, &bearer, None).await;
    let (client, csrf) = t.login(&t.admin).await;
    // The queue filtered as its form sends it, then saved from the popover.
    let filtered = "/work?scope=team&state=open&urgency=overdue&nature=";
    let page = t.html(&client, filtered).await;
    assert!(page.contains("id=\"view-save-menu\"") && page.contains("1 atendimento"), "{page}");
    let back = "/work?scope=team&state=open&urgency=overdue";
    assert!(page.contains(&format!("name=\"back\" value=\"{}\"", back.replace('&', "&#38;"))), "{page}");
    let form = [("csrf_token", csrf.as_str()), ("back", back), ("name", "Atrasados da equipe")];
    let saved = t.post_form(&client, "/work/views", &form).await;
    assert_eq!(saved.status(), 303, "Post/Redirect/Get");
    let opened = saved.headers()["location"].to_str().expect("location").to_string();
    assert!(opened.starts_with(&format!("{back}&view=")), "{opened}");
    let landed = t.html(&client, &opened).await;
    assert!(landed.contains("Visão salva."), "{landed}");
    assert!(
        landed.contains("aria-current=\"true\" title=\"\">Atrasados da equipe"),
        "the open view: {landed}"
    );
    assert!(
        landed.contains("1 atendimento")
            && landed.contains("ligar de volta")
            && !landed.contains("sem prazo")
    );
    let reloaded = t.html(&client, &opened).await;
    assert!(!reloaded.contains("Visão salva."), "the flash is shown once");
    let home = t.html(&client, "/work").await;
    assert!(
        home.contains(&format!("href=\"{}\"", opened.replace('&', "&#38;"))),
        "the chip on the plain queue"
    );

    // No name: the queue again with the message, nothing saved.
    let unnamed = [("csrf_token", csrf.as_str()), ("back", back), ("name", "  ")];
    let refused = t.post_form(&client, "/work/views", &unnamed).await;
    assert_eq!(refused.status(), 422);
    assert!(refused.text().await.expect("body").contains("id=\"work-error\""));
    let views = t.api_get(&bearer, "/api/v1/lists/work/views").await;
    assert_eq!(views.as_array().map(Vec::len), Some(1), "{views}");
    assert_eq!(views[0]["query"], "scope=team&state=open&urgency=overdue");

    // Deleted from the open view, after the browser's confirmation.
    let id = opened.rsplit('=').next().expect("id");
    let delete = [("csrf_token", csrf.as_str())];
    let deleted = t.post_form(&client, &format!("/work/views/{id}/delete"), &delete).await;
    assert_eq!(deleted.status(), 303);
    assert_eq!(deleted.headers()["location"], "/work");
    assert!(t.html(&client, "/work").await.contains("Visão excluída."));
    let stale = t.html(&client, &opened).await;
    assert!(!stale.contains("id=\"view-delete\""), "a deleted view opens as the plain queue");

    // Through the API: saved, listed, refused when its filters do not parse.
    let body = json!({ "name": "Hoje, equipe", "query": "?scope=team&urgency=today", "shared": true });
    let created = t.api_send(reqwest::Method::POST, &bearer, "/api/v1/lists/work/views", body).await;
    assert_eq!(created.status(), 201);
    let created = created.json::<Value>().await.expect("json");
    assert_eq!(created["query"], "scope=team&state=open&urgency=today");
    assert_eq!(created["shared"], true);
    for query in ["scope=everyone", "page=0"] {
        let body = json!({ "name": "Errada", "query": query });
        let refused = t.api_send(reqwest::Method::POST, &bearer, "/api/v1/lists/work/views", body).await;
        assert_eq!(refused.status(), 422, "{query}");
    }
    assert_eq!(t.api_get(&bearer, "/api/v1/lists/work/views").await.as_array().map(Vec::len), Some(1));
}
web_test!(the_queue_is_saved_as_a_view_and_opened_again);

/// The queue's headings after the customer, in order.
fn headings(page: &str) -> Vec<String> {
    page.split("data-column=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_string)
        .collect()
}

async fn the_queue_shows_the_columns_each_person_chose(t: TestApp) {
    let bearer = format!("Bearer {}", t.token_for(&t.admin).await);
    customer_with_work(&t, &bearer, None).await;
    let (client, csrf) = t.login(&t.admin).await;
    let page = t.html(&client, "/work").await;
    assert_eq!(headings(&page), ["due", "nature", "status", "responsible", "description"]);
    assert!(
        page.contains("id=\"column-channel\"") && !page.contains("id=\"column-channel\" checked"),
        "{page}"
    );

    // The chooser as the browser posts it: the boxes ticked in the order
    // shown, "↑" pressed on the opening date; back to the filtered queue.
    let back = "/work?scope=mine&state=open&urgency=overdue";
    let form = [
        ("csrf_token", csrf.as_str()),
        ("back", back),
        ("columns", "due"),
        ("columns", "channel"),
        ("columns", "opened"),
        ("up", "opened"),
    ];
    let saved = t.post_form(&client, "/work/columns", &form).await;
    assert_eq!(saved.status(), 303, "Post/Redirect/Get");
    assert_eq!(saved.headers()["location"], back);
    let landed = t.html(&client, back).await;
    assert!(landed.contains("Colunas salvas."), "{landed}");
    assert_eq!(headings(&landed), ["due", "opened", "channel"]);
    assert!(landed.contains("<td>Ligação</td>") && !landed.contains("ligar de volta"), "{landed}");
    assert!(!t.html(&client, back).await.contains("Colunas salvas."), "the flash is shown once");

    // A view keeps the columns it was saved with, whatever its owner
    // chooses afterwards; choosing columns from it shows his own.
    let keep = [("csrf_token", csrf.as_str()), ("back", back), ("name", "Vencidos"), ("columns", "channel")];
    let kept = t.post_form(&client, "/work/views", &keep).await;
    let opened = kept.headers()["location"].to_str().expect("location").to_string();
    assert_eq!(headings(&t.html(&client, &opened).await), ["channel"]);
    let from_view = [("csrf_token", csrf.as_str()), ("back", opened.as_str()), ("columns", "status")];
    let chosen = t.post_form(&client, "/work/columns", &from_view).await;
    assert_eq!(chosen.headers()["location"], back, "the filters without the view");
    assert_eq!(headings(&t.html(&client, back).await), ["status"]);
    assert_eq!(headings(&t.html(&client, &opened).await), ["channel"], "the view's own");

    // A column the queue does not have: the queue again, saying so, unchanged.
    let odd = [("csrf_token", csrf.as_str()), ("back", back), ("columns", "password")];
    let refused = t.post_form(&client, "/work/columns", &odd).await;
    assert_eq!(refused.status(), 422);
    assert!(refused.text().await.expect("body").contains("id=\"work-error\""));
    assert_eq!(headings(&t.html(&client, back).await), ["status"]);

    // Through the API: read, chosen (each once), refused when unknown.
    assert_eq!(t.api_get(&bearer, "/api/v1/lists/work/columns").await["columns"], json!(["status"]));
    let body = json!({ "columns": ["description", "due", "description"] });
    let put = t.api_send(reqwest::Method::PUT, &bearer, "/api/v1/lists/work/columns", body).await;
    assert_eq!(put.status(), 200);
    assert_eq!(put.json::<Value>().await.expect("json")["columns"], json!(["description", "due"]));
    let body = json!({ "columns": ["password"] });
    let put = t.api_send(reqwest::Method::PUT, &bearer, "/api/v1/lists/work/columns", body).await;
    assert_eq!(put.status(), 422);
    assert_eq!(headings(&t.html(&client, back).await), ["description", "due"]);
    let views = t.api_get(&bearer, "/api/v1/lists/work/views").await;
    assert_eq!(views[0]["columns"], json!(["channel"]), "{views}");
}
web_test!(the_queue_shows_the_columns_each_person_chose);
