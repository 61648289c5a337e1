//! Agenda: a user's or his team's day, week and month; free days [dias
//! livres]; booking and cancelling appointments; the calendar feed.
use super::components::{FieldMessages, FormOutcome, FormValues, Pairs, form_id, number, value, values};
use crate::AppState;
use crate::error::{Error, PageResult};
use crate::extract::{Form, Page, Query, path_id, see_other};
use crate::flash::Flash;
use crate::i18n::Tr;
use crate::layout::{Shell, render_with_status};
use crate::links::feed_url;
use app::AppError;
use app::agenda::{AppointmentView, DoubleBooking, OccurrenceView};
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use axum::routing;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use domain::agenda::DayAvailability;
use domain::appointment::{AppointmentDraft, AppointmentKind, Frequency};
use domain::{AppointmentId, UserId, ValidationErrors};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/agenda", routing::get(show))
        .route("/agenda/free-days", routing::get(free_days))
        .route("/agenda/feed", routing::get(feed).post(rotate_feed))
        .route("/appointments", routing::post(book))
        .route("/appointments/new", routing::get(new_form))
        .route("/appointments/{id}", routing::get(show_appointment).post(reschedule))
        .route("/appointments/{id}/edit", routing::get(edit_form))
        .route("/appointments/{id}/cancel", routing::post(cancel))
        .route("/appointments/{id}/occurrences/cancel", routing::post(cancel_occurrence))
        .route("/calendar/{file}", routing::get(calendar_file))
}

/// How many appointments a day of the month view lists before "+N".
const MONTH_DAY_ITEMS: usize = 4;

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
    pub href: String,
    pub today: bool,
    pub in_period: bool,
    pub items: Vec<CalendarItem>,
    pub more: usize,
}

#[derive(Template)]
#[template(path = "agenda.html")]
struct AgendaPage {
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
    empty: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum View {
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

fn users_of(pairs: &Pairs) -> Vec<UserId> {
    values(pairs, "user").filter_map(|u| u.parse().ok()).collect()
}

fn users_query(users: &[UserId]) -> String {
    users.iter().map(|u| format!("user={u}")).collect::<Vec<_>>().join("&")
}

fn agenda_href(view: View, date: NaiveDate, users: &[UserId], cancelled: bool) -> String {
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

fn weekday_names(t: &Tr) -> Vec<String> {
    (1..=7).map(|d| t.get(&format!("weekday-{d}"))).collect()
}

fn month_name(t: &Tr, month: u32) -> String {
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
    let team = page.app().agenda_users(actor).await?;
    // A coordinator's view of a whole branch: its users he may see.
    let chosen: Vec<UserId> = match branch {
        Some(branch) => team.iter().filter(|u| u.branch_id == Some(branch)).map(|u| UserId(u.id)).collect(),
        None => users_of(&query),
    };
    let occurrences = page.app().agenda(actor, &chosen, from, to, cancelled).await?;
    let branches = page.app().list_branches(actor).await?;
    let shown_users: Vec<uuid::Uuid> =
        if chosen.is_empty() { vec![actor.user_id.0] } else { chosen.iter().map(|u| u.0).collect() };
    let several = shown_users.len() > 1;
    let name_of =
        |id: uuid::Uuid| team.iter().find(|u| u.id == id).map(|u| u.name.clone()).unwrap_or_default();
    let mut days: Vec<CalendarDay> = from
        .iter_days()
        .take_while(|d| *d < to)
        .map(|d| CalendarDay {
            label: match view {
                View::Month => d.day().to_string(),
                _ => format!(
                    "{} {}",
                    t.get(&format!("weekday-{}", d.weekday().number_from_monday())),
                    t.date(&d)
                ),
            },
            href: agenda_href(View::Day, d, &chosen, cancelled),
            today: d == today,
            in_period: view != View::Month || d.month() == date.month(),
            items: Vec::new(),
            more: 0,
        })
        .collect();
    let empty = occurrences.is_empty();
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
        empty,
        shell: page.shell("agenda"),
        t,
    })
}

fn item(t: &Tr, o: &OccurrenceView, who: String) -> CalendarItem {
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

#[derive(Template)]
#[template(path = "free_days.html")]
struct FreeDaysPage {
    t: Tr,
    shell: Shell,
    hours: String,
    from: NaiveDate,
    to: NaiveDate,
    team: Vec<(String, String, bool)>,
    headers: Vec<String>,
    rows: Vec<(String, Vec<(&'static str, String)>)>,
    alert: Option<String>,
}

pub async fn free_days(page: Page, Query(query): Query<Pairs>) -> PageResult {
    let actor = &page.actor;
    let hours = page.app().working_hours(actor).await?;
    let team = page.app().agenda_users(actor).await?;
    let t = page.t;
    let today = t.local_day(&page.app().now());
    let from = NaiveDate::parse_from_str(value(&query, "from"), "%Y-%m-%d").unwrap_or(today);
    // The form's "to" is the last day shown, inclusive.
    let to = NaiveDate::parse_from_str(value(&query, "to"), "%Y-%m-%d").unwrap_or(from + Duration::days(13));
    let chosen = users_of(&query);
    let (rows, alert) = match page.app().free_days(actor, &chosen, from, to + Duration::days(1)).await {
        Ok(found) => (found, None),
        Err(AppError::Validation(errors)) => {
            (Vec::new(), Some(errors.0.iter().map(|e| t.get(e.message)).collect::<Vec<_>>().join(" ")))
        }
        Err(error) => return Err(error.into()),
    };
    let shown: Vec<uuid::Uuid> = rows.iter().map(|r| r.user.id).collect();
    let day_headers = rows
        .first()
        .map(|r| {
            r.days
                .iter()
                .map(|d| {
                    format!(
                        "{} {}",
                        t.get(&format!("weekday-{}", d.day.weekday().number_from_monday())),
                        d.day.format("%d/%m")
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    page.render(&FreeDaysPage {
        hours: t.with_args(
            "free-days-hours",
            &[
                ("opens", hours.opens.format("%H:%M").to_string()),
                ("closes", hours.closes.format("%H:%M").to_string()),
                ("zone", hours.time_zone.name().to_string()),
            ],
        ),
        from,
        to,
        team: team.iter().map(|u| (u.id.to_string(), u.name.clone(), shown.contains(&u.id))).collect(),
        headers: day_headers,
        rows: rows
            .into_iter()
            .map(|r| {
                let cells = r
                    .days
                    .iter()
                    .map(|d| match d.availability {
                        DayAvailability::Free => ("day-free", t.get("free-day-free")),
                        DayAvailability::Partly { free_minutes } => (
                            "day-partly",
                            t.with_args(
                                "free-day-partly-hours",
                                &[("hours", format!("{}h{:02}", free_minutes / 60, free_minutes % 60))],
                            ),
                        ),
                        DayAvailability::Busy => ("day-busy", t.get("free-day-busy")),
                        DayAvailability::Closed => ("day-closed", "—".to_string()),
                    })
                    .collect();
                (r.user.name, cells)
            })
            .collect(),
        alert,
        shell: page.shell("agenda"),
        t,
    })
}

#[derive(Template)]
#[template(path = "appointment_form.html")]
struct AppointmentFormPage {
    t: Tr,
    shell: Shell,
    heading: String,
    action: String,
    version: Option<i64>,
    alert: Option<String>,
    zone: String,
    party: Option<(uuid::Uuid, String)>,
    plate: Option<String>,
    back: String,
    form: FormValues,
    errors: FieldMessages,
    kinds: Vec<(String, String)>,
    frequencies: Vec<(String, String)>,
    team: Vec<(String, String)>,
}

/// Which appointment a form changes, with the version it was read at.
type Editing = Option<(uuid::Uuid, i64)>;

async fn form_page(page: &Page, form: Pairs, error: Option<AppError>, editing: Editing) -> PageResult {
    let actor = &page.actor;
    let app = page.app();
    let party_id = value(&form, "party_id").parse::<domain::PartyId>().ok();
    let vehicle_id = value(&form, "vehicle_id").parse::<domain::VehicleId>().ok();
    let hours = app.working_hours(actor).await?;
    let team = app.agenda_users(actor).await?;
    let party = match party_id {
        Some(id) => Some(app.get_party(actor, id).await?),
        None => None,
    };
    let vehicle = match vehicle_id {
        Some(id) => Some(app.vehicle(actor, id).await?),
        None => None,
    };
    let t = page.t;
    let FormOutcome { errors, alert, status } = FormOutcome::of(error, &t)?;
    let back = match (&vehicle, &party) {
        (Some(v), _) => format!("/vehicles/{}", v.id),
        (None, Some(p)) => format!("/customers/{}", p.id),
        _ => "/agenda".to_string(),
    };
    let mut frequencies = vec![(String::new(), t.get("appointment-repeat-none"))];
    frequencies.extend(
        Frequency::ALL.iter().map(|f| (f.as_str().to_string(), t.get(&format!("frequency-{}", f.as_str())))),
    );
    Ok(render_with_status(
        status,
        &AppointmentFormPage {
            heading: t.get(if editing.is_some() { "appointment-move" } else { "appointment-new" }),
            action: editing.map_or("/appointments".to_string(), |(id, _)| format!("/appointments/{id}")),
            version: editing.map(|(_, version)| version),
            alert,
            zone: hours.time_zone.name().to_string(),
            party: party.map(|p| (p.id, p.full_name)),
            plate: vehicle.and_then(|v| v.plate),
            back,
            form: FormValues(form),
            errors,
            kinds: AppointmentKind::ALL
                .iter()
                .map(|k| (k.as_str().to_string(), t.get(&format!("appointment-kind-{}", k.as_str()))))
                .collect(),
            frequencies,
            team: team.into_iter().map(|u| (u.id.to_string(), u.name)).collect(),
            shell: page.shell("agenda"),
            t,
        },
    ))
}

pub async fn new_form(page: Page, Query(query): Query<Pairs>) -> PageResult {
    let actor = &page.actor;
    let hours = page.app().working_hours(actor).await?;
    let t = page.t;
    let day = NaiveDate::parse_from_str(value(&query, "date"), "%Y-%m-%d")
        .unwrap_or_else(|_| t.local_day(&page.app().now()) + Duration::days(1));
    let opens = hours.opens;
    let starts = day.and_time(opens);
    let kind = match value(&query, "kind") {
        "" => "meeting",
        k => k,
    };
    let mut title = String::new();
    if let Ok(vehicle) = value(&query, "vehicle").parse::<domain::VehicleId>() {
        if let Ok(v) = page.app().vehicle(actor, vehicle).await {
            title =
                format!("{} · {}", t.get(&format!("appointment-kind-{kind}")), v.plate.unwrap_or(v.model));
        }
    }
    let form: Pairs = [
        ("party_id", value(&query, "party").to_string()),
        ("vehicle_id", value(&query, "vehicle").to_string()),
        ("interaction_id", value(&query, "interaction").to_string()),
        ("kind", kind.to_string()),
        ("title", title),
        ("starts_at", starts.format("%Y-%m-%dT%H:%M").to_string()),
        ("ends_at", (starts + Duration::hours(1)).format("%Y-%m-%dT%H:%M").to_string()),
        ("user_ids", actor.user_id.to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    form_page(&page, form, None, None).await
}

fn draft(form: &Pairs) -> (AppointmentDraft, ValidationErrors) {
    let mut errors = ValidationErrors::new();
    let repeat_until = match value(form, "repeat_until").trim() {
        "" => None,
        text => NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map_err(|_| errors.add("repeat_until", "error-date-invalid"))
            .ok(),
    };
    let user_ids = values(form, "user_ids").filter_map(|u| u.parse().ok()).collect();
    let draft = AppointmentDraft {
        title: value(form, "title").to_string(),
        kind: value(form, "kind").to_string(),
        place: value(form, "place").to_string(),
        starts_at: value(form, "starts_at").to_string(),
        ends_at: value(form, "ends_at").to_string(),
        user_ids,
        party_id: form_id(form, "party_id", &mut errors),
        interaction_id: form_id(form, "interaction_id", &mut errors),
        vehicle_id: form_id(form, "vehicle_id", &mut errors),
        notes: value(form, "notes").to_string(),
        repeat: value(form, "repeat").to_string(),
        repeat_interval: number(form, "repeat_interval", &mut errors),
        repeat_count: number(form, "repeat_count", &mut errors),
        repeat_until,
    };
    (draft, errors)
}

pub async fn book(page: Page, Form(form): Form<Pairs>) -> PageResult {
    let (draft, errors) = draft(&form);
    let result = if errors.is_empty() {
        page.app().book_appointment(&page.actor, &draft).await
    } else {
        Err(AppError::Validation(errors))
    };
    match result {
        Ok(booked) => {
            let to = format!("/appointments/{}?booked=1", booked.appointment.id);
            saved_with_warning(&page, &to, &booked.double_bookings).await
        }
        Err(error) => form_page(&page, form, Some(error), None).await,
    }
}

/// Back to the appointment; a double booking is warned once, on the page
/// the redirect lands on.
async fn saved_with_warning(page: &Page, to: &str, double_bookings: &[DoubleBooking]) -> PageResult {
    if double_bookings.is_empty() {
        return Ok(see_other(to));
    }
    let t = &page.t;
    let lines = double_bookings
        .iter()
        .map(|d| format!("{}: {} · {}", d.user_name, d.title, t.datetime(&d.starts_at)))
        .collect();
    page.redirect_with(to, Flash::warning("appointment-double-booked", lines, "double-booking")).await
}

pub async fn edit_form(page: Page, Path(id): Path<String>) -> PageResult {
    let actor = &page.actor;
    let a = page.app().appointment(actor, path_id::<AppointmentId>(&id)?).await?;
    let hours = page.app().working_hours(actor).await?;
    let local =
        |at: &chrono::DateTime<Utc>| at.with_timezone(&hours.time_zone).format("%Y-%m-%dT%H:%M").to_string();
    let rule = a.rrule.as_deref().and_then(|r| domain::appointment::Recurrence::parse_rrule(r).ok());
    let mut form: Pairs = [
        ("party_id", a.party_id.map(|p| p.to_string()).unwrap_or_default()),
        ("vehicle_id", a.vehicle_id.map(|v| v.to_string()).unwrap_or_default()),
        ("interaction_id", a.interaction_id.map(|i| i.to_string()).unwrap_or_default()),
        ("title", a.title.clone()),
        ("kind", a.kind.clone()),
        ("place", a.place.clone()),
        ("notes", a.notes.clone()),
        ("starts_at", local(&a.starts_at)),
        ("ends_at", local(&a.ends_at)),
        ("repeat", rule.map(|r| r.frequency.as_str().to_string()).unwrap_or_default()),
        ("repeat_interval", rule.map(|r| r.interval.to_string()).unwrap_or_default()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    match rule.map(|r| r.end) {
        Some(domain::appointment::RecurrenceEnd::Count(n)) => {
            form.push(("repeat_count".into(), n.to_string()))
        }
        Some(domain::appointment::RecurrenceEnd::Until(day)) => {
            form.push(("repeat_until".into(), day.to_string()))
        }
        None => {}
    }
    form.extend(a.users.iter().map(|u| ("user_ids".to_string(), u.id.to_string())));
    form_page(&page, form, None, Some((a.id, a.version))).await
}

pub async fn reschedule(page: Page, Path(id): Path<String>, Form(form): Form<Pairs>) -> PageResult {
    let id: AppointmentId = path_id(&id)?;
    let (draft, mut errors) = draft(&form);
    let version = number::<i64>(&form, "version", &mut errors);
    let result = match (errors.is_empty(), version) {
        (true, Some(version)) => page.app().reschedule_appointment(&page.actor, id, version, &draft).await,
        (true, None) => Err(ValidationErrors::single("version", "error-required").into()),
        (false, _) => Err(AppError::Validation(errors)),
    };
    match result {
        Ok(moved) => {
            saved_with_warning(&page, &format!("/appointments/{}", id.0), &moved.double_bookings).await
        }
        Err(error) => form_page(&page, form, Some(error), Some((id.0, version.unwrap_or_default()))).await,
    }
}

#[derive(Template)]
#[template(path = "appointment.html")]
struct AppointmentPage {
    t: Tr,
    shell: Shell,
    a: AppointmentView,
    kind: String,
    day: NaiveDate,
    when: String,
    users: String,
    repeat: String,
    created: String,
    cancelled: Option<String>,
    booked: bool,
    /// The next occurrences of a series: (start as RFC 3339, as read).
    upcoming: Vec<(String, String)>,
    cancelled_occurrences: Vec<String>,
}

/// How many of a series' next occurrences its page lists.
const UPCOMING_SHOWN: usize = 12;

pub async fn show_appointment(page: Page, Path(id): Path<String>, Query(query): Query<Pairs>) -> PageResult {
    let a = page.app().appointment(&page.actor, path_id::<AppointmentId>(&id)?).await?;
    let booked = !value(&query, "booked").is_empty();
    let t = page.t;
    let repeat = match a.rrule.as_deref().and_then(|r| domain::appointment::Recurrence::parse_rrule(r).ok()) {
        None => String::new(),
        Some(rule) => {
            let every = t.get(&format!("frequency-{}", rule.frequency.as_str()));
            match rule.end {
                domain::appointment::RecurrenceEnd::Count(n) => {
                    t.with_args("appointment-repeats-count", &[("every", every), ("count", n.to_string())])
                }
                domain::appointment::RecurrenceEnd::Until(day) => {
                    t.with_args("appointment-repeats-until", &[("every", every), ("until", t.date(&day))])
                }
            }
        }
    };
    let now = page.app().now();
    let upcoming = if a.rrule.is_some() {
        a.occurrences()
            .into_iter()
            .filter(|span| span.ends_at > now)
            .take(UPCOMING_SHOWN)
            .map(|span| {
                (
                    span.starts_at.to_rfc3339(),
                    format!("{} – {}", t.datetime(&span.starts_at), t.time(&span.ends_at)),
                )
            })
            .collect()
    } else {
        Vec::new()
    };
    page.render(&AppointmentPage {
        upcoming,
        cancelled_occurrences: a.cancelled_occurrences.iter().map(|at| t.datetime(at)).collect(),
        kind: t.get(&format!("appointment-kind-{}", a.kind)),
        day: t.local_day(&a.starts_at),
        when: format!("{} – {}", t.datetime(&a.starts_at), t.time(&a.ends_at)),
        users: a.users.iter().map(|u| u.name.clone()).collect::<Vec<_>>().join(", "),
        repeat,
        created: t.datetime(&a.created_at),
        cancelled: a.cancelled_at.map(|at| t.datetime(&at)),
        booked,
        shell: page.shell("agenda"),
        a,
        t,
    })
}

pub async fn cancel(page: Page, Path(id): Path<String>, Form(form): Form<Pairs>) -> PageResult {
    let id: AppointmentId = path_id(&id)?;
    let mut errors = ValidationErrors::new();
    let version = number::<i64>(&form, "version", &mut errors).ok_or(Error::from(errors))?;
    let a = page.app().cancel_appointment(&page.actor, id, version).await?;
    Ok(see_other(&format!("/appointments/{}", a.id)))
}

/// Cancels one occurrence of a series, from its page.
pub async fn cancel_occurrence(page: Page, Path(id): Path<String>, Form(form): Form<Pairs>) -> PageResult {
    let id: AppointmentId = path_id(&id)?;
    let mut errors = ValidationErrors::new();
    let version = number::<i64>(&form, "version", &mut errors);
    let starts_at = DateTime::parse_from_rfc3339(value(&form, "starts_at")).ok();
    if starts_at.is_none() {
        errors.add("starts_at", "error-occurrence-unknown");
    }
    let (Some(version), Some(starts_at)) = (version, starts_at) else {
        return Err(errors.into());
    };
    let a = page.app().cancel_occurrence(&page.actor, id, version, starts_at.with_timezone(&Utc)).await?;
    Ok(see_other(&format!("/appointments/{}", a.id)))
}

#[derive(Template)]
#[template(path = "calendar_feed.html")]
struct FeedPage {
    t: Tr,
    shell: Shell,
    since: Option<String>,
}

pub async fn feed(page: Page) -> PageResult {
    let since = page.app().calendar_feed_since(&page.actor).await?;
    let t = page.t;
    page.render(&FeedPage { since: since.map(|at| t.datetime(&at)), shell: page.shell("agenda"), t })
}

/// The new address is shown once, on the page the redirect lands on.
pub async fn rotate_feed(page: Page, headers: HeaderMap) -> PageResult {
    let secret = page.app().rotate_calendar_feed(&page.actor).await?;
    let url = feed_url(page.state.public_url.as_deref(), &headers, &secret);
    page.redirect_with("/agenda/feed", Flash::secret("feed-created", url, "feed-url")).await
}

/// The feed itself: no session (calendar programs have none), the secret
/// in the address is the key.
pub async fn calendar_file(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let secret = file.strip_suffix(".ics").unwrap_or(&file);
    match state.app.calendar_feed(secret).await {
        Ok(Some(text)) => (
            [
                (header::CONTENT_TYPE, render::ical::CONTENT_TYPE),
                (header::CACHE_CONTROL, "private, max-age=300"),
            ],
            text,
        )
            .into_response(),
        Ok(None) => Error::not_found().into_response(),
        Err(error) => Error::from(error).into_response(),
    }
}
