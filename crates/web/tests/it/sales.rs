//! Stores, the catalogue and sales through HTTP: the administrator's pages
//! as the browser posts them, a sale entered from the customer's page with
//! every field at its default and then filled, the purchases and finance
//! tabs, cancelling, the API with its ERP batch sent twice, and the credit
//! figures kept from who lacks the financial right.
use crate::location;
use serde_json::{Value, json};
use testkit::{TestApp, web_test};

async fn stores_and_products_through_their_pages_and_the_api(t: TestApp) {
    let (client, csrf) = t.login(&t.admin).await;
    let bearer = format!("Bearer {}", t.token_for(&t.admin).await);
    let empty = t.html(&client, "/admin/stores").await;
    assert!(empty.contains("id=\"stores-empty\""), "{empty}");

    let form = |cnpj: &'static str| {
        vec![
            ("csrf_token", csrf.clone()),
            ("code", "01".into()),
            ("name", "Loja Centro".into()),
            ("cnpj", cnpj.into()),
        ]
    };
    let refused = t.post_form(&client, "/admin/stores", &form("11.222.333/0001-00")).await;
    assert_eq!(refused.status(), 422);
    let page = refused.text().await.expect("body");
    assert!(page.contains("CNPJ inválido") && page.contains("Loja Centro"), "{page}");
    let saved = t.post_form(&client, "/admin/stores", &form("11.222.333/0001-81")).await;
    assert_eq!((saved.status().as_u16(), location(&saved).as_str()), (303, "/admin/stores"));
    let page = t.html(&client, "/admin/stores").await;
    assert!(page.contains("Loja cadastrada.") && page.contains("11.222.333/0001-81"), "{page}");
    let again = t.post_form(&client, "/admin/stores", &form("")).await;
    assert_eq!(again.status(), 422, "the code is taken");

    // The product form as it comes: only "active" ticked.
    let blank = [
        ("csrf_token", csrf.as_str()),
        ("code", ""),
        ("name", ""),
        ("unit", ""),
        ("price", ""),
        ("group", ""),
        ("brand", ""),
        ("line", ""),
        ("active", "true"),
    ];
    let refused = t.post_form(&client, "/admin/products", &blank).await;
    assert_eq!(refused.status(), 422);
    let filled = [
        ("csrf_token", csrf.as_str()),
        ("code", "PNEU"),
        ("name", "Pneu aro 14"),
        ("unit", "un"),
        ("price", "389,90"),
        ("group", "Pneus"),
        ("brand", "Pirelli"),
        ("line", ""),
        ("active", "true"),
    ];
    let saved = t.post_form(&client, "/admin/products", &filled).await;
    assert_eq!((saved.status().as_u16(), location(&saved).as_str()), (303, "/admin/products"));
    let page = t.html(&client, "/admin/products").await;
    assert!(
        page.contains("Pneu aro 14") && page.contains("389,90") && page.contains("Pneus · Pirelli"),
        "{page}"
    );
    let search = t.html(&client, "/admin/products?q=&inactive=").await;
    assert!(search.contains("Pneu aro 14"), "the filter's default submission: {search}");

    let oil = t
        .api_send(
            reqwest::Method::POST,
            &bearer,
            "/api/v1/products",
            json!({ "code": "OLEO", "name": "Óleo 5W30", "price": 4500, "group": "Lubrificantes" }),
        )
        .await;
    assert_eq!(oil.status(), 201);
    let oil: Value = oil.json().await.expect("json");
    let stale = json!({ "version": 0, "code": "OLEO", "name": "Óleo 5W40", "price": 4700 });
    let conflict = t
        .api_send(
            reqwest::Method::PUT,
            &bearer,
            &format!("/api/v1/products/{}", oil["id"].as_str().expect("id")),
            stale,
        )
        .await;
    assert_eq!(conflict.status(), 409);
    let products = t.api_get(&bearer, "/api/v1/products?q=5w30").await;
    let codes: Vec<&str> =
        products["products"].as_array().expect("list").iter().filter_map(|p| p["code"].as_str()).collect();
    assert_eq!(codes, ["OLEO"], "found by its name, in any case: {products}");
    let stores = t.api_get(&bearer, "/api/v1/stores").await;
    assert_eq!(stores[0]["cnpj"], "11.222.333/0001-81");
}
web_test!(stores_and_products_through_their_pages_and_the_api);

async fn store_and_products(t: &TestApp, bearer: &str) {
    let store = t
        .api_send(
            reqwest::Method::POST,
            bearer,
            "/api/v1/stores",
            json!({ "code": "01", "name": "Loja Centro" }),
        )
        .await;
    assert_eq!(store.status(), 201);
    for (code, name, price) in [("PNEU", "Pneu aro 14", 38990), ("OLEO", "Óleo 5W30", 4500)] {
        let body = json!({ "code": code, "name": name, "price": price });
        assert_eq!(t.api_send(reqwest::Method::POST, bearer, "/api/v1/products", body).await.status(), 201);
    }
}

async fn customer(t: &TestApp, bearer: &str) -> String {
    let body =
        json!({ "kind": "person", "full_name": "Simone Simões Lima", "revolving_credit_limit": "3.000,00" });
    let created = t.api_send(reqwest::Method::POST, bearer, "/api/v1/parties", body).await;
    let status = created.status();
    let created: Value = created.json().await.expect("json");
    assert_eq!(status, 201, "{created}");
    created["party"]["id"].as_str().expect("id").to_string()
}

async fn a_sale_from_the_customers_page_as_the_browser_sends_it(t: TestApp) {
    let (client, csrf) = t.login(&t.admin).await;
    let bearer = format!("Bearer {}", t.token_for(&t.admin).await);
    store_and_products(&t, &bearer).await;
    let party = customer(&t, &bearer).await;
    let tab = t.html(&client, &format!("/customers/{party}?tab=purchases")).await;
    assert!(tab.contains("id=\"purchases-empty\"") && tab.contains("id=\"new-sale\""), "{tab}");
    let form = t.html(&client, &format!("/customers/{party}/sales/new")).await;
    assert!(form.contains("id=\"sale-form\"") && form.contains("Loja Centro"), "{form}");

    // Every field at its default: store, payment and one installment chosen, quantity 1, no product.
    let mut fields: Vec<(String, String)> = vec![
        ("csrf_token".into(), csrf.clone()),
        ("store".into(), "01".into()),
        ("sold_at".into(), String::new()),
    ];
    for row in 0..5 {
        for column in ["product", "quantity", "unit_price", "discount"] {
            let value = if row == 0 && column == "quantity" { "1" } else { "" };
            fields.push((format!("item_{row}_{column}"), value.into()));
        }
    }
    fields.extend(
        [
            ("payment", "cash"),
            ("installments", "1"),
            ("first_due", ""),
            ("fiscal_number", ""),
            ("fiscal_key", ""),
        ]
        .map(|(name, value)| (name.to_string(), value.to_string())),
    );
    let url = t.url(&format!("/customers/{party}/sales"));
    let refused = client.post(&url).form(&fields).send().await.expect("POST");
    assert_eq!(refused.status(), 422);
    let page = refused.text().await.expect("body");
    assert!(page.contains("Preencha este campo."), "the product is asked for: {page}");

    // Filled: a litre of oil and four tyres with a discount, on credit in
    // three. The oil's row leaves its discount empty and the tyres' row
    // below has one: each cell stays in its row.
    let set = |fields: &mut Vec<(String, String)>, name: &str, value: &str| {
        let slot = fields.iter_mut().find(|(n, _)| n == name).expect("field");
        slot.1 = value.to_string();
    };
    set(&mut fields, "item_0_product", "OLEO");
    set(&mut fields, "item_0_quantity", "1");
    set(&mut fields, "item_1_product", "PNEU");
    set(&mut fields, "item_1_quantity", "4");
    set(&mut fields, "item_1_discount", "59,60");
    set(&mut fields, "payment", "store_credit");
    set(&mut fields, "installments", "3");
    let saved = client.post(&url).form(&fields).send().await.expect("POST");
    assert_eq!(saved.status(), 303);
    let to = location(&saved);
    assert!(to.starts_with(&format!("/customers/{party}?tab=purchases#sale-")), "{to}");
    let page = t.html(&client, &to).await;
    assert!(
        page.contains("Venda registrada.") && page.contains("R$ 1.545,00"),
        "1.559,60 − 59,60 + 45,00: {page}"
    );
    assert!(page.contains("Crediário") && page.contains("Pneu aro 14"), "{page}");
    let reloaded = t.html(&client, &to).await;
    assert!(!reloaded.contains("Venda registrada."), "the notice shows once");

    let finance = t.html(&client, &format!("/customers/{party}?tab=finance")).await;
    assert!(finance.contains("id=\"installments-table\"") && finance.contains("R$ 515,00"), "{finance}");
    assert!(finance.contains("R$ 1.455,00"), "available credit 3.000,00 − 1.545,00: {finance}");

    // The first installment paid from its row as the browser sends it: the amount and today prefilled.
    let installments = t.api_get(&bearer, &format!("/api/v1/parties/{party}/installments")).await;
    let first = &installments[0];
    let first_id = first["id"].as_str().expect("id");
    let marker = format!("id=\"pay-day-{first_id}\" name=\"paid_on\" type=\"date\" value=\"");
    let today = finance.split(&marker).nth(1).and_then(|rest| rest.get(..10)).expect("today in the form");
    let version = first["version"].to_string();
    let pay =
        [("csrf_token", csrf.as_str()), ("version", &version), ("amount", "515,00"), ("paid_on", today)];
    let paid = t.post_form(&client, &format!("/installments/{first_id}/pay"), &pay).await;
    assert_eq!(paid.status(), 303);
    let page = t.html(&client, &location(&paid)).await;
    assert!(page.contains("Pagamento registrado.") && page.contains("installment-paid"), "{page}");
    let again = t.post_form(&client, &format!("/installments/{first_id}/pay"), &pay).await;
    let page = t.html(&client, &location(&again)).await;
    assert!(page.contains("já está paga"), "a second press changes nothing: {page}");
    let second = &installments[1];
    let body = json!({ "version": second["version"], "amount": 10000 });
    let path = format!("/api/v1/installments/{}/payments", second["id"].as_str().expect("id"));
    let partial: Value =
        t.api_send(reqwest::Method::POST, &bearer, &path, body).await.json().await.expect("json");
    assert_eq!((partial["paid"].as_i64(), partial["paid_on"].as_str()), (Some(10000), None), "{partial}");
    let figures = t.api_get(&bearer, &format!("/api/v1/parties/{party}/purchase-figures")).await;
    assert_eq!(figures["credit"]["open_balance"].as_i64(), Some(154500 - 51500 - 10000), "{figures}");
    assert_eq!(figures["credit"]["average_delay_days"].as_f64(), Some(0.0), "paid before it was due");

    // The same through the API, then cancelled from the page.
    let figures = t.api_get(&bearer, &format!("/api/v1/parties/{party}/purchase-figures")).await;
    assert_eq!(
        (figures["purchase_count"].as_i64(), figures["total_bought"].as_i64()),
        (Some(1), Some(154500))
    );
    assert_eq!(figures["credit"]["available_credit"].as_i64(), Some(300000 - 154500 + 61500));
    let sales = t.api_get(&bearer, &format!("/api/v1/parties/{party}/sales")).await;
    let sale = &sales["sales"][0];
    let cancel = [("csrf_token", csrf.as_str()), ("version", "1"), ("reason", "")];
    let sale_id = sale["id"].as_str().expect("id");
    let refused = t.post_form(&client, &format!("/sales/{sale_id}/cancel"), &cancel).await;
    assert_eq!(refused.status(), 303, "a refusal comes back to the tab, with why");
    let page = t.html(&client, &location(&refused)).await;
    assert!(page.contains("Preencha este campo.") && !page.contains("sale-cancelled"), "{page}");
    let cancel = [("csrf_token", csrf.as_str()), ("version", "1"), ("reason", "Desistiu")];
    let done = t.post_form(&client, &format!("/sales/{sale_id}/cancel"), &cancel).await;
    let page = t.html(&client, &location(&done)).await;
    assert!(page.contains("Venda cancelada.") && page.contains("Desistiu"), "{page}");
    let figures = t.api_get(&bearer, &format!("/api/v1/parties/{party}/purchase-figures")).await;
    assert_eq!(figures["purchase_count"].as_i64(), Some(0));
    let history = t.html(&client, &format!("/customers/{party}?tab=history&history=sale")).await;
    assert!(history.contains("Venda cancelada") && history.contains("Venda registrada"), "{history}");
}
web_test!(a_sale_from_the_customers_page_as_the_browser_sends_it);

async fn credit_sale(t: &TestApp, bearer: &str, party: &str) -> Value {
    let body = json!({ "store": "01", "payment": "store_credit", "installments": 3,
        "items": [{ "product": "OLEO", "quantity": 3 }] });
    let created =
        t.api_send(reqwest::Method::POST, bearer, &format!("/api/v1/parties/{party}/sales"), body).await;
    assert_eq!(created.status(), 201);
    created.json().await.expect("json")
}

async fn open_installments_renegotiated_from_the_finance_tab_and_the_api(t: TestApp) {
    let (client, csrf) = t.login(&t.admin).await;
    let bearer = format!("Bearer {}", t.token_for(&t.admin).await);
    store_and_products(&t, &bearer).await;
    let party = customer(&t, &bearer).await;
    let sale = credit_sale(&t, &bearer, &party).await;
    let sale_id = sale["id"].as_str().expect("id");
    let finance = t.html(&client, &format!("/customers/{party}?tab=finance")).await;
    let link = format!("href=\"/sales/{sale_id}/renegotiation\"");
    assert!(finance.contains(&link), "each open installment offers it: {finance}");
    let form = t.html(&client, &format!("/sales/{sale_id}/renegotiation")).await;
    assert!(form.contains("id=\"renegotiation-form\"") && form.contains("R$ 135,00"), "{form}");
    let hidden = |name: &str| {
        let marker = format!("name=\"{name}\" value=\"");
        form.split(&marker).nth(1).and_then(|rest| rest.split('"').next()).expect("hidden").to_string()
    };
    let (version, open) = (hidden("version"), hidden("open"));
    assert_eq!(open, "13500");
    let url = t.url(&format!("/sales/{sale_id}/renegotiation"));
    let mut fields = vec![
        ("csrf_token", csrf.clone()),
        ("version", version.clone()),
        ("open", open.clone()),
        ("installments", "0".to_string()),
        ("first_due", String::new()),
        ("charge", String::new()),
        ("reason", String::new()),
    ];
    let refused = client.post(&url).form(&fields).send().await.expect("POST");
    assert_eq!(refused.status(), 422);
    let page = refused.text().await.expect("body");
    assert!(page.contains("aria-invalid=\"true\"") && page.contains("value=\"0\""), "kept as typed: {page}");

    // The form's defaults (one installment, a month from today, no charge), then a charge alone.
    fields[3].1 = "1".into();
    fields[5].1 = "15,00".into();
    let done = client.post(&url).form(&fields).send().await.expect("POST");
    assert_eq!(done.status(), 303);
    let page = t.html(&client, &location(&done)).await;
    assert!(page.contains("Parcelas renegociadas.") && page.contains("Renegociada"), "{page}");
    assert!(page.contains("R$ 150,00") && page.contains("(renegociação)"), "135,00 + 15,00 in one: {page}");
    let again = client.post(&url).form(&fields).send().await.expect("POST");
    assert_eq!(again.status(), 409, "the same form sent again changes nothing");
    let page = again.text().await.expect("body");
    assert!(page.contains("id=\"form-alert\""), "{page}");
    let figures = t.api_get(&bearer, &format!("/api/v1/parties/{party}/purchase-figures")).await;
    assert_eq!(figures["credit"]["open_balance"].as_i64(), Some(15000), "{figures}");

    // Through the API: a second sale into two, with the version and what was open.
    let sale = credit_sale(&t, &bearer, &party).await;
    let path = format!("/api/v1/sales/{}/renegotiations", sale["id"].as_str().expect("id"));
    let body = json!({ "version": sale["version"], "open": 13400, "installments": 2 });
    let moved = t.api_send(reqwest::Method::POST, &bearer, &path, body).await;
    assert_eq!(moved.status(), 409, "what is open was 135,00");
    let body = json!({ "version": sale["version"], "open": 13500, "installments": 99 });
    let invalid = t.api_send(reqwest::Method::POST, &bearer, &path, body).await;
    assert_eq!(invalid.status(), 422);
    let body = json!({ "version": sale["version"], "open": 13500, "installments": 2, "reason": "Acordo" });
    let done = t.api_send(reqwest::Method::POST, &bearer, &path, body.clone()).await;
    assert_eq!(done.status(), 200);
    let done: Value = done.json().await.expect("json");
    let amounts: Vec<i64> =
        done["installments"].as_array().expect("list").iter().filter_map(|i| i["amount"].as_i64()).collect();
    assert_eq!(amounts, [6750, 6750], "{done}");
    assert_eq!(t.api_send(reqwest::Method::POST, &bearer, &path, body).await.status(), 409);
    let all = t.api_get(&bearer, &format!("/api/v1/parties/{party}/installments")).await;
    let replaced = all.as_array().expect("list").iter().filter(|i| i["renegotiated"] == true).count();
    assert_eq!(replaced, 6, "{all}");
}
web_test!(open_installments_renegotiated_from_the_finance_tab_and_the_api);

async fn the_erp_batch_sent_twice_and_the_credit_kept_from_who_may_not_see_it(t: TestApp) {
    let bearer = format!("Bearer {}", t.token_for(&t.admin).await);
    store_and_products(&t, &bearer).await;
    let party = customer(&t, &bearer).await;
    let batch = json!({ "sales": [
        { "external_id": "NFC-1", "party_id": party, "store": "01", "sold_at": "2026-06-01T13:00:00Z", "payment": "store_credit",
          "installments": 2, "items": [{ "product": "PNEU", "quantity": 2 }] },
        { "external_id": "NFC-2", "party_id": party, "store": "01", "payment": "pix",
          "items": [{ "product": "OLEO", "quantity": 1.5, "discount": 50 }] },
        { "external_id": "NFC-3", "party_id": party, "store": "99", "payment": "cash", "items": [{ "product": "OLEO", "quantity": 1 }] }
    ]});
    let first = t.api_send(reqwest::Method::POST, &bearer, "/api/v1/sales/bulk", batch.clone()).await;
    assert_eq!(first.status(), 200);
    let first: Value = first.json().await.expect("json");
    assert_eq!((first["created"].as_i64(), first["refused"].as_i64()), (Some(2), Some(1)), "{first}");
    assert_eq!(first["results"][2]["fields"]["store"], "Nenhuma loja com este código.");
    let second: Value = t
        .api_send(reqwest::Method::POST, &bearer, "/api/v1/sales/bulk", batch)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!((second["created"].as_i64(), second["unchanged"].as_i64()), (Some(0), Some(2)), "{second}");
    assert_eq!(second["results"][0]["sale_id"], first["results"][0]["sale_id"]);
    let figures = t.api_get(&bearer, &format!("/api/v1/parties/{party}/purchase-figures")).await;
    assert_eq!(figures["total_bought"].as_i64(), Some(2 * 38990 + 6750 - 50), "{figures}");

    // Telemarketing reads the customer and his purchases, never his credit.
    let caller = t.create_user("tele@loja.test", "member").await;
    let role = t.role(&bearer, "telemarketing").await["id"].clone();
    let caller_token = format!("Bearer {}", t.token_for(&caller).await);
    let me = t.api_get(&caller_token, "/api/v1/me").await;
    let assigned = t
        .api_send(
            reqwest::Method::PUT,
            &bearer,
            &format!("/api/v1/users/{}/access", me["id"].as_str().expect("id")),
            json!({ "role_ids": [role] }),
        )
        .await;
    assert_eq!(assigned.status(), 200);
    let figures = t.api_get(&caller_token, &format!("/api/v1/parties/{party}/purchase-figures")).await;
    assert_eq!(figures["purchase_count"].as_i64(), Some(2));
    assert!(figures["credit"].is_null(), "{figures}");
    let installments = t
        .client()
        .get(t.url(&format!("/api/v1/parties/{party}/installments")))
        .header("authorization", &caller_token)
        .send()
        .await
        .expect("GET");
    assert_eq!(installments.status(), 403);
    let (client, _) = t.login(&caller).await;
    let page = t.html(&client, &format!("/customers/{party}?tab=purchases")).await;
    assert!(page.contains("id=\"purchase-figures\"") && !page.contains("id=\"tab-finance\""), "{page}");
    let finance = client.get(t.url(&format!("/customers/{party}?tab=finance"))).send().await.expect("GET");
    assert_eq!(finance.status(), 403);
}
web_test!(the_erp_batch_sent_twice_and_the_credit_kept_from_who_may_not_see_it);

async fn points_rates_from_the_loyalty_page_and_the_api(t: TestApp) {
    let (client, csrf) = t.login(&t.admin).await;
    let bearer = format!("Bearer {}", t.token_for(&t.admin).await);
    store_and_products(&t, &bearer).await;
    let body = json!({ "code": "FILTRO", "name": "Filtro de óleo", "price": 3000, "group": "Peças" });
    assert_eq!(t.api_send(reqwest::Method::POST, &bearer, "/api/v1/products", body).await.status(), 201);
    let page = t.html(&client, "/admin/loyalty").await;
    assert!(page.contains("id=\"rates-empty\"") && page.contains("<option value=\"Peças\">"), "{page}");

    // The form as it comes: any store, any group, no points.
    let mut rate = vec![
        ("csrf_token", csrf.clone()),
        ("rate_store", String::new()),
        ("rate_group", String::new()),
        ("rate_points_per_unit", String::new()),
    ];
    let url = t.url("/admin/loyalty/rates");
    let refused = client.post(&url).form(&rate).send().await.expect("POST");
    assert_eq!(refused.status(), 422);
    let page = refused.text().await.expect("body");
    assert!(
        page.contains("Escolha uma loja, um grupo ou ambos.")
            && page.contains("id=\"rate_points_per_unit-error\">Número inválido."),
        "{page}"
    );
    rate[2].1 = "Peças".into();
    rate[3].1 = "3".into();
    let added = client.post(&url).form(&rate).send().await.expect("POST");
    assert_eq!((added.status().as_u16(), location(&added).as_str()), (303, "/admin/loyalty#rates"));
    let page = t.html(&client, &location(&added)).await;
    assert!(page.contains("Regra de pontos adicionada.") && page.contains("id=\"rates-table\""), "{page}");
    let twice = client.post(&url).form(&rate).send().await.expect("POST");
    assert_eq!(twice.status(), 422, "the same store and group again");

    let listed = t.api_get(&bearer, "/api/v1/settings/loyalty/rates").await;
    assert_eq!(
        (listed[0]["store"].clone(), listed[0]["group"].clone()),
        (Value::Null, json!("Peças")),
        "{listed}"
    );
    let body = json!({ "store": "01", "points_per_unit": 2 });
    let created = t.api_send(reqwest::Method::POST, &bearer, "/api/v1/settings/loyalty/rates", body).await;
    assert_eq!(created.status(), 201);
    let created: Value = created.json().await.expect("json");
    let body = json!({ "store": "99", "points_per_unit": 2 });
    let unknown = t.api_send(reqwest::Method::POST, &bearer, "/api/v1/settings/loyalty/rates", body).await;
    assert_eq!(unknown.status(), 422);
    let id = created["id"].as_str().expect("id");
    let path = format!("/api/v1/settings/loyalty/rates/{id}");
    assert_eq!(t.api_send(reqwest::Method::DELETE, &bearer, &path, Value::Null).await.status(), 204);
    assert_eq!(t.api_send(reqwest::Method::DELETE, &bearer, &path, Value::Null).await.status(), 404);

    let first = listed[0]["id"].as_str().expect("id");
    let removed = t
        .post_form(&client, &format!("/admin/loyalty/rates/{first}/delete"), &[("csrf_token", csrf.as_str())])
        .await;
    assert_eq!(removed.status(), 303);
    let page = t.html(&client, &location(&removed)).await;
    assert!(page.contains("Regra de pontos removida.") && page.contains("id=\"rates-empty\""), "{page}");
}
web_test!(points_rates_from_the_loyalty_page_and_the_api);

async fn bonus_credit_from_the_pages_and_the_api(t: TestApp) {
    let (client, csrf) = t.login(&t.admin).await;
    let bearer = format!("Bearer {}", t.token_for(&t.admin).await);
    store_and_products(&t, &bearer).await;
    let party = customer(&t, &bearer).await;

    // The rule's form as it comes (off), then on at 5% from R$ 100,00.
    let page = t.html(&client, "/admin/loyalty").await;
    assert!(page.contains("id=\"bonus-rule-form\""), "{page}");
    let mut rule = vec![
        ("csrf_token", csrf.clone()),
        ("bonus_version", "0".to_string()),
        ("bonus_percent", "0".into()),
        ("bonus_minimum_sale", "0,00".into()),
        ("bonus_valid_days", "90".into()),
    ];
    let saved = t.post_form(&client, "/admin/loyalty/bonus", &rule).await;
    assert_eq!(saved.status(), 303);
    rule[1].1 = "1".into();
    rule[2].1 = "5".into();
    rule[3].1 = "abc".into();
    rule.push(("bonus_active", "true".into()));
    let refused = t.post_form(&client, "/admin/loyalty/bonus", &rule).await;
    assert_eq!(refused.status(), 422);
    let page = refused.text().await.expect("body");
    assert!(page.contains("id=\"bonus_minimum_sale-error\">") && page.contains("value=\"abc\""), "{page}");
    rule[3].1 = "100,00".into();
    let saved = t.post_form(&client, "/admin/loyalty/bonus", &rule).await;
    assert_eq!(saved.status(), 303);
    let api_rule = t.api_get(&bearer, "/api/v1/settings/bonus").await;
    assert_eq!((api_rule["percent"].as_i64(), api_rule["minimum_sale"].as_i64()), (Some(500), Some(10000)));
    let stale = json!({ "version": 1, "active": false, "percent": 0, "valid_days": 10 });
    let stale = t.api_send(reqwest::Method::PUT, &bearer, "/api/v1/settings/bonus", stale).await;
    assert_eq!(stale.status(), 409);

    let sale = json!({ "store": "01", "payment": "cash", "items": [{ "product": "OLEO", "quantity": 3 }] });
    let path = format!("/api/v1/parties/{party}/sales");
    assert_eq!(t.api_send(reqwest::Method::POST, &bearer, &path, sale).await.status(), 201);
    let tab = t.html(&client, &format!("/customers/{party}?tab=loyalty")).await;
    assert!(tab.contains("R$ 6,75") && tab.contains("Ganho numa compra"), "5% of 135,00: {tab}");

    // Granting by hand: the form as it comes, then filled.
    let url = t.url(&format!("/customers/{party}/bonus"));
    let mut grant = vec![
        ("csrf_token", csrf.clone()),
        ("amount", String::new()),
        ("valid_until", String::new()),
        ("reason", String::new()),
    ];
    let refused = client.post(&url).form(&grant).send().await.expect("POST");
    assert_eq!(refused.status(), 303, "back to the tab with why");
    let page = t.html(&client, &location(&refused)).await;
    assert!(!page.contains("Bônus concedido.") && page.contains("alert"), "{page}");
    grant[1].1 = "20,00".into();
    grant[3].1 = "Aniversário".into();
    let granted = client.post(&url).form(&grant).send().await.expect("POST");
    let page = t.html(&client, &location(&granted)).await;
    assert!(page.contains("Bônus concedido.") && page.contains("R$ 26,75"), "{page}");

    // Spent on a sale from the customer's page.
    let form = t.html(&client, &format!("/customers/{party}/sales/new")).await;
    assert!(form.contains("Disponível para este cliente: R$ 26,75"), "{form}");
    let mut fields: Vec<(&str, String)> = vec![
        ("csrf_token", csrf.clone()),
        ("store", "01".into()),
        ("sold_at", String::new()),
        ("item_0_product", "OLEO".into()),
        ("item_0_quantity", "1".into()),
        ("item_0_unit_price", String::new()),
        ("item_0_discount", String::new()),
        ("payment", "cash".into()),
        ("installments", "1".into()),
        ("first_due", String::new()),
        ("coupon", String::new()),
        ("bonus", "30,00".into()),
        ("fiscal_number", String::new()),
        ("fiscal_key", String::new()),
    ];
    let url = t.url(&format!("/customers/{party}/sales"));
    let refused = client.post(&url).form(&fields).send().await.expect("POST");
    assert_eq!(refused.status(), 422);
    let page = refused.text().await.expect("body");
    assert!(page.contains("Mais do que o bônus disponível"), "{page}");
    fields[11].1 = "26,75".into();
    let saved = client.post(&url).form(&fields).send().await.expect("POST");
    assert_eq!(saved.status(), 303);
    let page = t.html(&client, &location(&saved)).await;
    assert!(page.contains("Bônus −R$ 26,75") && page.contains("R$ 18,25"), "{page}");
    let bonus = t.api_get(&bearer, &format!("/api/v1/parties/{party}/bonus")).await;
    assert_eq!(bonus["available"].as_i64(), Some(0), "{bonus}");
    let body = json!({ "amount": 1000, "reason": "Reclamação" });
    let path = format!("/api/v1/parties/{party}/bonus");
    let granted = t.api_send(reqwest::Method::POST, &bearer, &path, body).await;
    assert_eq!(granted.status(), 201);
    let granted: Value = granted.json().await.expect("json");
    assert_eq!(granted["available"].as_i64(), Some(1000), "{granted}");
    let body = json!({ "amount": 0, "reason": "" });
    assert_eq!(t.api_send(reqwest::Method::POST, &bearer, &path, body).await.status(), 422);
}
web_test!(bonus_credit_from_the_pages_and_the_api);

async fn points_and_a_coupon_from_the_pages_and_the_api(t: TestApp) {
    let (client, csrf) = t.login(&t.admin).await;
    let bearer = format!("Bearer {}", t.token_for(&t.admin).await);
    store_and_products(&t, &bearer).await;
    let party = customer(&t, &bearer).await;

    let page = t.html(&client, "/admin/loyalty").await;
    assert!(page.contains("id=\"program-form\"") && page.contains("id=\"coupons-empty\""), "{page}");
    // The program's form as it comes, then switched on with two points per real.
    let mut program = vec![
        ("csrf_token", csrf.clone()),
        ("version", "0".to_string()),
        ("points_per_unit", "1".into()),
        ("expiry_months", "12".into()),
        ("minimum_redeem", "100".into()),
    ];
    let saved = t.post_form(&client, "/admin/loyalty", &program).await;
    assert_eq!((saved.status().as_u16(), location(&saved).as_str()), (303, "/admin/loyalty"));
    program[1].1 = "1".into();
    program[2].1 = "2".into();
    program.push(("active", "true".into()));
    let saved = t.post_form(&client, "/admin/loyalty", &program).await;
    assert_eq!(saved.status(), 303);
    let stale = t.post_form(&client, "/admin/loyalty", &program).await;
    assert_eq!(stale.status(), 409, "version 1 was saved over already");

    let coupon = [
        ("csrf_token", csrf.as_str()),
        ("code", "natal10"),
        ("kind", "percent"),
        ("value", "10"),
        ("valid_from", ""),
        ("valid_until", ""),
        ("single_use", "true"),
    ];
    let created = t.post_form(&client, "/admin/coupons", &coupon).await;
    assert_eq!(created.status(), 303);
    let page = t.html(&client, "/admin/loyalty").await;
    assert!(page.contains("NATAL10") && page.contains("10%") && page.contains("0 / 1"), "{page}");

    let sale = json!({ "store": "01", "payment": "pix", "coupon": "NATAL10", "items": [{ "product": "PNEU", "quantity": 1 }] });
    let recorded = t
        .api_send(reqwest::Method::POST, &bearer, &format!("/api/v1/parties/{party}/sales"), sale.clone())
        .await;
    assert_eq!(recorded.status(), 201);
    let recorded: Value = recorded.json().await.expect("json");
    assert_eq!(
        (recorded["total"].as_i64(), recorded["coupon_discount"].as_i64()),
        (Some(38990 - 3899), Some(3899))
    );
    let again =
        t.api_send(reqwest::Method::POST, &bearer, &format!("/api/v1/parties/{party}/sales"), sale).await;
    assert_eq!(again.status(), 422, "single use");
    let again: Value = again.json().await.expect("json");
    assert_eq!(again["error"]["fields"]["coupon"], "Este cupom de uso único já foi usado.");

    let tab = t.html(&client, &format!("/customers/{party}?tab=loyalty")).await;
    assert!(
        tab.contains("id=\"points-figures\"") && tab.contains("Ganhos na compra") && tab.contains("+700"),
        "R$ 350,91 × 2: {tab}"
    );
    let redeem =
        [("csrf_token", csrf.as_str()), ("action", "redeem"), ("points", "50"), ("reason", "Brinde")];
    let refused = t.post_form(&client, &format!("/customers/{party}/points"), &redeem).await;
    let page = t.html(&client, &location(&refused)).await;
    assert!(page.contains("Abaixo do mínimo"), "{page}");
    let redeem =
        [("csrf_token", csrf.as_str()), ("action", "redeem"), ("points", "200"), ("reason", "Brinde")];
    let done = t.post_form(&client, &format!("/customers/{party}/points"), &redeem).await;
    let page = t.html(&client, &location(&done)).await;
    assert!(page.contains("Pontos registrados.") && page.contains("-200"), "{page}");
    let points = t.api_get(&bearer, &format!("/api/v1/parties/{party}/points")).await;
    assert_eq!(points["balance"].as_i64(), Some(500), "{points}");
    let adjusted = t
        .api_send(
            reqwest::Method::POST,
            &bearer,
            &format!("/api/v1/parties/{party}/points"),
            json!({ "action": "adjust", "points": -20, "reason": "Correção" }),
        )
        .await;
    let adjusted: Value = adjusted.json().await.expect("json");
    assert_eq!(adjusted["balance"].as_i64(), Some(480));
    let coupons = t.api_get(&bearer, "/api/v1/coupons").await;
    assert_eq!((coupons[0]["code"].as_str(), coupons[0]["uses"].as_i64()), (Some("NATAL10"), Some(1)));
}
web_test!(points_and_a_coupon_from_the_pages_and_the_api);

async fn the_reminder_rule_from_its_page_and_the_api(t: TestApp) {
    let (client, csrf) = t.login(&t.admin).await;
    let bearer = format!("Bearer {}", t.token_for(&t.admin).await);
    let page = t.html(&client, "/admin/reminders").await;
    assert!(page.contains("id=\"reminders-form\"") && page.contains("id=\"reminders-none\""), "{page}");
    // As the browser sends it: off, 3 and 5 days, no template chosen, e-mail the only channel.
    assert!(page.contains("<option value=\"email\" selected>"), "{page}");
    let mut form = vec![
        ("csrf_token", csrf.clone()),
        ("version", "0".to_string()),
        ("days_before", "3".into()),
        ("days_after", "5".into()),
        ("template_id", String::new()),
        ("channel_1", "email".into()),
        ("channel_2", String::new()),
        ("channel_3", String::new()),
    ];
    let saved = t.post_form(&client, "/admin/reminders", &form).await;
    assert_eq!((saved.status().as_u16(), location(&saved).as_str()), (303, "/admin/reminders"));
    form[1].1 = "1".into();
    form.push(("active", "true".into()));
    let refused = t.post_form(&client, "/admin/reminders", &form).await;
    assert_eq!(refused.status(), 422, "switched on without a template");
    let page = refused.text().await.expect("body");
    assert!(page.contains("Preencha este campo."), "{page}");

    let template = json!({ "name": "Lembrete", "locale": "pt-BR", "subject": "Sua parcela", "body": "<p>Olá {{ cliente.primeiro_nome }}</p>" });
    let created: Value = t
        .api_send(reqwest::Method::POST, &bearer, "/api/v1/message-templates", template)
        .await
        .json()
        .await
        .expect("json");
    let rule = json!({ "version": 1, "active": true, "days_before": 2, "days_after": null, "template_id": created["id"] });
    let saved = t.api_send(reqwest::Method::PUT, &bearer, "/api/v1/settings/payment-reminders", rule).await;
    assert_eq!(saved.status(), 200);
    let saved: Value = saved.json().await.expect("json");
    assert_eq!(
        (saved["active"].as_bool(), saved["days_before"].as_i64(), saved["version"].as_i64()),
        (Some(true), Some(2), Some(2))
    );
    assert_eq!(saved["channels"], json!(["email"]), "e-mail when left out");
    let page = t.html(&client, "/admin/reminders").await;
    assert!(page.contains("id=\"reminders-sender\"") && page.contains("checked"), "{page}");

    // WhatsApp first, then e-mail; a channel twice is refused.
    let template_id = created["id"].as_str().expect("id").to_string();
    let mut form = vec![
        ("csrf_token", csrf.clone()),
        ("version", "2".to_string()),
        ("active", "true".into()),
        ("days_before", "2".into()),
        ("days_after", String::new()),
        ("template_id", template_id),
        ("channel_1", "whatsapp".into()),
        ("channel_2", "whatsapp".into()),
        ("channel_3", String::new()),
    ];
    let refused = t.post_form(&client, "/admin/reminders", &form).await;
    assert_eq!(refused.status(), 422);
    assert!(refused.text().await.expect("body").contains("cada um uma vez"));
    form[7].1 = "email".into();
    let saved = t.post_form(&client, "/admin/reminders", &form).await;
    assert_eq!(saved.status(), 303);
    let rule = t.api_get(&bearer, "/api/v1/settings/payment-reminders").await;
    assert_eq!(rule["channels"], json!(["whatsapp", "email"]), "{rule}");
    let page = t.html(&client, &location(&saved)).await;
    assert!(page.contains("<option value=\"whatsapp\" selected>"), "{page}");
}
web_test!(the_reminder_rule_from_its_page_and_the_api);

async fn seller_codes_from_the_stores_page_and_the_api_give_erp_sales_their_seller(t: TestApp) {
    let (client, csrf) = t.login(&t.admin).await;
    let bearer = format!("Bearer {}", t.token_for(&t.admin).await);
    store_and_products(&t, &bearer).await;
    let party = customer(&t, &bearer).await;
    let page = t.html(&client, "/admin/stores").await;
    assert!(page.contains("id=\"sellers-empty\""), "{page}");
    let me = t.api_get(&bearer, "/api/v1/me").await;
    let admin_id = me["id"].as_str().expect("id").to_string();

    // The form as it comes: no code, no user chosen.
    let blank = [("csrf_token", csrf.as_str()), ("code", ""), ("user_id", "")];
    let refused = t.post_form(&client, "/admin/sellers", &blank).await;
    assert_eq!(refused.status(), 422);
    let page = refused.text().await.expect("body");
    assert!(
        page.contains("id=\"seller-code-error\">Preencha este campo.")
            && page.contains("id=\"seller-user-error\">Preencha este campo."),
        "{page}"
    );
    let filled = [("csrf_token", csrf.as_str()), ("code", " V 12 "), ("user_id", admin_id.as_str())];
    let saved = t.post_form(&client, "/admin/sellers", &filled).await;
    assert_eq!((saved.status().as_u16(), location(&saved).as_str()), (303, "/admin/stores#sellers-title"));
    let page = t.html(&client, "/admin/stores").await;
    assert!(page.contains("Código de vendedor associado.") && page.contains(">V 12<"), "{page}");
    assert!(page.contains("action=\"/admin/sellers/V%2012/delete\""), "{page}");
    let again = t.post_form(&client, "/admin/sellers", &filled).await;
    assert_eq!(again.status(), 422, "the code is mapped already");

    // The API: the list, a code for a user of no one, then a sale sent with each code.
    let listed = t.api_get(&bearer, "/api/v1/seller-codes").await;
    assert_eq!(
        (listed[0]["code"].as_str(), listed[0]["user_id"].as_str()),
        (Some("V 12"), Some(admin_id.as_str()))
    );
    let stranger = json!({ "code": "V13", "user_id": uuid::Uuid::now_v7() });
    let refused = t.api_send(reqwest::Method::POST, &bearer, "/api/v1/seller-codes", stranger).await;
    assert_eq!(refused.status(), 422);
    let batch = json!({ "sales": [
        { "external_id": "NF-S1", "party_id": party, "store": "01", "payment": "cash", "seller_code": "V 12",
          "items": [{ "product": "OLEO", "quantity": 1 }] },
        { "external_id": "NF-S2", "party_id": party, "store": "01", "payment": "cash", "seller_code": "V99",
          "items": [{ "product": "OLEO", "quantity": 1 }] }
    ]});
    let sent: Value = t
        .api_send(reqwest::Method::POST, &bearer, "/api/v1/sales/bulk", batch)
        .await
        .json()
        .await
        .expect("json");
    let mapped = t
        .api_get(&bearer, &format!("/api/v1/sales/{}", sent["results"][0]["sale_id"].as_str().expect("id")))
        .await;
    assert_eq!(mapped["seller_id"].as_str(), Some(admin_id.as_str()), "{mapped}");
    let unmapped = t
        .api_get(&bearer, &format!("/api/v1/sales/{}", sent["results"][1]["sale_id"].as_str().expect("id")))
        .await;
    assert!(unmapped["seller_id"].is_null() && unmapped["seller_code"] == "V99", "{unmapped}");

    let removed =
        t.api_send(reqwest::Method::DELETE, &bearer, "/api/v1/seller-codes/V%2012", json!({})).await;
    assert_eq!(removed.status(), 204);
    let gone = t.api_send(reqwest::Method::DELETE, &bearer, "/api/v1/seller-codes/V%2012", json!({})).await;
    assert_eq!(gone.status(), 404);
    let kept = t
        .api_get(&bearer, &format!("/api/v1/sales/{}", sent["results"][0]["sale_id"].as_str().expect("id")))
        .await;
    assert_eq!(kept["seller_id"].as_str(), Some(admin_id.as_str()), "the sale keeps its seller");
}
web_test!(seller_codes_from_the_stores_page_and_the_api_give_erp_sales_their_seller);
