use db::migrate::{MIGRATIONS, run, schema_shape};
use db::repo::merge::{PARTY_COPIES, PARTY_REFERENCES};
use db::repo::party::{BulkParty, search_rowid};
use domain::OrgId;
use domain::party::{search_text, sort_name};
use testkit::{TestDb, db_test};

/// Parties written with the columns of migration 0002 only: today's
/// writers fill columns that later migrations add, which a test of an
/// older migration does not have yet.
async fn insert_at_first_schema(t: &TestDb, org: OrgId, batch: &[BulkParty]) {
    let now = chrono::Utc::now();
    let mut tx = t.db.begin().await.expect("begin");
    for bulk in batch {
        let party = &bulk.party;
        db::on_tx!(&mut tx, conn => {
            sqlx::query(
                "INSERT INTO parties (id, org_id, kind, lifecycle, full_name, sort_name, seller_id, search_text,
                    search_rowid, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)",
            )
            .bind(bulk.id.0)
            .bind(org.0)
            .bind(party.kind.as_str())
            .bind(party.lifecycle.as_str())
            .bind(&party.full_name)
            .bind(sort_name(&party.full_name))
            .bind(party.seller_id.map(|seller| seller.0))
            .bind(search_text(party))
            .bind(search_rowid(bulk.id))
            .bind(now)
            .execute(&mut *conn)
            .await
            .expect("a party at the first schema");
        });
    }
    tx.commit().await.expect("commit");
}

async fn migrating_twice_changes_nothing(t: TestDb) {
    let before = schema_shape(&t.db).await.expect("shape");
    let applied = run(&t.db).await.expect("second run");
    assert!(applied.is_empty(), "nothing left to apply, got {applied:?}");
    assert_eq!(before, schema_shape(&t.db).await.expect("shape"));
}
db_test!(migrating_twice_changes_nothing);

async fn every_table_is_scoped_by_organisation(t: TestDb) {
    let shape = schema_shape(&t.db).await.expect("shape");
    let mut tables: Vec<&str> = shape.iter().map(|(table, _)| table.as_str()).collect();
    tables.dedup();
    for table in tables {
        // The organisations themselves, and the database's own bookkeeping.
        if ["organisations", "schema_migrations", "unfinished_loads"].contains(&table) {
            continue;
        }
        assert!(shape.iter().any(|(t, c)| t == table && c == "org_id"), "table {table} has no org_id column");
    }
}
db_test!(every_table_is_scoped_by_organisation);

#[tokio::test]
async fn both_backends_end_with_the_same_tables_and_columns() {
    let sqlite = TestDb::sqlite().await;
    let Some(postgres) = TestDb::postgres().await else { return };
    let sqlite_shape = schema_shape(&sqlite.db).await.expect("sqlite shape");
    let postgres_shape = schema_shape(&postgres.db).await.expect("postgres shape");
    assert!(!sqlite_shape.is_empty());
    assert_eq!(sqlite_shape, postgres_shape);
}

#[test]
fn migration_versions_increase_without_gaps() {
    for (index, migration) in MIGRATIONS.iter().enumerate() {
        assert_eq!(migration.version, index as i64 + 1, "migration {}", migration.name);
    }
}

/// A table that points at parties and that merging forgets would leave a
/// merged customer's rows behind: every such column is moved by the merge
/// and put back by its undo, or copied and deleted again.
async fn every_column_pointing_at_a_party_is_merged(t: TestDb) {
    let shape = schema_shape(&t.db).await.expect("shape");
    let forgotten: Vec<String> = shape
        .iter()
        .filter(|(_, column)| column == "party_id" || column.ends_with("_party_id"))
        .filter(|(table, column)| {
            !PARTY_REFERENCES.contains(&(table.as_str(), column.as_str()))
                && !PARTY_COPIES.contains(&table.as_str())
        })
        .map(|(table, column)| format!("{table}.{column}"))
        .collect();
    assert!(forgotten.is_empty(), "not carried by a merge: {forgotten:?} (db/src/repo/merge.rs)");
}
db_test!(every_column_pointing_at_a_party_is_merged);

/// Migration 0009 indexes each word under the organisation, branch and
/// seller: the parties a database already holds must be found after it, by
/// their organisation and by their seller.
async fn the_scope_migration_indexes_the_parties_already_there(t: TestDb) {
    use db::repo::party::{Scope, search};
    use domain::access::Reach;
    let (org, seller) = crate::repositories::seed_user(&t, "carteira@exemplo.com.br").await;
    insert_at_first_schema(&t, org, &crate::bulk::parties(30, seller)).await;
    assert_eq!(db::migrate::run_until(&t.db, 9).await.expect("migrate"), [9]);
    // Today's search reads columns later migrations add; none of them
    // touches the words.
    run(&t.db).await.expect("migrate to the newest");
    for reach in [Reach::Everything, Reach::OwnedBy(seller)] {
        let scope = Scope { org_id: org, reach };
        // Three letters at least: one or two stop at the names that start
        // with them (25 of the 30 here) before the words are read.
        for typed in [&["pessoa", "carga", "7"][..], &["pes"], &["car"]] {
            let terms: Vec<String> = typed.iter().map(|t| t.to_string()).collect();
            let found = search(&t.db, &scope, &terms, 100, 10).await.expect("search");
            assert!(found.iter().any(|p| p.sort_name == "pessoa carga 7"), "{reach:?} {typed:?}: {found:?}");
        }
    }
}
db_test!(the_scope_migration_indexes_the_parties_already_there, schema = 8);

/// Consents recorded on the sheet stored its label in the recorder's
/// language; the migration turns them into the code each reader's
/// language names, and leaves any other source as written.
async fn the_sheets_consent_labels_become_its_code(t: TestDb) {
    use db::repo::party::{NewConsentEvent, consent_history, record_consent};
    use domain::party::Channel;
    let (org, seller) = crate::repositories::seed_user(&t, "consentimento@exemplo.com.br").await;
    let batch = crate::bulk::parties(1, seller);
    let party = batch[0].id;
    insert_at_first_schema(&t, org, &batch).await;
    let mut tx = t.db.begin().await.expect("begin");
    for source in ["Ficha do cliente", "Customer sheet", "balcão da loja"] {
        let event = NewConsentEvent {
            org_id: org,
            party_id: party,
            channel: Channel::Email,
            granted: true,
            source,
            wording: "",
            recorded_by: Some(seller),
            recorded_by_label: "Vendedor",
        };
        record_consent(&mut tx, &event, chrono::Utc::now()).await.expect("record");
    }
    tx.commit().await.expect("commit");
    assert_eq!(db::migrate::run_until(&t.db, 15).await.expect("migrate"), [15]);
    let mut sources: Vec<String> =
        consent_history(&t.db, org, party).await.expect("history").into_iter().map(|e| e.source).collect();
    sources.sort();
    assert_eq!(sources, ["balcão da loja", "sheet", "sheet"]);
}
db_test!(the_sheets_consent_labels_become_its_code, schema = 14);
