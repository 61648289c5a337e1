//! Who is asking: session cookies for people, bearer tokens for machines.
use crate::AppState;
use crate::api::ApiError;
use app::Actor;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use domain::Locale;
use std::net::SocketAddr;

pub const SESSION_COOKIE: &str = "vinculo_session";
pub const CSRF_COOKIE: &str = "vinculo_csrf";
pub const LOCALE_COOKIE: &str = "vinculo_locale";
/// Which user an administrator is viewing the app as; checked again on
/// every request, so a stale or forged value only falls back to oneself.
pub const VIEW_AS_COOKIE: &str = "vinculo_view_as";

pub fn cookie_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// Cookies are `HttpOnly` and `SameSite=Lax` always, `Secure` when the
/// server is reached over https. `max_age` `None` lasts until the browser closes.
pub fn set_cookie(response: &mut Response, name: &str, value: &str, secure: bool, max_age: Option<i64>) {
    let mut cookie = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if secure {
        cookie.push_str("; Secure");
    }
    if let Some(seconds) = max_age {
        cookie.push_str(&format!("; Max-Age={seconds}"));
    }
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
}

pub fn clear_cookie(response: &mut Response, name: &str, secure: bool) {
    set_cookie(response, name, "", secure, Some(0));
}

/// The language for a request without a signed-in user: the cookie the
/// language switch left, else the browser's preference.
pub fn request_locale(headers: &HeaderMap) -> Locale {
    cookie_value(headers, LOCALE_COOKIE)
        .and_then(Locale::parse)
        .or_else(|| headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).map(Locale::negotiate))
        .unwrap_or_default()
}

/// The client's address as the socket saw it.
pub fn client_ip(parts: &Parts) -> Option<String> {
    client_ip_of(parts.extensions.get::<ConnectInfo<SocketAddr>>().cloned())
}

fn client_ip_of(connect: Option<ConnectInfo<SocketAddr>>) -> Option<String> {
    connect.map(|ConnectInfo(addr)| addr.ip().to_string())
}

/// The client's address, when the server knows it.
pub struct ClientIp(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(client_ip(parts)))
    }
}

/// A signed-in person. Pages that take it redirect to the login page
/// when there is no live session.
pub struct CurrentUser {
    pub actor: Actor,
    pub session_token: String,
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let ip = client_ip(parts);
        let token = cookie_value(&parts.headers, SESSION_COOKIE).filter(|t| !t.is_empty());
        if let Some(token) = token {
            match state.app.session_actor(token, ip.as_deref()).await {
                Ok(Some(actor)) => {
                    let target = cookie_value(&parts.headers, VIEW_AS_COOKIE).and_then(|v| v.parse().ok());
                    let actor = match target {
                        Some(target) => state.app.resume_view_as(&actor, target).await.unwrap_or(actor),
                        None => actor,
                    };
                    return Ok(CurrentUser { actor, session_token: token.to_string() });
                }
                Ok(None) => {}
                Err(error) => {
                    return Err(crate::html::app_error_page(error, request_locale(&parts.headers)));
                }
            }
        }
        let ended = token.is_some();
        let target = if ended { "/login?ended=1" } else { "/login" };
        // htmx follows redirects inside the swap target; ask it to navigate.
        if parts.headers.contains_key("hx-request") {
            let mut response = StatusCode::UNAUTHORIZED.into_response();
            response.headers_mut().insert("hx-redirect", HeaderValue::from_static(target));
            return Err(response);
        }
        let mut response = Redirect::to(target).into_response();
        if ended {
            clear_cookie(&mut response, SESSION_COOKIE, state.secure_cookies);
        }
        Err(response)
    }
}

/// A caller of the JSON API, identified by `Authorization: Bearer <token>`.
pub struct ApiActor(pub Actor);

impl FromRequestParts<AppState> for ApiActor {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let locale = request_locale(&parts.headers);
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
            .map(str::trim)
            .filter(|t| !t.is_empty());
        let Some(token) = token else {
            return Err(ApiError::unauthorized(locale));
        };
        match state.app.token_actor(token, client_ip(parts).as_deref()).await {
            Ok(Some(actor)) => Ok(ApiActor(actor)),
            Ok(None) => Err(ApiError::unauthorized(locale)),
            Err(error) => Err(ApiError::from_app(error, locale)),
        }
    }
}
