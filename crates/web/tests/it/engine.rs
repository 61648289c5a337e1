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
        // Only the shapes the document's EngineFilter describes are read.
        (json!({"filter": [[]]}), "filter"),
        (json!({"filter": {"field": "state", "equals": "SP", "note": "x"}}), "filter"),
        (json!({"filter": {"field": "state", "range": ["A", "Z"]}}), "filter"),
        (json!({"filter": {"all": [], "any": []}}), "filter"),
        (json!({"filter": {"field": "email", "equals": "a@b.c"}}), "filter.email"),
        (json!({"filter": {"field": "state", "equals": " "}}), "filter.state"),
    ] {
        let refused = t.api_send(reqwest::Method::POST, &bearer, "/api/v1/engine/count", body.clone()).await;
        assert_eq!(refused.status(), 422, "{body}");
        let refused: Value = refused.json().await.expect("json");
        assert!(refused["error"]["fields"].get(field).is_some(), "{field}: {refused}");
    }
}

web_test!(the_api_counts_and_finds_a_segment);

/// Segments through the screen as the browser sends its forms: "Salvar
/// segmento" with the filters as they stand (the script copies them into
/// `filters`), a nameless save refused on the name with the filters kept,
/// the new segment opened with its filters and count, a reload changing
/// nothing, duplicate and delete answering with redirects.
async fn segments_are_saved_opened_duplicated_and_deleted_from_the_screen(t: TestApp) {
    let bearer = format!("Bearer {}", t.token_for(&t.admin).await);
    customers(&t, &bearer).await;
    let (client, token) = t.login(&t.admin).await;
    let page = t.html(&client, "/engine").await;
    assert!(page.contains("id=\"engine-segments-none\""), "the empty state explains");
    let fields = default_fields(&page);
    let filters = query(&fields, &[("state", "SP")]);
    let save = |name: &'static str, shared: &'static str| {
        client
            .post(t.url("/engine/segments"))
            .form(&[
                ("csrf_token", token.as_str()),
                ("filters", filters.as_str()),
                ("segment_name", name),
                ("segment_shared", shared),
            ])
            .send()
    };
    let nameless = save("", "").await.expect("POST");
    assert_eq!(nameless.status(), 422);
    let nameless = nameless.text().await.expect("body");
    assert!(nameless.contains(
        "id=\"segment_name\" name=\"segment_name\" value=\"\" maxlength=\"60\" required aria-invalid=\"true\""
    ));
    assert!(
        nameless.contains("2 clientes") && nameless.contains("<option value=\"SP\" selected>"),
        "filters kept"
    );

    let saved = save("Paulistas", "1").await.expect("POST");
    assert_eq!(saved.status(), 303);
    let opened = saved.headers()["location"].to_str().expect("location").to_string();
    assert!(opened.starts_with("/engine?state=SP&search=1&segment="), "{opened}");
    let shown = t.html(&client, &opened).await;
    assert!(
        shown.contains("Segmento salvo.") && shown.contains("2 clientes") && shown.contains("Sofia Prado")
    );
    assert!(shown.contains("aria-current=\"page\"") && shown.contains("Compartilhado"), "lit, shared");
    let id = opened.rsplit('=').next().expect("id").to_string();
    let again = t.html(&client, &opened).await;
    assert!(!again.contains("Segmento salvo."), "a reload says nothing again");
    assert_eq!(again.matches("class=\"segment-line").count(), 1, "and saves nothing again");
    let reopened = client.get(t.url(&format!("/engine/segments/{id}"))).send().await.expect("GET");
    assert_eq!(reopened.headers()["location"], opened.as_str(), "opening leads to its filters");

    let post = |path: String| client.post(t.url(&path)).form(&[("csrf_token", token.as_str())]).send();
    let copied = post(format!("/engine/segments/{id}/duplicate")).await.expect("POST");
    assert_eq!(copied.status(), 303);
    let copy = t.html(&client, copied.headers()["location"].to_str().expect("location")).await;
    assert!(copy.contains("Paulistas (cópia)") && copy.contains("2 clientes"), "the copy opens");
    let deleted = post(format!("/engine/segments/{id}/delete")).await.expect("POST");
    assert_eq!(deleted.status(), 303);
    assert_eq!(deleted.headers()["location"], "/engine");
    let left = t.html(&client, "/engine").await;
    assert!(left.contains("Segmento excluído.") && !left.contains(">Paulistas</a>"), "{left}");
    let gone = client.get(t.url(&format!("/engine/segments/{id}"))).send().await.expect("GET");
    assert_eq!(gone.status(), 404);
}

web_test!(segments_are_saved_opened_duplicated_and_deleted_from_the_screen);

/// Segments over the API: saved with any filter tree, listed, counted
/// today, duplicated, deleted; one the screen's form cannot show is said
/// so when opened there.
async fn the_api_keeps_segments(t: TestApp) {
    let bearer = format!("Bearer {}", t.token_for(&t.admin).await);
    customers(&t, &bearer).await;
    let either = json!({"name": "SP ou RJ", "shared": true, "segment": {"filter": {"any": [
        {"field": "state", "equals": "SP"}, {"field": "state", "equals": "RJ"}]}}});
    let saved = t.api_send(reqwest::Method::POST, &bearer, "/api/v1/engine/segments", either).await;
    assert_eq!(saved.status(), 201);
    let saved: Value = saved.json().await.expect("json");
    let id = saved["id"].as_str().expect("id").to_string();
    assert_eq!(saved["segment"]["filter"]["any"][1]["equals"], "RJ");
    assert_eq!(t.api_get(&bearer, &format!("/api/v1/engine/segments/{id}/count")).await["total"], 3);
    let listed = t.api_get(&bearer, "/api/v1/engine/segments").await;
    assert_eq!(listed.as_array().map(Vec::len), Some(1));

    let refused = t
        .api_send(
            reqwest::Method::POST,
            &bearer,
            "/api/v1/engine/segments",
            json!({"name": "", "segment": {"limit": 0}}),
        )
        .await;
    assert_eq!(refused.status(), 422);
    let refused: Value = refused.json().await.expect("json");
    assert!(
        refused["error"]["fields"].get("name").is_some() && refused["error"]["fields"].get("limit").is_some()
    );

    let copy = t
        .api_send(
            reqwest::Method::POST,
            &bearer,
            &format!("/api/v1/engine/segments/{id}/duplicate"),
            json!({"name": "Cópia"}),
        )
        .await;
    assert_eq!(copy.status(), 201);
    let copy: Value = copy.json().await.expect("json");
    assert_eq!((copy["shared"].as_bool(), copy["segment"].clone()), (Some(false), saved["segment"].clone()));

    let (client, _) = t.login(&t.admin).await;
    let opened = client.get(t.url(&format!("/engine/segments/{id}"))).send().await.expect("GET");
    assert_eq!(opened.headers()["location"], "/engine");
    assert!(t.html(&client, "/engine").await.contains("criado pela API"));

    let deleted = t
        .api_send(reqwest::Method::DELETE, &bearer, &format!("/api/v1/engine/segments/{id}"), json!({}))
        .await;
    assert_eq!(deleted.status(), 204);
    let gone =
        t.api_send(reqwest::Method::GET, &bearer, &format!("/api/v1/engine/segments/{id}"), json!({})).await;
    assert_eq!(gone.status(), 404);
}

web_test!(the_api_keeps_segments);

/// Seed 004's occurrence from the grid: each row offers the customer's
/// detail (F9), which comes back to the same page of the grid; the form
/// sent as the browser sends it — at its defaults it is refused on its
/// fields, keeping what was typed — then with a call back tomorrow: the
/// grid's last contact, the customer's history and his agenda show it.
async fn an_occurrence_is_registered_from_the_detail_and_books_the_call_back(t: TestApp) {
    let bearer = format!("Bearer {}", t.token_for(&t.admin).await);
    customers(&t, &bearer).await;
    let (client, token) = t.login(&t.admin).await;
    let grid = t.html(&client, "/engine?state=SP&search=1&sort=last_contact").await;
    let start = grid.find("href=\"/engine/customers/").expect("a detail link") + 6;
    let link = grid[start..grid[start..].find('"').expect("end") + start].replace("&#38;", "&");
    assert!(link.ends_with("back=/engine%3Fstate%3DSP%26search%3D1%26sort%3Dlast_contact"), "{link}");
    let detail = t.html(&client, &link).await;
    assert!(detail.contains("id=\"occurrence-form\"") && detail.contains("Nenhum contato registrado."));
    let id = link.trim_start_matches("/engine/customers/").split('?').next().expect("id").to_string();
    let name = if detail.contains("Sofia Prado") { "Sofia Prado" } else { "Tânia Reis" };

    let back = "/engine?state=SP&search=1&sort=last_contact";
    let post = |fields: Vec<(&'static str, String)>| {
        let mut form = vec![("csrf_token", token.clone()), ("back", back.to_string())];
        form.extend(fields);
        client.post(t.url(&format!("/engine/customers/{id}/occurrences"))).form(&form).send()
    };
    let defaults = || {
        vec![
            ("kind", String::new()),
            ("channel", "call".to_string()),
            ("result", String::new()),
            ("notes", String::new()),
            ("next_contact_at", String::new()),
        ]
    };
    let refused = post(defaults()).await.expect("POST");
    assert_eq!(refused.status(), 422);
    let refused = refused.text().await.expect("body");
    assert!(refused.contains("id=\"kind\" name=\"kind\" required aria-invalid=\"true\""), "{refused}");
    assert!(refused.contains("id=\"result\" name=\"result\" required aria-invalid=\"true\""));

    let tomorrow = chrono::Utc::now().with_timezone(&chrono_tz::America::Sao_Paulo).date_naive()
        + chrono::Duration::days(1);
    let mut typed = defaults();
    typed[0].1 = "offer".into();
    typed[2].1 = "call_back".into();
    typed[3].1 = "Ligar à tarde".into();
    typed[4].1 = format!("{tomorrow}T14:30");
    let mut past = typed.clone();
    past[4].1 = "2020-01-01T10:00".into();
    let refused = post(past).await.expect("POST").text().await.expect("body");
    assert!(
        refused.contains("O próximo contato deve ser depois de agora.") && refused.contains("Ligar à tarde")
    );

    let saved = post(typed).await.expect("POST");
    assert_eq!(saved.status(), 303);
    assert_eq!(saved.headers()["location"], back, "back to the same grid");
    let grid = t.html(&client, back).await;
    assert!(grid.contains("a ligação de retorno está na sua agenda"), "{grid}");
    let today =
        chrono::Utc::now().with_timezone(&chrono_tz::America::Sao_Paulo).format("%d/%m/%Y").to_string();
    let row = &grid[grid.find(&format!("id=\"found-{id}\"")).expect("row")..];
    assert!(row[..row.find("</tr>").expect("end")].contains(&today), "last contact today");
    let again = t.html(&client, back).await;
    assert!(!again.contains("a ligação de retorno"), "a reload registers nothing again");

    let history = t.html(&client, &format!("/customers/{id}?tab=history")).await;
    assert!(history.contains("Ocorrência de telemarketing: Oferta · Pediu retorno"), "{history}");
    let agenda = t.html(&client, &format!("/agenda?view=day&date={tomorrow}")).await;
    assert!(agenda.contains(name), "the call back on the agenda");

    // The API records one too, without a call back.
    let occurrence = json!({"kind": "birthday", "result": "answered", "channel": "whatsapp"});
    let recorded = t
        .api_send(
            reqwest::Method::POST,
            &bearer,
            &format!("/api/v1/engine/customers/{id}/occurrences"),
            occurrence,
        )
        .await;
    assert_eq!(recorded.status(), 201);
    let recorded: Value = recorded.json().await.expect("json");
    assert_eq!(recorded["occurrence"]["result"], "answered");
    assert_eq!(recorded["occurrence"]["channel"], "whatsapp");
    assert!(recorded["call_back"].is_null());
    let refused = t
        .api_send(
            reqwest::Method::POST,
            &bearer,
            &format!("/api/v1/engine/customers/{id}/occurrences"),
            json!({"kind": "offer", "result": "perhaps"}),
        )
        .await;
    assert_eq!(refused.status(), 422);

    // The reports: the form at its defaults, then a field that does not read.
    let report =
        client.get(t.url("/engine/reports?from=&to=&agent=&invoice_days=30")).send().await.expect("GET");
    assert_eq!(report.status(), 200);
    let report = report.text().await.expect("body");
    assert!(report.contains("id=\"report-total\">2 contatos"), "{report}");
    assert!(report.contains("<td>Oferta</td><td class=\"num\">1</td>"), "per type");
    let performance = &report[report.find("id=\"report-performance\"").expect("listing")..];
    assert!(performance.contains(&format!(
        "<td>{}</td><td class=\"num\">2</td><td class=\"num\">1</td><td class=\"num\">0</td>",
        t.admin.name
    )));
    let refused = client.get(t.url("/engine/reports?invoice_days=0")).send().await.expect("GET");
    assert_eq!(refused.status(), 422);
    assert!(refused.text().await.expect("body").contains("Informe de 1 a 365 dias."));
    let from = (tomorrow - chrono::Duration::days(7)).to_string();
    let api =
        t.api_get(&bearer, &format!("/api/v1/engine/reports/occurrences?from={from}&to={tomorrow}")).await;
    assert_eq!(api["total"], 2, "{api}");
    assert_eq!(api["agents"][0]["customers"], 1);
}

web_test!(an_occurrence_is_registered_from_the_detail_and_books_the_call_back);

/// The export as the form's buttons send it (every field, the filters set):
/// CSV for Brazilian Excel (BOM, `;`, a header in the reader's language,
/// one line per customer found) and XLSX read back from its zip; both in
/// the audit trail with their row count; a filter that does not read is
/// said on the screen.
async fn the_segment_exports_as_csv_and_xlsx(t: TestApp) {
    use std::io::Read;
    let bearer = format!("Bearer {}", t.token_for(&t.admin).await);
    customers(&t, &bearer).await;
    let (client, _) = t.login(&t.admin).await;
    let fields = default_fields(&t.html(&client, "/engine").await);
    let csv = client
        .get(t.url(&format!("/engine/export.csv?{}", query(&fields, &[("state", "SP")]))))
        .send()
        .await
        .expect("GET");
    assert_eq!(csv.status(), 200);
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let csv = csv.text().await.expect("body");
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("\u{feff}Cliente;Telefone 1;Telefone 2;Último contato;"), "{}", lines[0]);
    assert_eq!(lines.len(), 3, "{csv}");
    assert!(lines[1].starts_with("Sofia Prado;") && lines[2].starts_with("Tânia Reis;"), "by name");
    assert!(lines[1].contains(";Sim;Sim;Não;Não;"), "her consents: {}", lines[1]);

    let xlsx = client
        .get(t.url(&format!("/engine/export.xlsx?{}", query(&fields, &[("state", "SP")]))))
        .send()
        .await
        .expect("GET");
    assert_eq!(xlsx.status(), 200);
    let bytes = xlsx.bytes().await.expect("body");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).expect("a zip");
    let mut strings = String::new();
    archive.by_name("xl/sharedStrings.xml").expect("strings").read_to_string(&mut strings).expect("read");
    assert!(
        strings.contains("Sofia Prado") && strings.contains("Tânia Reis") && !strings.contains("Rui Tavares")
    );
    let mut sheet = String::new();
    archive.by_name("xl/worksheets/sheet1.xml").expect("sheet").read_to_string(&mut sheet).expect("read");
    assert_eq!(sheet.matches("<row ").count(), 3, "a header and two customers");

    let audit = t.html(&client, "/admin/audit").await;
    assert_eq!(audit.matches("Segmento do motor").count(), 2, "both exports audited");

    let refused = client
        .get(t.url(&format!("/engine/export.csv?{}", query(&fields, &[("birthday_from", "31/02")]))))
        .send()
        .await
        .expect("GET");
    assert_eq!(refused.status(), 422);
    assert!(refused.text().await.expect("body").contains("Use dia/mês, por exemplo 25/12."));
}

web_test!(the_segment_exports_as_csv_and_xlsx);

/// A call list from the rows checked in the grid: made for oneself, worked
/// customer after customer — each occurrence leads to the next, the last
/// back to the list, done; a list with nobody checked is refused.
async fn a_call_list_is_made_from_the_grid_and_worked_in_order(t: TestApp) {
    let bearer = format!("Bearer {}", t.token_for(&t.admin).await);
    customers(&t, &bearer).await;
    let (client, token) = t.login(&t.admin).await;
    let grid = t.html(&client, "/engine?state=SP&search=1").await;
    let items: Vec<String> = grid
        .split("name=\"item\" value=\"")
        .skip(1)
        .map(|rest| rest[..rest.find('"').expect("end")].to_string())
        .collect();
    assert_eq!(items.len(), 2, "Sofia and Tânia");
    let back = "/engine?state=SP&search=1";
    let make = |checked: Vec<String>| {
        let mut form = vec![
            ("csrf_token".to_string(), token.clone()),
            ("back".to_string(), back.to_string()),
            ("name".to_string(), "Paulistas".to_string()),
            ("agent".to_string(), String::new()),
        ];
        form.extend(checked.into_iter().map(|item| ("item".to_string(), item)));
        client.post(t.url("/engine/call-lists")).form(&form).send()
    };
    let refused = make(Vec::new()).await.expect("POST");
    assert_eq!(refused.headers()["location"], back);
    assert!(t.html(&client, back).await.contains("Marque ao menos um cliente."));

    let made = make(items).await.expect("POST");
    assert_eq!(made.status(), 303);
    let list_url = made.headers()["location"].to_str().expect("location").to_string();
    let list = t.html(&client, &list_url).await;
    assert!(list.contains("0 de 2 ligados") && list.contains("Lista de ligações criada."), "{list}");
    let next = |page: &str| {
        let start =
            page.find("id=\"call-next\"").map(|_| page.find("href=\"/engine/customers/").expect("next") + 6);
        start.map(|start| page[start..start + page[start..].find('"').expect("end")].replace("&#38;", "&"))
    };
    let first = next(&list).expect("a first call");
    let detail = t.html(&client, &first).await;
    assert!(
        detail.contains("Sofia Prado")
            && detail.contains("name=\"call_list\"")
            && detail.contains("id=\"call-skip\"")
    );
    let register = |link: String| {
        let id = link.trim_start_matches("/engine/customers/").split('?').next().expect("id").to_string();
        let list = link.split("call_list=").nth(1).expect("list").split('&').next().expect("id").to_string();
        let form = [
            ("csrf_token", token.clone()),
            ("back", format!("/engine/call-lists/{list}")),
            ("call_list", list),
            ("kind", "offer".to_string()),
            ("channel", "call".to_string()),
            ("result", "no_answer".to_string()),
            ("notes", String::new()),
            ("next_contact_at", String::new()),
        ];
        client.post(t.url(&format!("/engine/customers/{id}/occurrences"))).form(&form).send()
    };
    let saved = register(first).await.expect("POST");
    assert_eq!(saved.status(), 303);
    let second = saved.headers()["location"].to_str().expect("location").to_string();
    assert!(t.html(&client, &second).await.contains("Tânia Reis"), "on to the next customer");
    let last = register(second).await.expect("POST");
    assert_eq!(last.headers()["location"], list_url.as_str(), "the last one leads back to the list");
    let done = t.html(&client, &list_url).await;
    assert!(done.contains("2 de 2 ligados") && done.contains("id=\"call-list-done\""), "{done}");
    let index = t.html(&client, "/engine/call-lists").await;
    assert!(index.contains(">Paulistas</a>"));
}

web_test!(a_call_list_is_made_from_the_grid_and_worked_in_order);
