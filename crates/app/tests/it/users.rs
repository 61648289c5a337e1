use crate::{app_with_admin, new_user};
use app::{AppError, Settings};
use testkit::{TestDb, db_test};

async fn invalid_user_input_is_refused_field_by_field(t: TestDb) {
    let (app, admin) = app_with_admin(&t, Settings::default()).await;
    let before = app.users().list_users(&admin).await.expect("list").len();
    let bad = app::users::NewUserInput {
        email: "sem-arroba".into(),
        display_name: "  ".into(),
        password: "curta".into(),
        role: "rei".into(),
        locale: Some("fr".into()),
        ..Default::default()
    };
    let Err(AppError::Validation(errors)) = app.users().create_user(&admin, bad).await else {
        panic!("expected validation errors");
    };
    let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_ref()).collect();
    assert_eq!(fields, ["email", "display_name", "password", "role", "locale"]);
    assert_eq!(app.users().list_users(&admin).await.expect("list").len(), before, "nothing was written");
}
db_test!(invalid_user_input_is_refused_field_by_field);

async fn duplicate_email_is_a_field_error(t: TestDb) {
    let (app, admin) = app_with_admin(&t, Settings::default()).await;
    app.users().create_user(&admin, new_user("ana@loja.test", "member")).await.expect("first");
    let Err(AppError::Taken(errors)) =
        app.users().create_user(&admin, new_user("ANA@loja.test", "member")).await
    else {
        panic!("expected the e-mail to be taken");
    };
    assert_eq!(errors.0[0].field, "email");
    assert_eq!(errors.0[0].message, "error-email-taken");
}
db_test!(duplicate_email_is_a_field_error);

async fn members_cannot_manage_users(t: TestDb) {
    let (app, admin) = app_with_admin(&t, Settings::default()).await;
    app.users().create_user(&admin, new_user("membro@loja.test", "member")).await.expect("member");
    let member = app
        .auth()
        .login(app::auth::LoginInput {
            email: "membro@loja.test",
            password: crate::PASSWORD,
            ip: None,
            user_agent: None,
        })
        .await
        .expect("login")
        .actor;
    assert!(matches!(app.users().list_users(&member).await, Err(AppError::Forbidden)));
    assert!(matches!(
        app.users().create_user(&member, new_user("x@loja.test", "admin")).await,
        Err(AppError::Forbidden)
    ));
    assert!(matches!(app.audit().audit_log(&member, None, None).await, Err(AppError::Forbidden)));
}
db_test!(members_cannot_manage_users);

async fn stale_edit_is_refused_with_who_and_when(t: TestDb) {
    let (app, admin) = app_with_admin(&t, Settings::default()).await;
    let user = app.users().create_user(&admin, new_user("edit@loja.test", "member")).await.expect("user");
    let changed =
        app.users().set_user_active(&admin, user.id, user.version, false).await.expect("first edit");
    assert_eq!(changed.version, user.version + 1);
    let stale = app.users().set_user_active(&admin, user.id, user.version, true).await;
    let Err(AppError::Conflict { by, .. }) = stale else { panic!("expected a conflict, got {stale:?}") };
    assert_eq!(by, admin.display_name);
    let now = app.users().get_user(&admin, user.id).await.expect("get");
    assert!(!now.active, "the stale edit changed nothing");
}
db_test!(stale_edit_is_refused_with_who_and_when);

async fn every_change_is_in_the_audit_trail(t: TestDb) {
    let (app, admin) = app_with_admin(&t, Settings::default()).await;
    let user = app.users().create_user(&admin, new_user("trilha@loja.test", "member")).await.expect("user");
    app.users().set_user_active(&admin, user.id, user.version, false).await.expect("disable");
    let page = app.audit().audit_log(&admin, None, None).await.expect("audit");
    let for_user: Vec<_> =
        page.items.iter().filter(|e| e.entity_id.as_deref() == Some(&user.id.to_string())).collect();
    assert_eq!(for_user.len(), 2);
    let disable = for_user[0];
    assert_eq!(disable.action, "permission_change");
    assert_eq!(disable.actor, "admin@loja.test");
    assert_eq!(disable.before.as_ref().and_then(|b| b["active"].as_bool()), Some(true));
    assert_eq!(disable.after.as_ref().and_then(|a| a["active"].as_bool()), Some(false));
    assert_eq!(for_user[1].action, "create");
    assert!(for_user[1].after.as_ref().is_some_and(|a| a.get("password_hash").is_none()));
}
db_test!(every_change_is_in_the_audit_trail);

async fn administrator_cannot_disable_himself(t: TestDb) {
    let (app, admin) = app_with_admin(&t, Settings::default()).await;
    let me = app.users().get_user(&admin, admin.user_id).await.expect("me");
    let result = app.users().set_user_active(&admin, admin.user_id, me.version, false).await;
    assert!(matches!(result, Err(AppError::Validation(_))));
}
db_test!(administrator_cannot_disable_himself);

async fn demo_setup_is_created_once_and_then_reused(t: TestDb) {
    let app = app::App::new(t.db.clone(), Settings::default());
    let first = app.setup().ensure_demo().await.expect("demo");
    let app::setup::DemoOutcome::Created { email, password } = first else { panic!("expected creation") };
    let second = app.setup().ensure_demo().await.expect("demo again");
    assert!(matches!(second, app::setup::DemoOutcome::Reused { .. }));
    let login = app
        .auth()
        .login(app::auth::LoginInput { email: &email, password: &password, ip: None, user_agent: None })
        .await;
    assert!(login.is_ok(), "the printed credentials still work after the second run");
}
db_test!(demo_setup_is_created_once_and_then_reused);

async fn demo_loads_are_searchable_and_keep_their_indexes(t: TestDb) {
    let (app, admin) = crate::app_with_demo(&t).await;
    let org = app.demo().demo_organisation().await.expect("org").expect("demo org");
    let indexes = db::migrate::index_names(&app.db, "parties").await.expect("indexes");
    // A small load writes through the indexes and the search triggers; a
    // large one drops and rebuilds them.
    for (count, seed) in [(500, 3), (12_000, 4)] {
        let load = app.demo().load_demo_parties(org, count, seed).await.expect("load");
        assert_eq!(load.created, count);
        assert_eq!(db::migrate::index_names(&app.db, "parties").await.expect("indexes"), indexes);
        let newest = app
            .parties()
            .list_parties(
                &admin,
                &app::parties::PartyQuery {
                    sort: Some("newest".into()),
                    dir: Some("desc".into()),
                    ..Default::default()
                },
            )
            .await
            .expect("list")
            .items;
        let name = newest[0].full_name.clone();
        let found = app.parties().search_parties(&admin, &name, 50).await.expect("search");
        assert!(found.iter().any(|p| p.full_name == name), "{name} is found after a load of {count}");
    }
    let total = db::repo::party::count_all(&app.db, org).await.expect("count");
    assert_eq!(total, 12_500);
    // The prospects are written at their stages, spread as a pipeline narrows.
    let query = app::pipeline::BoardQuery { scope: Some(domain::work_queue::WorkScope::Team) };
    let board = app.pipeline().board(&admin, &query).await.expect("board");
    let totals: Vec<i64> = board.iter().map(|column| column.total).collect();
    assert!(totals.iter().all(|total| *total > 0), "every stage has prospects: {totals:?}");
    assert!(totals[0] > totals[4], "more at the first contact than closing: {totals:?}");
    let again = app.demo().load_demo_parties(org, 10, 4).await;
    assert!(
        again.is_ok(),
        "a load after a rebuild still writes through the indexes: {:?}",
        again.as_ref().err()
    );
}
db_test!(demo_loads_are_searchable_and_keep_their_indexes);

/// A user made with his roles and branch at once: an administering role
/// makes him an administrator; an unknown branch or role writes nothing.
async fn a_user_is_created_with_his_roles_and_branch(t: TestDb) {
    let (app, admin) = app_with_admin(&t, Settings::default()).await;
    let branch = app.access().create_branch(&admin, "Filial Norte", "").await.expect("branch");
    let roles = app.access().list_roles(&admin).await.expect("roles");
    let role = |key: &str| roles.iter().find(|r| r.key == key).expect("role").id;
    let input = |email: &str, role_ids: Vec<uuid::Uuid>, branch_id: Option<uuid::Uuid>| {
        app::users::NewUserInput { role: String::new(), role_ids, branch_id, ..new_user(email, "") }
    };
    let supervisor = app
        .users()
        .create_user(&admin, input("sup@loja.test", vec![role("supervisor")], Some(branch.id)))
        .await
        .expect("supervisor");
    assert_eq!(supervisor.role, domain::user::Role::Member);
    let assignment = app.access().assignment(&admin, supervisor.id).await.expect("assignment");
    assert_eq!((assignment.branch_id, assignment.role_ids), (Some(branch.id), vec![role("supervisor")]));
    let chief = app
        .users()
        .create_user(&admin, input("chefe@loja.test", vec![role("administrator")], None))
        .await
        .expect("admin");
    assert_eq!(chief.role, domain::user::Role::Admin);

    let before = app.users().list_users(&admin).await.expect("list").len();
    let unknown = input("x@loja.test", vec![uuid::Uuid::now_v7()], Some(uuid::Uuid::now_v7()));
    let Err(AppError::Validation(errors)) = app.users().create_user(&admin, unknown).await else {
        panic!("expected validation errors");
    };
    let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_ref()).collect();
    assert_eq!(fields, ["branch_id", "role_ids"]);
    assert_eq!(app.users().list_users(&admin).await.expect("list").len(), before, "nothing was written");
}
db_test!(a_user_is_created_with_his_roles_and_branch);
