//! Orders [pedidos] over the API: an accepted quote made an order, a
//! destination's queue, an order with its steps, and a step.
use super::responses::{Conflict, Forbidden, Invalid, NotFound};
use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{Api, ApiJson, Id, Query};
use app::orders::OrderView;
use axum::Router;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Json;
use axum::routing;
use chrono::{DateTime, NaiveDate, Utc};
use domain::money::Currency;
use domain::order::{Destination, InvoiceDraft, OrderState};
use domain::quote::PaymentTerms;
use domain::{OrderId, QuoteId};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/quotes/{id}/order", routing::post(create))
        .route("/orders", routing::get(queue))
        .route("/orders/{id}", routing::get(get))
        .route("/orders/{id}/state", routing::post(move_to))
        .route("/orders/{id}/invoice", routing::post(invoice))
        .route("/settings/order-routing", routing::get(routing_rule).put(save_routing_rule))
}

#[derive(OpenApi)]
#[openapi(paths(create, queue, get, move_to, invoice, routing_rule, save_routing_rule))]
pub struct Doc;

#[derive(Deserialize, ToSchema)]
pub struct OrderRequest {
    /// Where the order is worked on: the plant manager's queue or the sales office's; where the routing rule sends it when left out.
    pub destination: Option<Destination>,
}

/// The routing rule: orders with a product of these groups go to production, the others to the sales office.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct Routing {
    /// Names of the catalogue's product groups.
    #[schema(max_items = 500)]
    pub production_groups: Vec<String>,
}

#[derive(Deserialize, ToSchema)]
pub struct OrderStep {
    /// The version the step is based on; a stale one gets `409 conflict`.
    pub version: i64,
    /// `in_production` (production only), `ready`, `delivered` or `cancelled`, one step at a time; an order is invoiced through `/invoice`.
    pub state: OrderState,
}

/// An order's invoice: the store that issues it, its fiscal note and, for installment terms, the first due day.
#[derive(Deserialize, ToSchema)]
pub struct Invoice {
    /// The version the invoice is based on; a stale one gets `409 conflict`.
    pub version: i64,
    /// The issuing store's code.
    #[schema(min_length = 1)]
    pub store: String,
    /// The fiscal note's number (NF-e), up to 20 characters.
    #[serde(default)]
    pub fiscal_number: String,
    /// The fiscal note's 44-digit access key.
    #[serde(default)]
    pub fiscal_key: String,
    /// With installment terms, the first installment's due day; a month after today when left out. Ignored for cash terms.
    #[serde(default)]
    pub first_due: Option<NaiveDate>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueParams {
    pub destination: Destination,
    /// One state; the open ones (received, in production, ready) when left out.
    pub state: Option<OrderState>,
    /// Start after this order number (the last of the previous page).
    #[param(minimum = 0)]
    pub after: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct Order {
    pub id: Uuid,
    pub party_id: Uuid,
    pub party_name: String,
    pub quote_id: Uuid,
    pub quote_number: i64,
    /// The organisation's order number.
    pub number: i64,
    pub destination: Destination,
    pub state: OrderState,
    pub currency: Currency,
    /// The accepted quote's total, in cents.
    pub total: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
    /// The quote's payment terms, which invoicing follows.
    pub payment_terms: PaymentTerms,
    /// How many installments those terms give (1 for cash).
    pub installments: u32,
    /// The sale it became when invoiced.
    pub sale_id: Option<Uuid>,
    /// Each state it reached, who moved it and when; empty in a queue.
    pub steps: Vec<Step>,
}

#[derive(Serialize, ToSchema)]
pub struct Step {
    pub state: OrderState,
    pub at: DateTime<Utc>,
    pub by: String,
}

impl From<OrderView> for Order {
    fn from(view: OrderView) -> Order {
        Order {
            id: view.id,
            party_id: view.party_id,
            party_name: view.party_name,
            quote_id: view.quote_id,
            quote_number: view.quote_number,
            number: view.number,
            destination: view.destination,
            state: view.state,
            currency: view.currency,
            total: view.total.0,
            created_at: view.created_at,
            updated_at: view.updated_at,
            version: view.version,
            payment_terms: view.payment_terms,
            installments: view.installments,
            sale_id: view.sale_id,
            steps: view.steps.into_iter().map(|(state, at, by)| Step { state, at, by }).collect(),
        }
    }
}

/// Makes an accepted quote an order (one per quote), numbered after the organisation's last.
#[utoipa::path(post, path = "/api/v1/quotes/{id}/order", tag = "quotes", security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = OrderRequest,
    responses((status = 201, body = Order), Invalid, Forbidden, NotFound))]
pub async fn create(
    Api { state, actor }: Api,
    Id(id): Id<QuoteId>,
    ApiJson(body): ApiJson<OrderRequest>,
) -> ApiResult<(StatusCode, Json<Order>)> {
    let order = state.app.orders().order_quote(&actor, id, body.destination).await?;
    Ok((StatusCode::CREATED, Json(order.into())))
}

/// A page of a destination's queue, the oldest order first, 100 orders read at a time (fewer when some are of customers the caller may not see); the next page starts `after` the last number read, given in the `X-Next-After` header when there is one.
#[utoipa::path(get, path = "/api/v1/orders", tag = "quotes", security(("bearer" = [])), params(QueueParams),
    responses((status = 200, body = Vec<Order>, headers(("x-next-after" = i64, description = "The `after` of the next page; absent on the last."))), Invalid))]
pub async fn queue(
    Api { state, actor }: Api,
    Query(params): Query<QueueParams>,
) -> ApiResult<(HeaderMap, Json<Vec<Order>>)> {
    let found = state.app.orders().queue(&actor, params.destination, params.state, params.after).await?;
    let mut headers = HeaderMap::new();
    if let Some(after) = found.next_after {
        headers.insert("x-next-after", HeaderValue::from(after));
    }
    Ok((headers, Json(found.orders.into_iter().map(Order::from).collect())))
}

#[utoipa::path(get, path = "/api/v1/orders/{id}", tag = "quotes", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = Order), NotFound))]
pub async fn get(Api { state, actor }: Api, Id(id): Id<OrderId>) -> ApiResult<Json<Order>> {
    Ok(Json(state.app.orders().order(&actor, id).await?.into()))
}

/// Moves the order one step.
#[utoipa::path(post, path = "/api/v1/orders/{id}/state", tag = "quotes", security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = OrderStep,
    responses((status = 200, body = Order), Invalid, Forbidden, NotFound, Conflict))]
pub async fn move_to(
    Api { state, actor }: Api,
    Id(id): Id<OrderId>,
    ApiJson(body): ApiJson<OrderStep>,
) -> ApiResult<Json<Order>> {
    Ok(Json(state.app.orders().move_order(&actor, id, body.version, body.state).await?.into()))
}

/// Invoices a delivered order: in one step the order becomes a sale of its customer (the quote's lines, its discount spread over them, the freight as an item) with the installments its payment terms give, and is marked invoiced.
#[utoipa::path(post, path = "/api/v1/orders/{id}/invoice", tag = "quotes", security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = Invoice,
    responses((status = 200, body = Order), Invalid, Forbidden, NotFound, Conflict))]
pub async fn invoice(
    Api { state, actor }: Api,
    Id(id): Id<OrderId>,
    ApiJson(body): ApiJson<Invoice>,
) -> ApiResult<Json<Order>> {
    let draft = InvoiceDraft {
        store: body.store,
        fiscal_number: body.fiscal_number,
        fiscal_key: body.fiscal_key,
        first_due: body.first_due.map(|day| day.to_string()).unwrap_or_default(),
    };
    let freight = crate::i18n::tr_for(&actor).get("order-invoice-freight-item");
    Ok(Json(state.app.orders().invoice_order(&actor, id, body.version, &draft, &freight).await?.into()))
}

#[utoipa::path(get, path = "/api/v1/settings/order-routing", tag = "quotes", security(("bearer" = [])),
    responses((status = 200, body = Routing)))]
pub async fn routing_rule(Api { state, actor }: Api) -> ApiResult<Json<Routing>> {
    Ok(Json(Routing { production_groups: state.app.orders().production_groups(&actor).await? }))
}

/// Replaces the routing rule (administrators).
#[utoipa::path(put, path = "/api/v1/settings/order-routing", tag = "quotes", security(("bearer" = [])), request_body = Routing,
    responses((status = 200, body = Routing), Invalid, Forbidden))]
pub async fn save_routing_rule(
    Api { state, actor }: Api,
    ApiJson(body): ApiJson<Routing>,
) -> ApiResult<Json<Routing>> {
    let saved = state.app.orders().set_production_groups(&actor, &body.production_groups).await?;
    Ok(Json(Routing { production_groups: saved }))
}
