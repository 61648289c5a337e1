//! The discount policy over the API: its rules, and what it gives a
//! customer.
use super::responses::{Forbidden, Invalid, NotFound};
use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{Api, ApiJson, Id};
use axum::Router;
use axum::response::Json;
use axum::routing;
use domain::discount::{DiscountRule, DiscountRuleDraft, Limit};
use domain::quote::format_percent;
use domain::{Money, PartyId};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/settings/discount-rules", routing::get(rules).put(save_rules))
        .route("/parties/{id}/discount-limit", routing::get(limit))
}

#[derive(OpenApi)]
#[openapi(paths(rules, save_rules, limit))]
pub struct Doc;

/// The discount policy: the most generous rule that covers a customer's line gives its maximum. No rules: any discount goes.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct DiscountRules {
    #[schema(max_items = 50)]
    pub rules: Vec<Rule>,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct Rule {
    /// Shown as the reason of the maximum.
    #[schema(min_length = 1, max_length = 80)]
    pub name: String,
    /// Covers customers who bought at least this (cents) in the last twelve months.
    #[schema(minimum = 0)]
    pub min_bought: Option<i64>,
    /// Covers customers of this status (one of the organisation's codes).
    pub customer_status: Option<String>,
    /// Covers lines of this product group only (a catalogue group's name); every line when left out.
    pub group: Option<String>,
    /// The maximum discount, in hundredths of a percent (1000 is 10 %).
    #[schema(minimum = 0, maximum = 10000)]
    pub max_percent: i64,
}

impl From<DiscountRule> for Rule {
    fn from(rule: DiscountRule) -> Rule {
        Rule {
            name: rule.name,
            min_bought: rule.min_bought.map(|min| min.0),
            customer_status: rule.customer_status,
            group: rule.group,
            max_percent: rule.max_percent,
        }
    }
}

/// What the policy gives a customer.
#[derive(Serialize, ToSchema)]
pub struct DiscountLimit {
    pub party_id: Uuid,
    /// Bought in the last twelve months, in cents.
    pub bought_12_months: i64,
    /// The maximum for any line, in hundredths of a percent; null when the organisation has no rules.
    pub max_percent: Option<i64>,
    /// The name of the rule that gives it; null when no rule covers the customer (then the maximum is 0).
    pub reason: Option<String>,
    /// Product groups where a rule gives more.
    pub groups: Vec<GroupLimit>,
    /// Whether the caller may go above the maximum.
    pub may_exceed: bool,
}

#[derive(Serialize, ToSchema)]
pub struct GroupLimit {
    pub group: String,
    pub max_percent: i64,
    pub reason: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/settings/discount-rules", tag = "quotes", security(("bearer" = [])),
    responses((status = 200, body = DiscountRules)))]
pub async fn rules(Api { state, actor }: Api) -> ApiResult<Json<DiscountRules>> {
    let rules = state.app.discounts().rules(&actor).await?;
    Ok(Json(DiscountRules { rules: rules.into_iter().map(Rule::from).collect() }))
}

/// Replaces the policy's rules (administrators).
#[utoipa::path(put, path = "/api/v1/settings/discount-rules", tag = "quotes", security(("bearer" = [])), request_body = DiscountRules,
    responses((status = 200, body = DiscountRules), Invalid, Forbidden))]
pub async fn save_rules(
    Api { state, actor }: Api,
    ApiJson(body): ApiJson<DiscountRules>,
) -> ApiResult<Json<DiscountRules>> {
    let drafts: Vec<DiscountRuleDraft> = body
        .rules
        .into_iter()
        .map(|rule| DiscountRuleDraft {
            name: rule.name,
            min_bought: rule.min_bought.map(|min| Money(min).format_plain()).unwrap_or_default(),
            customer_status: rule.customer_status.unwrap_or_default(),
            group: rule.group.unwrap_or_default(),
            max_percent: format_percent(rule.max_percent),
        })
        .collect();
    let saved = state.app.discounts().set_rules(&actor, &drafts).await?;
    Ok(Json(DiscountRules { rules: saved.into_iter().map(Rule::from).collect() }))
}

/// The customer's maximum discount and why, as the quote form suggests it.
#[utoipa::path(get, path = "/api/v1/parties/{id}/discount-limit", tag = "quotes", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = DiscountLimit), NotFound))]
pub async fn limit(Api { state, actor }: Api, Id(id): Id<PartyId>) -> ApiResult<Json<DiscountLimit>> {
    let advice = state.app.discounts().advice(&actor, id).await?;
    let (max_percent, reason) = match advice.general {
        Some(Limit { max_percent, reason }) => (Some(max_percent), reason),
        None => (None, None),
    };
    Ok(Json(DiscountLimit {
        party_id: id.0,
        bought_12_months: advice.bought_12_months.0,
        max_percent,
        reason,
        groups: advice
            .groups
            .into_iter()
            .map(|(group, limit)| GroupLimit { group, max_percent: limit.max_percent, reason: limit.reason })
            .collect(),
        may_exceed: advice.may_exceed,
    }))
}
