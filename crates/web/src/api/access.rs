//! Access control over the API: roles, branches, each user's branch and
//! roles, and portfolio transfers.
use super::responses::{Conflict, Forbidden, Invalid, NotFound, Unauthorized};
use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{Api, ApiJson, Id};
use app::access::{AssignmentView, BranchView, RoleView};
use axum::Router;
use axum::http::StatusCode;
use axum::response::Json;
use axum::routing;
use domain::{BranchId, RoleId, UserId};
use serde::{Deserialize, Serialize};
use utoipa::OpenApi;
use utoipa::ToSchema;
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/roles", routing::get(list_roles).post(create_role))
        .route("/roles/{id}", routing::put(update_role))
        .route("/branches", routing::get(list_branches).post(create_branch))
        .route("/users/{id}/access", routing::get(get_assignment).put(set_assignment))
        .route("/portfolios/transfer", routing::post(transfer_portfolio))
}

#[derive(OpenApi)]
#[openapi(paths(
    list_roles,
    create_role,
    update_role,
    list_branches,
    create_branch,
    get_assignment,
    set_assignment,
    transfer_portfolio
))]
pub struct Doc;

#[utoipa::path(get, path = "/api/v1/roles", tag = "access", security(("bearer" = [])),
    responses((status = 200, body = Vec<RoleView>), Forbidden))]
pub async fn list_roles(Api { state, actor }: Api) -> ApiResult<Json<Vec<RoleView>>> {
    Ok(Json(state.app.access().list_roles(&actor).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct NewRole {
    pub name: String,
}

/// Adds a role; it starts with reading the user's own portfolio only.
#[utoipa::path(post, path = "/api/v1/roles", tag = "access", security(("bearer" = [])), request_body = NewRole,
    responses((status = 201, body = RoleView), Forbidden, Invalid))]
pub async fn create_role(
    Api { state, actor }: Api,
    ApiJson(body): ApiJson<NewRole>,
) -> ApiResult<(StatusCode, Json<RoleView>)> {
    let role = state.app.access().create_role(&actor, &body.name).await?;
    Ok((StatusCode::CREATED, Json(role)))
}

#[derive(Deserialize, ToSchema)]
pub struct RoleChange {
    /// The version read; a stale one is refused with 409.
    pub version: i64,
    /// e.g. `parties.read`, `parties.export`, `fields.financial`, `administer`
    pub permissions: Vec<String>,
    /// `own`, `branch` or `organisation`
    pub read_level: String,
    /// `own`, `branch` or `organisation`
    pub write_level: String,
}

#[utoipa::path(put, path = "/api/v1/roles/{id}", tag = "access", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = RoleChange,
    responses((status = 200, body = RoleView), Forbidden, Conflict, Invalid))]
pub async fn update_role(
    Api { state, actor }: Api,
    Id(id): Id<RoleId>,
    ApiJson(body): ApiJson<RoleChange>,
) -> ApiResult<Json<RoleView>> {
    let role = state
        .app
        .access()
        .update_role(&actor, id, body.version, &body.permissions, &body.read_level, &body.write_level)
        .await?;
    Ok(Json(role))
}

#[utoipa::path(get, path = "/api/v1/branches", tag = "access", security(("bearer" = [])),
    responses((status = 200, body = Vec<BranchView>), Unauthorized))]
pub async fn list_branches(Api { state, actor }: Api) -> ApiResult<Json<Vec<BranchView>>> {
    Ok(Json(state.app.access().list_branches(&actor).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct NewBranch {
    pub name: String,
    /// The company [empresa] of the group the branch belongs to.
    #[serde(default)]
    pub company: String,
}

#[utoipa::path(post, path = "/api/v1/branches", tag = "access", security(("bearer" = [])), request_body = NewBranch,
    responses((status = 201, body = BranchView), Forbidden, Invalid))]
pub async fn create_branch(
    Api { state, actor }: Api,
    ApiJson(body): ApiJson<NewBranch>,
) -> ApiResult<(StatusCode, Json<BranchView>)> {
    let branch = state.app.access().create_branch(&actor, &body.name, &body.company).await?;
    Ok((StatusCode::CREATED, Json(branch)))
}

#[utoipa::path(get, path = "/api/v1/users/{id}/access", tag = "access", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = AssignmentView), Forbidden, NotFound))]
pub async fn get_assignment(
    Api { state, actor }: Api,
    Id(user): Id<UserId>,
) -> ApiResult<Json<AssignmentView>> {
    Ok(Json(state.app.access().assignment(&actor, user).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct AssignmentChange {
    pub branch_id: Option<Uuid>,
    pub role_ids: Vec<Uuid>,
}

/// Sets a user's branch and roles; counts from his next request.
#[utoipa::path(put, path = "/api/v1/users/{id}/access", tag = "access", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = AssignmentChange,
    responses((status = 200, body = AssignmentView), Forbidden, Invalid))]
pub async fn set_assignment(
    Api { state, actor }: Api,
    Id(user): Id<UserId>,
    ApiJson(body): ApiJson<AssignmentChange>,
) -> ApiResult<Json<AssignmentView>> {
    let roles: Vec<RoleId> = body.role_ids.into_iter().map(RoleId).collect();
    let view = state.app.access().assign_user(&actor, user, body.branch_id.map(BranchId), &roles).await?;
    Ok(Json(view))
}

#[derive(Deserialize, ToSchema)]
pub struct PortfolioTransfer {
    pub from: Uuid,
    pub to: Uuid,
}

#[derive(Serialize, ToSchema)]
pub struct TransferDone {
    /// How many parties changed owner.
    pub moved: u64,
}

/// Moves a manager's whole portfolio to another manager (audited).
#[utoipa::path(post, path = "/api/v1/portfolios/transfer", tag = "access", security(("bearer" = [])),
    request_body = PortfolioTransfer,
    responses((status = 200, body = TransferDone), Forbidden, Invalid))]
pub async fn transfer_portfolio(
    Api { state, actor }: Api,
    ApiJson(body): ApiJson<PortfolioTransfer>,
) -> ApiResult<Json<TransferDone>> {
    let moved = state.app.access().transfer_portfolio(&actor, UserId(body.from), UserId(body.to)).await?;
    Ok(Json(TransferDone { moved }))
}
