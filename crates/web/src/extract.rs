//! One context per request. The [`context`] layer finds who is asking once
//! (the session cookie on pages, the bearer token on the API), with the
//! language, the CSRF token, whether htmx asked and the one-time flash;
//! handlers take it as [`Page`], [`Visitor`] or [`Api`]. The same
//! layer words every failure a handler returns ([`crate::error`]).
//!
//! The input extractors here never let framework text reach a person: an
//! empty value means "not set", a malformed one is a field message.
use crate::AppState;
use crate::auth::{self, SESSION_COOKIE, cookie_value};
use crate::error::{Error, PageRequest, PageResult, Pending, api_response, page_response};
use crate::flash::Flash;
use crate::i18n::{Tr, tr, tr_for};
use crate::layout::{Shell, render_with_status};
use crate::security::CsrfToken;
use app::{Actor, App, AppError};
use askama::Template;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use domain::Locale;
use serde::de::DeserializeOwned;
use std::net::SocketAddr;
use std::sync::Arc;

/// Which kind of answer a path gives.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Surface {
    /// Pages and htmx partials, for people with a session.
    Page,
    /// The JSON API, for machines with a bearer token.
    Api,
    /// Assets, the health check and calendar feeds: nobody to recognise.
    Bare,
}

impl Surface {
    fn of(path: &str) -> Surface {
        if path.starts_with("/api/") {
            Surface::Api
        } else if path.starts_with("/assets/") || path == "/health" || path.starts_with("/calendar/") {
            Surface::Bare
        } else {
            Surface::Page
        }
    }
}

/// Who asks and how, found once by [`context`].
#[derive(Clone)]
pub struct RequestContext {
    pub actor: Option<Actor>,
    /// The session cookie, while it opens a live session.
    pub session_token: Option<String>,
    pub csrf: String,
    pub htmx: bool,
    pub locale: Locale,
    pub flash: Option<Flash>,
    /// Path and query, where the language switch comes back to.
    pub path: String,
}

impl RequestContext {
    fn tr(&self) -> Tr {
        match &self.actor {
            Some(actor) => tr_for(actor),
            None => tr(self.locale),
        }
    }
}

/// The request-context layer: recognises the caller, runs the handler,
/// then words a failure the handler returned.
pub async fn context(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let surface = Surface::of(request.uri().path());
    let headers = request.headers();
    let htmx = headers.contains_key("hx-request");
    let csrf = request.extensions().get::<CsrfToken>().map(|token| token.0.clone()).unwrap_or_default();
    let ip = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(a)| a.ip().to_string());
    let method = request.method().clone();
    let path = back_path(&method, &request);
    let cookie = cookie_value(headers, SESSION_COOKIE).filter(|t| !t.is_empty()).map(str::to_string);

    let mut context = RequestContext {
        actor: None,
        session_token: None,
        csrf,
        htmx,
        locale: auth::request_locale(headers),
        flash: None,
        path,
    };
    let found = match surface {
        Surface::Bare => Ok(()),
        Surface::Api => recognise_token(&state.app, headers, ip.as_deref(), &mut context).await,
        Surface::Page => match &cookie {
            Some(token) => recognise_session(&state.app, headers, token, ip.as_deref(), &mut context).await,
            None => Ok(()),
        },
    };
    if let Some(actor) = &context.actor {
        context.locale = actor.locale;
    }
    let response = match found {
        Ok(()) => {
            request.extensions_mut().insert(context.clone());
            next.run(request).await
        }
        Err(error) => Error::App(error).into_response(),
    };

    let Some(Pending(error)) = response.extensions().get::<Pending>().cloned() else {
        if context.flash.is_some() && method == Method::GET && !htmx && response.status().is_success() {
            forget_flash(&state.app, &context).await;
        }
        return response;
    };
    let t = context.tr();
    match surface {
        Surface::Api => api_response(&error, &t),
        Surface::Page | Surface::Bare => {
            let session_ended = cookie.is_some() && context.session_token.is_none();
            let shell = Shell::new(&context.csrf, context.actor.as_ref(), context.locale, "", &context.path);
            let request = PageRequest { t, shell, htmx, method: &method, session_ended };
            let mut answer = page_response(&error, request);
            if matches!(*error, Error::SignedOut) && session_ended {
                auth::clear_cookie(&mut answer, SESSION_COOKIE, state.secure_cookies);
            }
            answer
        }
    }
}

/// Where the language switch returns to: the page itself, or for a form
/// answered with a page (a refusal), the page the form was on.
fn back_path(method: &Method, request: &Request) -> String {
    if *method == Method::GET {
        return request.uri().path_and_query().map(|p| p.as_str().to_string()).unwrap_or_default();
    }
    let referer = request.headers().get(header::REFERER).and_then(|v| v.to_str().ok()).unwrap_or("/");
    let after_host = referer.split_once("://").and_then(|(_, rest)| rest.find('/').map(|i| &rest[i..]));
    after_host.unwrap_or("/").to_string()
}

async fn recognise_session(
    app: &App,
    headers: &HeaderMap,
    token: &str,
    ip: Option<&str>,
    context: &mut RequestContext,
) -> Result<(), AppError> {
    let Some(session) = app.auth().session(token, ip).await? else {
        return Ok(());
    };
    let target = cookie_value(headers, auth::VIEW_AS_COOKIE).and_then(|v| v.parse().ok());
    let actor = match target {
        // A stale or forged choice only falls back to oneself.
        Some(target) => app.access().resume_view_as(&session.actor, target).await.unwrap_or(session.actor),
        None => session.actor,
    };
    context.actor = Some(actor);
    context.session_token = Some(token.to_string());
    context.flash = session.flash.as_deref().and_then(Flash::decode);
    Ok(())
}

async fn recognise_token(
    app: &App,
    headers: &HeaderMap,
    ip: Option<&str>,
    context: &mut RequestContext,
) -> Result<(), AppError> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .map(str::trim)
        .filter(|t| !t.is_empty());
    if let Some(token) = token {
        context.actor = app.auth().token_actor(token, ip).await?;
    }
    Ok(())
}

/// A flash is shown by one page; failing to clear it only shows it twice.
async fn forget_flash(app: &App, context: &RequestContext) {
    if let Some(token) = &context.session_token
        && let Err(error) = app.auth().set_flash(token, None).await
    {
        tracing::warn!(%error, "could not clear a shown flash");
    }
}

fn context_of(parts: &Parts) -> Result<&RequestContext, Error> {
    parts
        .extensions
        .get::<RequestContext>()
        .ok_or_else(|| Error::App(AppError::Internal("the request-context layer did not run".into())))
}

/// A signed-in person on a page. Without a live session the request
/// goes to the login page.
pub struct Page {
    pub state: AppState,
    pub actor: Actor,
    pub session_token: String,
    pub csrf: String,
    /// htmx asked for a part of a page.
    pub htmx: bool,
    /// The person's language and the organisation's time zone.
    pub t: Tr,
    path: String,
    flash: Option<Flash>,
}

impl FromRequestParts<AppState> for Page {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let context = context_of(parts)?;
        let (Some(actor), Some(session_token)) = (&context.actor, &context.session_token) else {
            return Err(Error::SignedOut);
        };
        Ok(Page {
            state: state.clone(),
            t: tr_for(actor),
            actor: actor.clone(),
            session_token: session_token.clone(),
            csrf: context.csrf.clone(),
            htmx: context.htmx,
            path: context.path.clone(),
            flash: context.flash.clone(),
        })
    }
}

impl Page {
    pub fn app(&self) -> &Arc<App> {
        &self.state.app
    }

    /// The layout for this page, with `active` lit in the navigation.
    pub fn shell(&self, active: &'static str) -> Shell {
        Shell::new(&self.csrf, Some(&self.actor), self.actor.locale, active, &self.path)
            .with_flash(self.flash.as_ref(), &self.t)
    }

    pub fn render(&self, template: &impl Template) -> PageResult {
        Ok(render_with_status(StatusCode::OK, template))
    }

    /// Redirects (303) after leaving a one-time message for the next page.
    /// An htmx request is sent there with `HX-Location` instead: a 303
    /// would be followed inside the element that asked.
    pub async fn redirect_with(&self, to: &str, flash: Flash) -> PageResult {
        self.state.app.auth().set_flash(&self.session_token, Some(&flash.encode())).await?;
        if self.htmx {
            let mut response = StatusCode::NO_CONTENT.into_response();
            if let Ok(value) = axum::http::HeaderValue::from_str(to) {
                response.headers_mut().insert("hx-location", value);
            }
            return Ok(response);
        }
        Ok(see_other(to))
    }
}

/// A request to a page that anyone may open (login, language switch): the
/// signed-in person when there is one.
pub struct Visitor {
    pub actor: Option<Actor>,
    pub csrf: String,
    pub locale: Locale,
    pub t: Tr,
    path: String,
}

impl<S: Send + Sync> FromRequestParts<S> for Visitor {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let context = context_of(parts)?;
        Ok(Visitor {
            actor: context.actor.clone(),
            csrf: context.csrf.clone(),
            locale: context.locale,
            t: context.tr(),
            path: context.path.clone(),
        })
    }
}

impl Visitor {
    pub fn shell(&self, active: &'static str) -> Shell {
        Shell::new(&self.csrf, self.actor.as_ref(), self.locale, active, &self.path)
    }
}

/// A caller of the JSON API, identified by `Authorization: Bearer <token>`,
/// with the application it calls: the API's counterpart of [`Page`].
pub struct Api {
    pub state: AppState,
    pub actor: Actor,
}

impl FromRequestParts<AppState> for Api {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let actor = context_of(parts)?.actor.clone().ok_or(Error::SignedOut)?;
        Ok(Api { state: state.clone(), actor })
    }
}

/// 303 See Other: the answer to every form that changed something.
pub fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// An id from the path; one that does not parse names nothing: 404.
pub fn path_id<T: std::str::FromStr>(text: &str) -> Result<T, Error> {
    text.parse().map_err(|_| Error::not_found())
}

/// The one id of a path such as `/customers/{id}`, typed: `Id(id): Id<PartyId>`.
pub struct Id<T>(pub T);

impl<T: std::str::FromStr, S: Send + Sync> FromRequestParts<S> for Id<T> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let axum::extract::Path(text) = axum::extract::Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| Error::not_found())?;
        path_id(&text).map(Id)
    }
}

/// A query string, read the way browsers send forms: empty values are
/// left out, a value that does not parse is a field message.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parse_urlencoded(parts.uri.query().unwrap_or_default().as_bytes()).map(Query)
    }
}

/// A query string read like [`Query`] whose refusal the page shows itself
/// (a list keeps its filters' form and says what did not parse).
pub struct TryQuery<T>(pub Result<T, domain::ValidationErrors>);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for TryQuery<T> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        match parse_urlencoded(parts.uri.query().unwrap_or_default().as_bytes()) {
            Ok(value) => Ok(TryQuery(Ok(value))),
            Err(Error::App(AppError::Validation(errors))) => Ok(TryQuery(Err(errors))),
            Err(other) => Err(other),
        }
    }
}

/// A form body (`application/x-www-form-urlencoded`), read like [`Query`].
pub struct Form<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Form<T> {
    type Rejection = Error;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        parse_urlencoded(&body_bytes(request, state, || Error::invalid("form")).await?).map(Form)
    }
}

/// A form that may carry files (`multipart/form-data`; a plain form reads
/// as one without files): its fields as [`Form`] reads them, empty ones
/// left out, and each file chosen as (name, content type, content).
pub struct FormWithFiles {
    pub fields: Vec<(String, String)>,
    pub files: Vec<(String, String, Vec<u8>)>,
}

impl<S: Send + Sync> FromRequest<S> for FormWithFiles {
    type Rejection = Error;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let multipart_body = request
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.starts_with("multipart/form-data"));
        if !multipart_body {
            let Form(fields) = Form::<Vec<(String, String)>>::from_request(request, state).await?;
            return Ok(FormWithFiles { fields, files: Vec::new() });
        }
        let unreadable = |status: StatusCode| {
            if status == StatusCode::PAYLOAD_TOO_LARGE { Error::TooLarge } else { Error::invalid("form") }
        };
        let mut multipart = axum::extract::Multipart::from_request(request, state)
            .await
            .map_err(|rejection| unreadable(rejection.status()))?;
        let (mut fields, mut files) = (Vec::new(), Vec::new());
        while let Some(field) = multipart.next_field().await.map_err(|e| unreadable(e.status()))? {
            let name = field.name().unwrap_or_default().to_string();
            match field.file_name().map(str::to_string) {
                Some(file_name) => {
                    let content_type = field.content_type().unwrap_or("application/octet-stream").to_string();
                    let content = field.bytes().await.map_err(|e| unreadable(e.status()))?;
                    // A file input left alone still sends an empty part.
                    if !(file_name.is_empty() && content.is_empty()) {
                        files.push((file_name, content_type, content.to_vec()));
                    }
                }
                None => {
                    let value = field.text().await.map_err(|e| unreadable(e.status()))?;
                    refuse_control_characters(&name, &value)?;
                    if !value.is_empty() {
                        fields.push((name, value));
                    }
                }
            }
        }
        Ok(FormWithFiles { fields, files })
    }
}

/// The raw pairs of a form whose field names vary (custom fields), read
/// like [`Form`] but keeping every value, empty ones too.
pub struct RawForm(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for RawForm {
    type Rejection = Error;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        body_bytes(request, state, || Error::invalid("form")).await.map(RawForm)
    }
}

/// The whole body, up to the router's limit: over it is `413 too_large`,
/// any other failure to read it is `unreadable`.
async fn body_bytes<S: Send + Sync>(
    request: Request,
    state: &S,
    unreadable: fn() -> Error,
) -> Result<Bytes, Error> {
    Bytes::from_request(request, state).await.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE { Error::TooLarge } else { unreadable() }
    })
}

/// Reads `name=value&…` into `T` with empty values left out.
pub fn parse_urlencoded<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Error> {
    let mut kept = form_urlencoded::Serializer::new(String::new());
    for (name, value) in form_urlencoded::parse(bytes) {
        refuse_control_characters(&name, &value)?;
        if !value.is_empty() {
            kept.append_pair(&name, &value);
        }
    }
    let encoded = kept.finish();
    let deserializer = serde_urlencoded::Deserializer::new(form_urlencoded::parse(encoded.as_bytes()));
    serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let message = error.inner().to_string();
        match missing_field(&message) {
            Some(field) => required(field),
            None => Error::invalid(field_of(error.path())),
        }
    })
}

/// Fields typed in a text area, where a line break or a tab is text; and a
/// message's `to`, which for a letter is an envelope's lines (it must then
/// equal one of the party's addresses, so nothing else gets through).
pub(crate) const MULTI_LINE_FIELDS: &[&str] = &["body", "choices", "description", "notes", "to", "wording"];

/// Where to go next (after login, after a language change): never stored,
/// and judged whole by `local_path`, which falls back to the home page.
const ADDRESS_FIELDS: &[&str] = &["next", "back"];

/// A control character is never text a person meant (U+0000 even fails
/// PostgreSQL outright), so it is refused at the edge, the same on both
/// databases, in forms and in JSON: only multi-line fields keep tabs and
/// line breaks.
fn refuse_control_characters(field: &str, value: &str) -> Result<(), Error> {
    if ADDRESS_FIELDS.contains(&field) {
        return Ok(());
    }
    let multi_line = MULTI_LINE_FIELDS.contains(&field);
    let refused = |c: char| c.is_control() && !(multi_line && matches!(c, '\t' | '\n' | '\r'));
    if value.contains(refused) || field.contains(char::is_control) {
        let field = if field.contains(char::is_control) { "form" } else { field };
        return Err(domain::ValidationErrors::single(field.to_string(), "error-control-character").into());
    }
    Ok(())
}

/// Every string of a JSON body (and every key) through
/// [`refuse_control_characters`], named by its innermost key.
fn refuse_control_characters_in_json(field: &str, value: &serde_json::Value) -> Result<(), Error> {
    match value {
        serde_json::Value::String(text) => refuse_control_characters(field, text),
        serde_json::Value::Array(items) => {
            items.iter().try_for_each(|item| refuse_control_characters_in_json(field, item))
        }
        serde_json::Value::Object(entries) => entries.iter().try_for_each(|(key, item)| {
            refuse_control_characters(field, key)?;
            refuse_control_characters_in_json(key, item)
        }),
        _ => Ok(()),
    }
}

/// JSON has one number type: `1.0` is the integer 1 to JSON Schema, and so
/// to the API's document, while serde reads it only as a float. A whole
/// number written with a fraction is therefore read as the integer.
fn whole_numbers_as_integers(json: &mut serde_json::Value) {
    match json {
        serde_json::Value::Number(number) if number.is_f64() => {
            if let Some(float) = number.as_f64() {
                // Within ±2^53 a float holds every integer exactly.
                if float.fract() == 0.0 && float.abs() <= 9_007_199_254_740_992.0 {
                    *number = serde_json::Number::from(float as i64);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(whole_numbers_as_integers),
        serde_json::Value::Object(entries) => entries.values_mut().for_each(whole_numbers_as_integers),
        _ => {}
    }
}

/// The field serde names in "missing field `name`": a required value left empty.
fn missing_field(message: &str) -> Option<&str> {
    message.strip_prefix("missing field `").and_then(|rest| rest.split_once('`')).map(|(field, _)| field)
}

fn required(field: &str) -> Error {
    domain::ValidationErrors::single(field.to_string(), "error-required").into()
}

fn field_of(path: &serde_path_to_error::Path) -> String {
    let field = path.to_string();
    if field == "." { "form".to_string() } else { field }
}

/// A JSON body. Text that is not JSON is `400 bad_request`; JSON that does
/// not fit the type is `422 validation` naming the field.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = Error;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.starts_with("application/json") || ct.contains("+json"));
        if !is_json {
            return Err(Error::UnreadableBody);
        }
        let body = body_bytes(request, state, || Error::UnreadableBody).await?;
        let mut json: serde_json::Value = serde_json::from_slice(&body).map_err(|_| Error::UnreadableBody)?;
        whole_numbers_as_integers(&mut json);
        // Every string of the body is judged, extra properties too: the
        // document says so of them (`text_rules`), and a type that
        // flattens another cannot tell which properties it ignored.
        refuse_control_characters_in_json("body", &json)?;
        let value = serde_path_to_error::deserialize(&json).map_err(|error| {
            let message = error.inner().to_string();
            match missing_field(&message) {
                Some(field) => required(field),
                None => Error::invalid(field_of(error.path())),
            }
        })?;
        Ok(ApiJson(value))
    }
}
