//! Bulk actions from the customer list: on the rows checked, or on every
//! customer the list's filters select. Back to the list as it was filtered,
//! with a counted notice; a refusal shows the list again saying why.
use super::list::{list_of, refused};
use crate::error::PageResult;
use crate::extract::{Form, Page, see_other};
use crate::flash::Flash;
use crate::html::components::{Pairs, value, values};
use app::AppError;
use app::parties::{PartyQuery, PartySelection};
use domain::bulk::Chosen;
use domain::party::PartyBulkChange;
use domain::{PartyId, ValidationErrors};

fn selection(form: &Pairs, query: &PartyQuery) -> Result<PartySelection, ValidationErrors> {
    if value(form, "matching") == "1" {
        // The whole filtered list, wherever the page stood in it.
        return Ok(PartySelection::Matching(Box::new(PartyQuery {
            cursor: None,
            before: None,
            ..query.clone()
        })));
    }
    values(form, "item")
        .map(|item| {
            Chosen::<PartyId>::parse(item)
                .ok_or_else(|| ValidationErrors::single("item", "error-customers-bulk-none"))
        })
        .collect::<Result<Vec<_>, _>>()
        .map(PartySelection::Chosen)
}

/// The export of a selection is a download of the list's CSV: the
/// filtered list, or the rows checked by their ids.
fn export_link(selection: &PartySelection) -> String {
    let query = match selection {
        PartySelection::Matching(query) => (**query).clone(),
        PartySelection::Chosen(chosen) => {
            let ids: Vec<String> = chosen.iter().map(|c| c.id.to_string()).collect();
            let tree = serde_json::json!({ "field": "id", "in": ids });
            PartyQuery { filter: Some(tree.to_string()), ..Default::default() }
        }
    };
    format!("/customers/export.csv?{}", super::list::query_string(&query, &[]))
}

/// Where a bulk action leads: back to the list having changed some, or
/// to the download of the selection.
enum Answer {
    Changed(PartyBulkChange, usize),
    Download(String),
}

async fn apply(page: &Page, form: &Pairs, query: &PartyQuery) -> Result<Answer, AppError> {
    let chosen = selection(form, query)?;
    let action = value(form, "action");
    if action == "export" {
        if matches!(&chosen, PartySelection::Chosen(rows) if rows.is_empty()) {
            return Err(ValidationErrors::single("item", "error-customers-bulk-none").into());
        }
        return Ok(Answer::Download(export_link(&chosen)));
    }
    let what = PartyBulkChange::parse(action, value(form, "seller_id"), value(form, "tag"))?;
    let count = page.app().parties().change_in_bulk(&page.actor, &chosen, &what).await?;
    Ok(Answer::Changed(what, count))
}

pub async fn bulk(page: Page, Form(form): Form<Pairs>) -> PageResult {
    let (back, query) = list_of(&form);
    match apply(&page, &form, &query).await {
        Ok(Answer::Changed(what, count)) => {
            page.redirect_with(&back, Flash::counted(what.notice(), count as i64)).await
        }
        Ok(Answer::Download(link)) => Ok(see_other(&link)),
        Err(error) => refused(&page, query, error).await,
    }
}
