//! Início: the day's work of the signed-in user — what is due, today's
//! agenda, birthdays in his portfolio, a few figures and the last twelve
//! weeks as a chart (loaded after the page, so it never delays it).
use super::components::InteractionLabels;
use crate::AppState;
use crate::error::PageResult;
use crate::extract::Page;
use crate::i18n::Tr;
use crate::layout::Shell;
use askama::Template;
use axum::Router;
use axum::routing;
use chrono::Datelike;
use domain::work_queue::WorkScope;

pub fn routes() -> Router<AppState> {
    Router::new().route("/", routing::get(show)).route("/home/activity", routing::get(activity))
}

/// At most this many due interactions on the home page; the queue has the rest.
const DUE_SHOWN: u64 = 6;

pub struct TodayLine {
    pub time: String,
    pub title: String,
    /// The customer, when the title does not already name him.
    pub party: Option<(uuid::Uuid, String)>,
    pub href: String,
}

pub struct DueLine {
    pub id: uuid::Uuid,
    pub urgency: &'static str,
    pub when: String,
    pub party_id: uuid::Uuid,
    pub party_name: String,
    pub nature: String,
    pub description: String,
}

pub struct BirthdayLine {
    pub party_id: uuid::Uuid,
    pub name: String,
    pub when: String,
    pub turns: i32,
    pub today: bool,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    t: Tr,
    shell: Shell,
    name: String,
    /// For the link to the user's own portfolio.
    user_id: String,
    due_today: i64,
    overdue: i64,
    open: i64,
    portfolio: i64,
    /// My prospects whose negotiation is going on (the board).
    negotiating: i64,
    today: Vec<TodayLine>,
    due: Vec<DueLine>,
    birthdays: Vec<BirthdayLine>,
    is_admin: bool,
}

pub async fn show(page: Page) -> PageResult {
    let actor = &page.actor;
    let t = page.t;
    let app = page.app();
    let day = t.local_day(&app.now());
    let today = app
        .agenda()
        .period(actor, &[], day, day + chrono::Duration::days(1), false)
        .await?
        .into_iter()
        .map(|o| TodayLine {
            time: format!("{}–{}", t.time(&o.starts_at), t.time(&o.ends_at)),
            // A title that already names the customer does not repeat him.
            party: o.party_id.zip(o.party_name).filter(|(_, name)| !o.title.contains(name.as_str())),
            title: o.title,
            href: format!("/appointments/{}", o.appointment_id),
        })
        .collect();
    let tally = app.work_queue().tally(actor, WorkScope::Mine).await?;
    let labels = InteractionLabels::load(app, actor).await?;
    let due = app
        .work_queue()
        .due_now(actor, DUE_SHOWN)
        .await?
        .into_iter()
        .map(|item| {
            let party_id = item.interaction.party_id;
            let line = labels.line(&t, item.interaction);
            DueLine {
                id: line.id,
                urgency: item.urgency.as_str(),
                when: line.due,
                party_id,
                party_name: item.party_name,
                nature: line.nature,
                description: line.description,
            }
        })
        .collect();
    let birthdays = app
        .dashboard()
        .birthdays_ahead(actor)
        .await?
        .into_iter()
        .map(|b| BirthdayLine {
            when: if b.on == day {
                t.get("home-birthday-today")
            } else {
                format!(
                    "{} {}",
                    t.get(&format!("weekday-{}", b.on.weekday().number_from_monday())),
                    t.date(&b.on)
                )
            },
            today: b.on == day,
            party_id: b.party_id,
            name: b.name,
            turns: b.turns,
        })
        .collect();
    page.render(&HomePage {
        t,
        shell: page.shell("home"),
        name: actor.display_name.clone(),
        user_id: actor.user_id.to_string(),
        due_today: tally.today,
        overdue: tally.overdue,
        open: tally.open + tally.today + tally.overdue,
        portfolio: app.dashboard().portfolio_size(actor).await?,
        negotiating: app.pipeline().in_negotiation(actor).await?,
        today,
        due,
        birthdays,
        is_admin: actor.is_admin(),
    })
}

#[derive(Template)]
#[template(path = "home_activity.html")]
struct ActivityChart {
    t: Tr,
    svg: String,
    rows: Vec<(String, i64, i64)>,
}

/// The last twelve weeks as a chart and a table, an htmx partial.
pub async fn activity(page: Page) -> PageResult {
    let t = page.t;
    let weekly = page.app().dashboard().weekly_activity(&page.actor, 12).await?;
    let labels: Vec<String> = weekly.week_starts.iter().map(|d| d.format("%d/%m").to_string()).collect();
    let (customers, interactions) = (t.get("home-chart-customers"), t.get("home-chart-interactions"));
    let svg = render::chart::grouped_bars(
        &t.get("home-chart-title"),
        &t.get("home-chart-description"),
        &labels,
        &[
            render::chart::Series { name: &customers, class: "chart-a", values: &weekly.customers },
            render::chart::Series { name: &interactions, class: "chart-b", values: &weekly.interactions },
        ],
    );
    let rows = weekly
        .week_starts
        .iter()
        .zip(weekly.customers.iter().zip(&weekly.interactions))
        .map(|(start, (c, i))| (t.date(start), *c, *i))
        .collect();
    page.render(&ActivityChart { t, svg, rows })
}
