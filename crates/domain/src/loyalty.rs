//! Loyalty [Programa Fidelidade, CRM Bônus, Cupom de Desconto]: points
//! earned on sales and spent or lost oldest first, the organisation's
//! program, and discount coupons redeemed on a sale.
use crate::{Money, PartyId, StoreId, ValidationErrors};
use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

string_enum!(
    /// A movement of a party's points.
    PointsKind {
        Earned = "earned",
        Reversed = "reversed",
        Redeemed = "redeemed",
        Adjusted = "adjusted",
        Expired = "expired",
    } error "error-points-kind-invalid"
);

string_enum!(
    /// What a coupon takes off: an amount, or a percentage of the sale.
    CouponKind { Amount = "amount", Percent = "percent" } error "error-coupon-kind-invalid"
);

/// The organisation's program as typed.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProgramDraft {
    /// Points per whole unit of the currency spent (R$ 1,00).
    pub points_per_unit: String,
    /// Months a point lasts; 0: forever.
    pub expiry_months: String,
    /// The fewest points a redemption may take.
    pub minimum_redeem: String,
    pub active: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Program {
    pub points_per_unit: i64,
    pub expiry_months: u32,
    pub minimum_redeem: i64,
    pub active: bool,
}

impl ProgramDraft {
    pub fn validate(&self) -> Result<Program, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let mut whole = |field: &'static str, text: &str, max: i64| -> i64 {
            match text.trim().parse::<i64>() {
                Ok(n) if (0..=max).contains(&n) => n,
                _ => {
                    errors.add(field, "error-number-invalid");
                    0
                }
            }
        };
        let points_per_unit = whole("points_per_unit", &self.points_per_unit, 1_000);
        let expiry_months = whole("expiry_months", &self.expiry_months, 120) as u32;
        let minimum_redeem = whole("minimum_redeem", &self.minimum_redeem, 1_000_000);
        errors.into_result()?;
        Ok(Program { points_per_unit, expiry_months, minimum_redeem, active: self.active })
    }
}

impl Program {
    /// Points a sale of `total` earns: whole units only, nothing when off.
    pub fn points_for(&self, total: Money) -> i64 {
        if !self.active || total.0 <= 0 { 0 } else { total.0 / 100 * self.points_per_unit }
    }

    /// The day points earned on `day` stop counting (none: they last).
    pub fn expires_on(&self, day: NaiveDate) -> Option<NaiveDate> {
        (self.expiry_months > 0)
            .then(|| day.checked_add_months(Months::new(self.expiry_months)).unwrap_or(day))
    }
}

/// Points per unit spent other than the program's: at one store, for one
/// product group, or both (none: any).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PointsRate {
    pub store_id: Option<StoreId>,
    pub group_id: Option<Uuid>,
    pub points_per_unit: i64,
}

impl PointsRate {
    /// How closely it names an item: store and group, group, store.
    fn precision(&self) -> u8 {
        u8::from(self.group_id.is_some()) * 2 + u8::from(self.store_id.is_some())
    }
}

/// A rate as typed: the store's code and the group's name (empty: any),
/// the points.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RateDraft {
    #[serde(default)]
    pub store: String,
    #[serde(default)]
    pub group: String,
    pub points_per_unit: String,
}

impl RateDraft {
    /// Judged against the organisation's stores (by code) and product
    /// groups (by name).
    pub fn validate(
        &self,
        store_of: &dyn Fn(&str) -> Option<StoreId>,
        group_of: &dyn Fn(&str) -> Option<Uuid>,
    ) -> Result<PointsRate, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let (store, group) = (self.store.trim(), self.group.trim());
        if store.is_empty() && group.is_empty() {
            errors.add("store", "error-points-rate-scope");
        }
        let store_id = match store {
            "" => None,
            code => store_of(code).or_else(|| {
                errors.add("store", "error-store-unknown");
                None
            }),
        };
        let group_id = match group {
            "" => None,
            name => group_of(name).or_else(|| {
                errors.add("group", "error-group-unknown");
                None
            }),
        };
        let points_per_unit = match self.points_per_unit.trim().parse::<i64>() {
            Ok(n) if (0..=1_000).contains(&n) => n,
            _ => {
                errors.add("points_per_unit", "error-number-invalid");
                0
            }
        };
        errors.into_result()?;
        Ok(PointsRate { store_id, group_id, points_per_unit })
    }
}

impl Program {
    /// The points per unit an item of `group` earns at `store`: the most
    /// specific rate that names them, else the program's.
    pub fn rate_for(&self, rates: &[PointsRate], store: StoreId, group: Option<Uuid>) -> i64 {
        rates
            .iter()
            .filter(|r| r.store_id.is_none_or(|s| s == store) && r.group_id.is_none_or(|g| Some(g) == group))
            .max_by_key(|r| r.precision())
            .map_or(self.points_per_unit, |r| r.points_per_unit)
    }

    /// Points a sale of `total` at `store` earns, its items (group, amount)
    /// each at its rate: what each rate's items came to, less their share
    /// of a coupon, in whole units. Without rates, as `points_for`.
    pub fn points_for_items(
        &self,
        rates: &[PointsRate],
        store: StoreId,
        items: &[(Option<Uuid>, Money)],
        total: Money,
    ) -> i64 {
        let gross: i128 = items.iter().map(|(_, amount)| i128::from(amount.0)).sum();
        if rates.is_empty() || gross <= 0 {
            return self.points_for(total);
        }
        if !self.active || total.0 <= 0 {
            return 0;
        }
        let mut spent: BTreeMap<i64, i128> = BTreeMap::new();
        for (group, amount) in items {
            *spent.entry(self.rate_for(rates, store, *group)).or_default() += i128::from(amount.0);
        }
        spent
            .into_iter()
            .map(|(rate, amount)| (amount * i128::from(total.0) / gross) as i64 / 100 * rate)
            .sum()
    }
}

/// The organisation's bonus rule [CRM Bônus]: a sale of at least
/// `minimum_sale` earns `percent` of its total as credit for a later sale,
/// valid `valid_days` days.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct BonusRule {
    /// Hundredths of a percent: 500 is 5%.
    pub percent: i64,
    pub minimum_sale: Money,
    pub valid_days: u32,
    pub active: bool,
}

/// The bonus rule as typed: the percentage and minimum in the user's
/// writing ("5" or "2,5"; "100,00").
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BonusRuleDraft {
    pub percent: String,
    #[serde(default)]
    pub minimum_sale: String,
    pub valid_days: String,
    pub active: bool,
}

impl BonusRuleDraft {
    pub fn validate(&self) -> Result<BonusRule, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let percent = match Money::parse(&self.percent) {
            Ok(p) if (0..=WHOLE_PERCENT).contains(&p.0) => p.0,
            Ok(_) => {
                errors.add("percent", "error-coupon-percent-invalid");
                0
            }
            Err(message) => {
                errors.add("percent", message);
                0
            }
        };
        let minimum_sale =
            errors.check("minimum_sale", Money::parse_non_negative(&self.minimum_sale)).unwrap_or_default();
        let valid_days = match self.valid_days.trim().parse::<u32>() {
            Ok(days) if (1..=3_650).contains(&days) => days,
            _ => {
                errors.add("valid_days", "error-number-invalid");
                0
            }
        };
        errors.into_result()?;
        Ok(BonusRule { percent, minimum_sale, valid_days, active: self.active })
    }
}

impl BonusRule {
    /// The credit a sale of `total` on `sold_on` earns and the last day it
    /// is valid; none when off, below the minimum, or less than a cent.
    pub fn earned(&self, total: Money, sold_on: NaiveDate) -> Option<(Money, NaiveDate)> {
        if !self.active || total.0 <= 0 || total.0 < self.minimum_sale.0 {
            return None;
        }
        let credit = (i128::from(total.0) * i128::from(self.percent) / i128::from(WHOLE_PERCENT)) as i64;
        (credit > 0).then(|| (Money(credit), sold_on + chrono::Days::new(u64::from(self.valid_days))))
    }
}

/// Bonus credit granted by hand as typed: the amount, the last day it is
/// valid (empty: it lasts) and why.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BonusDraft {
    pub amount: String,
    #[serde(default)]
    pub valid_until: String,
    pub reason: String,
}

/// A grant of bonus credit judged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BonusGrant {
    pub amount: Money,
    pub valid_until: Option<NaiveDate>,
    pub reason: String,
}

impl BonusDraft {
    pub fn validate(&self, today: NaiveDate) -> Result<BonusGrant, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let amount = match Money::parse(&self.amount) {
            Ok(amount) if amount.0 > 0 => amount,
            Ok(_) => {
                errors.add("amount", "error-payment-amount-positive");
                Money(0)
            }
            Err(message) => {
                errors.add("amount", message);
                Money(0)
            }
        };
        let valid_until = match self.valid_until.trim() {
            "" => None,
            typed => match NaiveDate::parse_from_str(typed, "%Y-%m-%d") {
                Ok(day) if day < today => {
                    errors.add("valid_until", "error-bonus-expired");
                    None
                }
                Ok(day) => Some(day),
                Err(_) => {
                    errors.add("valid_until", "error-date-invalid");
                    None
                }
            },
        };
        let reason = self.reason.trim().to_string();
        if reason.is_empty() {
            errors.add("reason", "error-required");
        } else if reason.chars().count() > 200 {
            errors.add("reason", "error-too-long");
        }
        errors.into_result()?;
        Ok(BonusGrant { amount, valid_until, reason })
    }
}

/// Takes `points` from lots of remaining points, in the order given
/// (oldest expiry first): what each lot gives. Takes what there is when
/// the lots hold fewer.
pub fn take_oldest_first(lots: &[(Uuid, i64)], points: i64) -> Vec<(Uuid, i64)> {
    let mut left = points;
    let mut taken = Vec::new();
    for (id, remaining) in lots {
        if left <= 0 {
            break;
        }
        let take = left.min(*remaining);
        if take > 0 {
            taken.push((*id, take));
            left -= take;
        }
    }
    taken
}

/// 100%, in the hundredths of a percent a coupon's percentage is kept in.
const WHOLE_PERCENT: i64 = 10_000;

/// A coupon as typed: the value in the user's writing (an amount, or a
/// percentage such as "10" or "7,5").
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CouponDraft {
    pub code: String,
    pub kind: String,
    pub value: String,
    #[serde(default)]
    pub valid_from: String,
    #[serde(default)]
    pub valid_until: String,
    #[serde(default)]
    pub single_use: bool,
    /// For one customer only; anyone when left out.
    #[serde(default)]
    pub party_id: Option<Uuid>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidCoupon {
    /// Upper case, as customers read it out.
    pub code: String,
    pub kind: CouponKind,
    /// Cents for an amount; hundredths of a percent for a percentage.
    pub value: i64,
    pub valid_from: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    pub single_use: bool,
    pub party_id: Option<PartyId>,
}

impl CouponDraft {
    pub fn validate(&self) -> Result<ValidCoupon, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let code = self.code.trim().to_uppercase();
        if code.is_empty() {
            errors.add("code", "error-required");
        } else if code.chars().count() > 30
            || !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            errors.add("code", "error-coupon-code-invalid");
        }
        let kind = errors.check("kind", CouponKind::parse(&self.kind));
        let value = errors.check("value", Money::parse(&self.value)).map(|m| m.0);
        match (kind, value) {
            (_, Some(v)) if v <= 0 => errors.add("value", "error-payment-amount-positive"),
            (Some(CouponKind::Percent), Some(v)) if v > WHOLE_PERCENT => {
                errors.add("value", "error-coupon-percent-invalid")
            }
            _ => {}
        }
        let day = |field: &'static str, text: &str, errors: &mut ValidationErrors| match text.trim() {
            "" => None,
            typed => errors
                .check(field, NaiveDate::parse_from_str(typed, "%Y-%m-%d").map_err(|_| "error-date-invalid")),
        };
        let valid_from = day("valid_from", &self.valid_from, &mut errors);
        let valid_until = day("valid_until", &self.valid_until, &mut errors);
        if let (Some(from), Some(until)) = (valid_from, valid_until)
            && until < from
        {
            errors.add("valid_until", "error-coupon-period-invalid");
        }
        errors.into_result()?;
        let (Some(kind), Some(value)) = (kind, value) else {
            unreachable!("each missing value was recorded")
        };
        Ok(ValidCoupon {
            code,
            kind,
            value,
            valid_from,
            valid_until,
            single_use: self.single_use,
            party_id: self.party_id.map(PartyId),
        })
    }
}

/// A coupon as stored, to judge a use of it.
#[derive(Clone, Debug)]
pub struct CouponTerms {
    pub id: Uuid,
    pub kind: CouponKind,
    pub value: i64,
    pub valid_from: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    pub single_use: bool,
    pub uses: i64,
    pub party_id: Option<PartyId>,
    pub active: bool,
}

impl CouponTerms {
    /// What the coupon takes off a sale of `gross` to `party` on `day`,
    /// never more than the sale; or why it may not be used.
    pub fn discount(&self, party: PartyId, day: NaiveDate, gross: Money) -> Result<Money, &'static str> {
        if !self.active
            || self.valid_from.is_some_and(|from| day < from)
            || self.valid_until.is_some_and(|until| day > until)
        {
            return Err("error-coupon-not-valid");
        }
        if self.party_id.is_some_and(|owner| owner != party) {
            return Err("error-coupon-other-customer");
        }
        if self.single_use && self.uses > 0 {
            return Err("error-coupon-used");
        }
        let off = match self.kind {
            CouponKind::Amount => self.value,
            CouponKind::Percent => {
                (i128::from(gross.0) * i128::from(self.value) / i128::from(WHOLE_PERCENT)) as i64
            }
        };
        Ok(Money(off.min(gross.0)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_are_earned_on_whole_units_and_last_their_months() {
        let program = Program { points_per_unit: 2, expiry_months: 12, minimum_redeem: 100, active: true };
        assert_eq!(program.points_for(Money(15_099)), 300, "R$ 150,99 earns on R$ 150");
        let day = NaiveDate::from_ymd_opt(2026, 2, 28).expect("day");
        assert_eq!(program.expires_on(day), NaiveDate::from_ymd_opt(2027, 2, 28));
        let off = Program { active: false, ..program };
        assert_eq!(off.points_for(Money(15_099)), 0);
    }

    #[test]
    fn the_most_specific_rate_applies_to_each_item() {
        let program = Program { points_per_unit: 1, expiry_months: 0, minimum_redeem: 0, active: true };
        let (centro, shopping) = (StoreId(Uuid::now_v7()), StoreId(Uuid::now_v7()));
        let (pneus, cigarros) = (Uuid::now_v7(), Uuid::now_v7());
        let rates = [
            PointsRate { store_id: Some(shopping), group_id: None, points_per_unit: 2 },
            PointsRate { store_id: None, group_id: Some(pneus), points_per_unit: 3 },
            PointsRate { store_id: Some(shopping), group_id: Some(pneus), points_per_unit: 5 },
            PointsRate { store_id: None, group_id: Some(cigarros), points_per_unit: 0 },
        ];
        assert_eq!(program.rate_for(&rates, centro, None), 1, "the program's");
        assert_eq!(program.rate_for(&rates, shopping, None), 2);
        assert_eq!(program.rate_for(&rates, centro, Some(pneus)), 3);
        assert_eq!(program.rate_for(&rates, shopping, Some(pneus)), 5);
        assert_eq!(program.rate_for(&rates, shopping, Some(cigarros)), 0, "a group's rate over a store's");
        // R$ 300 of tyres and R$ 100 of other things, R$ 40 off by a coupon: 270 × 3 + 90 × 1.
        let items = [(Some(pneus), Money(30_000)), (None, Money(10_000))];
        assert_eq!(program.points_for_items(&rates, centro, &items, Money(36_000)), 900);
        assert_eq!(program.points_for_items(&[], centro, &items, Money(36_000)), 360, "as points_for");
        let off = Program { active: false, ..program };
        assert_eq!(off.points_for_items(&rates, centro, &items, Money(36_000)), 0);
        let neither = RateDraft { points_per_unit: "2".into(), ..Default::default() };
        let refused = neither.validate(&|_| None, &|_| None).expect_err("scope");
        assert_eq!(refused.0[0].message, "error-points-rate-scope");
        let typed = RateDraft { store: "02".into(), group: "Pneus".into(), points_per_unit: "5".into() };
        let rate = typed.validate(&|code| (code == "02").then_some(shopping), &|_| Some(pneus));
        assert_eq!(rate.expect("valid"), rates[2]);
        let unknown = typed.validate(&|_| None, &|_| None).expect_err("unknown");
        assert_eq!(unknown.fields().collect::<Vec<_>>(), ["store", "group"]);
    }

    #[test]
    fn a_sale_above_the_minimum_earns_its_bonus_for_the_days_set() {
        let rule = BonusRuleDraft {
            percent: "2,5".into(),
            minimum_sale: "100,00".into(),
            valid_days: "30".into(),
            active: true,
        }
        .validate()
        .expect("valid");
        let day = NaiveDate::from_ymd_opt(2026, 12, 3).expect("day");
        assert_eq!(
            rule.earned(Money(20_000), day),
            Some((Money(500), NaiveDate::from_ymd_opt(2027, 1, 2).expect("day")))
        );
        assert_eq!(rule.earned(Money(9_999), day), None, "below the minimum");
        assert_eq!(BonusRule { active: false, ..rule }.earned(Money(20_000), day), None);
        let by_hand =
            BonusDraft { amount: "50,00".into(), valid_until: "2026-12-02".into(), reason: String::new() };
        let refused = by_hand.validate(day).expect_err("refused");
        assert_eq!(refused.fields().collect::<Vec<_>>(), ["valid_until", "reason"]);
        let by_hand = BonusDraft { valid_until: String::new(), reason: "Aniversário".into(), ..by_hand };
        assert_eq!(by_hand.validate(day).expect("valid").amount, Money(5_000));
    }

    #[test]
    fn points_go_oldest_first() {
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        assert_eq!(take_oldest_first(&[(a, 50), (b, 100)], 80), vec![(a, 50), (b, 30)]);
        assert_eq!(take_oldest_first(&[(a, 50)], 80), vec![(a, 50)], "what there is");
    }

    #[test]
    fn a_single_use_coupon_is_refused_the_second_time() {
        let ana = PartyId::new();
        let day = NaiveDate::from_ymd_opt(2026, 12, 3).expect("day");
        let coupon = CouponDraft {
            code: "natal10".into(),
            kind: "percent".into(),
            value: "10".into(),
            valid_until: "2026-12-31".into(),
            single_use: true,
            ..Default::default()
        }
        .validate()
        .expect("valid");
        assert_eq!((coupon.code.as_str(), coupon.value), ("NATAL10", 1000));
        let mut terms = CouponTerms {
            id: Uuid::now_v7(),
            kind: coupon.kind,
            value: coupon.value,
            valid_from: None,
            valid_until: coupon.valid_until,
            single_use: true,
            uses: 0,
            party_id: None,
            active: true,
        };
        assert_eq!(terms.discount(ana, day, Money(15_000)), Ok(Money(1_500)));
        terms.uses = 1;
        assert_eq!(terms.discount(ana, day, Money(15_000)), Err("error-coupon-used"));
        terms.uses = 0;
        assert_eq!(
            terms.discount(ana, day.succ_opt().expect("day") + chrono::Duration::days(30), Money(1)),
            Err("error-coupon-not-valid")
        );
    }
}
