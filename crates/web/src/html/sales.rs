//! Registrar venda: the quick sale entry of a store, from the customer's
//! page (items by product code, the catalogue's price unless typed, a
//! credit sale split in installments), and cancelling a sale.
use super::components::forms::answer_on_tab;
use super::components::{FieldMessages, FormOutcome, FormValues, Pairs, number, table_rows, value};
use super::customers::ProfileTab;
use crate::AppState;
use crate::error::PageResult;
use crate::extract::{Form, Id, Page};
use crate::flash::Flash;
use crate::i18n::Tr;
use crate::layout::{Shell, render_with_status};
use app::AppError;
use askama::Template;
use axum::Router;
use axum::routing;
use domain::sale::{PaymentForm, RenegotiationDraft, SaleDraft, SaleItemDraft};
use domain::{Money, PartyId, SaleId, ValidationErrors};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/customers/{id}/sales/new", routing::get(new_form))
        .route("/customers/{id}/sales", routing::post(create))
        .route("/sales/{id}/cancel", routing::post(cancel))
        .route("/installments/{id}/pay", routing::post(pay))
        .route("/sales/{id}/renegotiation", routing::get(renegotiation_form).post(renegotiate))
}

/// Item rows the form offers; a blank row is no item.
const ITEM_ROWS: usize = 5;

#[derive(Template)]
#[template(path = "sales/form.html")]
struct SaleFormPage {
    t: Tr,
    shell: Shell,
    party_id: String,
    party_name: String,
    stores: Vec<(String, String)>,
    payments: Vec<(String, String)>,
    /// Code and name of the active products, to suggest.
    products: Vec<(String, String)>,
    items: Vec<ItemRow>,
    /// What the customer's bonus credit allows today.
    bonus_hint: String,
    form: FormValues,
    errors: FieldMessages,
}

/// One item row as typed, with its messages.
struct ItemRow {
    index: usize,
    product: String,
    quantity: String,
    unit_price: String,
    discount: String,
    errors: Vec<String>,
}

fn draft(form: &Pairs) -> SaleDraft {
    SaleDraft {
        store: value(form, "store").to_string(),
        sold_at: value(form, "sold_at").to_string(),
        seller_code: String::new(),
        items: table_rows(form, "item_", &["product", "quantity", "unit_price", "discount"])
            .into_iter()
            .map(|row| {
                let [product, quantity, unit_price, discount] =
                    <[String; 4]>::try_from(row).unwrap_or_default();
                SaleItemDraft { product, quantity, unit_price, discount }
            })
            .collect(),
        payment: value(form, "payment").to_string(),
        installments: value(form, "installments").to_string(),
        first_due: value(form, "first_due").to_string(),
        fiscal_number: value(form, "fiscal_number").to_string(),
        fiscal_key: value(form, "fiscal_key").to_string(),
        coupon: value(form, "coupon").to_string(),
        bonus: value(form, "bonus").to_string(),
    }
}

async fn form_page(page: &Page, party: PartyId, form: Pairs, error: Option<AppError>) -> PageResult {
    let outcome = FormOutcome::of(error, &page.t)?;
    let app = page.app();
    let party_view = app.parties().party_for_edit(&page.actor, party).await?;
    let catalogue = app.catalogue();
    let loyalty = app.loyalty();
    let (stores, found, bonus) = tokio::try_join!(
        catalogue.stores(&page.actor),
        catalogue.products(&page.actor, "", false, None),
        loyalty.bonus(&page.actor, party)
    )?;
    let t = page.t;
    let typed = draft(&form);
    let mut items: Vec<ItemRow> = typed
        .items
        .iter()
        .enumerate()
        .map(|(index, item)| ItemRow {
            index,
            product: item.product.clone(),
            quantity: item.quantity.clone(),
            unit_price: item.unit_price.clone(),
            discount: item.discount.clone(),
            errors: ["product", "quantity", "unit_price", "discount"]
                .iter()
                .filter_map(|field| outcome.errors.get(&format!("items.{index}.{field}")).map(str::to_string))
                .collect(),
        })
        .collect();
    while items.len() < ITEM_ROWS {
        let index = items.len();
        items.push(ItemRow {
            index,
            product: String::new(),
            quantity: if index == 0 { "1".into() } else { String::new() },
            unit_price: String::new(),
            discount: String::new(),
            errors: Vec::new(),
        });
    }
    let body = SaleFormPage {
        party_id: party.to_string(),
        party_name: party_view.full_name,
        stores: stores.into_iter().filter(|s| s.active).map(|s| (s.code, s.name)).collect(),
        payments: PaymentForm::ALL
            .iter()
            .map(|p| (p.as_str().to_string(), t.get(&format!("payment-{}", p.as_str()))))
            .collect(),
        products: found
            .products
            .into_iter()
            .map(|p| (p.code, format!("{} · {}", p.name, t.money(p.price.0))))
            .collect(),
        items,
        bonus_hint: t.with("sale-bonus-available", "amount", t.money(bonus.available.0)),
        form: FormValues(form),
        errors: outcome.errors,
        shell: page.shell("customers"),
        t,
    };
    Ok(render_with_status(outcome.status, &body))
}

async fn new_form(page: Page, Id(party): Id<PartyId>) -> PageResult {
    form_page(&page, party, vec![("installments".into(), "1".into())], None).await
}

async fn create(page: Page, Id(party): Id<PartyId>, Form(form): Form<Pairs>) -> PageResult {
    match page.app().sales().record_sale(&page.actor, party, &draft(&form)).await {
        Ok(sale) => {
            let to = ProfileTab::Purchases.url(party, Some(&format!("sale-{}", sale.id)));
            page.redirect_with(&to, Flash::notice("sale-recorded")).await
        }
        Err(error) => form_page(&page, party, form, Some(error)).await,
    }
}

async fn cancel(page: Page, Id(id): Id<SaleId>, Form(form): Form<Pairs>) -> PageResult {
    let mut errors = ValidationErrors::new();
    let version: Option<i64> = number(&form, "version", &mut errors);
    let sale = page.app().sales().sale(&page.actor, id).await?;
    let back = ProfileTab::Purchases.url(sale.party_id, Some(&format!("sale-{id}")));
    let result = match version {
        Some(version) => {
            page.app().sales().cancel_sale(&page.actor, id, version, value(&form, "reason")).await
        }
        None => Err(AppError::Validation(ValidationErrors::single("version", "error-not-found"))),
    };
    answer_on_tab(&page, &back, "purchases", result, "sale-cancelled", "sale-changed-reload").await
}

async fn pay(page: Page, Id(id): Id<uuid::Uuid>, Form(form): Form<Pairs>) -> PageResult {
    let mut errors = ValidationErrors::new();
    let version: Option<i64> = number(&form, "version", &mut errors);
    let sales = page.app().sales();
    let result = match version {
        Some(version) => {
            sales
                .pay_installment(&page.actor, id, version, value(&form, "amount"), value(&form, "paid_on"))
                .await
        }
        None => Err(AppError::Validation(ValidationErrors::single("version", "error-not-found"))),
    };
    let party = match &result {
        Ok(installment) => installment.party_id,
        Err(_) => sales.installment_party(&page.actor, id).await?,
    };
    let back = ProfileTab::Finance.url(party, Some(&format!("installment-{id}")));
    answer_on_tab(
        &page,
        &back,
        "finance",
        result,
        "installment-payment-recorded",
        "installment-changed-reload",
    )
    .await
}

#[derive(Template)]
#[template(path = "sales/renegotiation.html")]
struct RenegotiationPage {
    t: Tr,
    shell: Shell,
    sale_id: String,
    party_id: String,
    party_name: String,
    /// The sale in one line: when, where, how much.
    sale_label: String,
    /// The open installments to be replaced: number, due day, what is open, overdue.
    replaced: Vec<(String, String, String, bool)>,
    open_label: String,
    /// Hidden: what was open and the sale's version when the page was read.
    open: String,
    version: i64,
    form: FormValues,
    errors: FieldMessages,
    alert: Option<String>,
}

/// The renegotiation form of a sale, filled with `form` (or its defaults).
async fn renegotiation_page(page: &Page, id: SaleId, form: Pairs, error: Option<AppError>) -> PageResult {
    let outcome = FormOutcome::of(error, &page.t)?;
    let app = page.app();
    let on_sale = app.sales().open_on_sale(&page.actor, id).await?;
    let party = app.parties().party_for_edit(&page.actor, PartyId(on_sale.sale.party_id)).await?;
    let t = page.t;
    let sale = &on_sale.sale;
    let body = RenegotiationPage {
        sale_id: id.to_string(),
        party_id: sale.party_id.to_string(),
        party_name: party.full_name,
        sale_label: format!(
            "{} · {} · {}",
            t.datetime(&sale.sold_at),
            sale.store_name,
            t.money(sale.total.0)
        ),
        replaced: on_sale
            .installments
            .iter()
            .filter(|i| i.is_open())
            .map(|i| (i.number.to_string(), t.date(&i.due_on), t.money(i.amount.0 - i.paid.0), i.overdue))
            .collect(),
        open_label: t.money(on_sale.open.0),
        open: on_sale.open.0.to_string(),
        version: sale.version,
        form: FormValues(form),
        errors: outcome.errors,
        alert: outcome.alert,
        shell: page.shell("customers"),
        t,
    };
    Ok(render_with_status(outcome.status, &body))
}

async fn renegotiation_form(page: Page, Id(id): Id<SaleId>) -> PageResult {
    renegotiation_page(&page, id, vec![("installments".into(), "1".into())], None).await
}

async fn renegotiate(page: Page, Id(id): Id<SaleId>, Form(form): Form<Pairs>) -> PageResult {
    let mut errors = ValidationErrors::new();
    let version: Option<i64> = number(&form, "version", &mut errors);
    let open: Option<i64> = number(&form, "open", &mut errors);
    let draft = RenegotiationDraft {
        installments: value(&form, "installments").to_string(),
        first_due: value(&form, "first_due").to_string(),
        charge: value(&form, "charge").to_string(),
        reason: value(&form, "reason").to_string(),
    };
    let result = match (version, open) {
        (Some(version), Some(open)) => {
            page.app().sales().renegotiate(&page.actor, id, version, Money(open), &draft).await
        }
        _ => Err(AppError::Validation(ValidationErrors::single("installments", "error-not-found"))),
    };
    match result {
        Ok(done) => {
            let to = ProfileTab::Finance.url(PartyId(done.party_id), Some("installments-table"));
            page.redirect_with(&to, Flash::notice("installments-renegotiated")).await
        }
        Err(error) => renegotiation_page(&page, id, form, Some(error)).await,
    }
}
