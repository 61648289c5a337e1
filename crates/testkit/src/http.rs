//! The real router, served on an ephemeral port, and clients for it.
use crate::TestDb;
use app::App;
use app::users::NewUserInput;
use std::sync::Arc;

pub struct TestApp {
    pub base_url: String,
    pub app: Arc<App>,
    pub admin: TestUser,
    _db: TestDb,
}

#[derive(Clone, Debug)]
pub struct TestUser {
    pub email: String,
    pub password: String,
    pub name: String,
}

pub const ORGANISATION: &str = "Concessionária Teste";

impl TestApp {
    /// Serves a migrated database with an organisation and its administrator.
    pub async fn spawn(db: TestDb) -> TestApp {
        let app = Arc::new(App::new(db.db.clone(), app::Settings::default()));
        let admin = TestUser {
            email: "gerente@concessionaria.test".into(),
            password: "senha-muito-segura".into(),
            name: "Gerente Teste".into(),
        };
        app.setup()
            .operator_create_user(
                ORGANISATION,
                NewUserInput {
                    email: admin.email.clone(),
                    display_name: admin.name.clone(),
                    password: admin.password.clone(),
                    role: "admin".into(),
                    locale: None,
                    ..Default::default()
                },
            )
            .await
            .expect("create the test administrator");

        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let address = listener.local_addr().expect("address");
        let router = web::router(web::AppState { app: app.clone(), secure_cookies: false, public_url: None });
        // As `vinculo serve` does: the worker runs beside the server.
        tokio::spawn(app::jobs::run(app.clone()));
        tokio::spawn(async move {
            let _ = axum_serve(listener, router).await;
        });
        TestApp { base_url: format!("http://{address}"), app, admin, _db: db }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// A browser-like client: keeps cookies, does not follow redirects (so
    /// tests can see them).
    pub fn client(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("HTTP client")
    }

    /// The CSRF token the server gave this client, read from a page's form.
    pub async fn csrf_token(&self, client: &reqwest::Client) -> String {
        let page =
            client.get(self.url("/login")).send().await.expect("GET /login").text().await.expect("body");
        extract_csrf(&page).expect("the login page carries a CSRF token")
    }

    /// Signs in through the login form and returns the client and its CSRF token.
    pub async fn login(&self, user: &TestUser) -> (reqwest::Client, String) {
        let client = self.client();
        let token = self.csrf_token(&client).await;
        let response = client
            .post(self.url("/login"))
            .form(&[("csrf_token", token.as_str()), ("email", &user.email), ("password", &user.password)])
            .send()
            .await
            .expect("POST /login");
        assert_eq!(response.status(), 303, "login of {} should succeed", user.email);
        (client, token)
    }

    /// Creates another user in the organisation.
    pub async fn create_user(&self, email: &str, role: &str) -> TestUser {
        let user = TestUser {
            email: email.into(),
            password: "outra-senha-boa".into(),
            name: format!("Usuário {email}"),
        };
        self.app
            .setup()
            .operator_create_user(
                ORGANISATION,
                NewUserInput {
                    email: user.email.clone(),
                    display_name: user.name.clone(),
                    password: user.password.clone(),
                    role: role.into(),
                    locale: None,
                    ..Default::default()
                },
            )
            .await
            .expect("create user");
        user
    }

    /// GET an API path with a bearer token (`Bearer …` included) and read its JSON.
    pub async fn api_get(&self, authorization: &str, path: &str) -> serde_json::Value {
        let response = self
            .client()
            .get(self.url(path))
            .header("authorization", authorization)
            .send()
            .await
            .expect("GET");
        response.json().await.expect("json")
    }

    /// GETs a page with a signed-in client and reads its HTML.
    pub async fn html(&self, client: &reqwest::Client, path: &str) -> String {
        client.get(self.url(path)).send().await.expect("GET").text().await.expect("body")
    }

    /// POSTs a form as the browser sends it, with a signed-in client.
    pub async fn post_form<F: serde::Serialize + ?Sized>(
        &self,
        client: &reqwest::Client,
        path: &str,
        form: &F,
    ) -> reqwest::Response {
        client.post(self.url(path)).form(form).send().await.expect("POST")
    }

    /// Sends JSON to an API path with a bearer token (`Bearer …` included).
    pub async fn api_send(
        &self,
        method: reqwest::Method,
        authorization: &str,
        path: &str,
        body: serde_json::Value,
    ) -> reqwest::Response {
        let request = self.client().request(method, self.url(path)).header("authorization", authorization);
        request.json(&body).send().await.expect("API request")
    }

    /// One of the organisation's roles, by key (`account_manager`, …), as the API shows it.
    pub async fn role(&self, authorization: &str, key: &str) -> serde_json::Value {
        self.role_where(authorization, "key", key).await
    }

    /// The organisation's role whose `field` is `value`.
    pub async fn role_where(&self, authorization: &str, field: &str, value: &str) -> serde_json::Value {
        let roles = self.api_get(authorization, "/api/v1/roles").await;
        roles.as_array().expect("roles").iter().find(|r| r[field] == value).expect("role").clone()
    }

    /// An API token for the user.
    pub async fn token_for(&self, user: &TestUser) -> String {
        self.app.setup().operator_create_token(&user.email, "test").await.expect("create token").secret
    }
}

async fn axum_serve(listener: tokio::net::TcpListener, router: axum::Router) -> std::io::Result<()> {
    web::server::serve(listener, router, std::future::pending()).await
}

pub fn extract_csrf(html: &str) -> Option<String> {
    let marker = "name=\"csrf_token\" value=\"";
    let start = html.find(marker)? + marker.len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].to_string())
}
