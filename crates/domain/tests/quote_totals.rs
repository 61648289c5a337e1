//! A quote's figures, typed as a person types them, against the same sums
//! worked out the long way: exact fractions, rounded once per step as the
//! quote promises (half away from zero, to the cent).
use chrono::NaiveDate;
use domain::Money;
use domain::quote::{QuoteDraft, QuoteLineDraft, format_percent};
use domain::sale::format_quantity;
use proptest::prelude::*;

/// `numerator / denominator` rounded to the nearest whole, a half going up
/// (every amount here is positive).
fn rounded(numerator: i128, denominator: i128) -> i128 {
    (2 * numerator + denominator) / (2 * denominator)
}

fn line() -> impl Strategy<Value = (i64, i64, i64)> {
    (1i64..=5_000_000, 0i64..=10_000_000, prop_oneof![Just(0i64), 0i64..=10_000])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn totals_match_the_long_way(
        lines in proptest::collection::vec(line(), 1..12),
        discount in prop_oneof![Just(0i64), 0i64..=10_000],
        freight in 0i64..=1_000_000,
    ) {
        let draft = QuoteDraft {
            discount: format_percent(discount),
            freight: Money(freight).format_plain(),
            lines: lines
                .iter()
                .map(|(quantity, price, discount)| QuoteLineDraft {
                    description: "Item".into(),
                    quantity: format_quantity(*quantity),
                    unit_price: Money(*price).format_plain(),
                    discount: format_percent(*discount),
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        };
        let today = NaiveDate::from_ymd_opt(2026, 12, 4).expect("day");
        let quote = draft.validate(&|_| None, today).expect("valid");

        let mut subtotal = 0i128;
        for ((quantity, price, line_discount), kept) in lines.iter().zip(&quote.lines) {
            let gross = rounded(i128::from(*quantity) * i128::from(*price), 1_000);
            let taken = rounded(gross * i128::from(*line_discount), 10_000);
            prop_assert_eq!(i128::from(kept.total.0), gross - taken);
            prop_assert_eq!(kept.quantity_milli, *quantity);
            subtotal += gross - taken;
        }
        let taken = rounded(subtotal * i128::from(discount), 10_000);
        prop_assert_eq!(i128::from(quote.totals.subtotal.0), subtotal);
        prop_assert_eq!(i128::from(quote.totals.discount.0), taken);
        prop_assert_eq!(i128::from(quote.totals.total.0), subtotal - taken + i128::from(freight));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    /// The quote's discount spread over its lines when invoiced: the shares
    /// add up to it, none takes more than its line, and each is within a
    /// cent of its exact proportion.
    #[test]
    fn a_discount_spreads_to_the_cent(
        parts in proptest::collection::vec(0i64..=50_000_000, 1..30),
        percent in 0i64..=10_000,
    ) {
        let parts: Vec<Money> = parts.into_iter().map(Money).collect();
        let whole: i128 = parts.iter().map(|part| i128::from(part.0)).sum();
        let amount = Money(i64::try_from(whole * i128::from(percent) / 10_000).expect("fits"));
        let shares = domain::quote::spread(amount, &parts);
        prop_assert_eq!(shares.iter().map(|share| share.0).sum::<i64>(), amount.0);
        for (share, part) in shares.iter().zip(&parts) {
            prop_assert!(share.0 >= 0 && share.0 <= part.0);
            if whole > 0 {
                let exact = i128::from(amount.0) * i128::from(part.0);
                prop_assert!((i128::from(share.0) * whole - exact).abs() < whole);
            }
        }
    }
}
