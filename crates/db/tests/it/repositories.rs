use chrono::{SubsecRound, Utc};
use db::DbError;
use db::repo::{audit, organisation, session, user};
use domain::user::Role;
use domain::{Email, Locale, OrgId, UserId};
use testkit::{TestDb, db_test};

pub(crate) async fn seed_user(t: &TestDb, email: &str) -> (OrgId, UserId) {
    let org = OrgId::new();
    let id = UserId::new();
    let now = Utc::now().trunc_subsecs(6);
    let mut tx = t.db.begin().await.expect("begin");
    organisation::insert(&mut tx, org, &format!("Org {email}"), now).await.expect("org");
    let email = Email::parse(email).expect("email");
    user::insert(
        &mut tx,
        &user::NewUser {
            id,
            org_id: org,
            email: &email,
            display_name: "João Conceição",
            password_hash: "hash",
            role: Role::Member,
            locale: Locale::PtPt,
            created_by: None,
        },
        now,
    )
    .await
    .expect("user");
    tx.commit().await.expect("commit");
    (org, id)
}

async fn user_round_trips_with_its_types(t: TestDb) {
    let (org, id) = seed_user(&t, "joao@exemplo.com.br").await;
    let row = user::get(&t.db, org, id).await.expect("get").expect("found");
    let found = row.into_user();
    assert_eq!(found.id, id);
    assert_eq!(found.org_id, org);
    assert_eq!(found.display_name, "João Conceição");
    assert_eq!(found.locale, Locale::PtPt);
    assert!(found.active);
    assert_eq!(found.version, 1);
    // Another organisation does not see it.
    assert!(user::get(&t.db, OrgId::new(), id).await.expect("get").is_none());
}
db_test!(user_round_trips_with_its_types);

async fn duplicate_email_is_reported_as_duplicate(t: TestDb) {
    let (org, _) = seed_user(&t, "dup@exemplo.com").await;
    let email = Email::parse("dup@exemplo.com").expect("email");
    let mut tx = t.db.begin().await.expect("begin");
    let result = user::insert(
        &mut tx,
        &user::NewUser {
            id: UserId::new(),
            org_id: org,
            email: &email,
            display_name: "Outro",
            password_hash: "hash",
            role: Role::Member,
            locale: Locale::PtBr,
            created_by: None,
        },
        Utc::now(),
    )
    .await;
    assert!(matches!(result, Err(DbError::Duplicate(_))), "got {result:?}");
}
db_test!(duplicate_email_is_reported_as_duplicate);

async fn stale_version_updates_nothing(t: TestDb) {
    let (org, id) = seed_user(&t, "versao@exemplo.com").await;
    let changes = user::UserChanges { display_name: Some("Primeira"), ..Default::default() };
    let mut tx = t.db.begin().await.expect("begin");
    assert!(user::update(&mut tx, org, id, 1, &changes, None, Utc::now()).await.expect("update"));
    let stale = user::UserChanges { display_name: Some("Segunda"), ..Default::default() };
    assert!(!user::update(&mut tx, org, id, 1, &stale, None, Utc::now()).await.expect("update"));
    tx.commit().await.expect("commit");
    let row = user::get(&t.db, org, id).await.expect("get").expect("found");
    assert_eq!(row.display_name, "Primeira");
    assert_eq!(row.version, 2);
}
db_test!(stale_version_updates_nothing);

async fn rolled_back_transaction_leaves_no_rows(t: TestDb) {
    let org = OrgId::new();
    let mut tx = t.db.begin().await.expect("begin");
    organisation::insert(&mut tx, org, "Desfeita", Utc::now()).await.expect("insert");
    drop(tx);
    assert!(organisation::get(&t.db, org).await.expect("get").is_none());
}
db_test!(rolled_back_transaction_leaves_no_rows);

async fn session_is_found_with_its_user_and_deleted(t: TestDb) {
    let (org, id) = seed_user(&t, "sessao@exemplo.com").await;
    let now = Utc::now().trunc_subsecs(6);
    let mut tx = t.db.begin().await.expect("begin");
    session::insert(
        &mut tx,
        &session::NewSession {
            token_hash: "abc",
            org_id: org,
            user_id: id,
            ip: Some("127.0.0.1"),
            user_agent: None,
        },
        now,
    )
    .await
    .expect("insert");
    tx.commit().await.expect("commit");
    let (found, roles) = session::find(&t.db, "abc").await.expect("find").expect("found");
    assert_eq!(found.user.id, id.0);
    assert_eq!(found.session_created_at, now);
    assert!(!found.locality.time_zone.is_empty(), "the organisation's locality comes with the session");
    assert!(roles.is_empty(), "a user without roles is still found, once");
    let mut tx = t.db.begin().await.expect("begin");
    assert!(session::delete(&mut tx, "abc").await.expect("delete"));
    tx.commit().await.expect("commit");
    assert!(session::find(&t.db, "abc").await.expect("find").is_none());
}
db_test!(session_is_found_with_its_user_and_deleted);

async fn audit_pages_newest_first_without_overlap(t: TestDb) {
    let (org, id) = seed_user(&t, "audit@exemplo.com").await;
    let mut tx = t.db.begin().await.expect("begin");
    for n in 0..5 {
        audit::insert(
            &mut tx,
            &audit::NewAuditEntry {
                org_id: Some(org),
                actor_id: Some(id),
                actor_label: "audit@exemplo.com",
                action: "update",
                entity_type: "user",
                entity_id: Some(n.to_string()),
                before: Some(serde_json::json!({ "n": n })),
                after: None,
                ip: None,
            },
            Utc::now(),
        )
        .await
        .expect("insert");
    }
    tx.commit().await.expect("commit");
    let first = audit::list(&t.db, org, None, 3).await.expect("page 1");
    assert_eq!(
        first.iter().map(|r| r.entity_id.clone().unwrap_or_default()).collect::<Vec<_>>(),
        ["4", "3", "2"]
    );
    assert_eq!(first[0].before_data.as_ref().map(|j| j.0.clone()), Some(serde_json::json!({ "n": 4 })));
    let cursor = domain::ids::AuditId(first[2].id);
    let second = audit::list(&t.db, org, Some(cursor), 3).await.expect("page 2");
    assert_eq!(
        second.iter().map(|r| r.entity_id.clone().unwrap_or_default()).collect::<Vec<_>>(),
        ["1", "0"]
    );
}
db_test!(audit_pages_newest_first_without_overlap);
