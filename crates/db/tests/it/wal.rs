//! SQLite's write-ahead log is copied into the database file while the
//! database is in use, so that reads do not look their pages up in a long
//! log (see `keep_wal_short` in `db/src/lib.rs`).
use crate::repositories::seed_user;
use db::Db;
use std::time::Duration;
use testkit::TestDb;

/// The frames in the log now, as a checkpoint of our own reports them.
fn frames_in_log(file: &std::path::Path) -> i64 {
    let side = rusqlite::Connection::open(file).expect("open");
    side.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |row| row.get(1)).expect("checkpoint")
}

#[tokio::test]
async fn the_log_starts_again_after_a_pause_in_the_writes() {
    let t = TestDb::sqlite().await;
    let Db::Sqlite(sqlite) = &t.db else { unreachable!("SQLite only") };
    for n in 0..100 {
        seed_user(&t, &format!("vendedor{n}@loja.test")).await;
    }
    // The background checkpoint copies the hundred writes' frames; the
    // next write starts the log from its beginning.
    tokio::time::sleep(Duration::from_millis(1_000)).await;
    seed_user(&t, "depois@loja.test").await;
    let frames = frames_in_log(sqlite.file());
    // A hundred writes leave hundreds of frames (the automatic checkpoint
    // waits for 10,000); one write leaves a few.
    assert!(frames < 50, "{frames} frames in the log after one write");
}
