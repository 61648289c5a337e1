use testkit::{TestApp, web_test};

fn session_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("vinculo_session=") && !c.starts_with("vinculo_session=;"))
        .map(str::to_string)
}

/// The login form, sent as the admin with `password`.
async fn send_login(t: &TestApp, client: &reqwest::Client, token: &str, password: &str) -> reqwest::Response {
    let form = [("csrf_token", token), ("email", t.admin.email.as_str()), ("password", password)];
    t.post_form(client, "/login", &form).await
}

async fn wrong_password_shows_a_message_and_opens_no_session(t: TestApp) {
    let client = t.client();
    let token = t.csrf_token(&client).await;
    let response = send_login(&t, &client, &token, "senha-errada!").await;
    assert_eq!(response.status(), 401);
    assert!(session_cookie(&response).is_none());
    let body = response.text().await.expect("body");
    assert!(body.contains("E-mail ou senha incorretos."), "{body}");
    assert!(body.contains(&t.admin.email), "the e-mail stays in the form");
    let home = client.get(t.url("/")).send().await.expect("GET /");
    assert_eq!(home.status(), 303);
    assert_eq!(home.headers()["location"], "/login");
}
web_test!(wrong_password_shows_a_message_and_opens_no_session);

async fn sixth_guess_in_a_row_waits_with_429(t: TestApp) {
    let client = t.client();
    let token = t.csrf_token(&client).await;
    for attempt in 1..=6 {
        let response = send_login(&t, &client, &token, "chute-errado").await;
        if attempt <= 5 {
            assert_eq!(response.status(), 401, "attempt {attempt}");
        } else {
            assert_eq!(response.status(), 429, "attempt {attempt}");
            assert!(response.headers().contains_key("retry-after"));
            let body = response.text().await.expect("body");
            assert!(body.contains("Muitas tentativas sem sucesso"), "{body}");
        }
    }
}
web_test!(sixth_guess_in_a_row_waits_with_429);

async fn login_sets_a_safe_cookie_and_logout_kills_it(t: TestApp) {
    let client = t.client();
    let token = t.csrf_token(&client).await;
    let response = send_login(&t, &client, &token, &t.admin.password).await;
    assert_eq!(response.status(), 303);
    let cookie = session_cookie(&response).expect("a session cookie");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(!cookie.contains("Secure"), "plain http test server");
    let value = cookie.split(';').next().expect("pair").to_string();

    let home = client.get(t.url("/")).send().await.expect("GET /");
    assert_eq!(home.status(), 200);
    assert!(home.text().await.expect("body").contains(&t.admin.name));

    let logout = t.post_form(&client, "/logout", &[("csrf_token", token.as_str())]).await;
    assert_eq!(logout.status(), 303);

    // The old cookie, replayed by someone who copied it, no longer works.
    let replay = t.client().get(t.url("/")).header("cookie", &value).send().await.expect("GET /");
    assert_eq!(replay.status(), 303);
    assert!(replay.headers()["location"].to_str().expect("location").starts_with("/login"));
}
web_test!(login_sets_a_safe_cookie_and_logout_kills_it);

async fn pages_need_a_session_and_admin_pages_an_admin(t: TestApp) {
    for path in ["/", "/admin/users", "/admin/audit", "/account/tokens"] {
        let response = t.client().get(t.url(path)).send().await.expect("GET");
        assert_eq!(response.status(), 303, "{path}");
    }
    let member = t.create_user("vendedora@concessionaria.test", "member").await;
    let (client, _) = t.login(&member).await;
    assert_eq!(client.get(t.url("/")).send().await.expect("GET").status(), 200);
    assert_eq!(client.get(t.url("/account/tokens")).send().await.expect("GET").status(), 200);
    for path in ["/admin/users", "/admin/audit"] {
        let response = client.get(t.url(path)).send().await.expect("GET");
        assert_eq!(response.status(), 403, "{path}");
    }
}
web_test!(pages_need_a_session_and_admin_pages_an_admin);

async fn admin_creates_a_user_with_field_messages_first(t: TestApp) {
    let bearer = format!("Bearer {}", t.token_for(&t.admin).await);
    let branch = t
        .api_send(
            reqwest::Method::POST,
            &bearer,
            "/api/v1/branches",
            serde_json::json!({ "name": "Filial Centro" }),
        )
        .await
        .json::<serde_json::Value>()
        .await
        .expect("json")["id"]
        .as_str()
        .expect("branch")
        .to_string();
    let manager = t.role(&bearer, "account_manager").await["id"].as_str().expect("id").to_string();
    let supervisor = t.role(&bearer, "supervisor").await["id"].as_str().expect("id").to_string();
    let (client, token) = t.login(&t.admin).await;
    // The form starts with the account manager's role ticked, as most users are.
    let page = t.html(&client, "/admin/users").await;
    assert!(page.contains(&format!("value=\"{manager}\" checked")), "account manager by default");
    assert!(page.contains("Filial Centro"), "the branches offered");
    let post = |fields: Vec<(&'static str, String)>| {
        let mut form = vec![("csrf_token", token.clone())];
        form.extend(fields);
        client.post(t.url("/admin/users")).form(&form).send()
    };
    let bad = post(vec![
        ("email", "errado".into()),
        ("display_name", "Nova Pessoa".into()),
        ("password", "123".into()),
        ("role_ids", manager.clone()),
        ("branch_id", String::new()),
        ("locale", "pt-BR".into()),
    ])
    .await
    .expect("POST");
    assert_eq!(bad.status(), 422);
    let body = bad.text().await.expect("body");
    assert!(body.contains("Informe um e-mail válido"), "{body}");
    assert!(body.contains("A senha precisa de pelo menos 10 caracteres."));
    assert!(body.contains("value=\"Nova Pessoa\""), "typed values stay");
    let no_role = post(vec![
        ("email", "nova@concessionaria.test".into()),
        ("display_name", "Nova Pessoa".into()),
        ("password", "senha-boa-demais".into()),
        ("branch_id", branch.clone()),
        ("locale", "en".into()),
    ])
    .await
    .expect("POST");
    assert_eq!(no_role.status(), 422);
    assert!(no_role.text().await.expect("body").contains("Escolha pelo menos um papel."));
    let made_up = post(vec![
        ("email", "nova@concessionaria.test".into()),
        ("display_name", "Nova Pessoa".into()),
        ("password", "senha-boa-demais".into()),
        ("role_ids", uuid::Uuid::now_v7().to_string()),
        ("branch_id", branch.clone()),
        ("locale", "en".into()),
    ])
    .await
    .expect("POST");
    assert_eq!(made_up.status(), 422, "an unknown role changes nothing");
    // A coordinator of the Centro branch, in one step.
    let good = post(vec![
        ("email", "nova@concessionaria.test".into()),
        ("display_name", "Nova Pessoa".into()),
        ("password", "senha-boa-demais".into()),
        ("role_ids", supervisor.clone()),
        ("branch_id", branch.clone()),
        ("locale", "en".into()),
    ])
    .await
    .expect("POST");
    assert_eq!(good.status(), 303);
    // Usuários names roles as Acesso does, not the old member/admin pair.
    let users = t.html(&client, "/admin/users").await;
    let row = users.split("nova@concessionaria.test").nth(1).unwrap_or_default();
    assert!(row.contains("Coordenador / supervisor"), "the access role: {row}");
    assert!(!users.contains(">Membro<"), "no legacy role left on the page");
    let access = t.api_get(&bearer, "/api/v1/users").await;
    let new_id = access
        .as_array()
        .expect("users")
        .iter()
        .find(|u| u["email"] == "nova@concessionaria.test")
        .expect("user")["id"]
        .as_str()
        .expect("id")
        .to_string();
    let assignment = t.api_get(&bearer, &format!("/api/v1/users/{new_id}/access")).await;
    assert_eq!(assignment["branch_id"], branch.as_str(), "{assignment}");
    assert_eq!(assignment["role_ids"], serde_json::json!([supervisor]), "{assignment}");
    let created = testkit::TestUser {
        email: "nova@concessionaria.test".into(),
        password: "senha-boa-demais".into(),
        name: "Nova Pessoa".into(),
    };
    let (member_client, _) = t.login(&created).await;
    let home = t.html(&member_client, "/").await;
    assert!(home.contains("Hello, Nova Pessoa!"), "the new user's language is English");
}
web_test!(admin_creates_a_user_with_field_messages_first);

async fn stale_disable_through_htmx_reports_the_conflict(t: TestApp) {
    let (client, token) = t.login(&t.admin).await;
    let other = t.create_user("alvo@concessionaria.test", "member").await;
    let actor = crate::security::admin_actor(&t).await;
    let target = t
        .app
        .users()
        .list_users(&actor)
        .await
        .expect("users")
        .into_iter()
        .find(|u| u.email.as_str() == other.email)
        .expect("user");
    let path = format!("/admin/users/{}/active", target.id);
    let first = client
        .post(t.url(&path))
        .header("hx-request", "true")
        .header("x-csrf-token", &token)
        .form(&[("version", target.version.to_string()), ("active", "false".into())])
        .send()
        .await
        .expect("POST");
    assert_eq!(first.status(), 200);
    assert!(first.text().await.expect("body").contains("Desativado"));
    let stale = client
        .post(t.url(&path))
        .header("hx-request", "true")
        .header("x-csrf-token", &token)
        .form(&[("version", target.version.to_string()), ("active", "true".into())])
        .send()
        .await
        .expect("POST");
    assert_eq!(stale.status(), 409);
    assert_eq!(stale.headers()["hx-retarget"], "#flash");
    let body = stale.text().await.expect("body");
    assert!(body.contains("alterado por Gerente Teste"), "{body}");
}
web_test!(stale_disable_through_htmx_reports_the_conflict);

async fn language_switch_is_remembered(t: TestApp) {
    let (client, token) = t.login(&t.admin).await;
    let switch = t
        .post_form(
            &client,
            "/preferences/locale",
            &[("csrf_token", token.as_str()), ("locale", "pt-PT"), ("back", "/account/tokens")],
        )
        .await;
    assert_eq!(switch.status(), 303);
    assert_eq!(switch.headers()["location"], "/account/tokens");
    let page = t.html(&client, "/account/tokens").await;
    assert!(page.contains("lang=\"pt-PT\"") && page.contains("Terminar sessão"), "pt-PT page");
    // A foreign redirect target is ignored.
    let evil = t
        .post_form(
            &client,
            "/preferences/locale",
            &[("csrf_token", token.as_str()), ("locale", "en"), ("back", "//evil.example/")],
        )
        .await;
    assert_eq!(evil.headers()["location"], "/");
}
web_test!(language_switch_is_remembered);

/// The theme is kept with the account: another session, the API and the
/// audit trail see it; a value the button never sends changes nothing.
async fn theme_choice_is_kept_with_the_account(t: TestApp) {
    let (client, token) = t.login(&t.admin).await;
    let home = t.html(&client, "/").await;
    assert!(
        home.contains("data-theme=\"system\"") && home.contains("id=\"theme-toggle\""),
        "follows the device"
    );
    let choose = |theme: &'static str| {
        client
            .post(t.url("/preferences/theme"))
            .form(&[("csrf_token", token.as_str()), ("theme", theme), ("back", "/customers")])
            .send()
    };
    let dark = choose("dark").await.expect("POST");
    assert_eq!(dark.status(), 303);
    assert_eq!(dark.headers()["location"], "/customers");
    let page = t.html(&client, "/customers").await;
    assert!(page.contains("data-theme=\"dark\"") && page.contains("content=\"dark\""), "dark now");
    assert!(page.contains("name=\"theme\" value=\"light\""), "the button offers light back");
    let refused = choose("sepia").await.expect("POST");
    assert_eq!(refused.status(), 422);
    assert!(refused.text().await.expect("body").contains("Escolha claro, escuro ou automático."));

    let (other_session, _) = t.login(&t.admin).await;
    assert!(t.html(&other_session, "/").await.contains("data-theme=\"dark\""), "another session too");
    let bearer = format!("Bearer {}", t.token_for(&t.admin).await);
    let me = t.api_get(&bearer, "/api/v1/me").await;
    assert_eq!(me["theme"], "dark");
    let changed = t
        .api_send(reqwest::Method::PUT, &bearer, "/api/v1/me/theme", serde_json::json!({ "theme": "light" }))
        .await;
    assert_eq!(changed.status(), 200);
    assert_eq!(changed.json::<serde_json::Value>().await.expect("json")["theme"], "light");
    let bad = t
        .api_send(reqwest::Method::PUT, &bearer, "/api/v1/me/theme", serde_json::json!({ "theme": "sepia" }))
        .await;
    assert_eq!(bad.status(), 422);
    assert!(t.html(&client, "/").await.contains("data-theme=\"light\""));
    let audit = t.html(&client, "/admin/audit").await;
    assert!(audit.contains("<del>Escuro</del> → <ins>Claro</ins>"), "the audit trail reads the change");
}
web_test!(theme_choice_is_kept_with_the_account);

/// What a browser would resolve to another site, and a `next` that cannot
/// be a header, all land on the home page after signing in.
async fn login_follows_only_paths_of_this_site(t: TestApp) {
    for (next, followed) in [
        ("/customers?q=ana", "/customers?q=ana"),
        ("//evil.example/", "/"),
        ("/\t/evil.example/", "/"),
        ("/\\evil.example/", "/"),
        ("/%2F%2Fevil.example/", "/"),
        ("/\r\nSet-Cookie: x=1", "/"),
        ("https://evil.example/", "/"),
    ] {
        let client = t.client();
        let page = client.get(t.url("/login")).query(&[("next", next)]).send().await.expect("GET");
        assert_eq!(page.status(), 200, "login page for next={next:?}");
        let token = t.csrf_token(&client).await;
        let response = t
            .post_form(
                &client,
                "/login",
                &[
                    ("csrf_token", token.as_str()),
                    ("email", t.admin.email.as_str()),
                    ("password", t.admin.password.as_str()),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(response.status(), 303, "next={next:?}");
        assert_eq!(response.headers()["location"], followed, "next={next:?}");
    }
}
web_test!(login_follows_only_paths_of_this_site);

/// Behind a proxy on the same machine each client keeps its own address:
/// guesses from one slow that one down, and the owner signs in from his.
async fn the_throttle_tells_clients_apart_behind_a_local_proxy(t: TestApp) {
    let client = t.client();
    let token = t.csrf_token(&client).await;
    let attempt = |password: &'static str, from: &'static str| {
        client
            .post(t.url("/login"))
            .header("x-forwarded-for", format!("203.0.113.9, {from}"))
            .form(&[
                ("csrf_token", token.as_str()),
                ("email", t.admin.email.as_str()),
                ("password", password),
            ])
            .send()
    };
    for guess in 1..=5 {
        assert_eq!(
            attempt("chute-errado", "198.51.100.7").await.expect("POST").status(),
            401,
            "guess {guess}"
        );
    }
    assert_eq!(attempt("chute-errado", "198.51.100.7").await.expect("POST").status(), 429);
    let owner = attempt("senha-muito-segura", "192.0.2.44").await.expect("POST");
    assert_eq!(owner.status(), 303, "the owner, from his own address, is not held back");
}
web_test!(the_throttle_tells_clients_apart_behind_a_local_proxy);
