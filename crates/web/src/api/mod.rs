//! The JSON API under `/api/v1`, described by the OpenAPI document that
//! utoipa derives from these handlers.
mod access;
mod agenda;
mod audit;
mod interactions;
mod me;
mod parties;
mod registry_settings;
mod tokens;
mod users;
mod vehicles;

use crate::AppState;
use crate::i18n::tr;
use app::AppError;
use axum::Router;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Json, Response};
use axum::routing::{get, patch, post};
use domain::Locale;
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi_json))
        .route("/me", get(me::get_me))
        .route("/users", get(users::list_users).post(users::create_user))
        .route("/users/{id}", patch(users::update_user).get(users::get_user))
        .route("/audit", get(audit::list_audit))
        .route("/tokens", get(tokens::list_tokens))
        .route("/parties", get(parties::list).post(parties::create))
        .route("/parties/search", get(parties::search))
        .route("/parties/export.csv", get(parties::export_csv))
        .route("/parties/{id}", get(parties::get).put(parties::update))
        .route("/parties/{id}/archive", post(parties::archive))
        .route("/parties/{id}/consents", get(parties::consent_history).post(parties::record_consent))
        .route("/parties/{id}/notes", get(parties::notes).post(parties::add_note))
        .route("/parties/{id}/relationships", get(parties::relationships).post(parties::add_relationship))
        .route("/parties/{id}/merge", post(parties::merge))
        .route("/merges/{id}/undo", post(parties::undo_merge))
        .route("/custom-fields", get(registry_settings::list_fields).post(registry_settings::create_field))
        .route("/custom-fields/{id}", axum::routing::delete(registry_settings::delete_field))
        .route(
            "/customer-statuses",
            get(registry_settings::list_statuses).post(registry_settings::add_status),
        )
        .route("/tokens/{id}/revoke", post(tokens::revoke_token))
        .route("/roles", get(access::list_roles).post(access::create_role))
        .route("/roles/{id}", axum::routing::put(access::update_role))
        .route("/branches", get(access::list_branches).post(access::create_branch))
        .route("/users/{id}/access", get(access::get_assignment).put(access::set_assignment))
        .route("/portfolios/transfer", post(access::transfer_portfolio))
        .route("/parties/{id}/history", get(parties::history))
        .route("/parties/{id}/vehicles", get(vehicles::list).post(vehicles::create))
        .route("/vehicles/{id}", get(vehicles::get).put(vehicles::update).delete(vehicles::delete))
        .route("/parties/{id}/vehicle-interests", get(vehicles::interests).post(vehicles::add_interest))
        .route("/vehicle-interests/{id}", axum::routing::delete(vehicles::remove_interest))
        .route("/parties/{id}/interactions", get(interactions::list).post(interactions::create))
        .route("/interactions/{id}", get(interactions::get).put(interactions::update))
        .route("/interaction-options", get(interactions::options).post(interactions::add_option))
        .route("/parties/{id}/appointments", get(agenda::of_party))
        .route("/appointments", post(agenda::book))
        .route("/appointments/{id}", get(agenda::get).put(agenda::reschedule))
        .route("/appointments/{id}/cancel", post(agenda::cancel))
        .route("/appointments/{id}/occurrences/cancel", post(agenda::cancel_occurrence))
        .route("/agenda", get(agenda::agenda))
        .route("/agenda/free-days", get(agenda::free_days))
        .route("/agenda/users", get(agenda::users))
        .route("/me/calendar-feed", post(agenda::rotate_feed))
        .route("/working-hours", get(agenda::working_hours).put(agenda::set_working_hours))
        .fallback(|headers: axum::http::HeaderMap| async move {
            ApiError::not_found(crate::auth::request_locale(&headers))
        })
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Vínculo API", description = "The JSON API of Vínculo, a CRM for Brazil and Portugal. \
        Authenticate with `Authorization: Bearer <token>`; create tokens in the web UI \
        (API tokens) or with `vinculo user token`."),
    paths(
        crate::health,
        me::get_me,
        users::list_users, users::create_user, users::get_user, users::update_user,
        audit::list_audit,
        tokens::list_tokens, tokens::revoke_token,
        parties::list, parties::search, parties::create, parties::get, parties::update, parties::archive,
        parties::record_consent, parties::consent_history, parties::add_note, parties::notes,
        parties::add_relationship, parties::relationships, parties::merge, parties::undo_merge, parties::export_csv,
        registry_settings::list_fields, registry_settings::create_field, registry_settings::delete_field,
        registry_settings::list_statuses, registry_settings::add_status,
        access::list_roles, access::create_role, access::update_role, access::list_branches, access::create_branch,
        access::get_assignment, access::set_assignment, access::transfer_portfolio,
        parties::history,
        vehicles::list, vehicles::create, vehicles::get, vehicles::update, vehicles::delete,
        vehicles::interests, vehicles::add_interest, vehicles::remove_interest,
        interactions::list, interactions::create, interactions::get, interactions::update,
        interactions::options, interactions::add_option,
        agenda::book, agenda::get, agenda::reschedule, agenda::cancel, agenda::cancel_occurrence, agenda::of_party, agenda::agenda, agenda::free_days,
        agenda::users, agenda::rotate_feed, agenda::working_hours, agenda::set_working_hours,
    ),
    components(schemas(ErrorBody, ErrorDetail)),
    modifiers(&BearerAuth),
    tags((name = "system"), (name = "account"), (name = "users"), (name = "audit"), (name = "parties"), (name = "access"),
        (name = "profile"), (name = "agenda")),
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("bearer", SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)));
    }
}

/// The OpenAPI document, pretty-printed: `vinculo openapi` prints the same.
pub fn openapi_document() -> String {
    ApiDoc::openapi().to_pretty_json().unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

async fn openapi_json() -> Response {
    ([(axum::http::header::CONTENT_TYPE, "application/json")], openapi_document()).into_response()
}

/// An id from the path; one that does not parse names nothing: 404.
fn path_id<T: std::str::FromStr>(id: &str, locale: Locale) -> ApiResult<T> {
    id.parse().map_err(|_| ApiError::not_found(locale))
}

/// Every API error has this shape.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable, for programs: `validation`, `unauthorized`, `forbidden`,
    /// `not_found`, `conflict`, `rate_limited`, `bad_request`, `internal`.
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

pub struct ApiError {
    status: StatusCode,
    body: ErrorBody,
}

impl ApiError {
    fn new(status: StatusCode, code: &'static str, message: String) -> Self {
        ApiError {
            status,
            body: ErrorBody {
                error: ErrorDetail { code, message, fields: BTreeMap::new(), existing_id: None },
            },
        }
    }

    pub fn unauthorized(locale: Locale) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", tr(locale).get("error-unauthorized"))
    }

    pub fn not_found(locale: Locale) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", tr(locale).get("error-not-found"))
    }

    pub fn bad_request(locale: Locale, detail: String) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            tr(locale).with("error-bad-request", "detail", detail),
        )
    }

    pub fn from_app(error: AppError, locale: Locale) -> Self {
        let t = tr(locale);
        let (status, message) = crate::html::app_error_message(&error, &t);
        let code = match &error {
            AppError::Validation(_) => "validation",
            AppError::InvalidCredentials => "unauthorized",
            AppError::RateLimited { .. } => "rate_limited",
            AppError::Forbidden => "forbidden",
            AppError::NotFound => "not_found",
            AppError::Conflict { .. } => "conflict",
            AppError::DuplicateParty { .. } | AppError::DocumentTaken => "duplicate",
            AppError::Merged { .. } => "merged",
            AppError::Db(_) | AppError::Internal(_) => "internal",
        };
        let mut api_error = Self::new(status, code, message);
        match &error {
            AppError::DuplicateParty { existing, .. } => api_error.body.error.existing_id = Some(existing.0),
            AppError::Merged { into } => api_error.body.error.existing_id = Some(into.0),
            _ => {}
        }
        if let AppError::Validation(errors) = &error {
            api_error.body.error.message = t.get("error-form-invalid");
            for field_error in &errors.0 {
                api_error
                    .body
                    .error
                    .fields
                    .entry(field_error.field.to_string())
                    .or_insert_with(|| t.get(field_error.message));
            }
        }
        api_error
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(self.body)).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(axum::http::header::WWW_AUTHENTICATE, axum::http::HeaderValue::from_static("Bearer"));
        }
        response
    }
}

/// A JSON body whose parse errors come back in the API's error shape.
pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    Json<T>: FromRequest<S, Rejection = JsonRejection>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let locale = crate::auth::request_locale(request.headers());
        match Json::<T>::from_request(request, state).await {
            Ok(Json(value)) => Ok(ApiJson(value)),
            Err(rejection) => Err(ApiError::bad_request(locale, rejection.body_text())),
        }
    }
}

type ApiResult<T> = Result<T, ApiError>;
