//! Pedidos (seed 001): an accepted quote becomes an order in one action,
//! routed to production or to the sales office, and moved through its
//! states from the destination's queue, each step with who and when.
use crate::quotes::QuoteView;
use crate::{Actor, AppError, Orders};
use chrono::{DateTime, Utc};
use db::repo::counter;
use db::repo::order as repo;
use domain::access::Permission;
use domain::audit::{AuditAction, AuditEntity};
use domain::catalogue::ListKind;
use domain::money::Currency;
use domain::order::{Destination, InvoiceContext, InvoiceDraft, InvoicedLine, InvoicedQuote, OrderState};
use domain::quote::{PaymentTerms, QuoteState};
use domain::timeline::{Event, EventKind};
use domain::{Money, OrderId, PartyId, ProductId, QuoteId, SaleId, StoreId, UserId, ValidationErrors};
use uuid::Uuid;

/// The kind of document whose numbers orders take.
pub(crate) const NUMBERS: &str = "order";
/// The most orders a page of a queue shows.
pub const QUEUE_ROWS: u32 = 100;
/// The most orders a party's tab shows.
const PARTY_ORDERS: u32 = 200;

#[derive(Clone, Debug)]
pub struct OrderView {
    pub id: Uuid,
    pub party_id: Uuid,
    pub party_name: String,
    pub quote_id: Uuid,
    pub quote_number: i64,
    pub number: i64,
    pub destination: Destination,
    pub state: OrderState,
    pub currency: Currency,
    pub total: Money,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
    /// Each state it reached: the state, when, who.
    pub steps: Vec<(OrderState, DateTime<Utc>, String)>,
    /// The sale it became when invoiced.
    pub sale_id: Option<Uuid>,
    /// Who wrote the quote: the seller of the sale it becomes.
    pub quote_author: Option<Uuid>,
    /// How the quote said the customer pays: what invoicing it gives.
    pub payment_terms: PaymentTerms,
    pub installments: u32,
    /// Whether the reader may move it.
    pub changeable: bool,
}

impl OrderView {
    fn of(row: repo::OrderRow) -> Result<OrderView, AppError> {
        let corrupt = |what: &str| AppError::Internal(format!("order {}: {what}", row.id));
        Ok(OrderView {
            id: row.id,
            party_id: row.party_id,
            destination: Destination::parse(&row.destination).map_err(|_| corrupt("destination"))?,
            state: OrderState::parse(&row.state).map_err(|_| corrupt("state"))?,
            currency: Currency::parse(&row.currency).map_err(|_| corrupt("currency"))?,
            party_name: row.party_name,
            quote_id: row.quote_id,
            quote_number: row.quote_number,
            number: row.number,
            total: Money(row.total),
            created_at: row.created_at,
            updated_at: row.updated_at,
            version: row.version,
            sale_id: row.sale_id,
            quote_author: row.quote_author,
            payment_terms: PaymentTerms::parse(&row.payment_terms).map_err(|_| corrupt("payment terms"))?,
            installments: u32::try_from(row.installments).map_err(|_| corrupt("installments"))?,
            steps: Vec::new(),
            changeable: false,
        })
    }
}

/// A page of a queue, and where the next starts.
#[derive(Clone, Debug)]
pub struct OrderQueue {
    pub orders: Vec<OrderView>,
    /// The number the next page starts after; none on the last page.
    pub next_after: Option<i64>,
}

impl Orders<'_> {
    /// Makes the accepted quote an order for `destination`, or where the
    /// routing rule sends it; a quote becomes one order at most.
    pub async fn order_quote(
        &self,
        actor: &Actor,
        quote: QuoteId,
        destination: Option<Destination>,
    ) -> Result<OrderView, AppError> {
        let accepted = self.quotes().quote(actor, quote).await?;
        let destination = match destination {
            Some(chosen) => chosen,
            None => self.routed(actor, quote).await?,
        };
        if !accepted.changeable {
            return Err(AppError::Forbidden);
        }
        if accepted.state != QuoteState::Accepted {
            return Err(ValidationErrors::single("state", "error-order-quote-not-accepted").into());
        }
        let party = PartyId(accepted.party_id);
        let mut change = self.change(actor).await?;
        let number = counter::next_number(&mut change.tx, actor.org_id, NUMBERS).await?;
        let id = OrderId::new();
        let new = repo::NewOrder { id, party, quote, number, destination: destination.as_str() };
        let at = change.at;
        if !repo::insert(&mut change.tx, actor.org_id, &new, &actor.display_name, at).await? {
            return Err(ValidationErrors::single("quote", "error-order-exists").into());
        }
        let detail = format!("#{number} · {}", accepted.currency.written(accepted.total));
        change
            .history(party, Event::new(EventKind::Order, "timeline-order-created", detail, Some(id.0)))
            .await?;
        let after = serde_json::json!({ "number": number, "quote": quote.to_string(), "destination": destination.as_str() });
        change.audit_created(AuditEntity::Order, id, after).await?;
        change.commit().await?;
        self.order(actor, id).await
    }

    /// Moves the order one step, if nobody moved it since `version`.
    pub async fn move_order(
        &self,
        actor: &Actor,
        id: OrderId,
        version: i64,
        to: OrderState,
    ) -> Result<OrderView, AppError> {
        let before = self.order(actor, id).await?;
        if !before.changeable {
            return Err(AppError::Forbidden);
        }
        if !before.state.may_become(to, before.destination) {
            return Err(ValidationErrors::single("state", "error-order-step-invalid").into());
        }
        let mut change = self.change(actor).await?;
        let at = change.at;
        let (from, name) = (before.state.as_str(), actor.display_name.as_str());
        if !repo::set_state(&mut change.tx, actor.org_id, id, version, from, to.as_str(), name, at).await? {
            drop(change);
            let current = repo::get(&self.db, actor.org_id, id).await?.ok_or(AppError::NotFound)?;
            return Err(AppError::Conflict { by: String::new(), at: current.updated_at });
        }
        note_step(&mut change, &before, to, serde_json::json!({ "state": to.as_str() })).await?;
        change.commit().await?;
        self.order(actor, id).await
    }

    /// Invoices a delivered order [faturar], if nobody moved it since
    /// `version`: in one transaction the order becomes a sale of its party
    /// — the quote's lines, its discount spread over them, the freight as
    /// an item named `freight_label` — with the installments its payment
    /// terms give, and the order is marked invoiced with the sale.
    pub async fn invoice_order(
        &self,
        actor: &Actor,
        id: OrderId,
        version: i64,
        draft: &InvoiceDraft,
        freight_label: &str,
    ) -> Result<OrderView, AppError> {
        let before = self.order(actor, id).await?;
        if !before.changeable {
            return Err(AppError::Forbidden);
        }
        if !before.state.may_invoice() {
            return Err(ValidationErrors::single("state", "error-order-invoice-not-delivered").into());
        }
        let quote = self.quotes().quote(actor, QuoteId(before.quote_id)).await?;
        let lines: Vec<InvoicedLine> = quote
            .lines
            .iter()
            .map(|line| InvoicedLine {
                product_id: line.product_id.map(ProductId),
                description: line.description.clone(),
                quantity_milli: line.quantity_milli,
                unit_price: line.unit_price,
                total: line.total,
            })
            .collect();
        let invoiced = InvoicedQuote {
            lines: &lines,
            discount: quote.discount,
            freight: quote.freight,
            freight_label,
            terms: quote.payment_terms,
            installments: quote.installments,
        };
        let mut change = self.change(actor).await?;
        let stores = db::repo::catalogue::stores_in(&mut change.tx, actor.org_id).await?;
        let store = |code: &str| match stores.iter().find(|store| store.code == code) {
            Some(found) if found.active => Ok(StoreId(found.id)),
            Some(_) => Err("error-store-inactive"),
            None => Err("error-store-unknown"),
        };
        let context = InvoiceContext { store: &store, now: change.at, zone: actor.time_zone };
        let sale = draft.validate(&invoiced, &context)?;
        let at = change.at;
        let (from, to, name) =
            (before.state.as_str(), OrderState::Invoiced.as_str(), actor.display_name.as_str());
        if !repo::set_state(&mut change.tx, actor.org_id, id, version, from, to, name, at).await? {
            drop(change);
            let current = repo::get(&self.db, actor.org_id, id).await?.ok_or(AppError::NotFound)?;
            return Err(AppError::Conflict { by: String::new(), at: current.updated_at });
        }
        let sale_id = SaleId::new();
        let party = PartyId(before.party_id);
        let codes: Vec<String> = quote.lines.iter().filter_map(|line| line.product_code.clone()).collect();
        let seller = before.quote_author.map(UserId);
        crate::sales::record_invoiced(&mut change, actor, party, sale_id, sale, seller, &codes).await?;
        repo::set_sale(&mut change.tx, actor.org_id, id, sale_id).await?;
        let after = serde_json::json!({ "state": to, "sale": sale_id.to_string() });
        note_step(&mut change, &before, OrderState::Invoiced, after).await?;
        change.commit().await?;
        self.order(actor, id).await
    }

    /// An order with its steps, if the actor may open its party.
    pub async fn order(&self, actor: &Actor, id: OrderId) -> Result<OrderView, AppError> {
        let row = repo::get(&self.db, actor.org_id, id).await?.ok_or(AppError::NotFound)?;
        let changeable =
            self.access().may_change_party(actor, PartyId(row.party_id), Permission::PartiesEdit).await?;
        let steps = repo::steps(&self.db, actor.org_id, id).await?;
        let mut view = OrderView::of(row)?;
        view.changeable = changeable;
        view.steps = steps
            .into_iter()
            .filter_map(|step| {
                OrderState::parse(&step.state).ok().map(|state| (state, step.at, step.by_name))
            })
            .collect();
        Ok(view)
    }

    /// Where the routing rule sends the quote's order: production when a
    /// line is a product of a group production makes, else the sales office.
    pub async fn routed(&self, actor: &Actor, quote: QuoteId) -> Result<Destination, AppError> {
        Ok(if repo::made_in_production(&self.db, actor.org_id, quote).await? {
            Destination::Production
        } else {
            Destination::SalesOffice
        })
    }

    /// The product groups whose orders go to production.
    pub async fn production_groups(&self, actor: &Actor) -> Result<Vec<String>, AppError> {
        actor.require(Permission::PartiesRead)?;
        Ok(repo::production_groups(&self.db, actor.org_id).await?)
    }

    /// Sets the routing rule: the groups (by name, from the catalogue's
    /// groups) whose orders go to production.
    pub async fn set_production_groups(
        &self,
        actor: &Actor,
        names: &[String],
    ) -> Result<Vec<String>, AppError> {
        actor.require_admin()?;
        let mut change = self.change(actor).await?;
        let known = db::repo::catalogue::lists_in(&mut change.tx, actor.org_id, ListKind::Group).await?;
        let mut chosen = Vec::new();
        let mut errors = ValidationErrors::new();
        for name in names.iter().map(|name| name.trim()).filter(|name| !name.is_empty()) {
            match known.iter().find(|(_, known)| known == name) {
                Some((id, _)) if !chosen.contains(id) => chosen.push(*id),
                Some(_) => {}
                None => errors.add("production_groups", "error-order-group-unknown"),
            }
        }
        errors.into_result()?;
        let before = repo::production_groups(&self.db, actor.org_id).await?;
        repo::set_production_groups(&mut change.tx, actor.org_id, &chosen).await?;
        let after: Vec<&str> =
            known.iter().filter(|(id, _)| chosen.contains(id)).map(|(_, name)| name.as_str()).collect();
        change
            .audit(
                AuditAction::Update,
                AuditEntity::Order,
                Some("routing".into()),
                Some(serde_json::json!({ "production_groups": before })),
                Some(serde_json::json!({ "production_groups": after })),
            )
            .await?;
        change.commit().await?;
        self.production_groups(actor).await
    }

    /// A party's orders, the latest first (up to 200), without their steps.
    pub async fn orders_of(&self, actor: &Actor, party: PartyId) -> Result<Vec<OrderView>, AppError> {
        let reached = self.access().guard_party(actor, party, None).await?;
        repo::of_party(&self.db, actor.org_id, reached.id(), PARTY_ORDERS)
            .await?
            .into_iter()
            .map(OrderView::of)
            .collect()
    }

    /// The order a quote the actor has opened became, if any.
    pub async fn order_of_quote(
        &self,
        actor: &Actor,
        quote: &QuoteView,
    ) -> Result<Option<OrderView>, AppError> {
        repo::of_quote(&self.db, actor.org_id, QuoteId(quote.id)).await?.map(OrderView::of).transpose()
    }

    /// A page of a destination's open orders (or those in `state`) numbered
    /// after `after`, oldest first, of the customers the actor may see.
    pub async fn queue(
        &self,
        actor: &Actor,
        destination: Destination,
        state: Option<OrderState>,
        after: Option<i64>,
    ) -> Result<OrderQueue, AppError> {
        actor.require(Permission::PartiesRead)?;
        let states: Vec<&str> = match state {
            Some(state) => vec![state.as_str()],
            None => OrderState::ALL.iter().filter(|s| s.is_open()).map(|s| s.as_str()).collect(),
        };
        let after = match after {
            Some(after) if after < 0 => {
                return Err(ValidationErrors::single("after", "error-number-invalid").into());
            }
            after => after.unwrap_or(0),
        };
        let rows =
            repo::queue(&self.db, actor.org_id, destination.as_str(), &states, after, QUEUE_ROWS).await?;
        // Read a whole page: the next starts after its last number, whether
        // the reader may see that order or not.
        let next_after =
            (rows.len() == QUEUE_ROWS as usize).then(|| rows.last().map(|row| row.number)).flatten();
        let parties: Vec<PartyId> = rows.iter().map(|row| PartyId(row.party_id)).collect();
        let seen: std::collections::HashSet<PartyId> =
            db::repo::party::standings(&self.db, &actor.read_scope(), &parties)
                .await?
                .into_iter()
                .map(|(id, _)| id)
                .collect();
        let orders = rows
            .into_iter()
            .filter(|row| seen.contains(&PartyId(row.party_id)))
            .map(OrderView::of)
            .collect::<Result<_, _>>()?;
        Ok(OrderQueue { orders, next_after })
    }
}

/// Puts an order's step on its party's history and in the audit (`after`
/// says what the step left).
async fn note_step(
    change: &mut crate::change::Change<'_>,
    before: &OrderView,
    to: OrderState,
    after: serde_json::Value,
) -> Result<(), AppError> {
    let detail = format!("#{} · {}", before.number, before.currency.written(before.total));
    let event = Event::new(EventKind::Order, order_action(to), detail, Some(before.id));
    change.history(PartyId(before.party_id), event).await?;
    let before_state = serde_json::json!({ "state": before.state.as_str() });
    change.audit_changed(AuditEntity::Order, before.id, before_state, after).await
}

/// The history's message for an order reaching `state`.
fn order_action(state: OrderState) -> &'static str {
    match state {
        OrderState::Received => "timeline-order-received",
        OrderState::InProduction => "timeline-order-in_production",
        OrderState::Ready => "timeline-order-ready",
        OrderState::Delivered => "timeline-order-delivered",
        OrderState::Invoiced => "timeline-order-invoiced",
        OrderState::Cancelled => "timeline-order-cancelled",
    }
}
