//! The typeahead: customers found as the user types (`/` focuses it), as
//! an htmx partial, also as a picker for relationship and merge forms.
use crate::error::PageResult;
use crate::extract::{Page, Query};
use crate::i18n::Tr;
use app::parties::PartyListItem;
use askama::Template;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "customers/search.html")]
struct SearchResults {
    t: Tr,
    rows: Vec<PartyListItem>,
    query: String,
    /// In a picker, the id of the hidden input a chosen party's id goes to.
    pick: Option<String>,
}

#[derive(Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
    pick: Option<String>,
}

/// The typeahead's results, as an htmx partial (or a page without htmx).
pub async fn search(page: Page, Query(query): Query<SearchQuery>) -> PageResult {
    let rows = page.app().parties().search_parties(&page.actor, &query.q, 10).await?;
    // The target is an element id of our own pages; anything else is ignored.
    let pick =
        query.pick.filter(|p| p.len() <= 40 && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
    page.render(&SearchResults { t: page.t, rows, query: query.q, pick })
}
