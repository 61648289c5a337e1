//! The organisation: its name, and the currency and time zone every amount
//! and time of it is in.
use super::responses::{Forbidden, Invalid, NotFound};
use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{Api, ApiJson};
use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Json, Response};
use axum::routing;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use domain::logo::Logo;
use domain::money::Currency;
use domain::phone::Country;
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/organisation", routing::get(show))
        .route("/organisation/currency", routing::put(set_currency))
        .route("/organisation/country", routing::put(set_country))
        .route("/organisation/logo", routing::get(logo).put(set_logo).delete(remove_logo))
}

#[derive(OpenApi)]
#[openapi(paths(show, set_currency, set_country, logo, set_logo, remove_logo))]
pub struct Doc;

#[utoipa::path(get, path = "/api/v1/organisation", tag = "account", security(("bearer" = [])),
    responses((status = 200, body = Organisation)))]
pub async fn show(Api { state, actor }: Api) -> ApiResult<Json<Organisation>> {
    Ok(Json(Organisation::from(state.app.registry().organisation(&actor).await?)))
}

/// Sets the currency every amount of the organisation is in (administrators).
/// Amounts are not converted: the currency names them.
#[utoipa::path(put, path = "/api/v1/organisation/currency", tag = "account", security(("bearer" = [])), request_body = CurrencyChange,
    responses((status = 200, body = Organisation), Forbidden))]
pub async fn set_currency(
    Api { state, actor }: Api,
    ApiJson(body): ApiJson<CurrencyChange>,
) -> ApiResult<Json<Organisation>> {
    state.app.registry().set_currency(&actor, body.currency).await?;
    let found = state.app.registry().organisation(&actor).await?;
    Ok(Json(Organisation { currency: body.currency, ..Organisation::from(found) }))
}

/// Sets the organisation's country (administrators): where addresses
/// (UF and CEP, or district and código postal), phones and documents that
/// do not say are read. What is stored is not changed.
#[utoipa::path(put, path = "/api/v1/organisation/country", tag = "account", security(("bearer" = [])), request_body = CountryChange,
    responses((status = 200, body = Organisation), Forbidden))]
pub async fn set_country(
    Api { state, actor }: Api,
    ApiJson(body): ApiJson<CountryChange>,
) -> ApiResult<Json<Organisation>> {
    state.app.registry().set_country(&actor, body.country).await?;
    let found = state.app.registry().organisation(&actor).await?;
    Ok(Json(Organisation { country: body.country, ..Organisation::from(found) }))
}

/// The logo printed at the head of the organisation's quotes, as uploaded.
#[utoipa::path(get, path = "/api/v1/organisation/logo", tag = "account", security(("bearer" = [])),
    responses((status = 200, content_type = "image/png", body = Vec<u8>), NotFound))]
pub async fn logo(Api { state, actor }: Api) -> ApiResult<Response> {
    let logo = state.app.registry().logo(&actor).await?.ok_or(app::AppError::NotFound)?;
    let mut response = logo.content.clone().into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(logo.content_type()));
    Ok(response)
}

/// Replaces the logo (administrators): a PNG or a JPEG of at most 1 MB,
/// base64-encoded; anything else is `422` on `logo`.
#[utoipa::path(put, path = "/api/v1/organisation/logo", tag = "account", security(("bearer" = [])), request_body = LogoUpload,
    responses((status = 204), Invalid, Forbidden))]
pub async fn set_logo(
    Api { state, actor }: Api,
    ApiJson(body): ApiJson<LogoUpload>,
) -> ApiResult<StatusCode> {
    let content = STANDARD
        .decode(body.content_base64.trim())
        .map_err(|_| domain::ValidationErrors::single("logo", "error-logo-format"))?;
    state.app.registry().set_logo(&actor, Logo::check(content)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Removes the logo (administrators); quotes print the name alone.
#[utoipa::path(delete, path = "/api/v1/organisation/logo", tag = "account", security(("bearer" = [])),
    responses((status = 204), Forbidden))]
pub async fn remove_logo(Api { state, actor }: Api) -> ApiResult<StatusCode> {
    state.app.registry().remove_logo(&actor).await?;
    Ok(StatusCode::NO_CONTENT)
}

// The public JSON of this capability.

#[derive(Deserialize, ToSchema)]
pub struct LogoUpload {
    /// The image's bytes, base64 (standard alphabet).
    #[schema(min_length = 1)]
    pub content_base64: String,
}

#[derive(Serialize, ToSchema)]
pub struct Organisation {
    pub name: String,
    /// `BRL` or `EUR`; amounts in the API are whole cents of it.
    pub currency: Currency,
    /// `BR` or `PT`: where addresses, phones and documents that do not say are read.
    pub country: Country,
    /// IANA name, e.g. `America/Sao_Paulo`.
    pub time_zone: String,
}

impl From<app::registry_settings::OrganisationView> for Organisation {
    fn from(view: app::registry_settings::OrganisationView) -> Self {
        Organisation {
            name: view.name,
            currency: view.currency,
            country: view.country,
            time_zone: view.time_zone,
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct CountryChange {
    pub country: Country,
}

#[derive(Deserialize, ToSchema)]
pub struct CurrencyChange {
    pub currency: Currency,
}
