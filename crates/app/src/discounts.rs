//! Política de descontos (seed 001): the organisation's rules, the
//! maximum they give a customer (suggested while quoting, with the rule's
//! name as the reason), and the check of a quote against it — refused
//! above the maximum without the right, audited with it.
use crate::{Actor, AppError, Discounts};
use db::repo::discount as repo;
use domain::access::Permission;
use domain::audit::{AuditAction, AuditEntity};
use domain::catalogue::ListKind;
use domain::discount::{self, DiscountRule, DiscountRuleDraft, Excess, Limit, Standing};
use domain::quote::ValidQuote;
use domain::{Money, PartyId, ValidationErrors};

/// What the policy says of a customer, for the quote form and the API.
#[derive(Clone, Debug)]
pub struct DiscountAdvice {
    /// Bought in the last twelve months, as the rules read it.
    pub bought_12_months: Money,
    /// The maximum for any line; none when the organisation has no rules.
    pub general: Option<Limit>,
    /// Where a product group's rule gives more: the group and its maximum.
    pub groups: Vec<(String, Limit)>,
    /// Whether the reader may go above the maximum.
    pub may_exceed: bool,
}

impl Discounts<'_> {
    /// The policy's rules, in the order written.
    pub async fn rules(&self, actor: &Actor) -> Result<Vec<DiscountRule>, AppError> {
        actor.require(Permission::PartiesRead)?;
        self.rules_of(actor).await
    }

    /// The rules as the settings page edits them (administrators).
    pub async fn rules_to_edit(&self, actor: &Actor) -> Result<Vec<DiscountRule>, AppError> {
        actor.require_admin()?;
        self.rules_of(actor).await
    }

    async fn rules_of(&self, actor: &Actor) -> Result<Vec<DiscountRule>, AppError> {
        Ok(repo::rules(&self.db, actor.org_id)
            .await?
            .into_iter()
            .map(|row| DiscountRule {
                name: row.name,
                min_bought: row.min_bought.map(Money),
                customer_status: row.customer_status,
                group: row.group_name,
                max_percent: row.max_percent,
            })
            .collect())
    }

    /// Replaces the rules (administrators); statuses and groups must be the
    /// organisation's. No rules: no policy, any discount goes.
    pub async fn set_rules(
        &self,
        actor: &Actor,
        drafts: &[DiscountRuleDraft],
    ) -> Result<Vec<DiscountRule>, AppError> {
        actor.require_admin()?;
        let statuses = self.registry().customer_statuses(actor).await?;
        let mut change = self.change(actor).await?;
        let groups = db::repo::catalogue::lists_in(&mut change.tx, actor.org_id, ListKind::Group).await?;
        let rules = discount::validate_rules(
            drafts,
            &|code| statuses.iter().any(|status| status.code == code),
            &|name| groups.iter().any(|(_, group)| group == name),
        )?;
        let before = self.rules_of(actor).await?;
        let new: Vec<repo::NewRule<'_>> = rules
            .iter()
            .map(|rule| repo::NewRule {
                name: &rule.name,
                min_bought: rule.min_bought.map(|min| min.0),
                customer_status: rule.customer_status.as_deref(),
                group_id: rule
                    .group
                    .as_ref()
                    .and_then(|name| groups.iter().find(|(_, group)| group == name).map(|(id, _)| *id)),
                max_percent: rule.max_percent,
            })
            .collect();
        repo::replace(&mut change.tx, actor.org_id, &new).await?;
        change
            .audit(
                AuditAction::Update,
                AuditEntity::DiscountPolicy,
                None,
                Some(serde_json::json!({ "rules": before })),
                Some(serde_json::json!({ "rules": rules })),
            )
            .await?;
        change.commit().await?;
        Ok(rules)
    }

    /// The customer's maximum discount and why, for every line and for
    /// each product group a rule gives more.
    pub async fn advice(&self, actor: &Actor, party: PartyId) -> Result<DiscountAdvice, AppError> {
        let reached = self.access().guard_party(actor, party, None).await?;
        let rules = self.rules_of(actor).await?;
        let customer = self.standing(actor, reached.id()).await?;
        let general = discount::limit(&rules, &customer, None);
        let mut groups: Vec<(String, Limit)> = Vec::new();
        for group in rules.iter().filter_map(|rule| rule.group.as_deref()) {
            if groups.iter().any(|(kept, _)| kept == group) {
                continue;
            }
            if let Some(limit) = discount::limit(&rules, &customer, Some(group))
                && general.as_ref().is_none_or(|general| limit.max_percent > general.max_percent)
            {
                groups.push((group.to_string(), limit));
            }
        }
        Ok(DiscountAdvice {
            bought_12_months: customer.bought_12_months,
            general,
            groups,
            may_exceed: actor.can(Permission::DiscountsAboveLimit),
        })
    }

    async fn standing(&self, actor: &Actor, party: PartyId) -> Result<Standing, AppError> {
        let year_ago = self.now() - chrono::Duration::days(365);
        let (bought, customer_status) = tokio::try_join!(
            db::repo::sale::total_since(&self.db, actor.org_id, party, year_ago),
            repo::customer_status(&self.db, actor.org_id, party),
        )?;
        Ok(Standing { bought_12_months: Money(bought), customer_status })
    }

    /// What the policy needs to judge a quote for the party, read before
    /// the quote's transaction opens (so a save holds one connection):
    /// none when the organisation has no rules.
    pub(crate) async fn policy_for(&self, actor: &Actor, party: PartyId) -> Result<Option<Policy>, AppError> {
        let rules = self.rules_of(actor).await?;
        if rules.is_empty() {
            return Ok(None);
        }
        let customer = self.standing(actor, party).await?;
        Ok(Some(Policy { rules, customer }))
    }
}

/// The rules and what they read of one customer.
pub(crate) struct Policy {
    rules: Vec<DiscountRule>,
    customer: Standing,
}

impl Policy {
    /// The quote's lines (each with its product group's name) the policy
    /// does not allow: refused, each under its discount's field, unless
    /// the actor has the right — then they are returned for the audit.
    pub(crate) fn check(
        &self,
        actor: &Actor,
        quote: &ValidQuote,
        groups: &[Option<String>],
    ) -> Result<Vec<Excess>, ValidationErrors> {
        let lines: Vec<(Option<&str>, i64)> = quote
            .lines
            .iter()
            .zip(groups)
            .map(|(line, group)| (group.as_deref(), line.discount_percent))
            .collect();
        let over = discount::excesses(&self.rules, &self.customer, &lines, quote.discount_percent);
        if over.is_empty() || actor.can(Permission::DiscountsAboveLimit) {
            return Ok(over);
        }
        let mut errors = ValidationErrors::new();
        for excess in &over {
            let (_, own) = lines[excess.line];
            let field = if own > excess.limit.max_percent {
                format!("lines.{}.discount", excess.line)
            } else {
                "discount".to_string()
            };
            if !errors.0.iter().any(|error| error.field == field) {
                errors.add(field, "error-discount-above-limit");
            }
        }
        Err(errors)
    }
}
