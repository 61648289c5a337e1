use testkit::{TestApp, web_test};

const ROUTES: &[&str] = &[
    "/",
    "/login",
    "/health",
    "/admin/users",
    "/admin/audit",
    "/account/tokens",
    "/api/v1/me",
    "/api/v1/openapi.json",
    "/assets/0.1.0/app.css",
    "/nao-existe",
    "/api/v1/nao-existe",
];

async fn security_headers_are_on_every_route(t: TestApp) {
    let (client, _) = t.login(&t.admin).await;
    for route in ROUTES {
        for response in [
            client.get(t.url(route)).send().await.expect("GET"),
            t.client().get(t.url(route)).send().await.expect("GET"),
        ] {
            let headers = response.headers();
            let csp =
                headers.get("content-security-policy").and_then(|v| v.to_str().ok()).unwrap_or_default();
            assert!(csp.contains("frame-ancestors 'none'"), "{route}: CSP {csp:?}");
            assert!(
                csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
                "{route}: CSP {csp:?}"
            );
            assert_eq!(
                headers.get("x-content-type-options").map(|v| v.as_bytes()),
                Some(&b"nosniff"[..]),
                "{route}"
            );
            assert!(headers.contains_key("referrer-policy"), "{route}");
        }
    }
    // Also on a refused POST.
    let response =
        t.client().post(t.url("/login")).header("origin", "http://evil.example").send().await.expect("POST");
    assert!(response.headers().contains_key("content-security-policy"));
}
web_test!(security_headers_are_on_every_route);

async fn post_from_a_foreign_origin_is_refused(t: TestApp) {
    let (client, token) = t.login(&t.admin).await;
    let response = client
        .post(t.url("/account/tokens"))
        .header("origin", "http://evil.example")
        .form(&[("csrf_token", token.as_str()), ("name", "roubado")])
        .send()
        .await
        .expect("POST");
    assert_eq!(response.status(), 403);
    let body = response.text().await.expect("body");
    assert!(body.contains("recusada por segurança"), "explains in pt-BR: {body}");
    assert!(
        t.app.tokens().list_api_tokens(&admin_actor(&t).await).await.expect("list").is_empty(),
        "nothing was created"
    );
}
web_test!(post_from_a_foreign_origin_is_refused);

async fn post_without_or_with_a_wrong_csrf_token_is_refused(t: TestApp) {
    let (client, token) = t.login(&t.admin).await;
    let missing = t.post_form(&client, "/account/tokens", &[("name", "sem-token")]).await;
    assert_eq!(missing.status(), 403);
    let wrong = t
        .post_form(
            &client,
            "/account/tokens",
            &[("csrf_token", "0".repeat(64).as_str()), ("name", "token-errado")],
        )
        .await;
    assert_eq!(wrong.status(), 403);
    let header = client
        .post(t.url("/account/tokens"))
        .header("x-csrf-token", &token)
        .form(&[("name", "pelo-header")])
        .send()
        .await
        .expect("POST");
    assert_eq!(header.status(), 303, "the htmx header form of the token is accepted");
    let same_origin = client
        .post(t.url("/account/tokens"))
        .header("origin", t.base_url.clone())
        .form(&[("csrf_token", token.as_str()), ("name", "mesma-origem")])
        .send()
        .await
        .expect("POST");
    assert_eq!(same_origin.status(), 303);
    let names: Vec<String> = t
        .app
        .tokens()
        .list_api_tokens(&admin_actor(&t).await)
        .await
        .expect("list")
        .into_iter()
        .map(|t| t.name)
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
}
web_test!(post_without_or_with_a_wrong_csrf_token_is_refused);

async fn login_form_rejects_a_missing_token(t: TestApp) {
    let response = t
        .client()
        .post(t.url("/login"))
        .form(&[("email", t.admin.email.as_str()), ("password", t.admin.password.as_str())])
        .send()
        .await
        .expect("POST");
    assert_eq!(response.status(), 403);
    assert!(
        response
            .headers()
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
            .is_none_or(|c| !c.contains("vinculo_session"))
    );
}
web_test!(login_form_rejects_a_missing_token);

pub async fn admin_actor(t: &TestApp) -> app::Actor {
    t.app
        .auth()
        .login(app::auth::LoginInput {
            email: &t.admin.email,
            password: &t.admin.password,
            ip: None,
            user_agent: None,
        })
        .await
        .expect("login")
        .actor
}

/// Nothing that can carry personal data is kept by a browser, a proxy or
/// a shared computer's cache; only the versioned assets are cached.
async fn personal_data_is_never_cached(t: TestApp) {
    let (client, _) = t.login(&t.admin).await;
    let bearer = format!("Bearer {}", t.token_for(&t.admin).await);
    let party = t
        .api_send(
            reqwest::Method::POST,
            &bearer,
            "/api/v1/parties",
            serde_json::json!({ "kind": "person", "lifecycle": "customer", "full_name": "Rita Lobo" }),
        )
        .await;
    assert_eq!(party.status(), 201);
    let id = party.json::<serde_json::Value>().await.expect("JSON")["party"]["id"]
        .as_str()
        .expect("id")
        .to_string();
    let pages = [
        "/".to_string(),
        "/customers".to_string(),
        "/customers/search?q=rita".to_string(),
        format!("/customers/{id}"),
        "/customers/export.csv".to_string(),
        "/agenda".to_string(),
        "/admin/audit".to_string(),
        "/nao-existe".to_string(),
    ];
    for path in &pages {
        let response = client.get(t.url(path)).send().await.expect("GET");
        assert_eq!(response.headers()["cache-control"], "no-store", "{path}");
    }
    for path in [
        "/api/v1/parties".to_string(),
        format!("/api/v1/parties/{id}"),
        "/api/v1/parties/export.csv".to_string(),
        "/api/v1/audit".to_string(),
    ] {
        let response = client.get(t.url(&path)).header("authorization", &bearer).send().await.expect("GET");
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(response.headers()["cache-control"], "no-store", "{path}");
    }
    let asset = t.client().get(t.url("/assets/0.1.0/app.css")).send().await.expect("GET");
    assert!(asset.headers()["cache-control"].to_str().expect("ascii").contains("immutable"));
}
web_test!(personal_data_is_never_cached);

/// A client that sends its headers a byte at a time, or opens a connection
/// and sends nothing, is cut off instead of holding a connection forever.
async fn slow_and_idle_connections_are_cut_off(t: TestApp) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let address = t.url("").trim_start_matches("http://").trim_end_matches('/').to_string();
    let started = std::time::Instant::now();
    let mut idle = tokio::net::TcpStream::connect(&address).await.expect("connect");
    let mut slow = tokio::net::TcpStream::connect(&address).await.expect("connect");
    let slowloris = async {
        for byte in b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ".iter().chain(std::iter::repeat(&b'a')) {
            if slow.write_all(&[*byte]).await.is_err() {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
            if started.elapsed() > std::time::Duration::from_secs(30) {
                panic!("a slow client was still connected after 30 s");
            }
        }
    };
    let idle_closed = async {
        let mut buffer = [0u8; 64];
        // Closed: end of stream, or the server's reset.
        let read = tokio::time::timeout(std::time::Duration::from_secs(30), idle.read(&mut buffer)).await;
        assert!(matches!(read, Ok(Ok(0)) | Ok(Err(_))), "an idle connection was still open after 30 s");
    };
    tokio::join!(slowloris, idle_closed);
    assert!(started.elapsed() < std::time::Duration::from_secs(20), "cut off after {:?}", started.elapsed());
}

#[tokio::test]
async fn slow_and_idle_connections_are_cut_off_sqlite() {
    slow_and_idle_connections_are_cut_off(TestApp::spawn(testkit::TestDb::sqlite().await).await).await;
}

/// A body over the limit is 413 with a message: a form's page, the API's JSON.
async fn bodies_over_the_limit_answer_413(t: TestApp) {
    let (client, token) = t.login(&t.admin).await;
    let huge = "x".repeat(3 * 1024 * 1024);
    let form = t
        .post_form(&client, "/customers", &[("csrf_token", token.as_str()), ("full_name", huge.as_str())])
        .await;
    assert_eq!(form.status(), 413);
    let body = form.text().await.expect("body");
    assert!(body.contains("maior do que o servidor aceita"), "{body}");
    let bearer = format!("Bearer {}", t.token_for(&t.admin).await);
    let api = t
        .api_send(reqwest::Method::POST, &bearer, "/api/v1/parties", serde_json::json!({ "full_name": huge }))
        .await;
    assert_eq!(api.status(), 413);
    let error: serde_json::Value = api.json().await.expect("JSON");
    assert_eq!(error["error"]["code"], "too_large");
}
web_test!(bodies_over_the_limit_answer_413);
