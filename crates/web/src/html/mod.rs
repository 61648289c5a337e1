//! Server-rendered pages and their htmx partials.
mod access;
mod account;
mod admin;
mod agenda;
mod agenda_settings;
mod catalogue;
mod components;
pub(crate) mod contracts;
mod customers;
mod discounts;
mod engine;
pub(crate) mod follow_up;
mod home;
mod interactions;
mod jobs;
mod login;
mod loyalty;
mod messages;
mod orders;
mod pipeline;
mod preferences;
mod quotes;
mod reminders;
mod sales;
mod settings;
mod vehicles;
mod webhooks;
mod work_queue;

use crate::AppState;
use axum::Router;

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(home::routes())
        .merge(login::routes())
        .merge(preferences::routes())
        .merge(account::routes())
        .merge(admin::routes())
        .merge(access::routes())
        .merge(customers::routes())
        .merge(vehicles::routes())
        .merge(interactions::routes())
        .merge(agenda::routes())
        .merge(agenda_settings::routes())
        .merge(settings::routes())
        .merge(pipeline::routes())
        .merge(work_queue::routes())
        .merge(engine::routes())
        .merge(messages::routes())
        .merge(webhooks::routes())
        .merge(jobs::routes())
        .merge(catalogue::routes())
        .merge(sales::routes())
        .merge(quotes::routes())
        .merge(orders::routes())
        .merge(contracts::routes())
        .merge(follow_up::routes())
        .merge(discounts::routes())
        .merge(loyalty::routes())
        .merge(reminders::routes())
}
