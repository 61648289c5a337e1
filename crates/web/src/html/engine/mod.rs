//! Motor de relacionamento (seed 004): the filters grouped as the seed
//! groups them, a live count (and per consent channel) at every change,
//! and the customers found in a sortable grid.
mod call_lists;
mod export;
mod form;
mod occurrences;
mod reports;
mod segments;

use crate::error::PageResult;
use crate::extract::{Page, Query};
use crate::html::components::{FieldMessages, FormOutcome, Pairs, values};
use crate::i18n::Tr;
use crate::layout::{Shell, render_with_status};
use app::AppError;
use app::engine::{EngineCount, EngineLine, EngineResults, GridView};
use askama::Template;
use axum::Router;
use axum::routing;
use domain::access::Permission;
use domain::engine::{EngineField, EngineSort};

pub fn routes() -> Router<crate::AppState> {
    Router::new()
        .route("/engine", routing::get(screen))
        .route("/engine/count", routing::get(count))
        .route("/engine/segments", routing::post(segments::save))
        .route("/engine/segments/{id}", routing::get(segments::open))
        .route("/engine/segments/{id}/duplicate", routing::post(segments::duplicate))
        .route("/engine/segments/{id}/delete", routing::post(segments::delete))
        .route("/engine/reports", routing::get(reports::reports))
        .route("/engine/call-lists", routing::get(call_lists::index).post(call_lists::create))
        .route("/engine/call-lists/{id}", routing::get(call_lists::show))
        .route("/engine/export.csv", routing::get(export::csv))
        .route("/engine/export.xlsx", routing::get(export::xlsx))
        .route("/engine/customers/{id}", routing::get(occurrences::detail))
        .route("/engine/customers/{id}/occurrences", routing::post(occurrences::register))
}

/// One input of the form, described for the template.
pub struct Input {
    /// `text`, `select`, `multi`, `range` or `check`.
    pub kind: &'static str,
    pub name: &'static str,
    pub label: String,
    pub value: String,
    /// For ranges: the second field's name and value, and the inputs' type.
    pub to_name: &'static str,
    pub to_value: String,
    pub input_type: &'static str,
    pub placeholder: &'static str,
    /// For selects: (code, label); `chosen` holds the selected codes.
    pub options: Vec<(String, String)>,
    pub chosen: Vec<String>,
}

/// A fieldset of the seed's screen.
pub struct Group {
    pub id: &'static str,
    pub legend: String,
    pub inputs: Vec<Input>,
    /// Open when one of its fields holds a value (or always, for the first).
    pub open: bool,
}

/// The counts as the fragment shows them.
pub struct CountView {
    pub total: String,
    pub channels: Vec<(&'static str, String, String)>,
    /// Why there is no count: the form's first message.
    pub refused: Option<String>,
}

/// A customer found, in the reader's words.
pub struct Line {
    pub item: EngineLine,
    pub phones: String,
    pub last_contact: String,
    pub last_purchase: String,
    pub total_bought: String,
    pub points: String,
}

/// A sortable header: its label, the link that sorts by it, and where it stands.
pub struct Header {
    pub code: &'static str,
    pub label: String,
    pub link: String,
    /// `ascending`, `descending` or `none`, for `aria-sort`.
    pub sorted: &'static str,
}

#[derive(Template)]
#[template(path = "engine/screen.html")]
struct Screen {
    t: Tr,
    shell: Shell,
    groups: Vec<Group>,
    errors: FieldMessages,
    count: CountView,
    searched: bool,
    lines: Vec<Line>,
    headers: Vec<Header>,
    page_number: u32,
    previous_link: Option<String>,
    next_link: Option<String>,
    view: (String, bool),
    segments: Vec<segments::SegmentLine>,
    /// The filters as the segment form saves them (before script updates them).
    filters: String,
    /// What the segment form held, after a refusal.
    segment_name: String,
    segment_shared: bool,
    /// This page of the grid, where a customer's detail comes back to.
    back: String,
    /// Who a call list may be handed to.
    agents: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "engine/count.html")]
struct CountFragment {
    t: Tr,
    count: CountView,
}

/// The screen: the form as it was sent, its live count, and the grid once
/// "Pesquisar" was pressed (`search` in the query).
pub async fn screen(page: Page, Query(pairs): Query<Pairs>) -> PageResult {
    show(&page, &pairs, None).await
}

/// The screen for `pairs`; `refused` is why saving it as a segment failed.
async fn show(page: &Page, pairs: &Pairs, refused: Option<AppError>) -> PageResult {
    page.app().engine().open(&page.actor)?;
    let mut view_errors = domain::ValidationErrors::new();
    let view = form::grid_view(pairs, &mut view_errors);
    let searched = values(pairs, "search").next().is_some();
    let (outcome, count, found) = match answer(page, pairs, view, view_errors, searched).await {
        Ok((count, found)) => (FormOutcome::of(refused, &page.t)?, Some(count), found),
        Err(error) => (FormOutcome::of(Some(error), &page.t)?, None, None),
    };
    let errors = outcome.errors;
    let status = outcome.status;
    let t = page.t;
    let current = crate::html::components::value(pairs, "segment").parse().ok();
    let segments = segments::lines(&t, page.app().engine().segments(&page.actor).await?, current);
    let agents = if searched {
        let team = page.app().agenda().agenda_users(&page.actor).await?;
        team.into_iter()
            .filter(|u| u.id != page.actor.user_id.0)
            .map(|u| (u.id.to_string(), u.name))
            .collect()
    } else {
        Vec::new()
    };
    let count = count_view(&t, count, &errors);
    let groups = groups(page, pairs).await?;
    let (lines, has_next) = match found {
        Some(results) => (results.lines.into_iter().map(|item| line(&t, item)).collect(), results.has_next),
        None => (Vec::new(), false),
    };
    let link = |sort: EngineSort, descending: bool, page_number: u32| {
        grid_link(pairs, sort, descending, page_number)
    };
    let headers = [
        (EngineSort::Name, "engine-column-name"),
        (EngineSort::LastContact, "engine-column-last-contact"),
        (EngineSort::DaysOverdue, "engine-column-days-overdue"),
        (EngineSort::Points, "engine-column-points"),
        (EngineSort::TotalBought, "engine-column-total-bought"),
        (EngineSort::LastPurchase, "engine-column-last-purchase"),
    ]
    .into_iter()
    .map(|(sort, key)| {
        let current = view.sort == sort;
        Header {
            code: sort.as_str(),
            label: t.get(key),
            link: link(sort, current && !view.descending, 1),
            sorted: match (current, view.descending) {
                (false, _) => "none",
                (true, false) => "ascending",
                (true, true) => "descending",
            },
        }
    })
    .collect();
    let screen = Screen {
        t,
        shell: page.shell("engine"),
        groups,
        errors,
        count,
        searched,
        lines,
        headers,
        page_number: view.page,
        previous_link: (view.page > 1).then(|| link(view.sort, view.descending, view.page - 1)),
        next_link: has_next.then(|| link(view.sort, view.descending, view.page + 1)),
        view: (view.sort.as_str().to_string(), view.descending),
        segments,
        filters: segments::filters_of(pairs),
        segment_name: crate::html::components::value(pairs, "segment_name").to_string(),
        segment_shared: crate::html::components::value(pairs, "segment_shared") == "1",
        back: grid_link(pairs, view.sort, view.descending, view.page),
        agents,
    };
    Ok(render_with_status(status, &screen))
}

/// The count, and the grid's page once "Pesquisar" was pressed, of what
/// the form asks.
async fn answer(
    page: &Page,
    pairs: &Pairs,
    view: GridView,
    view_errors: domain::ValidationErrors,
    searched: bool,
) -> Result<(EngineCount, Option<EngineResults>), AppError> {
    let segment = form::segment_of(pairs)?;
    view_errors.into_result()?;
    let engine = page.app().engine();
    if searched {
        let results = engine.results(&page.actor, &segment, view).await?;
        Ok((results.count, Some(results)))
    } else {
        Ok((engine.count(&page.actor, &segment).await?, None))
    }
}

/// The live count: asked by htmx at every change of the form.
pub async fn count(page: Page, Query(pairs): Query<Pairs>) -> PageResult {
    page.app().engine().open(&page.actor)?;
    let counted = match form::segment_of(&pairs) {
        Ok(segment) => page.app().engine().count(&page.actor, &segment).await,
        Err(errors) => Err(errors.into()),
    };
    let (count, outcome) = match counted {
        Ok(count) => (Some(count), FormOutcome::of(None, &page.t)?),
        Err(error) => (None, FormOutcome::of(Some(error), &page.t)?),
    };
    // A refusal is still 200: htmx swaps only successful answers, and the
    // message belongs where the count was.
    page.render(&CountFragment { t: page.t, count: count_view(&page.t, count, &outcome.errors) })
}

fn count_view(t: &Tr, count: Option<EngineCount>, errors: &FieldMessages) -> CountView {
    match count {
        Some(count) => CountView {
            total: t.count("engine-count", count.total),
            channels: [
                ("sms_whatsapp", count.sms_whatsapp),
                ("email", count.email),
                ("phone", count.phone),
                ("letter", count.letter),
            ]
            .into_iter()
            .map(|(code, n)| (code, t.get(&format!("channel-{code}")), t.integer(n)))
            .collect(),
            refused: None,
        },
        None => CountView {
            total: String::new(),
            channels: Vec::new(),
            refused: Some(errors.messages().next().unwrap_or_else(|| t.get("error-filter-invalid"))),
        },
    }
}

fn line(t: &Tr, item: EngineLine) -> Line {
    let day = |at: &Option<chrono::DateTime<chrono::Utc>>| at.map(|at| t.day(&at)).unwrap_or_default();
    Line {
        phones: item.phones.join(" · "),
        last_contact: day(&item.last_contact),
        last_purchase: day(&item.last_purchase),
        total_bought: t.money(item.total_bought.0),
        points: t.integer(item.points),
        item,
    }
}

/// The screen's address with the same filters, sorted and paged so.
fn grid_link(pairs: &Pairs, sort: EngineSort, descending: bool, page: u32) -> String {
    let mut kept: Vec<(&str, String)> = pairs
        .iter()
        .filter(|(name, value)| {
            !value.is_empty()
                && !matches!(
                    name.as_str(),
                    "sort" | "desc" | "page" | "search" | "segment_name" | "segment_shared" | "filters"
                )
        })
        .map(|(name, value)| (name.as_str(), value.clone()))
        .collect();
    kept.push(("search", "1".into()));
    if sort != EngineSort::Name {
        kept.push(("sort", sort.as_str().into()));
    }
    if descending {
        kept.push(("desc", "1".into()));
    }
    if page > 1 {
        kept.push(("page", page.to_string()));
    }
    format!("/engine?{}", serde_urlencoded::to_string(&kept).unwrap_or_default())
}

/// The form's groups, filled with what was sent.
async fn groups(page: &Page, pairs: &Pairs) -> Result<Vec<Group>, crate::error::Error> {
    let t = page.t;
    let app = page.app();
    let actor = &page.actor;
    let sent = |name: &str| crate::html::components::value(pairs, name).to_string();
    let chosen = |name: &str| values(pairs, name).map(str::to_string).collect::<Vec<_>>();
    let any = || (String::new(), t.get("filter-any"));
    let text = |name: &'static str, key: &str| Input {
        kind: "text",
        name,
        label: t.get(key),
        value: sent(name),
        to_name: "",
        to_value: String::new(),
        input_type: "text",
        placeholder: "",
        options: Vec::new(),
        chosen: Vec::new(),
    };
    let select = |name: &'static str, key: &str, options: Vec<(String, String)>| Input {
        kind: "select",
        options: std::iter::once(any()).chain(options).collect(),
        chosen: vec![sent(name)],
        ..text(name, key)
    };
    let multi = |name: &'static str, key: &str, options: Vec<(String, String)>| Input {
        kind: "multi",
        options,
        chosen: chosen(name),
        ..text(name, key)
    };
    let range = |field: EngineField, key: &str, input_type: &'static str, placeholder: &'static str| {
        let (from, to) = form::range_names(field);
        Input { kind: "range", to_name: to, to_value: sent(to), input_type, placeholder, ..text(from, key) }
    };
    let check = |field: EngineField| Input {
        kind: "check",
        value: if sent(field.as_str()).is_empty() { String::new() } else { "on".into() },
        ..text(field.as_str(), &format!("channel-{}", field.as_str().trim_start_matches("consent_")))
    };
    let financial = actor.can(Permission::FinancialFields);

    let statuses = crate::labels::Labels::options(&t, app.registry().customer_statuses(actor).await?)
        .into_iter()
        .map(|(label, code)| (code, label))
        .collect();
    let sellers: Vec<(String, String)> = app
        .parties()
        .sellers(actor)
        .await?
        .iter()
        .map(|s| (s.id.to_string(), crate::labels::seller_label(&t, s)))
        .collect();
    let stores: Vec<(String, String)> = app
        .catalogue()
        .stores(actor)
        .await?
        .into_iter()
        .map(|s| (s.id.to_string(), format!("{} · {}", s.code, s.name)))
        .collect();
    let lists = app.catalogue().lists(actor).await?;
    let named = |names: Vec<String>| names.into_iter().map(|n| (n.clone(), n)).collect::<Vec<_>>();
    let bureau = domain::party::CREDIT_BUREAU_STATUSES
        .iter()
        .map(|s| (s.to_string(), t.get(&format!("credit-bureau-{s}"))))
        .collect();
    let sexes = ["f", "m", "x"].iter().map(|s| (s.to_string(), t.get(&format!("sex-{s}")))).collect();
    let states =
        domain::address::states_of(actor.country).iter().map(|s| (s.to_string(), s.to_string())).collect();
    let yes_no =
        vec![("yes".into(), t.get("engine-has-email-yes")), ("no".into(), t.get("engine-has-email-no"))];

    let mut customer = vec![
        text("name", "engine-name"),
        select("customer_status", "party-customer-status", statuses),
        select("credit_bureau_status", "party-credit-bureau", bureau),
        multi("seller", "party-seller", sellers.clone()),
        text("profession", "party-profession"),
        text("football_team", "party-football-team"),
        range(EngineField::ShoeSize, "party-shoe-size", "number", ""),
        select("sex", "party-sex", sexes),
        text("neighbourhood", "engine-neighbourhood"),
        text("city", "engine-city"),
        select("state", "engine-state", states),
        text("address_complement", "engine-address-complement"),
        range(EngineField::Birthday, "engine-birthday", "text", "dd/mm"),
        range(EngineField::Age, "engine-age", "number", ""),
        range(EngineField::SpouseBirthday, "party-spouse-birth-date", "text", "dd/mm"),
        text("carrier", "party-carrier"),
        text("phone", "engine-phone"),
        select("email", "engine-has-email", yes_no),
        text("agreement", "party-agreement"),
        text("credit_complement", "party-credit-complement"),
        text("tag", "party-tag"),
    ];
    if financial {
        customer.push(range(EngineField::RevolvingCredit, "party-revolving-credit", "text", ""));
    }
    let consents = [
        EngineField::ConsentSmsWhatsapp,
        EngineField::ConsentEmail,
        EngineField::ConsentPhone,
        EngineField::ConsentLetter,
    ]
    .into_iter()
    .map(check)
    .collect();
    let purchases = vec![
        multi("store", "engine-stores-analysed", stores.clone()),
        Input {
            to_name: "period_to",
            to_value: sent("period_to"),
            kind: "range",
            input_type: "date",
            ..text("period_from", "engine-period")
        },
        range(EngineField::LastPurchase, "engine-last-purchase", "date", ""),
        range(EngineField::PurchaseCount, "engine-purchase-count", "number", ""),
        range(EngineField::TotalBought, "engine-total-bought", "text", ""),
        range(EngineField::LargestPurchase, "engine-largest-purchase", "text", ""),
        multi("sale_seller", "engine-sale-seller", sellers),
        select("product_group", "engine-product-group", named(lists.groups)),
        select("product_brand", "engine-product-brand", named(lists.brands)),
        select("product_line", "engine-product-line", named(lists.lines)),
        multi("stores_with_sales", "engine-stores-with-sales", stores.clone()),
        multi("stores_without_sales", "engine-stores-without-sales", stores),
    ];
    let mut finances = Vec::new();
    if financial {
        finances.push(range(EngineField::AvailableCredit, "engine-available-credit", "text", ""));
    }
    finances.extend([
        Input { input_type: "number", ..text("days_overdue", "engine-days-overdue") },
        Input { input_type: "number", ..text("average_delay", "engine-average-delay") },
        range(EngineField::LastCall, "engine-last-call", "date", ""),
    ]);
    let loyalty = vec![
        range(EngineField::PointsBalance, "engine-points", "number", ""),
        range(EngineField::PointsExpired, "engine-points-expired", "date", ""),
        range(EngineField::PointsToExpire, "engine-points-to-expire", "date", ""),
    ];
    let operations = ["sale", "contact", "message"]
        .iter()
        .map(|code| (code.to_string(), t.get(&format!("engine-operation-{code}"))))
        .collect();
    let kinds = domain::interaction::InteractionChannel::ALL
        .iter()
        .map(|c| (c.as_str().to_string(), t.get(&format!("interaction-channel-{}", c.as_str()))))
        .collect();
    let natures =
        app.interactions().interaction_options(actor, app::interactions::InteractionList::Nature).await?;
    let natures = natures
        .iter()
        .map(|o| (o.code.clone(), crate::html::components::option_label(&t, "nature", &natures, &o.code)))
        .collect();
    let remove = vec![
        select("remove_operation", "engine-remove-operation", operations),
        select("remove_kind", "engine-remove-kind", kinds),
        select("remove_nature", "engine-remove-nature", natures),
        Input {
            to_name: "remove_to",
            to_value: sent("remove_to"),
            kind: "range",
            input_type: "date",
            ..text("remove_from", "engine-remove-period")
        },
    ];
    let records = vec![Input { input_type: "number", ..text("limit", "engine-limit") }];
    let group = |id: &'static str, inputs: Vec<Input>| {
        let open = id == "customer"
            || inputs.iter().any(|i| {
                !i.value.is_empty() || !i.to_value.is_empty() || i.chosen.iter().any(|c| !c.is_empty())
            });
        Group { id, legend: t.get(&format!("engine-group-{id}")), inputs, open }
    };
    Ok(vec![
        group("customer", customer),
        group("consents", consents),
        group("purchases", purchases),
        group("finances", finances),
        group("loyalty", loyalty),
        group("remove", remove),
        group("records", records),
    ])
}
