//! Signing in and out.
use super::{Shell, local_path, render_with_status};
use crate::AppState;
use crate::auth::{ClientIp, CurrentUser, SESSION_COOKIE, clear_cookie, request_locale, set_cookie};
use crate::i18n::{Tr, tr};
use crate::security::CsrfToken;
use app::AppError;
use app::auth::LoginInput;
use askama::Template;
use axum::extract::{Extension, Form, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

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

pub async fn show(
    State(_state): State<AppState>,
    current: Result<CurrentUser, Response>,
    Extension(csrf): Extension<CsrfToken>,
    headers: HeaderMap,
    Query(query): Query<LoginQuery>,
) -> Response {
    if current.is_ok() {
        return Redirect::to(&local_path(query.next.as_deref())).into_response();
    }
    let locale = request_locale(&headers);
    let t = tr(locale);
    let notice = if query.out.is_some() {
        Some(t.get("login-logged-out"))
    } else if query.ended.is_some() {
        Some(t.get("login-session-ended"))
    } else {
        None
    };
    let page = LoginPage {
        t,
        shell: Shell::new(&csrf, None, locale, "login", "/login"),
        email: String::new(),
        next: local_path(query.next.as_deref()),
        notice,
        error: None,
    };
    render_with_status(StatusCode::OK, &page)
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
    ClientIp(ip): ClientIp,
    Extension(csrf): Extension<CsrfToken>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    let user_agent = headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok());
    let result = state
        .app
        .login(LoginInput { email: &form.email, password: &form.password, ip: ip.as_deref(), user_agent })
        .await;
    let locale = request_locale(&headers);
    match result {
        Ok(success) => {
            let mut response = Redirect::to(&local_path(form.next.as_deref())).into_response();
            // A new session token at every login: a token planted before
            // login (session fixation) is never promoted.
            set_cookie(&mut response, SESSION_COOKIE, &success.session_token, state.secure_cookies, None);
            response
        }
        Err(error) => {
            let t = tr(locale);
            let (status, message) = super::app_error_message(&error, &t);
            let page = LoginPage {
                t,
                shell: Shell::new(&csrf, None, locale, "login", "/login"),
                email: form.email,
                next: local_path(form.next.as_deref()),
                notice: None,
                error: Some(message),
            };
            let mut response = render_with_status(status, &page);
            if let AppError::RateLimited { retry_after_secs } = error
                && let Ok(value) = HeaderValue::from_str(&retry_after_secs.to_string())
            {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            response
        }
    }
}

pub async fn logout(State(state): State<AppState>, user: CurrentUser) -> Response {
    if let Err(error) = state.app.logout(&user.actor, &user.session_token).await {
        return super::app_error_page(error, user.actor.locale);
    }
    let mut response = Redirect::to("/login?out=1").into_response();
    clear_cookie(&mut response, SESSION_COOKIE, state.secure_cookies);
    response
}
