//! The one path from a failure to a response. Handlers return
//! `Result<_, Error>` and use `?`; the failure travels in the response
//! until the request-context layer ([`crate::extract::context`]), which
//! knows the reader's language, the page's shell and whether htmx asked,
//! puts it into words: a JSON body on the API, a page, a redirect or an
//! htmx partial elsewhere. [`describe`] is the one mapping of every
//! failure to a status, a stable code and a message.
use crate::i18n::Tr;
use crate::layout::{Shell, render_with_status};
use app::AppError;
use askama::Template;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{Html, IntoResponse, Json, Redirect, Response};
use domain::ValidationErrors;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;
use utoipa::ToSchema;

/// What went wrong, before it is put in the reader's language.
#[derive(Debug)]
pub enum Error {
    App(AppError),
    /// No live session (pages) or no valid bearer token (API).
    SignedOut,
    /// An API body that is not JSON at all.
    UnreadableBody,
    /// The path exists, not for this method (a GET of a form's address).
    MethodNotAllowed,
    /// A body over [`crate::server::MAX_BODY_BYTES`].
    TooLarge,
}

pub type PageResult = Result<Response, Error>;
pub type ApiResult<T> = Result<T, Error>;

impl From<AppError> for Error {
    fn from(error: AppError) -> Self {
        Error::App(error)
    }
}

impl From<ValidationErrors> for Error {
    fn from(errors: ValidationErrors) -> Self {
        Error::App(AppError::Validation(errors))
    }
}

impl Error {
    pub fn not_found() -> Self {
        Error::App(AppError::NotFound)
    }

    /// One input that did not parse: a field message, never framework text.
    pub fn invalid(field: impl Into<std::borrow::Cow<'static, str>>) -> Self {
        ValidationErrors::single(field, "error-value-invalid").into()
    }

    fn status(&self) -> StatusCode {
        match self {
            Error::SignedOut => StatusCode::UNAUTHORIZED,
            Error::UnreadableBody => StatusCode::BAD_REQUEST,
            Error::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Error::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Error::App(error) => match error {
                AppError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
                AppError::InvalidCredentials => StatusCode::UNAUTHORIZED,
                AppError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
                AppError::Forbidden => StatusCode::FORBIDDEN,
                AppError::NotFound | AppError::Merged { .. } => StatusCode::NOT_FOUND,
                AppError::Conflict { .. }
                | AppError::DuplicateParty { .. }
                | AppError::DocumentTaken
                | AppError::Taken(_) => StatusCode::CONFLICT,
                AppError::Db(_) | AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            },
        }
    }
}

/// A failure waiting in a response for the context layer to word it.
#[derive(Clone)]
pub struct Pending(pub Arc<Error>);

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let mut response = self.status().into_response();
        response.extensions_mut().insert(Pending(Arc::new(self)));
        response
    }
}

/// A failure in words: what both the pages and the API show.
pub struct Described {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    /// Field name → message, for validation failures.
    pub fields: BTreeMap<String, String>,
    pub existing_id: Option<uuid::Uuid>,
}

/// The one mapping of failures to status, code and message.
pub fn describe(error: &Error, t: &Tr) -> Described {
    let status = error.status();
    let mut fields = BTreeMap::new();
    let mut existing_id = None;
    let (code, message) = match error {
        Error::SignedOut => ("unauthorized", t.get("error-unauthorized")),
        Error::UnreadableBody => ("bad_request", t.get("error-body-unreadable")),
        Error::MethodNotAllowed => ("method_not_allowed", t.get("error-method-not-allowed")),
        Error::TooLarge => ("too_large", t.get("error-body-too-large")),
        Error::App(error) => match error {
            AppError::Validation(errors) | AppError::Taken(errors) => {
                for field_error in &errors.0 {
                    fields.entry(field_error.field.to_string()).or_insert_with(|| t.get(field_error.message));
                }
                let code = if matches!(error, AppError::Taken(_)) { "taken" } else { "validation" };
                (code, t.get("error-form-invalid"))
            }
            AppError::InvalidCredentials => ("unauthorized", t.get("login-failed")),
            AppError::RateLimited { retry_after_secs } => (
                "rate_limited",
                t.count("login-rate-limited", i64::try_from(*retry_after_secs).unwrap_or(i64::MAX)),
            ),
            AppError::Forbidden => ("forbidden", t.get("error-forbidden")),
            AppError::NotFound => ("not_found", t.get("error-not-found")),
            AppError::Conflict { by, at } => ("conflict", conflict_message(t, by, at)),
            AppError::DuplicateParty { existing, name } => {
                existing_id = Some(existing.0);
                ("duplicate", t.with("error-document-taken", "name", name))
            }
            AppError::DocumentTaken => ("duplicate", t.get("error-document-taken-elsewhere")),
            AppError::Merged { into } => {
                existing_id = Some(into.0);
                ("merged", t.get("error-party-merged"))
            }
            AppError::Db(_) | AppError::Internal(_) => {
                let id = uuid::Uuid::now_v7();
                tracing::error!(%id, %error, "internal error");
                ("internal", t.with("error-internal", "id", id))
            }
        },
    };
    Described { status, code, message, fields, existing_id }
}

impl Described {
    /// One sentence for a page: a validation failure that reached no form
    /// lists its fields' messages.
    pub(crate) fn sentence(&self) -> String {
        if self.fields.is_empty() {
            self.message.clone()
        } else {
            self.fields.values().cloned().collect::<Vec<_>>().join(" ")
        }
    }
}

/// Every API error has this shape.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable, for programs: `validation`, `unauthorized`, `forbidden`,
    /// `not_found`, `conflict`, `rate_limited`, `bad_request`,
    /// `method_not_allowed`, `too_large`, `internal`.
    pub code: &'static str,
    /// For people, in the caller's language.
    pub message: String,
    /// Field name → message, for validation errors.
    pub fields: BTreeMap<String, String>,
    /// For `duplicate`: the party that already holds the document; for
    /// `merged`: the party it was merged into.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub existing_id: Option<uuid::Uuid>,
}

/// The API's answer to a failure.
pub fn api_response(error: &Error, t: &Tr) -> Response {
    let described = describe(error, t);
    let status = described.status;
    let body = ErrorBody {
        error: ErrorDetail {
            code: described.code,
            message: described.message,
            fields: described.fields,
            existing_id: described.existing_id,
        },
    };
    let mut response = (status, Json(body)).into_response();
    if status == StatusCode::UNAUTHORIZED {
        response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    }
    if let Error::App(AppError::RateLimited { retry_after_secs }) = error {
        set_retry_after(&mut response, *retry_after_secs);
    }
    response
}

/// What a page's failure needs to know of its request.
pub struct PageRequest<'a> {
    pub t: Tr,
    pub shell: Shell,
    pub htmx: bool,
    pub method: &'a Method,
    /// The browser sent a session cookie that no longer opens a session.
    pub session_ended: bool,
}

#[derive(Template)]
#[template(path = "components/error.html")]
struct ErrorPage {
    t: Tr,
    shell: Shell,
    status: u16,
    message: String,
}

/// A page's answer to a failure: the login page for a signed-out visitor,
/// the survivor for a merged customer, an alert in the page's message
/// area for htmx, else a whole page in the layout.
pub fn page_response(error: &Error, request: PageRequest<'_>) -> Response {
    if let Error::SignedOut = error {
        let target = if request.session_ended { "/login?ended=1" } else { "/login" };
        // htmx follows redirects inside the swap target; ask it to navigate.
        if request.htmx {
            let mut response = StatusCode::UNAUTHORIZED.into_response();
            response.headers_mut().insert("hx-redirect", HeaderValue::from_static(target));
            return response;
        }
        return Redirect::to(target).into_response();
    }
    if let Error::App(AppError::Merged { into }) = error
        && !request.htmx
        && request.method == Method::GET
    {
        return Redirect::to(&format!("/customers/{into}")).into_response();
    }
    let described = describe(error, &request.t);
    let message = described.sentence();
    let mut response = if request.htmx {
        let body = format!("<div class=\"alert alert-error\" role=\"alert\">{}</div>", escape_html(&message));
        let mut response = (described.status, Html(body)).into_response();
        let headers = response.headers_mut();
        headers.insert("hx-retarget", HeaderValue::from_static("#flash"));
        headers.insert("hx-reswap", HeaderValue::from_static("innerHTML"));
        response
    } else {
        message_page(described.status, request.t, request.shell, message)
    };
    if let Error::App(AppError::RateLimited { retry_after_secs }) = error {
        set_retry_after(&mut response, *retry_after_secs);
    }
    response
}

/// A whole page that says one thing, in the layout.
pub fn message_page(status: StatusCode, t: Tr, shell: Shell, message: String) -> Response {
    render_with_status(status, &ErrorPage { t, shell, status: status.as_u16(), message })
}

fn set_retry_after(response: &mut Response, seconds: u64) {
    if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
}

pub(crate) fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// "Changed by X at T", or only "changed at T" when the record does not
/// keep who changed it (the worker moved a message, say).
pub fn conflict_message(t: &Tr, by: &str, at: &chrono::DateTime<chrono::Utc>) -> String {
    if by.is_empty() {
        t.with("error-conflict-unnamed", "at", t.datetime(at))
    } else {
        t.with_args("error-conflict", &[("by", by.to_string()), ("at", t.datetime(at))])
    }
}
