//! The language switch, for signed-in users and visitors alike, and the
//! light/dark switch, kept with the user's account.
use super::components::local_path;
use crate::AppState;
use crate::auth::{LOCALE_COOKIE, set_cookie};
use crate::error::PageResult;
use crate::extract::{Form, Page, Visitor, see_other};
use axum::Router;
use axum::extract::State;
use axum::routing;
use domain::user::Theme;
use domain::{Locale, ValidationErrors};
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/preferences/locale", routing::post(set_locale))
        .route("/preferences/theme", routing::post(set_theme))
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

#[derive(Deserialize)]
pub struct ThemeForm {
    #[serde(default)]
    theme: String,
    back: Option<String>,
}

pub async fn set_theme(page: Page, Form(form): Form<ThemeForm>) -> PageResult {
    let theme = Theme::parse(&form.theme).map_err(|key| ValidationErrors::single("theme", key))?;
    // Viewing the app as someone else changes nobody's stored choice.
    if page.actor.viewing_as.is_none() {
        page.app().users().set_own_theme(&page.actor, theme).await?;
    }
    Ok(see_other(&local_path(form.back.as_deref())))
}
