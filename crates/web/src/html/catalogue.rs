//! Lojas e produtos: the administrator's pages for the stores that sell
//! and the catalogue they sell from (group, brand and line suggested from
//! the organisation's lists, a new name joining its list).
use super::components::{FieldMessages, FormOutcome, FormValues, Pairs, number, url_encode, value};
use crate::AppState;
use crate::error::PageResult;
use crate::extract::{Form, Id, Page, Query};
use crate::flash::Flash;
use crate::i18n::Tr;
use crate::layout::{Shell, render_with_status};
use app::AppError;
use app::catalogue::{CatalogueLists, ProductView, SellerCodeView, StoreView};
use askama::Template;
use axum::Router;
use axum::routing;
use domain::catalogue::{ProductDraft, SellerCodeDraft, StoreDraft};
use domain::{ProductId, StoreId, ValidationErrors};
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/stores", routing::get(stores).post(create_store))
        .route("/admin/stores/{id}", routing::get(edit_store).post(update_store))
        .route("/admin/sellers", routing::post(map_seller_code))
        .route("/admin/sellers/{code}/delete", routing::post(unmap_seller_code))
        .route("/admin/products", routing::get(products).post(create_product))
        .route("/admin/products/{id}", routing::get(edit_product).post(update_product))
}

#[derive(Template)]
#[template(path = "catalogue/stores.html")]
struct StoresPage {
    t: Tr,
    shell: Shell,
    stores: Vec<StoreView>,
    form: FormValues,
    errors: FieldMessages,
    sellers: Vec<SellerLine>,
    users: Vec<(String, String)>,
    seller_form: FormValues,
    seller_errors: FieldMessages,
}

#[derive(Template)]
#[template(path = "catalogue/store.html")]
struct StorePage {
    t: Tr,
    shell: Shell,
    store: StoreView,
    form: FormValues,
    errors: FieldMessages,
    alert: Option<String>,
}

fn store_draft(form: &Pairs) -> StoreDraft {
    StoreDraft {
        code: value(form, "code").to_string(),
        name: value(form, "name").to_string(),
        cnpj: value(form, "cnpj").to_string(),
    }
}

/// A seller code's row, with where its remove form posts.
struct SellerLine {
    code: String,
    user_name: String,
    delete_path: String,
}

impl From<SellerCodeView> for SellerLine {
    fn from(view: SellerCodeView) -> Self {
        // A path segment takes %20 for a space, where a form takes +.
        let segment = url_encode(&view.code).replace('+', "%20");
        SellerLine {
            delete_path: format!("/admin/sellers/{segment}/delete"),
            code: view.code,
            user_name: view.user_name,
        }
    }
}

/// What was typed in one of the page's two forms, and how it went.
enum Typed {
    Nothing,
    Store(Pairs),
    Seller(Pairs),
}

async fn stores_page(page: &Page, typed: Typed, outcome: FormOutcome) -> PageResult {
    let catalogue = page.app().catalogue();
    let users = page.app().users();
    let (stores, sellers, users) = tokio::try_join!(
        catalogue.stores(&page.actor),
        catalogue.seller_codes(&page.actor),
        users.list_users(&page.actor),
    )?;
    let users =
        users.into_iter().filter(|u| u.active).map(|u| (u.id.0.to_string(), u.display_name)).collect();
    let (store_typed, seller_typed, store_errors, seller_errors) = match typed {
        Typed::Nothing => {
            (Pairs::default(), Pairs::default(), FieldMessages::default(), FieldMessages::default())
        }
        Typed::Store(form) => (form, Pairs::default(), outcome.errors, FieldMessages::default()),
        Typed::Seller(form) => (Pairs::default(), form, FieldMessages::default(), outcome.errors),
    };
    let body = StoresPage {
        stores,
        form: FormValues(store_typed),
        errors: store_errors,
        sellers: sellers.into_iter().map(SellerLine::from).collect(),
        users,
        seller_form: FormValues(seller_typed),
        seller_errors,
        shell: page.shell("settings"),
        t: page.t,
    };
    Ok(render_with_status(outcome.status, &body))
}

async fn stores(page: Page) -> PageResult {
    let outcome = FormOutcome::of(None, &page.t)?;
    stores_page(&page, Typed::Nothing, outcome).await
}

async fn create_store(page: Page, Form(form): Form<Pairs>) -> PageResult {
    match page.app().catalogue().create_store(&page.actor, &store_draft(&form)).await {
        Ok(_) => page.redirect_with("/admin/stores", Flash::notice("store-created")).await,
        Err(error) => {
            let outcome = FormOutcome::of(Some(error), &page.t)?;
            stores_page(&page, Typed::Store(form), outcome).await
        }
    }
}

async fn map_seller_code(page: Page, Form(form): Form<Pairs>) -> PageResult {
    let draft = SellerCodeDraft {
        code: value(&form, "code").to_string(),
        user_id: value(&form, "user_id").to_string(),
    };
    match page.app().catalogue().map_seller_code(&page.actor, &draft).await {
        Ok(_) => page.redirect_with("/admin/stores#sellers-title", Flash::notice("seller-code-mapped")).await,
        Err(error) => {
            let outcome = FormOutcome::of(Some(error), &page.t)?;
            stores_page(&page, Typed::Seller(form), outcome).await
        }
    }
}

async fn unmap_seller_code(page: Page, Id(code): Id<String>) -> PageResult {
    page.app().catalogue().unmap_seller_code(&page.actor, &code).await?;
    page.redirect_with("/admin/stores#sellers-title", Flash::notice("seller-code-removed")).await
}

fn store_values(store: &StoreView) -> Pairs {
    vec![
        ("code".into(), store.code.clone()),
        ("name".into(), store.name.clone()),
        ("cnpj".into(), store.cnpj.clone().unwrap_or_default()),
        ("active".into(), if store.active { "true".into() } else { String::new() }),
        ("version".into(), store.version.to_string()),
    ]
}

async fn store_page(page: &Page, id: StoreId, typed: Option<Pairs>, outcome: FormOutcome) -> PageResult {
    let store = page.app().catalogue().store(&page.actor, id).await?;
    let body = StorePage {
        form: FormValues(typed.unwrap_or_else(|| store_values(&store))),
        store,
        errors: outcome.errors,
        alert: outcome.alert,
        shell: page.shell("settings"),
        t: page.t,
    };
    Ok(render_with_status(outcome.status, &body))
}

async fn edit_store(page: Page, Id(id): Id<StoreId>) -> PageResult {
    let outcome = FormOutcome::of(None, &page.t)?;
    store_page(&page, id, None, outcome).await
}

async fn update_store(page: Page, Id(id): Id<StoreId>, Form(form): Form<Pairs>) -> PageResult {
    let mut errors = ValidationErrors::new();
    let version: Option<i64> = number(&form, "version", &mut errors);
    let active = value(&form, "active") == "true";
    let saved = match version {
        Some(version) if errors.is_empty() => {
            page.app().catalogue().update_store(&page.actor, id, version, &store_draft(&form), active).await
        }
        _ => Err(AppError::Validation(ValidationErrors::single("version", "error-not-found"))),
    };
    match saved {
        Ok(_) => page.redirect_with("/admin/stores", Flash::notice("settings-saved")).await,
        Err(error) => {
            let outcome = FormOutcome::of(Some(error), &page.t)?;
            store_page(&page, id, Some(form), outcome).await
        }
    }
}

#[derive(Template)]
#[template(path = "catalogue/products.html")]
struct ProductsPage {
    t: Tr,
    shell: Shell,
    products: Vec<ProductLine>,
    text: String,
    inactive: bool,
    next: Option<String>,
    lists: CatalogueLists,
    form: FormValues,
    errors: FieldMessages,
}

struct ProductLine {
    id: String,
    code: String,
    name: String,
    unit: String,
    price: String,
    filed: String,
    active: bool,
}

impl ProductLine {
    fn of(product: ProductView) -> ProductLine {
        let filed: Vec<String> = [product.group, product.brand, product.line].into_iter().flatten().collect();
        ProductLine {
            id: product.id.to_string(),
            code: product.code,
            name: product.name,
            unit: product.unit,
            price: product.price.format_plain(),
            filed: filed.join(" · "),
            active: product.active,
        }
    }
}

#[derive(Template)]
#[template(path = "catalogue/product.html")]
struct ProductPage {
    t: Tr,
    shell: Shell,
    product: ProductView,
    lists: CatalogueLists,
    form: FormValues,
    errors: FieldMessages,
    alert: Option<String>,
}

#[derive(Default, Deserialize)]
struct ProductFilter {
    q: Option<String>,
    inactive: Option<String>,
    after: Option<String>,
}

fn product_draft(form: &Pairs) -> ProductDraft {
    ProductDraft {
        code: value(form, "code").to_string(),
        name: value(form, "name").to_string(),
        unit: value(form, "unit").to_string(),
        price: value(form, "price").to_string(),
        group: value(form, "group").to_string(),
        brand: value(form, "brand").to_string(),
        line: value(form, "line").to_string(),
        active: value(form, "active") == "true",
    }
}

async fn products_page(
    page: &Page,
    filter: ProductFilter,
    typed: Option<Pairs>,
    outcome: FormOutcome,
) -> PageResult {
    let text = filter.q.unwrap_or_default();
    let inactive = filter.inactive.is_some_and(|v| v == "true");
    let catalogue = page.app().catalogue();
    let (found, lists) = tokio::try_join!(
        catalogue.products(&page.actor, &text, inactive, filter.after),
        catalogue.lists(&page.actor)
    )?;
    let body = ProductsPage {
        products: found.products.into_iter().map(ProductLine::of).collect(),
        next: found.next_after.map(|after| {
            let shown = if inactive { "&inactive=true" } else { "" };
            format!("/admin/products?q={}{shown}&after={}", url_encode(&text), url_encode(&after))
        }),
        text,
        inactive,
        lists,
        form: FormValues(typed.unwrap_or_else(|| vec![("active".into(), "true".into())])),
        errors: outcome.errors,
        shell: page.shell("settings"),
        t: page.t,
    };
    Ok(render_with_status(outcome.status, &body))
}

async fn products(page: Page, Query(filter): Query<ProductFilter>) -> PageResult {
    let outcome = FormOutcome::of(None, &page.t)?;
    products_page(&page, filter, None, outcome).await
}

async fn create_product(page: Page, Form(form): Form<Pairs>) -> PageResult {
    match page.app().catalogue().create_product(&page.actor, &product_draft(&form)).await {
        Ok(_) => page.redirect_with("/admin/products", Flash::notice("product-created")).await,
        Err(error) => {
            let outcome = FormOutcome::of(Some(error), &page.t)?;
            products_page(&page, ProductFilter::default(), Some(form), outcome).await
        }
    }
}

fn product_values(product: &ProductView) -> Pairs {
    vec![
        ("code".into(), product.code.clone()),
        ("name".into(), product.name.clone()),
        ("unit".into(), product.unit.clone()),
        ("price".into(), product.price.format_plain()),
        ("group".into(), product.group.clone().unwrap_or_default()),
        ("brand".into(), product.brand.clone().unwrap_or_default()),
        ("line".into(), product.line.clone().unwrap_or_default()),
        ("active".into(), if product.active { "true".into() } else { String::new() }),
        ("version".into(), product.version.to_string()),
    ]
}

async fn product_page(page: &Page, id: ProductId, typed: Option<Pairs>, outcome: FormOutcome) -> PageResult {
    let catalogue = page.app().catalogue();
    let (product, lists) =
        tokio::try_join!(catalogue.product(&page.actor, id), catalogue.lists(&page.actor))?;
    let body = ProductPage {
        form: FormValues(typed.unwrap_or_else(|| product_values(&product))),
        product,
        lists,
        errors: outcome.errors,
        alert: outcome.alert,
        shell: page.shell("settings"),
        t: page.t,
    };
    Ok(render_with_status(outcome.status, &body))
}

async fn edit_product(page: Page, Id(id): Id<ProductId>) -> PageResult {
    let outcome = FormOutcome::of(None, &page.t)?;
    product_page(&page, id, None, outcome).await
}

async fn update_product(page: Page, Id(id): Id<ProductId>, Form(form): Form<Pairs>) -> PageResult {
    let mut errors = ValidationErrors::new();
    let version: Option<i64> = number(&form, "version", &mut errors);
    let saved = match version {
        Some(version) if errors.is_empty() => {
            page.app().catalogue().update_product(&page.actor, id, version, &product_draft(&form)).await
        }
        _ => Err(AppError::Validation(ValidationErrors::single("version", "error-not-found"))),
    };
    match saved {
        Ok(_) => page.redirect_with("/admin/products", Flash::notice("settings-saved")).await,
        Err(error) => {
            let outcome = FormOutcome::of(Some(error), &page.t)?;
            product_page(&page, id, Some(form), outcome).await
        }
    }
}
