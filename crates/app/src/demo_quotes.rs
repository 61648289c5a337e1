//! Demo quotes and orders for the first demo customers — drafts, sent and
//! refused ones, and accepted ones whose orders wait in production's and
//! the sales office's queues — so Orçamentos and Pedidos are not empty.
use crate::demo::Rng;
use crate::demo_sales::PRODUCTS;
use crate::{AppError, Demo};
use chrono::Duration;
use db::repo::{catalogue, counter, order, quote, timeline};
use domain::order::{Destination, OrderState};
use domain::quote::{QuoteDraft, QuoteLineDraft, QuoteState};
use domain::timeline::{Event, EventKind};
use domain::{OrderId, OrgId, PartyId, QuoteId, UserId};

/// How many demo customers get a quote.
const QUOTED_PARTIES: usize = 24;

/// An accepted demo quote's order: where it went and the steps it took.
type DemoOrder = (Destination, &'static [OrderState]);

/// Where each demo quote ends: its state and, when accepted, its order.
const OUTCOMES: &[(QuoteState, Option<DemoOrder>)] = &[
    (QuoteState::Draft, None),
    (QuoteState::Sent, None),
    (QuoteState::Accepted, Some((Destination::Production, &[]))),
    (QuoteState::Accepted, Some((Destination::Production, &[OrderState::InProduction]))),
    (QuoteState::Accepted, Some((Destination::SalesOffice, &[OrderState::Ready]))),
    (QuoteState::Refused, None),
];

impl Demo<'_> {
    /// Writes a quote for each of the first customers given (by the seller
    /// named, or the first manager), in one transaction; nothing when the
    /// organisation has quotes already.
    pub(crate) async fn load_demo_quotes(
        &self,
        org_id: OrgId,
        seed: u64,
        parties: &[(PartyId, Option<UserId>)],
        fallback_seller: UserId,
    ) -> Result<usize, AppError> {
        let mut rng = Rng(seed ^ 0x0A7E_5000_0000_0016);
        let now = self.now();
        let zone = chrono_tz::America::Sao_Paulo;
        let today = now.with_timezone(&zone).date_naive();
        let mut tx = self.db.begin().await?;
        if counter::last_number(&mut tx, org_id, crate::quotes::NUMBERS).await?.is_some() {
            return Ok(0);
        }
        let codes: Vec<String> = PRODUCTS.iter().map(|p| p.0.to_string()).collect();
        let products =
            crate::quotes::quoted_by_code(catalogue::products_by_code(&mut tx, org_id, &codes).await?);
        if products.is_empty() {
            return Ok(0);
        }
        let mut written = 0;
        for (index, (party, seller)) in parties.iter().take(QUOTED_PARTIES).enumerate() {
            let lines = (0..1 + rng.below(3))
                .map(|_| QuoteLineDraft {
                    product: rng.pick(&codes).clone(),
                    quantity: (1 + rng.below(4)).to_string(),
                    discount: if rng.chance(30) { "5".into() } else { String::new() },
                    ..Default::default()
                })
                .collect();
            let draft = QuoteDraft {
                freight: if rng.chance(40) { "80,00".into() } else { String::new() },
                lines,
                ..Default::default()
            };
            let valid = draft.validate(&|code| products.get(code).cloned(), today)?;
            let id = QuoteId::new();
            let number = counter::next_number(&mut tx, org_id, crate::quotes::NUMBERS).await?;
            let issued = now - Duration::days(rng.below(10) as i64);
            let new = quote::NewQuote {
                id,
                party: *party,
                number,
                issued_on: issued.with_timezone(&zone).date_naive(),
                currency: "BRL",
                quote: &valid,
                created_by: seller.unwrap_or(fallback_seller),
                sales_contact: None,
            };
            quote::insert(&mut tx, org_id, &new, issued).await?;
            let detail = format!("#{number} · {}", valid.totals.total.format_plain());
            let created = Event::new(EventKind::Quote, "timeline-quote-created", detail.clone(), Some(id.0));
            timeline::record(&mut tx, org_id, &[(*party, &created)], "demo", issued).await?;
            let (state, order_path) = OUTCOMES[index % OUTCOMES.len()];
            let mut version = 1;
            let path: &[QuoteState] = match state {
                QuoteState::Draft => &[],
                QuoteState::Sent => &[QuoteState::Sent],
                _ => &[QuoteState::Sent, state],
            };
            let mut from = QuoteState::Draft;
            for step in path {
                quote::set_state(&mut tx, org_id, id, version, from.as_str(), step.as_str(), issued).await?;
                (version, from) = (version + 1, *step);
            }
            if let Some((destination, steps)) = order_path {
                let order_id = OrderId::new();
                let order_number = counter::next_number(&mut tx, org_id, crate::orders::NUMBERS).await?;
                let new = order::NewOrder {
                    id: order_id,
                    party: *party,
                    quote: id,
                    number: order_number,
                    destination: destination.as_str(),
                };
                order::insert(&mut tx, org_id, &new, "demo", now).await?;
                let made = Event::new(EventKind::Order, "timeline-order-created", detail, Some(order_id.0));
                timeline::record(&mut tx, org_id, &[(*party, &made)], "demo", now).await?;
                let mut from = OrderState::Received;
                for (moved, step) in steps.iter().enumerate() {
                    let version = moved as i64 + 1;
                    order::set_state(
                        &mut tx,
                        org_id,
                        order_id,
                        version,
                        from.as_str(),
                        step.as_str(),
                        "demo",
                        now,
                    )
                    .await?;
                    from = *step;
                }
            }
            written += 1;
        }
        tx.commit().await?;
        Ok(written)
    }
}
