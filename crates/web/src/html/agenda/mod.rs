//! Agenda: a user's or his team's day, week and month; free days [dias
//! livres]; booking and cancelling appointments; the calendar feed.
mod appointment;
mod calendar;
mod feed;
mod free_days;
mod grid;

use crate::AppState;
use axum::Router;
use axum::routing;

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
