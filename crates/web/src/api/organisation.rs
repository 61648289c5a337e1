//! The organisation: its name, and the currency and time zone every amount
//! and time of it is in.
use super::responses::Forbidden;
use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{Api, ApiJson};
use axum::Router;
use axum::response::Json;
use axum::routing;
use domain::money::Currency;
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/organisation", routing::get(show))
        .route("/organisation/currency", routing::put(set_currency))
}

#[derive(OpenApi)]
#[openapi(paths(show, set_currency))]
pub struct Doc;

#[utoipa::path(get, path = "/api/v1/organisation", tag = "account", security(("bearer" = [])),
    responses((status = 200, body = Organisation)))]
pub async fn show(Api { state, actor }: Api) -> ApiResult<Json<Organisation>> {
    let found = state.app.registry().organisation(&actor).await?;
    Ok(Json(Organisation { name: found.name, currency: found.currency, time_zone: found.time_zone }))
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
    Ok(Json(Organisation { name: found.name, currency: body.currency, time_zone: found.time_zone }))
}

// The public JSON of this capability.

#[derive(Serialize, ToSchema)]
pub struct Organisation {
    pub name: String,
    /// `BRL` or `EUR`; amounts in the API are whole cents of it.
    pub currency: Currency,
    /// IANA name, e.g. `America/Sao_Paulo`.
    pub time_zone: String,
}

#[derive(Deserialize, ToSchema)]
pub struct CurrencyChange {
    pub currency: Currency,
}
