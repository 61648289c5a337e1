//! The cookies of a browser (session, CSRF, language, view-as) and what
//! a request says of its sender; [`crate::extract`] recognises the caller.
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;
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
