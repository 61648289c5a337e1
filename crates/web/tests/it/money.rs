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
    let saved = client
        .post(t.url("/admin/registry/currency"))
        .form(&[("csrf_token", csrf.as_str()), ("currency", "BRL")])
        .send()
        .await
        .expect("POST");
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
