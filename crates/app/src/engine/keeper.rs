//! Keeps one in-memory index per organisation: built in the background
//! the first time it is asked for (the SQL path answers meanwhile), and
//! brought up to date before each answer from the parties that moved
//! since — every movement leaves an event in its party's history, in the
//! same transaction, so several instances over one PostgreSQL each stay
//! current.
use super::index::{Bits, ClauseCache, EngineIndex};
use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use db::Db;
use db::repo::engine as repo;
use domain::OrgId;
use std::collections::HashMap;
use std::sync::Arc;
use uuid::Uuid;

/// Events are stamped when their transaction starts, so one may become
/// visible after a later-stamped one was read. Each look reads the events
/// stamped since the latest seen; every [`MARGIN_EVERY`] a look reads this
/// much further back, for those. A transaction committing later than this
/// after it started is caught at the next build.
const COMMIT_MARGIN: i64 = 60;

/// How often a look reads back over the margin (a bulk load's minute of
/// events is read then, not at every keystroke).
const MARGIN_EVERY: std::time::Duration = std::time::Duration::from_secs(15);

/// A clause cache larger than this is emptied.
const MOST_CACHED_CLAUSES: usize = 64;

/// Every organisation's index, shared by the use cases of one process.
#[derive(Default)]
pub struct Indexes {
    slots: std::sync::Mutex<HashMap<OrgId, Arc<tokio::sync::Mutex<Slot>>>>,
}

pub enum Slot {
    Building,
    Ready(Box<Ready>),
    Failed,
}

pub struct Ready {
    pub index: EngineIndex,
    pub cache: ClauseCache,
    /// The latest event already read.
    seen: DateTime<Utc>,
    /// Events within the margin already applied, so a quiet minute costs
    /// one small query and keeps the clause cache.
    applied: HashMap<Uuid, DateTime<Utc>>,
    /// When a look last read back over the margin.
    margin_read: std::time::Instant,
}

impl Indexes {
    fn slot(&self, org: OrgId) -> Option<Arc<tokio::sync::Mutex<Slot>>> {
        self.slots.lock().ok()?.get(&org).cloned()
    }

    /// The organisation's index, current as of `now`, when it is built;
    /// otherwise a build starts in the background and none is answered.
    pub async fn current(
        &self,
        db: &Db,
        org: OrgId,
        zone: Tz,
        now: DateTime<Utc>,
    ) -> Result<Option<tokio::sync::OwnedMutexGuard<Slot>>, db::DbError> {
        let Some(slot) = self.slot(org) else {
            self.start_building(db.clone(), org, zone, now);
            return Ok(None);
        };
        let mut guard = slot.lock_owned().await;
        match &mut *guard {
            Slot::Ready(ready) => {
                catch_up(db, org, ready).await?;
                Ok(Some(guard))
            }
            Slot::Building => Ok(None),
            Slot::Failed => {
                drop(guard);
                if let Ok(mut slots) = self.slots.lock() {
                    slots.remove(&org);
                }
                Ok(None)
            }
        }
    }

    fn start_building(&self, db: Db, org: OrgId, zone: Tz, now: DateTime<Utc>) {
        let slot = Arc::new(tokio::sync::Mutex::new(Slot::Building));
        match self.slots.lock() {
            Ok(mut slots) if !slots.contains_key(&org) => {
                slots.insert(org, slot.clone());
            }
            _ => return,
        }
        tokio::spawn(async move {
            let built = build(&db, org, zone, now).await;
            let mut guard = slot.lock().await;
            *guard = match built {
                Ok(ready) => Slot::Ready(Box::new(ready)),
                Err(error) => {
                    tracing::error!(target: "app", %error, "the relationship engine's index was not built");
                    Slot::Failed
                }
            };
        });
    }

    /// Builds the organisation's index now and keeps it (tests, benchmarks,
    /// and a process that wants it ready before serving).
    pub async fn build_now(
        &self,
        db: &Db,
        org: OrgId,
        zone: Tz,
        now: DateTime<Utc>,
    ) -> Result<(), db::DbError> {
        let ready = build(db, org, zone, now).await?;
        let slot = Arc::new(tokio::sync::Mutex::new(Slot::Ready(Box::new(ready))));
        if let Ok(mut slots) = self.slots.lock() {
            slots.insert(org, slot);
        }
        Ok(())
    }
}

async fn build(db: &Db, org: OrgId, zone: Tz, now: DateTime<Utc>) -> Result<Ready, db::DbError> {
    let started = std::time::Instant::now();
    let mut index = EngineIndex::new(zone, repo::catalogue_lists(db, org).await?);
    read(db, org, None, &mut index).await?;
    index.settle();
    let held = index.held();
    let mib = |bytes: usize| bytes as u64 / (1 << 20);
    tracing::info!(target: "app", customers = index.customers(), sales = index.sales(),
        ms = started.elapsed().as_millis() as u64, held_mib = mib(held.total()),
        customers_mib = mib(held.customers), sales_mib = mib(held.sales), sets_mib = mib(held.sets),
        contacts_mib = mib(held.contacts), lookups_mib = mib(held.lookups),
        "relationship engine index built");
    if tracing::enabled!(target: "app", tracing::Level::DEBUG) {
        let columns: Vec<String> = index
            .customers_columns_reserved()
            .iter()
            .map(|(column, bytes)| format!("{column}={:.1}", *bytes as f64 / f64::from(1 << 20)))
            .collect();
        tracing::debug!(target: "app", mib = columns.join(" "), "relationship engine customers' columns");
    }
    Ok(Ready {
        index,
        cache: ClauseCache::default(),
        seen: now,
        applied: Default::default(),
        margin_read: std::time::Instant::now(),
    })
}

/// Reads the live customers (every one, or those of `parties`) into the
/// index, with their tags, sales and items, streamed.
async fn read(
    db: &Db,
    org: OrgId,
    parties: Option<&[Uuid]>,
    index: &mut EngineIndex,
) -> Result<(), db::DbError> {
    let started = std::time::Instant::now();
    let mut fed = Bits::default();
    let mut purchases = 0;
    repo::each_customer(db, org, parties, &mut |customer| {
        purchases += usize::try_from(customer.purchase_count).unwrap_or(0);
        fed.insert(index.put_customer(customer))
    })
    .await?;
    for (party, tag) in repo::indexed_tags(db, org, parties).await? {
        if let Some(at) = index.place_of(&party).filter(|at| fed.contains(*at)) {
            index.tag(at, &tag);
        }
    }
    let customers_read = started.elapsed();
    let mut feed = index.feed(fed);
    // The kept counts leave out cancelled sales, which are read too.
    feed.expect(purchases + purchases / 16);
    repo::each_sale(db, org, parties, &mut |sale| feed.sale(sale)).await?;
    let sales_read = started.elapsed();
    repo::each_item(db, org, parties, &mut |item| feed.item(item)).await?;
    let items_read = started.elapsed();
    repo::each_contact(db, org, parties, &mut |contact| feed.contact(contact)).await?;
    feed.finish();
    tracing::debug!(target: "app", customers_ms = customers_read.as_millis() as u64,
        sales_ms = (sales_read - customers_read).as_millis() as u64,
        items_ms = (items_read - sales_read).as_millis() as u64,
        contacts_and_filing_ms = (started.elapsed() - items_read).as_millis() as u64,
        "relationship engine index read");
    Ok(())
}

/// Reads again the parties that moved since the index last looked.
async fn catch_up(db: &Db, org: OrgId, ready: &mut Ready) -> Result<(), db::DbError> {
    let margin = ready.seen - Duration::seconds(COMMIT_MARGIN);
    let since = if ready.margin_read.elapsed() >= MARGIN_EVERY {
        ready.margin_read = std::time::Instant::now();
        margin
    } else {
        ready.seen
    };
    let moved = repo::moved_since(db, org, since).await?;
    ready.applied.retain(|_, at| *at >= margin);
    let new: Vec<(Uuid, Uuid, DateTime<Utc>)> =
        moved.into_iter().filter(|(event, _, _)| !ready.applied.contains_key(event)).collect();
    if new.is_empty() {
        return Ok(());
    }
    let latest = new.iter().map(|(_, _, at)| *at).max().unwrap_or(ready.seen);
    ready.applied.extend(new.iter().map(|(event, _, at)| (*event, *at)));
    let mut parties: Vec<Uuid> = new.into_iter().map(|(_, party, _)| party).collect();
    parties.sort_unstable();
    parties.dedup();
    ready.index.forget(&parties);
    read(db, org, Some(&parties), &mut ready.index).await?;
    ready.cache = ClauseCache::default();
    ready.seen = ready.seen.max(latest);
    Ok(())
}

impl Ready {
    pub fn trim_cache(&mut self) {
        self.cache.trim(MOST_CACHED_CLAUSES);
    }
}
