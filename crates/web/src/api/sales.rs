//! Sales over the API: one at a time, or in batches from the ERP keyed by
//! its own ids (a batch sent again changes nothing); cancelling; a party's
//! purchases, figures and installments. Amounts are whole cents.
use super::responses::{Conflict, Forbidden, Invalid, NotFound};
use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{Api, ApiJson, Id, Query};
use crate::i18n::tr_for;
use app::sales::{BulkOutcome, BulkSale, InstallmentView, PurchaseFigures, SaleView};
use axum::Router;
use axum::http::StatusCode;
use axum::response::Json;
use axum::routing;
use chrono::{DateTime, NaiveDate, Utc};
use domain::sale::{PaymentForm, RenegotiationDraft, SaleDraft, SaleItemDraft};
use domain::{Money, PartyId, SaleId};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, OpenApi, ToSchema};
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/parties/{id}/sales", routing::get(list).post(create))
        .route("/parties/{id}/purchase-figures", routing::get(figures))
        .route("/parties/{id}/installments", routing::get(installments))
        .route("/sales/{id}", routing::get(get))
        .route("/sales/{id}/cancel", routing::post(cancel))
        .route("/sales/bulk", routing::post(bulk))
        .route("/installments/{id}/payments", routing::post(pay))
        .route("/sales/{id}/renegotiations", routing::post(renegotiate))
        .route("/settings/payment-reminders", routing::get(reminder_rule).put(save_reminder_rule))
}

#[derive(OpenApi)]
#[openapi(paths(
    list,
    create,
    figures,
    installments,
    get,
    cancel,
    bulk,
    pay,
    renegotiate,
    reminder_rule,
    save_reminder_rule
))]
pub struct Doc;

/// A sale as sent: the store and products by their codes.
#[derive(Clone, Deserialize, ToSchema)]
pub struct SaleInput {
    /// The store's code.
    pub store: String,
    /// When it was sold; now when left out.
    pub sold_at: Option<DateTime<Utc>>,
    /// The seller's code in the ERP.
    #[serde(default)]
    pub seller_code: String,
    pub payment: PaymentForm,
    /// For `store_credit`: how many monthly installments (1–48).
    pub installments: Option<u32>,
    /// For `store_credit`: the first installment's due date; a month after the sale when left out.
    pub first_due: Option<NaiveDate>,
    #[serde(default)]
    pub fiscal_number: String,
    /// The NF-e/NFC-e access key: 44 digits.
    #[serde(default)]
    pub fiscal_key: String,
    /// A discount coupon's code.
    #[serde(default)]
    pub coupon: String,
    /// Bonus credit [CRM Bônus] to spend on it, in cents; at most what the customer has valid on the sale's day.
    pub bonus: Option<i64>,
    pub items: Vec<SaleItemInput>,
}

#[derive(Clone, Deserialize, ToSchema)]
pub struct SaleItemInput {
    /// The product's code.
    pub product: String,
    /// Up to three decimals: `1.5` kg.
    pub quantity: f64,
    /// In cents; the catalogue's price when left out.
    pub unit_price: Option<i64>,
    /// In cents, off the item's total.
    pub discount: Option<i64>,
}

impl SaleInput {
    fn draft(&self) -> SaleDraft {
        let cents = |amount: Option<i64>| amount.map(|c| Money(c).format_plain()).unwrap_or_default();
        SaleDraft {
            store: self.store.clone(),
            sold_at: self.sold_at.map(|at| at.to_rfc3339()).unwrap_or_default(),
            seller_code: self.seller_code.clone(),
            items: self
                .items
                .iter()
                .map(|item| SaleItemDraft {
                    product: item.product.clone(),
                    quantity: item.quantity.to_string(),
                    unit_price: cents(item.unit_price),
                    discount: cents(item.discount),
                })
                .collect(),
            payment: self.payment.as_str().to_string(),
            installments: self.installments.map(|n| n.to_string()).unwrap_or_default(),
            first_due: self.first_due.map(|d| d.to_string()).unwrap_or_default(),
            fiscal_number: self.fiscal_number.clone(),
            fiscal_key: self.fiscal_key.clone(),
            coupon: self.coupon.clone(),
            bonus: cents(self.bonus),
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SaleParams {
    /// The page before this sale (`next_before` of the previous page).
    before: Option<Uuid>,
}

#[derive(Serialize, ToSchema)]
pub struct SalePage {
    pub sales: Vec<Sale>,
    /// Pass as `before` for the next (older) page; absent on the last one.
    pub next_before: Option<Uuid>,
}

/// The party's sales, newest first, 20 a page, cancelled ones marked.
#[utoipa::path(get, path = "/api/v1/parties/{id}/sales", tag = "sales", security(("bearer" = [])), params(("id" = Uuid, Path), SaleParams),
    responses((status = 200, body = SalePage), NotFound))]
pub async fn list(
    Api { state, actor }: Api,
    Id(id): Id<PartyId>,
    Query(params): Query<SaleParams>,
) -> ApiResult<Json<SalePage>> {
    let sales = state.app.sales();
    let before = match params.before {
        Some(sale) => {
            let sale = sales.sale(&actor, SaleId(sale)).await?;
            Some((sale.sold_at, sale.id))
        }
        None => None,
    };
    let page = sales.sales_of(&actor, id, before).await?;
    Ok(Json(SalePage {
        next_before: page.next.map(|(_, id)| id),
        sales: page.sales.into_iter().map(Sale::from).collect(),
    }))
}

/// Records a sale to the party, by the token's user.
#[utoipa::path(post, path = "/api/v1/parties/{id}/sales", tag = "sales", security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = SaleInput,
    responses((status = 201, body = Sale), Invalid, Forbidden, NotFound))]
pub async fn create(
    Api { state, actor }: Api,
    Id(id): Id<PartyId>,
    ApiJson(body): ApiJson<SaleInput>,
) -> ApiResult<(StatusCode, Json<Sale>)> {
    let sale = state.app.sales().record_sale(&actor, id, &body.draft()).await?;
    Ok((StatusCode::CREATED, Json(sale.into())))
}

#[utoipa::path(get, path = "/api/v1/sales/{id}", tag = "sales", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = Sale), NotFound))]
pub async fn get(Api { state, actor }: Api, Id(id): Id<SaleId>) -> ApiResult<Json<Sale>> {
    Ok(Json(state.app.sales().sale(&actor, id).await?.into()))
}

#[derive(Deserialize, ToSchema)]
pub struct Cancellation {
    /// The version the cancellation is based on; a stale one gets `409 conflict`.
    pub version: i64,
    pub reason: String,
}

/// Cancels a sale: it stays, marked, and no longer counts in the party's
/// figures; its installments close.
#[utoipa::path(post, path = "/api/v1/sales/{id}/cancel", tag = "sales", security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = Cancellation,
    responses((status = 200, body = Sale), Invalid, Forbidden, NotFound, Conflict))]
pub async fn cancel(
    Api { state, actor }: Api,
    Id(id): Id<SaleId>,
    ApiJson(body): ApiJson<Cancellation>,
) -> ApiResult<Json<Sale>> {
    Ok(Json(state.app.sales().cancel_sale(&actor, id, body.version, &body.reason).await?.into()))
}

/// The party's purchases in figures; `credit` only for users with the
/// financial right.
#[utoipa::path(get, path = "/api/v1/parties/{id}/purchase-figures", tag = "sales", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = Figures), NotFound))]
pub async fn figures(Api { state, actor }: Api, Id(id): Id<PartyId>) -> ApiResult<Json<Figures>> {
    Ok(Json(state.app.sales().figures(&actor, id).await?.into()))
}

/// The party's installments by due date (the financial right).
#[utoipa::path(get, path = "/api/v1/parties/{id}/installments", tag = "sales", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<Installment>), Forbidden, NotFound))]
pub async fn installments(
    Api { state, actor }: Api,
    Id(id): Id<PartyId>,
) -> ApiResult<Json<Vec<Installment>>> {
    Ok(Json(state.app.sales().installments(&actor, id).await?.into_iter().map(Installment::from).collect()))
}

#[derive(Deserialize, ToSchema)]
pub struct PaymentInput {
    /// The installment's version the payment is based on; a stale one gets `409 conflict`.
    pub version: i64,
    /// In cents; all that is open when left out.
    pub amount: Option<i64>,
    /// Today when left out.
    pub paid_on: Option<NaiveDate>,
}

/// Records a payment of an installment (partial allowed); the financial right.
#[utoipa::path(post, path = "/api/v1/installments/{id}/payments", tag = "sales", security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = PaymentInput,
    responses((status = 200, body = Installment), Invalid, Forbidden, NotFound, Conflict))]
pub async fn pay(
    Api { state, actor }: Api,
    Id(id): Id<Uuid>,
    ApiJson(body): ApiJson<PaymentInput>,
) -> ApiResult<Json<Installment>> {
    let amount = body.amount.map(|c| Money(c).format_plain()).unwrap_or_default();
    let paid_on = body.paid_on.map(|d| d.to_string()).unwrap_or_default();
    Ok(Json(state.app.sales().pay_installment(&actor, id, body.version, &amount, &paid_on).await?.into()))
}

#[derive(Deserialize, ToSchema)]
pub struct RenegotiationInput {
    /// The sale's version as read; a stale one gets `409 conflict`.
    pub version: i64,
    /// What was open on the sale when read, in cents; if payments moved it meanwhile, `409 conflict`.
    pub open: i64,
    /// Into how many monthly installments (1–48).
    pub installments: u32,
    /// The first new due date, not before today; a month from today when left out.
    pub first_due: Option<NaiveDate>,
    /// A charge agreed on top (interest, fees), in cents.
    #[serde(default)]
    pub charge: i64,
    #[serde(default)]
    pub reason: String,
}

#[derive(Serialize, ToSchema)]
pub struct Renegotiation {
    pub id: Uuid,
    pub sale_id: Uuid,
    pub party_id: Uuid,
    /// What was open, in cents.
    pub open_before: i64,
    /// In cents.
    pub charge: i64,
    /// The new installments; those replaced are marked `renegotiated`.
    pub installments: Vec<Installment>,
}

/// Renegotiates what is open on a credit sale (the financial right): its
/// open installments close as `renegotiated`, and what they left plus the
/// charge is split into new monthly installments of the same sale.
#[utoipa::path(post, path = "/api/v1/sales/{id}/renegotiations", tag = "sales", security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = RenegotiationInput,
    responses((status = 200, body = Renegotiation), Invalid, Forbidden, NotFound, Conflict))]
pub async fn renegotiate(
    Api { state, actor }: Api,
    Id(id): Id<SaleId>,
    ApiJson(body): ApiJson<RenegotiationInput>,
) -> ApiResult<Json<Renegotiation>> {
    let draft = RenegotiationDraft {
        installments: body.installments.to_string(),
        first_due: body.first_due.map(|d| d.to_string()).unwrap_or_default(),
        charge: Money(body.charge).format_plain(),
        reason: body.reason,
    };
    let done = state.app.sales().renegotiate(&actor, id, body.version, Money(body.open), &draft).await?;
    Ok(Json(Renegotiation {
        id: done.id,
        sale_id: done.sale_id,
        party_id: done.party_id,
        open_before: done.open_before.0,
        charge: done.charge.0,
        installments: done.installments.into_iter().map(Installment::from).collect(),
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct BulkSales {
    /// Up to 5,000 sales.
    pub sales: Vec<BulkSaleInput>,
}

#[derive(Deserialize, ToSchema)]
pub struct BulkSaleInput {
    /// The ERP's key for the sale: sent again, it changes nothing.
    pub external_id: String,
    pub party_id: Uuid,
    #[serde(flatten)]
    pub sale: SaleInput,
}

#[derive(Serialize, ToSchema)]
pub struct BulkAnswer {
    pub created: usize,
    pub unchanged: usize,
    pub refused: usize,
    /// One per sale sent, in the order sent.
    pub results: Vec<BulkResult>,
}

#[derive(Serialize, ToSchema)]
pub struct BulkResult {
    pub external_id: String,
    /// `created`, `unchanged` (recorded before) or `refused`.
    pub status: &'static str,
    pub sale_id: Option<Uuid>,
    /// For `refused`: field → message, in the caller's language.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, String>,
}

/// Records a batch from the ERP in one transaction and answers per sale:
/// a sale whose `external_id` was recorded before is `unchanged`, a sale
/// that does not hold is `refused` with its reasons, the others `created`.
#[utoipa::path(post, path = "/api/v1/sales/bulk", tag = "sales", security(("bearer" = [])), request_body = BulkSales,
    responses((status = 200, body = BulkAnswer), Invalid, Forbidden))]
pub async fn bulk(
    Api { state, actor }: Api,
    ApiJson(body): ApiJson<BulkSales>,
) -> ApiResult<Json<BulkAnswer>> {
    let rows: Vec<BulkSale> = body
        .sales
        .iter()
        .map(|row| BulkSale {
            external_id: row.external_id.clone(),
            party_id: PartyId(row.party_id),
            sale: row.sale.draft(),
        })
        .collect();
    let outcomes = state.app.sales().record_bulk(&actor, &rows).await?;
    let t = tr_for(&actor);
    let mut answer =
        BulkAnswer { created: 0, unchanged: 0, refused: 0, results: Vec::with_capacity(rows.len()) };
    for (row, outcome) in body.sales.into_iter().zip(outcomes) {
        let (status, sale_id, fields) = match outcome {
            BulkOutcome::Created(id) => {
                answer.created += 1;
                ("created", Some(id.0), BTreeMap::new())
            }
            BulkOutcome::Unchanged(id) => {
                answer.unchanged += 1;
                ("unchanged", Some(id.0), BTreeMap::new())
            }
            BulkOutcome::Refused(errors) => {
                answer.refused += 1;
                let fields = errors.0.iter().map(|e| (e.field.to_string(), t.get(e.message))).collect();
                ("refused", None, fields)
            }
        };
        answer.results.push(BulkResult { external_id: row.external_id, status, sale_id, fields });
    }
    Ok(Json(answer))
}

#[derive(Serialize, ToSchema)]
pub struct Sale {
    pub id: Uuid,
    pub party_id: Uuid,
    pub store_id: Uuid,
    pub store_name: String,
    pub seller_id: Option<Uuid>,
    pub seller_code: String,
    pub sold_at: DateTime<Utc>,
    /// In cents.
    pub total: i64,
    pub payment: PaymentForm,
    pub fiscal_number: String,
    pub fiscal_key: String,
    pub external_id: Option<String>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub cancel_reason: Option<String>,
    pub version: i64,
    pub coupon_code: Option<String>,
    /// In cents: what the coupon took off the items' total.
    pub coupon_discount: i64,
    /// The bonus credit spent on it, in cents.
    pub bonus_used: i64,
    pub items: Vec<SaleItem>,
}

#[derive(Serialize, ToSchema)]
pub struct SaleItem {
    /// Null for a line written freely on an invoiced order's quote (a service, freight).
    pub product_id: Option<Uuid>,
    pub product_code: Option<String>,
    pub description: String,
    /// In thousandths of the unit: 1.5 kg is 1500.
    pub quantity_milli: i64,
    /// In cents.
    pub unit_price: i64,
    /// In cents.
    pub discount: i64,
    /// In cents.
    pub total: i64,
}

impl From<SaleView> for Sale {
    fn from(view: SaleView) -> Self {
        Sale {
            id: view.id,
            party_id: view.party_id,
            store_id: view.store_id,
            store_name: view.store_name,
            seller_id: view.seller_id,
            seller_code: view.seller_code,
            sold_at: view.sold_at,
            total: view.total.0,
            payment: view.payment,
            fiscal_number: view.fiscal_number,
            fiscal_key: view.fiscal_key,
            external_id: view.external_id,
            cancelled_at: view.cancelled_at,
            cancel_reason: view.cancel_reason,
            version: view.version,
            coupon_code: view.coupon_code,
            coupon_discount: view.coupon_discount.0,
            bonus_used: view.bonus_used.0,
            items: view
                .items
                .into_iter()
                .map(|item| SaleItem {
                    product_id: item.product_id,
                    product_code: item.product_code,
                    description: item.description,
                    quantity_milli: item.quantity_milli,
                    unit_price: item.unit_price.0,
                    discount: item.discount.0,
                    total: item.total.0,
                })
                .collect(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct Figures {
    pub purchase_count: i64,
    /// In cents, as are all amounts here.
    pub total_bought: i64,
    pub largest_purchase: i64,
    pub average_ticket: i64,
    pub revenue_12_months: i64,
    pub first_purchase_at: Option<DateTime<Utc>>,
    pub last_purchase_at: Option<DateTime<Utc>>,
    pub last_store: Option<String>,
    pub credit: Option<Credit>,
}

#[derive(Serialize, ToSchema)]
pub struct Credit {
    pub open_balance: i64,
    /// Days since the oldest open installment fell due.
    pub days_overdue: i64,
    /// Days, on average, paid installments came late; absent until one is paid.
    pub average_delay_days: Option<f64>,
    pub revolving_credit_limit: Option<i64>,
    pub available_credit: Option<i64>,
    pub credit_bureau_status: Option<String>,
}

impl From<PurchaseFigures> for Figures {
    fn from(view: PurchaseFigures) -> Self {
        Figures {
            purchase_count: view.purchase_count,
            total_bought: view.total_bought.0,
            largest_purchase: view.largest_purchase.0,
            average_ticket: view.average_ticket.0,
            revenue_12_months: view.revenue_12_months.0,
            first_purchase_at: view.first_purchase_at,
            last_purchase_at: view.last_purchase_at,
            last_store: view.last_store,
            credit: view.credit.map(|c| Credit {
                open_balance: c.open_balance.0,
                days_overdue: c.days_overdue,
                average_delay_days: c.average_delay_days,
                revolving_credit_limit: c.revolving_credit_limit.map(|m| m.0),
                available_credit: c.available_credit.map(|m| m.0),
                credit_bureau_status: c.credit_bureau_status,
            }),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct Installment {
    pub id: Uuid,
    pub sale_id: Uuid,
    pub number: i32,
    pub due_on: NaiveDate,
    /// In cents.
    pub amount: i64,
    /// In cents.
    pub paid: i64,
    pub paid_on: Option<NaiveDate>,
    /// Nothing left to pay on it: its sale was cancelled, or a renegotiation replaced it.
    pub cancelled: bool,
    /// A renegotiation replaced it.
    pub renegotiated: bool,
    /// The renegotiation that created it.
    pub renegotiation_id: Option<Uuid>,
    pub overdue: bool,
    pub version: i64,
}

impl From<InstallmentView> for Installment {
    fn from(view: InstallmentView) -> Self {
        Installment {
            id: view.id,
            sale_id: view.sale_id,
            number: view.number,
            due_on: view.due_on,
            amount: view.amount.0,
            paid: view.paid.0,
            paid_on: view.paid_on,
            cancelled: view.cancelled,
            renegotiated: view.replaced,
            renegotiation_id: view.renegotiation_id,
            overdue: view.overdue,
            version: view.version,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ReminderRule {
    pub active: bool,
    /// Days before an installment falls due; none: no reminder before.
    pub days_before: Option<u32>,
    /// Days after it fell due, still open; none: no reminder after.
    pub days_after: Option<u32>,
    /// The template sent (its text part by SMS and WhatsApp).
    pub template_id: Option<Uuid>,
    /// `email`, `whatsapp`, `sms`: a reminder goes through the first the
    /// customer has a contact for and allows.
    pub channels: Vec<String>,
    /// Who the e-mails go out in the name of: whoever saved the rule.
    pub sender_name: Option<String>,
    /// 0 while none was saved.
    pub version: i64,
}

impl From<app::reminders::ReminderRuleView> for ReminderRule {
    fn from(view: app::reminders::ReminderRuleView) -> Self {
        ReminderRule {
            active: view.rule.active,
            days_before: view.rule.days_before,
            days_after: view.rule.days_after,
            template_id: view.rule.template_id,
            channels: view.rule.channels.iter().map(|c| c.as_str().to_string()).collect(),
            sender_name: view.sender_name,
            version: view.version,
        }
    }
}

/// The payment reminders' rule (administrators).
#[utoipa::path(get, path = "/api/v1/settings/payment-reminders", tag = "sales", security(("bearer" = [])),
    responses((status = 200, body = ReminderRule), Forbidden))]
pub async fn reminder_rule(Api { state, actor }: Api) -> ApiResult<Json<ReminderRule>> {
    Ok(Json(state.app.sales().reminder_rule(&actor).await?.into()))
}

#[derive(Deserialize, ToSchema)]
pub struct ReminderRuleInput {
    /// The version the change is based on (0 for the first); a stale one gets `409 conflict`.
    pub version: i64,
    pub active: bool,
    pub days_before: Option<u32>,
    pub days_after: Option<u32>,
    pub template_id: Option<Uuid>,
    /// `email`, `whatsapp`, `sms`, in the order to try them; `["email"]` when left out.
    pub channels: Option<Vec<String>>,
}

/// Saves the rule: each day at 08:00 in the organisation's zone, a message
/// from the template goes, once, for each open installment falling due in
/// `days_before` days and each `days_after` days late, through the first
/// of `channels` the customer has a contact for and allows, in the name
/// of whoever saved the rule. The template may name `parcela.numero`,
/// `parcela.valor`, `parcela.vencimento` and `parcela.dias_atraso`.
#[utoipa::path(put, path = "/api/v1/settings/payment-reminders", tag = "sales", security(("bearer" = [])), request_body = ReminderRuleInput,
    responses((status = 200, body = ReminderRule), Invalid, Forbidden, Conflict))]
pub async fn save_reminder_rule(
    Api { state, actor }: Api,
    ApiJson(body): ApiJson<ReminderRuleInput>,
) -> ApiResult<Json<ReminderRule>> {
    let days = |d: Option<u32>| d.map(|d| d.to_string()).unwrap_or_default();
    let draft = domain::sale::ReminderRuleDraft {
        active: body.active,
        days_before: days(body.days_before),
        days_after: days(body.days_after),
        template_id: body.template_id,
        channels: body.channels.unwrap_or_else(|| vec!["email".into()]),
    };
    Ok(Json(state.app.sales().save_reminder_rule(&actor, body.version, &draft).await?.into()))
}
