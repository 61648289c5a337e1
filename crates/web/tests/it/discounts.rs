//! The discount policy: rules typed on the administrator's page as the
//! browser sends them, the customer's maximum suggested on the quote form
//! and over the API, a discount above it refused without the right and
//! accepted with it, audited.
use crate::location;
use serde_json::{Value, json};
use testkit::{TestApp, web_test};

async fn a_discount_above_the_customers_maximum_needs_the_right(t: TestApp) {
    let admin_bearer = format!("Bearer {}", t.token_for(&t.admin).await);
    let (admin, csrf) = t.login(&t.admin).await;
    let product =
        json!({ "code": "PNEU", "name": "Pneu aro 14", "unit": "un", "price": 38990, "group": "Pneus" });
    assert_eq!(
        t.api_send(reqwest::Method::POST, &admin_bearer, "/api/v1/products", product).await.status(),
        201
    );

    // The page as the browser sends it: a row with an unknown percentage is
    // refused with the row's message and nothing is saved.
    let page = t.html(&admin, "/admin/discounts").await;
    assert!(page.contains("id=\"rule-name-0\"") && page.contains("<option value=\"Pneus\">"), "{page}");
    let row = |n: usize, cells: [&'static str; 5]| -> Vec<(String, String)> {
        ["name", "min_bought", "customer_status", "group", "max_percent"]
            .iter()
            .zip(cells)
            .map(|(column, cell)| (format!("rule_{n}_{column}"), cell.to_string()))
            .collect()
    };
    let mut form: Vec<(String, String)> = vec![("csrf_token".into(), csrf.clone())];
    form.extend(row(0, ["Base", "", "", "", "5"]));
    form.extend(row(1, ["Pneus em campanha", "", "", "Pneus", "150"]));
    form.extend(row(2, ["", "", "", "", ""]));
    let refused = t.post_form(&admin, "/admin/discounts", &form).await;
    assert_eq!(refused.status(), 422);
    let page = refused.text().await.expect("page");
    assert!(page.contains("value=\"Pneus em campanha\"") && page.contains("field-error"), "{page}");
    assert_eq!(t.api_get(&admin_bearer, "/api/v1/settings/discount-rules").await, json!({ "rules": [] }));
    form.retain(|(name, _)| name != "rule_1_max_percent");
    form.push(("rule_1_max_percent".into(), "12".into()));
    form.extend(row(3, ["Ouro", "1.000,00", "", "", "10"]));
    let saved = t.post_form(&admin, "/admin/discounts", &form).await;
    assert_eq!((saved.status().as_u16(), location(&saved).as_str()), (303, "/admin/discounts"));
    let page = t.html(&admin, "/admin/discounts").await;
    assert!(page.contains("Política de descontos salva.") && page.contains("value=\"Ouro\""), "{page}");
    let rules = t.api_get(&admin_bearer, "/api/v1/settings/discount-rules").await;
    assert_eq!(rules["rules"].as_array().map(Vec::len), Some(3), "{rules}");
    assert_eq!(
        rules["rules"][1],
        json!({ "name": "Pneus em campanha", "min_bought": null, "customer_status": null, "group": "Pneus", "max_percent": 1200 })
    );

    // A seller without the right, on his own customer.
    let seller = t.create_user("vendedor@empresa.test", "member").await;
    let bearer = format!("Bearer {}", t.token_for(&seller).await);
    let (browser, seller_csrf) = t.login(&seller).await;
    let body = json!({ "kind": "company", "full_name": "Transportes Andrade Ltda" });
    let created: Value =
        t.api_send(reqwest::Method::POST, &bearer, "/api/v1/parties", body).await.json().await.expect("json");
    let party = created["party"]["id"].as_str().expect("id").to_string();
    let limit = t.api_get(&bearer, &format!("/api/v1/parties/{party}/discount-limit")).await;
    assert_eq!(
        (&limit["max_percent"], &limit["reason"], &limit["may_exceed"]),
        (&json!(500), &json!("Base"), &json!(false))
    );
    assert_eq!(
        limit["groups"],
        json!([{ "group": "Pneus", "max_percent": 1200, "reason": "Pneus em campanha" }])
    );
    let form_page = t.html(&browser, &format!("/customers/{party}/quotes/new")).await;
    assert!(
        form_page.contains("id=\"discount-advice\"") && form_page.contains("Até 5 % — Base"),
        "{form_page}"
    );
    assert!(
        form_page.contains("Pneus: Até 12 % — Pneus em campanha")
            && !form_page.contains("discount-may-exceed")
    );

    let quotes = format!("/api/v1/parties/{party}/quotes");
    let free = |line_discount: i64, quote_discount: i64| {
        json!({ "discount_percent": quote_discount, "lines": [
            { "product": "PNEU", "quantity": 4, "discount_percent": 1000 },
            { "description": "Montagem", "quantity": 1, "unit_price": 8000, "discount_percent": line_discount },
        ] })
    };
    let over_line = t.api_send(reqwest::Method::POST, &bearer, &quotes, free(800, 0)).await;
    assert_eq!(over_line.status(), 422);
    let over_line: Value = over_line.json().await.expect("json");
    assert!(
        over_line["error"]["fields"]["lines.1.discount"]
            .as_str()
            .is_some_and(|m| m.contains("desconto máximo")),
        "{over_line}"
    );
    let over_quote = t.api_send(reqwest::Method::POST, &bearer, &quotes, free(0, 600)).await;
    let over_quote: Value = over_quote.json().await.expect("json");
    assert!(
        over_quote["error"]["fields"]["discount"].is_string(),
        "the quote's discount takes both lines over: {over_quote}"
    );
    let within = t.api_send(reqwest::Method::POST, &bearer, &quotes, free(500, 0)).await;
    assert_eq!(within.status(), 201, "10 % on a tyre is within its group's 12 %");
    assert_eq!(
        t.api_get(&bearer, &format!("/api/v1/parties/{party}/quotes")).await.as_array().map(Vec::len),
        Some(1)
    );

    // From the form as the browser sends it: refused under the line.
    let typed = [
        ("csrf_token", seller_csrf.as_str()),
        ("line_0_description", "Montagem"),
        ("line_0_quantity", "1"),
        ("line_0_unit_price", "80,00"),
        ("line_0_discount", "8"),
        ("payment_terms", "cash"),
    ];
    let refused = t.post_form(&browser, &format!("/customers/{party}/quotes"), &typed).await;
    assert_eq!(refused.status(), 422);
    let page = refused.text().await.expect("page");
    assert!(
        page.contains("Acima do desconto máximo deste cliente") && page.contains("value=\"8\""),
        "{page}"
    );

    // The administrator (a supervisor's right) gives it, and it is audited.
    let given = t.api_send(reqwest::Method::POST, &admin_bearer, &quotes, free(800, 0)).await;
    assert_eq!(given.status(), 201);
    let given: Value = given.json().await.expect("json");
    let audit = t.api_get(&admin_bearer, "/api/v1/audit").await;
    let entry = audit["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|item| item["entity_type"] == "discount_override")
        .unwrap_or_else(|| panic!("no override audited: {audit}"));
    assert_eq!(entry["entity_id"], given["id"]);
    assert!(entry["after"].to_string().contains("\"given_percent\":800"), "{entry}");

    // Rules name the organisation's statuses and groups; only administrators change them.
    let unknown = json!({ "rules": [{ "name": "X", "group": "Nada", "max_percent": 100 }] });
    let unknown =
        t.api_send(reqwest::Method::PUT, &admin_bearer, "/api/v1/settings/discount-rules", unknown).await;
    assert_eq!(unknown.status(), 422);
    let cleared = json!({ "rules": [] });
    let forbidden =
        t.api_send(reqwest::Method::PUT, &bearer, "/api/v1/settings/discount-rules", cleared.clone()).await;
    assert_eq!(forbidden.status(), 403);
    let cleared =
        t.api_send(reqwest::Method::PUT, &admin_bearer, "/api/v1/settings/discount-rules", cleared).await;
    assert_eq!(cleared.status(), 200);
    let free_again = t.api_send(reqwest::Method::POST, &bearer, &quotes, free(800, 0)).await;
    assert_eq!(free_again.status(), 201, "no rules: no policy");
}

web_test!(a_discount_above_the_customers_maximum_needs_the_right);
