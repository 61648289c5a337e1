//! The customer list: filters, sortable columns, keyset pages and the
//! CSV export of what the filters select.
use super::views::{ColumnHead, column_heads, customer_chooser};
use crate::error::PageResult;
use crate::extract::{Page, Query, TryQuery, parse_urlencoded};
use crate::html::components::{ColumnChoice, FormOutcome, Pairs, ViewChip, value, view_chips, view_named};
use crate::i18n::Tr;
use crate::labels::{Labels, seller_label};
use crate::layout::Shell;
use app::AppError;
use app::list_views::SavedView;
use app::parties::{PartyListItem, PartyQuery, Seller};
use app::registry_settings::StatusView;
use askama::Template;
use axum::extract::RawQuery;
use domain::ValidationErrors;
use domain::access::Permission;
use domain::list_view::CustomerColumn;

#[derive(Clone)]
/// A sortable column's header link and its current direction (`aria-sort`).
pub struct SortLink {
    pub column: &'static str,
    pub link: String,
    pub indicator: &'static str,
}

pub struct BulkOffer {
    pub edit: bool,
    pub archive: bool,
    pub export: bool,
    /// More than one page: "every one the filters select" means more
    /// than the rows shown.
    pub matching: bool,
}

impl BulkOffer {
    pub fn any(&self) -> bool {
        self.edit || self.archive || self.export
    }
}

pub struct ListRow {
    pub item: PartyListItem,
    pub status: String,
    /// The name in runs, the runs a search matched marked.
    pub name: Vec<(String, bool)>,
    /// What a search matched when it was not the name.
    pub matched: Option<String>,
}

#[derive(Template)]
#[template(path = "customers/list.html")]
struct ListPage {
    t: Tr,
    shell: Shell,
    rows: Vec<ListRow>,
    query: PartyQuery,
    /// Known at once when the rows are all there are; otherwise it comes
    /// from `count_link` after the rows, so counting never delays them.
    total: Option<String>,
    count_link: String,
    next_link: Option<String>,
    prev_link: Option<String>,
    /// None when the user may not export.
    export_link: Option<String>,
    can_create: bool,
    /// The bulk actions the user's role offers; each is checked again
    /// against every customer's portfolio.
    bulk: BulkOffer,
    /// This list's address, where a bulk action returns.
    back: String,
    /// The name's header, always first.
    name_sort: SortLink,
    /// The columns shown after the name, in the user's (or the view's) order.
    columns: Vec<ColumnHead>,
    /// Every column, the shown ones first, for the column chooser.
    chooser: Vec<ColumnChoice>,
    columns_action: &'static str,
    views: Vec<ViewChip>,
    /// The open view, if the list came from one.
    view: Option<ViewChip>,
    views_base: &'static str,
    views_hint: &'static str,
    /// The columns a view saved from here keeps.
    view_columns: Vec<&'static str>,
    /// The sellers by id, for the seller column.
    seller_names: std::collections::HashMap<uuid::Uuid, String>,
    /// The rows' revenue estimates, when the column is shown.
    estimates: std::collections::HashMap<uuid::Uuid, String>,
    statuses: Vec<(String, String)>,
    ufs: Vec<String>,
    state_label: &'static str,
    sellers: Vec<(String, String)>,
    /// The active sellers, whom a portfolio can be handed to.
    transfer_to: Vec<(String, String)>,
    seller_filter: String,
    errors: Option<String>,
    /// The search these rows answer ("see all results"), if any.
    search: Option<String>,
}

/// The list's address query: its filters and sort, with `overrides`
/// (a page's cursor, another sort, the open view) put in or taken out.
pub(super) fn query_string(query: &PartyQuery, overrides: &[(&str, Option<String>)]) -> String {
    let mut pairs = query.filter_pairs();
    for (name, value) in overrides {
        let value = value.clone().filter(|v| !v.is_empty());
        match (pairs.iter().position(|(n, _)| n == name), value) {
            (Some(at), Some(value)) => pairs[at].1 = value,
            (Some(at), None) => {
                pairs.remove(at);
            }
            (None, Some(value)) => pairs.push((name.to_string(), value)),
            (None, None) => {}
        }
    }
    serde_urlencoded::to_string(&pairs).unwrap_or_default()
}

pub async fn list(page: Page, RawQuery(raw): RawQuery, TryQuery(query): TryQuery<PartyQuery>) -> PageResult {
    // "See all results" of the search box: the best 50 hits, ranked.
    let searched = form_urlencoded::parse(raw.as_deref().unwrap_or_default().as_bytes())
        .find(|(name, _)| name == "q")
        .map(|(_, value)| value.trim().to_string())
        .filter(|q| !q.is_empty());
    if let Some(q) = searched {
        let parties = page.app().parties();
        let (found, sides) =
            tokio::try_join!(parties.search_parties(&page.actor, &q, 50), ListSides::read(&page))?;
        let found = domain::page::Page::only(found);
        let context =
            ListContext { query: PartyQuery::default(), found, errors: None, search: Some(q), view: None };
        return render_list(&page, context, sides).await;
    }
    // A refused filter empties the list and says why; the filters that did
    // read stay in the form.
    let refused = |errors: ValidationErrors| {
        let message = errors
            .0
            .iter()
            .map(|e| match filter_label(&e.field) {
                Some(label) => format!("{}: {}", page.t.get(label), page.t.get(e.message)),
                None => page.t.get(e.message),
            })
            .collect::<Vec<_>>()
            .join(" ");
        let kept: Vec<(String, String)> =
            form_urlencoded::parse(raw.as_deref().unwrap_or_default().as_bytes())
                .filter(|(name, _)| !errors.fields().any(|field| field == name))
                .map(|(name, value)| (name.into_owned(), value.into_owned()))
                .collect();
        let encoded = form_urlencoded::Serializer::new(String::new()).extend_pairs(kept).finish();
        let query = parse_urlencoded(encoded.as_bytes()).unwrap_or_default();
        (query, domain::page::Page::only(Vec::new()), Some(message))
    };
    // The rows and what surrounds them are read side by side.
    let (query, found, errors, sides) = match query {
        Err(errors) => {
            let (query, found, errors) = refused(errors);
            (query, found, errors, ListSides::read(&page).await?)
        }
        Ok(query) => {
            let parties = page.app().parties();
            let (found, sides) =
                tokio::join!(parties.list_parties(&page.actor, &query), ListSides::read(&page));
            match found {
                Ok(found) => (query, found, None, sides?),
                Err(AppError::Validation(errors)) => {
                    let (query, found, errors) = refused(errors);
                    (query, found, errors, sides?)
                }
                Err(error) => return Err(error.into()),
            }
        }
    };
    let view = view_named(raw.as_deref());
    render_list(&page, ListContext { query, found, errors, search: None, view }, sides).await
}

#[derive(Template)]
#[template(path = "customers/count.html")]
struct CountFragment {
    t: Tr,
    total: i64,
    capped: bool,
}

/// The list's count, asked for by the page once its rows are shown.
pub async fn count(page: Page, Query(query): Query<PartyQuery>) -> PageResult {
    let total = page.app().parties().count_parties(&page.actor, &query).await?;
    page.render(&CountFragment { t: page.t, total, capped: total >= app::parties::COUNT_CAP as i64 })
}

/// The label of the filter a refusal names, as the form shows it.
fn filter_label(field: &str) -> Option<&'static str> {
    Some(match field {
        "kind" => "party-kind",
        "lifecycle" => "party-lifecycle",
        "status" => "party-status",
        "city" => "address-city",
        "state" => "address-state",
        "seller_id" => "party-seller",
        "tag" => "party-tag",
        f if f == "filter" || f.starts_with("filter.") => "customers-filters",
        _ => return None,
    })
}

/// What the list page shows: the rows of a query or a search, and why a
/// filter or an action was refused.
pub(super) struct ListContext {
    pub query: PartyQuery,
    pub found: domain::page::Page<PartyListItem>,
    pub errors: Option<String>,
    /// The search these rows answer ("see all results"), if any.
    pub search: Option<String>,
    /// The saved view the list was opened from (`view=<id>`).
    pub view: Option<uuid::Uuid>,
}

/// What the list shows around its rows: the saved views, the person's
/// columns, and the statuses and sellers its filters offer.
pub(super) struct ListSides {
    views: Vec<SavedView>,
    columns: Vec<CustomerColumn>,
    statuses: Vec<StatusView>,
    sellers: Vec<Seller>,
}

impl ListSides {
    /// Read side by side. Filters the user may not fill stay empty rather
    /// than fail the list.
    pub(super) async fn read(page: &Page) -> Result<ListSides, AppError> {
        let (app, actor) = (page.app(), &page.actor);
        let (list_views, registry, parties) = (app.list_views(), app.registry(), app.parties());
        let (views, columns, statuses, sellers) = tokio::join!(
            list_views.views::<CustomerColumn>(actor),
            list_views.columns::<CustomerColumn>(actor),
            registry.customer_statuses(actor),
            parties.sellers(actor),
        );
        Ok(ListSides {
            views: views?,
            columns: columns?,
            statuses: statuses.unwrap_or_default(),
            sellers: sellers.unwrap_or_default(),
        })
    }
}

pub(super) async fn render_list(page: &Page, context: ListContext, sides: ListSides) -> PageResult {
    let ListContext { query, found, errors, search, view } = context;
    let ListSides { views, columns, statuses, sellers } = sides;
    let ufs = super::form::state_options(page.actor.country, query.state.as_deref().unwrap_or_default());
    let t = page.t;
    let actor = &page.actor;
    let open_view = view.and_then(|id| views.iter().find(|v| v.id == id));
    let columns = match open_view {
        Some(open) => open.columns.clone(),
        None => columns,
    };
    // The revenue estimate is read for the rows shown, and only when its
    // column is.
    let estimates: std::collections::HashMap<uuid::Uuid, String> =
        if columns.contains(&CustomerColumn::Revenue) {
            let ids: Vec<domain::PartyId> = found.items.iter().map(|item| domain::PartyId(item.id)).collect();
            page.app()
                .quotes()
                .revenue_estimates(actor, &ids)
                .await?
                .into_iter()
                .map(|(id, estimate)| (id, t.money(estimate.total.0)))
                .collect()
        } else {
            std::collections::HashMap::new()
        };
    // Links within the list keep the view it was opened from.
    let view_param = open_view.map(|v| v.id.to_string());
    let link_with = |name: &'static str, cursor: &String| {
        let overrides = [(name, Some(cursor.clone())), ("view", view_param.clone())];
        format!("/customers?{}", query_string(&query, &overrides))
    };
    let next_link = found.next_cursor.as_ref().map(|cursor| link_with("cursor", cursor));
    let prev_link = found.prev_cursor.as_ref().map(|cursor| link_with("before", cursor));
    let alone = found.next_cursor.is_none() && found.prev_cursor.is_none();
    let shown = found.items.len() as i64;
    let total = match &search {
        Some(_) => Some(t.count("search-results", shown)),
        None => alone.then(|| t.count("customers-count", shown)),
    };
    let current_sort = query.sort.clone().unwrap_or_else(|| "name".into());
    let current_dir = query.dir.clone().unwrap_or_else(|| "asc".into());
    let sort_links = ["name", "city", "state", "newest"]
        .map(|column| {
            let dir = if current_sort == column && current_dir != "desc" { "desc" } else { "asc" };
            let indicator = match (current_sort == column, current_dir == "desc") {
                (true, false) => "ascending",
                (true, true) => "descending",
                _ => "none",
            };
            let overrides = [
                ("sort", Some(column.to_string())),
                ("dir", Some(dir.to_string())),
                ("view", view_param.clone()),
            ];
            SortLink { column, link: format!("/customers?{}", query_string(&query, &overrides)), indicator }
        })
        .to_vec();
    let statuses = Labels::options(&t, statuses);
    let chips = view_chips("/customers", &views, open_view.map(|v| v.id));
    page.render(&ListPage {
        columns: column_heads(&t, page.actor.country, &columns, &sort_links),
        name_sort: sort_links[0].clone(),
        chooser: customer_chooser(&t, page.actor.country, &columns),
        columns_action: "/customers/columns",
        view: chips.iter().find(|chip| chip.current).cloned(),
        views: chips,
        views_base: "/customers",
        views_hint: "list-view-save-hint",
        view_columns: columns.iter().map(|c| c.as_str()).collect(),
        seller_names: sellers.iter().map(|s| (s.id, seller_label(&t, s))).collect(),
        estimates,
        t,
        shell: page.shell("customers"),
        rows: found
            .items
            .into_iter()
            .map(|item| {
                let (name, matched) = match &search {
                    Some(q) => {
                        let hit = super::search::SearchHit::new(&t, q, item.clone());
                        (hit.name, hit.matched)
                    }
                    None => (vec![(item.full_name.clone(), false)], None),
                };
                ListRow {
                    name,
                    matched,
                    status: statuses
                        .iter()
                        .find(|(_, code)| {
                            item.lifecycle == "customer" && Some(code.as_str()) == item.status.as_deref()
                        })
                        .map(|(label, _)| label.clone())
                        .unwrap_or_else(|| Labels::status(&t, &item.lifecycle, item.status.as_deref())),
                    item,
                }
            })
            .collect(),
        export_link: actor
            .can(Permission::PartiesExport)
            .then(|| format!("/customers/export.csv?{}", query_string(&query, &[]))),
        can_create: actor.can(Permission::PartiesCreate) && actor.viewing_as.is_none(),
        bulk: BulkOffer {
            edit: actor.can(Permission::PartiesEdit) && actor.viewing_as.is_none(),
            archive: actor.can(Permission::PartiesDelete) && actor.viewing_as.is_none(),
            export: actor.can(Permission::PartiesExport),
            matching: search.is_none() && !alone,
        },
        back: match query_string(&query, &[("view", view_param.clone())]) {
            q if q.is_empty() => "/customers".to_string(),
            q => format!("/customers?{q}"),
        },
        seller_filter: query.seller_id.map(|s| s.to_string()).unwrap_or_default(),
        count_link: format!("/customers/count?{}", query_string(&query, &[])),
        query,
        total,
        next_link,
        prev_link,
        statuses,
        ufs,
        state_label: super::form::CountryLabels::of(page.actor.country).state,
        transfer_to: sellers
            .iter()
            .filter(|s| s.active)
            .map(|s| (s.id.to_string(), s.name.clone()))
            .collect(),
        sellers: sellers.iter().map(|s| (s.id.to_string(), seller_label(&t, s))).collect(),
        errors,
        search,
    })
}

/// The list as CSV the way Brazilian Excel opens it.
pub async fn export_csv(page: Page, Query(query): Query<PartyQuery>) -> PageResult {
    Ok(crate::csv::parties_download(page.state.app.clone(), page.actor, query)?)
}

/// The list the form came from (never another site) and its query.
pub(super) fn list_of(form: &Pairs) -> (String, PartyQuery) {
    let back = Some(value(form, "back").to_string())
        .filter(|b| b == "/customers" || b.starts_with("/customers?"))
        .unwrap_or_else(|| "/customers".to_string());
    let query = back
        .split_once('?')
        .and_then(|(_, q)| parse_urlencoded::<PartyQuery>(q.as_bytes()).ok())
        .unwrap_or_default();
    (back, query)
}

/// The list again after a refusal, saying why, with the refusal's status.
pub(super) async fn refused(page: &Page, query: PartyQuery, error: AppError) -> PageResult {
    let outcome = FormOutcome::of(Some(error), &page.t)?;
    let message =
        outcome.alert.clone().unwrap_or_else(|| outcome.errors.messages().collect::<Vec<_>>().join(" "));
    let parties = page.app().parties();
    let (found, sides) = tokio::try_join!(parties.list_parties(&page.actor, &query), ListSides::read(page))?;
    let context = ListContext { query, found, errors: Some(message), search: None, view: None };
    let mut response = render_list(page, context, sides).await?;
    *response.status_mut() = outcome.status;
    Ok(response)
}
