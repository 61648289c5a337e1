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

/// The client's address. Behind a reverse proxy on the same machine (the
/// socket's peer is a loopback address) it is the address the proxy
/// appended last to `X-Forwarded-For`; otherwise the socket's peer, and the
/// header, which anyone can send, is ignored. Without this every user
/// behind the proxy would share one address, and the login throttle's
/// per-address counts would slow them all down together.
pub fn client_ip(parts: &Parts) -> Option<String> {
    let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(addr)| addr.ip())?;
    if peer.is_loopback() {
        let forwarded =
            parts.headers.get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok()).next_back();
        let last = forwarded.and_then(|list| list.rsplit(',').next()).map(str::trim);
        if let Some(client) = last.and_then(|text| text.parse::<std::net::IpAddr>().ok()) {
            return Some(client.to_string());
        }
    }
    Some(peer.to_string())
}

/// The client's address, when the server knows it.
pub struct ClientIp(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(client_ip(parts)))
    }
}
