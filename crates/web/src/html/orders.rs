//! Pedidos: an accepted quote made an order from its page, the queue of
//! each destination (production, the sales office) in tabs, and an order's
//! page with its steps.
use super::components::forms::{FieldMessages, FormOutcome, FormValues, answer_on_tab};
use super::components::{Pairs, TabLink, number, tab_strip, value, values};
use crate::AppState;
use crate::error::PageResult;
use crate::extract::{Form, Id, Page, Query};
use crate::flash::Flash;
use crate::i18n::Tr;
use crate::layout::{Shell, render_with_status};
use app::AppError;
use app::orders::OrderView;
use askama::Template;
use axum::Router;
use axum::http::StatusCode;
use axum::routing;
use domain::order::{Destination, InvoiceDraft, OrderState};
use domain::quote::PaymentTerms;
use domain::{OrderId, QuoteId, ValidationErrors};
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/quotes/{id}/order", routing::post(create))
        .route("/orders", routing::get(queue))
        .route("/orders/{id}", routing::get(show))
        .route("/orders/{id}/state", routing::post(move_to))
        .route("/orders/{id}/invoice", routing::post(invoice))
        .route("/orders/routing", routing::post(save_routing))
}

async fn create(page: Page, Id(quote): Id<QuoteId>, Form(form): Form<Pairs>) -> PageResult {
    let destination = match value(&form, "destination") {
        "" => Ok(None),
        chosen => Destination::parse(chosen)
            .map(Some)
            .map_err(|message| AppError::Validation(ValidationErrors::single("destination", message))),
    };
    let result = match destination {
        Ok(destination) => page.app().orders().order_quote(&page.actor, quote, destination).await,
        Err(error) => Err(error),
    };
    match result {
        Ok(order) => {
            page.redirect_with(&format!("/orders/{}", order.id), Flash::notice("order-created")).await
        }
        Err(error) => {
            answer_on_tab(&page, &format!("/quotes/{quote}"), "quote", Err::<(), _>(error), "", "").await
        }
    }
}

#[derive(Deserialize, Default)]
struct QueueQuery {
    tab: Option<String>,
    /// The number the page starts after (the previous page's last).
    after: Option<String>,
}

#[derive(Template)]
#[template(path = "orders/queue.html")]
struct QueuePage {
    t: Tr,
    shell: Shell,
    tabs: Vec<TabLink>,
    rows: Vec<QueueRow>,
    /// The next page's address, when there is one.
    next: Option<String>,
    /// For administrators: the catalogue's groups, each with whether its
    /// orders go to production.
    routing: Option<Vec<(String, bool)>>,
}

struct QueueRow {
    number: i64,
    href: String,
    customer: String,
    quote: i64,
    total: String,
    state: &'static str,
    state_label: String,
    since: String,
}

async fn queue(page: Page, Query(query): Query<QueueQuery>) -> PageResult {
    let destination = match query.tab.as_deref() {
        Some("sales_office") => Destination::SalesOffice,
        _ => Destination::Production,
    };
    let orders = page.app().orders();
    // A cursor that is not a page's (typed by hand) starts from the top.
    let after =
        query.after.as_deref().and_then(|after| after.trim().parse::<i64>().ok()).filter(|after| *after >= 0);
    let found = orders.queue(&page.actor, destination, None, after).await?;
    let next = found.next_after.map(|after| format!("/orders?tab={}&after={after}", destination.as_str()));
    let routing = if page.actor.is_admin() {
        let catalogue = page.app().catalogue();
        let (lists, production) =
            tokio::try_join!(catalogue.lists(&page.actor), orders.production_groups(&page.actor))?;
        Some(lists.groups.into_iter().map(|group| (group.clone(), production.contains(&group))).collect())
    } else {
        None
    };
    let t = page.t;
    let codes = [Destination::Production.as_str(), Destination::SalesOffice.as_str()];
    let rows = found
        .orders
        .into_iter()
        .map(|order| QueueRow {
            number: order.number,
            href: format!("/orders/{}", order.id),
            customer: order.party_name,
            quote: order.quote_number,
            total: order.currency.written(order.total),
            state: order.state.as_str(),
            state_label: t.get(&format!("order-state-{}", order.state.as_str())),
            since: t.datetime(&order.updated_at),
        })
        .collect();
    let body = QueuePage {
        tabs: tab_strip(&t, "/orders", &codes, destination.as_str(), "order-destination-"),
        rows,
        next,
        routing,
        shell: page.shell("orders"),
        t,
    };
    Ok(render_with_status(StatusCode::OK, &body))
}

#[derive(Template)]
#[template(path = "orders/show.html")]
struct OrderPage {
    t: Tr,
    shell: Shell,
    order: OrderView,
    destination: String,
    state_label: String,
    total: String,
    /// State label, when, who.
    steps: Vec<(String, String, String)>,
    /// The steps open from here: the state asked for, its button's label.
    next: Vec<(&'static str, String)>,
    /// The invoice form, once the order is delivered and the reader may
    /// invoice it.
    invoicing: bool,
    /// The active stores: code, name.
    stores: Vec<(String, String)>,
    /// The quote's terms, and whether they ask for a first due day.
    terms: String,
    installments: bool,
    form: FormValues,
    errors: FieldMessages,
    alert: Option<String>,
}

async fn show(page: Page, Id(id): Id<OrderId>) -> PageResult {
    order_page(&page, id, Vec::new(), None).await
}

/// An order's page; with `form` and `error`, its invoice form as typed and
/// why it was refused.
async fn order_page(page: &Page, id: OrderId, form: Pairs, error: Option<AppError>) -> PageResult {
    let outcome = FormOutcome::of(error, &page.t)?;
    let order = page.app().orders().order(&page.actor, id).await?;
    let t = page.t;
    let invoicing = order.changeable && order.state.may_invoice();
    let stores: Vec<(String, String)> = if invoicing {
        page.app()
            .catalogue()
            .stores(&page.actor)
            .await?
            .into_iter()
            .filter(|store| store.active)
            .map(|store| (store.code, store.name))
            .collect()
    } else {
        Vec::new()
    };
    let terms = match order.payment_terms {
        PaymentTerms::Cash => t.get("payment-terms-cash"),
        PaymentTerms::Installments => t.with("order-invoice-installments", "count", order.installments),
    };
    let steps = order
        .steps
        .iter()
        .map(|(state, at, by)| {
            (t.get(&format!("order-state-{}", state.as_str())), t.datetime(at), by.clone())
        })
        .collect();
    let next = OrderState::ALL
        .iter()
        .filter(|state| order.changeable && order.state.may_become(**state, order.destination))
        .map(|state| (state.as_str(), t.get(&format!("order-step-{}", state.as_str()))))
        .collect();
    let body = OrderPage {
        destination: t.get(&format!("order-destination-{}", order.destination.as_str())),
        state_label: t.get(&format!("order-state-{}", order.state.as_str())),
        total: order.currency.written(order.total),
        steps,
        next,
        invoicing,
        stores,
        terms,
        installments: order.payment_terms == PaymentTerms::Installments,
        form: FormValues(form),
        errors: outcome.errors,
        alert: outcome.alert,
        shell: page.shell("orders"),
        order,
        t,
    };
    Ok(render_with_status(outcome.status, &body))
}

async fn invoice(page: Page, Id(id): Id<OrderId>, Form(form): Form<Pairs>) -> PageResult {
    let mut errors = ValidationErrors::new();
    let version: Option<i64> = number(&form, "version", &mut errors);
    let draft = InvoiceDraft {
        store: value(&form, "store").to_string(),
        fiscal_number: value(&form, "fiscal_number").to_string(),
        fiscal_key: value(&form, "fiscal_key").to_string(),
        first_due: value(&form, "first_due").to_string(),
    };
    let freight = page.t.get("order-invoice-freight-item");
    let result = match version {
        Some(version) => page.app().orders().invoice_order(&page.actor, id, version, &draft, &freight).await,
        None => Err(AppError::Validation(errors)),
    };
    match result {
        Ok(_) => page.redirect_with(&format!("/orders/{id}"), Flash::notice("order-invoiced")).await,
        Err(error) => order_page(&page, id, form, Some(error)).await,
    }
}

async fn move_to(page: Page, Id(id): Id<OrderId>, Form(form): Form<Pairs>) -> PageResult {
    let mut errors = ValidationErrors::new();
    let version: Option<i64> = number(&form, "version", &mut errors);
    let state = errors.check("state", OrderState::parse(value(&form, "state")));
    let result = match (version, state) {
        (Some(version), Some(state)) => page.app().orders().move_order(&page.actor, id, version, state).await,
        _ => Err(AppError::Validation(errors)),
    };
    answer_on_tab(&page, &format!("/orders/{id}"), "order", result, "order-moved", "order-changed-reload")
        .await
}

async fn save_routing(page: Page, Form(form): Form<Pairs>) -> PageResult {
    let groups: Vec<String> = values(&form, "production_group").map(str::to_string).collect();
    let result = page.app().orders().set_production_groups(&page.actor, &groups).await;
    answer_on_tab(&page, "/orders", "order-routing", result, "order-routing-saved", "order-routing-saved")
        .await
}
