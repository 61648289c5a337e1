//! Bulk loads of purchase histories (the retail-scale demo: ten million
//! sales): each party's sales with their items, installments as they stand
//! (paid or open), payments, points lots and history, and the party's kept
//! figures as the generator computed them. One transaction, like the party
//! load.
//!
//! Rows are described once ([`each_row`]) and go to SQLite through
//! prepared rusqlite statements on a connection of their own, to
//! PostgreSQL through multi-row inserts. Parties come in id order and each
//! one's sales in time order, so the ids (UUIDv7, time-ordered) grow at
//! their right edge. A load at least as large as the sales already there
//! drops the tables' secondary indexes and builds them again at the end:
//! with them in place, ten million sales took 620 s to write, the
//! indexes by store and by expiry day inserting at random. Such a load
//! with the file to itself writes the history events and points entries
//! on another core, into a scratch file it copies them from at the end
//! ([`beside`]).
pub(crate) mod beside;

use super::{Access, REBUILD_FROM, build_indexes, drop_indexes, on_own_connection};
use crate::repo::loyalty::ENTRY_COLUMNS;
use crate::repo::sale::ITEM_COLUMNS;
use crate::repo::timeline::EVENT_COLUMNS;
use crate::rows::{Cell, Rows};
use crate::{Db, DbError, Tx};
use chrono::{DateTime, NaiveDate, Utc};
use domain::sale::ValidSale;
use domain::{OrgId, PartyId, SaleId, StoreId};
use rusqlite::TransactionBehavior;
use std::path::Path;
use std::sync::Arc;
use tokio::sync::mpsc::Receiver;

/// One party's purchases to load.
pub struct PartyPurchases {
    pub party: PartyId,
    pub sales: Vec<LoadedSale>,
    pub figures: KeptFigures,
}

pub struct LoadedSale {
    pub id: SaleId,
    pub sale: ValidSale,
    pub installments: Vec<LoadedInstallment>,
    pub points: Option<LoadedPoints>,
    /// The detail of its history event.
    pub history: String,
}

/// An installment as it stands: paid in full on `paid_on`, or open.
pub struct LoadedInstallment {
    pub due_on: NaiveDate,
    pub amount: i64,
    pub paid_on: Option<NaiveDate>,
}

/// The lot a sale earned; an expired one is left empty and followed by its
/// expiry, as the daily task would have written it.
pub struct LoadedPoints {
    pub points: i64,
    pub expires_on: Option<NaiveDate>,
    pub expired: bool,
}

/// The party's kept purchase figures (the columns the sales use cases keep).
#[derive(Default)]
pub struct KeptFigures {
    pub purchase_count: i64,
    pub total_bought: i64,
    pub largest_purchase: i64,
    pub first_purchase_at: Option<DateTime<Utc>>,
    pub last_purchase_at: Option<DateTime<Utc>>,
    pub last_store_id: Option<StoreId>,
    pub open_balance: i64,
    pub oldest_open_due: Option<NaiveDate>,
    pub paid_installments: i64,
    pub delay_days_total: i64,
    pub points_balance: i64,
}

/// Who the rows say recorded them, and when.
#[derive(Clone)]
pub struct PurchasesOrigin {
    pub org_id: OrgId,
    pub by_label: String,
    pub now: DateTime<Utc>,
}

/// The tables a load writes, in the order their rows must go in.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Table {
    Sales,
    Items,
    Installments,
    Payments,
    Points,
    Events,
}

const TABLES: [(Table, &str, &[&str]); 6] = [
    (
        Table::Sales,
        "sales",
        &[
            "id",
            "org_id",
            "party_id",
            "store_id",
            "seller_code",
            "sold_at",
            "total",
            "payment",
            "fiscal_number",
            "fiscal_key",
            "created_at",
            "created_by_label",
            "version",
            "coupon_discount",
        ],
    ),
    (Table::Items, "sale_items", ITEM_COLUMNS),
    (
        Table::Installments,
        "installments",
        &[
            "id",
            "org_id",
            "sale_id",
            "party_id",
            "number",
            "due_on",
            "amount",
            "paid",
            "paid_on",
            "delay_days",
            "cancelled",
            "version",
        ],
    ),
    (
        Table::Payments,
        "installment_payments",
        &["id", "org_id", "installment_id", "paid_on", "amount", "created_at", "created_by_label"],
    ),
    (Table::Points, "points_entries", ENTRY_COLUMNS),
    (Table::Events, "party_events", EVENT_COLUMNS),
];

/// Takes one row of a table.
type Emit<'e, 'r> = dyn FnMut(Table, &[Cell<'r>]) -> Result<(), DbError> + 'e;

/// Every row of a party's purchases, table by table as [`TABLES`] names
/// their columns.
fn each_row<'r>(
    origin: &'r PurchasesOrigin,
    purchases: &'r PartyPurchases,
    emit: &mut Emit<'_, 'r>,
) -> Result<(), DbError> {
    let party = || Cell::Id(purchases.party.0);
    let by = || Cell::Text(&origin.by_label);
    let new_id = || Cell::Id(uuid::Uuid::now_v7());
    for loaded in &purchases.sales {
        let sale = &loaded.sale;
        let sale_id = || Cell::Id(loaded.id.0);
        emit(
            Table::Sales,
            &[
                sale_id(),
                Cell::Id(origin.org_id.0),
                party(),
                Cell::Id(sale.store_id.0),
                Cell::Text(&sale.seller_code),
                Cell::At(sale.sold_at),
                Cell::Int(sale.total.0),
                Cell::Text(sale.payment.as_str()),
                Cell::Text(&sale.fiscal_number),
                Cell::Text(&sale.fiscal_key),
                Cell::At(origin.now),
                by(),
                Cell::Int(1),
                Cell::Int(0),
            ],
        )?;
        for (position, item) in sale.items.iter().enumerate() {
            emit(
                Table::Items,
                &[
                    new_id(),
                    Cell::Id(origin.org_id.0),
                    sale_id(),
                    Cell::Int(position as i64),
                    item.product_id.map_or(Cell::Null(sea_query::Value::Uuid(None)), |p| Cell::Id(p.0)),
                    Cell::Text(&item.description),
                    Cell::Int(item.quantity_milli),
                    Cell::Int(item.unit_price.0),
                    Cell::Int(item.discount.0),
                    Cell::Int(item.total.0),
                ],
            )?;
        }
        for (number, installment) in loaded.installments.iter().enumerate() {
            let installment_id = uuid::Uuid::now_v7();
            let delay =
                installment.paid_on.map(|paid_on| domain::sale::delay_days(installment.due_on, paid_on));
            emit(
                Table::Installments,
                &[
                    Cell::Id(installment_id),
                    Cell::Id(origin.org_id.0),
                    sale_id(),
                    party(),
                    Cell::Int(number as i64 + 1),
                    Cell::Day(installment.due_on),
                    Cell::Int(installment.amount),
                    Cell::Int(if installment.paid_on.is_some() { installment.amount } else { 0 }),
                    installment.paid_on.into(),
                    delay.into(),
                    Cell::Bool(false),
                    Cell::Int(1),
                ],
            )?;
            if let Some(paid_on) = installment.paid_on {
                emit(
                    Table::Payments,
                    &[
                        new_id(),
                        Cell::Id(origin.org_id.0),
                        Cell::Id(installment_id),
                        Cell::Day(paid_on),
                        Cell::Int(installment.amount),
                        Cell::At(origin.now),
                        by(),
                    ],
                )?;
            }
        }
        emit(
            Table::Events,
            &[
                new_id(),
                Cell::Id(origin.org_id.0),
                party(),
                Cell::At(sale.sold_at),
                Cell::Text(domain::timeline::EventKind::Sale.as_str()),
                Cell::Text("timeline-sale-recorded"),
                Cell::Text(&loaded.history),
                sale_id(),
                by(),
            ],
        )?;
        if let Some(lot) = &loaded.points {
            emit(
                Table::Points,
                &[
                    new_id(),
                    Cell::Id(origin.org_id.0),
                    party(),
                    Cell::Text("earned"),
                    Cell::Int(lot.points),
                    Cell::Int(if lot.expired { 0 } else { lot.points }),
                    lot.expires_on.into(),
                    sale_id(),
                    Cell::Text(""),
                    Cell::At(sale.sold_at),
                    by(),
                ],
            )?;
            if let (true, Some(expires_on)) = (lot.expired, lot.expires_on) {
                let at = expires_on.and_hms_opt(3, 5, 0).unwrap_or_default().and_utc();
                emit(
                    Table::Points,
                    &[
                        new_id(),
                        Cell::Id(origin.org_id.0),
                        party(),
                        Cell::Text("expired"),
                        Cell::Int(-lot.points),
                        Cell::Int(0),
                        Cell::Day(expires_on),
                        None::<uuid::Uuid>.into(),
                        Cell::Text(""),
                        Cell::At(at),
                        Cell::Text(""),
                    ],
                )?;
            }
        }
    }
    Ok(())
}

/// Sets the party's kept figures.
const FIGURES: &str = "UPDATE parties SET purchase_count = $3, total_bought = $4, largest_purchase = $5,
    first_purchase_at = $6, last_purchase_at = $7, last_store_id = $8, open_balance = $9, oldest_open_due = $10,
    paid_installments = $11, delay_days_total = $12, points_balance = $13 WHERE org_id = $1 AND id = $2";

fn figures_cells<'a>(origin: &PurchasesOrigin, purchases: &'a PartyPurchases) -> [Cell<'a>; 13] {
    let f = &purchases.figures;
    [
        Cell::Id(origin.org_id.0),
        Cell::Id(purchases.party.0),
        Cell::Int(f.purchase_count),
        Cell::Int(f.total_bought),
        Cell::Int(f.largest_purchase),
        f.first_purchase_at.into(),
        f.last_purchase_at.into(),
        f.last_store_id.map(|s| s.0).into(),
        Cell::Int(f.open_balance),
        f.oldest_open_due.into(),
        Cell::Int(f.paid_installments),
        Cell::Int(f.delay_days_total),
        Cell::Int(f.points_balance),
    ]
}

/// Writes every batch received in one transaction; returns how many sales.
pub async fn load_purchases(
    db: &Db,
    origin: PurchasesOrigin,
    expected: u64,
    access: Access,
    mut batches: Receiver<Vec<PartyPurchases>>,
) -> Result<u64, DbError> {
    match db {
        Db::Sqlite(sqlite) => {
            let database = sqlite.file().to_path_buf();
            on_own_connection(sqlite, access, CACHE_KIB, move |conn| {
                sqlite_load(conn, &origin, expected, access, &database, &mut batches)
            })
            .await
        }
        Db::Postgres(_) => {
            let mut tx = db.begin().await?;
            let mut written = 0;
            while let Some(batch) = batches.recv().await {
                written += postgres_batch(&mut tx, &origin, &batch).await?;
            }
            tx.commit().await?;
            Ok(written)
        }
    }
}

async fn postgres_batch(
    tx: &mut Tx,
    origin: &PurchasesOrigin,
    batch: &[PartyPurchases],
) -> Result<u64, DbError> {
    let mut rows: Vec<Rows<'_>> =
        TABLES.iter().map(|(_, table, columns)| Rows::new(table, columns)).collect();
    for purchases in batch {
        each_row(origin, purchases, &mut |table, cells| {
            rows[table as usize].push(cells.iter().cloned());
            Ok(())
        })?;
    }
    // Parents before children: the tables in the order they are listed.
    for table_rows in rows {
        table_rows.insert(tx).await?;
    }
    let crate::Tx::Postgres(conn) = tx else { return Err(DbError::Bulk("not PostgreSQL".into())) };
    for purchases in batch {
        let cells = figures_cells(origin, purchases);
        let mut query = sqlx::query(FIGURES);
        for cell in &cells {
            query = match cell {
                Cell::Null(sea_query::Value::ChronoDate(_)) => query.bind(None::<NaiveDate>),
                Cell::Null(sea_query::Value::ChronoDateTimeUtc(_)) => query.bind(None::<DateTime<Utc>>),
                Cell::Null(sea_query::Value::Uuid(_)) => query.bind(None::<uuid::Uuid>),
                Cell::Null(_) => query.bind(None::<i64>),
                Cell::Int(n) => query.bind(*n),
                Cell::Bool(b) => query.bind(*b),
                Cell::Id(id) => query.bind(*id),
                Cell::Day(day) => query.bind(*day),
                Cell::At(at) => query.bind(*at),
                Cell::Text(text) => query.bind(text.to_string()),
            };
        }
        query.execute(&mut **conn).await?;
    }
    Ok(batch.iter().map(|p| p.sales.len() as u64).sum())
}

/// Page cache for the load. A rebuilding load writes only at the tables'
/// right edges, so a small cache holds all it revisits; pages it lets go
/// stay in the system's cache, where building the indexes reads them back.
/// The 4 GiB it had when the indexes were written with the rows crowded
/// them out (docs/benchmarks.md, 2026-12-07).
const CACHE_KIB: u64 = 256 << 10;
/// Page cache for a load that keeps the indexes in place: they grow
/// everywhere (by store, by expiry day), so as much of them as fits stays.
const CACHE_KIB_WITH_INDEXES: u64 = 4 << 20;

/// `INSERT INTO table (columns) VALUES (?1, …)`.
fn insert_sql(table: &str, columns: &[&str]) -> String {
    let places: Vec<String> = (1..=columns.len()).map(|n| format!("?{n}")).collect();
    format!("INSERT INTO {table} ({}) VALUES ({})", columns.join(", "), places.join(", "))
}

/// The load on SQLite. Whether it rebuilds the indexes is decided before
/// its transaction: a load that does, with the file to itself, writes the
/// history beside ([`beside`]), whose file is attached outside one.
fn sqlite_load(
    conn: &mut rusqlite::Connection,
    origin: &PurchasesOrigin,
    expected: u64,
    access: Access,
    database: &Path,
    batches: &mut Receiver<Vec<PartyPurchases>>,
) -> Result<u64, DbError> {
    let existing: i64 = conn.query_row("SELECT COUNT(*) FROM sales", [], |r| r.get(0))?;
    let rebuild = expected >= REBUILD_FROM && expected >= existing as u64;
    if !(rebuild && access == Access::Exclusive) {
        return sqlite_transaction(conn, origin, rebuild, None, batches);
    }
    let history = beside::HistoryBeside::start(conn, database, origin)?;
    let loaded = sqlite_transaction(conn, origin, rebuild, Some(history), batches);
    let detached = beside::HistoryBeside::detach(conn);
    let written = loaded?;
    detached?;
    Ok(written)
}

fn sqlite_transaction(
    conn: &mut rusqlite::Connection,
    origin: &PurchasesOrigin,
    rebuild: bool,
    mut history: Option<beside::HistoryBeside>,
    batches: &mut Receiver<Vec<PartyPurchases>>,
) -> Result<u64, DbError> {
    // IMMEDIATE would lock the attached scratch file too, against the
    // thread writing it; the load has the main file to itself then.
    let behavior =
        if history.is_some() { TransactionBehavior::Deferred } else { TransactionBehavior::Immediate };
    let tx = conn.transaction_with_behavior(behavior)?;
    let tables: Vec<&str> = TABLES.iter().map(|(_, table, _)| *table).collect();
    let dropped = if rebuild {
        drop_indexes(&tx, &tables, "")?
    } else {
        tx.pragma_update(None, "cache_size", format!("-{CACHE_KIB_WITH_INDEXES}"))?;
        Vec::new()
    };
    let started = std::time::Instant::now();
    let (mut written, mut waited) = (0, std::time::Duration::ZERO);
    {
        let mut statements = Vec::new();
        for (_, table, columns) in TABLES {
            statements.push(tx.prepare(&insert_sql(table, columns))?);
        }
        // `?N` binds by number; SQLite numbers `$N` in order of appearance.
        let mut figures = tx.prepare(&FIGURES.replace('$', "?"))?;
        loop {
            let wait = std::time::Instant::now();
            let Some(batch) = batches.blocking_recv() else { break };
            waited += wait.elapsed();
            let batch = Arc::new(batch);
            if let Some(history) = &mut history {
                history.send(batch.clone())?;
            }
            let history_beside = history.is_some();
            for purchases in batch.iter() {
                each_row(origin, purchases, &mut |table, cells| {
                    if !(history_beside && beside::written_beside(table)) {
                        statements[table as usize].execute(rusqlite::params_from_iter(cells))?;
                    }
                    Ok(())
                })?;
                figures.execute(rusqlite::params_from_iter(figures_cells(origin, purchases).iter()))?;
                written += purchases.sales.len() as u64;
            }
        }
    }
    if let Some(history) = history {
        history.copy_into(&tx)?;
    }
    let wrote = started.elapsed();
    build_indexes(&tx, &dropped)?;
    let rebuilt = started.elapsed() - wrote;
    tx.commit()?;
    tracing::info!(
        written,
        rebuild,
        waiting_for_batches_s = waited.as_secs_f64(),
        writing_s = (wrote - waited).as_secs_f64(),
        rebuilding_indexes_s = rebuilt.as_secs_f64(),
        committing_s = (started.elapsed() - wrote - rebuilt).as_secs_f64(),
        "purchases load phases"
    );
    Ok(written)
}
