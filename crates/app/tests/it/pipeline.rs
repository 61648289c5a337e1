//! The prospects' board: who stands at which stage, as far as the reader
//! reaches, and the versioned move from stage to stage.
use crate::access::user_with;
use crate::app_with_admin;
use app::parties::PartyInput;
use app::pipeline::{BoardColumn, BoardQuery};
use app::{Actor, App, AppError, Settings};
use domain::party::PartyDraft;
use domain::pipeline::NegotiationStage;
use domain::timeline::EventKind;
use domain::work_queue::WorkScope;
use domain::{BranchId, PartyId, UserId};
use testkit::{TestDb, db_test};

async fn party(
    app: &App,
    admin: &Actor,
    name: &str,
    lifecycle: &str,
    state: &str,
    seller: Option<UserId>,
) -> (PartyId, i64) {
    let draft = PartyDraft {
        full_name: name.into(),
        lifecycle: lifecycle.into(),
        prospect_state: state.into(),
        seller_id: seller.map(|s| s.0.to_string()).unwrap_or_default(),
        ..Default::default()
    };
    let created =
        app.parties().create_party(admin, PartyInput { draft, consents: vec![] }).await.expect("party");
    (PartyId(created.party.id), created.party.version)
}

async fn board(app: &App, actor: &Actor, scope: WorkScope) -> Vec<BoardColumn> {
    app.pipeline().board(actor, &BoardQuery { scope: Some(scope) }).await.expect("board")
}

fn names_at(board: &[BoardColumn], stage: NegotiationStage) -> Vec<&str> {
    let column = board.iter().find(|c| c.stage == stage).expect("every stage has its column");
    assert_eq!(column.total, column.cards.len() as i64, "{stage:?}: a few, all shown");
    column.cards.iter().map(|c| c.name.as_str()).collect()
}

async fn prospects_in_negotiation_move_from_stage_to_stage(t: TestDb) {
    let (app, admin) = app_with_admin(&t, Settings::default()).await;
    let centro = BranchId(app.access().create_branch(&admin, "Centro", "Loja").await.expect("branch").id);
    let norte = BranchId(app.access().create_branch(&admin, "Norte", "Loja").await.expect("branch").id);
    let (ana, ana_actor) = user_with(&app, &admin, "ana@loja.test", centro, "account_manager").await;
    let (nuno, _) = user_with(&app, &admin, "nuno@loja.test", norte, "account_manager").await;
    let (transportes, version) =
        party(&app, &admin, "Transportes Lima", "prospect", "in_progress", Some(ana)).await;
    party(&app, &admin, "Padaria Sol", "prospect", "in_progress", Some(ana)).await;
    party(&app, &admin, "Oficina Norte", "prospect", "in_progress", Some(nuno)).await;
    party(&app, &admin, "Desistiu Ltda", "prospect", "archived", Some(ana)).await;
    let (customer, customer_version) = party(&app, &admin, "Cliente Antigo", "customer", "", Some(ana)).await;

    // A new prospect starts at the first contact; customers and abandoned
    // negotiations are not on the board; Ana reaches her branch only.
    let team = board(&app, &admin, WorkScope::Team).await;
    assert_eq!(team.iter().map(|c| c.stage).collect::<Vec<_>>(), NegotiationStage::ALL);
    let mut first = names_at(&team, NegotiationStage::FirstContact);
    first.sort_unstable();
    assert_eq!(first, ["Oficina Norte", "Padaria Sol", "Transportes Lima"]);
    let anas_board = board(&app, &ana_actor, WorkScope::Team).await;
    let mut anas = names_at(&anas_board, NegotiationStage::FirstContact);
    anas.sort_unstable();
    assert_eq!(anas, ["Padaria Sol", "Transportes Lima"]);
    assert_eq!(app.pipeline().in_negotiation(&ana_actor).await.expect("figure"), 2, "the home's figure");

    // Ana moves hers to the proposal: it heads that column, its history says so.
    let moved = app
        .pipeline()
        .move_prospect(&ana_actor, transportes, version, NegotiationStage::Proposal)
        .await
        .expect("move");
    assert_eq!((moved.stage, moved.version), (NegotiationStage::Proposal, version + 1));
    let mine = board(&app, &ana_actor, WorkScope::Mine).await;
    assert_eq!(names_at(&mine, NegotiationStage::Proposal), ["Transportes Lima"]);
    assert_eq!(names_at(&mine, NegotiationStage::FirstContact), ["Padaria Sol"]);
    let history = app
        .timeline()
        .history(&admin, transportes, Some(EventKind::Registration), None)
        .await
        .expect("history");
    assert!(history.iter().any(|e| e.action == "timeline-negotiation-proposal"), "{history:?}");

    // At the version read before the move: someone changed it first.
    let stale = app.pipeline().move_prospect(&admin, transportes, version, NegotiationStage::Closing).await;
    assert!(matches!(stale, Err(AppError::Conflict { .. })), "{stale:?}");
    let after = board(&app, &admin, WorkScope::Team).await;
    assert_eq!(names_at(&after, NegotiationStage::Closing), Vec::<&str>::new());

    // A customer has no negotiation to move; another branch's prospect is out of Ana's reach.
    let refused =
        app.pipeline().move_prospect(&admin, customer, customer_version, NegotiationStage::Proposal).await;
    match refused {
        Err(AppError::Validation(errors)) => {
            assert!(format!("{errors:?}").contains("error-negotiation-not-in-progress"), "{errors:?}")
        }
        other => panic!("a customer moved: {other:?}"),
    }
    let nunos = board(&app, &admin, WorkScope::Team).await;
    let oficina = nunos
        .iter()
        .flat_map(|c| c.cards.iter())
        .find(|c| c.name == "Oficina Norte")
        .expect("on the team's board");
    let out_of_reach = app
        .pipeline()
        .move_prospect(&ana_actor, PartyId(oficina.id), oficina.version, NegotiationStage::Qualified)
        .await;
    assert!(matches!(out_of_reach, Err(AppError::NotFound | AppError::Forbidden)), "{out_of_reach:?}");
}

db_test!(prospects_in_negotiation_move_from_stage_to_stage);

async fn the_organisation_names_its_stages(t: TestDb) {
    let (app, admin) = app_with_admin(&t, Settings::default()).await;
    let centro = BranchId(app.access().create_branch(&admin, "Centro", "Loja").await.expect("branch").id);
    let (ana, ana_actor) = user_with(&app, &admin, "ana@loja.test", centro, "account_manager").await;
    let (prospect, version) =
        party(&app, &admin, "Auto Peças Sul", "prospect", "in_progress", Some(ana)).await;
    let standard = app.pipeline().stage_names(&ana_actor).await.expect("names");
    assert!(NegotiationStage::ALL.iter().all(|&s| standard.own(s).is_none()), "none of its own at first");

    // A seller may not rename them.
    let asked = vec![(NegotiationStage::Qualified, "Test drive".to_string())];
    assert!(matches!(app.pipeline().rename_stages(&ana_actor, &asked).await, Err(AppError::Forbidden)));

    // The administrator names two (tidied, the later of a stage named twice); blank is the standard.
    let asked = vec![
        (NegotiationStage::Qualified, "  Test   drive ".to_string()),
        (NegotiationStage::Closing, "Assinatura".to_string()),
        (NegotiationStage::Closing, "Entrega".to_string()),
        (NegotiationStage::Proposal, " ".to_string()),
    ];
    app.pipeline().rename_stages(&admin, &asked).await.expect("rename");
    let names = app.pipeline().stage_names(&ana_actor).await.expect("names");
    assert_eq!(names.own(NegotiationStage::Qualified), Some("Test drive"));
    assert_eq!(names.own(NegotiationStage::Closing), Some("Entrega"));
    assert_eq!(names.own(NegotiationStage::Proposal), None);

    // A name too long refuses the whole change.
    let asked = vec![
        (NegotiationStage::Qualified, "Visita".to_string()),
        (NegotiationStage::Proposal, "x".repeat(41)),
    ];
    match app.pipeline().rename_stages(&admin, &asked).await {
        Err(AppError::Validation(errors)) => assert_eq!(errors.fields().collect::<Vec<_>>(), ["proposal"]),
        other => panic!("refused: {other:?}"),
    }
    assert_eq!(app.pipeline().stage_names(&admin).await.expect("names"), names, "nothing written");

    // A move into a named stage says its name in the history; into a standard one, the catalogue's words.
    let moved = app
        .pipeline()
        .move_prospect(&ana_actor, prospect, version, NegotiationStage::Qualified)
        .await
        .expect("move");
    app.pipeline()
        .move_prospect(&ana_actor, prospect, moved.version, NegotiationStage::Proposal)
        .await
        .expect("move");
    let history =
        app.timeline().history(&admin, prospect, Some(EventKind::Registration), None).await.expect("history");
    assert!(
        history.iter().any(|e| e.action == "timeline-negotiation-moved" && e.detail == "Test drive"),
        "{history:?}"
    );
    assert!(history.iter().any(|e| e.action == "timeline-negotiation-proposal"), "{history:?}");

    // Every name blank: back to the catalogue's.
    app.pipeline().rename_stages(&admin, &[]).await.expect("reset");
    assert_eq!(app.pipeline().stage_names(&admin).await.expect("names"), Default::default());
}
db_test!(the_organisation_names_its_stages);
