//! The agenda: a user's or his team's day, week and month.
use super::grid::{GridInput, PERSON_COLOURS, TimeGrid, time_grid};
use crate::error::PageResult;
use crate::extract::{Page, Query};
use crate::html::components::{Pairs, url_encode, value, values};
use crate::i18n::Tr;
use crate::layout::Shell;
use app::agenda::OccurrenceView;
use askama::Template;
use chrono::{Datelike, Duration, NaiveDate};
use domain::UserId;

/// How many appointments a day of the month view lists before "+N".
pub(super) const MONTH_DAY_ITEMS: usize = 4;

pub struct CalendarItem {
    pub id: uuid::Uuid,
    pub time: String,
    pub title: String,
    pub detail: String,
    pub kind: String,
    pub cancelled: bool,
}

pub struct CalendarDay {
    pub label: String,
    /// The weekday and date, for screen readers (the month shows the day's number).
    pub full_label: String,
    pub href: String,
    pub today: bool,
    pub in_period: bool,
    pub items: Vec<CalendarItem>,
    pub more: usize,
}

#[derive(Template)]
#[template(path = "agenda/calendar.html")]
pub(super) struct AgendaPage {
    t: Tr,
    shell: Shell,
    view: String,
    date: NaiveDate,
    period_label: String,
    views: Vec<(&'static str, String, String)>,
    prev_href: String,
    next_href: String,
    today_href: String,
    cancelled_href: String,
    team_href: String,
    /// Each branch's agendas at once: (name, address).
    branch_links: Vec<(String, String)>,
    users_query: String,
    cancelled: bool,
    team: Vec<(String, String, bool)>,
    chosen_count: usize,
    chosen_many: bool,
    weekday_names: Vec<String>,
    days: Vec<CalendarDay>,
    /// The day and week views; the month view lists each day's appointments.
    grid: Option<TimeGrid>,
    /// Whose colour is whose, when several agendas are shown.
    legend: Vec<(String, usize)>,
    empty: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum View {
    Day,
    Week,
    Month,
}

impl View {
    fn parse(text: &str) -> View {
        match text {
            "day" => View::Day,
            "month" => View::Month,
            _ => View::Week,
        }
    }

    fn code(self) -> &'static str {
        match self {
            View::Day => "day",
            View::Week => "week",
            View::Month => "month",
        }
    }

    /// The days shown: the month view fills whole weeks, Monday first.
    fn shown(self, date: NaiveDate) -> (NaiveDate, NaiveDate) {
        let monday = |d: NaiveDate| d - Duration::days(d.weekday().num_days_from_monday().into());
        match self {
            View::Day => (date, date + Duration::days(1)),
            View::Week => (monday(date), monday(date) + Duration::days(7)),
            View::Month => {
                let first = date.with_day(1).unwrap_or(date);
                let next = first.checked_add_months(chrono::Months::new(1)).unwrap_or(first);
                let last = next - Duration::days(1);
                (monday(first), monday(last) + Duration::days(7))
            }
        }
    }

    fn step(self, date: NaiveDate, forward: bool) -> NaiveDate {
        let sign = if forward { 1 } else { -1 };
        match self {
            View::Day => date + Duration::days(sign),
            View::Week => date + Duration::days(7 * sign),
            View::Month => {
                let first = date.with_day(1).unwrap_or(date);
                let months = chrono::Months::new(1);
                if forward { first.checked_add_months(months) } else { first.checked_sub_months(months) }
                    .unwrap_or(first)
            }
        }
    }
}

fn days_of(from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    from.iter_days().take_while(|d| *d < to).collect()
}

pub(super) fn users_of(pairs: &Pairs) -> Vec<UserId> {
    values(pairs, "user").filter_map(|u| u.parse().ok()).collect()
}

pub(super) fn users_query(users: &[UserId]) -> String {
    users.iter().map(|u| format!("user={u}")).collect::<Vec<_>>().join("&")
}

pub(super) fn agenda_href(view: View, date: NaiveDate, users: &[UserId], cancelled: bool) -> String {
    let mut href = format!("/agenda?view={}&date={date}", view.code());
    if !users.is_empty() {
        href.push('&');
        href.push_str(&users_query(users));
    }
    if cancelled {
        href.push_str("&cancelled=1");
    }
    href
}

pub(super) fn weekday_names(t: &Tr) -> Vec<String> {
    (1..=7).map(|d| t.get(&format!("weekday-{d}"))).collect()
}

pub(super) fn month_name(t: &Tr, month: u32) -> String {
    t.get(&format!("month-{month}"))
}

pub async fn show(page: Page, Query(query): Query<Pairs>) -> PageResult {
    let actor = &page.actor;
    let t = page.t;
    let today = t.local_day(&page.app().now());
    let view = View::parse(value(&query, "view"));
    let date = NaiveDate::parse_from_str(value(&query, "date"), "%Y-%m-%d").unwrap_or(today);
    let cancelled = !value(&query, "cancelled").is_empty();
    let (from, to) = view.shown(date);
    let branch = value(&query, "branch").parse::<uuid::Uuid>().ok();
    let team = page.app().agenda().agenda_users(actor).await?;
    // A coordinator's view of a whole branch: its users he may see.
    let chosen: Vec<UserId> = match branch {
        Some(branch) => team.iter().filter(|u| u.branch_id == Some(branch)).map(|u| UserId(u.id)).collect(),
        None => users_of(&query),
    };
    let occurrences = page.app().agenda().period(actor, &chosen, from, to, cancelled).await?;
    let branches = page.app().access().list_branches(actor).await?;
    let shown_users: Vec<uuid::Uuid> =
        if chosen.is_empty() { vec![actor.user_id.0] } else { chosen.iter().map(|u| u.0).collect() };
    let several = shown_users.len() > 1;
    let name_of =
        |id: uuid::Uuid| team.iter().find(|u| u.id == id).map(|u| u.name.clone()).unwrap_or_default();
    let mut days: Vec<CalendarDay> = days_of(from, to)
        .into_iter()
        .map(|d| CalendarDay {
            label: match view {
                View::Month => d.day().to_string(),
                _ => format!(
                    "{} {}",
                    t.get(&format!("weekday-{}", d.weekday().number_from_monday())),
                    t.date(&d)
                ),
            },
            full_label: format!(
                "{} {}",
                t.get(&format!("weekday-{}", d.weekday().number_from_monday())),
                t.date(&d)
            ),
            href: agenda_href(View::Day, d, &chosen, cancelled),
            today: d == today,
            in_period: view != View::Month || d.month() == date.month(),
            items: Vec::new(),
            more: 0,
        })
        .collect();
    let empty = occurrences.is_empty();
    let people: Vec<(uuid::Uuid, String)> = shown_users.iter().map(|id| (*id, name_of(*id))).collect();
    let grid = match view {
        View::Month => None,
        View::Day | View::Week => {
            let hours = page.app().agenda().working_hours(actor).await?;
            let dates: Vec<NaiveDate> = days_of(from, to);
            // A slot books for the one agenda shown; in a team view, for oneself.
            let for_users: Vec<UserId> = if several { Vec::new() } else { chosen.clone() };
            // Booked, the form comes back to this agenda.
            let back = url_encode(&agenda_href(view, date, &chosen, cancelled));
            let book_href = |day: NaiveDate, time: chrono::NaiveTime| {
                let mut href =
                    format!("/appointments/new?date={day}&time={}&back={back}", time.format("%H:%M"));
                for user in &for_users {
                    href.push_str(&format!("&user={user}"));
                }
                href
            };
            let day_href = |day: NaiveDate| agenda_href(View::Day, day, &chosen, cancelled);
            let input = GridInput {
                days: &dates,
                today,
                hours: &hours,
                people: &people,
                day_href: &day_href,
                book_href: &book_href,
            };
            Some(time_grid(&t, &input, &occurrences))
        }
    };
    let legend = if several {
        people.iter().enumerate().map(|(i, (_, name))| (name.clone(), i % PERSON_COLOURS)).collect()
    } else {
        Vec::new()
    };
    for o in &occurrences {
        let day = t.local_day(&o.starts_at);
        let Some(slot) = days.get_mut((day - from).num_days().max(0) as usize) else { continue };
        if view == View::Month && slot.items.len() >= MONTH_DAY_ITEMS {
            slot.more += 1;
            continue;
        }
        slot.items.push(item(&t, o, if several { name_of(o.user_id) } else { String::new() }));
    }
    let period_label = match view {
        View::Day => format!(
            "{} {}",
            t.get(&format!("weekday-{}", date.weekday().number_from_monday())),
            t.date(&date)
        ),
        View::Week => format!("{} – {}", t.date(&from), t.date(&(to - Duration::days(1)))),
        View::Month => format!("{} {}", month_name(&t, date.month()), date.year()),
    };
    let team_ids: Vec<UserId> = team.iter().map(|u| UserId(u.id)).collect();
    // Only branches with someone whose agenda the actor may see.
    let branch_links: Vec<(String, String)> = branches
        .into_iter()
        .filter(|b| team.iter().any(|u| u.branch_id == Some(b.id)))
        .map(|b| {
            let ids: Vec<UserId> =
                team.iter().filter(|u| u.branch_id == Some(b.id)).map(|u| UserId(u.id)).collect();
            (b.name, agenda_href(view, date, &ids, cancelled))
        })
        .collect();
    page.render(&AgendaPage {
        views: [View::Day, View::Week, View::Month]
            .into_iter()
            .map(|v| {
                (
                    v.code(),
                    t.get(&format!("agenda-view-{}", v.code())),
                    agenda_href(v, date, &chosen, cancelled),
                )
            })
            .collect(),
        prev_href: agenda_href(view, view.step(date, false), &chosen, cancelled),
        next_href: agenda_href(view, view.step(date, true), &chosen, cancelled),
        today_href: agenda_href(view, today, &chosen, cancelled),
        cancelled_href: agenda_href(view, date, &chosen, !cancelled),
        team_href: agenda_href(view, date, &team_ids, cancelled),
        branch_links,
        users_query: users_query(&chosen),
        team: team.iter().map(|u| (u.id.to_string(), u.name.clone(), shown_users.contains(&u.id))).collect(),
        chosen_count: shown_users.len(),
        chosen_many: several,
        weekday_names: weekday_names(&t),
        view: view.code().to_string(),
        date,
        period_label,
        cancelled,
        days,
        grid,
        legend,
        empty,
        shell: page.shell("agenda"),
        t,
    })
}

pub(super) fn item(t: &Tr, o: &OccurrenceView, who: String) -> CalendarItem {
    let detail = [who, o.party_name.clone().unwrap_or_default()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" · ");
    CalendarItem {
        id: o.appointment_id,
        time: t.time(&o.starts_at),
        title: o.title.clone(),
        detail,
        kind: o.kind.clone(),
        cancelled: o.cancelled,
    }
}
