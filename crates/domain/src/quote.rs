//! Quotes and proposals [orçamentos, propostas] (seeds 001 and 002): what
//! is offered to a party line by line — from the catalogue or written
//! freely — with each line's discount, the quote's discount and freight,
//! the payment and delivery terms, until the customer accepts or refuses it
//! or its validity runs out. Amounts are whole cents; a discount is a
//! percentage in hundredths (`550` is 5,5 %), rounded to the cent half
//! away from zero at each line and once for the quote.
use crate::sale::{format_quantity, line_gross, parse_quantity};
use crate::{Money, ProductId, ValidationErrors};
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

string_enum!(
    /// Where a quote stands: written, sent to the customer, then his answer
    /// or the end of its validity.
    QuoteState {
        Draft = "draft",
        Sent = "sent",
        Accepted = "accepted",
        Refused = "refused",
        Expired = "expired",
    } error "error-quote-state-invalid"
);

string_enum!(
    /// How the customer would pay: at once, or in monthly installments.
    PaymentTerms { Cash = "cash", Installments = "installments" } error "error-payment-terms-invalid"
);

/// The most lines a quote may carry.
pub const MAX_LINES: usize = 200;
/// The most installments its terms may name.
pub const MAX_INSTALLMENTS: u32 = 48;
/// A quote issued today is valid this long unless the user says otherwise.
pub const DEFAULT_VALIDITY_DAYS: u64 = 15;
/// And at most this long.
pub const MAX_VALIDITY_DAYS: u64 = 365;
/// 100 %, in hundredths of a percent.
pub const WHOLE_PERCENT: i64 = 10_000;
/// Longest free text of a line (description) and of the terms.
const MAX_TEXT: usize = 500;
const MAX_NOTES: usize = 5_000;

impl QuoteState {
    /// What a person may move a quote to from here (expiry is the daily
    /// job's): send a draft, record the customer's answer to a sent one,
    /// or take a sent one back to draft to change it.
    pub fn may_become(self, next: QuoteState) -> bool {
        use QuoteState::*;
        matches!((self, next), (Draft, Sent) | (Sent, Accepted) | (Sent, Refused) | (Sent, Draft))
    }

    /// Only a draft is edited; what was sent stays as the customer saw it.
    pub fn is_editable(self) -> bool {
        self == QuoteState::Draft
    }

    /// Still waiting on the customer: the daily job expires these.
    pub fn is_open(self) -> bool {
        matches!(self, QuoteState::Draft | QuoteState::Sent)
    }
}

/// A quote as typed or sent: amounts and percentages in the user's
/// writing, empty fields at their defaults.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct QuoteDraft {
    /// `YYYY-MM-DD`; empty: [`DEFAULT_VALIDITY_DAYS`] after today.
    #[serde(default)]
    pub valid_until: String,
    /// `cash` (default) or `installments`.
    #[serde(default)]
    pub payment_terms: String,
    /// With `installments`: how many (2 to 48).
    #[serde(default)]
    pub installments: String,
    #[serde(default)]
    pub delivery_terms: String,
    #[serde(default)]
    pub notes: String,
    /// The quote's discount on its lines' total, a percentage ("5", "2,5").
    #[serde(default)]
    pub discount: String,
    /// Freight [frete], an amount.
    #[serde(default)]
    pub freight: String,
    pub lines: Vec<QuoteLineDraft>,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct QuoteLineDraft {
    /// A catalogue product's code; empty: a free line.
    #[serde(default)]
    pub product: String,
    /// Empty with a product: the product's name.
    #[serde(default)]
    pub description: String,
    /// Empty with a product: the product's unit.
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub quantity: String,
    /// Empty with a product: its catalogue price.
    #[serde(default)]
    pub unit_price: String,
    /// A percentage ("10", "7,5"); empty: none.
    #[serde(default)]
    pub discount: String,
}

impl QuoteLineDraft {
    /// A row of the form left empty: not a line.
    pub fn is_blank(&self) -> bool {
        [&self.product, &self.description, &self.unit, &self.quantity, &self.unit_price, &self.discount]
            .iter()
            .all(|field| field.trim().is_empty())
    }
}

/// What a quote needs to know of the catalogue.
#[derive(Clone, Debug)]
pub struct QuotedProduct {
    pub id: ProductId,
    pub name: String,
    pub unit: String,
    pub price: Money,
    pub active: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidQuote {
    pub valid_until: NaiveDate,
    pub payment_terms: PaymentTerms,
    /// 1 for cash.
    pub installments: u32,
    pub delivery_terms: String,
    pub notes: String,
    /// The quote's discount, hundredths of a percent.
    pub discount_percent: i64,
    pub lines: Vec<ValidLine>,
    pub totals: QuoteTotals,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidLine {
    pub product_id: Option<ProductId>,
    pub description: String,
    pub unit: String,
    /// Thousandths of the unit: 1,5 m is 1500.
    pub quantity_milli: i64,
    pub unit_price: Money,
    /// Hundredths of a percent.
    pub discount_percent: i64,
    pub total: Money,
}

/// What a quote adds up to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuoteTotals {
    /// The lines' totals (after their discounts).
    pub subtotal: Money,
    /// The quote's discount taken off the subtotal.
    pub discount: Money,
    pub freight: Money,
    pub total: Money,
}

/// `percent` (hundredths) of `amount`, to the cent, half away from zero.
pub fn percent_of(amount: Money, percent: i64) -> Money {
    let hundredths = i128::from(amount.0) * i128::from(percent);
    let half = i128::from(WHOLE_PERCENT / 2) * hundredths.signum();
    Money(i64::try_from((hundredths + half) / i128::from(WHOLE_PERCENT)).unwrap_or(i64::MAX))
}

/// A line's total: quantity times price to the cent, less its discount.
pub fn line_total(quantity_milli: i64, unit_price: Money, discount_percent: i64) -> Money {
    let gross = line_gross(quantity_milli, unit_price);
    Money(gross.0 - percent_of(gross, discount_percent).0)
}

/// The quote's figures from its lines' totals, its discount and freight.
pub fn totals(line_totals: &[Money], discount_percent: i64, freight: Money) -> QuoteTotals {
    let subtotal = Money(line_totals.iter().map(|total| total.0).sum());
    let discount = percent_of(subtotal, discount_percent);
    QuoteTotals { subtotal, discount, freight, total: Money(subtotal.0 - discount.0 + freight.0) }
}

/// How much of a quote still open the revenue estimate counts (seed 001),
/// in hundredths of a percent: a quarter of a draft, half of one sent, all
/// of one accepted whose order is not yet invoiced (invoiced, it is a sale).
pub fn estimate_weight(state: QuoteState) -> i64 {
    match state {
        QuoteState::Draft => 2_500,
        QuoteState::Sent => 5_000,
        QuoteState::Accepted => WHOLE_PERCENT,
        QuoteState::Refused | QuoteState::Expired => 0,
    }
}

/// A customer's revenue estimate [estimativa de faturamento]: what he
/// bought in the last twelve months and his open quotes, each weighted by
/// its state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RevenueEstimate {
    pub sales_12_months: Money,
    /// The open quotes' totals, weighted.
    pub open_quotes: Money,
    pub total: Money,
}

impl RevenueEstimate {
    /// From the sales of the last twelve months and the open quotes' totals
    /// by state.
    pub fn of(sales_12_months: Money, open: &[(QuoteState, Money)]) -> RevenueEstimate {
        let open_quotes =
            Money(open.iter().map(|(state, total)| percent_of(*total, estimate_weight(*state)).0).sum());
        RevenueEstimate { sales_12_months, open_quotes, total: Money(sales_12_months.0 + open_quotes.0) }
    }
}

/// `amount` shared over `parts` in proportion to each, to the cent: each
/// share rounded down, and the cents left over given one by one to the
/// parts that lost the most in rounding (the first on a tie). The shares
/// add up to `amount`; none exceeds its part when `amount` does not exceed
/// their sum.
pub fn spread(amount: Money, parts: &[Money]) -> Vec<Money> {
    let whole: i128 = parts.iter().map(|part| i128::from(part.0)).sum();
    if whole <= 0 || amount.0 == 0 {
        return vec![Money(0); parts.len()];
    }
    let exact: Vec<(i128, i128)> = parts
        .iter()
        .map(|part| {
            let scaled = i128::from(amount.0) * i128::from(part.0);
            (scaled / whole, scaled % whole)
        })
        .collect();
    let mut shares: Vec<i64> = exact.iter().map(|(floor, _)| *floor as i64).collect();
    let mut left = amount.0 - shares.iter().sum::<i64>();
    let mut order: Vec<usize> = (0..parts.len()).collect();
    order.sort_by(|a, b| exact[*b].1.cmp(&exact[*a].1).then(a.cmp(b)));
    for index in order {
        if left == 0 {
            break;
        }
        if exact[index].1 > 0 {
            shares[index] += 1;
            left -= 1;
        }
    }
    shares.into_iter().map(Money).collect()
}

/// "5", "2,5", "12.75" → hundredths of a percent, 0 to 100 %; empty: 0.
pub fn parse_percent(typed: &str) -> Result<i64, &'static str> {
    let typed = typed.trim().trim_end_matches('%').trim_end();
    if typed.is_empty() {
        return Ok(0);
    }
    if !typed.chars().all(|c| c.is_ascii_digit() || c == ',' || c == '.') {
        return Err("error-percent-invalid");
    }
    match Money::parse(typed) {
        Ok(Money(hundredths)) if (0..=WHOLE_PERCENT).contains(&hundredths) => Ok(hundredths),
        _ => Err("error-percent-invalid"),
    }
}

/// A percentage as people write it: 550 → "5,5".
pub fn format_percent(hundredths: i64) -> String {
    // Hundredths of a percent read like thousandths with one digit less.
    format_quantity(hundredths * 10)
}

impl QuoteDraft {
    /// Judges the draft against the catalogue (`product` by code) on
    /// `today`; every problem is reported under its field
    /// (`lines.3.quantity`).
    pub fn validate(
        &self,
        product: &dyn Fn(&str) -> Option<QuotedProduct>,
        today: NaiveDate,
    ) -> Result<ValidQuote, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let valid_until = match self.valid_until.trim() {
            "" => today.checked_add_days(Days::new(DEFAULT_VALIDITY_DAYS)),
            typed => match NaiveDate::parse_from_str(typed, "%Y-%m-%d") {
                Ok(day) if day < today => {
                    errors.add("valid_until", "error-quote-validity-past");
                    None
                }
                Ok(day)
                    if today
                        .checked_add_days(Days::new(MAX_VALIDITY_DAYS))
                        .is_some_and(|last| day > last) =>
                {
                    errors.add("valid_until", "error-quote-validity-too-long");
                    None
                }
                Ok(day) => Some(day),
                Err(_) => {
                    errors.add("valid_until", "error-date-invalid");
                    None
                }
            },
        };
        let payment_terms = match self.payment_terms.trim() {
            "" => Some(PaymentTerms::Cash),
            typed => errors.check("payment_terms", PaymentTerms::parse(typed)),
        };
        let installments = match (payment_terms, self.installments.trim()) {
            (Some(PaymentTerms::Installments), typed) => match typed.parse::<u32>() {
                Ok(count) if (2..=MAX_INSTALLMENTS).contains(&count) => count,
                _ => {
                    errors.add("installments", "error-quote-installments-invalid");
                    2
                }
            },
            _ => 1,
        };
        let delivery_terms = bounded(&self.delivery_terms, "delivery_terms", MAX_TEXT, &mut errors);
        let notes = bounded(&self.notes, "notes", MAX_NOTES, &mut errors);
        let discount_percent = errors.check("discount", parse_percent(&self.discount)).unwrap_or(0);
        let freight = errors.check("freight", Money::parse_non_negative(&self.freight)).unwrap_or_default();
        let lines = self.lines_checked(product, &mut errors);
        errors.into_result()?;
        let (Some(valid_until), Some(payment_terms)) = (valid_until, payment_terms) else {
            unreachable!("each missing value was recorded as an error")
        };
        let line_totals: Vec<Money> = lines.iter().map(|line| line.total).collect();
        Ok(ValidQuote {
            valid_until,
            payment_terms,
            installments,
            delivery_terms,
            notes,
            discount_percent,
            totals: totals(&line_totals, discount_percent, freight),
            lines,
        })
    }

    fn lines_checked(
        &self,
        product: &dyn Fn(&str) -> Option<QuotedProduct>,
        errors: &mut ValidationErrors,
    ) -> Vec<ValidLine> {
        let typed = self.lines.iter().filter(|line| !line.is_blank()).count();
        if typed == 0 {
            errors.add("lines", "error-quote-no-lines");
        } else if typed > MAX_LINES {
            errors.add("lines", "error-quote-too-many-lines");
            return Vec::new();
        }
        let mut lines = Vec::new();
        for (index, line) in self.lines.iter().enumerate().filter(|(_, line)| !line.is_blank()) {
            let field = |name: &str| format!("lines.{index}.{name}");
            let found = match line.product.trim() {
                "" => None,
                code => match product(code) {
                    Some(found) if found.active => Some(found),
                    Some(_) => {
                        errors.add(field("product"), "error-product-inactive");
                        continue;
                    }
                    None => {
                        errors.add(field("product"), "error-product-unknown");
                        continue;
                    }
                },
            };
            let description = match (line.description.trim(), &found) {
                ("", Some(found)) => found.name.clone(),
                ("", None) => {
                    errors.add(field("description"), "error-required");
                    String::new()
                }
                (typed, _) if typed.chars().count() > MAX_TEXT => {
                    errors.add(field("description"), "error-too-long");
                    String::new()
                }
                (typed, _) => typed.to_string(),
            };
            let unit = match (line.unit.trim(), &found) {
                ("", Some(found)) => found.unit.clone(),
                (typed, _) if typed.chars().count() > 20 => {
                    errors.add(field("unit"), "error-too-long");
                    String::new()
                }
                (typed, _) => typed.to_string(),
            };
            let quantity = errors.check(field("quantity"), parse_quantity(&line.quantity));
            let unit_price = match (line.unit_price.trim(), &found) {
                ("", Some(found)) => Some(found.price),
                ("", None) => {
                    errors.add(field("unit_price"), "error-required");
                    None
                }
                (typed, _) => errors.check(field("unit_price"), Money::parse_non_negative(typed)),
            };
            let discount_percent = errors.check(field("discount"), parse_percent(&line.discount));
            let (Some(quantity_milli), Some(unit_price), Some(discount_percent)) =
                (quantity, unit_price, discount_percent)
            else {
                continue;
            };
            lines.push(ValidLine {
                product_id: found.map(|found| found.id),
                description,
                unit,
                quantity_milli,
                unit_price,
                discount_percent,
                total: line_total(quantity_milli, unit_price, discount_percent),
            });
        }
        lines
    }
}

fn bounded(typed: &str, field: &'static str, max: usize, errors: &mut ValidationErrors) -> String {
    let text = typed.trim();
    if text.chars().count() > max {
        errors.add(field, "error-too-long");
    }
    text.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_estimate_weighs_open_quotes_by_their_state() {
        let open = [
            (QuoteState::Draft, Money(10_000)),
            (QuoteState::Sent, Money(10_000)),
            (QuoteState::Accepted, Money(10_000)),
            (QuoteState::Refused, Money(99_999)),
        ];
        let estimate = RevenueEstimate::of(Money(50_000), &open);
        assert_eq!((estimate.open_quotes, estimate.total), (Money(17_500), Money(67_500)));
    }

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("day")
    }

    fn catalogue(code: &str) -> Option<QuotedProduct> {
        (code == "P1").then(|| QuotedProduct {
            id: ProductId(uuid::Uuid::nil()),
            name: "Pneu 175/70".into(),
            unit: "un".into(),
            price: Money(32_990),
            active: true,
        })
    }

    fn line(product: &str, quantity: &str, price: &str, discount: &str) -> QuoteLineDraft {
        QuoteLineDraft {
            product: product.into(),
            description: if product.is_empty() { "Instalação".into() } else { String::new() },
            quantity: quantity.into(),
            unit_price: price.into(),
            discount: discount.into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_quote_adds_up_to_the_cent() {
        let draft = QuoteDraft {
            discount: "5".into(),
            freight: "45,00".into(),
            lines: vec![line("P1", "4", "", "10"), line("", "1,5", "80,00", ""), QuoteLineDraft::default()],
            ..Default::default()
        };
        let quote = draft.validate(&catalogue, day("2026-12-04")).expect("valid");
        // 4 × 329,90 = 1.319,60 − 10 % = 1.187,64; 1,5 × 80,00 = 120,00.
        assert_eq!(quote.lines[0].total, Money(118_764));
        assert_eq!(quote.lines[0].description, "Pneu 175/70");
        assert_eq!(quote.lines[1].total, Money(12_000));
        assert_eq!(
            quote.totals,
            QuoteTotals {
                subtotal: Money(130_764),
                discount: Money(6_538),
                freight: Money(4_500),
                total: Money(128_726)
            }
        );
        assert_eq!(quote.valid_until, day("2026-12-19"));
        assert_eq!((quote.payment_terms, quote.installments), (PaymentTerms::Cash, 1));
    }

    #[test]
    fn each_problem_is_named_by_its_field() {
        let draft = QuoteDraft {
            valid_until: "2026-12-01".into(),
            payment_terms: "installments".into(),
            installments: "1".into(),
            discount: "101".into(),
            freight: "-1".into(),
            lines: vec![
                line("XX", "1", "", ""),
                line("", "0", "", ""),
                QuoteLineDraft {
                    description: "Frete extra".into(),
                    quantity: "1".into(),
                    unit_price: "10".into(),
                    discount: "abc".into(),
                    ..Default::default()
                },
            ],
            ..Default::default()
        };
        let errors = draft.validate(&catalogue, day("2026-12-04")).expect_err("refused");
        let fields: Vec<&str> = errors.fields().collect();
        for field in [
            "valid_until",
            "installments",
            "discount",
            "freight",
            "lines.0.product",
            "lines.1.quantity",
            "lines.1.unit_price",
            "lines.2.discount",
        ] {
            assert!(fields.contains(&field), "{field} in {fields:?}");
        }
        let empty = QuoteDraft { lines: vec![QuoteLineDraft::default()], ..Default::default() };
        let errors = empty.validate(&catalogue, day("2026-12-04")).expect_err("no lines");
        assert_eq!(errors.fields().collect::<Vec<_>>(), ["lines"]);
    }

    #[test]
    fn percentages_read_as_people_write_them() {
        assert_eq!(parse_percent(""), Ok(0));
        assert_eq!(parse_percent("5"), Ok(500));
        assert_eq!(parse_percent("2,5 %"), Ok(250));
        assert_eq!(parse_percent("12.75"), Ok(1_275));
        assert_eq!(parse_percent("100"), Ok(10_000));
        assert!(parse_percent("100,01").is_err());
        assert!(parse_percent("-1").is_err());
        assert!(parse_percent("R$ 5").is_err());
        assert_eq!(format_percent(550), "5,5");
        assert_eq!(format_percent(1_000), "10");
    }

    #[test]
    fn only_the_steps_of_a_quote_are_allowed() {
        use QuoteState::*;
        assert!(Draft.may_become(Sent));
        assert!(Sent.may_become(Accepted) && Sent.may_become(Refused) && Sent.may_become(Draft));
        assert!(!Draft.may_become(Accepted));
        assert!(!Accepted.may_become(Draft) && !Refused.may_become(Sent) && !Expired.may_become(Sent));
    }
}
