//! Signing in and out.
use super::components::local_path;
use crate::AppState;
use crate::auth::{ClientIp, SESSION_COOKIE, clear_cookie, set_cookie};
use crate::error::{PageResult, describe};
use crate::extract::{Form, Page, Query, Visitor, see_other};
use crate::i18n::Tr;
use crate::layout::{Shell, render, render_with_status};
use app::AppError;
use app::auth::LoginInput;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::routing;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new().route("/login", routing::get(show).post(submit)).route("/logout", routing::post(logout))
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    t: Tr,
    shell: Shell,
    email: String,
    next: String,
    notice: Option<String>,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct LoginQuery {
    next: Option<String>,
    ended: Option<String>,
    out: Option<String>,
}

pub async fn show(visitor: Visitor, Query(query): Query<LoginQuery>) -> PageResult {
    if visitor.actor.is_some() {
        return Ok(see_other(&local_path(query.next.as_deref())));
    }
    let t = visitor.t;
    let notice = if query.out.is_some() {
        Some(t.get("login-logged-out"))
    } else if query.ended.is_some() {
        Some(t.get("login-session-ended"))
    } else {
        None
    };
    Ok(render(&LoginPage {
        t,
        shell: visitor.shell("login"),
        email: String::new(),
        next: local_path(query.next.as_deref()),
        notice,
        error: None,
    }))
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

pub async fn submit(
    State(state): State<AppState>,
    visitor: Visitor,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> PageResult {
    let user_agent = headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok());
    let result = state
        .app
        .auth()
        .login(LoginInput { email: &form.email, password: &form.password, ip: ip.as_deref(), user_agent })
        .await;
    match result {
        Ok(success) => {
            let mut response = see_other(&local_path(form.next.as_deref()));
            // A new session token at every login: a token planted before
            // login (session fixation) is never promoted.
            set_cookie(&mut response, SESSION_COOKIE, &success.session_token, state.secure_cookies, None);
            Ok(response)
        }
        Err(error) => {
            let t = visitor.t;
            let retry = match &error {
                AppError::RateLimited { retry_after_secs } => Some(*retry_after_secs),
                _ => None,
            };
            let described = describe(&error.into(), &t);
            let page = LoginPage {
                t,
                shell: visitor.shell("login"),
                email: form.email,
                next: local_path(form.next.as_deref()),
                notice: None,
                error: Some(described.message),
            };
            let mut response = render_with_status(described.status, &page);
            if let Some(seconds) = retry
                && let Ok(value) = HeaderValue::from_str(&seconds.to_string())
            {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            Ok(response)
        }
    }
}

pub async fn logout(page: Page) -> PageResult {
    page.app().auth().logout(&page.actor, &page.session_token).await?;
    let mut response = see_other("/login?out=1");
    clear_cookie(&mut response, SESSION_COOKIE, page.state.secure_cookies);
    Ok(response)
}
