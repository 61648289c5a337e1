//! Quotes [orçamentos] over the API: a party's quotes, a quote with its
//! lines, a new draft, its edit while a draft, and its steps.
use super::responses::{Conflict, Forbidden, Invalid, NotFound};
use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{Api, ApiJson, Id, Query};
use crate::i18n::tr_for;
use crate::labels::quote_sheet;
use app::quotes::{QuoteLineView, QuoteRevision, QuoteView};
use axum::Router;
use axum::http::StatusCode;
use axum::response::{Json, Response};
use axum::routing;
use chrono::{DateTime, NaiveDate, Utc};
use domain::money::Currency;
use domain::quote::{PaymentTerms, QuoteDraft, QuoteLineDraft, QuoteState, format_percent};
use domain::sale::format_quantity;
use domain::{Money, PartyId, QuoteId};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/parties/{id}/quotes", routing::get(list).post(create))
        .route("/quotes/{id}", routing::get(get).put(update))
        .route("/quotes/{id}/state", routing::post(move_to))
        .route("/quotes/{id}/revisions", routing::get(revisions))
        .route("/parties/{id}/revenue-estimate", routing::get(revenue_estimate))
        .route("/quotes/{id}/document", routing::get(document))
        .route("/quotes/{id}/pdf", routing::get(pdf))
        .route("/quotes/{id}/send", routing::post(send))
}

#[derive(OpenApi)]
#[openapi(paths(list, create, get, update, move_to, revisions, revenue_estimate, document, pdf, send))]
pub struct Doc;

/// A quote as sent: lines from the catalogue (by product code) or free.
#[derive(Clone, Deserialize, ToSchema)]
pub struct QuoteInput {
    /// The last day the offer holds (today to a year from today); 15 days from today when left out.
    pub valid_until: Option<NaiveDate>,
    /// `cash` when left out.
    pub payment_terms: Option<PaymentTerms>,
    /// With `installments`: how many monthly installments.
    #[schema(minimum = 2, maximum = 48)]
    pub installments: Option<u32>,
    #[serde(default)]
    #[schema(max_length = 500)]
    pub delivery_terms: String,
    #[serde(default)]
    #[schema(max_length = 5000)]
    pub notes: String,
    /// The quote's discount off its lines' total, in hundredths of a percent (550 is 5.5 %).
    #[schema(minimum = 0, maximum = 10000)]
    pub discount_percent: Option<i64>,
    /// Freight, in cents.
    #[schema(minimum = 0, maximum = 100000000000000_i64)]
    pub freight: Option<i64>,
    #[schema(min_items = 1, max_items = 200)]
    pub lines: Vec<QuoteLineInput>,
}

#[derive(Clone, Deserialize, ToSchema)]
pub struct QuoteLineInput {
    /// A product's code in the catalogue; a free line when left out.
    pub product: Option<String>,
    /// Required on a free line; the product's name when left out.
    #[serde(default)]
    #[schema(max_length = 500)]
    pub description: String,
    /// The product's unit when left out.
    #[serde(default)]
    #[schema(max_length = 20)]
    pub unit: String,
    /// Up to three decimals: `1.5` m.
    #[schema(exclusive_minimum = 0, maximum = 1000000)]
    pub quantity: f64,
    /// In cents; required on a free line, the catalogue's price when left out.
    #[schema(minimum = 0, maximum = 100000000000000_i64)]
    pub unit_price: Option<i64>,
    /// Hundredths of a percent off the line.
    #[schema(minimum = 0, maximum = 10000)]
    pub discount_percent: Option<i64>,
}

impl QuoteInput {
    fn draft(&self) -> QuoteDraft {
        let cents = |amount: Option<i64>| amount.map(|c| Money(c).format_plain()).unwrap_or_default();
        let percent = |hundredths: Option<i64>| hundredths.map(format_percent).unwrap_or_default();
        QuoteDraft {
            valid_until: self.valid_until.map(|day| day.to_string()).unwrap_or_default(),
            payment_terms: self.payment_terms.map(|terms| terms.as_str().to_string()).unwrap_or_default(),
            installments: self.installments.map(|n| n.to_string()).unwrap_or_default(),
            delivery_terms: self.delivery_terms.clone(),
            notes: self.notes.clone(),
            discount: percent(self.discount_percent),
            freight: cents(self.freight),
            lines: self
                .lines
                .iter()
                .map(|line| QuoteLineDraft {
                    product: line.product.clone().unwrap_or_default(),
                    description: line.description.clone(),
                    unit: line.unit.clone(),
                    quantity: line.quantity.to_string(),
                    unit_price: cents(line.unit_price),
                    discount: percent(line.discount_percent),
                })
                .collect(),
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct QuoteUpdate {
    /// The version the change is based on; a stale one gets `409 conflict`.
    pub version: i64,
    #[serde(flatten)]
    pub quote: QuoteInput,
}

#[derive(Deserialize, ToSchema)]
pub struct QuoteStep {
    /// The version the step is based on; a stale one gets `409 conflict`.
    pub version: i64,
    /// `sent` from a draft; `accepted`, `refused` or back to `draft` from sent.
    pub state: QuoteState,
}

#[derive(Serialize, ToSchema)]
pub struct Quote {
    pub id: Uuid,
    pub party_id: Uuid,
    pub party_name: String,
    /// The organisation's quote number.
    pub number: i64,
    pub state: QuoteState,
    pub issued_on: NaiveDate,
    pub valid_until: NaiveDate,
    pub currency: Currency,
    pub payment_terms: PaymentTerms,
    pub installments: u32,
    pub delivery_terms: String,
    pub notes: String,
    /// Hundredths of a percent.
    pub discount_percent: i64,
    /// The lines' total after their discounts, in cents.
    pub subtotal: i64,
    /// The quote's discount, in cents.
    pub discount: i64,
    pub freight: i64,
    pub total: i64,
    pub created_by: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// 1, and one more at each edit (`GET /api/v1/quotes/{id}/revisions` reads the earlier ones).
    pub revision: i64,
    pub version: i64,
    /// Empty in a party's list.
    pub lines: Vec<QuoteLine>,
}

#[derive(Serialize, ToSchema)]
pub struct QuoteLine {
    pub product_id: Option<Uuid>,
    pub product_code: Option<String>,
    pub description: String,
    pub unit: String,
    /// As written: `"1,5"`.
    pub quantity: String,
    pub unit_price: i64,
    /// Hundredths of a percent.
    pub discount_percent: i64,
    pub total: i64,
}

impl From<QuoteView> for Quote {
    fn from(view: QuoteView) -> Quote {
        Quote {
            id: view.id,
            party_id: view.party_id,
            party_name: view.party_name,
            number: view.number,
            state: view.state,
            issued_on: view.issued_on,
            valid_until: view.valid_until,
            currency: view.currency,
            payment_terms: view.payment_terms,
            installments: view.installments,
            delivery_terms: view.delivery_terms,
            notes: view.notes,
            discount_percent: view.discount_percent,
            subtotal: view.subtotal.0,
            discount: view.discount.0,
            freight: view.freight.0,
            total: view.total.0,
            created_by: view.created_by,
            created_at: view.created_at,
            updated_at: view.updated_at,
            revision: view.revision,
            version: view.version,
            lines: view.lines.into_iter().map(QuoteLine::from).collect(),
        }
    }
}

impl From<QuoteLineView> for QuoteLine {
    fn from(line: QuoteLineView) -> QuoteLine {
        QuoteLine {
            product_id: line.product_id,
            product_code: line.product_code,
            description: line.description,
            unit: line.unit,
            quantity: format_quantity(line.quantity_milli),
            unit_price: line.unit_price.0,
            discount_percent: line.discount_percent,
            total: line.total.0,
        }
    }
}

/// The party's quotes, the latest number first (up to 200), without lines.
#[utoipa::path(get, path = "/api/v1/parties/{id}/quotes", tag = "quotes", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<Quote>), NotFound))]
pub async fn list(Api { state, actor }: Api, Id(id): Id<PartyId>) -> ApiResult<Json<Vec<Quote>>> {
    Ok(Json(state.app.quotes().quotes_of(&actor, id).await?.into_iter().map(Quote::from).collect()))
}

/// A new draft quote for the party, numbered after the organisation's last.
#[utoipa::path(post, path = "/api/v1/parties/{id}/quotes", tag = "quotes", security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = QuoteInput,
    responses((status = 201, body = Quote), Invalid, Forbidden, NotFound))]
pub async fn create(
    Api { state, actor }: Api,
    Id(id): Id<PartyId>,
    ApiJson(body): ApiJson<QuoteInput>,
) -> ApiResult<(StatusCode, Json<Quote>)> {
    let quote = state.app.quotes().create_quote(&actor, id, &body.draft()).await?;
    Ok((StatusCode::CREATED, Json(quote.into())))
}

#[utoipa::path(get, path = "/api/v1/quotes/{id}", tag = "quotes", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = Quote), NotFound))]
pub async fn get(Api { state, actor }: Api, Id(id): Id<QuoteId>) -> ApiResult<Json<Quote>> {
    Ok(Json(state.app.quotes().quote(&actor, id).await?.into()))
}

/// Replaces a draft's content; a sent quote must be taken back to draft first.
#[utoipa::path(put, path = "/api/v1/quotes/{id}", tag = "quotes", security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = QuoteUpdate,
    responses((status = 200, body = Quote), Invalid, Forbidden, NotFound, Conflict))]
pub async fn update(
    Api { state, actor }: Api,
    Id(id): Id<QuoteId>,
    ApiJson(body): ApiJson<QuoteUpdate>,
) -> ApiResult<Json<Quote>> {
    Ok(Json(state.app.quotes().update_quote(&actor, id, body.version, &body.quote.draft()).await?.into()))
}

/// Sends a draft, records the customer's answer to a sent quote, or takes
/// it back to draft.
#[utoipa::path(post, path = "/api/v1/quotes/{id}/state", tag = "quotes", security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = QuoteStep,
    responses((status = 200, body = Quote), Invalid, Forbidden, NotFound, Conflict))]
pub async fn move_to(
    Api { state, actor }: Api,
    Id(id): Id<QuoteId>,
    ApiJson(body): ApiJson<QuoteStep>,
) -> ApiResult<Json<Quote>> {
    Ok(Json(state.app.quotes().move_quote(&actor, id, body.version, body.state).await?.into()))
}

/// An earlier revision of a quote, as it read before an edit replaced it.
#[derive(Serialize, ToSchema)]
pub struct Revision {
    pub revision: i64,
    pub replaced_at: DateTime<Utc>,
    /// Who saved the edit that replaced it.
    pub replaced_by: String,
    pub quote: Quote,
}

/// What the quote said before each edit, the latest revision first.
#[utoipa::path(get, path = "/api/v1/quotes/{id}/revisions", tag = "quotes", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<Revision>), NotFound))]
pub async fn revisions(Api { state, actor }: Api, Id(id): Id<QuoteId>) -> ApiResult<Json<Vec<Revision>>> {
    let found = state.app.quotes().revisions(&actor, id).await?;
    Ok(Json(
        found
            .into_iter()
            .map(|QuoteRevision { quote, replaced_at, replaced_by }| Revision {
                revision: quote.revision,
                replaced_at,
                replaced_by,
                quote: quote.into(),
            })
            .collect(),
    ))
}

/// A customer's revenue estimate (seed 001), in cents.
#[derive(Serialize, ToSchema)]
pub struct RevenueEstimate {
    pub party_id: Uuid,
    /// Sales of the last twelve months, cancelled ones aside.
    pub sales_12_months: i64,
    /// Open quotes weighted by their state: 25 % of a draft, 50 % of a sent one, all of an accepted one whose order is not yet invoiced.
    pub open_quotes: i64,
    pub total: i64,
}

/// The customer's revenue estimate: the last twelve months' sales and the open quotes weighted by their state.
#[utoipa::path(get, path = "/api/v1/parties/{id}/revenue-estimate", tag = "quotes", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = RevenueEstimate), NotFound))]
pub async fn revenue_estimate(
    Api { state, actor }: Api,
    Id(id): Id<PartyId>,
) -> ApiResult<Json<RevenueEstimate>> {
    let estimate = state.app.quotes().revenue_estimate(&actor, id).await?;
    Ok(Json(RevenueEstimate {
        party_id: id.0,
        sales_12_months: estimate.sales_12_months.0,
        open_quotes: estimate.open_quotes.0,
        total: estimate.total.0,
    }))
}

#[derive(Deserialize, IntoParams)]
pub struct DocumentParams {
    /// One of the organisation's quote templates; the standard document when left out.
    pub template_id: Option<Uuid>,
}

/// A quote filled into a template: the e-mail's subject, the HTML document
/// and its text part.
#[derive(Serialize, ToSchema)]
pub struct QuoteDocument {
    pub subject: String,
    pub html: String,
    pub text: String,
}

/// The quote filled into one of the organisation's quote templates (or the
/// standard one), in the reader's language where the template leaves words
/// to the system (payment terms).
#[utoipa::path(get, path = "/api/v1/quotes/{id}/document", tag = "quotes", security(("bearer" = [])),
    params(("id" = Uuid, Path), DocumentParams),
    responses((status = 200, body = QuoteDocument), Invalid, NotFound))]
pub async fn document(
    Api { state, actor }: Api,
    Id(id): Id<QuoteId>,
    Query(params): Query<DocumentParams>,
) -> ApiResult<Json<QuoteDocument>> {
    let words = quote_sheet(&tr_for(&actor));
    let filled = state.app.quotes().document(&actor, id, params.template_id, &words).await?;
    Ok(Json(QuoteDocument { subject: filled.subject, html: filled.html, text: filled.text }))
}

/// The quote as a PDF (A4, the organisation's logo, DejaVu Sans embedded).
#[utoipa::path(get, path = "/api/v1/quotes/{id}/pdf", tag = "quotes", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), NotFound))]
pub async fn pdf(Api { state, actor }: Api, Id(id): Id<QuoteId>) -> ApiResult<Response> {
    let file = state.app.quotes().pdf(&actor, id, &quote_sheet(&tr_for(&actor))).await?;
    Ok(crate::download::file("application/pdf", &file.file_name, file.content))
}

#[derive(Deserialize, ToSchema)]
pub struct QuoteSending {
    /// One of the customer's e-mail addresses (any address needs the
    /// `messages.any_address` right).
    #[schema(min_length = 1)]
    pub to: String,
    /// One of the organisation's quote templates; the standard one when left out.
    pub template_id: Option<Uuid>,
}

/// Sends the quote to the customer: the template filled in as the e-mail,
/// the PDF attached, through the outbox (and onto his history). Refused
/// (`422`, field `to`) without consent to e-mail, without an address of
/// his, or without a mail server.
#[utoipa::path(post, path = "/api/v1/quotes/{id}/send", tag = "quotes", security(("bearer" = [])),
    params(("id" = Uuid, Path)), request_body = QuoteSending,
    responses((status = 201, body = super::messages::Message), Invalid, Forbidden, NotFound))]
pub async fn send(
    Api { state, actor }: Api,
    Id(id): Id<QuoteId>,
    ApiJson(body): ApiJson<QuoteSending>,
) -> ApiResult<(StatusCode, Json<super::messages::Message>)> {
    let words = quote_sheet(&tr_for(&actor));
    let message = state.app.quotes().send_quote(&actor, id, &body.to, body.template_id, &words).await?;
    let queued = state.app.messages().message(&actor, message).await?;
    Ok((StatusCode::CREATED, Json(queued.try_into()?)))
}
