//! How each person sees the customer list and the work queue: his
//! columns, and saved views of his own or shared, deleted only by their
//! owner or an administrator.
use crate::access::user_with;
use crate::app_with_admin;
use app::AppError;
use app::Settings;
use app::list_views::{NewView, NewWorkView, SavedView};
use app::parties::PartyQuery;
use app::work_queue::WorkQuery;
use domain::BranchId;
use domain::list_view::{CustomerColumn, DEFAULT_CUSTOMER_COLUMNS};
use domain::work_queue::{DEFAULT_WORK_COLUMNS, Urgency, WorkColumn, WorkScope};
use testkit::{TestDb, db_test};

async fn columns_and_views_are_each_persons_own_unless_shared(t: TestDb) {
    let (app, admin) = app_with_admin(&t, Settings::default()).await;
    let centro = BranchId(app.access().create_branch(&admin, "Centro", "Loja").await.expect("branch").id);
    let (_, ana) = user_with(&app, &admin, "ana@loja.test", centro, "account_manager").await;
    let (_, rui) = user_with(&app, &admin, "rui@loja.test", centro, "account_manager").await;

    assert_eq!(
        app.list_views().columns::<CustomerColumn>(&ana).await.expect("columns"),
        DEFAULT_CUSTOMER_COLUMNS
    );
    let chosen = [CustomerColumn::Phone, CustomerColumn::Seller, CustomerColumn::City];
    app.list_views().set_columns(&ana, &chosen).await.expect("choose");
    assert_eq!(
        app.list_views().columns::<CustomerColumn>(&ana).await.expect("columns"),
        chosen,
        "hers, in her order"
    );
    assert_eq!(
        app.list_views().columns::<CustomerColumn>(&rui).await.expect("columns"),
        DEFAULT_CUSTOMER_COLUMNS
    );

    let vip = PartyQuery {
        tag: Some("vip".into()),
        sort: Some("city".into()),
        cursor: Some("ignored".into()),
        ..Default::default()
    };
    let own =
        NewView { name: " Meus VIP ".into(), query: vip.clone(), columns: chosen.to_vec(), shared: false };
    let saved = app.list_views().save_customer_view(&ana, &own).await.expect("save");
    assert_eq!(saved.name, "Meus VIP");
    assert_eq!(saved.query, "tag=vip&sort=city", "the filters and sort, not the page");
    let team =
        NewView { name: "Sem vendedor".into(), query: PartyQuery::default(), columns: vec![], shared: true };
    let shared = app.list_views().save_customer_view(&ana, &team).await.expect("save shared");
    assert_eq!(shared.columns, DEFAULT_CUSTOMER_COLUMNS, "no columns keeps the defaults");

    let names = |views: Vec<SavedView>| views.into_iter().map(|v| v.name).collect::<Vec<_>>();
    assert_eq!(
        names(app.list_views().views::<CustomerColumn>(&ana).await.expect("views")),
        ["Meus VIP", "Sem vendedor"]
    );
    assert_eq!(
        names(app.list_views().views::<CustomerColumn>(&rui).await.expect("views")),
        ["Sem vendedor"],
        "shared only"
    );

    let bad = NewView { name: String::new(), query: PartyQuery { sort: Some("senha".into()), ..vip }, ..own };
    let refused = app.list_views().save_customer_view(&ana, &bad).await;
    match refused {
        Err(AppError::Validation(errors)) => {
            let fields: Vec<_> = errors.fields().collect();
            assert!(fields.contains(&"name") && fields.contains(&"sort"), "{fields:?}");
        }
        other => panic!("refused: {other:?}"),
    }

    assert!(
        matches!(app.list_views().delete_view(&rui, saved.id).await, Err(AppError::NotFound)),
        "not revealed"
    );
    assert!(matches!(app.list_views().delete_view(&rui, shared.id).await, Err(AppError::Forbidden)));
    app.list_views().delete_view(&admin, shared.id).await.expect("an administrator tidies shared views");
    app.list_views().delete_view(&ana, saved.id).await.expect("her own");
    assert!(app.list_views().views::<CustomerColumn>(&ana).await.expect("views").is_empty());
}
db_test!(columns_and_views_are_each_persons_own_unless_shared);

async fn the_work_queues_columns_and_views_keep_its_filters(t: TestDb) {
    let (app, admin) = app_with_admin(&t, Settings::default()).await;
    let centro = BranchId(app.access().create_branch(&admin, "Centro", "Loja").await.expect("branch").id);
    let (_, ana) = user_with(&app, &admin, "ana@loja.test", centro, "account_manager").await;
    let (_, rui) = user_with(&app, &admin, "rui@loja.test", centro, "account_manager").await;
    let overdue = WorkQuery {
        scope: Some(WorkScope::Team),
        urgency: Some(Urgency::Overdue),
        nature: Some(" visit ".into()),
        page: Some(3),
        ..Default::default()
    };
    // Her columns, apart from the customer list's and from Rui's.
    assert_eq!(app.list_views().columns::<WorkColumn>(&ana).await.expect("columns"), DEFAULT_WORK_COLUMNS);
    let chosen = [WorkColumn::Opened, WorkColumn::Due, WorkColumn::Channel];
    app.list_views().set_columns(&ana, &chosen).await.expect("choose");
    assert_eq!(app.list_views().columns::<WorkColumn>(&ana).await.expect("columns"), chosen);
    assert_eq!(app.list_views().columns::<WorkColumn>(&rui).await.expect("columns"), DEFAULT_WORK_COLUMNS);
    assert_eq!(
        app.list_views().columns::<CustomerColumn>(&ana).await.expect("columns"),
        DEFAULT_CUSTOMER_COLUMNS,
        "the customer list keeps its own columns"
    );

    let own = NewWorkView {
        name: "Atrasados da equipe".into(),
        query: overdue.clone(),
        columns: chosen.to_vec(),
        shared: false,
    };
    let saved = app.list_views().save_work_view(&ana, &own).await.expect("save");
    assert_eq!(
        saved.query, "scope=team&state=open&urgency=overdue&nature=visit",
        "the filters, not the page"
    );
    assert_eq!(saved.columns, chosen, "the columns as shown");
    let shared = NewWorkView { name: "Hoje".into(), shared: true, ..Default::default() };
    let team = app.list_views().save_work_view(&ana, &shared).await.expect("save shared");
    assert_eq!(team.columns, DEFAULT_WORK_COLUMNS, "no columns keeps the defaults");

    let names = |views: Vec<SavedView<WorkColumn>>| views.into_iter().map(|v| v.name).collect::<Vec<_>>();
    assert_eq!(
        names(app.list_views().views::<WorkColumn>(&ana).await.expect("views")),
        ["Atrasados da equipe", "Hoje"]
    );
    assert_eq!(
        names(app.list_views().views::<WorkColumn>(&rui).await.expect("views")),
        ["Hoje"],
        "shared only"
    );
    assert!(
        app.list_views().views::<CustomerColumn>(&ana).await.expect("views").is_empty(),
        "the customer list keeps its own views"
    );

    let bad =
        NewWorkView { name: " ".into(), query: WorkQuery { page: Some(0), ..overdue }, ..Default::default() };
    match app.list_views().save_work_view(&ana, &bad).await {
        Err(AppError::Validation(errors)) => {
            let fields: Vec<_> = errors.fields().collect();
            assert!(fields.contains(&"name") && fields.contains(&"page"), "{fields:?}");
        }
        other => panic!("refused: {other:?}"),
    }
    assert_eq!(app.list_views().views::<WorkColumn>(&ana).await.expect("views").len(), 2, "nothing written");

    assert!(matches!(app.list_views().delete_view(&rui, team.id).await, Err(AppError::Forbidden)));
    app.list_views().delete_view(&ana, saved.id).await.expect("her own");
    assert_eq!(names(app.list_views().views::<WorkColumn>(&ana).await.expect("views")), ["Hoje"]);
}
db_test!(the_work_queues_columns_and_views_keep_its_filters);
