//! How each person sees the customer list: the column chooser (which
//! columns, in which order) and saved views (a name for the filters, sort
//! and columns, one's own or shared).
use super::list::{SortLink, list_of, query_string, refused};
use crate::error::PageResult;
use crate::extract::{Form, Id, Page};
use crate::flash::Flash;
use crate::html::components::{ColumnChoice, Pairs, column_chooser, value, values, view_chips};
use crate::i18n::Tr;
use app::list_views::NewView;
use domain::list_view::{CustomerColumn, move_up, parse_columns};
use domain::phone::Country;

/// A column's header: its label and, where the list sorts by it, the link.
pub struct ColumnHead {
    pub code: &'static str,
    pub label: String,
    pub sort: Option<SortLink>,
}

/// A column's name; the state's follows the organisation's country (UF or district).
fn label(t: &Tr, country: Country, column: CustomerColumn) -> String {
    if column == CustomerColumn::State {
        return t.get(super::form::CountryLabels::of(country).state);
    }
    t.get(match column {
        CustomerColumn::Document => "party-document",
        CustomerColumn::Status => "party-status",
        CustomerColumn::Phone => "party-phone",
        CustomerColumn::Email => "party-email",
        CustomerColumn::City => "address-city",
        CustomerColumn::State => "address-state",
        CustomerColumn::Seller => "party-seller",
        CustomerColumn::Created => "party-created",
        CustomerColumn::Consent => "party-consent",
        CustomerColumn::Revenue => "estimate-total",
    })
}

/// The sort a column's header offers, if the list sorts by it.
fn sort_of(column: CustomerColumn) -> Option<&'static str> {
    match column {
        CustomerColumn::City => Some("city"),
        CustomerColumn::State => Some("state"),
        CustomerColumn::Created => Some("newest"),
        _ => None,
    }
}

pub fn column_heads(
    t: &Tr,
    country: Country,
    columns: &[CustomerColumn],
    sorts: &[SortLink],
) -> Vec<ColumnHead> {
    columns
        .iter()
        .map(|column| ColumnHead {
            code: column.as_str(),
            label: label(t, country, *column),
            sort: sort_of(*column).and_then(|code| sorts.iter().find(|s| s.column == code).cloned()),
        })
        .collect()
}

/// The customer list's chooser, the state's column named for the country.
pub fn customer_chooser(t: &Tr, country: Country, shown: &[CustomerColumn]) -> Vec<ColumnChoice> {
    column_chooser(shown, |column| label(t, country, column))
}

/// The column chooser: the boxes ticked, in the order shown; `up` moves
/// one column a place towards the start.
pub async fn save_columns(page: Page, Form(form): Form<Pairs>) -> PageResult {
    let (_, query) = list_of(&form);
    let attempt = async {
        let mut columns = parse_columns(values(&form, "columns"))?;
        if let Ok(column) = CustomerColumn::parse(value(&form, "up")) {
            move_up(&mut columns, column);
        }
        page.app().list_views().set_columns(&page.actor, &columns).await
    };
    match attempt.await {
        // The list with its filters and the new columns: not the view it
        // was opened from, whose own columns would hide the choice.
        Ok(()) => {
            let back = format!("/customers?{}", query_string(&query, &[]));
            page.redirect_with(&back, Flash::notice("list-columns-saved")).await
        }
        Err(error) => refused(&page, query, error).await,
    }
}

/// Saves the list as it stands (filters, sort, columns) under a name and
/// opens it.
pub async fn save_view(page: Page, Form(form): Form<Pairs>) -> PageResult {
    let (_, query) = list_of(&form);
    let attempt = async {
        let input = NewView {
            name: value(&form, "name").to_string(),
            query: query.clone(),
            columns: parse_columns(values(&form, "columns"))?,
            shared: value(&form, "shared") == "1",
        };
        page.app().list_views().save_customer_view(&page.actor, &input).await
    };
    match attempt.await {
        Ok(saved) => {
            let chip = &view_chips("/customers", std::slice::from_ref(&saved), None)[0];
            page.redirect_with(&chip.href, Flash::notice("list-view-saved")).await
        }
        Err(error) => refused(&page, query, error).await,
    }
}

pub async fn delete_view(page: Page, Id(id): Id<uuid::Uuid>) -> PageResult {
    page.app().list_views().delete_view(&page.actor, id).await?;
    page.redirect_with("/customers", Flash::notice("list-view-deleted")).await
}
