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
    let manager_role = t.role(&admin, "account_manager").await["id"].clone();

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

    let (browser, csrf) = t.login(manager).await;
    let page = browser.get(t.url("/customers")).send().await.expect("GET").text().await.expect("html");
    assert!(
        page.contains("Cliente Proprio")
            && page.contains("Cliente Colega")
            && !page.contains("Cliente Norte")
    );
    let sheet = browser.get(t.url(&format!("/customers/{}", parties[2]))).send().await.expect("GET");
    assert_eq!(sheet.status(), 404);
    let colleagues = browser.get(t.url(&format!("/customers/{}", parties[1]))).send().await.expect("GET");
    let html = colleagues.text().await.expect("html");
    assert!(html.contains("Cliente Colega") && !html.contains("id=\"edit-party\""), "read-only sheet");
    let own = browser.get(t.url(&format!("/customers/{}", parties[0]))).send().await.expect("GET");
    assert!(own.text().await.expect("html").contains("id=\"edit-party\""), "his own may be edited");

    // A document already registered in another branch is refused without
    // saying whose it is, through the API and through the form.
    let document = "529.982.247-25";
    let norte_owner = &ids[2].2;
    let first = post(
        "/api/v1/parties",
        json!({ "full_name": "Cliente Documento Norte", "document": document, "seller_id": norte_owner }),
    )
    .await
    .expect("POST");
    assert_eq!(first.status(), 201);
    let again = client
        .post(t.url("/api/v1/parties"))
        .header("authorization", token)
        .json(&json!({ "full_name": "Outro Nome", "document": document }))
        .send()
        .await
        .expect("POST");
    assert_eq!(again.status(), 409);
    let body: Value = again.json().await.expect("json");
    assert_eq!(body["error"]["code"], "duplicate");
    assert!(
        body["error"]["existing_id"].is_null() && !body.to_string().contains("Documento Norte"),
        "{body}"
    );
    let form = t
        .post_form(
            &browser,
            "/customers",
            &[
                ("csrf_token", csrf.as_str()),
                ("kind", "person"),
                ("lifecycle", "customer"),
                ("full_name", "Outro Nome"),
                ("document", document),
            ],
        )
        .await;
    assert_eq!(form.status(), 409);
    let html = form.text().await.expect("html");
    assert!(html.contains("cadastrado num cliente de outra carteira") && !html.contains("Documento Norte"));
}
web_test!(api_and_pages_show_a_manager_only_his_branch);

/// The id of the user with this e-mail, as the API lists users.
async fn user_id(t: &TestApp, admin: &str, email: &str) -> String {
    let users = t.api_get(admin, "/api/v1/users").await;
    let user = users.as_array().expect("users").iter().find(|u| u["email"] == email).expect("user listed");
    user["id"].as_str().expect("id").to_string()
}

async fn access_page_manages_branches_roles_users_and_view_as(t: TestApp) {
    let admin_token = format!("Bearer {}", t.token_for(&t.admin).await);
    let manager = t.create_user("gestor@c.test", "member").await;
    let colleague = t.create_user("colega@c.test", "member").await;
    let manager_id = user_id(&t, &admin_token, &manager.email).await;
    let colleague_id = user_id(&t, &admin_token, &colleague.email).await;
    let (browser, csrf) = t.login(&t.admin).await;
    let post = |path: String, form: Vec<(&'static str, String)>| {
        let mut form = form;
        form.push(("csrf_token", csrf.clone()));
        browser.post(t.url(&path)).form(&form).send()
    };

    // One tab per part; each form returns to its tab.
    let page = browser.get(t.url("/admin/access")).send().await.expect("GET").text().await.expect("html");
    assert!(
        page.contains("Gestor de conta / vendedor") && page.contains("id=\"tab-users\" aria-current"),
        "{page}"
    );
    let page = browser
        .get(t.url("/admin/access?tab=branches"))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("html");
    assert!(page.contains("Nenhuma agência ainda") && !page.contains("id=\"access-users\""), "{page}");

    // A branch without a name is refused with the field's message; nothing is created.
    let refused = post("/admin/access/branches".into(), vec![("name", "  ".into())]).await.expect("POST");
    assert_eq!(refused.status(), 422);
    assert!(refused.text().await.expect("html").contains("Preencha este campo."));
    let created =
        post("/admin/access/branches".into(), vec![("name", "Centro".into()), ("company", "Grupo".into())])
            .await
            .expect("POST");
    assert_eq!(created.status(), 303);
    let branches = t.api_get(&admin_token, "/api/v1/branches").await;
    assert_eq!(branches.as_array().expect("branches").len(), 1);
    let centro = branches[0]["id"].as_str().expect("id").to_string();

    // The account manager's role: an unknown permission changes nothing;
    // narrowing reading to his own portfolio is saved.
    let role = t.role(&admin_token, "account_manager").await;
    let role_path = format!("/admin/access/roles/{}", role["id"].as_str().expect("id"));
    let version = role["version"].to_string();
    let bad = vec![
        ("version", version.clone()),
        ("read_level", "own".into()),
        ("write_level", "own".into()),
        ("permission", "voar".into()),
    ];
    let response = post(role_path.clone(), bad).await.expect("POST");
    assert_eq!(response.status(), 422);
    assert!(response.text().await.expect("html").contains("Permissão desconhecida."));
    let unchanged = t.api_get(&admin_token, "/api/v1/roles").await;
    assert!(
        unchanged
            .as_array()
            .expect("roles")
            .iter()
            .any(|r| r["id"] == role["id"] && r["read_level"] == "branch")
    );
    let good = vec![
        ("version", version),
        ("read_level", "own".into()),
        ("write_level", "own".into()),
        ("permission", "parties.read".into()),
        ("permission", "parties.edit".into()),
    ];
    assert_eq!(post(role_path, good).await.expect("POST").status(), 303);

    // A new role starts narrow; its name must be new.
    let added =
        post("/admin/access/roles".into(), vec![("name", "Gerente Regional".into())]).await.expect("POST");
    assert_eq!(added.status(), 303);
    let again =
        post("/admin/access/roles".into(), vec![("name", " gerente  regional ".into())]).await.expect("POST");
    assert_eq!(again.status(), 422);
    assert!(again.text().await.expect("html").contains("Já existe um perfil com este nome."));
    let regional = t.role_where(&admin_token, "name", "Gerente Regional").await;
    assert_eq!(
        (regional["read_level"].as_str(), regional["permissions"].to_string()),
        (Some("own"), "[\"parties.read\"]".into())
    );

    for id in [&manager_id, &colleague_id] {
        let form =
            vec![("branch_id", centro.clone()), ("role", role["id"].as_str().expect("id").to_string())];
        assert_eq!(post(format!("/admin/access/users/{id}"), form).await.expect("POST").status(), 303);
    }
    for (name, owner) in [("Cliente Do Gestor", &manager_id), ("Cliente Da Colega", &colleague_id)] {
        let response = browser
            .post(t.url("/api/v1/parties"))
            .header("authorization", &admin_token)
            .json(&json!({ "full_name": name, "seller_id": owner }))
            .send()
            .await
            .expect("POST");
        assert_eq!(response.status(), 201);
    }

    // The portfolio moves from the colleague to the manager, counted.
    let moved = post(
        "/admin/access/transfer".into(),
        vec![("from", colleague_id.clone()), ("to", manager_id.clone())],
    )
    .await
    .expect("POST");
    assert_eq!(moved.headers()["location"], "/admin/access?tab=portfolios&moved=1");
    let back = post("/admin/access/transfer".into(), vec![("from", manager_id.clone()), ("to", "x".into())])
        .await
        .expect("POST");
    assert_eq!(back.status(), 422, "a bad target changes nothing");
    let page =
        browser.get(t.url("/admin/access?moved=1")).send().await.expect("GET").text().await.expect("html");
    assert!(page.contains("1 cliente transferido."));

    // View as the colleague, whose portfolio is now empty: read-only, audited, undone by one button.
    let start = post(format!("/admin/access/users/{colleague_id}/view-as"), vec![]).await.expect("POST");
    assert_eq!(start.status(), 303);
    let list = browser.get(t.url("/customers")).send().await.expect("GET").text().await.expect("html");
    assert!(list.contains("id=\"view-as-banner\"") && list.contains("Usuário colega@c.test"), "banner");
    assert!(
        !list.contains("Cliente Do Gestor") && !list.contains("Cliente Da Colega"),
        "his view: none of them"
    );
    assert!(!list.contains("id=\"new-customer\""), "read-only: no create button");
    assert_eq!(browser.get(t.url("/admin/access")).send().await.expect("GET").status(), 403);
    let stop = post("/view-as/stop".into(), vec![]).await.expect("POST");
    assert_eq!(stop.status(), 303);
    let list = browser.get(t.url("/customers")).send().await.expect("GET").text().await.expect("html");
    assert!(!list.contains("view-as-banner") && list.contains("Cliente Do Gestor"));
    let audit = t.api_get(&admin_token, "/api/v1/audit").await;
    assert!(audit["items"].as_array().expect("items").iter().any(|e| e["action"] == "view_as"), "audited");
}
web_test!(access_page_manages_branches_roles_users_and_view_as);
