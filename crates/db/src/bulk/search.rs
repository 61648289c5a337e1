//! The parties' search index built beside what follows a load.
//!
//! FTS5 took two minutes of a million-customer demo load (each word is
//! indexed three times, under the organisation, the branch and the
//! seller), and the purchases written after it keep one core busy while
//! the other waits. So a load with the database to itself commits its
//! parties without their search index, having read their words, and a
//! thread files those words into an index of the same definition in a
//! scratch file beside the database. [`SearchBuild::finish`] then copies
//! that index's tables over the main one's and mends the parties written
//! since the words were read.
//!
//! The load notes the unfinished work in `unfinished_loads` in its own
//! transaction; if the program stops before the copy, the next start
//! finds the note and builds the index again in place
//! ([`finish_interrupted`]).
use super::{Access, on_own_connection, open_scratch, scratch_path};
use crate::{Db, DbError};
use rusqlite::{Connection, Transaction, TransactionBehavior, params};
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;

const INDEX: &str = "search_fts_parties";

/// Adds the loaded parties to the FTS5 index in one statement. FTS5 keeps
/// the words in memory until they pass `hashsize` and writes them out as a
/// segment, and also whenever a rowid comes lower than the last one: the
/// search rowids are random (the id's random half), so in the parties'
/// order nearly every row made a segment of its own. In rowid order, with
/// 64 MB before each write, a load makes a few dozen (a million parties:
/// 120 s before). Merging segments as they are written (`automerge`) cost
/// a third; one `optimize` at the end leaves a single segment, which
/// searches read fastest.
pub(super) fn rebuild_search(tx: &Transaction<'_>, after_rowid: i64) -> Result<(), DbError> {
    let started = std::time::Instant::now();
    tx.execute_batch(SEARCH_FILED_IN_BULK)?;
    tx.execute(
        "INSERT INTO search_fts_parties (rowid, words)
         SELECT search_rowid, words FROM search_fts_source WHERE party_rowid > ?1 AND live
         ORDER BY search_rowid",
        params![after_rowid],
    )?;
    tx.execute_batch(SEARCH_MERGED)?;
    // FTS5's defaults: the settings are stored with the index.
    tx.execute_batch(
        "INSERT INTO search_fts_parties (search_fts_parties, rank) VALUES ('automerge', 4);
         INSERT INTO search_fts_parties (search_fts_parties, rank) VALUES ('hashsize', 1048576);",
    )?;
    tracing::debug!(search_s = started.elapsed().as_secs_f64(), "search index rebuilt");
    Ok(())
}

/// The search index's settings while a load files its words ([`rebuild_search`]).
const SEARCH_FILED_IN_BULK: &str =
    "INSERT INTO search_fts_parties (search_fts_parties, rank) VALUES ('automerge', 0);
     INSERT INTO search_fts_parties (search_fts_parties, rank) VALUES ('hashsize', 67108864);";
/// Merges the search index's segments into one.
const SEARCH_MERGED: &str = "INSERT INTO search_fts_parties (search_fts_parties) VALUES ('optimize')";

/// The index's own tables (a contentless FTS5 table with deletes keeps no
/// `_content`). Its `_config` stays: the settings are the main index's.
const INDEX_TABLES: [&str; 3] =
    ["search_fts_parties_data", "search_fts_parties_idx", "search_fts_parties_docsize"];

/// Rows handed to the builder at a time.
const CHUNK: usize = 4_096;

/// A hash of each party's words as they were filed, by search rowid.
type Filed = HashMap<i64, u64>;

enum Words {
    Chunk(Vec<(i64, String)>),
    /// Every word was read: without it, a closed channel means the reader failed.
    End,
}

/// The index being built beside; [`SearchBuild::finish`] puts it in place.
/// Dropped unfinished, it stops the builder and removes its file; the
/// load's note makes the next start build the index.
pub(crate) struct SearchBuild {
    builder: Option<std::thread::JoinHandle<Result<Filed, DbError>>>,
    scratch: PathBuf,
    stop: Arc<AtomicBool>,
}

impl SearchBuild {
    /// Notes the work in `tx`, starts the builder and hands it the words of
    /// every live party as `tx` sees them.
    pub(super) fn start(tx: &Transaction<'_>, database: &Path) -> Result<SearchBuild, DbError> {
        tx.execute(
            "INSERT INTO unfinished_loads (work, since) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
            params![INDEX, chrono::Utc::now().to_rfc3339()],
        )?;
        let definition: String =
            tx.query_row("SELECT sql FROM sqlite_master WHERE name = ?1", [INDEX], |r| r.get(0))?;
        let scratch = scratch_path(database, "search");
        let stop = Arc::new(AtomicBool::new(false));
        let (sender, words) = mpsc::channel();
        let builder = {
            let (scratch, stop) = (scratch.clone(), stop.clone());
            std::thread::spawn(move || build(&scratch, &definition, &words, &stop))
        };
        let build = SearchBuild { builder: Some(builder), scratch, stop };
        let mut statement =
            tx.prepare("SELECT search_rowid, words FROM search_fts_source WHERE live ORDER BY search_rowid")?;
        let mut rows = statement.query([])?;
        let mut chunk = Vec::with_capacity(CHUNK);
        while let Some(row) = rows.next()? {
            chunk.push((row.get(0)?, row.get(1)?));
            if chunk.len() == CHUNK
                && sender
                    .send(Words::Chunk(std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK))))
                    .is_err()
            {
                break;
            }
        }
        // A refused send means the builder stopped; `finish` tells why.
        let _ = sender.send(Words::Chunk(chunk)).and_then(|()| sender.send(Words::End));
        Ok(build)
    }

    /// Waits for the builder, then copies its index over the main one and
    /// mends the parties whose words changed since they were read, in one
    /// transaction that also clears the note. Only a load with the file to
    /// itself builds beside, so the copy has the file to itself too.
    pub(super) async fn finish(mut self, db: &Db) -> Result<(), DbError> {
        let Db::Sqlite(sqlite) = db else { return Ok(()) };
        let builder = self.builder.take().expect("finished once");
        let waited = std::time::Instant::now();
        let filed = tokio::task::spawn_blocking(move || builder.join())
            .await
            .map_err(|e| DbError::Bulk(e.to_string()))?
            .map_err(|_| DbError::Bulk("the search index builder panicked".into()))??;
        let waited = waited.elapsed();
        let scratch = self.scratch.clone();
        let copied = std::time::Instant::now();
        on_own_connection(sqlite, Access::Exclusive, 64 << 10, move |conn| {
            copy_and_mend(conn, &scratch, filed)
        })
        .await?;
        tracing::debug!(
            waiting_for_builder_s = waited.as_secs_f64(),
            copying_s = copied.elapsed().as_secs_f64(),
            "search index built beside put in place"
        );
        Ok(())
    }
}

impl Drop for SearchBuild {
    fn drop(&mut self) {
        if self.builder.is_some() {
            self.stop.store(true, Ordering::Relaxed);
        }
        // Removing the file is safe with the builder still writing it: the
        // name goes now, the pages when it closes.
        let _ = std::fs::remove_file(&self.scratch);
    }
}

fn hash_of(words: &str) -> u64 {
    let mut hasher = std::hash::DefaultHasher::new();
    words.hash(&mut hasher);
    hasher.finish()
}

const FILE_WORDS: &str = "INSERT INTO search_fts_parties (rowid, words) VALUES (?1, ?2)";

/// Files every word received into a new index in `scratch`, in rowid order
/// with a large buffer and one merge at the end, as [`rebuild_search`] does.
fn build(
    scratch: &Path,
    definition: &str,
    words: &mpsc::Receiver<Words>,
    stop: &AtomicBool,
) -> Result<Filed, DbError> {
    let started = std::time::Instant::now();
    let conn = open_scratch(scratch, 256 << 10)?;
    conn.execute_batch(definition)?;
    conn.execute_batch(SEARCH_FILED_IN_BULK)?;
    conn.execute_batch("BEGIN")?;
    let mut filed = Filed::new();
    {
        let mut insert = conn.prepare(FILE_WORDS)?;
        loop {
            if stop.load(Ordering::Relaxed) {
                return Err(DbError::Bulk("the search index built beside was dropped".into()));
            }
            match words.recv() {
                Ok(Words::Chunk(chunk)) => {
                    for (rowid, words) in chunk {
                        insert.execute(params![rowid, words])?;
                        filed.insert(rowid, hash_of(&words));
                    }
                }
                Ok(Words::End) => break,
                Err(mpsc::RecvError) => {
                    return Err(DbError::Bulk("the search index's words were not all read".into()));
                }
            }
        }
    }
    conn.execute_batch(SEARCH_MERGED)?;
    conn.execute_batch("COMMIT")?;
    tracing::debug!(
        parties = filed.len(),
        building_s = started.elapsed().as_secs_f64(),
        "search index built beside"
    );
    Ok(filed)
}

/// Puts the scratch index in place of the main one, then files again
/// every party whose words are not the ones filed: written, changed,
/// archived or merged since they were read.
fn copy_and_mend(conn: &mut Connection, scratch: &Path, mut filed: Filed) -> Result<(), DbError> {
    conn.execute("ATTACH DATABASE ?1 AS scratch", [scratch.to_string_lossy()])?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    // FTS5 reads its tables afresh in a transaction that has not used the
    // index before, so the copy is what the mending below sees.
    for table in INDEX_TABLES {
        tx.execute_batch(&format!(
            "DELETE FROM main.{table}; INSERT INTO main.{table} SELECT * FROM scratch.{table};"
        ))?;
    }
    let mut mends: Vec<(i64, bool, Option<String>)> = Vec::new();
    {
        let mut statement = tx.prepare("SELECT search_rowid, words, live FROM search_fts_source")?;
        let mut rows = statement.query([])?;
        while let Some(row) = rows.next()? {
            let (rowid, words, live): (i64, String, bool) = (row.get(0)?, row.get(1)?, row.get(2)?);
            let was = filed.remove(&rowid);
            if live && was == Some(hash_of(&words)) || !live && was.is_none() {
                continue;
            }
            mends.push((rowid, was.is_some(), live.then_some(words)));
        }
    }
    // Filed but gone from the parties.
    mends.extend(filed.into_keys().map(|rowid| (rowid, true, None)));
    {
        let mut delete = tx.prepare(&format!("DELETE FROM {INDEX} WHERE rowid = ?1"))?;
        let mut insert = tx.prepare(FILE_WORDS)?;
        for (rowid, was_filed, words) in &mends {
            if *was_filed {
                delete.execute([rowid])?;
            }
            if let Some(words) = words {
                insert.execute(params![rowid, words])?;
            }
        }
    }
    tx.execute("DELETE FROM unfinished_loads WHERE work = ?1", [INDEX])?;
    tx.commit()?;
    conn.execute_batch("DETACH DATABASE scratch")?;
    tracing::debug!(mended = mends.len(), "search index mended");
    Ok(())
}

/// The migration that creates `unfinished_loads`.
pub(crate) const NOTED_SINCE_MIGRATION: i64 = 51;

/// Builds the search index in place if a load noted it unfinished (the
/// program stopped between the load's commit and [`SearchBuild::finish`]).
/// Only for a database migrated at least to [`NOTED_SINCE_MIGRATION`].
pub(crate) async fn finish_interrupted(db: &Db) -> Result<(), DbError> {
    let Db::Sqlite(sqlite) = db else { return Ok(()) };
    let noted: Option<String> = sqlx::query_scalar("SELECT since FROM unfinished_loads WHERE work = $1")
        .bind(INDEX)
        .fetch_optional(&sqlite.writer())
        .await?;
    let Some(since) = noted else { return Ok(()) };
    tracing::warn!(since, "a bulk load stopped before its search index was in place: building it again");
    let database = sqlite.file().to_path_buf();
    on_own_connection(sqlite, Access::Shared, 64 << 10, move |conn| {
        let _ = std::fs::remove_file(scratch_path(&database, "search"));
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute_batch(&format!("INSERT INTO {INDEX} ({INDEX}) VALUES ('delete-all')"))?;
        rebuild_search(&tx, 0)?;
        tx.execute("DELETE FROM unfinished_loads WHERE work = ?1", [INDEX])?;
        tx.commit()?;
        Ok(())
    })
    .await
}
