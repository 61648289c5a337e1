use serde_json::{Value, json};
use testkit::{TestApp, web_test};

async fn create_via_form(
    t: &TestApp,
    client: &reqwest::Client,
    token: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let mut form: Vec<(&str, &str)> = vec![
        ("csrf_token", token),
        ("kind", "person"),
        ("lifecycle", "customer"),
        ("customer_status", "active"),
    ];
    form.extend_from_slice(fields);
    t.post_form(client, "/customers", &form).await
}

async fn form_refuses_bad_fields_then_saves(t: TestApp) {
    let (client, token) = t.login(&t.admin).await;
    let bad = create_via_form(
        &t,
        &client,
        &token,
        &[
            ("full_name", "João Conceição"),
            ("document", "529.982.247-00"),
            ("postal_code", "123"),
            ("email1", "joao@"),
            ("phone1", "11 1234"),
        ],
    )
    .await;
    assert_eq!(bad.status(), 422);
    let body = bad.text().await.expect("body");
    for message in ["CPF inválido", "CEP inválido", "Informe um e-mail válido", "Telefone inválido"] {
        assert!(body.contains(message), "{message} missing");
    }
    assert!(body.contains("value=\"João Conceição\""), "typed values stay");
    let good = create_via_form(
        &t,
        &client,
        &token,
        &[
            ("full_name", "João Conceição"),
            ("document", "529.982.247-25"),
            ("email1", "joao@exemplo.com.br"),
            ("phone1", "(11) 98765-4321"),
            ("city", "São Paulo"),
            ("state", "SP"),
            ("consent_email", "on"),
        ],
    )
    .await;
    assert_eq!(good.status(), 303);
    let location = good.headers()["location"].to_str().expect("location").to_string();
    let sheet = client.get(t.url(&location)).send().await.expect("GET sheet").text().await.expect("body");
    assert!(
        sheet.contains("João Conceição")
            && sheet.contains("529.982.247-25")
            && sheet.contains("(11) 98765-4321")
    );
    // The same CPF again: refused with a link to the existing record.
    let again =
        create_via_form(&t, &client, &token, &[("full_name", "Outro João"), ("document", "52998224725")])
            .await;
    assert_eq!(again.status(), 409);
    let body = again.text().await.expect("body");
    let id = location.trim_start_matches("/customers/");
    assert!(body.contains(&format!("href=\"/customers/{id}\"")), "links to the existing record");
}
web_test!(form_refuses_bad_fields_then_saves);

async fn blur_validation_answers_for_one_field(t: TestApp) {
    let (client, token) = t.login(&t.admin).await;
    let response = client
        .post(t.url("/customers/validate"))
        .header("hx-request", "true")
        .header("hx-trigger-name", "document")
        .header("x-csrf-token", &token)
        .form(&[("full_name", ""), ("document", "111.111.111-11"), ("email1", "x")])
        .send()
        .await
        .expect("POST");
    assert_eq!(response.status(), 200);
    let body = response.text().await.expect("body");
    assert!(body.contains("id=\"document-error\"") && body.contains("CPF inválido"), "{body}");
    assert!(!body.contains("e-mail"), "only the field that lost focus");
}
web_test!(blur_validation_answers_for_one_field);

async fn list_search_and_csv_export(t: TestApp) {
    let (client, token) = t.login(&t.admin).await;
    for (name, uf) in [("João Conceição", "SP"), ("Maria Antunes", "RJ"), ("José Simões", "SP")] {
        let response = create_via_form(
            &t,
            &client,
            &token,
            &[("full_name", name), ("state", uf), ("city", "Cidade; Teste")],
        )
        .await;
        assert_eq!(response.status(), 303);
    }
    let list = t.html(&client, "/customers?state=SP").await;
    assert!(
        list.contains("João Conceição") && list.contains("José Simões") && !list.contains("Maria Antunes")
    );
    assert!(list.contains("2 cadastros"));
    let found = client
        .get(t.url("/customers/search?q=joao"))
        .header("hx-request", "true")
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    assert!(found.contains("Conceição") && !found.contains("José"), "{found}");

    let csv = client.get(t.url("/customers/export.csv?state=SP")).send().await.expect("GET");
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let bytes = csv.bytes().await.expect("body");
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 BOM");
    let text = String::from_utf8(bytes[3..].to_vec()).expect("utf-8");
    let lines: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), 3, "header and two rows: {text}");
    assert!(lines[0].starts_with("Nome completo;"));
    assert!(lines[1].contains("\"Cidade; Teste\""), "a field with ; is quoted");

    let refused = client.get(t.url("/customers/export.csv?sort=password")).send().await.expect("GET");
    assert_eq!(refused.status(), 422, "a bad filter is refused before streaming starts");
    let token_api = t.token_for(&t.admin).await;
    let api_csv = client
        .get(t.url("/api/v1/parties/export.csv?state=SP"))
        .bearer_auth(&token_api)
        .send()
        .await
        .expect("GET");
    assert_eq!(api_csv.status(), 200);
    assert_eq!(api_csv.text().await.expect("body").split("\r\n").filter(|l| !l.is_empty()).count(), 3);
    let audit: Value = t.api_get(&format!("Bearer {}", &token_api), "/api/v1/audit").await;
    let export = audit["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|e| e["action"] == "export")
        .expect("export audited");
    assert_eq!(export["after"]["rows"], 2);
}
web_test!(list_search_and_csv_export);

async fn withdrawing_consent_is_one_click(t: TestApp) {
    let (client, token) = t.login(&t.admin).await;
    let created = create_via_form(
        &t,
        &client,
        &token,
        &[("full_name", "Ana Lúcia"), ("email1", "ana@exemplo.com"), ("consent_email", "on")],
    )
    .await;
    let location = created.headers()["location"].to_str().expect("location").to_string();
    let withdraw = t
        .post_form(
            &client,
            &format!("{location}/consent"),
            &[
                ("csrf_token", token.as_str()),
                ("channel", "email"),
                ("granted", "false"),
                ("source", "sheet"),
            ],
        )
        .await;
    assert_eq!(withdraw.status(), 303);
    let back = withdraw.headers()["location"].to_str().expect("location");
    assert_eq!(back, format!("{location}?tab=sheet#consent"), "back on the consent it changed");
    let sheet = t.html(&client, back).await;
    assert!(sheet.contains("id=\"grant-email\""), "e-mail can be granted again");
    assert!(sheet.contains("Retirado"), "history shows the withdrawal");
    // Where each decision was made, in the reader's words.
    assert!(sheet.contains("<td>Ficha do cliente</td>"), "withdrawn on the sheet");
    assert!(sheet.contains("<td>Cadastro do cliente</td>"), "granted when registered");
    assert!(!sheet.contains("<td>cadastro</td>") && !sheet.contains("<td>sheet</td>"));
}
web_test!(withdrawing_consent_is_one_click);

async fn parties_api_round_trip(t: TestApp) {
    let token = t.token_for(&t.admin).await;
    let client = t.client();
    let created = client
        .post(t.url("/api/v1/parties"))
        .bearer_auth(&token)
        .json(&json!({ "kind": "company", "full_name": "Auto Peças Conceição Ltda", "document": "12.ABC.345/01DE-35",
                        "phones": [{ "number": "(21) 3456-7890", "kind": "work" }], "emails": ["compras@autopecas.com.br"],
                        "address": { "city": "Niterói", "state": "RJ", "postal_code": "24020-000" }, "consents": ["email"] }))
        .send()
        .await
        .expect("POST");
    assert_eq!(created.status(), 201);
    let saved: Value = created.json().await.expect("json");
    let id = saved["party"]["id"].as_str().expect("id").to_string();
    assert_eq!(saved["party"]["document_formatted"], "12.ABC.345/01DE-35");
    assert_eq!(saved["party"]["phones"][0]["e164"], "+552134567890");

    let duplicate = client
        .post(t.url("/api/v1/parties"))
        .bearer_auth(&token)
        .json(&json!({ "kind": "company", "full_name": "Outra", "document": "12ABC34501DE35" }))
        .send()
        .await
        .expect("POST");
    assert_eq!(duplicate.status(), 409);
    let body: Value = duplicate.json().await.expect("json");
    assert_eq!(body["error"]["code"], "duplicate");
    assert_eq!(body["error"]["existing_id"], id.as_str());

    let invalid = client
        .post(t.url("/api/v1/parties"))
        .bearer_auth(&token)
        .json(&json!({ "full_name": "X", "document": "123" }))
        .send()
        .await
        .expect("POST");
    assert_eq!(invalid.status(), 422);
    assert!(invalid.json::<Value>().await.expect("json")["error"]["fields"]["document"].is_string());

    let version = saved["party"]["version"].as_i64().expect("version");
    let update = json!({ "version": version, "kind": "company", "full_name": "Auto Peças Conceição S.A.", "document": "12ABC34501DE35" });
    let updated = client
        .put(t.url(&format!("/api/v1/parties/{id}")))
        .bearer_auth(&token)
        .json(&update)
        .send()
        .await
        .expect("PUT");
    assert_eq!(updated.status(), 200);
    let stale = client
        .put(t.url(&format!("/api/v1/parties/{id}")))
        .bearer_auth(&token)
        .json(&update)
        .send()
        .await
        .expect("PUT");
    assert_eq!(stale.status(), 409);
    assert_eq!(stale.json::<Value>().await.expect("json")["error"]["code"], "conflict");

    let found: Value =
        t.api_get(&format!("Bearer {}", &token), "/api/v1/parties/search?q=pecas%20conceicao").await;
    assert_eq!(found[0]["id"], id.as_str());
    let withdrawn: Value = client
        .post(t.url(&format!("/api/v1/parties/{id}/consents")))
        .bearer_auth(&token)
        .json(&json!({ "channel": "email", "granted": false, "source": "API" }))
        .send()
        .await
        .expect("POST")
        .json()
        .await
        .expect("json");
    assert_eq!(withdrawn["consent"]["email"], false);
    let history: Value =
        t.api_get(&format!("Bearer {}", &token), &format!("/api/v1/parties/{id}/consents")).await;
    assert_eq!(history.as_array().map(Vec::len), Some(2));
    let list: Value = t.api_get(&format!("Bearer {}", &token), "/api/v1/parties?kind=company&limit=1").await;
    assert_eq!(list["total"], 1);
}
web_test!(parties_api_round_trip);

async fn organisation_fields_appear_on_the_form_and_sheet(t: TestApp) {
    let (client, token) = t.login(&t.admin).await;
    let bad = t
        .post_form(
            &client,
            "/admin/registry/fields",
            &[("csrf_token", token.as_str()), ("label", "Porte"), ("kind", "choice"), ("choices", "")],
        )
        .await;
    assert_eq!(bad.status(), 422);
    assert!(bad.text().await.expect("body").contains("Informe ao menos uma opção."));
    let added = t
        .post_form(
            &client,
            "/admin/registry/fields",
            &[
                ("csrf_token", token.as_str()),
                ("label", "Porte"),
                ("kind", "choice"),
                ("choices", "Pequeno\nGrande"),
            ],
        )
        .await;
    assert_eq!(added.status(), 303);
    let status = t
        .post_form(
            &client,
            "/admin/registry/statuses",
            &[("csrf_token", token.as_str()), ("label", "Cliente Ouro")],
        )
        .await;
    assert_eq!(status.status(), 303);
    let form = t.html(&client, "/customers/new").await;
    assert!(form.contains("name=\"custom.porte\"") && form.contains("Cliente Ouro"));
    let invalid =
        create_via_form(&t, &client, &token, &[("full_name", "Frota Sul"), ("custom.porte", "Médio")]).await;
    assert_eq!(invalid.status(), 422);
    assert!(invalid.text().await.expect("body").contains("Escolha uma das opções."));
    let saved =
        create_via_form(&t, &client, &token, &[("full_name", "Frota Sul"), ("custom.porte", "Grande")]).await;
    assert_eq!(saved.status(), 303);
    let location = saved.headers()["location"].to_str().expect("location");
    let sheet = t.html(&client, &format!("{location}?tab=sheet")).await;
    assert!(sheet.contains("<dt>Porte</dt><dd>Grande</dd>"), "shown on the sheet");
    let member = t.create_user("membro@concessionaria.test", "member").await;
    let (member_client, member_token) = t.login(&member).await;
    let refused = t
        .post_form(
            &member_client,
            "/admin/registry/fields",
            &[("csrf_token", member_token.as_str()), ("label", "X"), ("kind", "text")],
        )
        .await;
    assert_eq!(refused.status(), 403);
    let page = member_client.get(t.url("/admin/registry")).send().await.expect("GET");
    assert_eq!(page.status(), 403, "the settings page is for administrators");
}
web_test!(organisation_fields_appear_on_the_form_and_sheet);

/// Kolkata's half-hour offset: a time shown in UTC cannot match by chance.
async fn pages_show_times_in_the_organisations_zone(t: TestApp) {
    let admin = format!("Bearer {}", t.token_for(&t.admin).await);
    let zone = json!({ "time_zone": "Asia/Kolkata", "opens": "09:00", "closes": "18:00", "days": "12345" });
    let hours = t.api_send(reqwest::Method::PUT, &admin, "/api/v1/working-hours", zone).await;
    assert_eq!(hours.status(), 200);
    let party = json!({ "full_name": "Ravi Fuso Horário" });
    let created: Value =
        t.api_send(reqwest::Method::POST, &admin, "/api/v1/parties", party).await.json().await.expect("json");
    let at: chrono::DateTime<chrono::Utc> =
        created["party"]["created_at"].as_str().expect("created_at").parse().expect("instant");
    let local = at.with_timezone(&chrono_tz::Asia::Kolkata).format("%d/%m/%Y %H:%M").to_string();
    let in_utc = at.format("%d/%m/%Y %H:%M").to_string();
    let party = created["party"]["id"].as_str().expect("id");

    let (client, _) = t.login(&t.admin).await;
    for path in ["/customers?sort=newest&dir=desc".to_string(), format!("/customers/{party}?tab=history")] {
        let html = t.html(&client, &path).await;
        assert!(html.contains(&local), "{path} shows {local}, the organisation's time");
        assert!(!html.contains(&in_utc) && !html.contains(" UTC"), "{path} shows no UTC time");
    }
}
web_test!(pages_show_times_in_the_organisations_zone);

/// A name or city typed as a formula comes out of every export as text
/// (OWASP CSV injection): the page's download and the API's.
async fn exports_neutralise_cells_that_would_run_as_formulas(t: TestApp) {
    let (client, token) = t.login(&t.admin).await;
    let response = create_via_form(
        &t,
        &client,
        &token,
        &[
            ("full_name", "=HYPERLINK(\"http://evil.example\";\"Clique\")"),
            ("city", "@SUM(1+1)"),
            ("state", "SP"),
        ],
    )
    .await;
    assert_eq!(response.status(), 303);
    let bearer = format!("Bearer {}", t.token_for(&t.admin).await);
    let page = client.get(t.url("/customers/export.csv")).send().await.expect("GET");
    let api = client.get(t.url("/api/v1/parties/export.csv")).header("authorization", &bearer).send().await;
    for (what, csv) in [("page", page), ("API", api.expect("GET"))] {
        assert_eq!(csv.status(), 200, "{what}");
        let text = csv.text().await.expect("body");
        let row = text.split("\r\n").nth(1).expect("a row");
        assert!(row.starts_with("\"'=HYPERLINK(\"\"http://evil.example\"\";"), "{what}: {row}");
        assert!(row.contains(";'@SUM(1+1);SP;"), "{what}: {row}");
    }
}
web_test!(exports_neutralise_cells_that_would_run_as_formulas);

/// The search box marks what matched, says what matched when it was not
/// the name, and "see all results" opens the list filtered by `q`.
async fn search_marks_matches_and_sees_all(t: TestApp) {
    let bearer = format!("Bearer {}", t.token_for(&t.admin).await);
    for body in [
        serde_json::json!({ "kind": "person", "full_name": "João Conceição" }),
        serde_json::json!({ "kind": "company", "full_name": "Conceição Peças Ltda" }),
        serde_json::json!({ "kind": "person", "full_name": "Paulo Telefone", "phones": [{ "number": "(21) 99876-5432" }] }),
    ] {
        let created = t.api_send(reqwest::Method::POST, &bearer, "/api/v1/parties", body).await;
        assert_eq!(created.status(), 201);
    }
    let (client, _) = t.login(&t.admin).await;
    let typeahead = t.html(&client, "/customers/search?q=conc").await;
    assert!(
        typeahead.contains("João <mark>Conc</mark>eição")
            && typeahead.contains("<mark>Conc</mark>eição Peças Ltda"),
        "{typeahead}"
    );
    assert!(typeahead.contains("href=\"/customers?q=conc\" id=\"search-see-all\""), "{typeahead}");
    let picker = t.html(&client, "/customers/search?q=conc&pick=rel-id").await;
    assert!(!picker.contains("search-see-all"), "a picker chooses, it does not open the list");

    let all = t.html(&client, "/customers?q=conc").await;
    assert!(all.contains("2 resultados para &#34;conc&#34;"), "{all}");
    assert!(all.contains("João <mark>Conc</mark>eição") && all.contains("id=\"search-clear\""));
    assert!(all.contains("value=\"conc\""), "the box keeps what was typed");
    let by_phone = t.html(&client, "/customers?q=998765432").await;
    assert!(by_phone.contains("Paulo Telefone") && by_phone.contains("Telefone: "), "{by_phone}");
    let nothing = t.html(&client, "/customers?q=zzzz").await;
    assert!(nothing.contains("Nenhum resultado para &#34;zzzz&#34;"), "{nothing}");
    let plain = t.html(&client, "/customers?q=").await;
    assert!(plain.contains("3 cadastros"), "an empty search is the whole list");
}
web_test!(search_marks_matches_and_sees_all);

/// A long list shows its rows first and its count after them, and goes
/// back a page as well as forward.
async fn long_lists_count_after_the_rows_and_page_both_ways(t: TestApp) {
    let bearer = format!("Bearer {}", t.token_for(&t.admin).await);
    for n in 0..55 {
        let party = json!({ "full_name": format!("Cliente {n:02}") });
        assert_eq!(t.api_send(reqwest::Method::POST, &bearer, "/api/v1/parties", party).await.status(), 201);
    }
    let (client, _) = t.login(&t.admin).await;
    let first = t.html(&client, "/customers").await;
    assert!(first.contains("Contando…") && !first.contains("id=\"previous-page\""), "counting, first page");
    let count_link = first
        .split("hx-get=\"")
        .find(|rest| rest.starts_with("/customers/count"))
        .and_then(|rest| rest.split('"').next())
        .expect("the count's address")
        .replace("&amp;", "&");
    assert!(t.html(&client, &count_link).await.contains("55 cadastros"), "the count arrives");
    let link = |html: &str, id: &str| {
        html.split(&format!("id=\"{id}\""))
            .next()
            .and_then(|before| before.rsplit("href=\"").next())
            .and_then(|rest| rest.split('"').next())
            .map(|href| href.replace("&amp;", "&"))
    };
    let next = link(&first, "next-page").expect("a next page");
    let second = t.html(&client, &next).await;
    assert!(second.contains("Cliente 54") && !second.contains("id=\"next-page\""), "the last five");
    let back = t.html(&client, &link(&second, "previous-page").expect("a previous page")).await;
    for n in [0, 49] {
        assert!(back.contains(&format!("Cliente {n:02}")), "page one again: {n}");
    }
    assert!(!back.contains("id=\"previous-page\"") && back.contains("id=\"next-page\""), "first page again");
}
web_test!(long_lists_count_after_the_rows_and_page_both_ways);

/// The customer list's bulk actions as the browser's form sends them:
/// checked rows or every filtered one, back to the list with a count; a
/// stale row or a missing field changes nothing and says why.
async fn bulk_actions_from_the_list_change_all_or_nothing(t: TestApp) {
    let bearer = format!("Bearer {}", t.token_for(&t.admin).await);
    for name in ["Ana Lote", "Bruno Lote", "Carla Lote"] {
        let party = json!({ "full_name": name, "tags": ["lote"] });
        assert_eq!(t.api_send(reqwest::Method::POST, &bearer, "/api/v1/parties", party).await.status(), 201);
    }
    let (client, token) = t.login(&t.admin).await;
    let list = t.html(&client, "/customers?tag=lote").await;
    assert!(list.contains("id=\"customers-bulk\"") && list.contains("id=\"bulk-archive\""), "the bulk bar");
    let items: Vec<String> = list
        .split("name=\"item\" value=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next().map(str::to_string))
        .collect();
    assert_eq!(items.len(), 3);
    let send = |fields: Vec<(&'static str, String)>| {
        let mut form = vec![("csrf_token", token.clone()), ("back", "/customers?tag=lote".to_string())];
        form.extend(fields);
        client.post(t.url("/customers/bulk")).form(&form).send()
    };
    // Every field at its default: nothing checked, no seller, no tag.
    for action in ["transfer", "tag", "archive", "export"] {
        let refused =
            send(vec![("action", action.into()), ("seller_id", String::new()), ("tag", String::new())])
                .await
                .expect("POST");
        assert_eq!(refused.status(), 422, "{action}");
        let body = refused.text().await.expect("body");
        assert!(body.contains("alert-error") && body.contains("Ana Lote"), "{action}: the list, saying why");
    }
    let tagged = send(vec![
        ("item", items[0].clone()),
        ("item", items[1].clone()),
        ("action", "tag".into()),
        ("seller_id", String::new()),
        ("tag", "Frota".into()),
    ])
    .await
    .expect("POST");
    assert_eq!(tagged.status(), 303);
    assert_eq!(tagged.headers()["location"], "/customers?tag=lote");
    let back = t.html(&client, "/customers?tag=lote").await;
    assert!(back.contains("2 cadastros etiquetados."), "a counted notice");
    assert!(t.html(&client, "/customers?tag=frota").await.contains("2 cadastros"), "both tagged");
    // The same check boxes again are stale now: nothing changes.
    let stale =
        send(vec![("item", items[0].clone()), ("item", items[2].clone()), ("action", "archive".into())])
            .await
            .expect("POST");
    assert_eq!(stale.status(), 409);
    assert!(t.html(&client, "/customers?tag=lote").await.contains("3 cadastros"), "none archived");
    let export = send(vec![("item", items[2].clone()), ("action", "export".into())]).await.expect("POST");
    assert_eq!(export.status(), 303);
    let download = export.headers()["location"].to_str().expect("location").to_string();
    let csv = client.get(t.url(&download)).send().await.expect("GET").text().await.expect("csv");
    assert!(csv.contains("Carla Lote") && !csv.contains("Ana Lote"), "only the checked row: {csv}");
    let archived = send(vec![("matching", "1".into()), ("action", "archive".into())]).await.expect("POST");
    assert_eq!(archived.status(), 303);
    assert!(t.html(&client, "/customers").await.contains("3 cadastros arquivados."));
    assert!(!t.html(&client, "/customers?tag=lote").await.contains("Lote</a>"), "gone from the list");

    // The API: the same action and the same refusals.
    let none = json!({ "action": "archive" });
    let refused = t.api_send(reqwest::Method::POST, &bearer, "/api/v1/parties/bulk", none).await;
    assert_eq!(refused.status(), 422);
    let created: Value = t
        .api_send(reqwest::Method::POST, &bearer, "/api/v1/parties", json!({ "full_name": "Davi Api" }))
        .await
        .json()
        .await
        .expect("json");
    let item = json!({ "id": created["party"]["id"], "version": created["party"]["version"] });
    let tag = json!({ "action": "tag", "tag": "api", "items": [item] });
    let done = t.api_send(reqwest::Method::POST, &bearer, "/api/v1/parties/bulk", tag.clone()).await;
    assert_eq!(done.status(), 200);
    assert_eq!(done.json::<Value>().await.expect("json")["changed"], 1);
    let again = t.api_send(reqwest::Method::POST, &bearer, "/api/v1/parties/bulk", tag).await;
    assert_eq!(again.status(), 409, "the version moved");
}
web_test!(bulk_actions_from_the_list_change_all_or_nothing);

/// The column chooser and saved views as the browser's forms send them,
/// and through the API.
async fn columns_and_saved_views_shape_the_list(t: TestApp) {
    let bearer = format!("Bearer {}", t.token_for(&t.admin).await);
    let party =
        json!({ "full_name": "Vera Visão", "tags": ["vip"], "address": { "city": "Recife", "state": "PE" } });
    assert_eq!(t.api_send(reqwest::Method::POST, &bearer, "/api/v1/parties", party).await.status(), 201);
    let (client, token) = t.login(&t.admin).await;
    // The header cells' text, tags stripped.
    let headers = |html: &str| -> Vec<String> {
        let head = html.split("<thead>").nth(1).and_then(|h| h.split("</thead>").next()).unwrap_or_default();
        head.split("<th ")
            .skip(1)
            .map(|cell| {
                // The cell starts inside its own <th …> tag.
                let (mut text, mut in_tag) = (String::new(), true);
                for c in cell.split("</th>").next().unwrap_or_default().chars() {
                    match c {
                        '<' => in_tag = true,
                        '>' => in_tag = false,
                        c if !in_tag => text.push(c),
                        _ => {}
                    }
                }
                text.trim().to_string()
            })
            .filter(|text| !text.is_empty())
            .collect()
    };
    let list = t.html(&client, "/customers").await;
    assert!(list.contains("id=\"column-chooser\"") && list.contains("id=\"saved-views\""));
    assert!(headers(&list).contains(&"E-mail".to_string()), "{:?}", headers(&list));
    let choose = |fields: Vec<(&'static str, &'static str)>| {
        let mut form = vec![("csrf_token", token.as_str()), ("back", "/customers")];
        form.extend(fields);
        client.post(t.url("/customers/columns")).form(&form).send()
    };
    let chosen =
        choose(vec![("columns", "phone"), ("columns", "seller"), ("columns", "city")]).await.expect("POST");
    assert_eq!(chosen.status(), 303);
    let shown = headers(&t.html(&client, "/customers").await);
    assert_eq!(&shown[shown.len() - 3..], ["Telefone", "Vendedor responsável", "Cidade"], "{shown:?}");
    assert!(!shown.contains(&"E-mail".to_string()));
    let moved =
        choose(vec![("columns", "phone"), ("columns", "seller"), ("columns", "city"), ("up", "city")])
            .await
            .expect("POST");
    assert_eq!(moved.status(), 303);
    let shown = headers(&t.html(&client, "/customers").await);
    assert_eq!(&shown[shown.len() - 3..], ["Telefone", "Cidade", "Vendedor responsável"], "↑ moved the city");
    let refused = choose(vec![("columns", "password")]).await.expect("POST");
    assert_eq!(refused.status(), 422);

    let save = |name: &'static str| {
        client
            .post(t.url("/customers/views"))
            .form(&[
                ("csrf_token", token.as_str()),
                ("back", "/customers?tag=vip&sort=city"),
                ("columns", "city"),
                ("columns", "phone"),
                ("name", name),
                ("shared", "1"),
            ])
            .send()
    };
    let nameless = save("").await.expect("POST");
    assert_eq!(nameless.status(), 422);
    let saved = save("VIP por cidade").await.expect("POST");
    assert_eq!(saved.status(), 303);
    let opened_at = saved.headers()["location"].to_str().expect("location").to_string();
    assert!(opened_at.starts_with("/customers?tag=vip&sort=city&view="), "{opened_at}");
    let opened = t.html(&client, &opened_at).await;
    assert!(opened.contains("Visão salva.") && opened.contains("aria-current=\"true\""), "the view is open");
    let shown = headers(&opened);
    assert_eq!(&shown[shown.len() - 2..], ["Cidade", "Telefone"], "the view's columns");
    assert!(opened.contains("Vera Visão"));

    let views = t.api_get(&bearer, "/api/v1/lists/customers/views").await;
    assert_eq!(views[0]["name"], "VIP por cidade");
    assert_eq!(views[0]["query"], "tag=vip&sort=city");
    let id = views[0]["id"].as_str().expect("id").to_string();
    let columns = t
        .api_send(
            reqwest::Method::PUT,
            &bearer,
            "/api/v1/lists/customers/columns",
            json!({ "columns": ["email", "state"] }),
        )
        .await;
    assert_eq!(columns.status(), 200);
    assert_eq!(
        t.api_get(&bearer, "/api/v1/lists/customers/columns").await["columns"],
        json!(["email", "state"])
    );
    let bad = t
        .api_send(
            reqwest::Method::POST,
            &bearer,
            "/api/v1/lists/customers/views",
            json!({ "name": "X", "query": "sort=senha" }),
        )
        .await;
    assert_eq!(bad.status(), 422);

    let deleted = t
        .post_form(&client, &format!("/customers/views/{id}/delete"), &[("csrf_token", token.as_str())])
        .await;
    assert_eq!(deleted.status(), 303);
    assert!(!t.html(&client, "/customers").await.contains("VIP por cidade"), "gone");
    let again = t.api_send(reqwest::Method::DELETE, &bearer, &format!("/api/v1/views/{id}"), json!({})).await;
    assert_eq!(again.status(), 404);
}
web_test!(columns_and_saved_views_shape_the_list);

/// A seller who leaves is disabled, not deleted: his customers still name
/// him, the list can be filtered by him, and saving one of them keeps him;
/// only active sellers are offered for a transfer.
async fn a_disabled_sellers_customers_still_name_him(t: TestApp) {
    let token = t.token_for(&t.admin).await;
    let api = t.client();
    let created = api
        .post(t.url("/api/v1/users"))
        .bearer_auth(&token)
        .json(&json!({ "email": "saiu@loja.test", "display_name": "Vendedor Antigo", "password": "senha-de-quem-saiu", "role": "member" }))
        .send()
        .await
        .expect("POST");
    let seller: Value = created.json().await.expect("json");
    let seller_id = seller["id"].as_str().expect("id").to_string();
    let (client, csrf) = t.login(&t.admin).await;
    let saved =
        create_via_form(&t, &client, &csrf, &[("full_name", "Cliente Herdado"), ("seller_id", &seller_id)])
            .await;
    assert_eq!(saved.status(), 303);
    let location = saved.headers()["location"].to_str().expect("location").to_string();
    let disabled = api
        .patch(t.url(&format!("/api/v1/users/{seller_id}")))
        .bearer_auth(&token)
        .json(&json!({ "version": seller["version"], "active": false }))
        .send()
        .await
        .expect("PATCH");
    assert_eq!(disabled.status(), 200);

    let marked = format!("Vendedor Antigo ({})", "Desativado");
    let sheet = t.html(&client, &format!("{location}?tab=sheet")).await;
    assert!(sheet.contains(&marked), "the sheet still names the seller");
    let list = t.html(&client, &format!("/customers?seller_id={seller_id}")).await;
    assert!(list.contains("Cliente Herdado"), "the list filters by a disabled seller");
    assert!(list.contains(&format!("<option value=\"{seller_id}\" selected>{marked}</option>")), "{list}");
    let transfer = list.split("id=\"bulk-seller\"").nth(1).and_then(|rest| rest.split("</select>").next());
    assert!(!transfer.expect("the transfer select").contains(&seller_id), "nobody is handed to him");

    let edit = t.html(&client, &format!("{location}/edit")).await;
    assert!(edit.contains(&format!("value=\"{seller_id}\" selected")), "the form keeps him");
    assert!(!t.html(&client, "/customers/new").await.contains(&seller_id), "a new customer cannot get him");
}
web_test!(a_disabled_sellers_customers_still_name_him);
