//! Amounts carry the organisation's currency whoever reads them: a
//! Brazilian customer's R$ 600 is R$ 600 in Portugal too.
use serde_json::{Value, json};
use testkit::{TestApp, web_test};

async fn amounts_follow_the_organisations_currency_not_the_readers_language(t: TestApp) {
    let bearer = format!("Bearer {}", t.token_for(&t.admin).await);
    let organisation = t.api_get(&bearer, "/api/v1/organisation").await;
    assert_eq!(organisation["currency"], "BRL");
    let customer =
        json!({ "kind": "person", "full_name": "Rosa Crédito", "revolving_credit_limit": "600,00" });
    let created = t.api_send(reqwest::Method::POST, &bearer, "/api/v1/parties", customer).await;
    assert_eq!(created.status(), 201);
    let party = created.json::<Value>().await.expect("json")["party"]["id"].as_str().expect("id").to_string();
    let (client, csrf) = t.login(&t.admin).await;
    let sheet = |client: reqwest::Client| {
        let url = t.url(&format!("/customers/{party}?tab=sheet"));
        async move { client.get(url).send().await.expect("GET").text().await.expect("body") }
    };
    assert!(sheet(client.clone()).await.contains("R$ 600,00"));
    let speak = |locale: &'static str| {
        client
            .post(t.url("/preferences/locale"))
            .form(&[("csrf_token", csrf.as_str()), ("locale", locale), ("back", "/")])
            .send()
    };
    speak("pt-PT").await.expect("POST");
    let in_portugal = sheet(client.clone()).await;
    assert!(in_portugal.contains("R$ 600,00") && !in_portugal.contains("600,00 €"), "a real stays a real");

    let refused = t
        .api_send(
            reqwest::Method::PUT,
            &bearer,
            "/api/v1/organisation/currency",
            json!({ "currency": "USD" }),
        )
        .await;
    assert_eq!(refused.status(), 422);
    let changed = t
        .api_send(
            reqwest::Method::PUT,
            &bearer,
            "/api/v1/organisation/currency",
            json!({ "currency": "EUR" }),
        )
        .await;
    assert_eq!(changed.status(), 200);
    assert_eq!(changed.json::<Value>().await.expect("json")["currency"], "EUR");
    assert!(sheet(client.clone()).await.contains("600,00 €"));
    speak("en").await.expect("POST");
    assert!(sheet(client.clone()).await.contains("€600.00"));

    // From the settings page, as an administrator's browser sends it.
    speak("pt-BR").await.expect("POST");
    let settings = t.html(&client, "/admin/registry").await;
    assert!(settings.contains("<option value=\"EUR\" selected>"), "the current currency is chosen");
    let saved = t
        .post_form(&client, "/admin/registry/currency", &[("csrf_token", csrf.as_str()), ("currency", "BRL")])
        .await;
    assert_eq!(saved.status(), 303);
    assert!(t.html(&client, "/admin/registry").await.contains("Moeda salva."));
    assert!(sheet(client.clone()).await.contains("R$ 600,00"));

    // Only administrators choose it.
    let seller = t.create_user("vendedor@concessionaria.test", "member").await;
    let sellers = format!("Bearer {}", t.token_for(&seller).await);
    let forbidden = t
        .api_send(
            reqwest::Method::PUT,
            &sellers,
            "/api/v1/organisation/currency",
            json!({ "currency": "EUR" }),
        )
        .await;
    assert_eq!(forbidden.status(), 403);
}
web_test!(amounts_follow_the_organisations_currency_not_the_readers_language);

/// An organisation in Portugal: the form asks for the NIF first, a district
/// from Portugal's list and a código postal 0000-000; phones without a
/// country are Portuguese. Chosen on the settings page (or the API); what
/// is stored before stays as it was.
async fn a_portuguese_organisation_reads_districts_postal_codes_and_nif(t: TestApp) {
    let bearer = format!("Bearer {}", t.token_for(&t.admin).await);
    assert_eq!(t.api_get(&bearer, "/api/v1/organisation").await["country"], "BR");
    let (client, csrf) = t.login(&t.admin).await;
    let form = t.html(&client, "/customers/new").await;
    assert!(form.contains(">CEP<") && form.contains("<option value=\"SP\""), "Brazil first");

    let refused = t
        .api_send(reqwest::Method::PUT, &bearer, "/api/v1/organisation/country", json!({ "country": "ES" }))
        .await;
    assert_eq!(refused.status(), 422);
    let saved = t
        .post_form(&client, "/admin/registry/country", &[("csrf_token", csrf.as_str()), ("country", "PT")])
        .await;
    assert_eq!(saved.status(), 303);
    let settings = t.html(&client, "/admin/registry").await;
    assert!(settings.contains("País salvo.") && settings.contains("<option value=\"PT\" selected>"));
    assert_eq!(t.api_get(&bearer, "/api/v1/organisation").await["country"], "PT");

    let form = t.html(&client, "/customers/new").await;
    assert!(form.contains("NIF, ou CPF / CNPJ") && form.contains(">Distrito<"), "NIF first");
    assert!(form.contains("<option value=\"Évora\"") && !form.contains("<option value=\"SP\""), "districts");
    let post = |fields: Vec<(&'static str, &'static str)>| {
        let mut form = vec![("csrf_token", csrf.as_str()), ("kind", "person"), ("lifecycle", "customer")];
        form.extend(fields);
        client.post(t.url("/customers")).form(&form).send()
    };
    let wrong = post(vec![("full_name", "Inês Marques"), ("postal_code", "01310-100"), ("state", "SP")])
        .await
        .expect("POST");
    assert_eq!(wrong.status(), 422);
    let body = wrong.text().await.expect("body");
    assert!(body.contains("Código postal inválido") && body.contains("Distrito inválido"), "{body}");
    let created = post(vec![
        ("full_name", "Inês Marques"),
        ("document", "501964843"),
        ("postal_code", "1000-001"),
        ("city", "Lisboa"),
        ("state", "Lisboa"),
        ("phone1", "912 345 678"),
    ])
    .await
    .expect("POST");
    assert_eq!(created.status(), 303, "{}", created.text().await.unwrap_or_default());
    let found = t.api_get(&bearer, "/api/v1/parties?q=Inês").await;
    assert_eq!(found["items"][0]["phone"], "+351 912 345 678", "a Portuguese number");
    let id = found["items"][0]["id"].as_str().expect("id");
    let party = t.api_get(&bearer, &format!("/api/v1/parties/{id}")).await;
    let text = party.to_string();
    for expected in ["\"country\":\"PT\"", "\"postal_code\":\"1000-001\"", "\"state\":\"Lisboa\"", "nif"] {
        assert!(text.contains(expected), "{expected} in {text}");
    }
    let list = t.html(&client, "/customers?state=Lisboa").await;
    assert!(list.contains("<label for=\"f-state\">Distrito</label>"), "the filter names the district");
    assert!(list.contains("id=\"column-state\" checked> Distrito</label>"), "the column too");
    assert!(list.contains("Inês Marques"), "{list}");
}
web_test!(a_portuguese_organisation_reads_districts_postal_codes_and_nif);
