//! The prospects' board through HTTP: the page as the browser asks for it,
//! a card's move form as the browser posts it (Post/Redirect/Get, a toast
//! with "desfazer", nothing again on a reload), a refusal said in words,
//! and the API's board and versioned move.
use serde_json::{Value, json};
use testkit::{TestApp, web_test};

/// A prospect in negotiation the administrator sells to; its id.
async fn prospect(t: &TestApp, bearer: &str, name: &str, lifecycle: &str) -> String {
    let body = json!({ "kind": "company", "full_name": name, "lifecycle": lifecycle });
    let created = t.api_send(reqwest::Method::POST, bearer, "/api/v1/parties", body).await;
    assert_eq!(created.status(), 201);
    created.json::<Value>().await.expect("json")["party"]["id"].as_str().expect("id").to_string()
}

/// The stage whose column holds the card, read from the board's HTML.
fn column_of(page: &str, id: &str) -> String {
    let at = page.find(&format!("data-card data-id=\"{id}\"")).expect("the card is on the board");
    let before = &page[..at];
    let column = before.rfind("<section class=\"board-column\" data-stage=\"").expect("in a column");
    let rest = &before[column + "<section class=\"board-column\" data-stage=\"".len()..];
    rest[..rest.find('"').expect("quoted")].to_string()
}

async fn a_card_moves_by_its_form_and_back_with_undo(t: TestApp) {
    let bearer = format!("Bearer {}", t.token_for(&t.admin).await);
    let id = prospect(&t, &bearer, "Transportes Lima", "prospect").await;
    let customer = prospect(&t, &bearer, "Cliente Antigo", "customer").await;
    let (client, csrf) = t.login(&t.admin).await;

    // The board as first opened (my prospects: none sold by me yet) and as
    // its filter form sends it.
    for path in ["/pipeline", "/pipeline?scope=mine"] {
        let page = t.html(&client, path).await;
        assert!(page.contains("Nenhum prospect em negociação") && !page.contains(&id), "{path}");
    }
    let page = t.html(&client, "/pipeline?scope=team").await;
    assert_eq!(column_of(&page, &id), "first_contact");
    assert!(page.contains("Primeiro contato") && page.contains("Fechamento"));
    assert!(!page.contains(&customer), "a customer is not on the board");
    let hand_edited = client.get(t.url("/pipeline?scope=everyone")).send().await.expect("GET");
    assert_eq!(hand_edited.status(), 200);
    assert!(hand_edited.text().await.expect("body").contains("id=\"pipeline-error\""));

    // The card's form as the browser posts it.
    let back = "/pipeline?scope=team";
    let form = [
        ("csrf_token", csrf.as_str()),
        ("version", "1"),
        ("from", "first_contact"),
        ("back", back),
        ("stage", "proposal"),
    ];
    let moved = client.post(t.url(&format!("/pipeline/{id}/stage"))).form(&form).send().await.expect("POST");
    assert_eq!(moved.status(), 303, "Post/Redirect/Get");
    assert_eq!(moved.headers()["location"], back);
    let landed = t.html(&client, back).await;
    assert_eq!(column_of(&landed, &id), "proposal");
    assert!(
        landed.contains("Negociação movida de etapa.") && landed.contains("id=\"toast-undo\""),
        "{landed}"
    );
    let reloaded = t.html(&client, back).await;
    assert!(!reloaded.contains("Negociação movida de etapa."), "the toast is shown once");

    // The same post again: stale, nothing moves, the board says why.
    let again = client.post(t.url(&format!("/pipeline/{id}/stage"))).form(&form).send().await.expect("POST");
    assert_eq!(again.status(), 303);
    let refused = t.html(&client, back).await;
    assert!(refused.contains("A negociação não foi movida.") && refused.contains("id=\"move-refused\""));
    assert_eq!(column_of(&refused, &id), "proposal");
    // A stage the form never offers, and no version: words, not an error page.
    let odd = [("csrf_token", csrf.as_str()), ("version", ""), ("back", back), ("stage", "won")];
    let odd = client.post(t.url(&format!("/pipeline/{id}/stage"))).form(&odd).send().await.expect("POST");
    assert_eq!(odd.status(), 303);
    assert!(t.html(&client, back).await.contains("Escolha uma etapa da negociação."));

    // "Desfazer" posts the stage it left at the new version.
    let undo = [
        ("csrf_token", csrf.as_str()),
        ("version", "2"),
        ("from", "proposal"),
        ("back", back),
        ("stage", "first_contact"),
    ];
    let undone = client.post(t.url(&format!("/pipeline/{id}/stage"))).form(&undo).send().await.expect("POST");
    assert_eq!(undone.status(), 303);
    assert_eq!(column_of(&t.html(&client, back).await, &id), "first_contact");

    // The prospect's page says where the negotiation stands; a customer's has none.
    let summary = t.html(&client, &format!("/customers/{id}")).await;
    assert!(summary.contains("id=\"party-negotiation\">Negociação: Primeiro contato</a>"), "{summary}");
    let of_customer = t.html(&client, &format!("/customers/{customer}")).await;
    assert!(!of_customer.contains("party-negotiation"));
    // The history of the customer tells the moves in words.
    let profile = t.html(&client, &format!("/customers/{id}?tab=history")).await;
    assert!(profile.contains("Negociação na etapa Proposta"), "{profile}");
}

web_test!(a_card_moves_by_its_form_and_back_with_undo);

async fn the_api_reads_the_board_and_moves_at_a_version(t: TestApp) {
    let bearer = format!("Bearer {}", t.token_for(&t.admin).await);
    let id = prospect(&t, &bearer, "Padaria Sol", "prospect").await;
    let customer = prospect(&t, &bearer, "Cliente Antigo", "customer").await;
    let board = t.api_get(&bearer, "/api/v1/pipeline?scope=team").await;
    let stages: Vec<&str> =
        board.as_array().expect("columns").iter().map(|c| c["stage"].as_str().expect("stage")).collect();
    assert_eq!(stages, ["first_contact", "qualified", "proposal", "negotiation", "closing"]);
    assert_eq!(board[0]["total"], 1);
    assert_eq!(board[0]["prospects"][0]["id"], id.as_str());

    let path = format!("/api/v1/parties/{id}/negotiation-stage");
    let moved = t
        .api_send(reqwest::Method::PUT, &bearer, &path, json!({ "stage": "negotiation", "version": 1 }))
        .await;
    assert_eq!(moved.status(), 200);
    let moved: Value = moved.json().await.expect("json");
    assert_eq!((moved["stage"].as_str(), moved["version"].as_i64()), (Some("negotiation"), Some(2)));
    let stale =
        t.api_send(reqwest::Method::PUT, &bearer, &path, json!({ "stage": "closing", "version": 1 })).await;
    assert_eq!(stale.status(), 409);
    let odd = t.api_send(reqwest::Method::PUT, &bearer, &path, json!({ "stage": "won", "version": 2 })).await;
    assert_eq!(odd.status(), 422);
    let of_customer = format!("/api/v1/parties/{customer}/negotiation-stage");
    let refused = t
        .api_send(reqwest::Method::PUT, &bearer, &of_customer, json!({ "stage": "closing", "version": 1 }))
        .await;
    assert_eq!(refused.status(), 422);
    let board = t.api_get(&bearer, "/api/v1/pipeline?scope=team").await;
    assert_eq!(board[3]["prospects"][0]["id"], id.as_str());
}

web_test!(the_api_reads_the_board_and_moves_at_a_version);
