//! "Relatórios > Ocorrências" (seed 004): contacts per day (a chart, and
//! its table) and per type, and the telemarketing performance listing.
use crate::error::PageResult;
use crate::extract::{Page, Query};
use crate::html::components::{FieldMessages, FormOutcome, Pairs, number, option_label, value};
use crate::i18n::Tr;
use crate::layout::{Shell, render_with_status};
use app::engine::{OccurrenceReport, ReportQuery};
use app::interactions::InteractionList;
use askama::Template;
use chrono::NaiveDate;
use domain::ValidationErrors;
use domain::occurrence::ReportPeriod;

/// The period a report opens with: the last thirty days, sales up to
/// thirty days after a contact.
const DEFAULT_DAYS: i64 = 30;

/// An agent's line as the listing shows it.
pub struct AgentRow {
    pub name: String,
    pub contacts: String,
    pub customers: String,
    pub invoiced: String,
    pub share: String,
    pub sales: String,
    pub revenue: String,
}

#[derive(Template)]
#[template(path = "engine/reports.html")]
struct ReportsPage {
    t: Tr,
    shell: Shell,
    /// The period's two fields: name, label, value.
    dates: Vec<(&'static str, String, String)>,
    invoice_days: String,
    agent: String,
    agents: Vec<(String, String)>,
    errors: FieldMessages,
    chart: String,
    days: Vec<(String, String, String)>,
    kinds: Vec<(String, String)>,
    rows: Vec<AgentRow>,
    total: String,
    shown: bool,
}

/// The form's question, or its fields' messages.
fn query_of(pairs: &Pairs, today: NaiveDate) -> Result<ReportQuery, ValidationErrors> {
    let mut errors = ValidationErrors::new();
    let mut date = |name: &'static str, default: NaiveDate| match value(pairs, name).trim() {
        "" => default,
        text => NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap_or_else(|_| {
            errors.add(name, "error-date-invalid");
            default
        }),
    };
    let from = date("from", today - chrono::Duration::days(DEFAULT_DAYS - 1));
    let to = date("to", today);
    let invoice_days = number::<u32>(pairs, "invoice_days", &mut errors).unwrap_or(DEFAULT_DAYS as u32);
    let agent = match value(pairs, "agent").trim() {
        "" => None,
        text => text.parse().map_err(|_| errors.add("agent", "error-not-found")).ok(),
    };
    errors.into_result()?;
    let query = ReportQuery { period: ReportPeriod { from, to, invoice_days }, agent };
    query.period.check()?;
    Ok(query)
}

pub async fn reports(page: Page, Query(pairs): Query<Pairs>) -> PageResult {
    let engine = page.app().engine();
    engine.open(&page.actor)?;
    let t = page.t;
    let today = t.local_day(&page.app().now());
    let asked = query_of(&pairs, today);
    let (report, outcome) = match &asked {
        Ok(query) => match engine.occurrence_report(&page.actor, query).await {
            Ok(report) => (Some(report), FormOutcome::of(None, &t)?),
            Err(error) => (None, FormOutcome::of(Some(error), &t)?),
        },
        Err(errors) => (None, FormOutcome::of(Some(errors.clone().into()), &t)?),
    };
    let natures = page.app().interactions().interaction_options(&page.actor, InteractionList::Nature).await?;
    let agents = page
        .app()
        .agenda()
        .agenda_users(&page.actor)
        .await?
        .into_iter()
        .map(|u| (u.id.to_string(), u.name))
        .collect();
    let sent = |name: &str, default: String| match value(&pairs, name) {
        "" => default,
        text => text.to_string(),
    };
    let period = asked.as_ref().map(|q| q.period.clone()).ok();
    let mut screen = ReportsPage {
        shell: page.shell("engine"),
        dates: vec![
            (
                "from",
                t.get("engine-report-from"),
                sent("from", period.as_ref().map(|p| p.from.to_string()).unwrap_or_default()),
            ),
            (
                "to",
                t.get("engine-report-to"),
                sent("to", period.as_ref().map(|p| p.to.to_string()).unwrap_or_default()),
            ),
        ],
        invoice_days: sent("invoice_days", DEFAULT_DAYS.to_string()),
        agent: value(&pairs, "agent").to_string(),
        agents,
        errors: outcome.errors,
        chart: String::new(),
        days: Vec::new(),
        kinds: Vec::new(),
        rows: Vec::new(),
        total: String::new(),
        shown: report.is_some(),
        t,
    };
    if let Some(report) = report {
        fill(&mut screen, &t, report, &natures);
    }
    Ok(render_with_status(outcome.status, &screen))
}

fn fill(
    screen: &mut ReportsPage,
    t: &Tr,
    report: OccurrenceReport,
    natures: &[app::registry_settings::StatusView],
) {
    let labels: Vec<String> = report.days.iter().map(|d| d.day.format("%d/%m").to_string()).collect();
    let counts: Vec<i64> = report.days.iter().map(|d| d.total).collect();
    let series_name = t.get("engine-report-contacts");
    screen.chart = render::chart::grouped_bars(
        &t.get("engine-report-per-day"),
        &t.count("engine-report-chart-description", report.total),
        &labels,
        &[render::chart::Series { name: &series_name, class: "chart-a", values: &counts }],
    );
    let kind_name = |code: &str| option_label(t, "nature", natures, code);
    screen.days = report
        .days
        .iter()
        .map(|d| {
            let kinds = d.by_kind.iter().map(|(k, n)| format!("{} {}", kind_name(k), t.integer(*n)));
            (t.date(&d.day), t.integer(d.total), kinds.collect::<Vec<_>>().join(" · "))
        })
        .collect();
    screen.kinds = report.kinds.iter().map(|(k, n)| (kind_name(k), t.integer(*n))).collect();
    screen.rows = report
        .agents
        .into_iter()
        .map(|line| {
            let p = &line.performance;
            let share = if p.customers == 0 { 0 } else { p.invoiced * 100 / p.customers };
            AgentRow {
                name: line.name,
                contacts: t.integer(p.contacts),
                customers: t.integer(p.customers),
                invoiced: t.integer(p.invoiced),
                share: format!("{share}%"),
                sales: t.integer(p.sales),
                revenue: t.money(line.revenue.0),
            }
        })
        .collect();
    screen.total = t.count("engine-report-total", report.total);
}
