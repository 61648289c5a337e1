//! Fidelidade: the administrator's page for the points program and the
//! discount coupons, and the points a user adds, takes or redeems from a
//! customer's Fidelidade tab.
use super::components::forms::answer_on_tab;
use super::components::{FieldMessages, FormOutcome, FormValues, Pairs, number, value};
use super::customers::ProfileTab;
use crate::AppState;
use crate::error::PageResult;
use crate::extract::{Form, Id, Page};
use crate::flash::Flash;
use crate::i18n::Tr;
use crate::layout::{Shell, render_with_status};
use app::AppError;
use app::loyalty::CouponView;
use askama::Template;
use axum::Router;
use axum::routing;
use domain::loyalty::{BonusDraft, BonusRuleDraft, CouponDraft, CouponKind, ProgramDraft, RateDraft};

use domain::{FieldError, Money, PartyId, ValidationErrors};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/loyalty", routing::get(show).post(save_program))
        .route("/admin/coupons", routing::post(create_coupon))
        .route("/admin/loyalty/rates", routing::post(add_rate))
        .route("/admin/loyalty/rates/{id}/delete", routing::post(remove_rate))
        .route("/customers/{id}/points", routing::post(move_points))
        .route("/customers/{id}/bonus", routing::post(grant_bonus))
        .route("/admin/loyalty/bonus", routing::post(save_bonus_rule))
}

#[derive(Template)]
#[template(path = "settings/loyalty.html")]
struct LoyaltyPage {
    t: Tr,
    shell: Shell,
    program: FormValues,
    coupon: FormValues,
    kinds: Vec<(String, String)>,
    coupons: Vec<CouponLine>,
    rate: FormValues,
    bonus: FormValues,
    /// Each rate: id, store, group, points per unit.
    rates: Vec<(String, String, String, String)>,
    /// Code and name of each store, and the product groups, to choose from ("": any).
    store_options: Vec<(String, String)>,
    group_options: Vec<(String, String)>,
    errors: FieldMessages,
    alert: Option<String>,
}

struct CouponLine {
    code: String,
    value: String,
    validity: String,
    who: String,
    uses: String,
}

/// A coupon's value as people read it: R$ 30,00 or 10%.
pub fn coupon_value(t: &Tr, coupon: &CouponView) -> String {
    match coupon.kind {
        CouponKind::Amount => t.money(coupon.value),
        CouponKind::Percent => format!("{}%", Money(coupon.value).format_plain().trim_end_matches(",00")),
    }
}

/// What the page's forms held when one was refused.
#[derive(Default)]
struct Typed {
    program: Option<Pairs>,
    coupon: Option<Pairs>,
    rate: Option<Pairs>,
    bonus: Option<Pairs>,
}

async fn page(page: &Page, typed: Typed, outcome: FormOutcome) -> PageResult {
    let loyalty = page.app().loyalty();
    let catalogue = page.app().catalogue();
    let (current, bonus_rule, coupons, rates, stores, lists) = tokio::try_join!(
        loyalty.program(&page.actor),
        loyalty.bonus_rule(&page.actor),
        loyalty.coupons(&page.actor, None),
        loyalty.rates(&page.actor),
        catalogue.stores(&page.actor),
        catalogue.lists(&page.actor)
    )?;
    let t = page.t;
    let Typed { program, coupon, rate, bonus } = typed;
    let bonus = bonus.unwrap_or_else(|| {
        let rule = bonus_rule.rule;
        vec![
            ("bonus_percent".into(), Money(rule.percent).format_plain().trim_end_matches(",00").to_string()),
            ("bonus_minimum_sale".into(), Money(rule.minimum_sale.0).format_plain()),
            ("bonus_valid_days".into(), rule.valid_days.to_string()),
            ("bonus_active".into(), if rule.active { "true".into() } else { String::new() }),
            ("bonus_version".into(), bonus_rule.version.to_string()),
        ]
    });
    let program = program.unwrap_or_else(|| {
        vec![
            ("points_per_unit".into(), current.program.points_per_unit.to_string()),
            ("expiry_months".into(), current.program.expiry_months.to_string()),
            ("minimum_redeem".into(), current.program.minimum_redeem.to_string()),
            ("active".into(), if current.program.active { "true".into() } else { String::new() }),
            ("version".into(), current.version.to_string()),
        ]
    });
    let body = LoyaltyPage {
        program: FormValues(program),
        coupon: FormValues(coupon.unwrap_or_default()),
        kinds: CouponKind::ALL
            .iter()
            .map(|k| (k.as_str().to_string(), t.get(&format!("coupon-kind-{}", k.as_str()))))
            .collect(),
        coupons: coupons
            .iter()
            .map(|c| CouponLine {
                code: c.code.clone(),
                value: coupon_value(&t, c),
                validity: match (c.valid_from, c.valid_until) {
                    (None, None) => t.get("coupon-always"),
                    (from, until) => format!(
                        "{} – {}",
                        from.map(|d| t.date(&d)).unwrap_or_default(),
                        until.map(|d| t.date(&d)).unwrap_or_default()
                    ),
                },
                who: c.party_name.clone().unwrap_or_else(|| t.get("coupon-anyone")),
                uses: if c.single_use { format!("{} / 1", c.uses) } else { c.uses.to_string() },
            })
            .collect(),
        rate: FormValues(rate.unwrap_or_default()),
        bonus: FormValues(bonus),
        rates: rates
            .into_iter()
            .map(|r| {
                (
                    r.id.to_string(),
                    r.store_name.unwrap_or_else(|| t.get("points-rate-any-store")),
                    r.group.unwrap_or_else(|| t.get("points-rate-any-group")),
                    t.integer(r.points_per_unit),
                )
            })
            .collect(),
        store_options: std::iter::once((String::new(), t.get("points-rate-any-store")))
            .chain(stores.into_iter().map(|s| (s.code, s.name)))
            .collect(),
        group_options: std::iter::once((String::new(), t.get("points-rate-any-group")))
            .chain(lists.groups.into_iter().map(|name| (name.clone(), name)))
            .collect(),
        errors: outcome.errors,
        alert: outcome.alert,
        shell: page.shell("settings"),
        t,
    };
    Ok(render_with_status(outcome.status, &body))
}

async fn show(page: Page) -> PageResult {
    let outcome = FormOutcome::of(None, &page.t)?;
    self::page(&page, Typed::default(), outcome).await
}

async fn add_rate(page: Page, Form(form): Form<Pairs>) -> PageResult {
    let draft = RateDraft {
        store: value(&form, "rate_store").to_string(),
        group: value(&form, "rate_group").to_string(),
        points_per_unit: value(&form, "rate_points_per_unit").to_string(),
    };
    match page.app().loyalty().add_rate(&page.actor, &draft).await {
        Ok(_) => page.redirect_with("/admin/loyalty#rates", Flash::notice("points-rate-added")).await,
        Err(error) => {
            let outcome = FormOutcome::of(Some(prefixed(error, "rate_")), &page.t)?;
            self::page(&page, Typed { rate: Some(form), ..Typed::default() }, outcome).await
        }
    }
}

async fn remove_rate(page: Page, Id(id): Id<uuid::Uuid>) -> PageResult {
    page.app().loyalty().remove_rate(&page.actor, id).await?;
    page.redirect_with("/admin/loyalty#rates", Flash::notice("points-rate-removed")).await
}

async fn save_program(page: Page, Form(form): Form<Pairs>) -> PageResult {
    let mut errors = ValidationErrors::new();
    let version: Option<i64> = number(&form, "version", &mut errors);
    let draft = ProgramDraft {
        points_per_unit: value(&form, "points_per_unit").to_string(),
        expiry_months: value(&form, "expiry_months").to_string(),
        minimum_redeem: value(&form, "minimum_redeem").to_string(),
        active: value(&form, "active") == "true",
    };
    let saved = match version {
        Some(version) => page.app().loyalty().save_program(&page.actor, version, &draft).await,
        None => Err(AppError::Validation(ValidationErrors::single("version", "error-not-found"))),
    };
    match saved {
        Ok(_) => page.redirect_with("/admin/loyalty", Flash::notice("settings-saved")).await,
        Err(error) => {
            let outcome = FormOutcome::of(Some(error), &page.t)?;
            self::page(&page, Typed { program: Some(form), ..Typed::default() }, outcome).await
        }
    }
}

async fn create_coupon(page: Page, Form(form): Form<Pairs>) -> PageResult {
    let draft = CouponDraft {
        code: value(&form, "code").to_string(),
        kind: value(&form, "kind").to_string(),
        value: value(&form, "value").to_string(),
        valid_from: value(&form, "valid_from").to_string(),
        valid_until: value(&form, "valid_until").to_string(),
        single_use: value(&form, "single_use") == "true",
        party_id: None,
    };
    match page.app().loyalty().create_coupon(&page.actor, &draft).await {
        Ok(_) => page.redirect_with("/admin/loyalty", Flash::notice("coupon-created")).await,
        Err(error) => {
            let outcome = FormOutcome::of(Some(error), &page.t)?;
            self::page(&page, Typed { coupon: Some(form), ..Typed::default() }, outcome).await
        }
    }
}

/// Adds, takes or redeems points from the customer's tab; a refusal comes
/// back to the tab with why.
async fn move_points(page: Page, Id(party): Id<PartyId>, Form(form): Form<Pairs>) -> PageResult {
    let mut errors = ValidationErrors::new();
    let typed = value(&form, "points").trim().trim_start_matches('+').to_string();
    let points: Option<i64> = match typed.parse() {
        Ok(points) => Some(points),
        Err(_) => {
            errors.add("points", "error-points-invalid");
            None
        }
    };
    let reason = value(&form, "reason");
    let loyalty = page.app().loyalty();
    let result = match (points, value(&form, "action")) {
        (Some(points), "redeem") => loyalty.redeem_points(&page.actor, party, points, reason).await,
        (Some(points), _) => loyalty.adjust_points(&page.actor, party, points, reason).await,
        (None, _) => Err(AppError::Validation(errors)),
    };
    let back = ProfileTab::Loyalty.url(party, Some("loyalty"));
    answer_on_tab(&page, &back, "loyalty", result, "points-saved", "points-changed-reload").await
}

/// The rule's fields carry a prefix on a page of several forms.
fn prefixed(error: AppError, prefix: &str) -> AppError {
    let rename = |errors: ValidationErrors| {
        ValidationErrors(
            errors
                .0
                .into_iter()
                .map(|e| FieldError { field: format!("{prefix}{}", e.field).into(), ..e })
                .collect(),
        )
    };
    match error {
        AppError::Validation(errors) => AppError::Validation(rename(errors)),
        AppError::Taken(errors) => AppError::Taken(rename(errors)),
        other => other,
    }
}

async fn save_bonus_rule(page: Page, Form(form): Form<Pairs>) -> PageResult {
    let mut errors = ValidationErrors::new();
    let version: Option<i64> = number(&form, "bonus_version", &mut errors);
    let draft = BonusRuleDraft {
        percent: value(&form, "bonus_percent").to_string(),
        minimum_sale: value(&form, "bonus_minimum_sale").to_string(),
        valid_days: value(&form, "bonus_valid_days").to_string(),
        active: value(&form, "bonus_active") == "true",
    };
    let saved = match version {
        Some(version) => page.app().loyalty().save_bonus_rule(&page.actor, version, &draft).await,
        None => Err(AppError::Validation(ValidationErrors::single("version", "error-not-found"))),
    };
    match saved {
        Ok(_) => page.redirect_with("/admin/loyalty#bonus-rule", Flash::notice("settings-saved")).await,
        Err(error) => {
            let outcome = FormOutcome::of(Some(prefixed(error, "bonus_")), &page.t)?;
            self::page(&page, Typed { bonus: Some(form), ..Typed::default() }, outcome).await
        }
    }
}

/// Grants bonus credit from the customer's tab; a refusal comes back to
/// the tab with why.
async fn grant_bonus(page: Page, Id(party): Id<PartyId>, Form(form): Form<Pairs>) -> PageResult {
    let draft = BonusDraft {
        amount: value(&form, "amount").to_string(),
        valid_until: value(&form, "valid_until").to_string(),
        reason: value(&form, "reason").to_string(),
    };
    let result = page.app().loyalty().grant_bonus(&page.actor, party, &draft).await;
    let back = ProfileTab::Loyalty.url(party, Some("bonus"));
    answer_on_tab(&page, &back, "bonus", result, "bonus-granted", "points-changed-reload").await
}
