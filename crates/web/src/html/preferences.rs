//! The language switch, for signed-in users and visitors alike.
use super::components::local_path;
use crate::AppState;
use crate::auth::{LOCALE_COOKIE, set_cookie};
use crate::error::PageResult;
use crate::extract::{Form, Visitor, see_other};
use axum::Router;
use axum::extract::State;
use axum::routing;
use domain::Locale;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new().route("/preferences/locale", routing::post(set_locale))
}

#[derive(Deserialize)]
pub struct LocaleForm {
    #[serde(default)]
    locale: String,
    back: Option<String>,
}

pub async fn set_locale(
    State(state): State<AppState>,
    visitor: Visitor,
    Form(form): Form<LocaleForm>,
) -> PageResult {
    let locale = Locale::parse(&form.locale).unwrap_or_default();
    // Viewing the app as someone else changes nobody's stored choice.
    if let Some(actor) = &visitor.actor
        && actor.viewing_as.is_none()
    {
        state.app.users().set_own_locale(actor, locale).await?;
    }
    let mut response = see_other(&local_path(form.back.as_deref()));
    set_cookie(&mut response, LOCALE_COOKIE, locale.tag(), state.secure_cookies, Some(365 * 24 * 3600));
    Ok(response)
}
