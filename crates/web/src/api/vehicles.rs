//! Vehicles owned and of interest [veículos, interesse veículo].
use super::public_all;
use super::responses::{Conflict, Forbidden};
use crate::AppState;
use crate::error::ApiResult;
use crate::error::Error;
use crate::extract::{Api, ApiJson, Id};
use axum::Router;
use axum::http::StatusCode;
use axum::response::Json;
use axum::routing;
use chrono::DateTime;
use chrono::Utc;
use domain::vehicle::{VehicleDraft, VehicleInterestDraft};
use domain::{PartyId, VehicleId};
use serde::Deserialize;
use serde::Serialize;
use utoipa::OpenApi;
use utoipa::ToSchema;
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/parties/{id}/vehicles", routing::get(list).post(create))
        .route("/vehicles/{id}", routing::get(get).put(update).delete(delete))
        .route("/parties/{id}/vehicle-interests", routing::get(interests).post(add_interest))
        .route("/vehicle-interests/{id}", routing::delete(remove_interest))
}

#[derive(OpenApi)]
#[openapi(paths(list, create, get, update, delete, interests, add_interest, remove_interest))]
pub struct Doc;

#[utoipa::path(get, path = "/api/v1/parties/{id}/vehicles", tag = "profile", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<Vehicle>)))]
pub async fn list(Api { state, actor }: Api, Id(id): Id<PartyId>) -> ApiResult<Json<Vec<Vehicle>>> {
    Ok(Json(public_all(state.app.vehicles().vehicles_of(&actor, id).await?)?))
}

/// Registers a vehicle the party owns: a plate (old or Mercosul) or a VIN at least.
#[utoipa::path(post, path = "/api/v1/parties/{id}/vehicles", tag = "profile", security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = VehicleDraft,
    responses((status = 201, body = Vehicle), Forbidden))]
pub async fn create(
    Api { state, actor }: Api,
    Id(id): Id<PartyId>,
    ApiJson(draft): ApiJson<VehicleDraft>,
) -> ApiResult<(StatusCode, Json<Vehicle>)> {
    let vehicle = state.app.vehicles().add_vehicle(&actor, id, &draft).await?;
    Ok((StatusCode::CREATED, Json(vehicle.try_into()?)))
}

#[utoipa::path(get, path = "/api/v1/vehicles/{id}", tag = "profile", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = Vehicle)))]
pub async fn get(Api { state, actor }: Api, Id(id): Id<VehicleId>) -> ApiResult<Json<Vehicle>> {
    Ok(Json(state.app.vehicles().vehicle(&actor, id).await?.try_into()?))
}

#[derive(Deserialize, ToSchema)]
pub struct VehicleUpdate {
    /// The version the edit is based on; a stale one gets `409 conflict`.
    pub version: i64,
    #[serde(flatten)]
    pub draft: VehicleDraft,
}

#[utoipa::path(put, path = "/api/v1/vehicles/{id}", tag = "profile", security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = VehicleUpdate,
    responses((status = 200, body = Vehicle), Forbidden, Conflict))]
pub async fn update(
    Api { state, actor }: Api,
    Id(id): Id<VehicleId>,
    ApiJson(body): ApiJson<VehicleUpdate>,
) -> ApiResult<Json<Vehicle>> {
    let vehicle = state.app.vehicles().update_vehicle(&actor, id, body.version, &body.draft).await?;
    Ok(Json(vehicle.try_into()?))
}

#[utoipa::path(delete, path = "/api/v1/vehicles/{id}", tag = "profile", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 204), Forbidden))]
pub async fn delete(Api { state, actor }: Api, Id(id): Id<VehicleId>) -> ApiResult<StatusCode> {
    state.app.vehicles().remove_vehicle(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/parties/{id}/vehicle-interests", tag = "profile", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<VehicleInterest>)))]
pub async fn interests(
    Api { state, actor }: Api,
    Id(id): Id<PartyId>,
) -> ApiResult<Json<Vec<VehicleInterest>>> {
    Ok(Json(public_all(state.app.vehicles().vehicle_interests(&actor, id).await?)?))
}

#[utoipa::path(post, path = "/api/v1/parties/{id}/vehicle-interests", tag = "profile", security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = VehicleInterestDraft,
    responses((status = 201, body = VehicleInterest), Forbidden))]
pub async fn add_interest(
    Api { state, actor }: Api,
    Id(id): Id<PartyId>,
    ApiJson(draft): ApiJson<VehicleInterestDraft>,
) -> ApiResult<(StatusCode, Json<VehicleInterest>)> {
    let interest = state.app.vehicles().add_vehicle_interest(&actor, id, &draft).await?;
    Ok((StatusCode::CREATED, Json(interest.try_into()?)))
}

#[utoipa::path(delete, path = "/api/v1/vehicle-interests/{id}", tag = "profile", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 204), Forbidden))]
pub async fn remove_interest(Api { state, actor }: Api, Id(id): Id<Uuid>) -> ApiResult<StatusCode> {
    state.app.vehicles().remove_vehicle_interest(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

// The public JSON of this capability: what the API promises, apart from
// the views the screens use, so a screen can change without changing it.

#[derive(Serialize, ToSchema)]
#[schema(as = VehicleView)]
pub struct Vehicle {
    pub id: Uuid,
    pub party_id: Uuid,
    /// As written on the plate: `ABC-1234` or `ABC1D23`.
    pub plate: Option<String>,
    pub vin: Option<String>,
    pub make: String,
    pub model: String,
    pub year: Option<i64>,
    pub colour: String,
    pub mileage_km: Option<i64>,
    pub bought_here: bool,
    pub updated_at: DateTime<Utc>,
    pub updated_by: String,
    pub version: i64,
}

impl TryFrom<app::vehicles::VehicleView> for Vehicle {
    type Error = Error;

    fn try_from(view: app::vehicles::VehicleView) -> Result<Self, Error> {
        Ok(Vehicle {
            id: view.id,
            party_id: view.party_id,
            plate: view.plate,
            vin: view.vin,
            make: view.make,
            model: view.model,
            year: view.year,
            colour: view.colour,
            mileage_km: view.mileage_km,
            bought_here: view.bought_here,
            updated_at: view.updated_at,
            updated_by: view.updated_by,
            version: view.version,
        })
    }
}

#[derive(Serialize, ToSchema)]
#[schema(as = VehicleInterestView)]
pub struct VehicleInterest {
    pub id: Uuid,
    pub party_id: Uuid,
    pub make: String,
    pub model: String,
    pub year_from: Option<i64>,
    pub year_to: Option<i64>,
    /// In cents.
    pub price_min: Option<i64>,
    /// In cents.
    pub price_max: Option<i64>,
    pub created_at: DateTime<Utc>,
}

impl TryFrom<app::vehicles::VehicleInterestView> for VehicleInterest {
    type Error = Error;

    fn try_from(view: app::vehicles::VehicleInterestView) -> Result<Self, Error> {
        Ok(VehicleInterest {
            id: view.id,
            party_id: view.party_id,
            make: view.make,
            model: view.model,
            year_from: view.year_from,
            year_to: view.year_to,
            price_min: view.price_min,
            price_max: view.price_max,
            created_at: view.created_at,
        })
    }
}
