//! Política de descontos: the administrator's table of rules, each giving
//! the customers it covers a maximum discount.
use super::components::{FieldMessages, FormOutcome, Pairs, table_rows};
use crate::AppState;
use crate::error::PageResult;
use crate::extract::{Form, Page};
use crate::flash::Flash;
use crate::i18n::Tr;
use crate::labels::Labels;
use crate::layout::{Shell, render_with_status};
use app::AppError;
use askama::Template;
use axum::Router;
use axum::routing;
use domain::discount::{DiscountRule, DiscountRuleDraft};
use domain::quote::format_percent;

/// The columns of a rule's row, as its inputs are named (`rule_0_name`).
const COLUMNS: [&str; 5] = ["name", "min_bought", "customer_status", "group", "max_percent"];
/// Empty rows offered under the rules written.
const BLANK_ROWS: usize = 3;

pub fn routes() -> Router<AppState> {
    Router::new().route("/admin/discounts", routing::get(show).post(save))
}

#[derive(Template)]
#[template(path = "settings/discounts.html")]
struct DiscountsPage {
    t: Tr,
    shell: Shell,
    rows: Vec<RuleRow>,
    /// Code, label; the first is "any status".
    statuses: Vec<(String, String)>,
    /// Name, name; the first is "every line".
    groups: Vec<(String, String)>,
    errors: FieldMessages,
}

struct RuleRow {
    index: usize,
    cells: [String; 5],
    /// The messages of the row's fields.
    errors: Vec<String>,
}

async fn show(page: Page) -> PageResult {
    let rules = page.app().discounts().rules_to_edit(&page.actor).await?;
    let drafts: Vec<[String; 5]> = rules.iter().map(cells_of).collect();
    rules_page(&page, drafts, None).await
}

fn cells_of(rule: &DiscountRule) -> [String; 5] {
    [
        rule.name.clone(),
        rule.min_bought.map(|min| min.format_plain()).unwrap_or_default(),
        rule.customer_status.clone().unwrap_or_default(),
        rule.group.clone().unwrap_or_default(),
        format_percent(rule.max_percent),
    ]
}

async fn rules_page(page: &Page, typed: Vec<[String; 5]>, error: Option<AppError>) -> PageResult {
    let outcome = FormOutcome::of(error, &page.t)?;
    let app = page.app();
    let (registry, catalogue) = (app.registry(), app.catalogue());
    let (statuses, lists) =
        tokio::try_join!(registry.customer_statuses(&page.actor), catalogue.lists(&page.actor))?;
    let t = page.t;
    let blank = typed.len() + BLANK_ROWS;
    let rows = (0..blank)
        .map(|index| RuleRow {
            index,
            cells: typed.get(index).cloned().unwrap_or_default(),
            errors: COLUMNS
                .iter()
                .filter_map(|column| {
                    outcome.errors.get(&format!("rules.{index}.{column}")).map(str::to_string)
                })
                .collect(),
        })
        .collect();
    let body = DiscountsPage {
        rows,
        statuses: std::iter::once((String::new(), t.get("discount-any-status")))
            .chain(Labels::options(&t, statuses).into_iter().map(|(label, code)| (code, label)))
            .collect(),
        groups: std::iter::once((String::new(), t.get("discount-every-line")))
            .chain(lists.groups.into_iter().map(|group| (group.clone(), group)))
            .collect(),
        errors: outcome.errors,
        shell: page.shell("settings"),
        t,
    };
    Ok(render_with_status(outcome.status, &body))
}

async fn save(page: Page, Form(form): Form<Pairs>) -> PageResult {
    let typed: Vec<[String; 5]> = table_rows(&form, "rule_", &COLUMNS)
        .into_iter()
        .map(|row| std::array::from_fn(|column| row[column].clone()))
        .collect();
    let drafts: Vec<DiscountRuleDraft> = typed
        .iter()
        .map(|[name, min_bought, customer_status, group, max_percent]| DiscountRuleDraft {
            name: name.clone(),
            min_bought: min_bought.clone(),
            customer_status: customer_status.clone(),
            group: group.clone(),
            max_percent: max_percent.clone(),
        })
        .collect();
    match page.app().discounts().set_rules(&page.actor, &drafts).await {
        Ok(_) => page.redirect_with("/admin/discounts", Flash::notice("discount-rules-saved")).await,
        Err(error) => rules_page(&page, typed, Some(error)).await,
    }
}
