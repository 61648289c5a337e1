//! Bulk loads of parties (demo data, later imports): batches arrive on a
//! channel and are written in one transaction, so a load that fails
//! leaves the database as it was.
//!
//! On SQLite the rows go through prepared statements on a connection of
//! their own (rusqlite): sqlx hands every statement across threads, which
//! capped a load at ~5,000 parties a second. A load that at least doubles
//! the registry also drops the parties' secondary indexes and search
//! triggers first and rebuilds them at the end: sorting once beats a
//! million random B-tree inserts. A load with the database to itself
//! also skips the WAL ([`Access::Exclusive`]), and then builds the
//! parties' search index beside what follows ([`search`]). PostgreSQL
//! takes the multi-row inserts of [`crate::repo::party::insert_bulk`].
pub mod purchases;
pub(crate) mod search;

use crate::repo::party::{BulkParty, first_email, first_phone, insert_bulk, place, search_rowid};
use crate::rows::instant;
use crate::{Db, DbError};
use chrono::{DateTime, Utc};
use domain::OrgId;
use domain::party::{Channel, search_text, sort_name};
use rusqlite::{Transaction, TransactionBehavior, params};
use std::collections::HashSet;
use tokio::sync::mpsc::Receiver;

/// Tables a party load writes; their secondary indexes may be rebuilt.
const TABLES: &[&str] =
    &["parties", "party_phones", "party_emails", "party_addresses", "party_tags", "consent_events"];
/// Below this many parties, dropping and rebuilding indexes costs more
/// than it saves.
const REBUILD_FROM: u64 = 10_000;

/// Who and what a bulk load records as the rows' origin.
pub struct LoadOrigin {
    pub org_id: OrgId,
    /// The consent events' source (`demo`, `import`).
    pub source: String,
    pub by_label: String,
    pub now: DateTime<Utc>,
}

/// Whether a load has the database to itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Others may read and write meanwhile.
    Shared,
    /// Nothing else uses the database meanwhile (the demo command, before a
    /// server starts). On SQLite the load then closes the pools and writes
    /// through a rollback journal: its pages are written once, where the
    /// WAL writes them twice (a million parties: 18 s of commit through
    /// the WAL).
    Exclusive,
}

/// A committed party load whose search index may still be building
/// beside ([`search`]): call [`PartiesLoaded::finish`], after the work
/// that should run meanwhile.
#[must_use = "the loaded parties are not in the search index until it is finished"]
pub struct PartiesLoaded {
    written: u64,
    search: Option<search::SearchBuild>,
}

impl PartiesLoaded {
    /// Puts the search index in place; returns how many parties were loaded.
    pub async fn finish(mut self, db: &Db) -> Result<u64, DbError> {
        if let Some(search) = self.search.take() {
            search.finish(db).await?;
        }
        Ok(self.written)
    }
}

/// Writes every batch received; `expected` (how many parties are coming)
/// decides whether indexes are rebuilt.
pub async fn load_parties(
    db: &Db,
    origin: LoadOrigin,
    expected: u64,
    access: Access,
    mut batches: Receiver<Vec<BulkParty>>,
) -> Result<PartiesLoaded, DbError> {
    match db {
        Db::Sqlite(sqlite) => {
            let cache_kib = (expected * CACHE_KIB_PER_PARTY).clamp(64 << 10, 6 << 20);
            let database = sqlite.file().to_path_buf();
            let (written, search) = on_own_connection(sqlite, access, cache_kib, move |conn| {
                sqlite_transaction(conn, &origin, expected, access, &database, &mut batches)
            })
            .await?;
            Ok(PartiesLoaded { written, search })
        }
        Db::Postgres(pg) => {
            let (mut written, mut references) = (0, References::default());
            let mut tx = db.begin().await?;
            while let Some(batch) = batches.recv().await {
                references.add(&batch);
                insert_bulk(&mut tx, origin.org_id, &batch, &origin.source, &origin.by_label, origin.now)
                    .await?;
                written += batch.len() as u64;
            }
            references.check_postgres(&mut tx, origin.org_id).await?;
            tx.commit().await?;
            if written >= REBUILD_FROM {
                // Until VACUUM sets the new rows' visibility, index-only
                // scans read the heap too: the first searches after a
                // million-party load took twice as long (docs/benchmarks.md).
                // The word index the parties' trigger fills is read by every search.
                let vacuum = format!("VACUUM (ANALYZE) {}, search_words_parties", TABLES.join(", "));
                sqlx::query(&vacuum).execute(pg).await?;
            }
            Ok(PartiesLoaded { written, search: None })
        }
    }
}

/// Page cache per party loaded: the load's pages stay in memory until the
/// commit writes them once (a million parties make ~2.2 GB).
const CACHE_KIB_PER_PARTY: u64 = 4;

/// Runs `work` on a rusqlite connection of its own, on a blocking thread:
/// sqlx hands every statement across threads, which capped a load at a
/// few thousand rows a second. With the file to itself (`Exclusive`) the
/// pools are closed meanwhile and the load writes through a rollback
/// journal. References within a load hold by construction and the ones it
/// makes outside are checked once each before its commit, so foreign keys
/// are off: a check per row cost a lookup per row.
pub(crate) async fn on_own_connection<T: Send + 'static>(
    sqlite: &crate::SqliteDb,
    access: Access,
    cache_kib: u64,
    work: impl FnOnce(&mut rusqlite::Connection) -> Result<T, DbError> + Send + 'static,
) -> Result<T, DbError> {
    let run = move |path: &std::path::Path| -> Result<T, DbError> {
        let mut conn = rusqlite::Connection::open(path)?;
        conn.busy_timeout(std::time::Duration::from_secs(30))?;
        let left_wal = access == Access::Exclusive && leave_wal(&conn);
        conn.pragma_update(None, "foreign_keys", "OFF")?;
        conn.pragma_update(None, "cache_size", format!("-{cache_kib}"))?;
        // Sorts may spill to temporary files, so that an index build sorts
        // in runs, helped by other threads ([`build_indexes`]).
        conn.pragma_update(None, "temp_store", "file")?;
        conn.pragma_update(None, "threads", sort_helpers())?;
        conn.pragma_update(None, "analysis_limit", crate::ANALYSIS_LIMIT)?;
        let outcome = work(&mut conn);
        if left_wal {
            conn.pragma_update(None, "journal_mode", "wal")?;
        }
        outcome
    };
    match access {
        Access::Exclusive => sqlite.exclusively(run).await,
        Access::Shared => {
            let path = sqlite.file().to_path_buf();
            tokio::task::spawn_blocking(move || run(&path)).await.map_err(|e| DbError::Bulk(e.to_string()))?
        }
    }
}

/// A scratch file beside the database (`<db>-<purpose>`), like its
/// journal: work a load does on another core, copied in at its end.
fn scratch_path(database: &std::path::Path, purpose: &str) -> std::path::PathBuf {
    let mut name = database.as_os_str().to_owned();
    name.push("-");
    name.push(purpose);
    std::path::PathBuf::from(name)
}

/// Opens `path` as a new, empty scratch database: nothing to recover if
/// the program stops, and the tables its rows refer to are in the main
/// file.
fn open_scratch(path: &std::path::Path, cache_kib: u64) -> Result<rusqlite::Connection, DbError> {
    let _ = std::fs::remove_file(path);
    let conn = rusqlite::Connection::open(path)?;
    conn.execute_batch(&format!(
        "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -{cache_kib};
         PRAGMA foreign_keys = OFF;"
    ))?;
    Ok(conn)
}

/// Page cache while indexes are built: SQLite sorts an index's keys in
/// runs the size of the page cache (at most 512 MiB), each sorted by a
/// helper thread while the next is read, then merges them. The whole sort
/// in memory (a page cache of gigabytes, or `temp_store = memory`) is one
/// thread over one long list. The ten-million-purchase demo's indexes
/// took 181 s so against 232 s (docs/benchmarks.md, 2026-12-06), and the
/// commit after them less, the pages the small cache let go being
/// written meanwhile.
const SORT_RUN_KIB: u64 = 64 << 10;

/// A sorting helper per core; SQLite starts at most eight
/// (`SQLITE_MAX_WORKER_THREADS`).
fn sort_helpers() -> i64 {
    std::thread::available_parallelism().map_or(1, |cores| cores.get() as i64).min(8)
}

/// Creates the dropped indexes again, sorting in runs, then gives the
/// load the page cache it had. Each table's statistics are refreshed
/// right after its indexes, while the builds have its pages in memory: the
/// same refresh after the demo read them back from disk (7 to 18 s at ten
/// million purchases, docs/benchmarks.md, 2026-12-07).
fn build_indexes(tx: &Transaction<'_>, dropped: &[Dropped]) -> Result<(), DbError> {
    crate::with_page_cache(tx, SORT_RUN_KIB, || build_each_index(tx, dropped))
}

fn build_each_index(tx: &Transaction<'_>, dropped: &[Dropped]) -> Result<(), DbError> {
    let indexes: Vec<&Dropped> = dropped.iter().filter(|d| d.kind == DroppedKind::Index).collect();
    for (position, index) in indexes.iter().enumerate() {
        let building = std::time::Instant::now();
        tx.execute_batch(&index.sql)?;
        tracing::debug!(index = index.name, building_s = building.elapsed().as_secs_f64(), "index built");
        let last_of_its_table = indexes.get(position + 1).is_none_or(|next| next.table != index.table);
        if last_of_its_table {
            let analysing = std::time::Instant::now();
            tx.execute_batch(&format!("ANALYZE \"{}\"", index.table))?;
            tracing::debug!(
                table = index.table,
                analysing_s = analysing.elapsed().as_secs_f64(),
                "table analysed"
            );
        }
    }
    Ok(())
}

/// Switches the file from WAL to a rollback journal, which SQLite allows
/// only once no other connection has it open. The closed pools' connections
/// shut down on their own threads, so this retries for a moment; if they
/// linger the load goes through the WAL, slower but the same.
fn leave_wal(conn: &rusqlite::Connection) -> bool {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let mode = conn.pragma_update_and_check(None, "journal_mode", "truncate", |r| r.get::<_, String>(0));
        match mode {
            Ok(mode) if mode.eq_ignore_ascii_case("truncate") => return true,
            outcome if std::time::Instant::now() < deadline => {
                tracing::debug!(?outcome, "the file is still open elsewhere");
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            outcome => {
                tracing::warn!(?outcome, "loading through the WAL: the file stayed open elsewhere");
                return false;
            }
        }
    }
}

/// Returns how many parties were written, and the search index's build
/// when it goes on beside (a rebuild with the database to itself).
fn sqlite_transaction(
    conn: &mut rusqlite::Connection,
    origin: &LoadOrigin,
    expected: u64,
    access: Access,
    database: &std::path::Path,
    batches: &mut Receiver<Vec<BulkParty>>,
) -> Result<(u64, Option<search::SearchBuild>), DbError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let existing: i64 = tx.query_row("SELECT COUNT(*) FROM parties", [], |r| r.get(0))?;
    let last_rowid: i64 = tx.query_row("SELECT COALESCE(MAX(rowid), 0) FROM parties", [], |r| r.get(0))?;
    let rebuild = expected >= REBUILD_FROM && expected >= existing as u64;
    let dropped = if rebuild { drop_indexes(&tx, TABLES, "parties")? } else { Vec::new() };
    let started = std::time::Instant::now();
    let (written, waited, references) = write_batches(&tx, origin, batches)?;
    references.check_sqlite(&tx, origin.org_id)?;
    let wrote = started.elapsed();
    let mut beside = None;
    if rebuild {
        build_indexes(&tx, &dropped)?;
        tracing::debug!(indexes_s = (started.elapsed() - wrote).as_secs_f64(), "indexes rebuilt");
        if access == Access::Exclusive {
            let reading = std::time::Instant::now();
            beside = Some(search::SearchBuild::start(&tx, database)?);
            tracing::debug!(reading_words_s = reading.elapsed().as_secs_f64(), "search index words read");
        } else {
            search::rebuild_search(&tx, last_rowid)?;
        }
        for trigger in dropped.iter().filter(|d| d.kind == DroppedKind::Trigger) {
            tx.execute_batch(&trigger.sql)?;
        }
    }
    let rebuilt = started.elapsed() - wrote;
    tx.commit()?;
    tracing::debug!(
        written,
        rebuild,
        waiting_for_batches_s = waited.as_secs_f64(),
        writing_s = (wrote - waited).as_secs_f64(),
        rebuilding_s = rebuilt.as_secs_f64(),
        committing_s = (started.elapsed() - wrote - rebuilt).as_secs_f64(),
        "bulk load phases"
    );
    Ok((written, beside))
}

/// The users and branches a load's parties name, checked once each
/// against the organisation (a foreign key would only check that they
/// exist somewhere).
#[derive(Default)]
struct References {
    sellers: HashSet<uuid::Uuid>,
    branches: HashSet<uuid::Uuid>,
}

impl References {
    fn add(&mut self, batch: &[BulkParty]) {
        for bulk in batch {
            self.sellers.extend(bulk.party.seller_id.map(|s| s.0));
            self.branches.extend(bulk.branch.map(|b| b.0));
        }
    }

    fn each(&self) -> impl Iterator<Item = (&'static str, uuid::Uuid)> + '_ {
        let sellers = self.sellers.iter().map(|id| ("users", *id));
        sellers.chain(self.branches.iter().map(|id| ("branches", *id)))
    }

    fn missing(table: &str, id: uuid::Uuid) -> DbError {
        DbError::Bulk(format!("{table} has no row {id} in the organisation"))
    }

    fn check_sqlite(&self, tx: &Transaction<'_>, org_id: OrgId) -> Result<(), DbError> {
        for (table, id) in self.each() {
            let sql = format!("SELECT EXISTS (SELECT 1 FROM {table} WHERE id = ?1 AND org_id = ?2)");
            let found: bool =
                tx.query_row(&sql, params![id.as_bytes(), org_id.0.as_bytes()], |r| r.get(0))?;
            if !found {
                return Err(Self::missing(table, id));
            }
        }
        Ok(())
    }

    async fn check_postgres(&self, tx: &mut crate::Tx, org_id: OrgId) -> Result<(), DbError> {
        for (table, id) in self.each() {
            let sql = format!("SELECT EXISTS (SELECT 1 FROM {table} WHERE id = $1 AND org_id = $2)");
            let found: bool = crate::on_tx!(tx, conn => sqlx::query_scalar(&sql)
                .bind(id)
                .bind(org_id.0)
                .fetch_one(conn)
                .await?);
            if !found {
                return Err(Self::missing(table, id));
            }
        }
        Ok(())
    }
}

/// An index or trigger a load dropped, to create again after it.
struct Dropped {
    kind: DroppedKind,
    name: String,
    table: String,
    sql: String,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum DroppedKind {
    Index,
    Trigger,
}

/// Drops the secondary indexes of `tables` and the triggers on
/// `triggers_of`, returning them table by table.
fn drop_indexes(tx: &Transaction<'_>, tables: &[&str], triggers_of: &str) -> Result<Vec<Dropped>, DbError> {
    let mut found: Vec<Dropped> = Vec::new();
    {
        let mut statement = tx.prepare(
            "SELECT type, name, tbl_name, sql FROM sqlite_master
             WHERE type IN ('index', 'trigger') AND sql IS NOT NULL ORDER BY tbl_name, type, name",
        )?;
        let rows = statement.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
            ))
        })?;
        for row in rows {
            let (kind, name, table, sql) = row?;
            let dropped = match kind.as_str() {
                "index" if tables.contains(&table.as_str()) => DroppedKind::Index,
                "trigger" if table == triggers_of => DroppedKind::Trigger,
                _ => continue,
            };
            found.push(Dropped { kind: dropped, name, table, sql });
        }
    }
    for dropped in &found {
        let kind = match dropped.kind {
            DroppedKind::Index => "INDEX",
            DroppedKind::Trigger => "TRIGGER",
        };
        tx.execute_batch(&format!("DROP {kind} \"{}\"", dropped.name))?;
    }
    Ok(found)
}

fn write_batches(
    tx: &Transaction<'_>,
    origin: &LoadOrigin,
    batches: &mut Receiver<Vec<BulkParty>>,
) -> Result<(u64, std::time::Duration, References), DbError> {
    let mut party = tx.prepare(
        "INSERT INTO parties (id, org_id, kind, lifecycle, prospect_state, customer_status, full_name, trade_name,
            sort_name, document_kind, document, birth_date, sex, profession, football_team, shoe_size, spouse_name,
            spouse_birth_date, credit_bureau_status, agreement, credit_complement, revolving_credit_limit,
            company_sector, seller_id, branch_id, city, city_key, state, consent_sms_whatsapp, consent_email,
            consent_phone, consent_letter, search_text, search_rowid, created_at, updated_at, version, first_phone,
            first_email, negotiation_stage)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21,
            ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33, ?34, ?35, ?35, 1, ?36, ?37, ?38)",
    )?;
    let mut phone = tx.prepare(
        "INSERT INTO party_phones (id, org_id, party_id, position, e164, kind, carrier) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    let mut email = tx.prepare(
        "INSERT INTO party_emails (id, org_id, party_id, position, email) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    let mut address = tx.prepare(
        "INSERT INTO party_addresses (id, org_id, party_id, position, street, number, complement, neighbourhood,
            city, state, postal_code, country) VALUES (?1, ?2, ?3, 0, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?;
    let mut tag = tx.prepare("INSERT INTO party_tags (org_id, party_id, tag) VALUES (?1, ?2, ?3)")?;
    let mut consent = tx.prepare(
        "INSERT INTO consent_events (id, org_id, party_id, channel, granted, at, source, wording, recorded_by_label)
         VALUES (?1, ?2, ?3, ?4, 1, ?5, ?6, '', ?7)",
    )?;
    let org = origin.org_id.0.as_bytes().to_vec();
    let now = instant(origin.now);
    let new_id = || uuid::Uuid::now_v7().as_bytes().to_vec();
    let (mut written, mut waited) = (0, std::time::Duration::ZERO);
    let mut references = References::default();
    loop {
        let wait = std::time::Instant::now();
        let Some(batch) = batches.blocking_recv() else { break };
        waited += wait.elapsed();
        references.add(&batch);
        for bulk in &batch {
            let p = &bulk.party;
            let id = bulk.id.0.as_bytes().to_vec();
            let (city, city_key, state) = place(p);
            party.execute(params![
                id,
                org,
                p.kind.as_str(),
                p.lifecycle.as_str(),
                p.prospect_state.map(|s| s.as_str()),
                p.customer_status.as_deref(),
                p.full_name,
                p.trade_name.as_deref(),
                sort_name(&p.full_name),
                p.document.as_ref().map(|d| d.kind.as_str()),
                p.document.as_ref().map(|d| d.value.as_str()),
                p.birth_date.map(|d| d.format("%F").to_string()),
                p.sex.map(|s| s.as_str()),
                p.profession.as_deref(),
                p.football_team.as_deref(),
                p.shoe_size,
                p.spouse_name.as_deref(),
                p.spouse_birth_date.map(|d| d.format("%F").to_string()),
                p.credit_bureau_status.as_deref(),
                p.agreement.as_deref(),
                p.credit_complement.as_deref(),
                p.revolving_credit_limit.map(|m| m.0),
                p.company_sector.as_deref(),
                p.seller_id.map(|s| s.0.as_bytes().to_vec()),
                bulk.branch.map(|b| b.0.as_bytes().to_vec()),
                city,
                city_key,
                state,
                bulk.consent.sms_whatsapp,
                bulk.consent.email,
                bulk.consent.phone,
                bulk.consent.letter,
                search_text(p),
                search_rowid(bulk.id),
                now,
                first_phone(p),
                first_email(p),
                bulk.stage.as_str(),
            ])?;
            for (position, number) in p.phones.iter().enumerate() {
                phone.execute(params![
                    new_id(),
                    org,
                    id,
                    position as i64,
                    number.phone.e164(),
                    number.kind.as_str(),
                    number.carrier.as_deref()
                ])?;
            }
            for (position, mail) in p.emails.iter().enumerate() {
                email.execute(params![new_id(), org, id, position as i64, mail.as_str()])?;
            }
            if let Some(a) = &p.address {
                address.execute(params![
                    new_id(),
                    org,
                    id,
                    a.street,
                    a.number,
                    a.complement,
                    a.neighbourhood,
                    a.city,
                    a.state,
                    a.postal_code,
                    a.country.code()
                ])?;
            }
            for label in &p.tags {
                tag.execute(params![org, id, label])?;
            }
            for channel in Channel::ALL {
                if bulk.consent.allows(*channel) {
                    consent.execute(params![
                        new_id(),
                        org,
                        id,
                        channel.as_str(),
                        now,
                        origin.source,
                        origin.by_label
                    ])?;
                }
            }
        }
        written += batch.len() as u64;
    }
    Ok((written, waited, references))
}
