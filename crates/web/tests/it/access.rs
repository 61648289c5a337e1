//! Row-level access through the API and the pages: a manager's token and
//! session see his branch's parties only; another branch's party answers
//! 404 without its data; a colleague's party may be read, not changed.
use serde_json::{Value, json};
use testkit::{TestApp, web_test};

async fn api_and_pages_show_a_manager_only_his_branch(t: TestApp) {
    let client = t.client();
    let admin = format!("Bearer {}", t.token_for(&t.admin).await);
    let post =
        |path: &str, body: Value| client.post(t.url(path)).header("authorization", &admin).json(&body).send();
    let branch = |name: &str| post("/api/v1/branches", json!({ "name": name, "company": "Grupo" }));
    let centro: Value = branch("Centro").await.expect("POST").json().await.expect("json");
    let norte: Value = branch("Norte").await.expect("POST").json().await.expect("json");
    let roles = t.api_get(&admin, "/api/v1/roles").await;
    let manager_role =
        roles.as_array().expect("roles").iter().find(|r| r["key"] == "account_manager").expect("role")["id"]
            .clone();

    let mut ids = Vec::new();
    for (email, branch) in [("gestor@c.test", &centro), ("colega@c.test", &centro), ("norte@c.test", &norte)]
    {
        let user = t.create_user(email, "member").await;
        let token = format!("Bearer {}", t.token_for(&user).await);
        let me = t.api_get(&token, "/api/v1/me").await;
        let response = client
            .put(t.url(&format!("/api/v1/users/{}/access", me["id"].as_str().expect("id"))))
            .header("authorization", &admin)
            .json(&json!({ "branch_id": branch["id"], "role_ids": [manager_role] }))
            .send()
            .await
            .expect("PUT");
        assert_eq!(response.status(), 200);
        ids.push((user, token, me["id"].as_str().expect("id").to_string()));
    }
    let mut parties = Vec::new();
    for (name, owner) in
        [("Cliente Proprio", &ids[0].2), ("Cliente Colega", &ids[1].2), ("Cliente Norte", &ids[2].2)]
    {
        let created: Value = post("/api/v1/parties", json!({ "full_name": name, "seller_id": owner }))
            .await
            .expect("POST")
            .json()
            .await
            .expect("json");
        parties.push(created["party"]["id"].as_str().expect("party id").to_string());
    }
    let (manager, token, _) = &ids[0];
    let get = |path: String| client.get(t.url(&path)).header("authorization", token).send();

    let list = t.api_get(token, "/api/v1/parties").await;
    let names: Vec<&str> =
        list["items"].as_array().expect("items").iter().filter_map(|p| p["full_name"].as_str()).collect();
    assert_eq!(names, ["Cliente Colega", "Cliente Proprio"], "the branch's parties only");
    let found = t.api_get(token, "/api/v1/parties/search?q=cliente").await;
    assert_eq!(found.as_array().expect("found").len(), 2, "search: {found}");

    let hidden = get(format!("/api/v1/parties/{}", parties[2])).await.expect("GET");
    assert_eq!(hidden.status(), 404);
    assert!(!hidden.text().await.expect("body").contains("Norte"), "no data of the hidden record");
    assert_eq!(get(format!("/api/v1/parties/{}", parties[1])).await.expect("GET").status(), 200);
    let consent = |id: &String| {
        client
            .post(t.url(&format!("/api/v1/parties/{id}/consents")))
            .header("authorization", token)
            .json(&json!({ "channel": "email", "granted": true, "source": "telefone" }))
            .send()
    };
    assert_eq!(consent(&parties[1]).await.expect("POST").status(), 403, "a colleague's party is read-only");
    assert_eq!(consent(&parties[0]).await.expect("POST").status(), 200, "his own may change");
    assert_eq!(get("/api/v1/parties/export.csv".into()).await.expect("GET").status(), 403, "no export right");

    let (browser, _) = t.login(manager).await;
    let page = browser.get(t.url("/customers")).send().await.expect("GET").text().await.expect("html");
    assert!(
        page.contains("Cliente Proprio")
            && page.contains("Cliente Colega")
            && !page.contains("Cliente Norte")
    );
    let sheet = browser.get(t.url(&format!("/customers/{}", parties[2]))).send().await.expect("GET");
    assert_eq!(sheet.status(), 404);
}
web_test!(api_and_pages_show_a_manager_only_his_branch);
