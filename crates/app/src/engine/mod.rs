//! Motor de relacionamento (seed 004): a segment's count, its count per
//! consent channel, and its result grid, for those with the engine's
//! right, within their reach.
mod call_lists;
mod index;
mod keeper;
mod occurrences;
mod reports;
mod segments;

pub use call_lists::{CallEntry, CallListView, MAX_CALL_LIST};
pub use index::NotIndexed;
pub use keeper::Indexes;
pub use occurrences::{CustomerDetail, RegisteredOccurrence};
pub use reports::{AgentLine, OccurrenceReport, ReportQuery};
pub use segments::SavedSegment;

use crate::{Actor, AppError, Engine};
use chrono::{DateTime, NaiveDate, Utc};
use db::filter::Calendar;
use db::repo::engine::{self as repo, EngineQuery, EngineRow};
use domain::access::Permission;
use domain::engine::{EngineSort, Segment};
use domain::money::Money;
use domain::{PartyId, ValidationErrors};
use index::EngineIndex;
use keeper::Slot;
use serde::Serialize;

/// One page of the result grid holds this many customers.
pub const RESULT_PAGE_SIZE: u32 = 50;

/// How many customers a segment selects, and how many of them allow
/// each channel.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct EngineCount {
    pub total: i64,
    pub sms_whatsapp: i64,
    pub email: i64,
    pub phone: i64,
    pub letter: i64,
}

impl From<repo::EngineCount> for EngineCount {
    fn from(row: repo::EngineCount) -> EngineCount {
        EngineCount {
            total: row.total,
            sms_whatsapp: row.sms_whatsapp,
            email: row.email,
            phone: row.phone,
            letter: row.letter,
        }
    }
}

/// A customer the segment found, as the grid shows it.
#[derive(Clone, Debug, Serialize)]
pub struct EngineLine {
    pub id: PartyId,
    pub version: i64,
    pub name: String,
    pub phones: Vec<String>,
    pub last_contact: Option<DateTime<Utc>>,
    /// Days since the oldest open installment fell due (0 with none late).
    pub days_overdue: i64,
    pub points: i64,
    pub total_bought: Money,
    pub last_purchase: Option<DateTime<Utc>>,
    pub consent_sms_whatsapp: bool,
    pub consent_email: bool,
    pub consent_phone: bool,
    pub consent_letter: bool,
}

impl EngineLine {
    fn of(row: EngineRow, today: NaiveDate) -> EngineLine {
        EngineLine {
            id: PartyId(row.id),
            version: row.version,
            name: row.full_name,
            phones: row.first_phone.into_iter().chain(row.second_phone).collect(),
            last_contact: row.last_contact,
            days_overdue: row.oldest_open_due.map_or(0, |due| (today - due).num_days().max(0)),
            points: row.points_balance,
            total_bought: Money(row.total_bought),
            last_purchase: row.last_purchase_at,
            consent_sms_whatsapp: row.consent_sms_whatsapp,
            consent_email: row.consent_email,
            consent_phone: row.consent_phone,
            consent_letter: row.consent_letter,
        }
    }
}

/// A page of the result and the count of the whole.
#[derive(Clone, Debug)]
pub struct EngineResults {
    pub count: EngineCount,
    pub lines: Vec<EngineLine>,
    pub page: u32,
    pub has_next: bool,
}

/// How the grid is sorted and which page is asked.
#[derive(Clone, Copy, Debug)]
pub struct GridView {
    pub sort: EngineSort,
    pub descending: bool,
    pub page: u32,
}

impl Default for GridView {
    fn default() -> GridView {
        GridView { sort: EngineSort::Name, descending: false, page: 1 }
    }
}

impl Engine<'_> {
    /// Refuses who may not open the engine (its right, and reading customers).
    pub fn open(&self, actor: &Actor) -> Result<(), AppError> {
        actor.require(Permission::PartiesRead)?;
        actor.require(Permission::RelationshipEngine)
    }

    /// The question as the database reads it, once the actor may ask it.
    fn query(&self, actor: &Actor, segment: &Segment) -> Result<EngineQuery, AppError> {
        self.open(actor)?;
        segment.check()?;
        // Credit amounts are financial figures; how late someone pays is not.
        if let Some(field) = segment.fields().into_iter().find(|f| f.is_financial_amount())
            && !actor.can(Permission::FinancialFields)
        {
            return Err(AppError::Validation(ValidationErrors::single(
                format!("filter.{}", field.as_str()),
                "error-engine-financial",
            )));
        }
        Ok(EngineQuery {
            scope: actor.read_scope(),
            segment: segment.clone(),
            calendar: Calendar::at(self.now(), actor.time_zone),
        })
    }

    /// How many customers the segment selects, and per consent channel:
    /// from the organisation's index when it is built and keeps every
    /// clause asked, otherwise from SQL.
    #[tracing::instrument(skip_all)]
    pub async fn count(&self, actor: &Actor, segment: &Segment) -> Result<EngineCount, AppError> {
        let query = self.query(actor, segment)?;
        if let Some(count) = self.count_in_index(&query).await? {
            return Ok(count);
        }
        Ok(repo::count(&self.db, &query).await?.into())
    }

    /// The count from SQL alone: the export path, and what the index is
    /// checked against.
    pub async fn count_from_sql(&self, actor: &Actor, segment: &Segment) -> Result<EngineCount, AppError> {
        let query = self.query(actor, segment)?;
        Ok(repo::count(&self.db, &query).await?.into())
    }

    /// The count from the index alone, once built ([`Engine::build_index`]);
    /// `None` while it is not, or when a clause is one it does not keep.
    pub async fn count_from_index(
        &self,
        actor: &Actor,
        segment: &Segment,
    ) -> Result<Option<EngineCount>, AppError> {
        let query = self.query(actor, segment)?;
        self.count_in_index(&query).await
    }

    /// The count from the index without the clauses it has cached: what
    /// the first look at a new segment costs (benchmarks).
    pub async fn count_from_index_cold(
        &self,
        actor: &Actor,
        segment: &Segment,
    ) -> Result<Option<EngineCount>, AppError> {
        let query = self.query(actor, segment)?;
        self.count_with(&query, false).await
    }

    /// Builds the organisation's index now, rather than in the background
    /// at the first count.
    pub async fn build_index(&self, actor: &Actor) -> Result<(), AppError> {
        self.open(actor)?;
        Ok(self.engine_indexes.build_now(&self.db, actor.org_id, actor.time_zone, self.now()).await?)
    }

    async fn count_in_index(&self, query: &EngineQuery) -> Result<Option<EngineCount>, AppError> {
        self.count_with(query, true).await
    }

    async fn count_with(&self, query: &EngineQuery, cached: bool) -> Result<Option<EngineCount>, AppError> {
        Ok(self.select_in_index(query, cached, None).await?.map(|(count, _)| count))
    }

    /// The count from the index, and the ids of one page of the grid
    /// when `page` asks for one and the index keeps its sort column.
    async fn select_in_index(
        &self,
        query: &EngineQuery,
        cached: bool,
        page: Option<(GridView, usize)>,
    ) -> Result<Option<(EngineCount, Option<Vec<uuid::Uuid>>)>, AppError> {
        if EngineIndex::answers(&query.segment).is_err() {
            return Ok(None);
        }
        let org = query.scope.org_id;
        let zone = query.calendar.zone;
        let started = std::time::Instant::now();
        let Some(mut slot) = self.engine_indexes.current(&self.db, org, zone, self.now()).await? else {
            return Ok(None);
        };
        let Slot::Ready(ready) = &mut *slot else {
            return Ok(None);
        };
        let caught_up = started.elapsed();
        ready.trim_cache();
        let mut throwaway = index::ClauseCache::default();
        let cache = if cached { &mut ready.cache } else { &mut throwaway };
        let chosen = match ready.index.select(&query.segment, query.scope.reach, query.calendar.today, cache)
        {
            Ok(chosen) => chosen,
            Err(NotIndexed(_)) => return Ok(None),
        };
        let selected = started.elapsed();
        let [sms_whatsapp, email, phone, letter] = ready.index.channels(&chosen);
        tracing::debug!(target: "app", catch_up_us = caught_up.as_micros() as u64,
            select_us = (selected - caught_up).as_micros() as u64,
            channels_us = (started.elapsed() - selected).as_micros() as u64, "engine count from the index");
        let whole = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
        let count = EngineCount {
            total: whole(chosen.len()),
            sms_whatsapp: whole(sms_whatsapp),
            email: whole(email),
            phone: whole(phone),
            letter: whole(letter),
        };
        let ids = page.and_then(|(view, offset)| {
            ready.index.page(&chosen, view.sort, view.descending, offset, RESULT_PAGE_SIZE as usize)
        });
        Ok(Some((count, ids)))
    }

    /// A page of the customers found, sorted as asked, with the count: the
    /// index picks the page when it keeps the sort column, SQL reads its rows.
    #[tracing::instrument(skip_all)]
    pub async fn results(
        &self,
        actor: &Actor,
        segment: &Segment,
        view: GridView,
    ) -> Result<EngineResults, AppError> {
        let query = self.query(actor, segment)?;
        let page = domain::page::page_number(Some(view.page))?;
        let offset = u64::from(page - 1) * u64::from(RESULT_PAGE_SIZE);
        let today = query.calendar.today;
        let line = |row| EngineLine::of(row, today);
        let indexed = self.select_in_index(&query, true, Some((view, offset as usize))).await?;
        if let Some((count, Some(ids))) = indexed {
            let rows = rows_in_order(&self.db, actor.org_id, &ids).await?;
            let has_next = u64::try_from(count.total).unwrap_or(0) > offset + u64::from(RESULT_PAGE_SIZE);
            return Ok(EngineResults { count, lines: rows.into_iter().map(line).collect(), page, has_next });
        }
        // The index's count when it answered (not the sort column), else SQL's.
        let count = match indexed {
            Some((count, None)) => count,
            _ => repo::count(&self.db, &query).await?.into(),
        };
        self.page_from_sql(&query, count, view, page).await
    }

    /// The same page from SQL alone (what the index's page is checked against).
    pub async fn results_from_sql(
        &self,
        actor: &Actor,
        segment: &Segment,
        view: GridView,
    ) -> Result<EngineResults, AppError> {
        let query = self.query(actor, segment)?;
        let page = domain::page::page_number(Some(view.page))?;
        let count = repo::count(&self.db, &query).await?.into();
        self.page_from_sql(&query, count, view, page).await
    }

    async fn page_from_sql(
        &self,
        query: &EngineQuery,
        count: EngineCount,
        view: GridView,
        page: u32,
    ) -> Result<EngineResults, AppError> {
        let offset = u64::from(page - 1) * u64::from(RESULT_PAGE_SIZE);
        let limit = u64::from(RESULT_PAGE_SIZE) + 1;
        let mut rows = repo::page(&self.db, query, view.sort, view.descending, offset, limit).await?;
        let has_next = rows.len() > RESULT_PAGE_SIZE as usize;
        rows.truncate(RESULT_PAGE_SIZE as usize);
        let today = query.calendar.today;
        Ok(EngineResults {
            count,
            lines: rows.into_iter().map(|row| EngineLine::of(row, today)).collect(),
            page,
            has_next,
        })
    }
}

impl Engine<'_> {
    /// Everything the segment selects, by name, a thousand customers at a
    /// time handed to `sink` (false when the reader has gone), for those
    /// who may export. The export, its row count and the segment go into
    /// the audit trail.
    #[tracing::instrument(skip_all)]
    pub async fn export<F, Fut>(&self, actor: &Actor, segment: &Segment, mut sink: F) -> Result<u64, AppError>
    where
        F: FnMut(Vec<EngineLine>) -> Fut,
        Fut: std::future::Future<Output = bool>,
    {
        const CHUNK: usize = 1000;
        let query = self.query(actor, segment)?;
        self.parties().may_export(actor)?;
        let ids = repo::ids_by_name(&self.db, &query).await?;
        let today = query.calendar.today;
        let mut exported = 0u64;
        for chunk in ids.chunks(CHUNK) {
            let rows = rows_in_order(&self.db, actor.org_id, chunk).await?;
            let count = rows.len() as u64;
            if !sink(rows.into_iter().map(|row| EngineLine::of(row, today)).collect()).await {
                break;
            }
            exported += count;
        }
        let mut change = self.change(actor).await?;
        let details = serde_json::json!({ "rows": exported, "segment": segment });
        change
            .audit(
                domain::audit::AuditAction::Export,
                domain::audit::AuditEntity::EngineSegment,
                None,
                None,
                Some(details),
            )
            .await?;
        change.commit().await?;
        Ok(exported)
    }
}

/// The grid's rows of `ids`, in their order.
async fn rows_in_order(
    db: &db::Db,
    org: domain::OrgId,
    ids: &[uuid::Uuid],
) -> Result<Vec<EngineRow>, AppError> {
    let mut rows = repo::rows_of(db, org, ids).await?;
    let place: std::collections::HashMap<uuid::Uuid, usize> =
        ids.iter().enumerate().map(|(at, id)| (*id, at)).collect();
    rows.sort_by_key(|row| place.get(&row.id).copied().unwrap_or(usize::MAX));
    Ok(rows)
}
