//! How each person sees the customer list and the work queue, through
//! the API: the columns he chose and the saved views he may open.
use super::responses::{Forbidden, Invalid, NotFound};
use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{Api, ApiJson, Id, parse_urlencoded};
use app::list_views::{NewView, NewWorkView, SavedView};
use app::parties::PartyQuery;
use app::work_queue::WorkQuery;
use axum::Router;
use axum::http::StatusCode;
use axum::response::Json;
use axum::routing;
use chrono::{DateTime, Utc};
use domain::list_view::CustomerColumn;
use domain::work_queue::WorkColumn;
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/lists/customers/columns", routing::get(columns).put(set_columns))
        .route("/lists/customers/views", routing::get(views).post(save_view))
        .route("/lists/work/columns", routing::get(work_columns).put(set_work_columns))
        .route("/lists/work/views", routing::get(work_views).post(save_work_view))
        .route("/views/{id}", routing::delete(delete_view))
}

#[derive(OpenApi)]
#[openapi(paths(
    columns,
    set_columns,
    views,
    save_view,
    work_columns,
    set_work_columns,
    work_views,
    save_work_view,
    delete_view
))]
pub struct Doc;

/// The customer list's columns as the caller chose them (after the name,
/// which is always first), or the defaults.
#[utoipa::path(get, path = "/api/v1/lists/customers/columns", tag = "lists", security(("bearer" = [])),
    responses((status = 200, body = Columns)))]
pub async fn columns(Api { state, actor }: Api) -> ApiResult<Json<Columns>> {
    Ok(Json(Columns { columns: state.app.list_views().columns(&actor).await? }))
}

/// Chooses the customer list's columns, in order.
#[utoipa::path(put, path = "/api/v1/lists/customers/columns", tag = "lists", security(("bearer" = [])),
    request_body = Columns, responses((status = 200, body = Columns), Invalid))]
pub async fn set_columns(
    Api { state, actor }: Api,
    ApiJson(body): ApiJson<Columns>,
) -> ApiResult<Json<Columns>> {
    let chosen = once_each(body.columns);
    state.app.list_views().set_columns(&actor, &chosen).await?;
    Ok(Json(Columns { columns: chosen }))
}

/// The customer list's saved views the caller may open: his own and the
/// shared ones, by name.
#[utoipa::path(get, path = "/api/v1/lists/customers/views", tag = "lists", security(("bearer" = [])),
    responses((status = 200, body = Vec<View>)))]
pub async fn views(Api { state, actor }: Api) -> ApiResult<Json<Vec<View>>> {
    let views = state.app.list_views().views::<CustomerColumn>(&actor).await?;
    Ok(Json(views.into_iter().map(View::from).collect()))
}

/// Saves a view of the customer list: a name for its filters and sort
/// (as the list's query string) and columns, his own or shared.
#[utoipa::path(post, path = "/api/v1/lists/customers/views", tag = "lists", security(("bearer" = [])),
    request_body = NewViewBody, responses((status = 201, body = View), Invalid))]
pub async fn save_view(
    Api { state, actor }: Api,
    ApiJson(body): ApiJson<NewViewBody>,
) -> ApiResult<(StatusCode, Json<View>)> {
    let query: PartyQuery = parse_urlencoded(body.query.trim_start_matches('?').as_bytes())?;
    let input = NewView { name: body.name, query, columns: body.columns, shared: body.shared };
    let saved = state.app.list_views().save_customer_view(&actor, &input).await?;
    Ok((StatusCode::CREATED, Json(saved.into())))
}

/// The work queue's columns as the caller chose them (after the
/// customer, which is always first), or the defaults.
#[utoipa::path(get, path = "/api/v1/lists/work/columns", tag = "lists", security(("bearer" = [])),
    responses((status = 200, body = WorkColumns)))]
pub async fn work_columns(Api { state, actor }: Api) -> ApiResult<Json<WorkColumns>> {
    Ok(Json(WorkColumns { columns: state.app.list_views().columns(&actor).await? }))
}

/// Chooses the work queue's columns, in order.
#[utoipa::path(put, path = "/api/v1/lists/work/columns", tag = "lists", security(("bearer" = [])),
    request_body = WorkColumns, responses((status = 200, body = WorkColumns), Invalid))]
pub async fn set_work_columns(
    Api { state, actor }: Api,
    ApiJson(body): ApiJson<WorkColumns>,
) -> ApiResult<Json<WorkColumns>> {
    let chosen = once_each(body.columns);
    state.app.list_views().set_columns(&actor, &chosen).await?;
    Ok(Json(WorkColumns { columns: chosen }))
}

/// The work queue's saved views the caller may open: his own and the
/// shared ones, by name.
#[utoipa::path(get, path = "/api/v1/lists/work/views", tag = "lists", security(("bearer" = [])),
    responses((status = 200, body = Vec<WorkView>)))]
pub async fn work_views(Api { state, actor }: Api) -> ApiResult<Json<Vec<WorkView>>> {
    let views = state.app.list_views().views::<WorkColumn>(&actor).await?;
    Ok(Json(views.into_iter().map(WorkView::from).collect()))
}

/// Saves a view of the work queue: a name for its filters (as the
/// queue's query string) and columns, his own or shared.
#[utoipa::path(post, path = "/api/v1/lists/work/views", tag = "lists", security(("bearer" = [])),
    request_body = NewWorkViewBody, responses((status = 201, body = WorkView), Invalid))]
pub async fn save_work_view(
    Api { state, actor }: Api,
    ApiJson(body): ApiJson<NewWorkViewBody>,
) -> ApiResult<(StatusCode, Json<WorkView>)> {
    let query: WorkQuery = parse_urlencoded(body.query.trim_start_matches('?').as_bytes())?;
    let input = NewWorkView { name: body.name, query, columns: body.columns, shared: body.shared };
    let saved = state.app.list_views().save_work_view(&actor, &input).await?;
    Ok((StatusCode::CREATED, Json(saved.into())))
}

/// Deletes a view: one's own, or a shared one for an administrator.
#[utoipa::path(delete, path = "/api/v1/views/{id}", tag = "lists", security(("bearer" = [])),
    params(("id" = Uuid, Path)), responses((status = 204), Forbidden, NotFound))]
pub async fn delete_view(Api { state, actor }: Api, Id(id): Id<Uuid>) -> ApiResult<StatusCode> {
    state.app.list_views().delete_view(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

// The public JSON of this capability.

#[derive(Serialize, Deserialize, ToSchema)]
pub struct Columns {
    pub columns: Vec<CustomerColumn>,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct WorkColumns {
    pub columns: Vec<WorkColumn>,
}

#[derive(Deserialize, ToSchema)]
pub struct NewViewBody {
    #[schema(min_length = 1, max_length = 60)]
    pub name: String,
    /// The list's filters and sort as its query string, e.g.
    /// `state=SP&tag=vip&sort=city`.
    #[serde(default)]
    pub query: String,
    /// The columns after the name; none keeps the defaults.
    #[serde(default)]
    pub columns: Vec<CustomerColumn>,
    #[serde(default)]
    pub shared: bool,
}

#[derive(Deserialize, ToSchema)]
pub struct NewWorkViewBody {
    #[schema(min_length = 1, max_length = 60)]
    pub name: String,
    /// The queue's filters as its query string, e.g.
    /// `scope=team&state=open&urgency=overdue&nature=visita`.
    #[serde(default)]
    pub query: String,
    /// The columns after the customer; none keeps the defaults.
    #[serde(default)]
    pub columns: Vec<WorkColumn>,
    #[serde(default)]
    pub shared: bool,
}

#[derive(Serialize, ToSchema)]
pub struct View {
    pub id: Uuid,
    pub name: String,
    /// The list's filters and sort as its query string.
    pub query: String,
    /// The columns after the name.
    pub columns: Vec<CustomerColumn>,
    pub shared: bool,
    pub owner_name: String,
    /// Whether the caller may delete it.
    pub deletable: bool,
    pub created_at: DateTime<Utc>,
}

impl From<SavedView> for View {
    fn from(view: SavedView) -> View {
        View {
            id: view.id,
            name: view.name,
            query: view.query,
            columns: view.columns,
            shared: view.shared,
            owner_name: view.owner_name,
            deletable: view.deletable,
            created_at: view.created_at,
        }
    }
}

/// A saved view of the work queue.
#[derive(Serialize, ToSchema)]
pub struct WorkView {
    pub id: Uuid,
    pub name: String,
    /// The queue's filters as its query string.
    pub query: String,
    /// The columns after the customer.
    pub columns: Vec<WorkColumn>,
    pub shared: bool,
    pub owner_name: String,
    /// Whether the caller may delete it.
    pub deletable: bool,
    pub created_at: DateTime<Utc>,
}

impl From<SavedView<WorkColumn>> for WorkView {
    fn from(view: SavedView<WorkColumn>) -> WorkView {
        WorkView {
            id: view.id,
            name: view.name,
            query: view.query,
            columns: view.columns,
            shared: view.shared,
            owner_name: view.owner_name,
            deletable: view.deletable,
            created_at: view.created_at,
        }
    }
}

/// The columns as asked, each once, in the order first asked.
fn once_each<C: PartialEq>(asked: Vec<C>) -> Vec<C> {
    let mut chosen = Vec::new();
    for column in asked {
        if !chosen.contains(&column) {
            chosen.push(column);
        }
    }
    chosen
}
