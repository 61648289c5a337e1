//! Call lists on the screen: made from the rows checked in the engine's
//! grid, listed with their progress, and worked customer after customer —
//! each one's detail (F9) with the occurrence form, then the next.
use crate::error::PageResult;
use crate::extract::{Form, Id, Page};
use crate::flash::Flash;
use crate::html::components::{Pairs, local_path, value, values};
use crate::i18n::Tr;
use crate::layout::Shell;
use app::AppError;
use app::engine::{CallEntry, CallListView};
use askama::Template;
use domain::PartyId;
use uuid::Uuid;

/// A list as the index shows it.
pub struct ListLine {
    pub id: Uuid,
    pub name: String,
    pub agent: String,
    pub when: String,
    pub progress: String,
    pub done: bool,
}

/// A customer of the list being worked.
pub struct EntryLine {
    pub name: String,
    pub link: String,
    pub called: String,
}

#[derive(Template)]
#[template(path = "engine/call_lists.html")]
struct ListsPage {
    t: Tr,
    shell: Shell,
    lists: Vec<ListLine>,
}

#[derive(Template)]
#[template(path = "engine/call_list.html")]
struct ListPage {
    t: Tr,
    shell: Shell,
    name: String,
    agent: String,
    progress: String,
    entries: Vec<EntryLine>,
    next: Option<String>,
}

/// Where the detail of a list's customer is, keeping the list.
pub fn detail_link(list: Uuid, party: Uuid) -> String {
    format!("/engine/customers/{party}?call_list={list}&back=/engine/call-lists/{list}")
}

/// The first customer not yet called after `after` (from the start when
/// none), wrapping round to those skipped before it.
pub fn next_pending(entries: &[CallEntry], after: Option<Uuid>) -> Option<Uuid> {
    let start =
        after.and_then(|party| entries.iter().position(|e| e.party_id == party)).map_or(0, |at| at + 1);
    entries[start..]
        .iter()
        .chain(entries[..start].iter())
        .find(|e| e.called_at.is_none() && Some(e.party_id) != after)
        .map(|e| e.party_id)
}

fn progress(t: &Tr, list: &CallListView) -> String {
    t.counts("engine-call-list-progress", &[("called", list.called), ("total", list.total)])
}

/// Makes a list of the rows checked in the grid and opens it.
pub async fn create(page: Page, Form(form): Form<Pairs>) -> PageResult {
    let parties: Vec<PartyId> = values(&form, "item")
        .filter_map(|item| item.split(':').next().and_then(|id| id.parse().ok()))
        .map(PartyId)
        .collect();
    let agent = match value(&form, "agent") {
        "" => None,
        text => text.parse().ok(),
    };
    let made = page.app().engine().create_call_list(&page.actor, value(&form, "name"), agent, &parties).await;
    match made {
        Ok(list) => {
            page.redirect_with(
                &format!("/engine/call-lists/{}", list.id),
                Flash::notice("engine-call-list-made"),
            )
            .await
        }
        Err(AppError::Validation(errors)) => {
            let back = local_path(Some(value(&form, "back")));
            let back = if back.starts_with("/engine") { back } else { "/engine".into() };
            let details = errors.0.iter().map(|e| page.t.get(e.message)).collect();
            page.redirect_with(
                &back,
                Flash::warning("engine-call-list-refused", details, "call-list-refused"),
            )
            .await
        }
        Err(other) => Err(other.into()),
    }
}

pub async fn index(page: Page) -> PageResult {
    let t = page.t;
    let lists = page
        .app()
        .engine()
        .call_lists(&page.actor)
        .await?
        .iter()
        .map(|list| ListLine {
            id: list.id,
            name: list.name.clone(),
            agent: list.agent_name.clone(),
            when: t.datetime(&list.created_at),
            progress: progress(&t, list),
            done: list.called >= list.total,
        })
        .collect();
    page.render(&ListsPage { shell: page.shell("engine"), lists, t })
}

pub async fn show(page: Page, Id(id): Id<Uuid>) -> PageResult {
    let t = page.t;
    let (list, entries) = page.app().engine().call_list(&page.actor, id).await?;
    let next = next_pending(&entries, None).map(|party| detail_link(id, party));
    let lines = entries
        .iter()
        .map(|e| EntryLine {
            name: e.name.clone(),
            link: detail_link(id, e.party_id),
            called: e.called_at.map(|at| t.datetime(&at)).unwrap_or_default(),
        })
        .collect();
    page.render(&ListPage {
        shell: page.shell("engine"),
        name: list.name.clone(),
        agent: list.agent_name.clone(),
        progress: progress(&t, &list),
        entries: lines,
        next,
        t,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_customer_is_the_first_not_called_after_this_one() {
        let entry = |n: u128, called: bool| CallEntry {
            party_id: Uuid::from_u128(n),
            name: String::new(),
            called_at: called.then(chrono::Utc::now),
        };
        let entries = [entry(1, true), entry(2, false), entry(3, true), entry(4, false)];
        assert_eq!(next_pending(&entries, None), Some(Uuid::from_u128(2)));
        assert_eq!(next_pending(&entries, Some(Uuid::from_u128(2))), Some(Uuid::from_u128(4)));
        assert_eq!(next_pending(&entries, Some(Uuid::from_u128(4))), Some(Uuid::from_u128(2)), "round");
        assert_eq!(next_pending(&[entry(1, true), entry(2, false)], Some(Uuid::from_u128(2))), None);
    }
}
