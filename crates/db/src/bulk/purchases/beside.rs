//! The purchases' history written beside the load.
//!
//! A load's rows all go through one SQLite writer on one core, while the
//! generator leaves most of the other core idle. The history events and
//! points entries (26 of the demo's 67 million rows) took 63 s of its 163
//! s of writing (docs/benchmarks.md, 2026-12-07). So a load with the file
//! to itself hands every batch to a thread too, which writes those two
//! tables into a scratch file beside the database; at the end the load
//! copies them in, within its own transaction, at a fraction of the cost
//! of writing them row by row.
use super::{PartyPurchases, PurchasesOrigin, TABLES, Table, each_row, insert_sql};
use crate::DbError;
use crate::bulk::{open_scratch, scratch_path};
use rusqlite::{Connection, Transaction};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::JoinHandle;

/// The tables written beside.
const BESIDE: [Table; 2] = [Table::Events, Table::Points];

/// The name the scratch file is attached under on the load's connection.
const SCHEMA: &str = "history";

/// Batches in flight to the writer beside, at most.
const IN_FLIGHT: usize = 4;

/// Whether the load leaves a table's rows to the writer beside.
pub(super) fn written_beside(table: Table) -> bool {
    BESIDE.contains(&table)
}

/// The writer beside and its file, attached to the load's connection.
/// Dropped before [`HistoryBeside::copy_into`], it lets the writer stop
/// and removes the file.
pub(super) struct HistoryBeside {
    sender: Option<SyncSender<Arc<Vec<PartyPurchases>>>>,
    writer: Option<JoinHandle<Result<(), DbError>>>,
    scratch: PathBuf,
}

impl HistoryBeside {
    /// Creates the scratch file with the tables' definitions, attaches it
    /// to `conn` (which cannot be in a transaction) and starts the writer.
    pub(super) fn start(
        conn: &Connection,
        database: &Path,
        origin: &PurchasesOrigin,
    ) -> Result<HistoryBeside, DbError> {
        let scratch = scratch_path(database, SCHEMA);
        let beside = open_scratch(&scratch, 64 << 10)?;
        for table in BESIDE {
            let definition: String = conn.query_row(
                "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?1",
                [TABLES[table as usize].1],
                |r| r.get(0),
            )?;
            beside.execute_batch(&definition)?;
        }
        conn.execute(&format!("ATTACH DATABASE ?1 AS {SCHEMA}"), [scratch.to_string_lossy()])?;
        let (sender, batches) = sync_channel(IN_FLIGHT);
        let origin = origin.clone();
        let writer = std::thread::spawn(move || write(&beside, &origin, &batches));
        Ok(HistoryBeside { sender: Some(sender), writer: Some(writer), scratch })
    }

    /// Hands a batch to the writer.
    pub(super) fn send(&mut self, batch: Arc<Vec<PartyPurchases>>) -> Result<(), DbError> {
        let sender = self.sender.as_ref().expect("sending before the copy");
        match sender.send(batch) {
            Ok(()) => Ok(()),
            Err(_) => {
                Err(self.finish().err().unwrap_or_else(|| DbError::Bulk("the history writer stopped".into())))
            }
        }
    }

    /// Waits for the writer, then copies its tables into the load's.
    pub(super) fn copy_into(mut self, tx: &Transaction<'_>) -> Result<(), DbError> {
        let waiting = std::time::Instant::now();
        self.finish()?;
        let waited = waiting.elapsed();
        let copying = std::time::Instant::now();
        for table in BESIDE {
            let name = TABLES[table as usize].1;
            tx.execute_batch(&format!("INSERT INTO main.{name} SELECT * FROM {SCHEMA}.{name}"))?;
        }
        tracing::debug!(
            waiting_for_writer_s = waited.as_secs_f64(),
            copying_s = copying.elapsed().as_secs_f64(),
            "history written beside copied in"
        );
        Ok(())
    }

    /// Detaches the scratch file from `conn`, outside the transaction.
    pub(super) fn detach(conn: &Connection) -> Result<(), DbError> {
        conn.execute_batch(&format!("DETACH DATABASE {SCHEMA}"))?;
        Ok(())
    }

    /// Tells the writer there is no more and waits for it.
    fn finish(&mut self) -> Result<(), DbError> {
        self.sender = None;
        match self.writer.take() {
            Some(writer) => writer.join().map_err(|_| DbError::Bulk("the history writer panicked".into()))?,
            None => Ok(()),
        }
    }
}

impl Drop for HistoryBeside {
    fn drop(&mut self) {
        // The writer stops at the closed channel; the file's pages go when
        // the last connection to it closes.
        self.sender = None;
        let _ = std::fs::remove_file(&self.scratch);
    }
}

/// Removes the scratch file of a load the program stopped in (its
/// transaction never committed, so nothing else is left of it).
pub(crate) fn remove_left_over(database: &Path) {
    let scratch = scratch_path(database, SCHEMA);
    if std::fs::remove_file(&scratch).is_ok() {
        tracing::warn!(file = %scratch.display(), "removed the scratch file of a purchases load that was stopped");
    }
}

/// Writes the tables beside of every batch received, in one transaction.
fn write(
    conn: &Connection,
    origin: &PurchasesOrigin,
    batches: &Receiver<Arc<Vec<PartyPurchases>>>,
) -> Result<(), DbError> {
    conn.execute_batch("BEGIN")?;
    {
        let mut statements = Vec::new();
        for (table, name, columns) in TABLES {
            statements.push(if written_beside(table) {
                Some(conn.prepare(&insert_sql(name, columns))?)
            } else {
                None
            });
        }
        for batch in batches {
            for purchases in batch.iter() {
                each_row(origin, purchases, &mut |table, cells| {
                    if let Some(statement) = &mut statements[table as usize] {
                        statement.execute(rusqlite::params_from_iter(cells))?;
                    }
                    Ok(())
                })?;
            }
        }
    }
    conn.execute_batch("COMMIT")?;
    Ok(())
}
