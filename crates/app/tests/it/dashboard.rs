//! The home page's figures: birthdays of the week in one's own portfolio,
//! and customers and interactions per week within one's reach.
use crate::access::user_with;
use crate::app_with_admin_on;
use app::parties::PartyInput;
use app::{Actor, App, Clock, Settings};
use chrono::{NaiveDate, TimeZone, Utc};
use domain::interaction::InteractionDraft;
use domain::party::PartyDraft;
use domain::{BranchId, PartyId, UserId};
use testkit::{TestDb, db_test};

async fn born(app: &App, admin: &Actor, name: &str, birth: &str, seller: UserId) -> PartyId {
    let draft = PartyDraft {
        full_name: name.into(),
        birth_date: birth.into(),
        seller_id: seller.0.to_string(),
        ..Default::default()
    };
    PartyId(
        app.parties()
            .create_party(admin, PartyInput { draft, consents: vec![] })
            .await
            .expect("party")
            .party
            .id,
    )
}

async fn the_home_figures_follow_the_users_portfolio_and_reach(t: TestDb) {
    // Wednesday 2 December 2026, morning in São Paulo.
    let clock = Clock::fixed(Utc.with_ymd_and_hms(2026, 12, 2, 12, 0, 0).single().expect("instant"));
    let (app, admin) = app_with_admin_on(&t, Settings::default(), clock).await;
    let centro = BranchId(app.access().create_branch(&admin, "Centro", "Loja").await.expect("branch").id);
    let (ana, ana_actor) = user_with(&app, &admin, "ana@loja.test", centro, "account_manager").await;
    let (bia, _) = user_with(&app, &admin, "bia@loja.test", centro, "account_manager").await;
    let today = born(&app, &admin, "Zélia Hoje", "1980-12-02", ana).await;
    born(&app, &admin, "Abel Terça", "1990-12-08", ana).await;
    born(&app, &admin, "Caio Semana Que Vem", "1985-12-09", ana).await;
    born(&app, &admin, "Dora Junho", "1970-06-01", ana).await;
    born(&app, &admin, "Eva Da Bia", "1980-12-03", bia).await;

    let birthdays = app.dashboard().birthdays_ahead(&ana_actor).await.expect("birthdays");
    let seen: Vec<(&str, NaiveDate, i32)> =
        birthdays.iter().map(|b| (b.name.as_str(), b.on, b.turns)).collect();
    let day = |d| NaiveDate::from_ymd_opt(2026, 12, d).expect("day");
    assert_eq!(seen, [("Zélia Hoje", day(2), 46), ("Abel Terça", day(8), 36)]);
    assert_eq!(birthdays[0].party_id, today.0);
    assert!(
        app.dashboard().birthdays_ahead(&admin).await.expect("admin").is_empty(),
        "nobody in his portfolio"
    );
    assert_eq!(app.dashboard().portfolio_size(&ana_actor).await.expect("size"), 4);

    let draft = InteractionDraft { nature: "sale".into(), channel: "call".into(), ..Default::default() };
    app.interactions().open_interaction(&admin, today, &draft).await.expect("open");
    let weekly = app.dashboard().weekly_activity(&ana_actor, 12).await.expect("weekly");
    assert_eq!(weekly.week_starts.len(), 12);
    assert_eq!(
        weekly.week_starts.last(),
        NaiveDate::from_ymd_opt(2026, 11, 30).as_ref(),
        "this week's Monday"
    );
    assert_eq!(weekly.customers, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5], "her branch's, as she reads");
    assert_eq!(weekly.interactions, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    let norte = BranchId(app.access().create_branch(&admin, "Norte", "Loja").await.expect("branch").id);
    let (_, nuno) = user_with(&app, &admin, "nuno@loja.test", norte, "account_manager").await;
    let elsewhere = app.dashboard().weekly_activity(&nuno, 12).await.expect("weekly");
    assert_eq!((elsewhere.customers.iter().sum::<i64>(), elsewhere.interactions.iter().sum::<i64>()), (0, 0));
    born(&app, &admin, "Fábio Sem Filial", "1999-01-01", UserId(admin.user_id.0)).await;
    let everyone = app.dashboard().weekly_activity(&admin, 12).await.expect("weekly");
    assert_eq!(everyone.customers.last(), Some(&6));
}
db_test!(the_home_figures_follow_the_users_portfolio_and_reach);
