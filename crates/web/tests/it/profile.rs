//! The profile, vehicles, interactions and the agenda through the pages
//! and the API: forms refuse bad input with field messages, the workshop
//! booking carries the plate, the feed is served at its secret address,
//! and another branch's manager reaches none of it.
use crate::location;
use serde_json::{Value, json};
use testkit::{TestApp, web_test};

async fn post_json(t: &TestApp, auth: &str, path: &str, body: Value) -> reqwest::Response {
    t.client().post(t.url(path)).header("authorization", auth).json(&body).send().await.expect("POST")
}

async fn pages_walk_from_vehicle_to_workshop_booking(t: TestApp) {
    let admin = format!("Bearer {}", t.token_for(&t.admin).await);
    let created: Value = post_json(&t, &admin, "/api/v1/parties", json!({ "full_name": "João Conceição" }))
        .await
        .json()
        .await
        .expect("json");
    let party = created["party"]["id"].as_str().expect("id").to_string();
    let (client, token) = t.login(&t.admin).await;

    // One tab per part of the profile, each at its own address, each
    // reading only its part.
    let tabs = [
        ("", "id=\"summary\"", "tab-summary"),
        ("?tab=sheet", "id=\"consent\"", "tab-sheet"),
        ("?tab=vehicles", "id=\"vehicles\"", "tab-vehicles"),
        ("?tab=interactions", "id=\"interactions\"", "tab-interactions"),
        ("?tab=agenda", "id=\"appointments\"", "tab-agenda"),
        ("?tab=history", "Cadastro criado", "tab-history"),
        ("?tab=nothing", "id=\"summary\"", "tab-summary"),
    ];
    for (query, section, current) in tabs {
        let profile = client.get(t.url(&format!("/customers/{party}{query}"))).send().await.expect("GET");
        assert_eq!(profile.status(), 200, "{query}");
        let html = profile.text().await.expect("body");
        assert!(html.contains(section), "{section} on the tab {query}");
        assert!(html.contains(&format!("id=\"{current}\" aria-current=\"page\"")), "{current} marked");
        let others = [
            "id=\"summary\"",
            "id=\"consent\"",
            "id=\"vehicles\"",
            "id=\"interactions\"",
            "id=\"appointments\"",
            "id=\"history\"",
        ];
        assert_eq!(others.iter().filter(|o| html.contains(*o)).count(), 1, "one part on {query}");
    }

    let add = |fields: Vec<(&'static str, &'static str)>| {
        let mut form = vec![("csrf_token", token.clone())];
        form.extend(fields.into_iter().map(|(k, v)| (k, v.to_string())));
        client.post(t.url(&format!("/customers/{party}/vehicles"))).form(&form).send()
    };
    let refused = add(vec![("plate", "AB-12"), ("vin", "123"), ("model", "Onix"), ("year", "dois mil")])
        .await
        .expect("POST");
    assert_eq!(refused.status(), 422);
    let body = refused.text().await.expect("body");
    for message in ["Placa inválida", "O chassi tem 17 caracteres", "Número inválido"] {
        assert!(body.contains(message), "{message} shown");
    }
    assert!(body.contains("value=\"AB-12\""), "typed values stay");
    let saved = add(vec![
        ("plate", "bra2e19"),
        ("make", "Chevrolet"),
        ("model", "Onix"),
        ("year", "2024"),
        ("mileage_km", "12.500"),
    ])
    .await
    .expect("POST");
    assert_eq!(saved.status(), 303);
    let vehicle_path = location(&saved);
    let vehicle_page = t.html(&client, &vehicle_path).await;
    assert!(vehicle_page.contains("BRA2E19") && vehicle_page.contains("12.500 km"));
    let vehicle = vehicle_path.trim_start_matches("/vehicles/").to_string();

    // From the vehicle: the workshop booking has the plate filled in.
    let form =
        t.html(&client, &format!("/appointments/new?party={party}&vehicle={vehicle}&kind=workshop")).await;
    assert!(form.contains("id=\"appointment-plate\" value=\"BRA2E19\""), "the plate is filled in");
    assert!(form.contains("Oficina · BRA2E19"), "and the subject names it");
    let book = |starts: &str, ends: &str| {
        client
            .post(t.url("/appointments"))
            .form(&[
                ("csrf_token", token.as_str()),
                ("party_id", party.as_str()),
                ("vehicle_id", vehicle.as_str()),
                ("kind", "workshop"),
                ("title", "Revisão BRA2E19"),
                ("starts_at", starts),
                ("ends_at", ends),
            ])
            .send()
    };
    let reversed = book("2026-12-02T10:00", "2026-12-02T09:00").await.expect("POST");
    assert_eq!(reversed.status(), 422);
    assert!(reversed.text().await.expect("body").contains("O término deve ser depois do início"));
    let booked = book("2026-12-02T10:00", "2026-12-02T11:00").await.expect("POST");
    assert_eq!(booked.status(), 303, "booked");
    let page = t.html(&client, &location(&booked)).await;
    assert!(
        page.contains("BRA2E19") && page.contains("02/12/2026 10:00"),
        "local time and plate on the appointment"
    );
    // Rescheduled from its page: the form holds the booking; a second
    // move from the same (now stale) form is refused.
    let appointment = location(&booked)
        .trim_start_matches("/appointments/")
        .split('?')
        .next()
        .unwrap_or_default()
        .to_string();
    let edit = t.html(&client, &format!("/appointments/{appointment}/edit")).await;
    assert!(edit.contains("value=\"2026-12-02T10:00\"") && edit.contains("name=\"version\" value=\"1\""));
    let move_to = |starts: &'static str, ends: &'static str| {
        client
            .post(t.url(&format!("/appointments/{appointment}")))
            .form(&[
                ("csrf_token", token.as_str()),
                ("version", "1"),
                ("title", "Revisão BRA2E19"),
                ("kind", "workshop"),
                ("starts_at", starts),
                ("ends_at", ends),
            ])
            .send()
    };
    assert_eq!(move_to("2026-12-03T10:00", "2026-12-03T11:00").await.expect("POST").status(), 303);
    let stale = move_to("2026-12-04T10:00", "2026-12-04T11:00").await.expect("POST");
    assert_eq!(stale.status(), 409);
    assert!(stale.text().await.expect("body").contains("foi alterado por Gerente Teste"));
    let current: Value = t
        .client()
        .get(t.url(&format!("/api/v1/appointments/{appointment}")))
        .header("authorization", &admin)
        .send()
        .await
        .expect("GET")
        .json()
        .await
        .expect("json");
    let put = t
        .client()
        .put(t.url(&format!("/api/v1/appointments/{appointment}")))
        .header("authorization", &admin)
        .json(&json!({ "version": current["version"], "title": "Revisão BRA2E19", "kind": "workshop", "starts_at": "2026-12-02T10:00", "ends_at": "2026-12-02T11:00" }))
        .send()
        .await
        .expect("PUT");
    assert_eq!(put.status(), 200, "moved back through the API");

    // The same hour again: booked, with a warning.
    let again = book("2026-12-02T10:30", "2026-12-02T11:30").await.expect("POST");
    assert_eq!(again.status(), 303, "a booking answers with a redirect, double-booked or not");
    let landing = again.headers()["location"].to_str().expect("location").to_string();
    assert!(t.html(&client, &landing).await.contains("id=\"double-booking\""), "warned once");
    assert!(!t.html(&client, &landing).await.contains("id=\"double-booking\""), "a reload repeats nothing");

    for path in [
        "/agenda?view=week&date=2026-12-02",
        "/agenda?view=month&date=2026-12-02",
        "/agenda?view=day&date=2026-12-02",
    ] {
        let agenda = client.get(t.url(path)).send().await.expect("GET");
        assert_eq!(agenda.status(), 200, "{path}");
        assert!(agenda.text().await.expect("body").contains("Revisão BRA2E19"), "{path} lists it");
    }
    let free =
        client.get(t.url("/agenda/free-days?from=2026-11-30&to=2026-12-06")).send().await.expect("GET");
    assert!(free.text().await.expect("body").contains("day-partly"), "Wednesday is partly free");

    let found = t.html(&client, "/customers/search?q=BRA-2E19").await;
    assert!(found.contains("João Conceição"), "the plate finds the owner");

    // An interaction opened from the vehicle, then closed.
    let opened = t
        .post_form(
            &client,
            &format!("/customers/{party}/interactions"),
            &[
                ("csrf_token", token.as_str()),
                ("nature", "after_sale"),
                ("channel", "call"),
                ("status", "open"),
                ("vehicle_id", vehicle.as_str()),
                ("description", "Barulho na suspensão"),
            ],
        )
        .await;
    assert_eq!(opened.status(), 303);
    let interaction_page = t.html(&client, &location(&opened)).await;
    assert!(interaction_page.contains("Pós-venda") && interaction_page.contains("BRA2E19"));

    let history = t.html(&client, &format!("/customers/{party}?tab=history&history=vehicle")).await;
    assert!(
        history.contains("Veículo cadastrado") && !history.contains("Atendimento aberto"),
        "filtered by kind"
    );
}
web_test!(pages_walk_from_vehicle_to_workshop_booking);

async fn api_covers_vehicles_interactions_and_the_agenda(t: TestApp) {
    let admin = format!("Bearer {}", t.token_for(&t.admin).await);
    let created: Value = post_json(&t, &admin, "/api/v1/parties", json!({ "full_name": "Ana Souza" }))
        .await
        .json()
        .await
        .expect("json");
    let party = created["party"]["id"].as_str().expect("id").to_string();
    let bad = post_json(
        &t,
        &admin,
        &format!("/api/v1/parties/{party}/vehicles"),
        json!({ "plate": "XX", "model": "Gol" }),
    )
    .await;
    assert_eq!(bad.status(), 422);
    let body: Value = bad.json().await.expect("json");
    assert!(body["error"]["fields"]["plate"].is_string());
    let vehicle: Value = post_json(
        &t,
        &admin,
        &format!("/api/v1/parties/{party}/vehicles"),
        json!({ "plate": "ABC1234", "model": "Gol", "year": 2020 }),
    )
    .await
    .json()
    .await
    .expect("json");
    assert_eq!(vehicle["plate"], "ABC-1234");
    let id = vehicle["id"].as_str().expect("id");
    let put = |version: i64| {
        t.client()
            .put(t.url(&format!("/api/v1/vehicles/{id}")))
            .header("authorization", &admin)
            .json(&json!({ "version": version, "plate": "ABC1234", "model": "Gol", "mileage_km": 5000 }))
            .send()
    };
    assert_eq!(put(1).await.expect("PUT").status(), 200);
    assert_eq!(put(1).await.expect("PUT").status(), 409, "a stale version is refused");

    let interaction = post_json(
        &t,
        &admin,
        &format!("/api/v1/parties/{party}/interactions"),
        json!({ "nature": "after_sale", "channel": "whatsapp", "vehicle_id": id }),
    )
    .await;
    assert_eq!(interaction.status(), 201);

    let booked: Value = post_json(
        &t,
        &admin,
        "/api/v1/appointments",
        json!({ "title": "Ligação periódica", "kind": "call", "party_id": party, "starts_at": "2026-01-26T10:00", "ends_at": "2026-01-26T10:15", "repeat": "weekly", "repeat_count": 3 }),
    )
    .await
    .json()
    .await
    .expect("json");
    assert_eq!(booked["appointment"]["rrule"], "FREQ=WEEKLY;INTERVAL=1;COUNT=3");
    let agenda = t.api_get(&admin, "/api/v1/agenda?from=2026-01-01&to=2026-03-01").await;
    let starts: Vec<&str> =
        agenda.as_array().expect("list").iter().filter_map(|o| o["starts_at"].as_str()).collect();
    assert_eq!(starts, ["2026-01-26T13:00:00Z", "2026-02-02T13:00:00Z", "2026-02-09T13:00:00Z"]);
    let reversed = t
        .client()
        .get(t.url("/api/v1/agenda/free-days?from=2026-02-01&to=2026-01-01"))
        .header("authorization", &admin)
        .send()
        .await
        .expect("GET");
    assert_eq!(reversed.status(), 422);
    let history = t.api_get(&admin, &format!("/api/v1/parties/{party}/history?kind=vehicle")).await;
    assert_eq!(history.as_array().expect("events").len(), 2, "added and updated");

    let feed: Value = t
        .client()
        .post(t.url("/api/v1/me/calendar-feed"))
        .header("authorization", &admin)
        .send()
        .await
        .expect("POST")
        .json()
        .await
        .expect("json");
    let url = feed["url"].as_str().expect("url");
    let path = &url[url.find("/calendar/").expect("path")..];
    let calendar = t.client().get(t.url(path)).send().await.expect("GET");
    assert_eq!(calendar.status(), 200);
    assert!(calendar.headers()["content-type"].to_str().expect("type").starts_with("text/calendar"));
    assert!(calendar.text().await.expect("body").contains("BEGIN:VCALENDAR"));
    assert_eq!(t.client().get(t.url("/calendar/not-a-secret.ics")).send().await.expect("GET").status(), 404);

    // Today's appointments greet the user on the home page.
    let today = chrono::Utc::now().with_timezone(&chrono_tz::America::Sao_Paulo).date_naive();
    let booked_today = post_json(
        &t,
        &admin,
        "/api/v1/appointments",
        json!({ "title": "Café com a Ana", "starts_at": format!("{today}T00:05"), "ends_at": format!("{today}T00:35") }),
    )
    .await;
    assert_eq!(booked_today.status(), 201);
    let (client, _) = t.login(&t.admin).await;
    let home = t.html(&client, "/").await;
    assert!(home.contains("Sua agenda hoje") && home.contains("Café com a Ana"), "today on the home page");

    let hours = t
        .client()
        .put(t.url("/api/v1/working-hours"))
        .header("authorization", &admin)
        .json(&json!({ "time_zone": "Mars/Olympus", "opens": "08:00", "closes": "18:00", "days": "12345" }))
        .send()
        .await
        .expect("PUT");
    assert_eq!(hours.status(), 422);
}
web_test!(api_covers_vehicles_interactions_and_the_agenda);

async fn another_branch_reaches_neither_profile_nor_agenda(t: TestApp) {
    let admin = format!("Bearer {}", t.token_for(&t.admin).await);
    let manager_role = t.role(&admin, "account_manager").await["id"].clone();
    let (mut managers, mut branches) = (Vec::new(), Vec::new());
    for (email, branch) in [("centro@c.test", "Centro"), ("norte@c.test", "Norte")] {
        let branch: Value = post_json(&t, &admin, "/api/v1/branches", json!({ "name": branch }))
            .await
            .json()
            .await
            .expect("json");
        let user = t.create_user(email, "member").await;
        let token = format!("Bearer {}", t.token_for(&user).await);
        let me = t.api_get(&token, "/api/v1/me").await;
        let id = me["id"].as_str().expect("id").to_string();
        let response = t
            .client()
            .put(t.url(&format!("/api/v1/users/{id}/access")))
            .header("authorization", &admin)
            .json(&json!({ "branch_id": branch["id"], "role_ids": [manager_role] }))
            .send()
            .await
            .expect("PUT");
        assert_eq!(response.status(), 200);
        branches.push(branch["id"].as_str().expect("branch id").to_string());
        managers.push((user, token, id));
    }
    let (_, norte, norte_id) = &managers[1];
    let created: Value = post_json(&t, norte, "/api/v1/parties", json!({ "full_name": "Cliente Norte" }))
        .await
        .json()
        .await
        .expect("json");
    let party = created["party"]["id"].as_str().expect("id").to_string();
    let vehicle: Value = post_json(
        &t,
        norte,
        &format!("/api/v1/parties/{party}/vehicles"),
        json!({ "plate": "QWE1R23", "model": "Kwid" }),
    )
    .await
    .json()
    .await
    .expect("json");
    let booked: Value = post_json(&t, norte, "/api/v1/appointments", json!({ "title": "Entrega", "party_id": party, "starts_at": "2026-12-01T10:00", "ends_at": "2026-12-01T11:00" })).await.json().await.expect("json");

    let (centro_user, centro, _) = &managers[0];
    let get = |path: String| t.client().get(t.url(&path)).header("authorization", centro).send();
    for path in [
        format!("/api/v1/parties/{party}/vehicles"),
        format!("/api/v1/vehicles/{}", vehicle["id"].as_str().expect("id")),
        format!("/api/v1/parties/{party}/history"),
        format!("/api/v1/parties/{party}/appointments"),
        format!("/api/v1/appointments/{}", booked["appointment"]["id"].as_str().expect("id")),
    ] {
        assert_eq!(get(path.clone()).await.expect("GET").status(), 404, "{path}");
    }
    assert_eq!(
        get(format!("/api/v1/agenda?from=2026-12-01&to=2026-12-02&users={norte_id}"))
            .await
            .expect("GET")
            .status(),
        403
    );
    let (client, _) = t.login(centro_user).await;
    for path in [format!("/customers/{party}"), format!("/vehicles/{}", vehicle["id"].as_str().expect("id"))]
    {
        assert_eq!(client.get(t.url(&path)).send().await.expect("GET").status(), 404, "{path}");
    }
    let agenda =
        client.get(t.url(&format!("/agenda?date=2026-12-01&user={norte_id}"))).send().await.expect("GET");
    assert_eq!(agenda.status(), 403);

    // The administrator, coordinating, opens a whole branch's agendas.
    let (admin_client, _) = t.login(&t.admin).await;
    let page = |path: String| {
        let client = admin_client.clone();
        let url = t.url(&path);
        async move { client.get(url).send().await.expect("GET").text().await.expect("body") }
    };
    let week = page("/agenda?view=week&date=2026-12-01".into()).await;
    assert!(week.contains("Por loja:") && week.contains(">Norte<") && week.contains(">Centro<"));
    let norte = page(format!("/agenda?view=week&date=2026-12-01&branch={}", branches[1])).await;
    assert!(norte.contains("Entrega"), "the branch's agendas");
    let centro = page(format!("/agenda?view=week&date=2026-12-01&branch={}", branches[0])).await;
    assert!(!centro.contains("Entrega"), "only that branch's");
}
web_test!(another_branch_reaches_neither_profile_nor_agenda);

async fn one_occurrence_is_cancelled_from_its_page_and_the_api(t: TestApp) {
    let admin = format!("Bearer {}", t.token_for(&t.admin).await);
    let series = json!({ "title": "Revisão semanal", "starts_at": "2027-03-02T09:00", "ends_at": "2027-03-02T10:00", "repeat": "weekly", "repeat_count": 3 });
    let booked: Value =
        post_json(&t, &admin, "/api/v1/appointments", series).await.json().await.expect("json");
    let id = booked["appointment"]["id"].as_str().expect("id").to_string();
    let (client, token) = t.login(&t.admin).await;
    let page = t.html(&client, &format!("/appointments/{id}")).await;
    assert!(
        page.contains("Próximas ocorrências") && page.contains("09/03/2027 09:00"),
        "the series' occurrences are listed"
    );
    assert_eq!(page.matches("/occurrences/cancel").count(), 3, "each can be cancelled alone");
    assert!(
        page.contains("data-confirm=\"Excluir só a ocorrência de 09/03/2027 09:00"),
        "after a confirmation"
    );

    // São Paulo: 09:00 local is 12:00 UTC.
    let form = [("csrf_token", token.as_str()), ("version", "1"), ("starts_at", "2027-03-09T12:00:00+00:00")];
    let cancelled = t.post_form(&client, &format!("/appointments/{id}/occurrences/cancel"), &form).await;
    assert_eq!(cancelled.status(), 303);
    let page = t.html(&client, &format!("/appointments/{id}")).await;
    assert!(page.contains("Ocorrências excluídas: 09/03/2027 09:00"));
    assert_eq!(page.matches("/occurrences/cancel").count(), 2);

    let path = format!("/api/v1/appointments/{id}/occurrences/cancel");
    let stale =
        post_json(&t, &admin, &path, json!({ "version": 1, "starts_at": "2027-03-16T12:00:00Z" })).await;
    assert_eq!(stale.status(), 409);
    let wrong =
        post_json(&t, &admin, &path, json!({ "version": 2, "starts_at": "2027-03-16T13:00:00Z" })).await;
    assert_eq!(wrong.status(), 422);
    let body: Value = wrong.json().await.expect("json");
    assert!(body.to_string().contains("não é uma ocorrência"), "{body}");
    let done: Value =
        post_json(&t, &admin, &path, json!({ "version": 2, "starts_at": "2027-03-16T12:00:00Z" }))
            .await
            .json()
            .await
            .expect("json");
    assert_eq!(done["cancelled_occurrences"], json!(["2027-03-09T12:00:00Z", "2027-03-16T12:00:00Z"]));
    let agenda = t.api_get(&admin, "/api/v1/agenda?from=2027-03-01&to=2027-04-01").await;
    assert_eq!(agenda.as_array().expect("list").len(), 1, "one occurrence left");
}
web_test!(one_occurrence_is_cancelled_from_its_page_and_the_api);

/// Buttons say what they do: the interaction page goes back to the
/// customer, the vehicle page edits the vehicle, the agenda settings add a
/// nature or a status, and an archived customer offers to restore him.
async fn buttons_say_what_they_do(t: TestApp) {
    let admin = format!("Bearer {}", t.token_for(&t.admin).await);
    let created: Value = post_json(&t, &admin, "/api/v1/parties", json!({ "full_name": "Irene Botões" }))
        .await
        .json()
        .await
        .expect("json");
    let party = created["party"]["id"].as_str().expect("id").to_string();
    let vehicle: Value = post_json(
        &t,
        &admin,
        &format!("/api/v1/parties/{party}/vehicles"),
        json!({ "plate": "RIO2A18", "make": "Fiat", "model": "Argo", "bought_here": true }),
    )
    .await
    .json()
    .await
    .expect("json");
    let opened: Value = post_json(
        &t,
        &admin,
        &format!("/api/v1/parties/{party}/interactions"),
        json!({ "nature": "sale", "channel": "call" }),
    )
    .await
    .json()
    .await
    .expect("json");
    let (client, csrf) = t.login(&t.admin).await;
    let interaction = t.html(&client, &format!("/interactions/{}", opened["id"].as_str().expect("id"))).await;
    assert!(interaction.contains("id=\"interaction-close\">Voltar ao cliente</a>"), "{interaction}");
    let vehicle_id = vehicle["id"].as_str().unwrap_or_else(|| panic!("a vehicle: {vehicle}"));
    let vehicle_page = t.html(&client, &format!("/vehicles/{vehicle_id}")).await;
    assert!(vehicle_page.contains("id=\"vehicle-edit\">Alterar veículo</a>"), "{vehicle_page}");
    let sheet = t.html(&client, &format!("/customers/{party}")).await;
    assert!(sheet.contains("1, comprado aqui"), "one vehicle, bought here");
    let settings = t.html(&client, "/admin/agenda").await;
    assert!(settings.contains("Adicionar natureza") && settings.contains("Adicionar situação"));

    let archived = post_json(
        &t,
        &admin,
        &format!("/api/v1/parties/{party}/archive"),
        json!({ "version": 1, "archived": true }),
    )
    .await;
    assert_eq!(archived.status(), 200);
    let sheet = t.html(&client, &format!("/customers/{party}")).await;
    assert!(
        sheet.contains("id=\"unarchive-party\"") && !sheet.contains("id=\"archive-party\""),
        "an archived customer is restored, not archived again"
    );
    // The version the restore form carries, as the browser sends it.
    let version = sheet
        .split("name=\"version\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the form's version")
        .to_string();
    let restored = t
        .post_form(
            &client,
            &format!("/customers/{party}/archive"),
            &[("csrf_token", csrf.as_str()), ("version", version.as_str()), ("archived", "false")],
        )
        .await;
    let status = restored.status();
    assert_eq!(status, 303, "version {version:?}");
    let back = t.html(&client, &format!("/customers/{party}")).await;
    assert!(back.contains("id=\"archive-party\"") && back.contains("Cadastro reativado."));

    // Every action says what it did, once, and lands on its section.
    let noted = t
        .post_form(
            &client,
            &format!("/customers/{party}/notes"),
            &[("csrf_token", csrf.as_str()), ("body", "Prefere contato à tarde")],
        )
        .await;
    assert_eq!(noted.status(), 303);
    assert_eq!(location(&noted), format!("/customers/{party}#notes"));
    let landed = t.html(&client, &format!("/customers/{party}")).await;
    assert!(landed.contains("class=\"toast\"") && landed.contains("Anotação adicionada."));
    assert!(!t.html(&client, &format!("/customers/{party}")).await.contains("Anotação adicionada."), "once");
    // From htmx, the same answer as a location for htmx to open.
    let version = landed
        .split("name=\"version\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the form's version")
        .to_string();
    let archived = client
        .post(t.url(&format!("/customers/{party}/archive")))
        .header("hx-request", "true")
        .form(&[("csrf_token", csrf.as_str()), ("version", version.as_str()), ("archived", "true")])
        .send()
        .await
        .expect("POST");
    assert_eq!(archived.status(), 204);
    assert_eq!(archived.headers()["hx-location"], "/customers");
    let list = t.html(&client, "/customers").await;
    assert!(list.contains("Cadastro arquivado.") && list.contains("id=\"toast-undo\""), "with an undo");
}
web_test!(buttons_say_what_they_do);

/// The agenda grid's move, as its script sends it: the occurrence and its
/// new local times with the version read. It answers with the agenda and
/// a toast that undoes it; a stale version, reversed times or a made-up
/// occurrence change nothing and say why; the form's clash check names
/// who would be double-booked before anything is saved.
async fn the_grid_moves_an_occurrence_and_refuses_a_stale_one(t: TestApp) {
    let admin = format!("Bearer {}", t.token_for(&t.admin).await);
    let book = |title: &'static str, starts: &'static str, ends: &'static str| {
        let t = &t;
        let admin = &admin;
        async move {
            let body = json!({ "title": title, "starts_at": starts, "ends_at": ends });
            let booked: Value =
                post_json(t, admin, "/api/v1/appointments", body).await.json().await.expect("json");
            booked["appointment"]["id"].as_str().expect("id").to_string()
        }
    };
    let visit = book("Visita Ana", "2027-03-02T09:00", "2027-03-02T10:00").await;
    book("Ligação Bruno", "2027-03-03T12:30", "2027-03-03T13:00").await;
    let (client, token) = t.login(&t.admin).await;
    let back = "/agenda?view=week&date=2027-03-01";
    let send = |version: &'static str, occurrence: &'static str, starts: &'static str, ends: &'static str| {
        client
            .post(t.url(&format!("/appointments/{visit}/move")))
            .form(&[
                ("csrf_token", token.as_str()),
                ("version", version),
                ("occurrence", occurrence),
                ("starts_at", starts),
                ("ends_at", ends),
                ("back", back),
            ])
            .send()
    };
    let starts_at = || {
        let t = &t;
        let admin = &admin;
        let visit = &visit;
        async move { t.api_get(admin, &format!("/api/v1/appointments/{visit}")).await["starts_at"].clone() }
    };

    let moved =
        send("1", "2027-03-02T12:00:00Z", "2027-03-03T11:00", "2027-03-03T12:00").await.expect("POST");
    assert_eq!(moved.status(), 303);
    assert_eq!(location(&moved), back, "back to the agenda it came from");
    let landing = t.html(&client, back).await;
    assert!(landing.contains("Agendamento movido.") && landing.contains("id=\"toast-undo\""), "{landing}");
    assert!(landing.contains("Ligação Bruno"), "{landing}");
    assert_eq!(starts_at().await, "2027-03-03T14:00:00Z", "11:00 in São Paulo");
    assert!(!t.html(&client, back).await.contains("Agendamento movido."), "said once");

    let stale =
        send("1", "2027-03-03T14:00:00Z", "2027-03-04T11:00", "2027-03-04T12:00").await.expect("POST");
    assert_eq!(stale.status(), 303);
    let refused = t.html(&client, back).await;
    assert!(
        refused.contains("não foi movido") && refused.contains("foi alterado por Gerente Teste"),
        "{refused}"
    );
    for (occurrence, starts, ends) in [
        ("2027-03-03T14:00:00Z", "2027-03-04T11:00", "2027-03-04T10:00"),
        ("2027-03-09T14:00:00Z", "2027-03-04T11:00", "2027-03-04T12:00"),
        ("ontem", "2027-03-04T11:00", "2027-03-04T12:00"),
        ("2027-03-03T14:00:00Z", "amanhã", ""),
    ] {
        let bad = send("2", occurrence, starts, ends).await.expect("POST");
        assert_eq!(bad.status(), 303, "{occurrence} {starts} {ends}");
        assert!(t.html(&client, back).await.contains("não foi movido"), "{occurrence} {starts} {ends}");
    }
    assert_eq!(starts_at().await, "2027-03-03T14:00:00Z", "nothing changed");

    // The form's warning, before saving: over Bruno's call, and not over itself.
    let clash = t
        .html(&client, "/appointments/clashes?starts_at=2027-03-03T12:45&ends_at=2027-03-03T13:15&title=x")
        .await;
    assert!(clash.contains("Ligação Bruno") && clash.contains("Gerente Teste"), "{clash}");
    let itself = t
        .html(&client, &format!("/appointments/clashes?starts_at=2027-03-03T11:00&ends_at=2027-03-03T11:30&title=x&except={visit}"))
        .await;
    assert!(itself.trim().is_empty(), "{itself}");
    let unfinished = client.get(t.url("/appointments/clashes?starts_at=amanhã")).send().await.expect("GET");
    assert_eq!(unfinished.status(), 200);
}
web_test!(the_grid_moves_an_occurrence_and_refuses_a_stale_one);
