use crate::repositories::seed_user;
use chrono::Utc;
use db::bulk::{Access, LoadOrigin, load_parties};
use db::repo::party::{BulkParty, count_all};
use domain::party::{ConsentState, PartyDraft};
use domain::phone::Country;
use domain::pipeline::NegotiationStage;
use domain::{OrgId, PartyId, UserId};
use testkit::{TestDb, db_test};

/// `count` valid people owned by `seller`, named "Pessoa Carga N".
pub(crate) fn parties(count: usize, seller: UserId) -> Vec<BulkParty> {
    (0..count)
        .map(|n| {
            let draft = PartyDraft { full_name: format!("Pessoa Carga {n}"), ..Default::default() };
            let mut party = draft.validate(Country::Brazil, Utc::now().date_naive()).expect("valid");
            party.seller_id = Some(seller);
            BulkParty {
                id: PartyId::new(),
                party,
                consent: ConsentState::default(),
                branch: None,
                stage: NegotiationStage::FirstContact,
            }
        })
        .collect()
}

pub(crate) async fn load(
    t: &TestDb,
    org: OrgId,
    batch: Vec<BulkParty>,
    access: Access,
) -> Result<u64, db::DbError> {
    let (sender, batches) = tokio::sync::mpsc::channel(1);
    let expected = batch.len() as u64;
    sender.send(batch).await.expect("send");
    drop(sender);
    let origin =
        LoadOrigin { org_id: org, source: "import".into(), by_label: "teste".into(), now: Utc::now() };
    load_parties(&t.db, origin, expected, access, batches).await?.finish(&t.db).await
}

async fn bulk_loads_refuse_unknown_sellers_and_write_nothing(t: TestDb) {
    let (org, seller) = seed_user(&t, "vendedor@exemplo.com.br").await;
    for access in [Access::Shared, Access::Exclusive] {
        let refused = load(&t, org, parties(3, UserId::new()), access).await;
        assert!(refused.is_err(), "{access:?}: a seller that does not exist is refused");
        assert_eq!(count_all(&t.db, org).await.expect("count"), 0, "{access:?}: nothing written");
    }
    // Another organisation's user is not a seller here either.
    let (_, stranger) = seed_user(&t, "outro@exemplo.com.br").await;
    assert!(load(&t, org, parties(2, stranger), Access::Shared).await.is_err());
    assert_eq!(count_all(&t.db, org).await.expect("count"), 0);
    let written = load(&t, org, parties(12_000, seller), Access::Exclusive).await.expect("load");
    assert_eq!(written, 12_000);
    // The pools are open again after an exclusive load, the file back in WAL.
    assert_eq!(count_all(&t.db, org).await.expect("count"), 12_000);
    if t.db.backend() == db::Backend::Sqlite {
        let mode: String = db::on_db!(&t.db, pool => sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(pool)
            .await
            .expect("journal mode"));
        assert_eq!(mode, "wal");
    }
}
db_test!(bulk_loads_refuse_unknown_sellers_and_write_nothing);

/// A load large enough to rebuild the search index writes it in the
/// rowids' order with a larger buffer: every party loaded is found by a
/// word inside its name and by a prefix, under the organisation and under
/// its seller, and the index's settings are FTS5's defaults again.
async fn a_rebuilt_search_index_finds_every_party_loaded(t: TestDb) {
    use db::repo::party::{Scope, search};
    use domain::access::Reach;
    let (org, seller) = crate::repositories::seed_user(&t, "indice@exemplo.com.br").await;
    let written = load(&t, org, parties(12_000, seller), Access::Shared).await.expect("load");
    assert_eq!(written, 12_000);
    for reach in [Reach::Everything, Reach::OwnedBy(seller)] {
        let scope = Scope { org_id: org, reach };
        for n in [0, 4_999, 11_999] {
            for typed in [vec!["carga".to_string(), n.to_string()], vec![n.to_string()]] {
                let found = search(&t.db, &scope, &typed, 100, 10).await.expect("search");
                let wanted = format!("Pessoa Carga {n}");
                assert!(
                    found.iter().any(|p| p.sort_name == domain::search::fold(&wanted)),
                    "{reach:?} {typed:?}: {found:?}"
                );
            }
        }
    }
    if t.db.backend() == db::Backend::Sqlite {
        let settings: Vec<(String, i64)> = db::on_db!(&t.db, pool => sqlx::query_as(
            "SELECT k, v FROM search_fts_parties_config WHERE k IN ('automerge', 'hashsize') ORDER BY k",
        )
        .fetch_all(pool)
        .await
        .expect("settings"));
        assert_eq!(settings, [("automerge".to_string(), 4), ("hashsize".to_string(), 1_048_576)]);
    }
}
db_test!(a_rebuilt_search_index_finds_every_party_loaded);

/// Whether a search for `typed` within the organisation finds `party`.
async fn finds(t: &TestDb, org: OrgId, typed: &[&str], party: PartyId) -> bool {
    use db::repo::party::{Scope, search};
    let scope = Scope { org_id: org, reach: domain::access::Reach::Everything };
    let typed: Vec<String> = typed.iter().map(|word| word.to_string()).collect();
    let found = search(&t.db, &scope, &typed, 20_000, 20_000).await.expect("search");
    found.iter().any(|candidate| candidate.id == party.0)
}

async fn execute(t: &TestDb, sql: &str, party: Option<PartyId>) {
    let mut tx = t.db.begin().await.expect("begin");
    db::on_tx!(&mut tx, conn => {
        let mut query = sqlx::query(sql);
        if let Some(party) = party {
            query = query.bind(party.0);
        }
        query.execute(&mut *conn).await.map(|_| ()).expect(sql)
    });
    tx.commit().await.expect("commit");
}

/// The index FTS5 keeps is consistent with itself (a bad copy fails this).
async fn assert_index_consistent(t: &TestDb) {
    let check = "INSERT INTO search_fts_parties (search_fts_parties, rank) VALUES ('integrity-check', 0)";
    execute(t, check, None).await;
}

/// A load with the database to itself commits its parties and files their
/// words into a search index beside: until it is finished the main index
/// lacks them; once finished it holds every party as it stands then,
/// written, renamed or archived meanwhile (SQLite; PostgreSQL's index is
/// written with the rows).
async fn a_search_index_built_beside_holds_what_was_written_meanwhile(t: TestDb) {
    let db::Db::Sqlite(sqlite) = &t.db else { return };
    let (org, seller) = seed_user(&t, "beside@exemplo.com.br").await;
    let loaded = parties(12_000, seller);
    let ids: Vec<PartyId> = loaded.iter().map(|bulk| bulk.id).collect();
    let (sender, batches) = tokio::sync::mpsc::channel(1);
    sender.send(loaded).await.expect("send");
    drop(sender);
    let origin = LoadOrigin { org_id: org, source: "demo".into(), by_label: "teste".into(), now: Utc::now() };
    let beside = load_parties(&t.db, origin, 12_000, Access::Exclusive, batches).await.expect("load");
    assert!(!finds(&t, org, &["carga", "4999"], ids[4_999]).await, "not in the index before it is finished");
    // Meanwhile: one renamed, one archived, two new.
    execute(&t, "UPDATE parties SET search_text = 'pessoa renomeada' WHERE id = $1", Some(ids[7])).await;
    execute(&t, "UPDATE parties SET archived_at = '2026-12-07T00:00:00Z' WHERE id = $1", Some(ids[8])).await;
    let mut newcomers = parties(2, seller);
    for (n, bulk) in newcomers.iter_mut().enumerate() {
        bulk.party.full_name = format!("Pessoa Chegada {n}");
    }
    let newcomer = newcomers[1].id;
    assert_eq!(load(&t, org, newcomers, Access::Shared).await.expect("newcomers"), 2);
    assert_eq!(beside.finish(&t.db).await.expect("finish"), 12_000);
    assert_index_consistent(&t).await;
    for n in [0, 4_999, 11_999] {
        assert!(finds(&t, org, &["carga", &n.to_string()], ids[n]).await, "party {n}");
    }
    assert!(finds(&t, org, &["renomeada"], ids[7]).await, "the new name");
    assert!(!finds(&t, org, &["carga", "7"], ids[7]).await, "not the old one");
    assert!(!finds(&t, org, &["carga", "8"], ids[8]).await, "archived");
    assert!(finds(&t, org, &["chegada", "1"], newcomer).await, "written meanwhile");
    let mut scratch = sqlite.file().as_os_str().to_owned();
    scratch.push("-search");
    assert!(!std::path::Path::new(&scratch).exists(), "the scratch file is removed");
    let unfinished: i64 = db::on_db!(&t.db, pool => sqlx::query_scalar("SELECT COUNT(*) FROM unfinished_loads")
        .fetch_one(pool)
        .await
        .expect("notes"));
    assert_eq!(unfinished, 0);
}
db_test!(a_search_index_built_beside_holds_what_was_written_meanwhile);

/// A program stopped between such a load and its finish builds the search
/// index at its next start (the migrations' run), from the load's note.
async fn a_search_index_left_unfinished_is_built_at_the_next_start(t: TestDb) {
    if t.db.backend() != db::Backend::Sqlite {
        return;
    }
    let (org, seller) = seed_user(&t, "parado@exemplo.com.br").await;
    let loaded = parties(12_000, seller);
    let wanted = loaded[4_999].id;
    let (sender, batches) = tokio::sync::mpsc::channel(1);
    sender.send(loaded).await.expect("send");
    drop(sender);
    let origin = LoadOrigin { org_id: org, source: "demo".into(), by_label: "teste".into(), now: Utc::now() };
    let stopped = load_parties(&t.db, origin, 12_000, Access::Exclusive, batches).await.expect("load");
    drop(stopped);
    assert!(!finds(&t, org, &["carga", "4999"], wanted).await);
    db::migrate::run(&t.db).await.expect("start");
    assert!(finds(&t, org, &["carga", "4999"], wanted).await);
    assert_index_consistent(&t).await;
}
db_test!(a_search_index_left_unfinished_is_built_at_the_next_start);

/// A load large enough to drop the parties' indexes creates every one
/// again, and leaves the planner statistics of the tables it rebuilt
/// (SQLite; PostgreSQL keeps its indexes through a load). The parties'
/// statistics count the twelve thousand.
async fn a_rebuilding_load_puts_back_every_index_and_analyses_its_tables(t: TestDb) {
    if t.db.backend() != db::Backend::Sqlite {
        return;
    }
    let indexes = || async {
        let names: Vec<String> = db::on_db!(&t.db, pool => sqlx::query_scalar(
            "SELECT name FROM sqlite_master WHERE type IN ('index', 'trigger') ORDER BY name",
        )
        .fetch_all(pool)
        .await
        .expect("indexes"));
        names
    };
    let before = indexes().await;
    let (org, seller) = seed_user(&t, "estatisticas@exemplo.com.br").await;
    load(&t, org, parties(12_000, seller), Access::Exclusive).await.expect("load");
    assert_eq!(indexes().await, before);
    // Every index of the parties has its line; a whole-table one counts
    // the twelve thousand first (a partial one, the rows it holds).
    let statistics: Vec<(String, String)> = db::on_db!(&t.db, pool => sqlx::query_as(
        "SELECT idx, stat FROM sqlite_stat1 WHERE tbl = 'parties' AND idx NOT LIKE 'sqlite_%' ORDER BY idx",
    )
    .fetch_all(pool)
    .await
    .expect("statistics"));
    let analysed: Vec<&str> = statistics.iter().map(|(index, _)| index.as_str()).collect();
    let parties_indexes: Vec<String> = db::on_db!(&t.db, pool => sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'parties' AND sql IS NOT NULL ORDER BY name",
    )
    .fetch_all(pool)
    .await
    .expect("indexes"));
    assert_eq!(analysed, parties_indexes);
    let by_name = statistics.iter().find(|(index, _)| index == "parties_org_name").expect("by name");
    assert!(by_name.1.starts_with("12000 "), "{statistics:?}");
}
db_test!(a_rebuilding_load_puts_back_every_index_and_analyses_its_tables);

/// A purchase at `store` with a points lot.
fn purchase(id: domain::SaleId, store: domain::StoreId) -> db::bulk::purchases::LoadedSale {
    use domain::sale::{PaymentForm, ValidItem, ValidSale};
    let item = ValidItem {
        product_id: None,
        description: "Troca de óleo".into(),
        quantity_milli: 1000,
        unit_price: domain::Money(12_000),
        discount: domain::Money(0),
        total: domain::Money(12_000),
    };
    let sale = ValidSale {
        store_id: store,
        sold_at: Utc::now(),
        seller_code: String::new(),
        items: vec![item],
        total: domain::Money(12_000),
        coupon: None,
        bonus: domain::Money(0),
        payment: PaymentForm::Cash,
        installments: Vec::new(),
        fiscal_number: String::new(),
        fiscal_key: String::new(),
    };
    let points = Some(db::bulk::purchases::LoadedPoints { points: 120, expires_on: None, expired: false });
    db::bulk::purchases::LoadedSale {
        id,
        sale,
        installments: Vec::new(),
        points,
        history: "R$ 120,00".into(),
    }
}

/// Loads `sales` for `party`, announced as a load large enough to rebuild
/// the indexes: with the file to itself, the history is written beside.
async fn load_purchases(
    t: &TestDb,
    org: OrgId,
    party: PartyId,
    sales: Vec<db::bulk::purchases::LoadedSale>,
) -> Result<u64, db::DbError> {
    use db::bulk::purchases::{KeptFigures, PartyPurchases, PurchasesOrigin, load_purchases};
    let (sender, batches) = tokio::sync::mpsc::channel(1);
    sender.send(vec![PartyPurchases { party, sales, figures: KeptFigures::default() }]).await.expect("send");
    drop(sender);
    let origin = PurchasesOrigin { org_id: org, by_label: "teste".into(), now: Utc::now() };
    load_purchases(&t.db, origin, 12_000, Access::Exclusive, batches).await
}

async fn count(t: &TestDb, table: &str) -> i64 {
    db::on_db!(&t.db, pool => sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(pool)
        .await
        .expect("count"))
}

/// A purchases load writes each sale's history event and points lot (on
/// SQLite, beside the load and copied in at the end); one that fails
/// writes none of its rows, and leaves no scratch file behind.
async fn a_purchases_load_writes_the_history_and_all_or_nothing(t: TestDb) {
    let (org, seller) = seed_user(&t, "compras@exemplo.com.br").await;
    let customer = parties(1, seller);
    let party = customer[0].id;
    load(&t, org, customer, Access::Shared).await.expect("party");
    let mut tx = t.db.begin().await.expect("begin");
    let shop = domain::catalogue::ValidStore { code: "01".into(), name: "Loja Centro".into(), cnpj: None };
    let store = db::repo::catalogue::insert_store(&mut tx, org, &shop, Utc::now()).await.expect("store");
    tx.commit().await.expect("commit");
    let repeated = domain::SaleId::new();
    let refused =
        load_purchases(&t, org, party, vec![purchase(repeated, store), purchase(repeated, store)]).await;
    assert!(refused.is_err(), "a sale written twice is refused");
    for table in ["sales", "sale_items", "party_events", "points_entries"] {
        assert_eq!(count(&t, table).await, 0, "{table}: nothing written");
    }
    let written = load_purchases(
        &t,
        org,
        party,
        vec![purchase(domain::SaleId::new(), store), purchase(domain::SaleId::new(), store)],
    )
    .await
    .expect("load");
    assert_eq!(written, 2);
    for table in ["sales", "sale_items", "party_events", "points_entries"] {
        assert_eq!(count(&t, table).await, 2, "{table}");
    }
    if let db::Db::Sqlite(sqlite) = &t.db {
        let mut scratch = sqlite.file().as_os_str().to_owned();
        scratch.push("-history");
        let scratch = std::path::PathBuf::from(scratch);
        assert!(!scratch.exists(), "the scratch file is removed");
        // One left by a load the program stopped in goes at the next start.
        std::fs::write(&scratch, b"left over").expect("write");
        db::migrate::run(&t.db).await.expect("start");
        assert!(!scratch.exists(), "a left-over scratch file is removed at start");
    }
}
db_test!(a_purchases_load_writes_the_history_and_all_or_nothing);
