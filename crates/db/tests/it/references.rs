//! A transaction that skips SQLite's row-by-row foreign-key lookups (the
//! ERP's batches of sales) leaves them on for every transaction after it,
//! whether it commits or rolls back.
use crate::repositories::seed_user;
use chrono::Utc;
use db::repo::session::{self, NewSession};
use db::{Backend, Tx};
use domain::{OrgId, UserId};
use testkit::{TestDb, db_test};

/// A session of a user who does not exist: refused where foreign keys are checked.
async fn dangling_session(tx: &mut Tx, org: OrgId, token: &str) -> Result<(), db::DbError> {
    let session =
        NewSession { token_hash: token, org_id: org, user_id: UserId::new(), ip: None, user_agent: None };
    session::insert(tx, &session, Utc::now()).await
}

async fn references_are_checked_again_after_a_transaction_that_skipped_them(t: TestDb) {
    let (org, _) = seed_user(&t, "caixa@loja.test").await;
    let skipping_on_sqlite = t.db.backend() == Backend::Sqlite;

    let mut tx = t.db.begin_skipping_reference_lookups().await.expect("begin");
    let written = dangling_session(&mut tx, org, "a").await;
    assert_eq!(written.is_ok(), skipping_on_sqlite, "{written:?}");
    drop(tx);
    let mut tx = t.db.begin().await.expect("begin");
    assert!(dangling_session(&mut tx, org, "b").await.is_err(), "checked after a rollback");
    drop(tx);

    let mut tx = t.db.begin_skipping_reference_lookups().await.expect("begin");
    if skipping_on_sqlite {
        dangling_session(&mut tx, org, "c").await.expect("not looked up");
        assert!(session::delete(&mut tx, "c").await.expect("delete"));
    }
    tx.commit().await.expect("commit");
    let mut tx = t.db.begin().await.expect("begin");
    assert!(dangling_session(&mut tx, org, "d").await.is_err(), "checked after a commit");
}
db_test!(references_are_checked_again_after_a_transaction_that_skipped_them);
