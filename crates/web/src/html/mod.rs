//! Server-rendered pages and their htmx partials.
mod access;
mod account;
mod admin;
pub mod agenda;
mod agenda_settings;
pub mod customers;
mod home;
mod interactions;
mod login;
mod preferences;
mod profile;
mod settings;
mod vehicles;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::i18n::{Tr, tr};
use crate::security::CsrfToken;
use app::AppError;
use askama::Template;
use axum::Router;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use domain::{Locale, ValidationErrors};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home::show))
        .route("/login", get(login::show).post(login::submit))
        .route("/logout", post(login::logout))
        .route("/preferences/locale", post(preferences::set_locale))
        .route("/account/tokens", get(account::tokens).post(account::create_token))
        .route("/account/tokens/{id}/revoke", post(account::revoke_token))
        .route("/admin/users", get(admin::users).post(admin::create_user))
        .route("/admin/users/{id}/active", post(admin::set_active))
        .route("/admin/audit", get(admin::audit))
        .route("/admin/access", get(access::show))
        .route("/admin/access/branches", post(access::add_branch))
        .route("/admin/access/roles", post(access::add_role))
        .route("/admin/access/roles/{id}", post(access::save_role))
        .route("/admin/access/users/{id}", post(access::assign_user))
        .route("/admin/access/users/{id}/view-as", post(access::start_view_as))
        .route("/admin/access/transfer", post(access::transfer))
        .route("/view-as/stop", post(access::stop_view_as))
        .route("/customers", get(customers::list).post(customers::create))
        .route("/customers/new", get(customers::new_form))
        .route("/customers/search", get(customers::search))
        .route("/customers/validate", post(customers::validate_field))
        .route("/customers/export.csv", get(customers::export_csv))
        .route("/customers/{id}", get(customers::show).post(customers::update))
        .route("/customers/{id}/edit", get(customers::edit_form))
        .route("/customers/{id}/consent", post(customers::consent))
        .route("/customers/{id}/notes", post(customers::add_note))
        .route("/customers/{id}/relationships", post(customers::add_relationship))
        .route("/customers/{id}/relationships/{rel}/delete", post(customers::remove_relationship))
        .route("/customers/{id}/merge", post(customers::merge))
        .route("/customers/{id}/archive", post(customers::archive))
        .route("/merges/{id}/undo", post(customers::undo_merge))
        .route("/customers/{id}/vehicles/new", get(vehicles::new_form))
        .route("/customers/{id}/vehicles", post(vehicles::create))
        .route("/customers/{id}/interests/new", get(vehicles::new_interest_form))
        .route("/customers/{id}/interests", post(vehicles::add_interest))
        .route("/interests/{id}/delete", post(vehicles::remove_interest))
        .route("/vehicles/{id}", get(vehicles::show).post(vehicles::update))
        .route("/vehicles/{id}/edit", get(vehicles::edit_form))
        .route("/vehicles/{id}/delete", post(vehicles::delete))
        .route("/customers/{id}/interactions/new", get(interactions::new_form))
        .route("/customers/{id}/interactions", post(interactions::create))
        .route("/interactions/{id}", get(interactions::show).post(interactions::update))
        .route("/agenda", get(agenda::show))
        .route("/agenda/free-days", get(agenda::free_days))
        .route("/agenda/feed", get(agenda::feed).post(agenda::rotate_feed))
        .route("/appointments", post(agenda::book))
        .route("/appointments/new", get(agenda::new_form))
        .route("/appointments/{id}", get(agenda::show_appointment).post(agenda::reschedule))
        .route("/appointments/{id}/edit", get(agenda::edit_form))
        .route("/appointments/{id}/cancel", post(agenda::cancel))
        .route("/appointments/{id}/occurrences/cancel", post(agenda::cancel_occurrence))
        .route("/calendar/{file}", get(agenda::calendar_file))
        .route("/admin/agenda", get(agenda_settings::show))
        .route("/admin/agenda/hours", post(agenda_settings::save_hours))
        .route("/admin/agenda/options", post(agenda_settings::add_option))
        .route("/admin/registry", get(settings::show))
        .route("/admin/registry/fields", post(settings::add_field))
        .route("/admin/registry/fields/{id}/delete", post(settings::delete_field))
        .route("/admin/registry/statuses", post(settings::add_status))
}

/// A form posted with repeated names (checkboxes): its pairs in order.
pub type Pairs = Vec<(String, String)>;

pub fn values<'a>(pairs: &'a Pairs, name: &'a str) -> impl Iterator<Item = &'a str> {
    pairs.iter().filter(move |(key, _)| key == name).map(|(_, value)| value.as_str())
}

pub fn value<'a>(pairs: &'a Pairs, name: &'a str) -> &'a str {
    values(pairs, name).next().unwrap_or_default()
}

/// An optional whole number typed in a form: empty is none; anything but
/// digits is a field error, not a silent none.
pub fn number<T: std::str::FromStr>(
    pairs: &Pairs,
    name: &'static str,
    errors: &mut ValidationErrors,
) -> Option<T> {
    let text = value(pairs, name).trim().replace('.', "");
    if text.is_empty() {
        return None;
    }
    text.parse().map_err(|_| errors.add(name, "error-number-invalid")).ok()
}

/// An id from a page's path; one that does not parse names nothing: 404.
pub fn path_id<T: std::str::FromStr>(text: &str) -> Result<T, AppError> {
    text.parse().map_err(|_| AppError::NotFound)
}

/// An optional id from a form (a select or a hidden field).
pub fn form_id(pairs: &Pairs, name: &'static str, errors: &mut ValidationErrors) -> Option<uuid::Uuid> {
    let text = value(pairs, name).trim();
    if text.is_empty() {
        return None;
    }
    text.parse().map_err(|_| errors.add(name, "error-not-found")).ok()
}

/// How a form page answers a use case's refusal: field messages (422), a
/// "changed by X at T" alert (409), or nothing to show (200). Any other
/// error is not the form's to show and comes back.
pub struct FormOutcome {
    pub errors: FieldMessages,
    pub alert: Option<String>,
    pub status: StatusCode,
}

impl FormOutcome {
    pub fn of(error: Option<AppError>, t: &Tr) -> Result<FormOutcome, AppError> {
        Ok(match error {
            None => FormOutcome { errors: FieldMessages::default(), alert: None, status: StatusCode::OK },
            Some(AppError::Validation(errors)) => FormOutcome {
                errors: FieldMessages::from_errors(&errors, t),
                alert: None,
                status: StatusCode::UNPROCESSABLE_ENTITY,
            },
            Some(AppError::Conflict { by, at }) => FormOutcome {
                errors: FieldMessages::default(),
                alert: Some(t.with_args("error-conflict", &[("by", by), ("at", t.datetime(&at))])),
                status: StatusCode::CONFLICT,
            },
            Some(other) => return Err(other),
        })
    }
}

/// What a form held, to fill it again after a refusal.
#[derive(Default)]
pub struct FormValues(pub Pairs);

impl FormValues {
    pub fn get(&self, name: &str) -> &str {
        self.0.iter().find(|(key, _)| key == name).map(|(_, v)| v.as_str()).unwrap_or_default()
    }

    pub fn has(&self, name: &str, wanted: &str) -> bool {
        self.0.iter().any(|(key, v)| key == name && v == wanted)
    }
}

/// What the layout around every page needs.
pub struct Shell {
    pub csrf: String,
    pub user: Option<ShellUser>,
    /// Which navigation entry is the current page.
    pub active: &'static str,
    pub path: String,
    pub locales: Vec<LocaleChoice>,
    pub asset_version: &'static str,
}

pub struct ShellUser {
    pub name: String,
    pub is_admin: bool,
    /// Set while an administrator views the app as this user.
    pub viewed_by: Option<String>,
}

pub struct LocaleChoice {
    pub tag: &'static str,
    pub short: &'static str,
    pub name: &'static str,
    pub current: bool,
}

impl Shell {
    pub fn new(
        csrf: &CsrfToken,
        user: Option<&CurrentUser>,
        locale: Locale,
        active: &'static str,
        path: &str,
    ) -> Shell {
        Shell {
            csrf: csrf.0.clone(),
            user: user.map(|u| ShellUser {
                name: u.actor.display_name.clone(),
                is_admin: u.actor.is_admin(),
                viewed_by: u.actor.viewing_as.clone(),
            }),
            active,
            path: path.to_string(),
            locales: Locale::ALL
                .iter()
                .map(|l| LocaleChoice {
                    tag: l.tag(),
                    short: match l {
                        Locale::PtBr => "PT-BR",
                        Locale::En => "EN",
                        Locale::PtPt => "PT-PT",
                    },
                    name: l.native_name(),
                    current: *l == locale,
                })
                .collect(),
            asset_version: crate::assets::ASSET_VERSION,
        }
    }

    pub fn for_user(csrf: &CsrfToken, user: &CurrentUser, active: &'static str, path: &str) -> Shell {
        Shell::new(csrf, Some(user), user.actor.locale, active, path)
    }
}

/// Field messages of a form, already translated.
#[derive(Default)]
pub struct FieldMessages(Vec<(String, String)>);

impl FieldMessages {
    pub fn from_errors(errors: &ValidationErrors, t: &Tr) -> Self {
        Self(errors.0.iter().map(|e| (e.field.to_string(), t.get(e.message))).collect())
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.iter().find(|(f, _)| *f == field).map(|(_, m)| m.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

pub fn render(template: &impl Template) -> Response {
    render_with_status(StatusCode::OK, template)
}

pub fn render_with_status(status: StatusCode, template: &impl Template) -> Response {
    match template.render() {
        Ok(body) => (status, Html(body)).into_response(),
        Err(error) => {
            let id = uuid::Uuid::now_v7();
            tracing::error!(%id, %error, "template rendering failed");
            (StatusCode::INTERNAL_SERVER_ERROR, format!("internal error {id}")).into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    t: Tr,
    status: u16,
    message: String,
}

/// A whole page that says what went wrong, in the user's language.
pub fn render_error_page(status: StatusCode, locale: Locale, message_key: &str) -> Response {
    let t = tr(locale);
    render_message_page(status, t, t.get(message_key))
}

fn render_message_page(status: StatusCode, t: Tr, message: String) -> Response {
    render_with_status(status, &ErrorPage { t, status: status.as_u16(), message })
}

/// The one mapping of use-case errors to pages. Validation errors are
/// shown inside their forms by each handler; reaching here means a form
/// did not expect them.
pub fn app_error_page(error: AppError, locale: Locale) -> Response {
    let t = tr(locale);
    let (status, message) = app_error_message(&error, &t);
    if status == StatusCode::INTERNAL_SERVER_ERROR {
        tracing::error!(%error, "request failed");
    }
    render_message_page(status, t, message)
}

pub fn app_error_message(error: &AppError, t: &Tr) -> (StatusCode, String) {
    match error {
        AppError::Validation(errors) => {
            let details: Vec<String> = errors.0.iter().map(|e| t.get(e.message)).collect();
            (StatusCode::UNPROCESSABLE_ENTITY, details.join(" "))
        }
        AppError::InvalidCredentials => (StatusCode::UNAUTHORIZED, t.get("login-failed")),
        AppError::RateLimited { retry_after_secs } => {
            (StatusCode::TOO_MANY_REQUESTS, t.with("login-rate-limited", "seconds", retry_after_secs))
        }
        AppError::Forbidden => (StatusCode::FORBIDDEN, t.get("error-forbidden")),
        AppError::NotFound => (StatusCode::NOT_FOUND, t.get("error-not-found")),
        AppError::Conflict { by, at } => (
            StatusCode::CONFLICT,
            t.with_args("error-conflict", &[("by", by.clone()), ("at", t.datetime(at))]),
        ),
        AppError::DuplicateParty { name, .. } => {
            (StatusCode::CONFLICT, t.with("error-document-taken", "name", name))
        }
        AppError::DocumentTaken => (StatusCode::CONFLICT, t.get("error-document-taken-elsewhere")),
        AppError::Merged { .. } => (StatusCode::NOT_FOUND, t.get("error-party-merged")),
        AppError::Db(_) | AppError::Internal(_) => {
            let id = uuid::Uuid::now_v7();
            tracing::error!(%id, %error, "internal error");
            (StatusCode::INTERNAL_SERVER_ERROR, t.with("error-internal", "id", id))
        }
    }
}

/// For htmx requests an error replaces the page's message area instead
/// of the element that asked.
pub fn htmx_error(error: AppError, locale: Locale, headers: &HeaderMap) -> Response {
    if !headers.contains_key("hx-request") {
        return app_error_page(error, locale);
    }
    let t = tr(locale);
    let (status, message) = app_error_message(&error, &t);
    let body = format!("<div class=\"alert alert-error\" role=\"alert\">{}</div>", escape_html(&message));
    let mut response = (status, Html(body)).into_response();
    let headers = response.headers_mut();
    headers.insert("hx-retarget", axum::http::HeaderValue::from_static("#flash"));
    headers.insert("hx-reswap", axum::http::HeaderValue::from_static("innerHTML"));
    response
}

pub(crate) fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

pub async fn not_found(headers: HeaderMap, uri: axum::http::Uri) -> Response {
    let locale = crate::auth::request_locale(&headers);
    if uri.path().starts_with("/api/") {
        return crate::api::ApiError::not_found(locale).into_response();
    }
    render_error_page(StatusCode::NOT_FOUND, locale, "error-not-found")
}

/// Only paths of this site are followed after login or a language change,
/// so a link cannot bounce a user to another site.
pub fn local_path(candidate: Option<&str>) -> String {
    match candidate {
        Some(path) if path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') => {
            path.to_string()
        }
        _ => "/".to_string(),
    }
}
