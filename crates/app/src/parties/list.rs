//! The customer list: its filters, sorting and keyset pages, the capped
//! count, search as you type, and the export.
use super::{COUNT_CAP, PartyListItem};
use crate::Parties;
use crate::{Actor, AppError};
use db::filter::Calendar;
use db::repo::party as repo;
use db::repo::party::{Keyset, PartyFilter, PartySort, PartySummary};
use domain::ValidationErrors;
use domain::access::Permission;
use domain::audit::{AuditAction, AuditEntity};
use domain::filter::{Filter, Test, Value};
use domain::page::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, Page, page_size};
use domain::party::PartyField;
use domain::search::fold;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// What the customer list asks for.
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema, utoipa::IntoParams)]
#[serde(default)]
pub struct PartyQuery {
    /// `person` or `company`
    #[param(pattern = "^(?:person|company)?$")]
    #[schema(pattern = "^(?:person|company)?$")]
    pub kind: Option<String>,
    /// `prospect` or `customer`
    #[param(pattern = "^(?:prospect|customer)?$")]
    #[schema(pattern = "^(?:prospect|customer)?$")]
    pub lifecycle: Option<String>,
    /// A customer status or a prospect state
    pub status: Option<String>,
    pub city: Option<String>,
    /// UF
    pub state: Option<String>,
    /// A user's id; empty is "every seller", as the list's form sends it.
    #[param(value_type = Option<String>,
        pattern = "^$|^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")]
    pub seller_id: Option<Uuid>,
    pub tag: Option<String>,
    /// `name` (default), `city`, `state` or `newest`
    #[param(pattern = "^(?:name|city|state|newest)?$")]
    #[schema(pattern = "^(?:name|city|state|newest)?$")]
    pub sort: Option<String>,
    /// `asc` (default) or `desc`
    #[param(pattern = "^(?:asc|desc)?$")]
    #[schema(pattern = "^(?:asc|desc)?$")]
    pub dir: Option<String>,
    /// From the previous page's `next_cursor`
    pub cursor: Option<String>,
    /// From the next page's `prev_cursor`: the page before it
    pub before: Option<String>,
    /// 1 to 200, default 50
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    /// A filter tree in JSON, joined to the filters above: `all`, `any`
    /// and `not` over `{"field": …, "equals" | "in" | "range" | "contains"
    /// | "prefix" | "is_empty" | "relative": …}`; fields `id`, `kind`,
    /// `lifecycle`, `customer_status`, `prospect_state`, `name`, `city`,
    /// `state`, `seller`, `branch`, `tag`, `plate`, `birth_date`, `created_at`.
    pub filter: Option<String>,
}

impl PartyQuery {
    /// The list's filters and sort as an address's pairs, without the
    /// page (`cursor`, `before`, `limit`) and without empty values: what a
    /// link within the list, an export or a saved view keeps.
    pub fn filter_pairs(&self) -> Vec<(String, String)> {
        let kept = PartyQuery { cursor: None, before: None, limit: None, ..self.clone() };
        serde_urlencoded::to_string(&kept)
            .ok()
            .and_then(|text| serde_urlencoded::from_str::<Vec<(String, String)>>(&text).ok())
            .unwrap_or_default()
            .into_iter()
            .filter(|(_, value)| !value.trim().is_empty())
            .collect()
    }

    /// Refuses a query whose filters or sort do not parse.
    pub fn check(&self) -> Result<(), ValidationErrors> {
        self.filter_tree()?;
        self.sort()?;
        page_size(self.limit, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)?;
        Ok(())
    }

    /// The list's filters as one tree: each filter of the form (checked
    /// under its own name), and the JSON tree if one came.
    fn filter_tree(&self) -> Result<Filter<PartyField>, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let non_empty =
            |v: &Option<String>| v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
        let mut tree = Filter::all(Vec::new());
        let mut equals = |field: PartyField, value: String| {
            tree = std::mem::replace(&mut tree, Filter::all(Vec::new()))
                .and(Filter::is(field, Test::Equals(Value::Text(value))));
        };
        // A choice of the form's lists comes as the list writes it.
        let chosen = |v: &Option<String>| v.as_deref().filter(|s| !s.is_empty()).map(str::to_string);
        if let Some(k) = chosen(&self.kind) {
            if !domain::party::PartyKind::NAMES.contains(&k.as_str()) {
                errors.add("kind", "error-kind-invalid");
            }
            equals(PartyField::Kind, k);
        }
        let lifecycle = chosen(&self.lifecycle);
        if let Some(l) = &lifecycle {
            if !domain::party::Lifecycle::NAMES.contains(&l.as_str()) {
                errors.add("lifecycle", "error-lifecycle-invalid");
            }
            equals(PartyField::Lifecycle, l.clone());
        }
        match (lifecycle.as_deref(), non_empty(&self.status)) {
            (Some("prospect"), Some(s)) => equals(PartyField::ProspectState, s),
            (_, Some(s)) if domain::party::ProspectState::parse(&s).is_ok() => {
                equals(PartyField::ProspectState, s)
            }
            (_, Some(s)) => equals(PartyField::CustomerStatus, s),
            (_, None) => {}
        }
        for (field, value) in
            [(PartyField::City, &self.city), (PartyField::State, &self.state), (PartyField::Tag, &self.tag)]
        {
            if let Some(value) = non_empty(value) {
                equals(field, value);
            }
        }
        if let Some(seller) = self.seller_id {
            equals(PartyField::Seller, seller.to_string());
        }
        if let Some(json) = non_empty(&self.filter) {
            match serde_json::from_str::<Filter<PartyField>>(&json) {
                Ok(given) => match given.check() {
                    Ok(()) => tree = tree.and(given),
                    Err((field, message)) => errors.add(field, message),
                },
                Err(_) => errors.add("filter", "error-filter-invalid"),
            }
        }
        errors.into_result()?;
        Ok(tree)
    }

    fn sort(&self) -> Result<(PartySort, bool), ValidationErrors> {
        let sort = match self.sort.as_deref().unwrap_or("name") {
            "" | "name" => PartySort::Name,
            "city" => PartySort::City,
            "state" => PartySort::State,
            "newest" => PartySort::Newest,
            _ => return Err(ValidationErrors::single("sort", "error-sort-invalid")),
        };
        let descending = match self.dir.as_deref().unwrap_or("asc") {
            "" | "asc" => sort == PartySort::Newest,
            "desc" => sort != PartySort::Newest,
            _ => return Err(ValidationErrors::single("dir", "error-sort-invalid")),
        };
        Ok((sort, descending))
    }
}

/// A page's edge as an opaque cursor: `<id>~<name>` sorting by name,
/// `<id>~<length of value>~<value><name>` by city or UF (the value is
/// free text, so its length says where the name starts), `<id>~` newest.
fn encode_cursor(sort: PartySort, row: &PartySummary) -> String {
    let id = row.id.simple();
    match sort {
        PartySort::Name => format!("{id}~{}", row.sort_name),
        PartySort::City | PartySort::State => {
            let value = if sort == PartySort::City { fold(&row.city) } else { row.state.clone() };
            format!("{id}~{}~{value}{}", value.len(), row.sort_name)
        }
        PartySort::Newest => format!("{id}~"),
    }
}

fn decode_cursor(sort: PartySort, cursor: &str) -> Result<Keyset, ValidationErrors> {
    let invalid = || ValidationErrors::single("cursor", "error-cursor-invalid");
    let (id, rest) = cursor.split_once('~').ok_or_else(invalid)?;
    let id = Uuid::parse_str(id).map_err(|_| invalid())?;
    Ok(match sort {
        PartySort::City | PartySort::State => {
            let (length, rest) = rest.split_once('~').ok_or_else(invalid)?;
            let length: usize = length.parse().map_err(|_| invalid())?;
            let value = rest.get(..length).ok_or_else(invalid)?;
            let name = rest.get(length..).ok_or_else(invalid)?;
            Keyset { value: value.to_string(), name: Some(name.to_string()), id }
        }
        _ => Keyset { value: rest.to_string(), name: None, id },
    })
}

impl Parties<'_> {
    /// Today in the organisation's zone, where the list's dates are read.
    fn calendar(&self, actor: &Actor) -> Calendar {
        Calendar::at(self.now(), actor.time_zone)
    }

    /// What the list's query selects, read in the actor's calendar.
    pub(super) fn filter_for(
        &self,
        actor: &Actor,
        query: &PartyQuery,
    ) -> Result<PartyFilter, ValidationErrors> {
        Ok(PartyFilter { tree: query.filter_tree()?, calendar: self.calendar(actor) })
    }

    #[tracing::instrument(skip_all)]
    pub async fn list_parties(
        &self,
        actor: &Actor,
        query: &PartyQuery,
    ) -> Result<Page<PartyListItem>, AppError> {
        let filter = self.filter_for(actor, query)?;
        let (sort, descending) = query.sort()?;
        let given =
            |c: &Option<String>| c.as_deref().filter(|c| !c.is_empty()).map(|c| decode_cursor(sort, c));
        // A page before a cursor is read backwards from it, then turned.
        let (from, backwards) = match (given(&query.cursor), given(&query.before)) {
            (Some(after), _) => (Some(after?), false),
            (None, Some(before)) => (Some(before?), true),
            (None, None) => (None, false),
        };
        let limit = page_size(query.limit, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)?;
        actor.require(Permission::PartiesRead)?;
        let scope = actor.read_scope();
        let mut rows =
            repo::list(&self.db, &scope, &filter, sort, descending != backwards, from.as_ref(), limit + 1)
                .await?;
        let more = rows.len() > limit as usize;
        rows.truncate(limit as usize);
        if backwards {
            rows.reverse();
        }
        let cursor_at = |row: Option<&PartySummary>| row.map(|row| encode_cursor(sort, row));
        let (more_before, more_after) = if backwards { (more, true) } else { (from.is_some(), more) };
        let prev_cursor = if more_before { cursor_at(rows.first()) } else { None };
        let next_cursor = if more_after { cursor_at(rows.last()) } else { None };
        Ok(Page { items: rows.into_iter().map(PartyListItem::from).collect(), next_cursor, prev_cursor })
    }

    /// How many parties the filter selects, counted up to [`COUNT_CAP`].
    pub async fn count_parties(&self, actor: &Actor, query: &PartyQuery) -> Result<i64, AppError> {
        actor.require(Permission::PartiesRead)?;
        let filter = self.filter_for(actor, query)?;
        Ok(repo::count(&self.db, &actor.read_scope(), &filter, COUNT_CAP).await?)
    }

    /// Search as you type: name, trade name, CPF/CNPJ/NIF with or without
    /// punctuation, phone in any format, e-mail; accent- and case-blind.
    #[tracing::instrument(skip_all)]
    pub async fn search_parties(
        &self,
        actor: &Actor,
        query: &str,
        limit: u32,
    ) -> Result<Vec<PartyListItem>, AppError> {
        let terms = domain::search::terms(query);
        // The first letter a person types already narrows a small
        // portfolio; the index answers it within the reader's scope.
        if terms.is_empty() {
            return Ok(Vec::new());
        }
        actor.require(Permission::PartiesRead)?;
        // A plate finds the vehicle's owners first (seed 000: the workshop
        // looks customers up by the car in front of it).
        let owners = match domain::vehicle::Plate::parse(query) {
            Ok(plate) => {
                let tree = Filter::is(PartyField::Plate, Test::Equals(Value::text(plate.as_str())));
                let filter = PartyFilter { tree, calendar: self.calendar(actor) };
                repo::list(&self.db, &actor.read_scope(), &filter, PartySort::Name, false, None, 10).await?
            }
            Err(_) => Vec::new(),
        };
        // Candidates come in index order, not by quality: more of them only
        // reads more rows at random (a search's slowest part at a million).
        let scope = actor.read_scope();
        let wanted = limit.clamp(1, 50) as usize;
        let candidates = repo::search(&self.db, &scope, &terms, 100, wanted as u32).await?;
        let mut ranked: Vec<(i64, repo::SearchCandidate)> = candidates
            .into_iter()
            .map(|row| {
                let phone = row.first_phone.clone().unwrap_or_default();
                let document = row.document.as_ref().map(|d| d.to_lowercase());
                (domain::search::rank(&row.sort_name, document.as_deref(), &[phone.as_str()], &terms), row)
            })
            .collect();
        // Among equals, shorter names are the closer match.
        ranked.sort_by(|a, b| {
            b.0.cmp(&a.0)
                .then_with(|| a.1.sort_name.len().cmp(&b.1.sort_name.len()))
                .then_with(|| a.1.sort_name.cmp(&b.1.sort_name))
        });
        let ranked = domain::search::interleave(ranked, |row| row.kind.as_str());
        let mut seen: std::collections::HashSet<Uuid> = owners.iter().map(|row| row.id).collect();
        let kept: Vec<Uuid> = ranked
            .into_iter()
            .map(|row| row.id)
            .filter(|id| seen.insert(*id))
            .take(wanted.saturating_sub(owners.len()))
            .collect();
        // Only the rows shown are read whole.
        let shown = repo::summaries(&self.db, &scope, &kept).await?;
        Ok(owners.into_iter().chain(shown).take(wanted).map(Into::into).collect())
    }

    /// Whether the actor may export: asked before a download starts, so a
    /// refusal is a status code and not a cut-off file.
    pub fn may_export(&self, actor: &Actor) -> Result<(), AppError> {
        actor.require(Permission::PartiesExport)
    }

    /// Everything the list filter selects, a page at a time, handed to
    /// `sink` (which returns false when the reader has gone): an export of
    /// a million rows never sits in memory. The export and the number of
    /// rows actually handed over go into the audit trail.
    #[tracing::instrument(skip_all)]
    pub async fn export_parties<F, Fut>(
        &self,
        actor: &Actor,
        query: &PartyQuery,
        mut sink: F,
    ) -> Result<u64, AppError>
    where
        F: FnMut(Vec<PartyListItem>) -> Fut,
        Fut: std::future::Future<Output = bool>,
    {
        self.may_export(actor)?;
        const PAGE: u32 = 1000;
        let filter = self.filter_for(actor, query)?;
        let mut exported = 0u64;
        let mut after: Option<Keyset> = None;
        loop {
            let rows = repo::list(
                &self.db,
                &actor.read_scope(),
                &filter,
                PartySort::Name,
                false,
                after.as_ref(),
                PAGE,
            )
            .await?;
            let last_page = rows.len() < PAGE as usize;
            after = rows.last().map(|row| Keyset { value: row.sort_name.clone(), name: None, id: row.id });
            let count = rows.len() as u64;
            if !sink(rows.into_iter().map(PartyListItem::from).collect()).await {
                break;
            }
            exported += count;
            if last_page {
                break;
            }
        }
        let mut change = self.change(actor).await?;
        let details = serde_json::json!({ "rows": exported, "filter": format!("{query:?}") });
        change.audit(AuditAction::Export, AuditEntity::Party, None, None, Some(details)).await?;
        change.commit().await?;
        Ok(exported)
    }
}
