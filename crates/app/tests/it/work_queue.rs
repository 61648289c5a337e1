//! Minha fila: whose interactions a user sees across customers, in what
//! order and colour, and bulk actions that change all or nothing.
use crate::access::{party, user_with};
use crate::app_with_admin_on;
use app::work_queue::{ChosenInteraction, QueueItem, WorkQuery};
use app::{Actor, App, AppError, Clock, Settings};
use chrono::{NaiveDate, TimeZone, Utc};
use domain::interaction::InteractionDraft;
use domain::work_queue::{BulkChange, Urgency, WorkScope, WorkState};
use domain::{BranchId, InteractionId, PartyId, UserId};
use testkit::{TestDb, db_test};

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, d).expect("a day")
}

async fn open(
    app: &App,
    admin: &Actor,
    party: PartyId,
    who: UserId,
    due: Option<NaiveDate>,
    what: &str,
) -> InteractionId {
    let draft = InteractionDraft {
        nature: "sale".into(),
        channel: "call".into(),
        responsible_id: Some(who.0),
        due_on: due,
        description: what.into(),
        ..Default::default()
    };
    InteractionId(app.interactions().open_interaction(admin, party, &draft).await.expect("open").id)
}

async fn queue(app: &App, actor: &Actor, scope: WorkScope, state: WorkState) -> Vec<QueueItem> {
    let query = WorkQuery { scope: Some(scope), state: Some(state), ..Default::default() };
    app.work_queue().queue(actor, &query).await.expect("queue").items
}

fn described(items: &[QueueItem]) -> Vec<(&str, Urgency)> {
    items.iter().map(|i| (i.interaction.description.as_str(), i.urgency)).collect()
}

fn chosen(items: &[QueueItem], names: &[&str]) -> Vec<ChosenInteraction> {
    names
        .iter()
        .map(|name| {
            let item = items.iter().find(|i| i.interaction.description == *name).expect("in the queue");
            ChosenInteraction { id: InteractionId(item.interaction.id), version: item.interaction.version }
        })
        .collect()
}

async fn the_queue_shows_each_user_his_work_and_his_teams_as_far_as_his_access_reaches(t: TestDb) {
    // Noon in UTC is the morning of 2 December in São Paulo.
    let clock = Clock::fixed(Utc.with_ymd_and_hms(2026, 12, 2, 12, 0, 0).single().expect("instant"));
    let (app, admin) = app_with_admin_on(&t, Settings::default(), clock).await;
    let centro = BranchId(app.access().create_branch(&admin, "Centro", "Loja").await.expect("branch").id);
    let norte = BranchId(app.access().create_branch(&admin, "Norte", "Loja").await.expect("branch").id);
    let (ana, ana_actor) = user_with(&app, &admin, "ana@loja.test", centro, "account_manager").await;
    let (sara, sara_actor) = user_with(&app, &admin, "sara@loja.test", centro, "supervisor").await;
    let (nuno, nuno_actor) = user_with(&app, &admin, "nuno@loja.test", norte, "account_manager").await;
    let anas_customer = party(&app, &admin, "Cliente Da Ana", Some(ana)).await;
    let nunos_customer = party(&app, &admin, "Cliente Do Nuno", Some(nuno)).await;

    open(&app, &admin, anas_customer, ana, None, "sem data").await;
    open(&app, &admin, anas_customer, ana, Some(day(3)), "amanhã").await;
    open(&app, &admin, anas_customer, ana, Some(day(2)), "hoje").await;
    open(&app, &admin, anas_customer, ana, Some(day(1)), "ontem").await;
    let finished = open(&app, &admin, anas_customer, ana, Some(day(1)), "encerrado").await;
    open(&app, &admin, nunos_customer, nuno, Some(day(2)), "do norte").await;
    let mine = queue(&app, &ana_actor, WorkScope::Mine, WorkState::All).await;
    let done = chosen(&mine, &["encerrado"]);
    assert_eq!(app.work_queue().bulk_change(&ana_actor, &done, BulkChange::Close).await.expect("close"), 1);
    assert_eq!(done[0].id, finished);

    // The legend's order: overdue, today, later, undated; closed ones only when asked.
    let open_ones = queue(&app, &ana_actor, WorkScope::Mine, WorkState::Open).await;
    assert_eq!(
        described(&open_ones),
        [
            ("ontem", Urgency::Overdue),
            ("hoje", Urgency::Today),
            ("amanhã", Urgency::Open),
            ("sem data", Urgency::Open)
        ]
    );
    let all = queue(&app, &ana_actor, WorkScope::Mine, WorkState::All).await;
    assert_eq!(all.len(), 5);
    assert!(all.iter().any(|i| i.interaction.description == "encerrado" && i.urgency == Urgency::Closed));
    let tally = app.work_queue().tally(&ana_actor, WorkScope::Mine).await.expect("tally");
    assert_eq!((tally.today, tally.overdue, tally.open), (1, 1, 2));
    let overdue = WorkQuery { urgency: Some(Urgency::Overdue), ..Default::default() };
    assert_eq!(
        described(&app.work_queue().queue(&ana_actor, &overdue).await.expect("overdue").items),
        [("ontem", Urgency::Overdue)]
    );

    // The supervisor's team is his branch; the administrator's, everyone.
    assert!(queue(&app, &sara_actor, WorkScope::Mine, WorkState::Open).await.is_empty());
    let team = queue(&app, &sara_actor, WorkScope::Team, WorkState::Open).await;
    assert_eq!(team.len(), 4);
    assert!(team.iter().all(|i| i.party_name == "Cliente Da Ana" && i.interaction.responsible_id == ana.0));
    assert_eq!(queue(&app, &admin, WorkScope::Team, WorkState::Open).await.len(), 5);
    assert_eq!(queue(&app, &nuno_actor, WorkScope::Team, WorkState::Open).await.len(), 1);

    // Someone else's customer: refused, and nothing of the batch changes.
    let picks = chosen(&open_ones, &["ontem", "hoje"]);
    let refused = app.work_queue().bulk_change(&nuno_actor, &picks, BulkChange::Close).await;
    assert!(matches!(refused, Err(AppError::NotFound | AppError::Forbidden)), "{refused:?}");
    // A stale version anywhere in the batch: a conflict, and nothing changes.
    let mut stale = picks.clone();
    stale[1].version -= 1;
    let conflict = app.work_queue().bulk_change(&ana_actor, &stale, BulkChange::Close).await;
    assert!(matches!(conflict, Err(AppError::Conflict { .. })), "{conflict:?}");
    assert_eq!(queue(&app, &ana_actor, WorkScope::Mine, WorkState::Open).await.len(), 4);

    assert_eq!(app.work_queue().bulk_change(&ana_actor, &picks, BulkChange::Close).await.expect("close"), 2);
    let left = queue(&app, &ana_actor, WorkScope::Mine, WorkState::Open).await;
    assert_eq!(described(&left), [("amanhã", Urgency::Open), ("sem data", Urgency::Open)]);
    let handed = chosen(&left, &["sem data"]);
    assert_eq!(
        app.work_queue()
            .bulk_change(&ana_actor, &handed, BulkChange::Reassign(sara))
            .await
            .expect("hand over"),
        1
    );
    assert_eq!(
        described(&queue(&app, &sara_actor, WorkScope::Mine, WorkState::Open).await),
        [("sem data", Urgency::Open)]
    );
    assert_eq!(queue(&app, &ana_actor, WorkScope::Mine, WorkState::Open).await.len(), 1);
    let history = app
        .timeline()
        .history(&admin, anas_customer, Some(domain::timeline::EventKind::Interaction), None)
        .await
        .expect("history");
    assert_eq!(history.len(), 5 + 3, "five opened, three closed");

    let nothing = app.work_queue().bulk_change(&ana_actor, &[], BulkChange::Close).await;
    assert!(matches!(nothing, Err(AppError::Validation(_))));
}
db_test!(the_queue_shows_each_user_his_work_and_his_teams_as_far_as_his_access_reaches);
