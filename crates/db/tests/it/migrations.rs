use db::migrate::{MIGRATIONS, run, schema_shape};
use testkit::{TestDb, db_test};

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
        if ["organisations", "schema_migrations"].contains(&table) {
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
