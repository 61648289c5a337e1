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
    let moved = t.post_form(&client, &format!("/pipeline/{id}/stage"), &form).await;
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
    let again = t.post_form(&client, &format!("/pipeline/{id}/stage"), &form).await;
    assert_eq!(again.status(), 303);
    let refused = t.html(&client, back).await;
    assert!(refused.contains("A negociação não foi movida.") && refused.contains("id=\"move-refused\""));
    assert_eq!(column_of(&refused, &id), "proposal");
    // A stage the form never offers, and no version: words, not an error page.
    let odd = [("csrf_token", csrf.as_str()), ("version", ""), ("back", back), ("stage", "won")];
    let odd = t.post_form(&client, &format!("/pipeline/{id}/stage"), &odd).await;
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
    let undone = t.post_form(&client, &format!("/pipeline/{id}/stage"), &undo).await;
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

async fn an_administrator_names_the_stages(t: TestApp) {
    let bearer = format!("Bearer {}", t.token_for(&t.admin).await);
    let id = prospect(&t, &bearer, "Auto Peças Sul", "prospect").await;
    let (client, csrf) = t.login(&t.admin).await;
    let back = "/pipeline?scope=team";
    let page = t.html(&client, back).await;
    assert!(page.contains("id=\"stage-names-menu\""), "{page}");
    assert!(
        page.contains(
            "id=\"stage-name-qualified\" name=\"qualified\" value=\"\" placeholder=\"Qualificação\""
        )
    );

    // The form as the browser posts it: every field, most left blank.
    let mut form = vec![("csrf_token", csrf.as_str()), ("back", back)];
    form.extend([
        ("first_contact", ""),
        ("qualified", " Test drive "),
        ("proposal", ""),
        ("negotiation", ""),
        ("closing", "Entrega"),
    ]);
    let saved = t.post_form(&client, "/pipeline/stages", &form).await;
    assert_eq!(saved.status(), 303, "Post/Redirect/Get");
    assert_eq!(saved.headers()["location"], back);
    let landed = t.html(&client, back).await;
    assert!(landed.contains("Nomes das etapas salvos."), "{landed}");
    assert!(landed.contains("id=\"stage-qualified-title\">Test drive <span"), "the column's name: {landed}");
    assert!(landed.contains("<option value=\"closing\" >Entrega</option>"), "the cards' forms: {landed}");
    assert!(landed.contains("id=\"stage-name-qualified\" name=\"qualified\" value=\"Test drive\""));
    assert!(!t.html(&client, back).await.contains("Nomes das etapas salvos."), "the flash is shown once");

    // A name too long: the board again, the form open with what was typed.
    let long = "x".repeat(41);
    let mut refused = form.clone();
    refused[2] = ("first_contact", long.as_str());
    let answer = t.post_form(&client, "/pipeline/stages", &refused).await;
    assert_eq!(answer.status(), 422);
    let body = answer.text().await.expect("body");
    assert!(
        body.contains("Os nomes não foram salvos.") && body.contains("Use no máximo 40 caracteres."),
        "{body}"
    );
    assert!(body.contains("id=\"stage-names-menu\" open") && body.contains(&format!("value=\"{long}\"")));
    assert!(
        t.html(&client, back).await.contains("id=\"stage-qualified-title\">Test drive <span"),
        "unchanged"
    );

    // A move into a named stage: its name in the history and on the badge.
    let step = [("csrf_token", csrf.as_str()), ("version", "1"), ("from", "first_contact"), ("back", back)];
    let mut moved = step.to_vec();
    moved.push(("stage", "qualified"));
    t.post_form(&client, &format!("/pipeline/{id}/stage"), &moved).await;
    let sheet = t.html(&client, &format!("/customers/{id}?tab=history")).await;
    assert!(sheet.contains("Negociação na etapa: Test drive"), "{sheet}");
    assert!(sheet.contains("Negociação: Test drive"), "the badge: {sheet}");
    let audit = t.html(&client, "/admin/audit").await;
    assert!(audit.contains("Etapas do funil") && audit.contains("Qualificação"), "in the audit: {audit}");
    assert!(audit.contains("Etapa da negociação"), "the move in words: {audit}");

    // A member sees the names, not the form; the API refuses him the change.
    let member = t.create_user("vendedor@c.test", "member").await;
    let (member_client, _) = t.login(&member).await;
    let board = t.html(&member_client, back).await;
    assert!(!board.contains("id=\"stage-names-menu\""));
    let member_bearer = format!("Bearer {}", t.token_for(&member).await);
    let body = json!([{ "stage": "proposal", "name": "Orçamento" }]);
    let put = t.api_send(reqwest::Method::PUT, &member_bearer, "/api/v1/pipeline/stages", body).await;
    assert_eq!(put.status(), 403);

    // Through the API: every stage with its name, null for the standard.
    let names = t.api_get(&bearer, "/api/v1/pipeline/stages").await;
    assert_eq!(names[1], json!({ "stage": "qualified", "name": "Test drive" }));
    assert_eq!(names[0], json!({ "stage": "first_contact", "name": null }));
    let body = json!([{ "stage": "proposal", "name": "Orçamento" }, { "stage": "closing" }]);
    let put = t.api_send(reqwest::Method::PUT, &bearer, "/api/v1/pipeline/stages", body).await;
    assert_eq!(put.status(), 200);
    let names = put.json::<Value>().await.expect("json");
    assert_eq!(names[2]["name"], "Orçamento");
    assert_eq!(names[1]["name"], Value::Null, "left out: the standard name");
    let body = json!([{ "stage": "proposal", "name": "x".repeat(41) }]);
    let put = t.api_send(reqwest::Method::PUT, &bearer, "/api/v1/pipeline/stages", body).await;
    assert_eq!(put.status(), 422);
    let board = t.api_get(&bearer, "/api/v1/pipeline?scope=team").await;
    assert_eq!(board[2]["name"], "Orçamento");
}
web_test!(an_administrator_names_the_stages);
