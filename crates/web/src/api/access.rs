//! Access control over the API: roles, branches, each user's branch and
//! roles, and portfolio transfers.
use super::responses::{Conflict, Forbidden};
use super::{code, public_all};
use crate::AppState;
use crate::error::ApiResult;
use crate::error::Error;
use crate::extract::{Api, ApiJson, Id};
use axum::Router;
use axum::http::StatusCode;
use axum::response::Json;
use axum::routing;
use domain::access::Permission;
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
    responses((status = 200, body = Vec<Role>), Forbidden))]
pub async fn list_roles(Api { state, actor }: Api) -> ApiResult<Json<Vec<Role>>> {
    Ok(Json(public_all(state.app.access().list_roles(&actor).await?)?))
}

#[derive(Deserialize, ToSchema)]
pub struct NewRole {
    #[schema(min_length = 1)]
    pub name: String,
}

/// Adds a role; it starts with reading the user's own portfolio only.
#[utoipa::path(post, path = "/api/v1/roles", tag = "access", security(("bearer" = [])), request_body = NewRole,
    responses((status = 201, body = Role), Forbidden, Conflict))]
pub async fn create_role(
    Api { state, actor }: Api,
    ApiJson(body): ApiJson<NewRole>,
) -> ApiResult<(StatusCode, Json<Role>)> {
    let role = state.app.access().create_role(&actor, &body.name).await?;
    Ok((StatusCode::CREATED, Json(role.try_into()?)))
}

#[derive(Deserialize, ToSchema)]
pub struct RoleChange {
    /// The version read; a stale one is refused with 409.
    pub version: i64,
    pub permissions: Vec<domain::access::Permission>,
    pub read_level: domain::access::AccessLevel,
    pub write_level: domain::access::AccessLevel,
}

#[utoipa::path(put, path = "/api/v1/roles/{id}", tag = "access", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = RoleChange,
    responses((status = 200, body = Role), Forbidden, Conflict))]
pub async fn update_role(
    Api { state, actor }: Api,
    Id(id): Id<RoleId>,
    ApiJson(body): ApiJson<RoleChange>,
) -> ApiResult<Json<Role>> {
    let role = state
        .app
        .access()
        .update_role(
            &actor,
            id,
            body.version,
            &body.permissions.iter().map(|p| p.as_str().to_string()).collect::<Vec<_>>(),
            body.read_level.as_str(),
            body.write_level.as_str(),
        )
        .await?;
    Ok(Json(role.try_into()?))
}

#[utoipa::path(get, path = "/api/v1/branches", tag = "access", security(("bearer" = [])),
    responses((status = 200, body = Vec<Branch>)))]
pub async fn list_branches(Api { state, actor }: Api) -> ApiResult<Json<Vec<Branch>>> {
    Ok(Json(public_all(state.app.access().list_branches(&actor).await?)?))
}

#[derive(Deserialize, ToSchema)]
pub struct NewBranch {
    #[schema(min_length = 1)]
    pub name: String,
    /// The company [empresa] of the group the branch belongs to.
    #[serde(default)]
    pub company: String,
}

#[utoipa::path(post, path = "/api/v1/branches", tag = "access", security(("bearer" = [])), request_body = NewBranch,
    responses((status = 201, body = Branch), Forbidden, Conflict))]
pub async fn create_branch(
    Api { state, actor }: Api,
    ApiJson(body): ApiJson<NewBranch>,
) -> ApiResult<(StatusCode, Json<Branch>)> {
    let branch = state.app.access().create_branch(&actor, &body.name, &body.company).await?;
    Ok((StatusCode::CREATED, Json(branch.try_into()?)))
}

#[utoipa::path(get, path = "/api/v1/users/{id}/access", tag = "access", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = Assignment), Forbidden))]
pub async fn get_assignment(Api { state, actor }: Api, Id(user): Id<UserId>) -> ApiResult<Json<Assignment>> {
    Ok(Json(state.app.access().assignment(&actor, user).await?.try_into()?))
}

#[derive(Deserialize, ToSchema)]
pub struct AssignmentChange {
    pub branch_id: Option<Uuid>,
    pub role_ids: Vec<Uuid>,
}

/// Sets a user's branch and roles; counts from his next request.
#[utoipa::path(put, path = "/api/v1/users/{id}/access", tag = "access", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = AssignmentChange,
    responses((status = 200, body = Assignment), Forbidden))]
pub async fn set_assignment(
    Api { state, actor }: Api,
    Id(user): Id<UserId>,
    ApiJson(body): ApiJson<AssignmentChange>,
) -> ApiResult<Json<Assignment>> {
    let roles: Vec<RoleId> = body.role_ids.into_iter().map(RoleId).collect();
    let view = state.app.access().assign_user(&actor, user, body.branch_id.map(BranchId), &roles).await?;
    Ok(Json(view.try_into()?))
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
    responses((status = 200, body = TransferDone), Forbidden))]
pub async fn transfer_portfolio(
    Api { state, actor }: Api,
    ApiJson(body): ApiJson<PortfolioTransfer>,
) -> ApiResult<Json<TransferDone>> {
    let moved = state.app.access().transfer_portfolio(&actor, UserId(body.from), UserId(body.to)).await?;
    Ok(Json(TransferDone { moved }))
}

// The public JSON of this capability: what the API promises, apart from
// the views the screens use, so a screen can change without changing it.

#[derive(Serialize, ToSchema)]
#[schema(as = RoleView)]
pub struct Role {
    pub id: Uuid,
    pub key: String,
    pub name: String,
    pub permissions: Vec<Permission>,
    pub read_level: String,
    pub write_level: String,
    pub version: i64,
}

impl TryFrom<app::access::RoleView> for Role {
    type Error = Error;

    fn try_from(view: app::access::RoleView) -> Result<Self, Error> {
        Ok(Role {
            id: view.id,
            key: view.key,
            name: view.name,
            permissions: view.permissions.iter().map(|c| code(c)).collect::<Result<_, _>>()?,
            read_level: view.read_level,
            write_level: view.write_level,
            version: view.version,
        })
    }
}

#[derive(Serialize, ToSchema)]
#[schema(as = BranchView)]
pub struct Branch {
    pub id: Uuid,
    pub name: String,
    pub company: String,
}

impl TryFrom<app::access::BranchView> for Branch {
    type Error = Error;

    fn try_from(view: app::access::BranchView) -> Result<Self, Error> {
        Ok(Branch { id: view.id, name: view.name, company: view.company })
    }
}

/// A user's place in access control: his branch and roles.
#[derive(Serialize, ToSchema)]
#[schema(as = AssignmentView)]
pub struct Assignment {
    pub user_id: Uuid,
    pub branch_id: Option<Uuid>,
    pub role_ids: Vec<Uuid>,
}

impl TryFrom<app::access::AssignmentView> for Assignment {
    type Error = Error;

    fn try_from(view: app::access::AssignmentView) -> Result<Self, Error> {
        Ok(Assignment { user_id: view.user_id, branch_id: view.branch_id, role_ids: view.role_ids })
    }
}
