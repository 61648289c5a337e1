//! Loyalty [Programa Fidelidade, CRM Bônus, Cupom de Desconto]: points
//! earned on sales and spent or lost oldest first, the organisation's
//! program, and discount coupons redeemed on a sale.
use crate::{Money, PartyId, ValidationErrors};
use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};
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
