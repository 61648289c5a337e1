//! Configurações da agenda: the organisation's time zone and working
//! hours, and its natures and statuses of interactions.
use super::interactions::option_label;
use super::{FieldMessages, Pairs, Shell, render_with_status, value, values};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::i18n::{Tr, tr_for};
use crate::security::CsrfToken;
use app::AppError;
use app::interactions::InteractionList;
use askama::Template;
use axum::extract::{Extension, Form, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

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
#[template(path = "agenda_settings.html")]
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
    state: &AppState,
    user: &CurrentUser,
    csrf: &CsrfToken,
    errors: FieldMessages,
    failed_list: &str,
    saved: bool,
    status: StatusCode,
) -> Response {
    let actor = &user.actor;
    let (hours, natures, statuses) = match state.app.agenda_settings(actor).await {
        Ok(settings) => settings,
        Err(error) => return super::app_error_page(error, actor.locale),
    };
    let t = tr_for(actor);
    let labels = |prefix: &str, list: &[app::registry_settings::StatusView]| -> Vec<String> {
        list.iter().map(|o| option_label(&t, prefix, list, &o.code)).collect()
    };
    render_with_status(
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
            ],
            errors,
            failed_list: failed_list.to_string(),
            saved,
            shell: Shell::for_user(csrf, user, "settings", "/admin/agenda"),
            t,
        },
    )
}

pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Extension(csrf): Extension<CsrfToken>,
    Query(query): Query<Pairs>,
) -> Response {
    let saved = !value(&query, "saved").is_empty();
    page(&state, &user, &csrf, FieldMessages::default(), "", saved, StatusCode::OK).await
}

pub async fn save_hours(
    State(state): State<AppState>,
    user: CurrentUser,
    Extension(csrf): Extension<CsrfToken>,
    Form(form): Form<Pairs>,
) -> Response {
    let days: String = values(&form, "days").collect();
    match state
        .app
        .set_working_hours(
            &user.actor,
            value(&form, "time_zone"),
            value(&form, "opens"),
            value(&form, "closes"),
            &days,
        )
        .await
    {
        Ok(_) => Redirect::to("/admin/agenda?saved=1").into_response(),
        Err(AppError::Validation(errors)) => {
            let messages = FieldMessages::from_errors(&errors, &tr_for(&user.actor));
            page(&state, &user, &csrf, messages, "", false, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(error) => super::app_error_page(error, user.actor.locale),
    }
}

pub async fn add_option(
    State(state): State<AppState>,
    user: CurrentUser,
    Extension(csrf): Extension<CsrfToken>,
    Form(form): Form<Pairs>,
) -> Response {
    let list = match InteractionList::parse(value(&form, "list")) {
        Ok(list) => list,
        Err(message) => {
            let errors = FieldMessages::from_errors(
                &domain::ValidationErrors::single("label", message),
                &tr_for(&user.actor),
            );
            return page(
                &state,
                &user,
                &csrf,
                errors,
                value(&form, "list"),
                false,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    match state.app.add_interaction_option(&user.actor, list, value(&form, "label")).await {
        Ok(_) => Redirect::to("/admin/agenda?saved=1").into_response(),
        Err(AppError::Validation(errors)) => {
            let messages = FieldMessages::from_errors(&errors, &tr_for(&user.actor));
            page(
                &state,
                &user,
                &csrf,
                messages,
                value(&form, "list"),
                false,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(error) => super::app_error_page(error, user.actor.locale),
    }
}
