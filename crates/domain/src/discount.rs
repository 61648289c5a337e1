//! Discount policy [política de descontos] (seed 001): the organisation's
//! rules give each customer a maximum discount from the history of the
//! relationship — what he bought in the last twelve months, his status —
//! for every line or for a product group's. The quote form suggests it
//! with the rule's name as the reason; going above it takes a right.
//! Percentages are hundredths (`550` is 5,5 %), as in quotes.
use crate::quote::{WHOLE_PERCENT, parse_percent};
use crate::{Money, ValidationErrors};
use serde::{Deserialize, Serialize};

/// The most rules a policy holds.
pub const MAX_RULES: usize = 50;
/// Longest name of a rule: it is the reason the form shows.
const MAX_NAME: usize = 80;

/// A rule as kept: whom it covers and the most it allows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiscountRule {
    /// Shown as the reason of the maximum: "Cliente ouro", "Convênio".
    pub name: String,
    /// Covers customers who bought at least this in the last twelve months.
    pub min_bought: Option<Money>,
    /// Covers customers of this status only (a status code).
    pub customer_status: Option<String>,
    /// Covers lines of this product group only (the group's name); none:
    /// every line.
    pub group: Option<String>,
    pub max_percent: i64,
}

/// A rule as typed: amounts and percentages in the user's writing.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct DiscountRuleDraft {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub min_bought: String,
    #[serde(default)]
    pub customer_status: String,
    #[serde(default)]
    pub group: String,
    #[serde(default)]
    pub max_percent: String,
}

impl DiscountRuleDraft {
    /// A row of the form left empty: no rule.
    pub fn is_blank(&self) -> bool {
        [&self.name, &self.min_bought, &self.customer_status, &self.group, &self.max_percent]
            .iter()
            .all(|field| field.trim().is_empty())
    }
}

/// Judges the rules typed, each problem under `rules.{row}.{field}`:
/// `status` and `group` say whether a status code and a group name exist.
pub fn validate_rules(
    drafts: &[DiscountRuleDraft],
    status: &dyn Fn(&str) -> bool,
    group: &dyn Fn(&str) -> bool,
) -> Result<Vec<DiscountRule>, ValidationErrors> {
    let mut errors = ValidationErrors::new();
    let typed: Vec<(usize, &DiscountRuleDraft)> =
        drafts.iter().enumerate().filter(|(_, draft)| !draft.is_blank()).collect();
    if typed.len() > MAX_RULES {
        errors.add("rules", "error-discount-rules-too-many");
    }
    let mut rules = Vec::with_capacity(typed.len());
    for (row, draft) in typed {
        let field = |name: &str| format!("rules.{row}.{name}");
        let name = draft.name.trim();
        if name.is_empty() {
            errors.add(field("name"), "error-required");
        } else if name.chars().count() > MAX_NAME {
            errors.add(field("name"), "error-too-long");
        }
        let min_bought = match draft.min_bought.trim() {
            "" => None,
            typed => errors.check(field("min_bought"), Money::parse_non_negative(typed)),
        };
        let customer_status = match draft.customer_status.trim() {
            "" => None,
            code if status(code) => Some(code.to_string()),
            _ => {
                errors.add(field("customer_status"), "error-discount-status-unknown");
                None
            }
        };
        let group_name = match draft.group.trim() {
            "" => None,
            name if group(name) => Some(name.to_string()),
            _ => {
                errors.add(field("group"), "error-order-group-unknown");
                None
            }
        };
        let max_percent = match draft.max_percent.trim() {
            "" => {
                errors.add(field("max_percent"), "error-required");
                None
            }
            typed => errors.check(field("max_percent"), parse_percent(typed)),
        };
        if let Some(max_percent) = max_percent {
            rules.push(DiscountRule {
                name: name.to_string(),
                min_bought,
                customer_status,
                group: group_name,
                max_percent,
            });
        }
    }
    errors.into_result()?;
    Ok(rules)
}

/// What the policy knows of a customer.
#[derive(Clone, Debug, Default)]
pub struct Standing {
    pub bought_12_months: Money,
    pub customer_status: Option<String>,
}

/// The most a line may be discounted, and why: the rule's name, or none
/// when no rule covers it (then nothing may be given without the right).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Limit {
    pub max_percent: i64,
    pub reason: Option<String>,
}

impl DiscountRule {
    fn covers(&self, customer: &Standing, group: Option<&str>) -> bool {
        self.min_bought.is_none_or(|min| customer.bought_12_months.0 >= min.0)
            && self
                .customer_status
                .as_ref()
                .is_none_or(|status| customer.customer_status.as_ref() == Some(status))
            && self.group.as_deref().is_none_or(|rule_group| group == Some(rule_group))
    }
}

/// The customer's maximum for a line of `group` (none: a free line or a
/// product outside any group): the most generous rule that covers both,
/// the first written on a tie. No rules at all: no policy, no limit.
pub fn limit(rules: &[DiscountRule], customer: &Standing, group: Option<&str>) -> Option<Limit> {
    if rules.is_empty() {
        return None;
    }
    let best =
        rules.iter().filter(|rule| rule.covers(customer, group)).fold(None::<&DiscountRule>, |best, rule| {
            match best {
                Some(kept) if kept.max_percent >= rule.max_percent => Some(kept),
                _ => Some(rule),
            }
        });
    Some(match best {
        Some(rule) => Limit { max_percent: rule.max_percent, reason: Some(rule.name.clone()) },
        None => Limit { max_percent: 0, reason: None },
    })
}

/// What a line gets from its own discount and the quote's, one after the
/// other: 10 % and then 5 % is 14,5 %.
pub fn compounded(line_percent: i64, quote_percent: i64) -> i64 {
    let kept = (WHOLE_PERCENT - line_percent) * (WHOLE_PERCENT - quote_percent);
    WHOLE_PERCENT - kept / WHOLE_PERCENT
}

/// A line discounted beyond the customer's maximum.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Excess {
    /// The line's position in the quote.
    pub line: usize,
    pub given_percent: i64,
    pub limit: Limit,
}

/// The lines (each with its product group and own discount) that the
/// quote's discount and theirs take beyond the customer's maximum.
pub fn excesses(
    rules: &[DiscountRule],
    customer: &Standing,
    lines: &[(Option<&str>, i64)],
    quote_percent: i64,
) -> Vec<Excess> {
    lines
        .iter()
        .enumerate()
        .filter_map(|(line, (group, line_percent))| {
            let limit = limit(rules, customer, *group)?;
            let given_percent = compounded(*line_percent, quote_percent);
            (given_percent > limit.max_percent).then_some(Excess { line, given_percent, limit })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(
        name: &str,
        min: Option<i64>,
        status: Option<&str>,
        group: Option<&str>,
        max: i64,
    ) -> DiscountRule {
        DiscountRule {
            name: name.into(),
            min_bought: min.map(Money),
            customer_status: status.map(str::to_string),
            group: group.map(str::to_string),
            max_percent: max,
        }
    }

    #[test]
    fn the_most_generous_rule_that_covers_the_line_wins() {
        let rules = [
            rule("Base", None, None, None, 500),
            rule("Ouro", Some(5_000_000), None, None, 1_000),
            rule("Especial", None, Some("special"), None, 800),
            rule("Pneus", None, None, Some("Pneus"), 1_200),
        ];
        let small = Standing { bought_12_months: Money(100_000), customer_status: None };
        let gold = Standing { bought_12_months: Money(6_000_000), customer_status: Some("special".into()) };
        let base = limit(&rules, &small, None).expect("a policy");
        assert_eq!((base.max_percent, base.reason.as_deref()), (500, Some("Base")));
        assert_eq!(limit(&rules, &gold, None).expect("policy").reason.as_deref(), Some("Ouro"));
        assert_eq!(limit(&rules, &small, Some("Pneus")).expect("policy").max_percent, 1_200);
        assert_eq!(limit(&[], &small, None), None, "no rules, no limit");
        let narrow = [rule("Ouro", Some(5_000_000), None, None, 1_000)];
        assert_eq!(limit(&narrow, &small, None), Some(Limit { max_percent: 0, reason: None }));
    }

    #[test]
    fn a_line_and_the_quote_discount_compound() {
        assert_eq!(compounded(1_000, 500), 1_450);
        assert_eq!(compounded(0, 0), 0);
        assert_eq!(compounded(10_000, 500), 10_000);
        let rules = [rule("Base", None, None, None, 1_000)];
        let customer = Standing::default();
        let lines = [(None, 1_000), (None, 0), (Some("Pneus"), 1_100)];
        let over: Vec<usize> = excesses(&rules, &customer, &lines, 0).iter().map(|e| e.line).collect();
        assert_eq!(over, [2]);
        let over: Vec<usize> = excesses(&rules, &customer, &lines, 100).iter().map(|e| e.line).collect();
        assert_eq!(over, [0, 2], "1 % more on the quote takes the first line over");
    }

    #[test]
    fn rules_are_judged_field_by_field() {
        let drafts = [
            DiscountRuleDraft {
                name: "Ouro".into(),
                min_bought: "50.000,00".into(),
                max_percent: "10".into(),
                ..Default::default()
            },
            DiscountRuleDraft::default(),
            DiscountRuleDraft {
                customer_status: "vip".into(),
                group: "Nada".into(),
                max_percent: "120".into(),
                ..Default::default()
            },
        ];
        let errors =
            validate_rules(&drafts, &|code| code == "special", &|name| name == "Pneus").expect_err("refused");
        let fields: Vec<String> = errors.0.iter().map(|e| e.field.to_string()).collect();
        assert_eq!(
            fields,
            ["rules.2.name", "rules.2.customer_status", "rules.2.group", "rules.2.max_percent"]
        );
        let rules = validate_rules(&drafts[..2], &|_| true, &|_| true).expect("valid");
        assert_eq!(rules, [rule("Ouro", Some(5_000_000), None, None, 1_000)]);
    }
}
