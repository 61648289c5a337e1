//! Orçamentos from the customer's page: a new quote (lines by product
//! code with the catalogue's name, unit and price unless typed, or free
//! lines), the quote's page with its figures and steps, and editing a
//! draft at the version it was read.
mod documents;

use super::components::forms::answer_on_tab;
use super::components::{FieldMessages, FormOutcome, FormValues, Pairs, form_id, number, table_rows, value};
use crate::AppState;
use crate::error::PageResult;
use crate::extract::{Form, Id, Page, Query, path_id};
use crate::flash::Flash;
use crate::i18n::Tr;
use crate::layout::{Shell, render_with_status};
use app::AppError;
use app::quotes::{QuoteRevision, QuoteView};
use askama::Template;
use axum::Router;
use axum::extract::Path;
use axum::routing;
use domain::order::Destination;
use domain::quote::{PaymentTerms, QuoteDraft, QuoteLineDraft, QuoteState, format_percent};
use domain::sale::format_quantity;
use domain::{Money, PartyId, QuoteId, ValidationErrors};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/customers/{id}/quotes/new", routing::get(new_form))
        .route("/customers/{id}/quotes", routing::post(create))
        .route("/quotes/{id}", routing::get(show).post(update))
        .route("/quotes/{id}/edit", routing::get(edit_form))
        .route("/quotes/{id}/state", routing::post(move_to))
        .route("/quotes/{id}/revisions/{revision}", routing::get(show_revision))
        .merge(documents::routes())
}

/// Line rows the form offers at least; a blank row is no line.
const LINE_ROWS: usize = 5;

#[derive(Template)]
#[template(path = "quotes/form.html")]
struct QuoteFormPage {
    t: Tr,
    shell: Shell,
    party_id: String,
    party_name: String,
    /// Where the form posts: a new quote, or the quote being edited.
    action: String,
    /// The quote's number when editing.
    number: Option<i64>,
    terms: Vec<(String, String)>,
    /// Code and label of the active products, to suggest.
    products: Vec<(String, String)>,
    lines: Vec<LineRow>,
    /// What the discount policy suggests for this customer, line by line
    /// of text; empty without a policy.
    advice: Vec<String>,
    /// Whether the reader may go above the maximum.
    may_exceed: bool,
    alert: Option<String>,
    form: FormValues,
    errors: FieldMessages,
}

/// One line as typed, with its messages.
struct LineRow {
    index: usize,
    product: String,
    description: String,
    unit: String,
    quantity: String,
    unit_price: String,
    discount: String,
    errors: Vec<String>,
}

const LINE_FIELDS: [&str; 6] = ["product", "description", "unit", "quantity", "unit_price", "discount"];

fn draft(form: &Pairs) -> QuoteDraft {
    QuoteDraft {
        valid_until: value(form, "valid_until").to_string(),
        payment_terms: value(form, "payment_terms").to_string(),
        installments: value(form, "installments").to_string(),
        delivery_terms: value(form, "delivery_terms").to_string(),
        notes: value(form, "notes").to_string(),
        discount: value(form, "discount").to_string(),
        freight: value(form, "freight").to_string(),
        lines: table_rows(form, "line_", &LINE_FIELDS)
            .into_iter()
            .map(|row| {
                let [product, description, unit, quantity, unit_price, discount] =
                    <[String; 6]>::try_from(row).unwrap_or_default();
                QuoteLineDraft { product, description, unit, quantity, unit_price, discount }
            })
            .collect(),
    }
}

/// The form's pairs of a saved quote, to edit it.
fn pairs_of(quote: &QuoteView) -> Pairs {
    let mut pairs: Pairs = vec![
        ("version".into(), quote.version.to_string()),
        ("valid_until".into(), quote.valid_until.to_string()),
        ("payment_terms".into(), quote.payment_terms.as_str().into()),
        ("installments".into(), quote.installments.to_string()),
        ("delivery_terms".into(), quote.delivery_terms.clone()),
        ("notes".into(), quote.notes.clone()),
        ("discount".into(), format_percent(quote.discount_percent)),
        ("freight".into(), quote.freight.format_plain()),
    ];
    for (row, line) in quote.lines.iter().enumerate() {
        let cells = [
            ("product", line.product_code.clone().unwrap_or_default()),
            ("description", line.description.clone()),
            ("unit", line.unit.clone()),
            ("quantity", format_quantity(line.quantity_milli)),
            ("unit_price", line.unit_price.format_plain()),
            ("discount", format_percent(line.discount_percent)),
        ];
        pairs.extend(cells.into_iter().map(|(column, cell)| (format!("line_{row}_{column}"), cell)));
    }
    pairs
}

async fn form_page(
    page: &Page,
    party: PartyId,
    editing: Option<&QuoteView>,
    form: Pairs,
    error: Option<AppError>,
) -> PageResult {
    let outcome = FormOutcome::of(error, &page.t)?;
    let app = page.app();
    let party_view = app.parties().party_for_edit(&page.actor, party).await?;
    let found = app.catalogue().products(&page.actor, "", false, None).await?;
    let advice = app.discounts().advice(&page.actor, party).await?;
    let t = page.t;
    let typed = draft(&form);
    let mut lines: Vec<LineRow> = typed
        .lines
        .iter()
        .enumerate()
        .map(|(index, line)| LineRow {
            index,
            product: line.product.clone(),
            description: line.description.clone(),
            unit: line.unit.clone(),
            quantity: line.quantity.clone(),
            unit_price: line.unit_price.clone(),
            discount: line.discount.clone(),
            errors: LINE_FIELDS
                .iter()
                .filter_map(|field| outcome.errors.get(&format!("lines.{index}.{field}")).map(str::to_string))
                .collect(),
        })
        .collect();
    let blank = (lines.len() + 2).max(LINE_ROWS);
    while lines.len() < blank {
        let index = lines.len();
        let quantity = if index == 0 { "1".to_string() } else { String::new() };
        lines.push(LineRow {
            index,
            product: String::new(),
            description: String::new(),
            unit: String::new(),
            quantity,
            unit_price: String::new(),
            discount: String::new(),
            errors: Vec::new(),
        });
    }
    let body = QuoteFormPage {
        party_id: party.to_string(),
        party_name: party_view.full_name,
        action: editing
            .map_or_else(|| format!("/customers/{party}/quotes"), |quote| format!("/quotes/{}", quote.id)),
        number: editing.map(|quote| quote.number),
        terms: PaymentTerms::ALL
            .iter()
            .map(|terms| (terms.as_str().to_string(), t.get(&format!("payment-terms-{}", terms.as_str()))))
            .collect(),
        products: found
            .products
            .into_iter()
            .map(|p| (p.code, format!("{} · {}", p.name, t.money(p.price.0))))
            .collect(),
        lines,
        may_exceed: advice.may_exceed && advice.general.is_some(),
        advice: advice_lines(&t, &advice),
        alert: outcome.alert,
        form: FormValues(form),
        errors: outcome.errors,
        shell: page.shell("customers"),
        t,
    };
    Ok(render_with_status(outcome.status, &body))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct NewQuery {
    /// The sales contact the quote is proposed from.
    sales_contact: String,
}

async fn new_form(page: Page, Id(party): Id<PartyId>, Query(query): Query<NewQuery>) -> PageResult {
    let mut pairs = vec![("payment_terms".to_string(), "cash".to_string())];
    if !query.sales_contact.trim().is_empty() {
        pairs.push(("sales_contact".into(), query.sales_contact.trim().to_string()));
    }
    form_page(&page, party, None, pairs, None).await
}

async fn create(page: Page, Id(party): Id<PartyId>, Form(form): Form<Pairs>) -> PageResult {
    let mut errors = ValidationErrors::new();
    let contact = form_id(&form, "sales_contact", &mut errors).map(domain::SalesContactId);
    let proposed = if errors.is_empty() {
        page.app().quotes().propose(&page.actor, party, &draft(&form), contact).await
    } else {
        Err(AppError::Validation(errors))
    };
    match proposed {
        Ok(quote) => {
            page.redirect_with(&format!("/quotes/{}", quote.id), Flash::notice("quote-created")).await
        }
        Err(error) => form_page(&page, party, None, form, Some(error)).await,
    }
}

async fn edit_form(page: Page, Id(id): Id<QuoteId>) -> PageResult {
    let quote = page.app().quotes().quote(&page.actor, id).await?;
    if !quote.state.is_editable() {
        let flash = Flash::warning("error-quote-not-draft", Vec::new(), "quote");
        return page.redirect_with(&format!("/quotes/{id}"), flash).await;
    }
    form_page(&page, PartyId(quote.party_id), Some(&quote), pairs_of(&quote), None).await
}

async fn update(page: Page, Id(id): Id<QuoteId>, Form(form): Form<Pairs>) -> PageResult {
    let quotes = page.app().quotes();
    let quote = quotes.quote(&page.actor, id).await?;
    let mut errors = ValidationErrors::new();
    let result = match number::<i64>(&form, "version", &mut errors) {
        Some(version) => quotes.update_quote(&page.actor, id, version, &draft(&form)).await,
        None => Err(AppError::Validation(errors)),
    };
    match result {
        Ok(_) => page.redirect_with(&format!("/quotes/{id}"), Flash::notice("quote-saved")).await,
        Err(error) => form_page(&page, PartyId(quote.party_id), Some(&quote), form, Some(error)).await,
    }
}

#[derive(Template)]
#[template(path = "quotes/show.html")]
struct QuotePage {
    t: Tr,
    shell: Shell,
    quote: QuoteView,
    state_label: String,
    terms: String,
    /// Description, unit, quantity, unit price, discount, total, as read.
    lines: Vec<[String; 6]>,
    /// Label and value of the figures under the lines.
    figures: Vec<(String, String)>,
    /// The steps open from here: the state asked for, its button's label.
    steps: Vec<(&'static str, String)>,
    can_edit: bool,
    /// Reading an earlier revision: when and by whom it was replaced.
    replaced: Option<String>,
    /// The earlier revisions: number, link, when and by whom replaced.
    revisions: Vec<(i64, String, String)>,
    /// The order it became: its number and link.
    order: Option<(i64, String)>,
    /// Whether it may be made an order now, and the destinations to choose.
    may_order: bool,
    destinations: Vec<(String, String)>,
    /// Its documents (the current revision's only).
    documents: Option<documents::DocumentCard>,
    /// Whether the reader may send it (the customer is his to change).
    can_send: bool,
}

async fn show(page: Page, Id(id): Id<QuoteId>) -> PageResult {
    let (quotes, orders) = (page.app().quotes(), page.app().orders());
    let quote = quotes.quote(&page.actor, id).await?;
    let (revisions, order) = tokio::try_join!(
        quotes.revisions_of(&page.actor, &quote),
        orders.order_of_quote(&page.actor, &quote)
    )?;
    let t = page.t;
    let revisions = revisions
        .iter()
        .map(|old| {
            (
                old.quote.revision,
                format!("/quotes/{id}/revisions/{}", old.quote.revision),
                replaced_label(&t, old),
            )
        })
        .collect();
    let mut body = quote_page(&page, quote, None, revisions);
    body.may_order = order.is_none() && body.quote.changeable && body.quote.state == QuoteState::Accepted;
    if body.may_order {
        // The rule's destination first: the form as it comes follows it.
        let routed = orders.routed(&page.actor, id).await?.as_str();
        body.destinations.sort_by_key(|(code, _)| code != routed);
    }
    body.order = order.map(|order| (order.number, format!("/orders/{}", order.id)));
    body.documents = Some(documents::card(&page, PartyId(body.quote.party_id)).await?);
    Ok(render_with_status(axum::http::StatusCode::OK, &body))
}

async fn show_revision(page: Page, Path((id, revision)): Path<(String, String)>) -> PageResult {
    let (id, revision): (QuoteId, i64) = (path_id(&id)?, path_id(&revision)?);
    let found = page.app().quotes().revisions(&page.actor, id).await?;
    let old = found.into_iter().find(|old| old.quote.revision == revision).ok_or(AppError::NotFound)?;
    let t = page.t;
    let replaced = replaced_label(&t, &old);
    Ok(render_with_status(
        axum::http::StatusCode::OK,
        &quote_page(&page, old.quote, Some(replaced), Vec::new()),
    ))
}

/// When and by whom an earlier revision was replaced.
fn replaced_label(t: &Tr, old: &QuoteRevision) -> String {
    format!("{} · {}", t.with("quote-replaced", "when", t.datetime(&old.replaced_at)), old.replaced_by)
}

/// A quote's page: the current one with its steps, or an earlier revision
/// to read only.
fn quote_page(
    page: &Page,
    quote: QuoteView,
    replaced: Option<String>,
    revisions: Vec<(i64, String, String)>,
) -> QuotePage {
    let t = page.t;
    let money = |amount: Money| quote.currency.written(amount);
    let can_edit = quote.changeable && replaced.is_none();
    let terms = match quote.payment_terms {
        PaymentTerms::Cash => t.get("payment-terms-cash"),
        PaymentTerms::Installments => {
            t.with("quote-installments-of", "count", quote.installments.to_string())
        }
    };
    let lines = quote
        .lines
        .iter()
        .map(|line| {
            [
                line.description.clone(),
                line.unit.clone(),
                format_quantity(line.quantity_milli),
                money(line.unit_price),
                if line.discount_percent == 0 {
                    String::new()
                } else {
                    format!("{} %", format_percent(line.discount_percent))
                },
                money(line.total),
            ]
        })
        .collect();
    let mut figures = vec![(t.get("quote-subtotal"), money(quote.subtotal))];
    if quote.discount_percent > 0 {
        let label = format!("{} ({} %)", t.get("quote-discount"), format_percent(quote.discount_percent));
        figures.push((label, format!("−{}", money(quote.discount))));
    }
    if quote.freight.0 > 0 {
        figures.push((t.get("quote-freight"), money(quote.freight)));
    }
    figures.push((t.get("quote-total"), money(quote.total)));
    let steps = QuoteState::ALL
        .iter()
        .filter(|next| can_edit && quote.state.may_become(**next))
        .map(|next| (next.as_str(), t.get(&format!("quote-step-{}", next.as_str()))))
        .collect();
    QuotePage {
        state_label: t.get(&format!("quote-state-{}", quote.state.as_str())),
        terms,
        lines,
        figures,
        steps,
        can_edit: can_edit && quote.state.is_editable(),
        replaced,
        revisions,
        order: None,
        may_order: false,
        documents: None,
        can_send: quote.changeable,
        destinations: Destination::ALL
            .iter()
            .map(|d| (d.as_str().to_string(), t.get(&format!("order-destination-{}", d.as_str()))))
            .collect(),
        shell: page.shell("customers"),
        quote,
        t,
    }
}

async fn move_to(page: Page, Id(id): Id<QuoteId>, Form(form): Form<Pairs>) -> PageResult {
    let mut errors = ValidationErrors::new();
    let version: Option<i64> = number(&form, "version", &mut errors);
    let state = errors.check("state", QuoteState::parse(value(&form, "state")));
    let result = match (version, state) {
        (Some(version), Some(state)) => page.app().quotes().move_quote(&page.actor, id, version, state).await,
        _ => Err(AppError::Validation(errors)),
    };
    let done = match state {
        Some(QuoteState::Sent) => "quote-sent",
        Some(QuoteState::Accepted) => "quote-accepted",
        Some(QuoteState::Refused) => "quote-refused",
        _ => "quote-reopened",
    };
    answer_on_tab(&page, &format!("/quotes/{id}"), "quote", result, done, "quote-changed-reload").await
}

/// The policy's word on the customer, as the quote form shows it: his
/// maximum and the rule behind it, each product group where a rule gives
/// more, and what he bought in the last twelve months.
fn advice_lines(t: &Tr, advice: &app::discounts::DiscountAdvice) -> Vec<String> {
    let Some(general) = &advice.general else { return Vec::new() };
    let limit = |limit: &domain::discount::Limit| match &limit.reason {
        Some(reason) => t.with_args(
            "discount-advice-limit",
            &[("max", format_percent(limit.max_percent)), ("reason", reason.clone())],
        ),
        None => t.get("discount-advice-no-rule"),
    };
    let mut lines = vec![limit(general)];
    lines.extend(advice.groups.iter().map(|(group, group_limit)| {
        t.with_args("discount-advice-group", &[("group", group.clone()), ("limit", limit(group_limit))])
    }));
    lines.push(t.with("discount-advice-bought", "amount", t.money(advice.bought_12_months.0)));
    lines
}
