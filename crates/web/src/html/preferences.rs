//! The language switch, for signed-in users and visitors alike.
use super::local_path;
use crate::AppState;
use crate::auth::{CurrentUser, LOCALE_COOKIE, set_cookie};
use axum::extract::{Form, State};
use axum::response::{IntoResponse, Redirect, Response};
use domain::Locale;
use serde::Deserialize;

#[derive(Deserialize)]
pub struct LocaleForm {
    locale: String,
    back: Option<String>,
}

pub async fn set_locale(
    State(state): State<AppState>,
    current: Result<CurrentUser, Response>,
    Form(form): Form<LocaleForm>,
) -> Response {
    let locale = Locale::parse(&form.locale).unwrap_or_default();
    // Viewing the app as someone else changes nobody's stored choice.
    if let Ok(user) = current
        && user.actor.viewing_as.is_none()
        && let Err(error) = state.app.set_own_locale(&user.actor, locale).await
    {
        return super::app_error_page(error, user.actor.locale);
    }
    let mut response = Redirect::to(&local_path(form.back.as_deref())).into_response();
    set_cookie(&mut response, LOCALE_COOKIE, locale.tag(), state.secure_cookies, Some(365 * 24 * 3600));
    response
}
