//! Vehicles owned and of interest [veículos, interesse veículo].
use super::responses::{Conflict, Forbidden, Invalid, NotFound, Unauthorized};
use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{Api, ApiJson, Id};
use app::vehicles::{VehicleInterestView, VehicleView};
use axum::Router;
use axum::http::StatusCode;
use axum::response::Json;
use axum::routing;
use domain::vehicle::{VehicleDraft, VehicleInterestDraft};
use domain::{PartyId, VehicleId};
use serde::Deserialize;
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
    responses((status = 200, body = Vec<VehicleView>), Unauthorized, NotFound))]
pub async fn list(Api { state, actor }: Api, Id(id): Id<PartyId>) -> ApiResult<Json<Vec<VehicleView>>> {
    Ok(Json(state.app.vehicles().vehicles_of(&actor, id).await?))
}

/// Registers a vehicle the party owns: a plate (old or Mercosul) or a VIN at least.
#[utoipa::path(post, path = "/api/v1/parties/{id}/vehicles", tag = "profile", security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = VehicleDraft,
    responses((status = 201, body = VehicleView), Unauthorized, Forbidden, NotFound, Invalid))]
pub async fn create(
    Api { state, actor }: Api,
    Id(id): Id<PartyId>,
    ApiJson(draft): ApiJson<VehicleDraft>,
) -> ApiResult<(StatusCode, Json<VehicleView>)> {
    let vehicle = state.app.vehicles().add_vehicle(&actor, id, &draft).await?;
    Ok((StatusCode::CREATED, Json(vehicle)))
}

#[utoipa::path(get, path = "/api/v1/vehicles/{id}", tag = "profile", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = VehicleView), Unauthorized, NotFound))]
pub async fn get(Api { state, actor }: Api, Id(id): Id<VehicleId>) -> ApiResult<Json<VehicleView>> {
    Ok(Json(state.app.vehicles().vehicle(&actor, id).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct VehicleUpdate {
    /// The version the edit is based on; a stale one gets `409 conflict`.
    pub version: i64,
    #[serde(flatten)]
    pub draft: VehicleDraft,
}

#[utoipa::path(put, path = "/api/v1/vehicles/{id}", tag = "profile", security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = VehicleUpdate,
    responses((status = 200, body = VehicleView), Unauthorized, Forbidden, NotFound, Conflict, Invalid))]
pub async fn update(
    Api { state, actor }: Api,
    Id(id): Id<VehicleId>,
    ApiJson(body): ApiJson<VehicleUpdate>,
) -> ApiResult<Json<VehicleView>> {
    let vehicle = state.app.vehicles().update_vehicle(&actor, id, body.version, &body.draft).await?;
    Ok(Json(vehicle))
}

#[utoipa::path(delete, path = "/api/v1/vehicles/{id}", tag = "profile", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 204), Unauthorized, Forbidden, NotFound))]
pub async fn delete(Api { state, actor }: Api, Id(id): Id<VehicleId>) -> ApiResult<StatusCode> {
    state.app.vehicles().remove_vehicle(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/parties/{id}/vehicle-interests", tag = "profile", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<VehicleInterestView>), Unauthorized, NotFound))]
pub async fn interests(
    Api { state, actor }: Api,
    Id(id): Id<PartyId>,
) -> ApiResult<Json<Vec<VehicleInterestView>>> {
    Ok(Json(state.app.vehicles().vehicle_interests(&actor, id).await?))
}

#[utoipa::path(post, path = "/api/v1/parties/{id}/vehicle-interests", tag = "profile", security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = VehicleInterestDraft,
    responses((status = 201, body = VehicleInterestView), Unauthorized, Forbidden, NotFound, Invalid))]
pub async fn add_interest(
    Api { state, actor }: Api,
    Id(id): Id<PartyId>,
    ApiJson(draft): ApiJson<VehicleInterestDraft>,
) -> ApiResult<(StatusCode, Json<VehicleInterestView>)> {
    let interest = state.app.vehicles().add_vehicle_interest(&actor, id, &draft).await?;
    Ok((StatusCode::CREATED, Json(interest)))
}

#[utoipa::path(delete, path = "/api/v1/vehicle-interests/{id}", tag = "profile", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 204), Unauthorized, Forbidden, NotFound))]
pub async fn remove_interest(Api { state, actor }: Api, Id(id): Id<Uuid>) -> ApiResult<StatusCode> {
    state.app.vehicles().remove_vehicle_interest(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
