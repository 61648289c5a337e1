//! Configurações da agenda: the organisation's time zone and working
//! hours, its natures and statuses of interactions, and the results of
//! telemarketing occurrences.
use super::components::{FieldMessages, Pairs, option_label, value, values};
use crate::AppState;
use crate::error::PageResult;
use crate::extract::{Form, Page, Query, see_other};
use crate::i18n::Tr;
use crate::layout::{Shell, render_with_status};
use app::AppError;
use app::interactions::InteractionList;
use askama::Template;
use axum::Router;
use axum::http::StatusCode;
use axum::routing;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/agenda", routing::get(show))
        .route("/admin/agenda/hours", routing::post(save_hours))
        .route("/admin/agenda/options", routing::post(add_option))
}

/// The zones of Brazil and Portugal; the API takes any IANA zone.
const ZONES: &[&str] = &[
    "America/Sao_Paulo",
    "America/Bahia",
    "America/Fortaleza",
    "America/Recife",
    "America/Belem",
    "America/Manaus",
    "America/Cuiaba",
    "America/Porto_Velho",
    "America/Rio_Branco",
    "America/Noronha",
    "Europe/Lisbon",
    "Atlantic/Madeira",
    "Atlantic/Azores",
    "UTC",
];

#[derive(Template)]
#[template(path = "settings/agenda.html")]
struct AgendaSettingsPage {
    t: Tr,
    shell: Shell,
    zones: Vec<String>,
    zone: String,
    opens: String,
    closes: String,
    days: Vec<(u32, String, bool)>,
    lists: Vec<(&'static str, String, Vec<String>)>,
    errors: FieldMessages,
    failed_list: String,
    saved: bool,
}

async fn page(
    page: &Page,
    errors: FieldMessages,
    failed_list: &str,
    saved: bool,
    status: StatusCode,
) -> PageResult {
    let (hours, natures, statuses) = page.app().agenda().agenda_settings(&page.actor).await?;
    let results = page.app().interactions().interaction_options(&page.actor, InteractionList::Result).await?;
    let t = page.t;
    let labels = |prefix: &str, list: &[app::registry_settings::StatusView]| -> Vec<String> {
        list.iter().map(|o| option_label(&t, prefix, list, &o.code)).collect()
    };
    Ok(render_with_status(
        status,
        &AgendaSettingsPage {
            zones: ZONES.iter().map(|z| z.to_string()).collect(),
            zone: hours.time_zone.name().to_string(),
            opens: hours.opens.format("%H:%M").to_string(),
            closes: hours.closes.format("%H:%M").to_string(),
            days: (1..=7u32)
                .map(|d| (d, t.get(&format!("weekday-{d}")), hours.days[d as usize - 1]))
                .collect(),
            lists: vec![
                ("nature", t.get("natures-title"), labels("nature", &natures)),
                ("status", t.get("interaction-statuses-title"), labels("interaction-status", &statuses)),
                ("result", t.get("occurrence-results-title"), labels("occurrence-result", &results)),
            ],
            errors,
            failed_list: failed_list.to_string(),
            saved,
            shell: page.shell("settings"),
            t,
        },
    ))
}

pub async fn show(page: Page, Query(query): Query<Pairs>) -> PageResult {
    let saved = !value(&query, "saved").is_empty();
    self::page(&page, FieldMessages::default(), "", saved, StatusCode::OK).await
}

/// A form post's answer: back to the page saying it saved, or the
/// refusal's field messages on the page.
async fn saved_or_refused<T>(page: &Page, result: Result<T, AppError>, failed_list: &str) -> PageResult {
    match result {
        Ok(_) => Ok(see_other("/admin/agenda?saved=1")),
        Err(AppError::Validation(errors) | AppError::Taken(errors)) => {
            let messages = FieldMessages::from_errors(&errors, &page.t);
            self::page(page, messages, failed_list, false, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(error) => Err(error.into()),
    }
}

pub async fn save_hours(page: Page, Form(form): Form<Pairs>) -> PageResult {
    let days: String = values(&form, "days").collect();
    let result = page
        .app()
        .agenda()
        .set_working_hours(
            &page.actor,
            value(&form, "time_zone"),
            value(&form, "opens"),
            value(&form, "closes"),
            &days,
        )
        .await;
    saved_or_refused(&page, result, "").await
}

pub async fn add_option(page: Page, Form(form): Form<Pairs>) -> PageResult {
    let list = value(&form, "list");
    let result = match InteractionList::parse(list) {
        Ok(parsed) => {
            page.app().interactions().add_interaction_option(&page.actor, parsed, value(&form, "label")).await
        }
        Err(message) => Err(domain::ValidationErrors::single("label", message).into()),
    };
    saved_or_refused(&page, result, list).await
}
