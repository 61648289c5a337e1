//! Sales [vendas]: what a party bought, where, from whom and how it was
//! paid; a credit sale [crediário] splits into monthly installments.
use crate::message::MessageChannel;
use crate::{Money, ProductId, StoreId, ValidationErrors};
use chrono::{DateTime, Datelike, Months, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

string_enum!(
    /// How a sale was paid.
    PaymentForm {
        Cash = "cash",
        Card = "card",
        Pix = "pix",
        StoreCredit = "store_credit",
    } error "error-payment-form-invalid"
);

/// The most installments a credit sale may have.
pub const MAX_INSTALLMENTS: u32 = 48;
/// The most items one sale may carry.
pub const MAX_ITEMS: usize = 200;

/// A sale as typed or sent by the ERP: the store and products by their
/// codes, amounts in the user's writing, the time in the organisation's
/// zone (or with an offset), empty fields at their defaults.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct SaleDraft {
    pub store: String,
    #[serde(default)]
    pub sold_at: String,
    #[serde(default)]
    pub seller_code: String,
    pub items: Vec<SaleItemDraft>,
    pub payment: String,
    #[serde(default)]
    pub installments: String,
    #[serde(default)]
    pub first_due: String,
    #[serde(default)]
    pub fiscal_number: String,
    #[serde(default)]
    pub fiscal_key: String,
    /// A discount coupon's code.
    #[serde(default)]
    pub coupon: String,
    /// Bonus credit to spend on it, in the user's writing; empty: none.
    #[serde(default)]
    pub bonus: String,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct SaleItemDraft {
    pub product: String,
    pub quantity: String,
    /// Empty: the catalogue's price.
    #[serde(default)]
    pub unit_price: String,
    #[serde(default)]
    pub discount: String,
}

/// What a sale needs to know of the catalogue: a product by its code.
#[derive(Clone, Debug)]
pub struct CatalogueProduct {
    pub id: ProductId,
    pub name: String,
    pub price: Money,
    pub active: bool,
}

/// What a coupon's code takes off a sale of a gross amount on a day: the
/// coupon's id and the discount, or why it may not be used.
pub type CouponCheck<'a> =
    dyn Fn(&str, Money, NaiveDate) -> Result<(uuid::Uuid, Money), &'static str> + Sync + 'a;

/// Where a sale is judged: the stores and products it may name, now, and
/// the organisation's zone.
pub struct SaleContext<'a> {
    pub store: &'a (dyn Fn(&str) -> Option<StoreId> + Sync),
    pub product: &'a (dyn Fn(&str) -> Option<CatalogueProduct> + Sync),
    /// A coupon by its code: its id and what it takes off a sale of this
    /// gross amount on this day, or why not.
    pub coupon: &'a CouponCheck<'a>,
    /// The party's bonus credit still valid on a day.
    pub bonus: &'a (dyn Fn(NaiveDate) -> Money + Sync),
    pub now: DateTime<Utc>,
    pub zone: Tz,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidSale {
    pub store_id: StoreId,
    pub sold_at: DateTime<Utc>,
    pub seller_code: String,
    pub items: Vec<ValidItem>,
    /// The items' total less the coupon's discount and the bonus spent.
    pub total: Money,
    /// The coupon used and what it took off.
    pub coupon: Option<(uuid::Uuid, Money)>,
    /// The bonus credit [CRM Bônus] spent on it.
    pub bonus: Money,
    pub payment: PaymentForm,
    /// Due date and amount of each installment; empty unless on credit.
    pub installments: Vec<(NaiveDate, Money)>,
    pub fiscal_number: String,
    pub fiscal_key: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidItem {
    /// None for a line written freely on an invoiced order's quote.
    pub product_id: Option<ProductId>,
    pub description: String,
    /// In thousandths of the unit: 1,5 kg is 1500.
    pub quantity_milli: i64,
    pub unit_price: Money,
    pub discount: Money,
    pub total: Money,
}

impl SaleDraft {
    pub fn validate(&self, context: &SaleContext<'_>) -> Result<ValidSale, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let store_id = match self.store.trim() {
            "" => {
                errors.add("store", "error-required");
                None
            }
            code => (context.store)(code).or_else(|| {
                errors.add("store", "error-store-unknown");
                None
            }),
        };
        let sold_at = match self.sold_at.trim() {
            "" => Some(context.now),
            typed => errors.check("sold_at", parse_instant(typed, context.zone)),
        };
        if sold_at.is_some_and(|at| at > context.now + chrono::Duration::minutes(5)) {
            errors.add("sold_at", "error-date-future");
        }
        let items = self.items_checked(context, &mut errors);
        let payment = errors.check("payment", PaymentForm::parse(&self.payment));
        let count: u32 = match self.installments.trim() {
            "" => 1,
            typed => typed.parse().ok().filter(|n| (1..=MAX_INSTALLMENTS).contains(n)).unwrap_or_else(|| {
                errors.add("installments", "error-installments-invalid");
                1
            }),
        };
        if count > 1 && payment != Some(PaymentForm::StoreCredit) {
            errors.add("installments", "error-installments-credit-only");
        }
        let first_due = match self.first_due.trim() {
            "" => None,
            typed => errors.check(
                "first_due",
                NaiveDate::parse_from_str(typed, "%Y-%m-%d").map_err(|_| "error-date-invalid"),
            ),
        };
        let (fiscal_number, fiscal_key) = fiscal_checked(&self.fiscal_number, &self.fiscal_key, &mut errors);
        let seller_code = bounded(&self.seller_code, "seller_code", 40, &mut errors);
        let gross = Money(items.iter().map(|i| i.total.0).sum());
        let sold_on = sold_at.unwrap_or(context.now).with_timezone(&context.zone).date_naive();
        let coupon = match self.coupon.trim() {
            "" => None,
            code => match (context.coupon)(code, gross, sold_on) {
                Ok(coupon) => Some(coupon),
                Err(message) => {
                    errors.add("coupon", message);
                    None
                }
            },
        };
        let after_coupon = Money(gross.0 - coupon.map_or(0, |(_, off)| off.0));
        let bonus = match self.bonus.trim() {
            "" => Money(0),
            typed => match Money::parse(typed) {
                Ok(bonus) if bonus.0 < 0 => {
                    errors.add("bonus", "error-money-negative");
                    Money(0)
                }
                Ok(bonus) if bonus.0 > (context.bonus)(sold_on).0 => {
                    errors.add("bonus", "error-bonus-above-available");
                    Money(0)
                }
                Ok(bonus) if bonus.0 > after_coupon.0 => {
                    errors.add("bonus", "error-bonus-above-total");
                    Money(0)
                }
                Ok(bonus) => bonus,
                Err(message) => {
                    errors.add("bonus", message);
                    Money(0)
                }
            },
        };
        errors.into_result()?;
        let (Some(store_id), Some(sold_at), Some(payment)) = (store_id, sold_at, payment) else {
            unreachable!("each missing value was recorded as an error")
        };
        let total = Money(after_coupon.0 - bonus.0);
        let installments = if payment == PaymentForm::StoreCredit {
            let first = first_due.unwrap_or_else(|| default_first_due(sold_on));
            split_installments(total, count, first)
        } else {
            Vec::new()
        };
        Ok(ValidSale {
            store_id,
            sold_at,
            seller_code,
            items,
            total,
            coupon,
            bonus,
            payment,
            installments,
            fiscal_number,
            fiscal_key,
        })
    }

    fn items_checked(&self, context: &SaleContext<'_>, errors: &mut ValidationErrors) -> Vec<ValidItem> {
        let typed: Vec<&SaleItemDraft> = self.items.iter().filter(|i| !i.is_blank()).collect();
        if typed.is_empty() {
            errors.add("items", "error-sale-no-items");
        } else if typed.len() > MAX_ITEMS {
            errors.add("items", "error-sale-too-many-items");
        }
        let mut items = Vec::new();
        for (index, item) in self.items.iter().enumerate().filter(|(_, i)| !i.is_blank()) {
            let field = |name: &str| format!("items.{index}.{name}");
            let product = match (context.product)(item.product.trim()) {
                _ if item.product.trim().is_empty() => {
                    errors.add(field("product"), "error-required");
                    None
                }
                Some(product) if product.active => Some(product),
                Some(_) => {
                    errors.add(field("product"), "error-product-inactive");
                    None
                }
                None => {
                    errors.add(field("product"), "error-product-unknown");
                    None
                }
            };
            let quantity = match parse_quantity(&item.quantity) {
                Ok(q) => Some(q),
                Err(message) => {
                    errors.add(field("quantity"), message);
                    None
                }
            };
            let unit_price = match item.unit_price.trim() {
                "" => product.as_ref().map(|p| p.price),
                typed => errors.check(field("unit_price"), Money::parse_non_negative(typed)),
            };
            let discount = errors.check(field("discount"), Money::parse_non_negative(&item.discount));
            let (Some(product), Some(quantity_milli), Some(unit_price), Some(discount)) =
                (product, quantity, unit_price, discount)
            else {
                continue;
            };
            let gross = line_gross(quantity_milli, unit_price);
            if discount.0 > gross.0 {
                errors.add(field("discount"), "error-discount-above-total");
                continue;
            }
            items.push(ValidItem {
                product_id: Some(product.id),
                description: product.name,
                quantity_milli,
                unit_price,
                discount,
                total: Money(gross.0 - discount.0),
            });
        }
        items
    }
}

impl SaleItemDraft {
    /// A row of the form left empty: not an item.
    pub fn is_blank(&self) -> bool {
        self.product.trim().is_empty()
            && self.quantity.trim().is_empty()
            && self.unit_price.trim().is_empty()
            && self.discount.trim().is_empty()
    }
}

/// Quantity times price, rounded to the cent (half away from zero).
pub fn line_gross(quantity_milli: i64, unit_price: Money) -> Money {
    let thousandths = i128::from(quantity_milli) * i128::from(unit_price.0);
    Money(i64::try_from((thousandths + 500) / 1000).unwrap_or(i64::MAX))
}

/// "2", "1,5", "0.250": positive, at most three decimals, at most a million.
pub fn parse_quantity(typed: &str) -> Result<i64, &'static str> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Err("error-required");
    }
    let (whole, fraction) = typed.split_once([',', '.']).unwrap_or((typed, ""));
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    if !digits(whole) || (!fraction.is_empty() && !digits(fraction)) || fraction.len() > 3 || whole.len() > 7
    {
        return Err("error-quantity-invalid");
    }
    let whole: i64 = whole.parse().map_err(|_| "error-quantity-invalid")?;
    let fraction: i64 = format!("{fraction:0<3}").parse().map_err(|_| "error-quantity-invalid")?;
    let milli = whole * 1000 + fraction;
    if milli == 0 || milli > 1_000_000_000 {
        return Err("error-quantity-invalid");
    }
    Ok(milli)
}

/// A quantity as people write it: "2", "1,5", "0,25".
pub fn format_quantity(milli: i64) -> String {
    let whole = milli / 1000;
    let fraction = milli % 1000;
    if fraction == 0 {
        whole.to_string()
    } else {
        format!("{whole},{}", format!("{fraction:03}").trim_end_matches('0'))
    }
}

/// `count` monthly installments from `first`, equal to the cent; the cents
/// that do not divide go to the first, so they add up to the total.
pub fn split_installments(total: Money, count: u32, first: NaiveDate) -> Vec<(NaiveDate, Money)> {
    let count = count.max(1);
    let each = total.0 / i64::from(count);
    let rest = total.0 - each * i64::from(count);
    (0..count)
        .map(|n| {
            let due = first.checked_add_months(Months::new(n)).unwrap_or(first);
            (due, Money(if n == 0 { each + rest } else { each }))
        })
        .collect()
}

/// `YYYY-MM-DDTHH:MM` in the organisation's zone, or RFC 3339 with its offset.
fn parse_instant(typed: &str, zone: Tz) -> Result<DateTime<Utc>, &'static str> {
    if let Ok(at) = DateTime::parse_from_rfc3339(typed) {
        return Ok(at.to_utc());
    }
    let local = crate::appointment::parse_local(typed)?;
    zone.from_local_datetime(&local).earliest().map(|at| at.to_utc()).ok_or("error-datetime-invalid")
}

/// The fiscal note's [NF-e] number (up to 20 characters) and its access
/// key (44 digits, spaces dropped), either empty.
pub(crate) fn fiscal_checked(number: &str, key: &str, errors: &mut ValidationErrors) -> (String, String) {
    let number = bounded(number, "fiscal_number", 20, errors);
    let key: String = key.chars().filter(|c| !c.is_whitespace()).collect();
    if !key.is_empty() && (key.len() != 44 || !key.chars().all(|c| c.is_ascii_digit())) {
        errors.add("fiscal_key", "error-fiscal-key-invalid");
    }
    (number, key)
}

fn bounded(typed: &str, field: &'static str, max: usize, errors: &mut ValidationErrors) -> String {
    let text = typed.trim();
    if text.chars().count() > max {
        errors.add(field, "error-too-long");
    }
    text.to_string()
}

/// A payment of an installment as typed: the amount in the user's writing
/// (empty: all that is still open), the day it was paid (empty: today).
pub fn check_payment(
    amount: &str,
    paid_on: &str,
    open: Money,
    today: NaiveDate,
) -> Result<(Money, NaiveDate), ValidationErrors> {
    let mut errors = ValidationErrors::new();
    let amount = match amount.trim() {
        "" => Some(open),
        typed => errors.check("amount", Money::parse(typed)),
    };
    if amount.is_some_and(|a| a.0 <= 0) {
        errors.add("amount", "error-payment-amount-positive");
    } else if amount.is_some_and(|a| a.0 > open.0) {
        errors.add("amount", "error-payment-above-open");
    }
    let paid_on = match paid_on.trim() {
        "" => Some(today),
        typed => errors
            .check("paid_on", NaiveDate::parse_from_str(typed, "%Y-%m-%d").map_err(|_| "error-date-invalid")),
    };
    if paid_on.is_some_and(|day| day > today) {
        errors.add("paid_on", "error-date-future");
    }
    errors.into_result()?;
    match (amount, paid_on) {
        (Some(amount), Some(paid_on)) => Ok((amount, paid_on)),
        _ => unreachable!("each missing value was recorded as an error"),
    }
}

/// A renegotiation [renegociação] of a sale's open installments as typed:
/// into how many, the first new due day (empty: a month from today), a
/// charge agreed on top (interest, fees; empty: none) and why.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RenegotiationDraft {
    pub installments: String,
    #[serde(default)]
    pub first_due: String,
    #[serde(default)]
    pub charge: String,
    #[serde(default)]
    pub reason: String,
}

/// A renegotiation judged: the charge and the new installments, which add
/// up to what was open plus the charge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Renegotiation {
    pub charge: Money,
    pub reason: String,
    pub installments: Vec<(NaiveDate, Money)>,
}

impl RenegotiationDraft {
    /// Judges the draft against what is still `open` on the sale today.
    pub fn validate(&self, open: Money, today: NaiveDate) -> Result<Renegotiation, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        if open.0 <= 0 {
            errors.add("installments", "error-renegotiation-nothing-open");
        }
        let count = match self.installments.trim().parse::<u32>() {
            Ok(n) if (1..=MAX_INSTALLMENTS).contains(&n) => n,
            _ => {
                errors.add("installments", "error-installments-invalid");
                1
            }
        };
        let first_due = match self.first_due.trim() {
            "" => default_first_due(today),
            typed => match NaiveDate::parse_from_str(typed, "%Y-%m-%d") {
                Ok(day) if day < today => {
                    errors.add("first_due", "error-first-due-past");
                    day
                }
                Ok(day) => day,
                Err(_) => {
                    errors.add("first_due", "error-date-invalid");
                    today
                }
            },
        };
        let charge = match self.charge.trim() {
            "" => Money(0),
            typed => match Money::parse(typed) {
                Ok(charge) if charge.0 < 0 => {
                    errors.add("charge", "error-charge-negative");
                    Money(0)
                }
                Ok(charge) => charge,
                Err(message) => {
                    errors.add("charge", message);
                    Money(0)
                }
            },
        };
        let reason = bounded(&self.reason, "reason", 500, &mut errors);
        if open.0 > 0 && i64::from(count) > open.0 + charge.0 {
            errors.add("installments", "error-installments-below-a-cent");
        }
        errors.into_result()?;
        Ok(Renegotiation {
            charge,
            reason,
            installments: split_installments(Money(open.0 + charge.0), count, first_due),
        })
    }
}

/// How many days late a payment came: none when on or before the due day.
pub fn delay_days(due_on: NaiveDate, paid_on: NaiveDate) -> i64 {
    (paid_on - due_on).num_days().max(0)
}

string_enum!(
    /// When an installment's reminder goes: before it falls due, or after
    /// it did and is still open.
    ReminderKind { Before = "before", After = "after" } error "error-reminder-kind-invalid"
);

/// The organisation's reminder rule as typed: days as digits, empty for
/// no reminder of that kind.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ReminderRuleDraft {
    pub active: bool,
    pub days_before: String,
    pub days_after: String,
    pub template_id: Option<uuid::Uuid>,
    /// `email`, `sms`, `whatsapp`, in the order to try them.
    pub channels: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReminderRule {
    pub active: bool,
    pub days_before: Option<u32>,
    pub days_after: Option<u32>,
    pub template_id: Option<uuid::Uuid>,
    /// Tried in this order: a reminder goes through the first the customer
    /// has an address for and allows, and the organisation can send.
    pub channels: Vec<MessageChannel>,
}

/// The most days before or after a due date a reminder may be set to.
pub const MAX_REMINDER_DAYS: u32 = 60;

impl ReminderRuleDraft {
    pub fn validate(&self) -> Result<ReminderRule, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let mut days = |field: &'static str, typed: &str| match typed.trim() {
            "" => None,
            typed => typed.parse().ok().filter(|d| *d <= MAX_REMINDER_DAYS).or_else(|| {
                errors.add(field, "error-reminder-days-invalid");
                None
            }),
        };
        let days_before = days("days_before", &self.days_before);
        let days_after = days("days_after", &self.days_after);
        if self.active && self.template_id.is_none() {
            errors.add("template_id", "error-required");
        }
        if self.active && days_before.is_none() && days_after.is_none() && errors.is_empty() {
            errors.add("days_before", "error-reminder-no-days");
        }
        let mut channels = Vec::new();
        for typed in &self.channels {
            match MessageChannel::parse(typed) {
                Ok(channel) if channel != MessageChannel::Letter && !channels.contains(&channel) => {
                    channels.push(channel)
                }
                _ => errors.add("channels", "error-reminder-channel-invalid"),
            }
        }
        if self.active && channels.is_empty() && errors.is_empty() {
            errors.add("channels", "error-reminder-no-channel");
        }
        errors.into_result()?;
        Ok(ReminderRule {
            active: self.active,
            days_before,
            days_after,
            template_id: self.template_id,
            channels,
        })
    }
}

impl ReminderRule {
    /// The due dates a reminder of `kind` is owed for on `today`: a window
    /// of a week, so a day the worker was down is caught up.
    pub fn due_window(&self, kind: ReminderKind, today: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
        match kind {
            ReminderKind::Before => {
                let days = i64::from(self.days_before?);
                Some((today + chrono::Duration::days(days.min(1)), today + chrono::Duration::days(days)))
            }
            ReminderKind::After => {
                let last = today - chrono::Duration::days(i64::from(self.days_after?));
                Some((last - chrono::Duration::days(7), last))
            }
        }
    }
}

/// A party's purchases in figures, as lists and the relationship engine
/// read them: cancelled sales count for nothing.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PurchaseSummary {
    pub purchase_count: i64,
    pub total_bought: Money,
    pub largest_purchase: Money,
    pub first_purchase_at: Option<DateTime<Utc>>,
    pub last_purchase_at: Option<DateTime<Utc>>,
    pub last_store_id: Option<StoreId>,
    /// What the installments not cancelled leave to pay.
    pub open_balance: Money,
    /// The earliest due day of an installment with something left to pay.
    pub oldest_open_due: Option<NaiveDate>,
    pub points_balance: i64,
}

/// One sale as the summary sees it.
#[derive(Clone, Debug)]
pub struct SaleFigures {
    pub id: crate::SaleId,
    pub sold_at: DateTime<Utc>,
    pub total: Money,
    pub store_id: StoreId,
    pub cancelled: bool,
}

/// One installment as the summary sees it.
#[derive(Clone, Debug)]
pub struct InstallmentFigures {
    pub due_on: NaiveDate,
    pub amount: Money,
    pub paid: Money,
    pub cancelled: bool,
}

impl PurchaseSummary {
    /// The summary recomputed from the whole history — sales, installments
    /// and the points ledger's movements; the last store is the latest
    /// sale's (the later-made sale when two share the instant).
    pub fn of(sales: &[SaleFigures], installments: &[InstallmentFigures], points: &[i64]) -> PurchaseSummary {
        let live: Vec<&SaleFigures> = sales.iter().filter(|s| !s.cancelled).collect();
        let latest = live.iter().max_by_key(|s| (s.sold_at, s.id));
        let open: Vec<&InstallmentFigures> =
            installments.iter().filter(|i| !i.cancelled && i.paid < i.amount).collect();
        PurchaseSummary {
            purchase_count: live.len() as i64,
            total_bought: Money(live.iter().map(|s| s.total.0).sum()),
            largest_purchase: live.iter().map(|s| s.total).max().unwrap_or_default(),
            first_purchase_at: live.iter().map(|s| s.sold_at).min(),
            last_purchase_at: latest.map(|s| s.sold_at),
            last_store_id: latest.map(|s| s.store_id),
            open_balance: Money(open.iter().map(|i| i.amount.0 - i.paid.0).sum()),
            oldest_open_due: open.iter().map(|i| i.due_on).min(),
            points_balance: points.iter().sum(),
        }
    }
}

/// What new sales add to one party's kept figures, so a batch moves each
/// party's row once, by increments the database applies to the row as it
/// is when written (no lost update when two batches touch one party). Only
/// additions: a cancellation or a payment recomputes the figures instead.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PurchaseDelta {
    pub count: i64,
    pub total: Money,
    pub largest: Money,
    pub first_at: Option<DateTime<Utc>>,
    /// The latest sale added and its store: the later one added wins a tie,
    /// as the later-made sale does in [`PurchaseSummary::of`].
    pub last: Option<(DateTime<Utc>, StoreId)>,
    /// What the new installments leave open.
    pub credit: Money,
    /// The earliest due day of a new installment with something to pay.
    pub earliest_due: Option<NaiveDate>,
    pub points: i64,
}

impl PurchaseDelta {
    pub fn add(&mut self, sale: &ValidSale, points: i64) {
        self.count += 1;
        self.total = Money(self.total.0 + sale.total.0);
        self.largest = self.largest.max(sale.total);
        self.first_at = Some(self.first_at.map_or(sale.sold_at, |first| first.min(sale.sold_at)));
        if self.last.is_none_or(|(at, _)| sale.sold_at >= at) {
            self.last = Some((sale.sold_at, sale.store_id));
        }
        for (due, amount) in sale.installments.iter().filter(|(_, amount)| amount.0 > 0) {
            self.credit = Money(self.credit.0 + amount.0);
            self.earliest_due = Some(self.earliest_due.map_or(*due, |earliest| earliest.min(*due)));
        }
        self.points += points;
    }
}

/// The day a credit sale's first installment falls due by default.
pub fn default_first_due(sold_on: NaiveDate) -> NaiveDate {
    sold_on.checked_add_months(Months::new(1)).unwrap_or(sold_on.with_day(28).unwrap_or(sold_on))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context<'a>(
        store: &'a (dyn Fn(&str) -> Option<StoreId> + Sync),
        product: &'a (dyn Fn(&str) -> Option<CatalogueProduct> + Sync),
    ) -> SaleContext<'a> {
        SaleContext {
            store,
            product,
            coupon: &|_, _, _| Err("error-coupon-unknown"),
            bonus: &|_| Money(0),
            now: DateTime::parse_from_rfc3339("2026-12-03T15:00:00Z").expect("now").to_utc(),
            zone: chrono_tz::America::Sao_Paulo,
        }
    }

    #[test]
    fn a_credit_sale_adds_its_items_and_splits_in_installments() {
        let store_id = StoreId::new();
        let tyre = ProductId::new();
        let stores = move |code: &str| (code == "01").then_some(store_id);
        let products = move |code: &str| {
            (code == "PNEU").then(|| CatalogueProduct {
                id: tyre,
                name: "Pneu".into(),
                price: Money(38990),
                active: true,
            })
        };
        let draft = SaleDraft {
            store: "01".into(),
            sold_at: "2026-12-03T10:30".into(),
            items: vec![
                SaleItemDraft {
                    product: "PNEU".into(),
                    quantity: "4".into(),
                    discount: "10,00".into(),
                    ..Default::default()
                },
                SaleItemDraft::default(),
                SaleItemDraft {
                    product: "PNEU".into(),
                    quantity: "0,5".into(),
                    unit_price: "100".into(),
                    ..Default::default()
                },
            ],
            payment: "store_credit".into(),
            installments: "3".into(),
            ..Default::default()
        };
        let sale = draft.validate(&context(&stores, &products)).expect("valid");
        assert_eq!(sale.sold_at.to_rfc3339(), "2026-12-03T13:30:00+00:00", "10:30 in São Paulo");
        assert_eq!(sale.items[0].total, Money(4 * 38990 - 1000));
        assert_eq!(sale.items[1].total, Money(5000));
        assert_eq!(sale.total, Money(159960));
        let due: Vec<String> = sale.installments.iter().map(|(d, m)| format!("{d} {}", m.0)).collect();
        assert_eq!(due, ["2027-01-03 53320", "2027-02-03 53320", "2027-03-03 53320"]);
    }

    #[test]
    fn bonus_comes_off_the_total_within_what_is_valid_and_the_sale() {
        let store_id = StoreId::new();
        let stores = move |code: &str| (code == "01").then_some(store_id);
        let products = |code: &str| {
            (code == "OLEO").then(|| CatalogueProduct {
                id: ProductId::new(),
                name: "Óleo".into(),
                price: Money(4500),
                active: true,
            })
        };
        let valid_until = NaiveDate::from_ymd_opt(2026, 12, 31).expect("day");
        let bonus = move |day: NaiveDate| if day <= valid_until { Money(2000) } else { Money(0) };
        let context = SaleContext { bonus: &bonus, ..context(&stores, &products) };
        let draft = |bonus: &str, sold_at: &str| SaleDraft {
            store: "01".into(),
            sold_at: sold_at.into(),
            items: vec![SaleItemDraft { product: "OLEO".into(), quantity: "1".into(), ..Default::default() }],
            payment: "store_credit".into(),
            installments: "2".into(),
            bonus: bonus.into(),
            ..Default::default()
        };
        let sale = draft("15,00", "").validate(&context).expect("valid");
        assert_eq!((sale.bonus, sale.total), (Money(1500), Money(3000)));
        assert_eq!(sale.installments.iter().map(|(_, m)| m.0).sum::<i64>(), 3000, "the rest on credit");
        let message = |bonus: &str, sold_at: &str| {
            draft(bonus, sold_at).validate(&context).expect_err("refused").0[0].message
        };
        assert_eq!(message("25,00", ""), "error-bonus-above-available");
        assert_eq!(message("10,00", "2027-01-01T10:00"), "error-date-future");
        assert_eq!(message("-1", ""), "error-money-negative");
        let cheap = |context: &SaleContext<'_>| {
            let mut small = draft("20,00", "");
            small.items[0].unit_price = "10,00".into();
            small.validate(context).expect_err("refused").0[0].message
        };
        assert_eq!(cheap(&context), "error-bonus-above-total");
    }

    #[test]
    fn every_problem_is_named_at_once() {
        let stores = |_: &str| None;
        let products = |_: &str| None;
        let draft = SaleDraft {
            store: "99".into(),
            items: vec![SaleItemDraft { product: "X".into(), quantity: "0".into(), ..Default::default() }],
            payment: "cash".into(),
            installments: "3".into(),
            fiscal_key: "123".into(),
            ..Default::default()
        };
        let errors = draft.validate(&context(&stores, &products)).expect_err("invalid");
        assert_eq!(
            errors.fields().collect::<Vec<_>>(),
            ["store", "items.0.product", "items.0.quantity", "installments", "fiscal_key"]
        );
    }

    #[test]
    fn quantities_read_and_print_as_people_write_them() {
        assert_eq!(parse_quantity("1,5"), Ok(1500));
        assert_eq!(parse_quantity("0.250"), Ok(250));
        assert_eq!(parse_quantity("-1"), Err("error-quantity-invalid"));
        assert_eq!(parse_quantity("1,2345"), Err("error-quantity-invalid"));
        assert_eq!(format_quantity(1500), "1,5");
        assert_eq!(format_quantity(2000), "2");
        assert_eq!(line_gross(1500, Money(999)), Money(1499), "14,985 rounds to 14,99");
    }

    #[test]
    fn a_payment_is_at_most_what_is_open_and_never_ahead_of_today() {
        let today = NaiveDate::from_ymd_opt(2027, 1, 11).expect("date");
        assert_eq!(check_payment("", "", Money(51500), today), Ok((Money(51500), today)));
        assert_eq!(check_payment("100", "2027-01-05", Money(51500), today).map(|(m, _)| m), Ok(Money(10000)));
        let errors = check_payment("600,00", "2027-01-12", Money(51500), today).expect_err("refused");
        assert_eq!(errors.fields().collect::<Vec<_>>(), ["amount", "paid_on"]);
        assert_eq!(delay_days(NaiveDate::from_ymd_opt(2027, 1, 1).expect("date"), today), 10);
        assert_eq!(delay_days(today, NaiveDate::from_ymd_opt(2027, 1, 1).expect("date")), 0);
    }

    #[test]
    fn reminders_are_owed_in_their_window() {
        let today = NaiveDate::from_ymd_opt(2027, 1, 10).expect("day");
        let rule = ReminderRuleDraft {
            active: true,
            days_before: "3".into(),
            days_after: "5".into(),
            template_id: Some(uuid::Uuid::nil()),
            channels: vec!["whatsapp".into(), "email".into()],
        };
        let rule = rule.validate().expect("valid");
        assert_eq!(rule.channels, [MessageChannel::WhatsApp, MessageChannel::Email], "in the order given");
        let day = |d| NaiveDate::from_ymd_opt(2027, 1, d).expect("day");
        assert_eq!(rule.due_window(ReminderKind::Before, today), Some((day(11), day(13))));
        assert_eq!(
            rule.due_window(ReminderKind::After, today),
            Some((NaiveDate::from_ymd_opt(2026, 12, 29).expect("day"), day(5)))
        );
        let none = ReminderRuleDraft { active: true, ..Default::default() }.validate().expect_err("refused");
        assert_eq!(none.fields().collect::<Vec<_>>(), ["template_id"]);
        let letters = ReminderRuleDraft {
            channels: vec!["letter".into()],
            ..ReminderRuleDraft {
                active: true,
                days_before: "3".into(),
                template_id: Some(uuid::Uuid::nil()),
                ..Default::default()
            }
        };
        assert_eq!(letters.validate().expect_err("refused").0[0].message, "error-reminder-channel-invalid");
    }

    #[test]
    fn a_renegotiation_splits_what_is_open_plus_its_charge() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 3).expect("day");
        let draft = RenegotiationDraft {
            installments: "4".into(),
            first_due: "2027-01-10".into(),
            charge: "12,50".into(),
            reason: " atraso ".into(),
        };
        let deal = draft.validate(Money(30_000), today).expect("valid");
        assert_eq!(deal.charge, Money(1_250));
        assert_eq!(deal.reason, "atraso");
        let due: Vec<String> = deal.installments.iter().map(|(d, m)| format!("{d} {}", m.0)).collect();
        assert_eq!(due, ["2027-01-10 7814", "2027-02-10 7812", "2027-03-10 7812", "2027-04-10 7812"]);
        let defaulted = RenegotiationDraft { installments: "1".into(), ..Default::default() };
        assert_eq!(
            defaulted.validate(Money(100), today).expect("valid").installments,
            vec![(NaiveDate::from_ymd_opt(2027, 1, 3).expect("day"), Money(100))]
        );
        let bad = RenegotiationDraft {
            installments: "0".into(),
            first_due: "2026-12-02".into(),
            charge: "-1".into(),
            reason: String::new(),
        };
        let errors = bad.validate(Money(100), today).expect_err("refused");
        let fields: Vec<&str> = errors.fields().collect();
        assert_eq!(fields, ["installments", "first_due", "charge"]);
        let cents = RenegotiationDraft { installments: "3".into(), ..Default::default() };
        assert_eq!(
            cents.validate(Money(2), today).expect_err("a cent each").0[0].message,
            "error-installments-below-a-cent"
        );
        let paid_off = defaulted.validate(Money(0), today).expect_err("nothing to renegotiate");
        assert_eq!(paid_off.0[0].message, "error-renegotiation-nothing-open");
    }

    #[test]
    fn installments_add_up_to_the_total_and_keep_the_month_end() {
        let first = NaiveDate::from_ymd_opt(2027, 1, 31).expect("date");
        let split = split_installments(Money(10000), 3, first);
        assert_eq!(split.iter().map(|(_, m)| m.0).sum::<i64>(), 10000);
        assert_eq!(split[1].0, NaiveDate::from_ymd_opt(2027, 2, 28).expect("date"));
    }
}
