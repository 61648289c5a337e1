//! Free days [dias livres]: who has time, day by day, against the working hours.
use crate::error::PageResult;
use crate::extract::{Page, Query};
use crate::html::components::{Pairs, value};
use crate::i18n::Tr;
use crate::layout::Shell;
use app::AppError;
use askama::Template;
use chrono::{Datelike, Duration, NaiveDate};
use domain::agenda::DayAvailability;

use super::calendar::users_of;

#[derive(Template)]
#[template(path = "agenda/free_days.html")]
pub(super) struct FreeDaysPage {
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
    let hours = page.app().agenda().working_hours(actor).await?;
    let team = page.app().agenda().agenda_users(actor).await?;
    let t = page.t;
    let today = t.local_day(&page.app().now());
    let from = NaiveDate::parse_from_str(value(&query, "from"), "%Y-%m-%d").unwrap_or(today);
    // The form's "to" is the last day shown, inclusive.
    let to = NaiveDate::parse_from_str(value(&query, "to"), "%Y-%m-%d").unwrap_or(from + Duration::days(13));
    let chosen = users_of(&query);
    let (rows, alert) =
        match page.app().agenda().free_days(actor, &chosen, from, to + Duration::days(1)).await {
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
