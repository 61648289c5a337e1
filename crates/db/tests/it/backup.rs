//! Copies of a SQLite database taken while it is in use, and put back.
use crate::repositories::seed_user;
use db::Db;
use db::backup::{self, BackupError};
use testkit::TestDb;

async fn count_users(db: &Db) -> i64 {
    let Db::Sqlite(sqlite) = db else { unreachable!("SQLite only") };
    sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(&sqlite.reader()).await.expect("count")
}

fn file_of(db: &Db) -> std::path::PathBuf {
    let Db::Sqlite(sqlite) = db else { unreachable!("SQLite only") };
    sqlite.file().to_path_buf()
}

#[tokio::test]
async fn a_copy_taken_in_use_restores_what_it_held() {
    let t = TestDb::sqlite().await;
    seed_user(&t, "antes@loja.test").await;
    let folder = tempfile::tempdir().expect("folder");
    let copy = folder.path().join("copia.db");
    let bytes = backup::copy_to(&t.db, &copy).await.expect("copy while open");
    assert!(bytes > 0);
    assert!(matches!(backup::copy_to(&t.db, &copy).await, Err(BackupError::TargetExists(_))));
    seed_user(&t, "depois@loja.test").await;
    assert_eq!(count_users(&t.db).await, 2);

    let live = file_of(&t.db);
    let newest = db::migrate::newest_known();
    let refused = backup::restore(&copy, &live, newest, chrono::Utc::now());
    assert!(matches!(refused, Err(BackupError::InUse(_))), "the server still has it open: {refused:?}");

    t.db.close().await;
    // sqlx's SQLite workers let go of the file on their own threads, a
    // moment after the pool says it closed (seen on a loaded machine).
    let mut restored = backup::restore(&copy, &live, newest, chrono::Utc::now());
    for _ in 0..50 {
        if !matches!(restored, Err(BackupError::InUse(_))) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        restored = backup::restore(&copy, &live, newest, chrono::Utc::now());
    }
    let saved = restored.expect("restore").expect("kept");
    let reopened = Db::connect(&format!("sqlite://{}", live.display())).await.expect("open");
    assert_eq!(count_users(&reopened).await, 1, "what the copy held");
    reopened.close().await;
    let before = Db::connect(&format!("sqlite://{}", saved.display())).await.expect("open the kept file");
    assert_eq!(count_users(&before).await, 2, "what the file held before the restore is kept");
    before.close().await;

    let newer = backup::restore(&copy, &live, newest - 1, chrono::Utc::now());
    assert!(matches!(newer, Err(BackupError::NewerSchema(..))), "{newer:?}");
    let junk = folder.path().join("nada.db");
    std::fs::write(&junk, b"not a database").expect("write");
    assert!(matches!(
        backup::restore(&junk, &live, newest, chrono::Utc::now()),
        Err(BackupError::NotABackup(..)) | Err(BackupError::Sqlite(_))
    ));
}

#[tokio::test]
async fn copies_before_migrations_keep_the_newest_five() {
    let t = TestDb::sqlite().await;
    assert_eq!(backup::before_migration(&t.db, 0, chrono::Utc::now()).await.expect("new file"), None);
    let start = chrono::Utc::now();
    let mut made = Vec::new();
    for minute in 0..7 {
        let at = start + chrono::Duration::minutes(minute);
        made.push(backup::before_migration(&t.db, 8, at).await.expect("copy").expect("a file with data"));
    }
    let folder = made[0].parent().expect("backups folder");
    let mut kept: Vec<_> =
        std::fs::read_dir(folder).expect("list").map(|e| e.expect("entry").path()).collect();
    kept.sort();
    assert_eq!(kept, made[2..].to_vec(), "the oldest two are gone");
}
