//! Orders [pedidos] (seed 001): an accepted quote becomes an order in one
//! action, sent to production (the plant manager's queue) or to the sales
//! office, and moves through its states — each step with who and when —
//! until it is delivered and invoiced, or cancelled.
use crate::quote::{PaymentTerms, spread};
use crate::sale::{
    PaymentForm, ValidItem, ValidSale, default_first_due, fiscal_checked, line_gross, split_installments,
};
use crate::{Money, ProductId, StoreId, ValidationErrors};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
string_enum!(
    /// Where an order is worked on.
    Destination { Production = "production", SalesOffice = "sales_office" } error "error-order-destination-invalid"
);

string_enum!(
    /// Where an order stands.
    OrderState {
        Received = "received",
        InProduction = "in_production",
        Ready = "ready",
        Delivered = "delivered",
        Invoiced = "invoiced",
        Cancelled = "cancelled",
    } error "error-order-state-invalid"
);

impl OrderState {
    /// The steps a person may take from here. Production makes what the
    /// sales office only hands over, so only a production order passes
    /// through "in production"; anything not yet delivered may be
    /// cancelled.
    pub fn may_become(self, next: OrderState, destination: Destination) -> bool {
        use OrderState::*;
        match (self, next) {
            (Received, InProduction) => destination == Destination::Production,
            (Received | InProduction, Ready) => true,
            (Ready, Delivered) => true,
            (Received | InProduction | Ready, Cancelled) => true,
            _ => false,
        }
    }

    /// Only a delivered order is invoiced, and only by invoicing it: the
    /// step records the sale.
    pub fn may_invoice(self) -> bool {
        self == OrderState::Delivered
    }

    /// Still in someone's queue.
    pub fn is_open(self) -> bool {
        matches!(self, OrderState::Received | OrderState::InProduction | OrderState::Ready)
    }
}

/// An order's invoice [faturamento] as typed: the store that issues it,
/// its fiscal note, and for installment terms the first due day.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct InvoiceDraft {
    /// The issuing store's code.
    #[serde(default)]
    pub store: String,
    #[serde(default)]
    pub fiscal_number: String,
    #[serde(default)]
    pub fiscal_key: String,
    /// `YYYY-MM-DD`; empty: a month after today. Only for installment terms.
    #[serde(default)]
    pub first_due: String,
}

/// A line of the accepted quote, as the sale takes it.
#[derive(Clone, Debug)]
pub struct InvoicedLine {
    pub product_id: Option<ProductId>,
    pub description: String,
    pub quantity_milli: i64,
    pub unit_price: Money,
    /// After the line's own discount.
    pub total: Money,
}

/// What an order invoices: its quote's lines, discount, freight and terms.
pub struct InvoicedQuote<'a> {
    pub lines: &'a [InvoicedLine],
    /// The quote's own discount, in money.
    pub discount: Money,
    pub freight: Money,
    /// How the freight's item reads, in the organisation's language.
    pub freight_label: &'a str,
    pub terms: PaymentTerms,
    pub installments: u32,
}

/// Where an invoice is judged: a store by its code (or why it cannot
/// issue one), now, and the organisation's zone.
pub struct InvoiceContext<'a> {
    pub store: &'a (dyn Fn(&str) -> Result<StoreId, &'static str> + Sync),
    pub now: DateTime<Utc>,
    pub zone: Tz,
}

impl InvoiceDraft {
    /// The sale the order becomes: an item per quote line with the quote's
    /// discount spread over them in proportion (so each item says what it
    /// was sold for), the freight as an item of its own, paid as the quote
    /// said — at once, or in monthly installments [parcelas] from the first
    /// due day. The items add up to the quote's total to the cent.
    pub fn validate(
        &self,
        quote: &InvoicedQuote<'_>,
        context: &InvoiceContext<'_>,
    ) -> Result<ValidSale, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let store_id = match self.store.trim() {
            "" => {
                errors.add("store", "error-required");
                None
            }
            code => errors.check("store", (context.store)(code)),
        };
        let (fiscal_number, fiscal_key) = fiscal_checked(&self.fiscal_number, &self.fiscal_key, &mut errors);
        let first_due = match (quote.terms, self.first_due.trim()) {
            (PaymentTerms::Cash, _) | (_, "") => None,
            (PaymentTerms::Installments, typed) => errors.check(
                "first_due",
                NaiveDate::parse_from_str(typed, "%Y-%m-%d").map_err(|_| "error-date-invalid"),
            ),
        };
        errors.into_result()?;
        let Some(store_id) = store_id else { unreachable!("a missing store was recorded as an error") };
        let totals: Vec<Money> = quote.lines.iter().map(|line| line.total).collect();
        let shares = spread(quote.discount, &totals);
        let mut items: Vec<ValidItem> = quote
            .lines
            .iter()
            .zip(shares)
            .map(|(line, share)| {
                let gross = line_gross(line.quantity_milli, line.unit_price);
                ValidItem {
                    product_id: line.product_id,
                    description: line.description.clone(),
                    quantity_milli: line.quantity_milli,
                    unit_price: line.unit_price,
                    discount: Money(gross.0 - line.total.0 + share.0),
                    total: Money(line.total.0 - share.0),
                }
            })
            .collect();
        if quote.freight.0 > 0 {
            items.push(ValidItem {
                product_id: None,
                description: quote.freight_label.to_string(),
                quantity_milli: 1_000,
                unit_price: quote.freight,
                discount: Money(0),
                total: quote.freight,
            });
        }
        let total = Money(items.iter().map(|item| item.total.0).sum());
        let sold_on = context.now.with_timezone(&context.zone).date_naive();
        let (payment, installments) = match quote.terms {
            PaymentTerms::Cash => (PaymentForm::Cash, Vec::new()),
            PaymentTerms::Installments => {
                let first = first_due.unwrap_or_else(|| default_first_due(sold_on));
                (PaymentForm::StoreCredit, split_installments(total, quote.installments.max(1), first))
            }
        };
        Ok(ValidSale {
            store_id,
            sold_at: context.now,
            seller_code: String::new(),
            items,
            total,
            coupon: None,
            bonus: Money(0),
            payment,
            installments,
            fiscal_number,
            fiscal_key,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_order_moves_forward_and_only_production_makes() {
        use OrderState::*;
        let (plant, office) = (Destination::Production, Destination::SalesOffice);
        assert!(Received.may_become(InProduction, plant));
        assert!(!Received.may_become(InProduction, office));
        assert!(Received.may_become(Ready, office) && InProduction.may_become(Ready, plant));
        assert!(Ready.may_become(Delivered, office) && !Delivered.may_become(Invoiced, office));
        assert!(Delivered.may_invoice() && !Ready.may_invoice(), "invoicing is its own action");
        assert!(Ready.may_become(Cancelled, plant) && !Delivered.may_become(Cancelled, plant));
        assert!(!Invoiced.may_become(Received, plant) && !Cancelled.may_become(Ready, plant));
        assert!(!Received.may_become(Delivered, office), "handed over only once ready");
    }
}

#[cfg(test)]
mod invoice_tests {
    use super::*;

    fn line(product: bool, quantity_milli: i64, price: i64, total: i64) -> InvoicedLine {
        InvoicedLine {
            product_id: product.then(ProductId::new),
            description: "Peça".into(),
            quantity_milli,
            unit_price: Money(price),
            total: Money(total),
        }
    }

    #[test]
    fn an_invoice_adds_up_to_the_quote_and_splits_installments() {
        let store = StoreId::new();
        let lookup = move |code: &str| if code == "01" { Ok(store) } else { Err("error-store-unknown") };
        let context = InvoiceContext {
            store: &lookup,
            now: DateTime::parse_from_rfc3339("2026-12-03T15:00:00Z").expect("now").to_utc(),
            zone: chrono_tz::America::Sao_Paulo,
        };
        // 2 × 100,00 less 10 % = 180,00; a free line of 33,33; 5 % off the
        // quote (10,67) and 25,00 of freight: 227,66.
        let lines = [line(true, 2_000, 10_000, 18_000), line(false, 1_000, 3_333, 3_333)];
        let quote = InvoicedQuote {
            lines: &lines,
            discount: Money(1_067),
            freight: Money(2_500),
            freight_label: "Frete",
            terms: PaymentTerms::Installments,
            installments: 3,
        };
        let draft = InvoiceDraft { store: "01".into(), first_due: "2027-01-10".into(), ..Default::default() };
        let sale = draft.validate(&quote, &context).expect("valid");
        assert_eq!(sale.total, Money(18_000 + 3_333 - 1_067 + 2_500));
        assert_eq!(sale.items.len(), 3);
        assert_eq!(sale.items[0].discount.0 + sale.items[1].discount.0, 2_000 + 1_067);
        assert_eq!(sale.items[2].description, "Frete");
        assert!(sale.items[1].product_id.is_none());
        assert_eq!(sale.payment, PaymentForm::StoreCredit);
        assert_eq!(sale.installments.len(), 3);
        assert_eq!(sale.installments.iter().map(|(_, amount)| amount.0).sum::<i64>(), sale.total.0);
        assert_eq!(sale.installments[0].0, NaiveDate::from_ymd_opt(2027, 1, 10).expect("day"));

        let unknown = InvoiceDraft { store: "99".into(), fiscal_key: "123".into(), ..Default::default() };
        let errors = unknown.validate(&quote, &context).expect_err("refused");
        let fields: Vec<String> = errors.0.iter().map(|e| e.field.to_string()).collect();
        assert_eq!(fields, ["store", "fiscal_key"]);
        let cash = InvoicedQuote { terms: PaymentTerms::Cash, freight: Money(0), ..quote };
        let sale = draft.validate(&cash, &context).expect("valid");
        assert_eq!((sale.payment, sale.installments.len(), sale.items.len()), (PaymentForm::Cash, 0, 2));
    }
}
