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

/// Closing the database closes every connection, also one being handed
/// back to its pool by a query that had just finished: a bulk load then
/// finds the file to itself and can leave WAL mode. sqlx's own `close`
/// left such a connection open within a few of these rounds.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closing_leaves_no_connection_open() {
    let dir = tempfile::tempdir().expect("temporary directory");
    for round in 0..40 {
        let file = dir.path().join(format!("round{round}.db"));
        let db = Db::connect(&format!("sqlite://{}", file.display())).await.expect("open");
        let Db::Sqlite(sqlite) = &db else { unreachable!("SQLite only") };
        db.ping().await.expect("write side");
        sqlx::query("SELECT 1").execute(&sqlite.reader()).await.expect("read");
        db.close().await;
        let alone = rusqlite::Connection::open(&file).expect("open alone");
        let mode: String = alone
            .query_row("PRAGMA journal_mode = truncate", [], |row| row.get(0))
            .unwrap_or_else(|error| panic!("round {round}: the file is still open elsewhere ({error})"));
        assert_eq!(mode, "truncate", "round {round}");
    }
}
