//! Agenda: a user's or his team's day, week and month; free days [dias
//! livres]; booking and cancelling appointments; the calendar feed.
mod appointment;
mod calendar;
mod feed;
mod free_days;
mod grid;

use crate::AppState;
use crate::i18n::Tr;
use app::agenda::AppointmentView;
use axum::Router;
use axum::routing;

/// An appointment in a list of a party's or a sales contact's.
pub struct AppointmentLine {
    pub id: uuid::Uuid,
    pub when: String,
    pub title: String,
    pub kind: String,
    pub users: String,
    pub cancelled: bool,
}

impl AppointmentLine {
    pub fn of(t: &Tr, a: &AppointmentView) -> AppointmentLine {
        AppointmentLine {
            id: a.id,
            when: t.datetime(&a.starts_at),
            title: a.title.clone(),
            kind: t.get(&format!("appointment-kind-{}", a.kind)),
            users: a.users.iter().map(|u| u.name.as_str()).collect::<Vec<_>>().join(", "),
            cancelled: a.cancelled_at.is_some(),
        }
    }
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/agenda", routing::get(calendar::show))
        .route("/agenda/free-days", routing::get(free_days::free_days))
        .route("/agenda/feed", routing::get(feed::feed).post(feed::rotate_feed))
        .route("/appointments", routing::post(appointment::book))
        .route("/appointments/new", routing::get(appointment::new_form))
        .route("/appointments/clashes", routing::get(appointment::clashes))
        .route("/appointments/{id}/move", routing::post(appointment::move_on_grid))
        .route(
            "/appointments/{id}",
            routing::get(appointment::show_appointment).post(appointment::reschedule),
        )
        .route("/appointments/{id}/edit", routing::get(appointment::edit_form))
        .route("/appointments/{id}/cancel", routing::post(appointment::cancel))
        .route("/appointments/{id}/occurrences/cancel", routing::post(appointment::cancel_occurrence))
        .route("/calendar/{file}", routing::get(feed::calendar_file))
}
