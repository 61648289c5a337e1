//! The customer list: its rows, keyset pages, capped counts and search,
//! and how the list's filter fields read in SQL.
use super::{Scope, col, consent_of, document_of};
use crate::direct::{Cost, direct_row};
use crate::filter::{self, Calendar, ColumnKind, FieldSql};
use crate::{Db, DbError};
use chrono::{DateTime, Utc};
use domain::OrgId;
use domain::access::Reach;
use domain::document::Document;
use domain::filter::{Filter, Test};
use domain::party::{ConsentState, PartyField, sort_name};
use domain::search::fold;
use sea_query::{Alias, Condition, Expr, Order, Query, SelectStatement, SimpleExpr};
use sea_query::{ExprTrait, Iden};
use uuid::Uuid;

/// A row of the customer list and of search results.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PartySummary {
    pub id: Uuid,
    pub kind: String,
    pub lifecycle: String,
    pub prospect_state: Option<String>,
    pub customer_status: Option<String>,
    pub full_name: String,
    pub trade_name: Option<String>,
    pub sort_name: String,
    pub document_kind: Option<String>,
    pub document: Option<String>,
    pub city: String,
    pub state: String,
    pub seller_id: Option<Uuid>,
    pub branch_id: Option<Uuid>,
    pub consent_sms_whatsapp: bool,
    pub consent_email: bool,
    pub consent_phone: bool,
    pub consent_letter: bool,
    pub created_at: DateTime<Utc>,
    pub version: i64,
    pub first_phone: Option<String>,
    pub first_email: Option<String>,
}

// In [`SUMMARY_COLUMNS`]' order.
direct_row!(PartySummary {
    id,
    kind,
    lifecycle,
    prospect_state,
    customer_status,
    full_name,
    trade_name,
    sort_name,
    document_kind,
    document,
    city,
    state,
    seller_id,
    branch_id,
    consent_sms_whatsapp,
    consent_email,
    consent_phone,
    consent_letter,
    created_at,
    version,
    first_phone,
    first_email,
});

impl PartySummary {
    pub fn consent(&self) -> ConsentState {
        consent_of(self.consent_sms_whatsapp, self.consent_email, self.consent_phone, self.consent_letter)
    }

    pub fn document(&self) -> Option<Document> {
        document_of(self.document_kind.as_deref(), self.document.as_ref())
    }
}

/// A search candidate: what ranking reads of it. The rows shown are read
/// afterwards for the few kept ([`summaries`]): decoding a hundred whole
/// rows cost PostgreSQL's search more than that second round trip.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SearchCandidate {
    pub id: Uuid,
    pub kind: String,
    pub sort_name: String,
    pub document: Option<String>,
    pub first_phone: Option<String>,
}

// In [`CANDIDATE_COLUMNS`]' order.
direct_row!(SearchCandidate { id, kind, sort_name, document, first_phone });

/// Columns a list may be sorted by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum PartySort {
    #[default]
    Name,
    City,
    State,
    Newest,
}

/// What a list selects: the filters, and when and where they are read.
#[derive(Clone, Debug)]
pub struct PartyFilter {
    pub tree: Filter<PartyField>,
    pub calendar: Calendar,
}

/// Where the previous page ended: the sort value, the name under it
/// (sorting by city or UF, names are alphabetical within each) and the id.
#[derive(Clone, Debug)]
pub struct Keyset {
    pub value: String,
    pub name: Option<String>,
    pub id: Uuid,
}

/// The columns of a list row; shared by the sea-query list and the
/// hand-written SQLite search so both return the same shape.
const SUMMARY_COLUMNS: &str = "parties.id, parties.kind, parties.lifecycle, parties.prospect_state, \
    parties.customer_status, parties.full_name, parties.trade_name, parties.sort_name, parties.document_kind, \
    parties.document, parties.city, parties.state, parties.seller_id, parties.branch_id, \
    parties.consent_sms_whatsapp, \
    parties.consent_email, parties.consent_phone, parties.consent_letter, parties.created_at, parties.version, \
    parties.first_phone, parties.first_email";

/// What ranking reads of a search candidate ([`SearchCandidate`]).
const CANDIDATE_COLUMNS: &str =
    "parties.id, parties.kind, parties.sort_name, parties.document, parties.first_phone";

/// The live parties the scope reaches, as list rows.
fn summary_select(scope: &Scope) -> SelectStatement {
    let mut query = Query::select();
    query.expr(Expr::cust(SUMMARY_COLUMNS)).from(Parties::Table).cond_where(in_scope(scope));
    query
}

/// The live parties of the organisation within the reach.
fn in_scope(scope: &Scope) -> Condition {
    super::reachable(scope).add(Expr::col((Parties::Table, Parties::ArchivedAt)).is_null())
}

/// What the filter selects of them.
fn filtered_select(scope: &Scope, filter: &PartyFilter, fields: &PartyFields) -> SelectStatement {
    let mut query = summary_select(scope);
    query.cond_where(filter::condition(&filter.tree, fields, filter.calendar));
    query
}

/// How the customer list's fields read in SQL.
struct PartyFields {
    org_id: OrgId,
    /// Tags asked for that few parties hold (see [`RARE_TAG`]).
    rare_tags: Vec<String>,
}

/// A tag fewer parties hold than this is read from the tag's index
/// (`id IN …`): the few are found and sorted. A commoner one is probed
/// party by party in list order (`EXISTS`), which fills a page sooner than
/// sorting tens of thousands (130 ms for a tag one party in thirty holds,
/// at a million, on SQLite).
const RARE_TAG: u64 = 5_000;

impl PartyFields {
    async fn for_filter(db: &Db, org_id: OrgId, filter: &PartyFilter) -> Result<PartyFields, DbError> {
        let mut asked = Vec::new();
        tags_asked(&filter.tree, &mut asked);
        let mut rare_tags = Vec::new();
        for tag in asked {
            let mut holders = Query::select();
            holders
                .column(Alias::new("party_id"))
                .from(Alias::new("party_tags"))
                .and_where(Expr::col(Alias::new("org_id")).eq(org_id.0))
                .and_where(Expr::col(Alias::new("tag")).eq(tag.clone()));
            if super::super::count_capped(db, holders, RARE_TAG).await? < RARE_TAG as i64 {
                rare_tags.push(tag);
            }
        }
        Ok(PartyFields { org_id, rare_tags })
    }
}

/// The tags a filter asks for by equality, as stored.
fn tags_asked(tree: &Filter<PartyField>, out: &mut Vec<String>) {
    match tree {
        Filter::All { all: branches } | Filter::Any { any: branches } => {
            branches.iter().for_each(|branch| tags_asked(branch, out))
        }
        Filter::Not { not } => tags_asked(not, out),
        Filter::Is(predicate) => {
            if let (PartyField::Tag, Test::Equals(domain::filter::Value::Text(tag))) =
                (predicate.field, &predicate.test)
            {
                out.push(fold(tag.trim()));
            }
        }
    }
}

impl FieldSql<PartyField> for PartyFields {
    fn predicate(&self, field: PartyField, test: &Test, calendar: Calendar) -> SimpleExpr {
        let column = |column: Parties| SimpleExpr::from(Expr::col((Parties::Table, column)));
        let as_is: fn(&str) -> String = |text| text.trim().to_string();
        let (expr, kind) = match field {
            PartyField::Id => (column(Parties::Id), ColumnKind::Uuid),
            PartyField::Kind => (column(Parties::Kind), ColumnKind::Text(as_is)),
            PartyField::Lifecycle => (column(Parties::Lifecycle), ColumnKind::Text(as_is)),
            PartyField::CustomerStatus => (column(Parties::CustomerStatus), ColumnKind::Text(as_is)),
            PartyField::ProspectState => (column(Parties::ProspectState), ColumnKind::Text(as_is)),
            PartyField::Name => (column(Parties::SortName), ColumnKind::Text(|t| sort_name(t.trim()))),
            PartyField::City => (column(Parties::CityKey), ColumnKind::Text(|t| fold(t.trim()))),
            PartyField::State => (column(Parties::State), ColumnKind::Text(domain::address::canonical_state)),
            PartyField::Seller => (column(Parties::SellerId), ColumnKind::Uuid),
            PartyField::Branch => (column(Parties::BranchId), ColumnKind::Uuid),
            PartyField::BirthDate => (column(Parties::BirthDate), ColumnKind::Date),
            PartyField::CreatedAt => (column(Parties::CreatedAt), ColumnKind::Instant),
            PartyField::Tag => {
                let rare = matches!(test, Test::Equals(domain::filter::Value::Text(tag))
                    if self.rare_tags.contains(&fold(tag.trim())));
                return self.child_test("party_tags", "tag", |t| fold(t.trim()), test, calendar, rare);
            }
            PartyField::Plate => {
                // A plate is one vehicle's: always few.
                return self.child_test("vehicles", "plate", normalise_plate, test, calendar, true);
            }
        };
        filter::column_test(expr, kind, test, calendar)
    }
}

impl PartyFields {
    /// A test on the party's child rows (tags, vehicles): some row passes
    /// it; "is empty" asks for no row with a value at all. When few rows
    /// pass (`few`), it reads `id IN (…)` so the planner starts from the
    /// child's index; otherwise a correlated `EXISTS`, probed party by
    /// party in list order.
    fn child_test(
        &self,
        table: &'static str,
        column: &'static str,
        normalise: fn(&str) -> String,
        test: &Test,
        calendar: Calendar,
        few: bool,
    ) -> SimpleExpr {
        let child = |condition: Option<SimpleExpr>| {
            let mut rows = Query::select();
            rows.column((Alias::new(table), Alias::new("party_id")))
                .from(Alias::new(table))
                .and_where(Expr::col((Alias::new(table), Alias::new("org_id"))).eq(self.org_id.0));
            if let Some(condition) = condition {
                rows.and_where(condition);
            }
            if few {
                return Expr::col((Parties::Table, Parties::Id)).in_subquery(rows.to_owned());
            }
            rows.and_where(
                Expr::col((Alias::new(table), Alias::new("party_id"))).equals((Parties::Table, Parties::Id)),
            );
            Expr::exists(rows.to_owned())
        };
        let value = SimpleExpr::from(Expr::col((Alias::new(table), Alias::new(column))));
        match test {
            Test::IsEmpty(true) => child(Some(value.is_not_null())).not(),
            Test::IsEmpty(false) => child(Some(value.is_not_null())),
            other => child(Some(filter::column_test(value, ColumnKind::Text(normalise), other, calendar))),
        }
    }
}

/// Plates compare as stored: upper case, no separators (ABC1D23).
fn normalise_plate(text: &str) -> String {
    text.chars().filter(char::is_ascii_alphanumeric).collect::<String>().to_ascii_uppercase()
}

/// The `parties` table and the columns the list reads by name.
#[derive(Clone, Copy)]
enum Parties {
    Table,
    Id,
    Kind,
    Lifecycle,
    CustomerStatus,
    ProspectState,
    SortName,
    CityKey,
    State,
    SellerId,
    BranchId,
    BirthDate,
    CreatedAt,
    ArchivedAt,
    Version,
}

impl Iden for Parties {
    fn unquoted(&self, s: &mut dyn std::fmt::Write) {
        let name = match self {
            Parties::Table => "parties",
            Parties::Id => "id",
            Parties::Version => "version",
            Parties::Kind => "kind",
            Parties::Lifecycle => "lifecycle",
            Parties::CustomerStatus => "customer_status",
            Parties::ProspectState => "prospect_state",
            Parties::SortName => "sort_name",
            Parties::CityKey => "city_key",
            Parties::State => "state",
            Parties::SellerId => "seller_id",
            Parties::BranchId => "branch_id",
            Parties::BirthDate => "birth_date",
            Parties::CreatedAt => "created_at",
            Parties::ArchivedAt => "archived_at",
        };
        // Writing to a String cannot fail.
        let _ = s.write_str(name);
    }
}

/// One page of the list, in keyset order: `limit` rows after `after`.
#[tracing::instrument(skip_all)]
pub async fn list(
    db: &Db,
    scope: &Scope,
    filter: &PartyFilter,
    sort: PartySort,
    descending: bool,
    after: Option<&Keyset>,
    limit: u32,
) -> Result<Vec<PartySummary>, DbError> {
    let fields = PartyFields::for_filter(db, scope.org_id, filter).await?;
    let mut query = filtered_select(scope, filter, &fields);
    // City and UF sort by name within each, which is also the order of
    // their indexes (org, city or UF, name, id).
    let order_columns: &[Parties] = match sort {
        PartySort::Name => &[Parties::SortName, Parties::Id],
        PartySort::City => &[Parties::CityKey, Parties::SortName, Parties::Id],
        PartySort::State => &[Parties::State, Parties::SortName, Parties::Id],
        PartySort::Newest => &[Parties::Id],
    };
    let order = if descending { Order::Desc } else { Order::Asc };
    if let Some(keyset) = after {
        // A row-value comparison lets both databases seek the index to the
        // cursor; the equivalent OR makes SQLite scan from the start.
        let columns = Expr::tuple(order_columns.iter().map(|c| Expr::col((Parties::Table, *c)).into()));
        let mut values: Vec<SimpleExpr> = Vec::new();
        if sort != PartySort::Newest {
            values.push(Expr::val(keyset.value.clone()).into());
        }
        if order_columns.len() == 3 {
            values.push(Expr::val(keyset.name.clone().unwrap_or_default()).into());
        }
        values.push(Expr::val(keyset.id).into());
        let values = Expr::tuple(values);
        query.and_where(if descending { columns.lt(values) } else { columns.gt(values) });
    }
    for column in order_columns {
        query.order_by((Parties::Table, *column), order.clone());
    }
    // Without a filter a page is read along an index; a filter may have
    // to pass over many parties to fill one.
    let cost = match &filter.tree {
        Filter::All { all } if all.is_empty() => Cost::Bounded,
        _ => Cost::MayScan,
    };
    super::fetch_direct(db, &query, Some(u64::from(limit)), cost).await
}

/// A party a bulk action will change, as the scope finds it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct BulkTarget {
    pub id: Uuid,
    pub version: i64,
    pub seller_id: Option<Uuid>,
    pub branch_id: Option<Uuid>,
}

fn targets_select(scope: &Scope) -> SelectStatement {
    let mut query = Query::select();
    query
        .columns(
            [Parties::Id, Parties::Version, Parties::SellerId, Parties::BranchId]
                .map(|c| (Parties::Table, c)),
        )
        .from(Parties::Table)
        .cond_where(in_scope(scope));
    query
}

/// What the filter selects, for a bulk action on all of it: at most
/// `limit` rows (ask for one more to learn there are more).
#[tracing::instrument(skip_all)]
pub async fn bulk_matching(
    db: &Db,
    scope: &Scope,
    filter: &PartyFilter,
    limit: u64,
) -> Result<Vec<BulkTarget>, DbError> {
    let fields = PartyFields::for_filter(db, scope.org_id, filter).await?;
    let mut query = targets_select(scope);
    query
        .cond_where(filter::condition(&filter.tree, &fields, filter.calendar))
        .order_by((Parties::Table, Parties::Id), Order::Asc)
        .limit(limit);
    super::fetch_all(db, &query).await
}

/// The chosen parties the scope reaches; the others are left out.
#[tracing::instrument(skip_all)]
pub async fn bulk_chosen(db: &Db, scope: &Scope, ids: &[Uuid]) -> Result<Vec<BulkTarget>, DbError> {
    let mut query = targets_select(scope);
    query.and_where(Expr::col((Parties::Table, Parties::Id)).is_in(ids.iter().copied()));
    super::fetch_all(db, &query).await
}

/// Counts what the filter selects, up to `cap`.
#[tracing::instrument(skip_all)]
pub async fn count(db: &Db, scope: &Scope, filter: &PartyFilter, cap: u64) -> Result<i64, DbError> {
    let fields = PartyFields::for_filter(db, scope.org_id, filter).await?;
    super::super::count_capped(db, filtered_select(scope, filter, &fields), cap).await
}

/// With this many whole-word matches a prefix search adds nothing a
/// person would scroll to.
const ENOUGH_EXACT_HITS: u32 = 50;

/// Candidates for a search, unranked; the app ranks them: names starting
/// with what was typed (at most half, so that the many "Silva … Ltda"
/// leave room for people named Silva), then parties with a word starting
/// with each term, in the order they were registered. Words are drawn from
/// the index under the reader's scope (organisation, branch or seller:
/// migration 0009), so nobody else's matches can crowd his out. At most
/// `limit` candidates, for a reader who is shown `shown` of them.
#[tracing::instrument(skip_all)]
pub async fn search(
    db: &Db,
    scope: &Scope,
    terms: &[String],
    limit: u32,
    shown: u32,
) -> Result<Vec<SearchCandidate>, DbError> {
    if terms.is_empty() {
        return Ok(Vec::new());
    }
    // A name typed from its start is an index range on the folded name,
    // and the whole name typed ranks first.
    let share = limit.min(ENOUGH_EXACT_HITS / 2);
    let mut by_name = Query::select();
    by_name
        .expr(Expr::cust(CANDIDATE_COLUMNS))
        .from(Parties::Table)
        .cond_where(in_scope(scope))
        .and_where(starts_with(Expr::col((Parties::Table, Parties::SortName)), &terms.join(" ")))
        .order_by((Parties::Table, Parties::SortName), Order::Asc);
    // The first letter or two of a word: names starting with them are as
    // good as any other word starting with them, and the words' query
    // cost a small portfolio 10 ms at p99 on PostgreSQL.
    let first_letters = terms.len() == 1 && terms[0].chars().count() <= 2;
    // Names starting with all the words typed outrank any word match, so
    // while they fill what is shown the words are not read: "joao sil"
    // probed a thousand Joãos for a Silva, 3 ms on PostgreSQL.
    let name_start_outranks = domain::search::name_start_outranks_words(terms);
    if let Db::Postgres(_) = db
        && !first_letters
        && !name_start_outranks
    {
        // Both are read whatever the names give: in one statement, one
        // round trip to the server instead of two (0.15 ms each). Its
        // LIMITs are bound, yet PostgreSQL keeps its generic plan: the
        // ranges' sub-select bounds make every custom plan cost the same.
        let mut names = by_name;
        names.limit(u64::from(share));
        let mut both = Query::select();
        both.column(sea_query::Asterisk).from_subquery(names, col("by_name"));
        if let Some(words) = words_postgres(scope, terms, limit) {
            both.union(sea_query::UnionType::All, words);
        }
        let mut found = super::fetch_all::<SearchCandidate>(db, &both).await?;
        drop_repeated(&mut found);
        return Ok(found);
    }
    let mut found: Vec<SearchCandidate> =
        super::fetch_direct(db, &by_name, Some(u64::from(share)), Cost::Bounded).await?;
    if first_letters && found.len() >= share as usize {
        return Ok(found);
    }
    if name_start_outranks && found.len() >= shown as usize {
        return Ok(found);
    }
    // Looking for the other kind apart when all words found were of one
    // (companies registered before people) read a hundred rows more for
    // nothing in most searches: PostgreSQL's p99 went from 10 to 16 ms.
    found.extend(search_words(db, scope, terms, limit).await?);
    drop_repeated(&mut found);
    Ok(found)
}

/// Keeps the first of candidates found both by name and by words.
fn drop_repeated(found: &mut Vec<SearchCandidate>) {
    let mut seen = std::collections::HashSet::new();
    found.retain(|candidate| seen.insert(candidate.id));
}

/// The list rows of these parties within the scope, in the order given.
#[tracing::instrument(skip_all)]
pub async fn summaries(db: &Db, scope: &Scope, ids: &[Uuid]) -> Result<Vec<PartySummary>, DbError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut query = summary_select(scope);
    query.and_where(Expr::col((Parties::Table, Parties::Id)).is_in(ids.iter().copied()));
    let mut rows: Vec<PartySummary> = super::fetch_direct(db, &query, None, Cost::Bounded).await?;
    rows.sort_by_key(|row| ids.iter().position(|id| *id == row.id));
    Ok(rows)
}

/// Parties with a word starting with each term, at most `limit`.
async fn search_words(
    db: &Db,
    scope: &Scope,
    terms: &[String],
    limit: u32,
) -> Result<Vec<SearchCandidate>, DbError> {
    match db {
        Db::Sqlite(sqlite) => {
            let (reach, reach_value) = match scope.reach {
                Reach::Everything => ("", None),
                Reach::Branch(branch) => ("AND parties.branch_id = $5", Some(branch.0)),
                Reach::OwnedBy(user) => ("AND parties.seller_id = $5", Some(user.0)),
            };
            // FTS first, then each hit's party by its unique key: the
            // CROSS JOIN pins that order, which the planner could otherwise
            // swap for a walk over the organisation's index.
            let sql = format!(
                "SELECT {CANDIDATE_COLUMNS} FROM
                    (SELECT rowid AS hit FROM search_fts_parties WHERE search_fts_parties MATCH $1 LIMIT $4) hits
                 CROSS JOIN parties ON parties.search_rowid = hits.hit
                 WHERE parties.org_id = $2 AND parties.merged_into IS NULL AND parties.archived_at IS NULL
                 {reach}
                 LIMIT $3"
            );
            let tag = search_tag(scope_key(scope));
            let quoted: Vec<String> =
                terms.iter().map(|t| format!("\"{tag}{}\"", t.replace('"', ""))).collect();
            // Whole words first: FTS5 reads a word's doclist lazily and stops
            // at the limit, but expands a prefix without a prefix index into
            // one merged list first, which for "silva*" costs milliseconds.
            let (sql, direct) = (&sql, sqlite.direct());
            let run = |query: String, rows: u32, cost: Cost| {
                let mut values = vec![
                    sea_query::Value::from(query),
                    scope.org_id.0.into(),
                    i64::from(rows).into(),
                    i64::from(rows).into(),
                ];
                values.extend(reach_value.map(sea_query::Value::from));
                async move { direct.fetch_all::<SearchCandidate>(sql, &values, cost).await }
            };
            let exact = run(quoted.join(" "), limit.min(ENOUGH_EXACT_HITS), Cost::Bounded).await?;
            if exact.len() >= ENOUGH_EXACT_HITS as usize {
                return Ok(exact);
            }
            // Only the word being typed is a prefix; a single letter after
            // whole words narrows little, so it waits.
            let (typing, complete) = terms.split_last().unwrap_or((&terms[0], &[]));
            let mut words: Vec<String> = quoted[..complete.len()].to_vec();
            if typing.chars().count() >= 2 || complete.is_empty() {
                words.push(format!("{}*", quoted[complete.len()]));
            }
            let mut found = run(words.join(" "), limit, Cost::MayScan).await?;
            for row in exact {
                if !found.iter().any(|f| f.id == row.id) {
                    found.push(row);
                }
            }
            Ok(found)
        }
        Db::Postgres(_) => match words_postgres(scope, terms, limit) {
            Some(by_words) => super::fetch_all::<SearchCandidate>(db, &by_words).await,
            None => Ok(Vec::new()),
        },
    }
}

/// PostgreSQL's candidates by words, at most `limit`: the word matches
/// first, once, then each one's party by its key. A subquery with a LIMIT
/// in FROM is not flattened, so no plan can run it again for every party
/// of the scope (with the statistics from before a portfolio transfer,
/// `id IN (…)` did: minutes).
fn words_postgres(scope: &Scope, terms: &[String], limit: u32) -> Option<SelectStatement> {
    let words = search_words_postgres(scope_key(scope), terms, ENOUGH_EXACT_HITS)?;
    let mut by_words = Query::select();
    by_words
        .expr(Expr::cust(CANDIDATE_COLUMNS))
        .from_subquery(words, col("hits"))
        .inner_join(
            Parties::Table,
            Expr::col((Parties::Table, Parties::Id)).equals((col("hits"), col("party_id"))),
        )
        // The scope key already is the reach (the words move with the
        // party's seller and branch in the same transaction); naming it
        // again let a stale estimate pick the seller's index over the
        // primary key for each hit.
        .cond_where(in_scope(&Scope { reach: Reach::Everything, ..*scope }))
        .limit(u64::from(limit));
    Some(by_words)
}

/// The key the reader's words are indexed under: his organisation,
/// branch or own id, as far as he reads (migration 0009).
fn scope_key(scope: &Scope) -> Uuid {
    match scope.reach {
        Reach::Everything => scope.org_id.0,
        Reach::Branch(branch) => branch.0,
        Reach::OwnedBy(user) => user.0,
    }
}

/// The tag SQLite's search index writes before each word indexed under
/// `key` (see migration 0009): the id's second, random half in hex.
fn search_tag(key: uuid::Uuid) -> String {
    key.as_bytes()[8..].iter().map(|byte| format!("{byte:02x}")).collect()
}

/// `column` starts with `prefix`, as a range a byte-wise ("C") index
/// answers even in a generic prepared plan, where `LIKE $1` could not.
/// The bounds are sub-selects so that PostgreSQL estimates every prefix
/// alike: given as values, a rare prefix's estimate of one row made each
/// custom plan look cheaper than the generic one, and the statement was
/// planned again at every keystroke (0.1 ms, the planning a generic plan
/// skips).
fn starts_with(column: Expr, prefix: &str) -> SimpleExpr {
    let bound = |value: String| {
        let select = Query::select().expr(Expr::val(value)).to_owned();
        SimpleExpr::SubQuery(None, Box::new(select.into_sub_query_statement()))
    };
    let above = format!("{prefix}{}", char::MAX);
    column.clone().gte(bound(prefix.to_string())).and(column.lt(bound(above)))
}

/// The ids of parties whose words match the terms, from PostgreSQL's word
/// index under one scope key (organisation, branch or seller): the words
/// typed before the last are whole words, intersected by a merge join on
/// party_id (the longest, likely the rarest, drives); the word being typed
/// is a prefix. As on SQLite, a one-letter prefix after
/// whole words narrows nothing and waits.
fn search_words_postgres(scope_key: uuid::Uuid, terms: &[String], limit: u32) -> Option<SelectStatement> {
    let (typing, complete) = terms.split_last()?;
    let mut whole: Vec<&String> = complete.iter().collect();
    whole.sort_by_key(|word| std::cmp::Reverse(word.len()));
    let prefix = (typing.chars().count() >= 2 || whole.is_empty()).then_some(typing.as_str());
    let word = |alias: &str| Expr::col((col(alias), col("word")));
    let mut query = Query::select();
    query
        .column((col("w0"), col("party_id")))
        .from_as(col("search_words_parties"), col("w0"))
        .and_where(Expr::col((col("w0"), col("scope_id"))).eq(scope_key))
        .limit(u64::from(limit));
    match whole.split_first() {
        None => {
            query.and_where(starts_with(word("w0"), prefix?));
        }
        Some((driver, others)) => {
            query.and_where(word("w0").eq(driver.as_str()));
            let same_party =
                |alias: &str| Expr::col((col(alias), col("party_id"))).equals((col("w0"), col("party_id")));
            for (index, other) in others.iter().enumerate() {
                let alias = format!("w{}", index + 1);
                query.join_as(
                    sea_query::JoinType::InnerJoin,
                    col("search_words_parties"),
                    col(&alias),
                    Condition::all()
                        .add(Expr::col((col(&alias), col("scope_id"))).equals((col("w0"), col("scope_id"))))
                        .add(word(&alias).eq(other.as_str()))
                        .add(same_party(&alias)),
                );
            }
            if let Some(prefix) = prefix {
                query.and_where(Expr::exists(
                    Query::select()
                        .expr(Expr::val(1))
                        .from_as(col("search_words_parties"), col("wp"))
                        .and_where(same_party("wp"))
                        .and_where(starts_with(word("wp"), prefix))
                        .take(),
                ));
            }
        }
    }
    Some(query)
}
