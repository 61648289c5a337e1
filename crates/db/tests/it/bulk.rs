use crate::repositories::seed_user;
use chrono::Utc;
use db::bulk::{Access, LoadOrigin, load_parties};
use db::repo::party::{BulkParty, count_all};
use domain::party::{ConsentState, PartyDraft};
use domain::phone::Country;
use domain::{OrgId, PartyId, UserId};
use testkit::{TestDb, db_test};

/// `count` valid people owned by `seller`, named "Pessoa Carga N".
pub(crate) fn parties(count: usize, seller: UserId) -> Vec<BulkParty> {
    (0..count)
        .map(|n| {
            let draft = PartyDraft { full_name: format!("Pessoa Carga {n}"), ..Default::default() };
            let mut party = draft.validate(Country::Brazil, Utc::now().date_naive()).expect("valid");
            party.seller_id = Some(seller);
            BulkParty { id: PartyId::new(), party, consent: ConsentState::default(), branch: None }
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
    load_parties(&t.db, origin, expected, access, batches).await
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
