//! Protections every response and every state-changing request get:
//! security headers, and CSRF checks (same origin plus a double-submit
//! token) before any handler runs.
use crate::auth::{CSRF_COOKIE, cookie_value, set_cookie};
use crate::error::message_page;
use crate::i18n::tr;
use crate::layout::Shell;
use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;

pub const CSRF_FIELD: &str = "csrf_token";
pub const CSRF_HEADER: &str = "x-csrf-token";

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   connect-src 'self'; form-action 'self'; base-uri 'none'; object-src 'none'; \
                   frame-ancestors 'none'";

pub async fn headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    // A page that sets its own (a filled-in document: stricter on scripts,
    // its own inline styles) keeps it.
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    }
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
    // Pages, exports, feeds and the API carry personal data: no browser,
    // proxy or shared computer may keep a copy. Assets say otherwise.
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// The CSRF token of this browser, available to handlers that render forms.
#[derive(Clone, Debug)]
pub struct CsrfToken(pub String);

pub async fn csrf(State(state): State<crate::AppState>, request: Request, next: Next) -> Response {
    let existing = cookie_value(request.headers(), CSRF_COOKIE).map(str::to_string);
    // The methods a route can take to change something; any other (TRACE,
    // CONNECT, made-up ones) reaches no handler and is answered 405 there.
    let unsafe_method =
        matches!(*request.method(), Method::POST | Method::PUT | Method::PATCH | Method::DELETE);
    // The JSON API authenticates with bearer tokens, never cookies, so a
    // forged cross-site request has no credentials to ride on; `/health`
    // takes no cookie either (and answers any other method with 405).
    let path = request.uri().path();
    let is_api = path.starts_with("/api/") || path == "/health";

    let request = if unsafe_method && !is_api {
        let locale = crate::auth::request_locale(request.headers());
        let refused = |status: StatusCode, key: &str| {
            let t = tr(locale);
            let shell = Shell::new(existing.as_deref().unwrap_or_default(), None, locale, "", "/");
            message_page(status, t, shell, t.get(key))
        };
        if foreign_origin(request.headers()) {
            return refused(StatusCode::FORBIDDEN, "error-csrf");
        }
        match check_token(request, existing.as_deref()).await {
            Ok(request) => request,
            Err(Refusal::Forged) => return refused(StatusCode::FORBIDDEN, "error-csrf"),
            Err(Refusal::TooLarge) => return refused(StatusCode::PAYLOAD_TOO_LARGE, "error-body-too-large"),
        }
    } else {
        request
    };

    // Only pages carry forms; API and asset responses need no token.
    let wants_token =
        !is_api && !request.uri().path().starts_with("/assets/") && request.uri().path() != "/health";
    let (token, fresh) = match existing {
        Some(token) if token.len() >= 32 => (token, false),
        _ => (app::random_token(), true),
    };
    let mut request = request;
    request.extensions_mut().insert(CsrfToken(token.clone()));
    let mut response = next.run(request).await;
    if fresh && wants_token {
        set_cookie(&mut response, CSRF_COOKIE, &token, state.secure_cookies, None);
    }
    response
}

/// True when the browser says the request comes from another site.
fn foreign_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let origin_host = origin.split_once("://").map(|(_, rest)| rest).unwrap_or("");
    origin == "null" || !origin_host.eq_ignore_ascii_case(host)
}

/// Accepts the request when its token (header, or form field) equals the
/// browser's CSRF cookie. Form bodies are read here and handed on intact.
enum Refusal {
    Forged,
    TooLarge,
}

async fn check_token(request: Request, cookie: Option<&str>) -> Result<Request, Refusal> {
    let Some(cookie) = cookie.filter(|c| !c.is_empty()) else {
        return Err(Refusal::Forged);
    };
    if let Some(header_token) = request.headers().get(CSRF_HEADER).and_then(|v| v.to_str().ok()) {
        return if constant_time_eq(header_token, cookie) { Ok(request) } else { Err(Refusal::Forged) };
    }
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    if content_type.starts_with("multipart/form-data") {
        return check_multipart_token(request, &content_type, cookie).await;
    }
    if !content_type.starts_with("application/x-www-form-urlencoded") {
        return Err(Refusal::Forged);
    }
    let (parts, body) = request.into_parts();
    // Read whole to find the token, under the router's body limit.
    let request = Request::from_parts(parts.clone(), body);
    let bytes = Bytes::from_request(request, &()).await.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE { Refusal::TooLarge } else { Refusal::Forged }
    })?;
    let submitted = form_urlencoded_field(&bytes, CSRF_FIELD);
    if submitted.as_deref().is_some_and(|token| constant_time_eq(token, cookie)) {
        Ok(Request::from_parts(parts, Body::from(bytes)))
    } else {
        Err(Refusal::Forged)
    }
}

/// A form with files: read whole under the upload limit (a route that
/// takes no files refuses it later, as it refuses any body it cannot read),
/// its token found among its parts, the body handed on intact.
async fn check_multipart_token(
    request: Request,
    content_type: &str,
    cookie: &str,
) -> Result<Request, Refusal> {
    let (parts, body) = request.into_parts();
    let bytes =
        axum::body::to_bytes(body, crate::server::UPLOAD_FORM_BYTES).await.map_err(|_| Refusal::TooLarge)?;
    let submitted = multipart_field(bytes.clone(), content_type, CSRF_FIELD).await;
    if submitted.as_deref().is_some_and(|token| constant_time_eq(token, cookie)) {
        Ok(Request::from_parts(parts, Body::from(bytes)))
    } else {
        Err(Refusal::Forged)
    }
}

async fn multipart_field(body: Bytes, content_type: &str, name: &str) -> Option<String> {
    let boundary = multer::parse_boundary(content_type).ok()?;
    let stream = futures_util::stream::once(async move { Ok::<Bytes, std::convert::Infallible>(body) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    while let Ok(Some(field)) = multipart.next_field().await {
        if field.name() == Some(name) {
            return field.text().await.ok();
        }
    }
    None
}

fn form_urlencoded_field(body: &[u8], name: &str) -> Option<String> {
    serde_urlencoded_pairs(body).into_iter().find(|(k, _)| k == name).map(|(_, v)| v)
}

fn serde_urlencoded_pairs(body: &[u8]) -> Vec<(String, String)> {
    serde_urlencoded::from_bytes(body).unwrap_or_default()
}

fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
