//! The calendar feed: its secret address, and the feed calendar programs read.
use crate::AppState;
use crate::error::{Error, PageResult};
use crate::extract::Page;
use crate::flash::Flash;
use crate::i18n::Tr;
use crate::layout::Shell;
use crate::links::feed_url;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};

#[derive(Template)]
#[template(path = "agenda/feed.html")]
pub(super) struct FeedPage {
    t: Tr,
    shell: Shell,
    since: Option<String>,
}

pub async fn feed(page: Page) -> PageResult {
    let since = page.app().agenda().calendar_feed_since(&page.actor).await?;
    let t = page.t;
    page.render(&FeedPage { since: since.map(|at| t.datetime(&at)), shell: page.shell("agenda"), t })
}

/// The new address is shown once, on the page the redirect lands on.
pub async fn rotate_feed(page: Page, headers: HeaderMap) -> PageResult {
    let secret = page.app().agenda().rotate_calendar_feed(&page.actor).await?;
    let url = feed_url(page.state.public_url.as_deref(), &headers, &secret);
    page.redirect_with("/agenda/feed", Flash::secret("feed-created", url, "feed-url")).await
}

/// The feed itself: no session (calendar programs have none), the secret
/// in the address is the key.
pub async fn calendar_file(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let secret = file.strip_suffix(".ics").unwrap_or(&file);
    match state.app.agenda().calendar_feed(secret).await {
        Ok(Some(text)) => ([(header::CONTENT_TYPE, render::ical::CONTENT_TYPE)], text).into_response(),
        Ok(None) => Error::not_found().into_response(),
        Err(error) => Error::from(error).into_response(),
    }
}
