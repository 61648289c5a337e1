//! The typeahead: customers found as the user types (`/` focuses it), as
//! an htmx partial, also as a picker for relationship and merge forms.
use crate::error::PageResult;
use crate::extract::{Page, Query};
use crate::i18n::Tr;
use app::contracts::ContractQuery;
use app::parties::PartyListItem;
use askama::Template;
use serde::Deserialize;

/// A party found by a search, with the matched part of its name marked and,
/// when the name did not match, what did.
pub struct SearchHit {
    pub item: PartyListItem,
    pub name: Vec<(String, bool)>,
    pub matched: Option<String>,
}

impl SearchHit {
    pub fn new(t: &Tr, query: &str, item: PartyListItem) -> SearchHit {
        let terms = domain::search::terms(query);
        let name = domain::search::marks(&item.full_name, &terms);
        let digits = |text: &str| text.chars().filter(char::is_ascii_digit).collect::<String>();
        let typed = digits(query);
        let matched = if name.iter().any(|(_, marked)| *marked) {
            None
        } else if let Ok(plate) = domain::vehicle::Plate::parse(query) {
            Some(t.with("search-matched-plate", "plate", plate.to_string()))
        } else if let Some(document) =
            item.document.as_ref().filter(|d| typed.len() >= 3 && digits(d).contains(&typed))
        {
            Some(format!("{}: {document}", t.get("party-document")))
        } else if let Some(phone) =
            item.phone.as_ref().filter(|p| typed.len() >= 3 && digits(p).contains(&typed))
        {
            Some(format!("{}: {phone}", t.get("party-phone")))
        } else {
            let folded = domain::search::fold(query.trim());
            item.email
                .as_ref()
                .filter(|e| !folded.is_empty() && e.to_lowercase().contains(&folded))
                .map(|email| format!("{}: {email}", t.get("party-email")))
        };
        SearchHit { item, name, matched }
    }
}

/// The most contracts the typeahead offers.
const CONTRACT_HITS: usize = 5;

#[derive(Template)]
#[template(path = "customers/search.html")]
struct SearchResults {
    t: Tr,
    rows: Vec<SearchHit>,
    /// Where "see all results" leads.
    all_link: String,
    query: String,
    /// In a picker, the id of the hidden input a chosen party's id goes to.
    pick: Option<String>,
    /// Contracts whose number or customer holds the text: id, number, customer.
    contracts: Vec<(uuid::Uuid, String, String)>,
}

#[derive(Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
    pick: Option<String>,
}

/// The typeahead's results, as an htmx partial (or a page without htmx).
pub async fn search(page: Page, Query(query): Query<SearchQuery>) -> PageResult {
    let t = page.t;
    // The target is an element id of our own pages; anything else is ignored.
    let pick =
        query.pick.filter(|p| p.len() <= 40 && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
    let all_link =
        format!("/customers?{}", serde_urlencoded::to_string([("q", query.q.trim())]).unwrap_or_default());
    // A contract is found again from the same box, by its number or its
    // customer, looked for at the same time as the parties.
    let contracts = async {
        if pick.is_none() && query.q.trim().chars().count() >= 2 {
            let wanted = ContractQuery { text: query.q.clone(), within_days: None };
            page.app().contracts().find(&page.actor, &wanted).await
        } else {
            Ok(Vec::new())
        }
    };
    let parties = page.app().parties();
    let (found, contracts) = tokio::try_join!(parties.search_parties(&page.actor, &query.q, 10), contracts)?;
    let rows = found.into_iter().map(|item| SearchHit::new(&t, &query.q, item)).collect();
    let contracts =
        contracts.into_iter().take(CONTRACT_HITS).map(|c| (c.id, c.number, c.party_name)).collect();
    page.render(&SearchResults { t, rows, all_link, query: query.q, pick, contracts })
}
