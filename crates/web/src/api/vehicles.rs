//! Vehicles owned and of interest [veículos, interesse veículo].
use crate::AppState;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiActor, ApiJson, path_id};
use app::vehicles::{VehicleInterestView, VehicleView};
use axum::Router;
use axum::extract::{Path, State};
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
    responses((status = 200, body = Vec<VehicleView>), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<VehicleView>>> {
    let id = path_id::<PartyId>(&id)?;
    Ok(Json(state.app.vehicles().vehicles_of(&actor, id).await?))
}

/// Registers a vehicle the party owns: a plate (old or Mercosul) or a VIN at least.
#[utoipa::path(post, path = "/api/v1/parties/{id}/vehicles", tag = "profile", security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = VehicleDraft,
    responses((status = 201, body = VehicleView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(draft): ApiJson<VehicleDraft>,
) -> ApiResult<(StatusCode, Json<VehicleView>)> {
    let id = path_id::<PartyId>(&id)?;
    let vehicle = state.app.vehicles().add_vehicle(&actor, id, &draft).await?;
    Ok((StatusCode::CREATED, Json(vehicle)))
}

#[utoipa::path(get, path = "/api/v1/vehicles/{id}", tag = "profile", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = VehicleView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> ApiResult<Json<VehicleView>> {
    let id = path_id::<VehicleId>(&id)?;
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
    responses((status = 200, body = VehicleView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<VehicleUpdate>,
) -> ApiResult<Json<VehicleView>> {
    let id = path_id::<VehicleId>(&id)?;
    let vehicle = state.app.vehicles().update_vehicle(&actor, id, body.version, &body.draft).await?;
    Ok(Json(vehicle))
}

#[utoipa::path(delete, path = "/api/v1/vehicles/{id}", tag = "profile", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let id = path_id::<VehicleId>(&id)?;
    state.app.vehicles().remove_vehicle(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/parties/{id}/vehicle-interests", tag = "profile", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<VehicleInterestView>), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn interests(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<VehicleInterestView>>> {
    let id = path_id::<PartyId>(&id)?;
    Ok(Json(state.app.vehicles().vehicle_interests(&actor, id).await?))
}

#[utoipa::path(post, path = "/api/v1/parties/{id}/vehicle-interests", tag = "profile", security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = VehicleInterestDraft,
    responses((status = 201, body = VehicleInterestView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_interest(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(draft): ApiJson<VehicleInterestDraft>,
) -> ApiResult<(StatusCode, Json<VehicleInterestView>)> {
    let id = path_id::<PartyId>(&id)?;
    let interest = state.app.vehicles().add_vehicle_interest(&actor, id, &draft).await?;
    Ok((StatusCode::CREATED, Json(interest)))
}

#[utoipa::path(delete, path = "/api/v1/vehicle-interests/{id}", tag = "profile", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn remove_interest(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let id = path_id::<Uuid>(&id)?;
    state.app.vehicles().remove_vehicle_interest(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
