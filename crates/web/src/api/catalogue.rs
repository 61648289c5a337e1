//! Stores and the catalogue over the API: read by anyone who records
//! sales, changed by administrators. Prices are whole cents.
use super::responses::{Conflict, Forbidden, Invalid, NotFound};
use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{Api, ApiJson, Id, Query};
use app::catalogue::{ProductView, SellerCodeView, StoreView};
use axum::Router;
use axum::http::StatusCode;
use axum::response::Json;
use axum::routing;
use chrono::{DateTime, Utc};
use domain::catalogue::{ProductDraft, SellerCodeDraft, StoreDraft};
use domain::{Money, ProductId, StoreId};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/stores", routing::get(stores).post(create_store))
        .route("/stores/{id}", routing::get(store).put(update_store))
        .route("/products", routing::get(products).post(create_product))
        .route("/products/{id}", routing::get(product).put(update_product))
        .route("/seller-codes", routing::get(seller_codes).post(map_seller_code))
        .route("/seller-codes/{code}", routing::delete(unmap_seller_code))
}

#[derive(OpenApi)]
#[openapi(paths(
    stores,
    create_store,
    store,
    update_store,
    products,
    create_product,
    product,
    update_product,
    seller_codes,
    map_seller_code,
    unmap_seller_code
))]
pub struct Doc;

#[utoipa::path(get, path = "/api/v1/stores", tag = "sales", security(("bearer" = [])),
    responses((status = 200, body = Vec<Store>)))]
pub async fn stores(Api { state, actor }: Api) -> ApiResult<Json<Vec<Store>>> {
    Ok(Json(state.app.catalogue().stores(&actor).await?.into_iter().map(Store::from).collect()))
}

#[derive(Deserialize, ToSchema)]
pub struct StoreInput {
    /// The store's code in the ERP, unique in the organisation.
    #[schema(min_length = 1, max_length = 40)]
    pub code: String,
    #[schema(min_length = 1)]
    pub name: String,
    /// Optional; checked when given.
    #[serde(default)]
    pub cnpj: String,
}

impl StoreInput {
    fn draft(&self) -> StoreDraft {
        StoreDraft { code: self.code.clone(), name: self.name.clone(), cnpj: self.cnpj.clone() }
    }
}

#[utoipa::path(post, path = "/api/v1/stores", tag = "sales", security(("bearer" = [])), request_body = StoreInput,
    responses((status = 201, body = Store), Invalid, Forbidden, Conflict))]
pub async fn create_store(
    Api { state, actor }: Api,
    ApiJson(body): ApiJson<StoreInput>,
) -> ApiResult<(StatusCode, Json<Store>)> {
    let store = state.app.catalogue().create_store(&actor, &body.draft()).await?;
    Ok((StatusCode::CREATED, Json(store.into())))
}

#[utoipa::path(get, path = "/api/v1/stores/{id}", tag = "sales", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = Store), NotFound))]
pub async fn store(Api { state, actor }: Api, Id(id): Id<StoreId>) -> ApiResult<Json<Store>> {
    Ok(Json(state.app.catalogue().store(&actor, id).await?.into()))
}

#[derive(Deserialize, ToSchema)]
pub struct StoreUpdate {
    /// The version the edit is based on; a stale one gets `409 conflict`.
    pub version: i64,
    /// An inactive store keeps its sales and takes no new ones.
    pub active: bool,
    #[serde(flatten)]
    pub store: StoreInput,
}

#[utoipa::path(put, path = "/api/v1/stores/{id}", tag = "sales", security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = StoreUpdate,
    responses((status = 200, body = Store), Invalid, Forbidden, NotFound, Conflict))]
pub async fn update_store(
    Api { state, actor }: Api,
    Id(id): Id<StoreId>,
    ApiJson(body): ApiJson<StoreUpdate>,
) -> ApiResult<Json<Store>> {
    let store = state
        .app
        .catalogue()
        .update_store(&actor, id, body.version, &body.store.draft(), body.active)
        .await?;
    Ok(Json(store.into()))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProductParams {
    /// Part of the code or the name.
    q: Option<String>,
    /// Inactive products too.
    include_inactive: Option<bool>,
    /// The page after this code (`next_after` of the previous page).
    after: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ProductPage {
    pub products: Vec<Product>,
    /// Pass as `after` for the next page; absent on the last one.
    pub next_after: Option<String>,
}

/// The catalogue by code, 50 a page.
#[utoipa::path(get, path = "/api/v1/products", tag = "sales", security(("bearer" = [])), params(ProductParams),
    responses((status = 200, body = ProductPage)))]
pub async fn products(
    Api { state, actor }: Api,
    Query(params): Query<ProductParams>,
) -> ApiResult<Json<ProductPage>> {
    let text = params.q.unwrap_or_default();
    let page = state
        .app
        .catalogue()
        .products(&actor, &text, params.include_inactive.unwrap_or(false), params.after)
        .await?;
    Ok(Json(ProductPage {
        products: page.products.into_iter().map(Product::from).collect(),
        next_after: page.next_after,
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct ProductInput {
    #[schema(min_length = 1, max_length = 40)]
    pub code: String,
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    /// `UN` when left out.
    #[serde(default)]
    #[schema(max_length = 6)]
    pub unit: String,
    /// In cents.
    #[schema(minimum = 0, maximum = 99_999_999_999_999_999_i64)]
    pub price: i64,
    /// Names in the organisation's lists; a new name joins its list.
    #[serde(default)]
    #[schema(max_length = 80)]
    pub group: String,
    #[serde(default)]
    #[schema(max_length = 80)]
    pub brand: String,
    #[serde(default)]
    #[schema(max_length = 80)]
    pub line: String,
    #[serde(default = "active_by_default")]
    pub active: bool,
}

fn active_by_default() -> bool {
    true
}

impl ProductInput {
    fn draft(&self) -> ProductDraft {
        ProductDraft {
            code: self.code.clone(),
            name: self.name.clone(),
            unit: self.unit.clone(),
            price: Money(self.price).format_plain(),
            group: self.group.clone(),
            brand: self.brand.clone(),
            line: self.line.clone(),
            active: self.active,
        }
    }
}

#[utoipa::path(post, path = "/api/v1/products", tag = "sales", security(("bearer" = [])), request_body = ProductInput,
    responses((status = 201, body = Product), Invalid, Forbidden, Conflict))]
pub async fn create_product(
    Api { state, actor }: Api,
    ApiJson(body): ApiJson<ProductInput>,
) -> ApiResult<(StatusCode, Json<Product>)> {
    let product = state.app.catalogue().create_product(&actor, &body.draft()).await?;
    Ok((StatusCode::CREATED, Json(product.into())))
}

#[utoipa::path(get, path = "/api/v1/products/{id}", tag = "sales", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = Product), NotFound))]
pub async fn product(Api { state, actor }: Api, Id(id): Id<ProductId>) -> ApiResult<Json<Product>> {
    Ok(Json(state.app.catalogue().product(&actor, id).await?.into()))
}

#[derive(Deserialize, ToSchema)]
pub struct ProductUpdate {
    /// The version the edit is based on; a stale one gets `409 conflict`.
    pub version: i64,
    #[serde(flatten)]
    pub product: ProductInput,
}

#[utoipa::path(put, path = "/api/v1/products/{id}", tag = "sales", security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = ProductUpdate,
    responses((status = 200, body = Product), Invalid, Forbidden, NotFound, Conflict))]
pub async fn update_product(
    Api { state, actor }: Api,
    Id(id): Id<ProductId>,
    ApiJson(body): ApiJson<ProductUpdate>,
) -> ApiResult<Json<Product>> {
    let product =
        state.app.catalogue().update_product(&actor, id, body.version, &body.product.draft()).await?;
    Ok(Json(product.into()))
}

#[derive(Serialize, ToSchema)]
pub struct Store {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub cnpj: Option<String>,
    pub active: bool,
    pub version: i64,
}

impl From<StoreView> for Store {
    fn from(view: StoreView) -> Self {
        Store {
            id: view.id,
            code: view.code,
            name: view.name,
            cnpj: view.cnpj,
            active: view.active,
            version: view.version,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct Product {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub unit: String,
    /// In cents.
    pub price: i64,
    pub group: Option<String>,
    pub brand: Option<String>,
    pub line: Option<String>,
    pub active: bool,
    pub version: i64,
    pub updated_at: DateTime<Utc>,
}

impl From<ProductView> for Product {
    fn from(view: ProductView) -> Self {
        Product {
            id: view.id,
            code: view.code,
            name: view.name,
            unit: view.unit,
            price: view.price.0,
            group: view.group,
            brand: view.brand,
            line: view.line,
            active: view.active,
            version: view.version,
            updated_at: view.updated_at,
        }
    }
}

/// A seller code of the ERP and the user whose sales it marks: a sale sent
/// with the code (`seller_code`) is that user's.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct SellerCode {
    #[schema(min_length = 1, max_length = 40)]
    pub code: String,
    pub user_id: Uuid,
    /// Read only.
    #[serde(default)]
    pub user_name: String,
}

impl From<SellerCodeView> for SellerCode {
    fn from(view: SellerCodeView) -> Self {
        SellerCode { code: view.code, user_id: view.user_id, user_name: view.user_name }
    }
}

#[utoipa::path(get, path = "/api/v1/seller-codes", tag = "sales", security(("bearer" = [])),
    responses((status = 200, body = Vec<SellerCode>)))]
pub async fn seller_codes(Api { state, actor }: Api) -> ApiResult<Json<Vec<SellerCode>>> {
    Ok(Json(state.app.catalogue().seller_codes(&actor).await?.into_iter().map(SellerCode::from).collect()))
}

#[utoipa::path(post, path = "/api/v1/seller-codes", tag = "sales", security(("bearer" = [])), request_body = SellerCode,
    responses((status = 201, body = SellerCode), Invalid, Forbidden, Conflict))]
pub async fn map_seller_code(
    Api { state, actor }: Api,
    ApiJson(body): ApiJson<SellerCode>,
) -> ApiResult<(StatusCode, Json<SellerCode>)> {
    let draft = SellerCodeDraft { code: body.code, user_id: body.user_id.to_string() };
    let mapped = state.app.catalogue().map_seller_code(&actor, &draft).await?;
    Ok((StatusCode::CREATED, Json(mapped.into())))
}

#[utoipa::path(delete, path = "/api/v1/seller-codes/{code}", tag = "sales", security(("bearer" = [])), params(("code" = String, Path)),
    responses((status = 204), Forbidden, NotFound))]
pub async fn unmap_seller_code(Api { state, actor }: Api, Id(code): Id<String>) -> ApiResult<StatusCode> {
    state.app.catalogue().unmap_seller_code(&actor, &code).await?;
    Ok(StatusCode::NO_CONTENT)
}
