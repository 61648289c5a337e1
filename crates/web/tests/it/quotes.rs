//! Quotes through the API: a draft with a catalogue line and a free one
//! adds up to the cent, is edited at its version, sent and accepted; every
//! refusal names its field; the history tells each step; numbers taken by
//! fifty quotes at once have no gap and no repeat.
use crate::location;
use serde_json::{Value, json};
use testkit::{TestApp, web_test};

async fn product_and_customer(t: &TestApp, bearer: &str) -> String {
    let product =
        json!({ "code": "PNEU", "name": "Pneu aro 14", "unit": "un", "price": 38990, "group": "Pneus" });
    let saved = t.api_send(reqwest::Method::POST, bearer, "/api/v1/products", product).await;
    assert_eq!(saved.status(), 201);
    let body = json!({ "kind": "company", "full_name": "Transportes Andrade Ltda" });
    let created = t.api_send(reqwest::Method::POST, bearer, "/api/v1/parties", body).await;
    let status = created.status();
    let created: Value = created.json().await.expect("json");
    assert_eq!(status, 201, "{created}");
    created["party"]["id"].as_str().expect("id").to_string()
}

fn two_lines() -> Value {
    json!({
        "discount_percent": 500,
        "freight": 4500,
        "delivery_terms": "Entrega em 5 dias úteis",
        "lines": [
            { "product": "PNEU", "quantity": 4, "discount_percent": 1000 },
            { "description": "Montagem e balanceamento", "unit": "serv", "quantity": 1.5, "unit_price": 8000 },
        ],
    })
}

async fn a_quote_is_written_edited_sent_and_accepted(t: TestApp) {
    let bearer = format!("Bearer {}", t.token_for(&t.admin).await);
    let party = product_and_customer(&t, &bearer).await;
    let path = format!("/api/v1/parties/{party}/quotes");
    let created = t.api_send(reqwest::Method::POST, &bearer, &path, two_lines()).await;
    assert_eq!(created.status(), 201);
    let quote: Value = created.json().await.expect("json");
    // 4 × 389,90 − 10 % = 1.403,64; 1,5 × 80,00 = 120,00; − 5 % = 76,18; + 45,00.
    assert_eq!(
        (&quote["number"], &quote["state"], &quote["subtotal"], &quote["discount"], &quote["total"]),
        (&json!(1), &json!("draft"), &json!(152_364), &json!(7_618), &json!(149_246)),
        "{quote}"
    );
    assert_eq!(quote["lines"][0]["description"], "Pneu aro 14");
    assert_eq!(quote["lines"][0]["product_code"], "PNEU");
    assert_eq!(quote["lines"][1]["quantity"], "1,5");
    assert_eq!(quote["currency"], "BRL");
    let id = quote["id"].as_str().expect("id").to_string();

    // Edited at its version; the same version again is stale.
    let mut edit = two_lines();
    edit["version"] = quote["version"].clone();
    edit["freight"] = json!(0);
    let edited =
        t.api_send(reqwest::Method::PUT, &bearer, &format!("/api/v1/quotes/{id}"), edit.clone()).await;
    assert_eq!(edited.status(), 200);
    let edited: Value = edited.json().await.expect("json");
    assert_eq!((&edited["total"], &edited["version"]), (&json!(144_746), &json!(2)));
    let stale =
        t.api_send(reqwest::Method::PUT, &bearer, &format!("/api/v1/quotes/{id}"), edit.clone()).await;
    assert_eq!(stale.status(), 409);

    let step = |state: &str, version: i64| json!({ "state": state, "version": version });
    let state_path = format!("/api/v1/quotes/{id}/state");
    let refused = t.api_send(reqwest::Method::POST, &bearer, &state_path, step("accepted", 2)).await;
    assert_eq!(refused.status(), 422, "a draft is sent before it is accepted");
    let sent = t.api_send(reqwest::Method::POST, &bearer, &state_path, step("sent", 2)).await;
    assert_eq!(sent.status(), 200);
    edit["version"] = json!(3);
    let locked = t.api_send(reqwest::Method::PUT, &bearer, &format!("/api/v1/quotes/{id}"), edit).await;
    assert_eq!(locked.status(), 422, "what was sent stays as the customer saw it");
    let accepted = t.api_send(reqwest::Method::POST, &bearer, &state_path, step("accepted", 3)).await;
    assert_eq!(accepted.status(), 200);
    let accepted: Value = accepted.json().await.expect("json");
    assert_eq!(accepted["state"], "accepted");

    let listed = t.api_get(&bearer, &path).await;
    assert_eq!(listed[0]["number"], 1);
    assert_eq!(listed[0]["state"], "accepted");
    let history = t.api_get(&bearer, &format!("/api/v1/parties/{party}/history?kind=quote")).await;
    let actions: Vec<&str> =
        history.as_array().expect("events").iter().filter_map(|e| e["action"].as_str()).collect();
    assert_eq!(
        actions,
        ["timeline-quote-accepted", "timeline-quote-sent", "timeline-quote-created"],
        "{history}"
    );
}

web_test!(a_quote_is_written_edited_sent_and_accepted);

async fn every_refusal_names_its_field(t: TestApp) {
    let bearer = format!("Bearer {}", t.token_for(&t.admin).await);
    let party = product_and_customer(&t, &bearer).await;
    let path = format!("/api/v1/parties/{party}/quotes");
    let body = json!({
        "valid_until": "2000-01-01",
        "payment_terms": "installments",
        "lines": [
            { "product": "NADA", "quantity": 1 },
            { "quantity": 1, "unit_price": 100 },
            { "description": "Frete especial", "quantity": 0.0001, "unit_price": 100 },
        ],
    });
    let refused = t.api_send(reqwest::Method::POST, &bearer, &path, body).await;
    assert_eq!(refused.status(), 422);
    let refused: Value = refused.json().await.expect("json");
    let fields = &refused["error"]["fields"];
    for field in ["valid_until", "installments", "lines.0.product", "lines.1.description", "lines.2.quantity"]
    {
        assert!(fields[field].is_string(), "{field}: {refused}");
    }
    assert_eq!(fields["lines.0.product"], "Nenhum produto com este código.");
    let listed = t.api_get(&bearer, &path).await;
    assert_eq!(listed, json!([]), "nothing was written");
}

web_test!(every_refusal_names_its_field);

/// The numbers come from a counter row taken in each quote's transaction:
/// fifty quotes at once get 1 to 50, each once.
async fn fifty_quotes_at_once_get_fifty_numbers(t: TestApp) {
    let bearer = format!("Bearer {}", t.token_for(&t.admin).await);
    let party = product_and_customer(&t, &bearer).await;
    let path = format!("/api/v1/parties/{party}/quotes");
    let sends = (0..50).map(|_| t.api_send(reqwest::Method::POST, &bearer, &path, two_lines()));
    let answers = futures_util::future::join_all(sends).await;
    let mut numbers = Vec::new();
    for answer in answers {
        assert_eq!(answer.status(), 201);
        let quote: Value = answer.json().await.expect("json");
        numbers.push(quote["number"].as_i64().expect("number"));
    }
    numbers.sort_unstable();
    assert_eq!(numbers, (1..=50).collect::<Vec<i64>>());
}

web_test!(fifty_quotes_at_once_get_fifty_numbers);

/// The screens as the browser sends their forms: the new quote with every
/// field at its default (refused: no line), then filled; the quote's page
/// with its figures; its steps; editing a draft at its version, and the
/// same form sent again answered with the conflict.
async fn a_quote_from_the_customers_page_as_the_browser_sends_it(t: TestApp) {
    let (client, csrf) = t.login(&t.admin).await;
    let bearer = format!("Bearer {}", t.token_for(&t.admin).await);
    let party = product_and_customer(&t, &bearer).await;
    let tab = t.html(&client, &format!("/customers/{party}?tab=quotes")).await;
    assert!(tab.contains("id=\"quotes-empty\"") && tab.contains("id=\"new-quote\""), "{tab}");
    let form = t.html(&client, &format!("/customers/{party}/quotes/new")).await;
    assert!(form.contains("id=\"quote-form\"") && form.contains("Pneu aro 14"), "{form}");

    let mut fields: Vec<(String, String)> = vec![("csrf_token".into(), csrf.clone())];
    for row in 0..5 {
        for column in ["product", "description", "unit", "quantity", "unit_price", "discount"] {
            let value = if row == 0 && column == "quantity" { "1" } else { "" };
            fields.push((format!("line_{row}_{column}"), value.into()));
        }
    }
    for (name, value) in [
        ("discount", ""),
        ("freight", ""),
        ("valid_until", ""),
        ("payment_terms", "cash"),
        ("installments", ""),
        ("delivery_terms", ""),
        ("notes", ""),
    ] {
        fields.push((name.into(), value.into()));
    }
    let url = t.url(&format!("/customers/{party}/quotes"));
    let refused = client.post(&url).form(&fields).send().await.expect("POST");
    assert_eq!(refused.status(), 422);
    let page = refused.text().await.expect("body");
    assert!(page.contains("Preencha este campo."), "a line's description is asked for: {page}");

    let set = |fields: &mut Vec<(String, String)>, name: &str, value: &str| {
        let slot = fields.iter_mut().find(|(n, _)| n == name).expect("field");
        slot.1 = value.to_string();
    };
    // The tyres' row leaves its description empty and the next row has
    // one: each cell stays in its row.
    set(&mut fields, "line_0_product", "PNEU");
    set(&mut fields, "line_0_quantity", "4");
    set(&mut fields, "line_0_discount", "10");
    set(&mut fields, "line_1_description", "Montagem e balanceamento");
    set(&mut fields, "line_1_quantity", "1,5");
    set(&mut fields, "line_1_unit_price", "80,00");
    set(&mut fields, "discount", "5");
    set(&mut fields, "freight", "45,00");
    let saved = client.post(&url).form(&fields).send().await.expect("POST");
    let status = saved.status();
    let to = location(&saved);
    assert_eq!(status, 303, "{}", saved.text().await.unwrap_or_default());
    assert!(to.starts_with("/quotes/"), "{to}");
    let page = t.html(&client, &to).await;
    assert!(page.contains("Orçamento criado.") && page.contains("Orçamento nº 1"), "{page}");
    assert!(page.contains("R$ 1.492,46") && page.contains("−R$ 76,18"), "the figures in pt-BR: {page}");
    assert!(page.contains("Rascunho") && page.contains("id=\"quote-edit\""), "{page}");
    let reloaded = t.html(&client, &to).await;
    assert!(!reloaded.contains("Orçamento criado."), "the notice shows once");
    let tab = t.html(&client, &format!("/customers/{party}?tab=quotes")).await;
    assert!(tab.contains("id=\"quotes-table\"") && tab.contains("R$ 1.492,46"), "{tab}");

    // Edited from its form as it comes, the freight taken off.
    let edit = t.html(&client, &format!("{to}/edit")).await;
    assert!(edit.contains("value=\"Montagem e balanceamento\"") && edit.contains("value=\"1,5\""), "{edit}");
    set(&mut fields, "freight", "");
    fields.push(("version".into(), "1".into()));
    let edited = t.post_form(&client, &to, &fields).await;
    assert_eq!((edited.status().as_u16(), location(&edited)), (303, to.clone()));
    let page = t.html(&client, &to).await;
    assert!(page.contains("Orçamento salvo.") && page.contains("R$ 1.447,46"), "{page}");
    assert!(page.contains("rev. 2") && page.contains(&format!("href=\"{to}/revisions/1\"")), "{page}");
    let first = t.html(&client, &format!("{to}/revisions/1")).await;
    assert!(first.contains("id=\"quote-old-revision\"") && first.contains("R$ 1.492,46"), "{first}");
    assert!(!first.contains("id=\"quote-step-sent\""), "an earlier revision is only read");
    let missing = client.get(t.url(&format!("{to}/revisions/abc"))).send().await.expect("GET");
    assert_eq!(missing.status(), 404);
    let stale = t.post_form(&client, &to, &fields).await;
    assert_eq!(stale.status(), 409);
    assert!(stale.text().await.expect("body").contains("id=\"form-conflict\""));

    // Sent, then accepted, from the page's buttons.
    let step = |state: &'static str, version: &'static str| {
        let form = [("csrf_token", csrf.clone()), ("state", state.into()), ("version", version.into())];
        client.post(t.url(&format!("{to}/state"))).form(&form).send()
    };
    let sent = step("sent", "2").await.expect("POST");
    assert_eq!(sent.status(), 303);
    let page = t.html(&client, &location(&sent)).await;
    assert!(
        page.contains("Orçamento marcado como enviado.") && !page.contains("id=\"quote-edit\""),
        "{page}"
    );
    let again = step("sent", "2").await.expect("POST");
    assert_eq!(again.status(), 303, "a second click answers with a message, not an error page");
    let page = t.html(&client, &location(&again)).await;
    assert!(page.contains("Este orçamento não pode passar a esta situação."), "{page}");
    let accepted = step("accepted", "3").await.expect("POST");
    let page = t.html(&client, &location(&accepted)).await;
    assert!(page.contains("Aceite do cliente registrado.") && page.contains("Aceito"), "{page}");

    let history = t.html(&client, &format!("/customers/{party}?tab=history")).await;
    assert!(history.contains("Orçamento aceito") && history.contains(&format!("href=\"{to}\"")), "{history}");
}

web_test!(a_quote_from_the_customers_page_as_the_browser_sends_it);

/// An accepted quote made an order once, routed to production, moved
/// through its queue step by step; a draft is no order, and the sales
/// office makes nothing.
async fn an_accepted_quote_becomes_one_order_that_moves_through_its_queue(t: TestApp) {
    let (client, csrf) = t.login(&t.admin).await;
    let bearer = format!("Bearer {}", t.token_for(&t.admin).await);
    let party = product_and_customer(&t, &bearer).await;
    let path = format!("/api/v1/parties/{party}/quotes");
    let quote: Value =
        t.api_send(reqwest::Method::POST, &bearer, &path, two_lines()).await.json().await.expect("json");
    let id = quote["id"].as_str().expect("id").to_string();
    let order_path = format!("/api/v1/quotes/{id}/order");
    let production = json!({ "destination": "production" });
    let draft = t.api_send(reqwest::Method::POST, &bearer, &order_path, production.clone()).await;
    assert_eq!(draft.status(), 422, "a draft is no order");
    for (state, version) in [("sent", 1), ("accepted", 2)] {
        let step = json!({ "state": state, "version": version });
        let moved =
            t.api_send(reqwest::Method::POST, &bearer, &format!("/api/v1/quotes/{id}/state"), step).await;
        assert_eq!(moved.status(), 200);
    }

    // From the quote's page, as the browser sends its form.
    let page = t.html(&client, &format!("/quotes/{id}")).await;
    assert!(page.contains("id=\"quote-order-form\""), "{page}");
    let form = [("csrf_token", csrf.as_str()), ("destination", "production")];
    let made = t.post_form(&client, &format!("/quotes/{id}/order"), &form).await;
    assert_eq!(made.status(), 303);
    let to = location(&made);
    assert!(to.starts_with("/orders/"), "{to}");
    let page = t.html(&client, &to).await;
    assert!(
        page.contains("Pedido gerado.") && page.contains("Pedido nº 1") && page.contains("Produção"),
        "{page}"
    );
    let again = t.api_send(reqwest::Method::POST, &bearer, &order_path, production).await;
    assert_eq!(again.status(), 422, "a quote becomes one order");
    let quote_page = t.html(&client, &format!("/quotes/{id}")).await;
    assert!(
        quote_page.contains("id=\"quote-order-link\"") && !quote_page.contains("id=\"quote-order-form\"")
    );

    let queue = t.html(&client, "/orders").await;
    assert!(queue.contains("id=\"orders-table\"") && queue.contains("Transportes Andrade Ltda"), "{queue}");
    let office = t.html(&client, "/orders?tab=sales_office").await;
    assert!(office.contains("id=\"orders-empty\""), "{office}");
    let listed = t.api_get(&bearer, "/api/v1/orders?destination=production").await;
    assert_eq!(listed[0]["number"], 1);
    let order_id = listed[0]["id"].as_str().expect("id").to_string();

    let step = |state: &'static str, version: &'static str| {
        let form = [("csrf_token", csrf.clone()), ("state", state.into()), ("version", version.into())];
        client.post(t.url(&format!("/orders/{order_id}/state"))).form(&form).send()
    };
    for (state, version, notice) in [
        ("in_production", "1", "Pedido atualizado."),
        ("ready", "2", "Pedido atualizado."),
        ("delivered", "3", "Pedido atualizado."),
    ] {
        let moved = step(state, version).await.expect("POST");
        assert_eq!(moved.status(), 303);
        let page = t.html(&client, &location(&moved)).await;
        assert!(page.contains(notice), "{state}: {page}");
    }
    let stale = step("cancelled", "3").await.expect("POST");
    let page = t.html(&client, &location(&stale)).await;
    assert!(page.contains("Este pedido não pode passar a esta situação."), "{page}");
    let order = t.api_get(&bearer, &format!("/api/v1/orders/{order_id}")).await;
    let states: Vec<&str> =
        order["steps"].as_array().expect("steps").iter().filter_map(|s| s["state"].as_str()).collect();
    assert_eq!(states, ["received", "in_production", "ready", "delivered"]);
    let delivered = t.api_get(&bearer, "/api/v1/orders?destination=production").await;
    assert_eq!(delivered, json!([]), "delivered is out of the queue");
    let by_step = t
        .api_send(
            reqwest::Method::POST,
            &bearer,
            &format!("/api/v1/orders/{order_id}/state"),
            json!({ "state": "invoiced", "version": 4 }),
        )
        .await;
    assert_eq!(by_step.status(), 422, "an order is invoiced by invoicing it");

    // Invoicing from the order's page as the browser sends it: without a
    // store there is nothing to choose and the page says where to make one.
    let page = t.html(&client, &format!("/orders/{order_id}")).await;
    assert!(page.contains("id=\"order-invoice-no-store\"") && !page.contains("id=\"order-invoice-form\""));
    let store = json!({ "code": "01", "name": "Matriz" });
    assert_eq!(t.api_send(reqwest::Method::POST, &bearer, "/api/v1/stores", store).await.status(), 201);
    let page = t.html(&client, &format!("/orders/{order_id}")).await;
    assert!(page.contains("id=\"order-invoice-form\"") && !page.contains("name=\"first_due\""), "cash terms");
    let invoice = |version: &'static str, key: &'static str| {
        let form = [
            ("csrf_token", csrf.clone()),
            ("version", version.into()),
            ("store", "01".into()),
            ("fiscal_number", "000123".into()),
            ("fiscal_key", key.into()),
        ];
        client.post(t.url(&format!("/orders/{order_id}/invoice"))).form(&form).send()
    };
    let refused = invoice("4", "12345").await.expect("POST");
    assert_eq!(refused.status(), 422);
    let page = refused.text().await.expect("page");
    assert!(page.contains("id=\"fiscal_key-error\">") && page.contains("value=\"000123\""), "{page}");
    let stale = invoice("3", "").await.expect("POST");
    assert_eq!(stale.status(), 409, "a stale version is a conflict");
    let done = invoice("4", "").await.expect("POST");
    assert_eq!(done.status(), 303);
    let page = t.html(&client, &location(&done)).await;
    assert!(page.contains("Pedido faturado") && page.contains("id=\"order-sale-link\""), "{page}");
    assert!(!page.contains("id=\"order-invoice-form\""), "invoiced once");
    let again = invoice("5", "").await.expect("POST");
    assert_eq!(again.status(), 422, "invoicing twice is refused");
    let history = t.html(&client, &format!("/customers/{party}?tab=history")).await;
    assert!(history.contains("Pedido faturado") && history.contains(&format!("href=\"/orders/{order_id}\"")));
    let tab = t.html(&client, &format!("/customers/{party}?tab=quotes")).await;
    assert!(tab.contains(&format!("id=\"order-{order_id}\"")) && tab.contains("Faturado"), "{tab}");

    // The sales office hands over what it did not make.
    let second: Value =
        t.api_send(reqwest::Method::POST, &bearer, &path, two_lines()).await.json().await.expect("json");
    let second_id = second["id"].as_str().expect("id").to_string();
    for (state, version) in [("sent", 1), ("accepted", 2)] {
        let step = json!({ "state": state, "version": version });
        t.api_send(reqwest::Method::POST, &bearer, &format!("/api/v1/quotes/{second_id}/state"), step).await;
    }
    // The routing rule, from the queue's form as the browser sends it: tyres
    // are made by production, so the quote's form offers production first.
    let queue = t.html(&client, "/orders").await;
    assert!(queue.contains("id=\"order-routing\"") && queue.contains("value=\"Pneus\""), "{queue}");
    let rule = [("csrf_token", csrf.as_str()), ("production_group", "Pneus")];
    let saved = t.post_form(&client, "/orders/routing", &rule).await;
    assert_eq!((saved.status().as_u16(), location(&saved).as_str()), (303, "/orders"));
    let routing = t.api_get(&bearer, "/api/v1/settings/order-routing").await;
    assert_eq!(routing, json!({ "production_groups": ["Pneus"] }));
    let first_option = |page: &str| {
        let production = page.find("<option value=\"production\"").expect("production");
        let office = page.find("<option value=\"sales_office\"").expect("sales office");
        if production < office { "production" } else { "sales_office" }
    };
    let page = t.html(&client, &format!("/quotes/{second_id}")).await;
    assert_eq!(first_option(&page), "production");
    let unknown = json!({ "production_groups": ["Nada"] });
    let refused = t.api_send(reqwest::Method::PUT, &bearer, "/api/v1/settings/order-routing", unknown).await;
    assert_eq!(refused.status(), 422);
    let cleared = json!({ "production_groups": [] });
    let cleared = t.api_send(reqwest::Method::PUT, &bearer, "/api/v1/settings/order-routing", cleared).await;
    assert_eq!(cleared.status(), 200);
    let page = t.html(&client, &format!("/quotes/{second_id}")).await;
    assert_eq!(first_option(&page), "sales_office");
    // Without a destination the rule decides: no group goes to production now.
    let made = t
        .api_send(reqwest::Method::POST, &bearer, &format!("/api/v1/quotes/{second_id}/order"), json!({}))
        .await;
    assert_eq!(made.status(), 201);
    let made: Value = made.json().await.expect("json");
    assert_eq!((&made["number"], &made["destination"]), (&json!(2), &json!("sales_office")));
    let refused = t
        .api_send(
            reqwest::Method::POST,
            &bearer,
            &format!("/api/v1/orders/{}/state", made["id"].as_str().expect("id")),
            json!({ "state": "in_production", "version": 1 }),
        )
        .await;
    assert_eq!(refused.status(), 422);
}

web_test!(an_accepted_quote_becomes_one_order_that_moves_through_its_queue);

/// Invoicing a delivered order records the sale: the quote's lines (a
/// free one included) with its discount spread over them and the freight
/// as an item, adding up to the quote's total; its installments from the
/// payment terms; the customer's figures and purchases tab see it.
async fn an_invoiced_order_is_a_sale_with_its_installments(t: TestApp) {
    let (client, _) = t.login(&t.admin).await;
    let bearer = format!("Bearer {}", t.token_for(&t.admin).await);
    let party = product_and_customer(&t, &bearer).await;
    let store = json!({ "code": "01", "name": "Matriz" });
    assert_eq!(t.api_send(reqwest::Method::POST, &bearer, "/api/v1/stores", store).await.status(), 201);
    let mut body = two_lines();
    body["payment_terms"] = json!("installments");
    body["installments"] = json!(3);
    let path = format!("/api/v1/parties/{party}/quotes");
    let quote: Value =
        t.api_send(reqwest::Method::POST, &bearer, &path, body).await.json().await.expect("json");
    let id = quote["id"].as_str().expect("id").to_string();
    for (state, version) in [("sent", 1), ("accepted", 2)] {
        let step = json!({ "state": state, "version": version });
        t.api_send(reqwest::Method::POST, &bearer, &format!("/api/v1/quotes/{id}/state"), step).await;
    }
    let order: Value = t
        .api_send(reqwest::Method::POST, &bearer, &format!("/api/v1/quotes/{id}/order"), json!({}))
        .await
        .json()
        .await
        .expect("json");
    let order_id = order["id"].as_str().expect("id").to_string();
    let invoice_path = format!("/api/v1/orders/{order_id}/invoice");
    let early = json!({ "version": 1, "store": "01" });
    let early = t.api_send(reqwest::Method::POST, &bearer, &invoice_path, early).await;
    assert_eq!(early.status(), 422, "only a delivered order is invoiced");
    for (state, version) in [("ready", 1), ("delivered", 2)] {
        let step = json!({ "state": state, "version": version });
        let moved = t
            .api_send(reqwest::Method::POST, &bearer, &format!("/api/v1/orders/{order_id}/state"), step)
            .await;
        assert_eq!(moved.status(), 200);
    }
    let unknown = json!({ "version": 3, "store": "99" });
    let unknown = t.api_send(reqwest::Method::POST, &bearer, &invoice_path, unknown).await;
    assert_eq!(unknown.status(), 422);
    let unknown: Value = unknown.json().await.expect("json");
    assert!(unknown["error"]["fields"]["store"].is_string(), "{unknown}");

    let body = json!({ "version": 3, "store": "01", "fiscal_number": "4521", "first_due": "2027-02-10" });
    let invoiced = t.api_send(reqwest::Method::POST, &bearer, &invoice_path, body).await;
    assert_eq!(invoiced.status(), 200);
    let invoiced: Value = invoiced.json().await.expect("json");
    assert_eq!(invoiced["state"], "invoiced");
    let sale_id = invoiced["sale_id"].as_str().expect("sale").to_string();
    let sale = t.api_get(&bearer, &format!("/api/v1/sales/{sale_id}")).await;
    assert_eq!(sale["total"], quote["total"], "{sale}");
    assert_eq!((&sale["payment"], &sale["fiscal_number"]), (&json!("store_credit"), &json!("4521")));
    let items = sale["items"].as_array().expect("items");
    let descriptions: Vec<&str> = items.iter().filter_map(|item| item["description"].as_str()).collect();
    assert_eq!(descriptions, ["Pneu aro 14", "Montagem e balanceamento", "Frete"]);
    assert_eq!((&items[0]["product_code"], &items[1]["product_id"]), (&json!("PNEU"), &Value::Null));
    let items_total: i64 = items.iter().filter_map(|item| item["total"].as_i64()).sum();
    assert_eq!(Some(items_total), quote["total"].as_i64());
    assert_eq!(items[2]["total"], quote["freight"]);

    let installments = t.api_get(&bearer, &format!("/api/v1/parties/{party}/installments")).await;
    let installments = installments.as_array().expect("installments");
    assert_eq!(installments.len(), 3);
    assert_eq!(installments[0]["due_on"], "2027-02-10");
    let owed: i64 = installments.iter().filter_map(|i| i["amount"].as_i64()).sum();
    assert_eq!(Some(owed), quote["total"].as_i64());
    let figures = t.api_get(&bearer, &format!("/api/v1/parties/{party}/purchase-figures")).await;
    assert_eq!((&figures["purchase_count"], &figures["total_bought"]), (&json!(1), &quote["total"]));

    let tab = t.html(&client, &format!("/customers/{party}?tab=purchases")).await;
    assert!(
        tab.contains(&format!("id=\"sale-{sale_id}\"")) && tab.contains("Montagem e balanceamento"),
        "{tab}"
    );
    assert!(tab.contains("PNEU · Pneu aro 14"), "a catalogue item shows its code, a free one only its text");
    let again = json!({ "version": 4, "store": "01" });
    let again = t.api_send(reqwest::Method::POST, &bearer, &invoice_path, again).await;
    assert_eq!(again.status(), 422, "invoiced once");
}

web_test!(an_invoiced_order_is_a_sale_with_its_installments);

/// The revenue estimate: the last twelve months' sales and the open
/// quotes weighted by state (a quarter of a draft, half of one sent, all of
/// one accepted); invoicing an accepted quote's order moves its total from
/// the quotes to the sales and leaves the estimate as it was. Shown on the
/// quotes tab, the summary, and the customer list's column.
async fn the_revenue_estimate_adds_sales_and_weighted_open_quotes(t: TestApp) {
    let (client, csrf) = t.login(&t.admin).await;
    let bearer = format!("Bearer {}", t.token_for(&t.admin).await);
    let party = product_and_customer(&t, &bearer).await;
    let store = json!({ "code": "01", "name": "Matriz" });
    assert_eq!(t.api_send(reqwest::Method::POST, &bearer, "/api/v1/stores", store).await.status(), 201);
    let sale = json!({ "store": "01", "payment": "cash", "items": [{ "product": "PNEU", "quantity": 1 }] });
    let sold =
        t.api_send(reqwest::Method::POST, &bearer, &format!("/api/v1/parties/{party}/sales"), sale).await;
    assert_eq!(sold.status(), 201);
    let mut ids = Vec::new();
    for (price, steps) in [
        (10_000, &[][..]),
        (20_000, &["sent"][..]),
        (40_000, &["sent", "accepted"][..]),
        (80_000, &["sent", "refused"][..]),
    ] {
        let body = json!({ "lines": [{ "description": "Serviço", "quantity": 1, "unit_price": price }] });
        let quote: Value = t
            .api_send(reqwest::Method::POST, &bearer, &format!("/api/v1/parties/{party}/quotes"), body)
            .await
            .json()
            .await
            .expect("json");
        let id = quote["id"].as_str().expect("id").to_string();
        for (version, state) in steps.iter().enumerate() {
            let step = json!({ "state": state, "version": version + 1 });
            let moved =
                t.api_send(reqwest::Method::POST, &bearer, &format!("/api/v1/quotes/{id}/state"), step).await;
            assert_eq!(moved.status(), 200);
        }
        ids.push(id);
    }
    let path = format!("/api/v1/parties/{party}/revenue-estimate");
    let expected = json!({ "party_id": party, "sales_12_months": 38_990, "open_quotes": 2_500 + 10_000 + 40_000, "total": 91_490 });
    assert_eq!(t.api_get(&bearer, &path).await, expected);

    let tab = t.html(&client, &format!("/customers/{party}?tab=quotes")).await;
    assert!(
        tab.contains("id=\"revenue-estimate\"") && tab.contains("R$ 914,90") && tab.contains("R$ 525,00"),
        "{tab}"
    );
    let summary = t.html(&client, &format!("/customers/{party}")).await;
    assert!(summary.contains("Receita estimada") && summary.contains("R$ 914,90"), "{summary}");
    let form =
        [("csrf_token", csrf.as_str()), ("back", "/customers"), ("columns", "city"), ("columns", "revenue")];
    let chosen = t.post_form(&client, "/customers/columns", &form).await;
    assert_eq!(chosen.status(), 303);
    let list = t.html(&client, "/customers").await;
    assert!(list.contains("<th scope=\"col\">Receita estimada</th>") && list.contains("R$ 914,90"), "{list}");

    // Invoiced, the accepted quote is a sale: the estimate does not change.
    let order: Value = t
        .api_send(reqwest::Method::POST, &bearer, &format!("/api/v1/quotes/{}/order", ids[2]), json!({}))
        .await
        .json()
        .await
        .expect("json");
    let order_id = order["id"].as_str().expect("id").to_string();
    for (state, version) in [("ready", 1), ("delivered", 2)] {
        let step = json!({ "state": state, "version": version });
        t.api_send(reqwest::Method::POST, &bearer, &format!("/api/v1/orders/{order_id}/state"), step).await;
    }
    let invoice = json!({ "version": 3, "store": "01" });
    let invoiced = t
        .api_send(reqwest::Method::POST, &bearer, &format!("/api/v1/orders/{order_id}/invoice"), invoice)
        .await;
    assert_eq!(invoiced.status(), 200);
    let estimate = t.api_get(&bearer, &path).await;
    assert_eq!(
        (&estimate["sales_12_months"], &estimate["open_quotes"], &estimate["total"]),
        (&json!(78_990), &json!(12_500), &json!(91_490))
    );
}

web_test!(the_revenue_estimate_adds_sales_and_weighted_open_quotes);

/// A queue longer than a page: the first hundred orders, then the next
/// page from the link (and from the API's `after`), none twice.
async fn a_long_queue_pages_without_repeating(t: TestApp) {
    let (client, _) = t.login(&t.admin).await;
    let bearer = format!("Bearer {}", t.token_for(&t.admin).await);
    let party = product_and_customer(&t, &bearer).await;
    let line = json!({ "lines": [{ "description": "Serviço", "quantity": 1, "unit_price": 1000 }] });
    for _ in 0..101 {
        let quote: Value = t
            .api_send(
                reqwest::Method::POST,
                &bearer,
                &format!("/api/v1/parties/{party}/quotes"),
                line.clone(),
            )
            .await
            .json()
            .await
            .expect("json");
        let id = quote["id"].as_str().expect("id").to_string();
        for (state, version) in [("sent", 1), ("accepted", 2)] {
            let step = json!({ "state": state, "version": version });
            t.api_send(reqwest::Method::POST, &bearer, &format!("/api/v1/quotes/{id}/state"), step).await;
        }
        let made = t
            .api_send(reqwest::Method::POST, &bearer, &format!("/api/v1/quotes/{id}/order"), json!({}))
            .await;
        assert_eq!(made.status(), 201);
    }
    let first = t.html(&client, "/orders?tab=sales_office").await;
    assert_eq!(first.matches("<tr><td><a href=\"/orders/").count(), 100);
    let next = first
        .split("id=\"orders-next\" href=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a next page");
    let next = next.replace("&#38;", "&");
    assert_eq!(next, "/orders?tab=sales_office&after=100");
    let by_hand = t.html(&client, "/orders?tab=sales_office&after=-5").await;
    assert_eq!(
        by_hand.matches("<tr><td><a href=\"/orders/").count(),
        100,
        "a cursor typed by hand starts from the top"
    );
    let second = t.html(&client, &next).await;
    assert_eq!(second.matches("<tr><td><a href=\"/orders/").count(), 1);
    assert!(second.contains(">101</a>") && !second.contains("id=\"orders-next\""), "{second}");

    let page = t
        .client()
        .get(t.url("/api/v1/orders?destination=sales_office"))
        .header("authorization", &bearer)
        .send()
        .await
        .expect("GET");
    assert_eq!(page.headers().get("x-next-after").and_then(|v| v.to_str().ok()), Some("100"));
    let rest = t.api_get(&bearer, "/api/v1/orders?destination=sales_office&after=100").await;
    assert_eq!(
        rest.as_array().map(|orders| orders.iter().map(|o| o["number"].clone()).collect::<Vec<_>>()),
        Some(vec![json!(101)])
    );
}

web_test!(a_long_queue_pages_without_repeating);
