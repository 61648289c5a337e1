//! Row-level access: every default role against a record that is the
//! user's own, a colleague's in his branch, another branch's, and an
//! unassigned one — checked by a declarative policy table.
use crate::{PASSWORD, app_with_admin, new_user};
use app::parties::{PartyInput, PartyQuery, ProfileSections};
use app::{Actor, App, AppError, Settings};
use domain::party::{ConsentChange, PartyDraft};
use domain::{BranchId, PartyId, RoleId, UserId};
use testkit::{TestDb, db_test};

#[derive(Clone, Copy, Debug, PartialEq)]
enum May {
    Nothing,
    Read,
    ReadWrite,
}
use May::*;

/// Records, in order: own, same branch, other branch, unassigned.
const POLICY: &[(&str, [May; 4])] = &[
    ("administrator", [ReadWrite, ReadWrite, ReadWrite, ReadWrite]),
    ("supervisor", [ReadWrite, ReadWrite, Nothing, Nothing]),
    ("account_manager", [ReadWrite, Read, Nothing, Nothing]),
    ("telemarketing", [ReadWrite, Read, Read, Read]),
    ("read_only", [Read, Read, Nothing, Nothing]),
];

pub(crate) async fn user_with(
    app: &App,
    admin: &Actor,
    email: &str,
    branch: BranchId,
    role_key: &str,
) -> (UserId, Actor) {
    let user = app.users().create_user(admin, new_user(email, "member")).await.expect("user");
    let roles = app.access().list_roles(admin).await.expect("roles");
    let role = roles.iter().find(|r| r.key == role_key).expect("default role");
    app.access().assign_user(admin, user.id, Some(branch), &[RoleId(role.id)]).await.expect("assign");
    (user.id, login(app, email).await)
}

/// A browser session's secret, for reading its actor as a request does.
async fn session_token(app: &App, email: &str) -> String {
    app.auth()
        .login(app::auth::LoginInput { email, password: PASSWORD, ip: None, user_agent: None })
        .await
        .expect("login")
        .session_token
}

pub(crate) async fn login(app: &App, email: &str) -> Actor {
    app.auth()
        .login(app::auth::LoginInput { email, password: PASSWORD, ip: None, user_agent: None })
        .await
        .expect("login")
        .actor
}

pub(crate) async fn party(app: &App, admin: &Actor, name: &str, seller: Option<UserId>) -> PartyId {
    let draft = PartyDraft {
        full_name: name.into(),
        seller_id: seller.map(|s| s.0.to_string()).unwrap_or_default(),
        ..Default::default()
    };
    let input = PartyInput { draft, consents: vec![] };
    PartyId(app.parties().create_party(admin, input).await.expect("party").party.id)
}

async fn every_role_sees_and_changes_only_what_the_policy_allows(t: TestDb) {
    let (app, admin) = app_with_admin(&t, Settings::default()).await;
    let centro =
        BranchId(app.access().create_branch(&admin, "Centro", "Concessionária").await.expect("branch").id);
    let norte =
        BranchId(app.access().create_branch(&admin, "Norte", "Concessionária").await.expect("branch").id);
    let (colleague, _) = user_with(&app, &admin, "colega@loja.test", centro, "account_manager").await;
    let (elsewhere, _) = user_with(&app, &admin, "norte@loja.test", norte, "account_manager").await;
    let same_branch = party(&app, &admin, "Cliente Do Colega", Some(colleague)).await;
    let other_branch = party(&app, &admin, "Cliente Do Norte", Some(elsewhere)).await;
    let unassigned = party(&app, &admin, "Cliente Sem Carteira", None).await;

    for (index, (role, expected)) in POLICY.iter().enumerate() {
        let email = format!("u{index}@loja.test");
        let (user, actor) = user_with(&app, &admin, &email, centro, role).await;
        let own = party(&app, &admin, &format!("Cliente Proprio{index}"), Some(user)).await;
        let records = [own, same_branch, other_branch, unassigned];

        let listed: Vec<PartyId> = app
            .parties()
            .list_parties(&actor, &PartyQuery { limit: Some(200), ..Default::default() })
            .await
            .expect("list")
            .items
            .iter()
            .map(|p| PartyId(p.id))
            .collect();
        let found: Vec<PartyId> = app
            .parties()
            .search_parties(&actor, "cliente", 50)
            .await
            .expect("search")
            .iter()
            .map(|p| PartyId(p.id))
            .collect();
        let count = app.parties().count_parties(&actor, &PartyQuery::default()).await.expect("count");
        let mut exported = Vec::new();
        let export = app
            .parties()
            .export_parties(&actor, &PartyQuery::default(), |page| {
                exported.extend(page.iter().map(|p| PartyId(p.id)));
                async { true }
            })
            .await;

        for (record, may) in records.iter().zip(expected) {
            let context = format!("{role} × record {record:?} (expected {may:?})");
            let readable = *may != Nothing;
            match app.parties().get_party(&actor, *record).await {
                Ok(view) => assert!(readable, "{context}: read {}", view.full_name),
                Err(AppError::NotFound) => assert!(!readable, "{context}: hidden"),
                Err(other) => panic!("{context}: {other:?}"),
            }
            assert_eq!(listed.contains(record), readable, "{context}: list");
            assert_eq!(found.contains(record), readable, "{context}: search");
            if export.is_ok() {
                assert_eq!(exported.contains(record), readable, "{context}: export");
            }
            let change = ConsentChange::parse("email", true, "telefone", "").expect("change");
            match app.parties().record_consent(&actor, *record, change).await {
                Ok(_) => assert_eq!(*may, ReadWrite, "{context}: changed"),
                Err(AppError::Forbidden) => assert_eq!(*may, Read, "{context}: refused"),
                Err(AppError::NotFound) => assert_eq!(*may, Nothing, "{context}: hidden on write"),
                Err(other) => panic!("{context}: {other:?}"),
            }
            let notes = app.parties().notes(&actor, *record, 100).await;
            assert_eq!(notes.is_ok(), readable, "{context}: notes");
        }
        // Counts include only what may be read (other parties of earlier
        // rounds belong to other users of the same branch).
        assert_eq!(count as usize, listed.len(), "{role}: count matches the list");
        let may_export = *role == "administrator" || *role == "supervisor";
        assert_eq!(export.is_ok(), may_export, "{role}: export permission");
    }
}
db_test!(every_role_sees_and_changes_only_what_the_policy_allows);

async fn financial_fields_need_their_right_and_survive_edits_without_it(t: TestDb) {
    let (app, admin) = app_with_admin(&t, Settings::default()).await;
    let centro = BranchId(app.access().create_branch(&admin, "Centro", "").await.expect("branch").id);
    let (agent, actor) = user_with(&app, &admin, "tele@loja.test", centro, "telemarketing").await;
    let draft = PartyDraft {
        full_name: "Ana Crédito".into(),
        seller_id: agent.0.to_string(),
        revolving_credit_limit: "5000,00".into(),
        ..Default::default()
    };
    let id = PartyId(
        app.parties()
            .create_party(&admin, PartyInput { draft: draft.clone(), consents: vec![] })
            .await
            .expect("create")
            .party
            .id,
    );
    let seen = app.parties().get_party(&actor, id).await.expect("agent reads");
    assert_eq!(seen.revolving_credit_limit, None, "hidden from telemarketing");
    let edit = PartyDraft { profession: "Professora".into(), revolving_credit_limit: String::new(), ..draft };
    app.parties().update_party(&actor, id, seen.version, edit).await.expect("agent edits his own");
    let after = app.parties().get_party(&admin, id).await.expect("admin reads");
    assert_eq!(after.revolving_credit_limit, Some(500_000), "kept, not wiped");
    assert_eq!(after.profession.as_deref(), Some("Professora"));
}
db_test!(financial_fields_need_their_right_and_survive_edits_without_it);

async fn revoked_roles_and_view_as_count_at_once(t: TestDb) {
    let (app, admin) = app_with_admin(&t, Settings::default()).await;
    let centro = BranchId(app.access().create_branch(&admin, "Centro", "").await.expect("branch").id);
    let (manager, _) = user_with(&app, &admin, "gestor@loja.test", centro, "account_manager").await;
    let session = session_token(&app, "gestor@loja.test").await;
    let own = party(&app, &admin, "Cliente Do Gestor", Some(manager)).await;
    let other = party(&app, &admin, "Cliente Da Casa", None).await;

    let viewing = app.access().view_as(&admin, manager).await.expect("view as");
    assert_eq!(viewing.viewing_as.as_deref(), Some(admin.display_name.as_str()));
    let seen: Vec<_> =
        app.parties().list_parties(&viewing, &PartyQuery::default()).await.expect("list").items;
    assert_eq!(seen.iter().map(|p| PartyId(p.id)).collect::<Vec<_>>(), [own], "sees what the manager sees");
    assert!(app.parties().get_party(&viewing, other).await.is_err());
    let change = ConsentChange::parse("email", true, "telefone", "").expect("change");
    assert!(
        matches!(app.parties().record_consent(&viewing, own, change).await, Err(AppError::Forbidden)),
        "read-only"
    );
    assert!(
        matches!(app.tokens().create_api_token(&viewing, "x").await, Err(AppError::Forbidden)),
        "not his tokens"
    );
    assert!(matches!(
        app.users().set_own_locale(&viewing, domain::Locale::En).await,
        Err(AppError::Forbidden)
    ));

    app.access().assign_user(&admin, manager, Some(centro), &[]).await.expect("revoke every role");
    let again = app.auth().session_actor(&session, None).await.expect("session").expect("still signed in");
    assert!(matches!(
        app.parties().list_parties(&again, &PartyQuery::default()).await,
        Err(AppError::Forbidden)
    ));
}
db_test!(revoked_roles_and_view_as_count_at_once);

async fn a_customer_page_reads_what_its_tab_asks_and_audits_only_what_was_opened(t: TestDb) {
    let (app, admin) = app_with_admin(&t, Settings::default()).await;
    let centro = BranchId(app.access().create_branch(&admin, "Centro", "").await.expect("branch").id);
    let (manager, actor) = user_with(&app, &admin, "gestor@loja.test", centro, "account_manager").await;
    let own = party(&app, &admin, "Cliente Do Gestor", Some(manager)).await;
    let other = party(&app, &admin, "Cliente Da Casa", None).await;
    app.parties().add_note(&actor, own, "Prefere contato à tarde").await.expect("note");

    let sections =
        ProfileSections { vehicles: true, interactions: true, appointments: true, notes: 5, figures: true };
    let page = app.parties().profile(&actor, own, sections).await.expect("own customer");
    assert_eq!(page.party.full_name, "Cliente Do Gestor");
    assert_eq!(page.notes.iter().map(|n| n.body.as_str()).collect::<Vec<_>>(), ["Prefere contato à tarde"]);
    assert!(
        !page.interaction_lists.natures.is_empty() && !page.interaction_lists.statuses.is_empty(),
        "the labels of interactions come along"
    );
    let (figures, estimate) = page.figures.expect("the summary's figures");
    assert_eq!((figures.purchase_count, estimate.total.0), (0, 0), "nothing bought or quoted yet");
    let bare = app.parties().profile(&actor, own, ProfileSections::default()).await.expect("own again");
    assert!(
        bare.notes.is_empty() && bare.interaction_lists.natures.is_empty() && bare.figures.is_none(),
        "what was not asked for is not read"
    );
    assert!(matches!(app.parties().profile(&actor, other, sections).await, Err(AppError::NotFound)));
    let reads: Vec<_> = app
        .audit()
        .audit_log(&admin, None, Some(100))
        .await
        .expect("audit")
        .items
        .into_iter()
        .filter(|e| e.action == "read")
        .map(|e| e.entity_id.unwrap_or_default())
        .collect();
    assert_eq!(reads, [own.to_string(), own.to_string()], "the refused page left no read behind");

    // A second role counts from the next request on, read with the session.
    let session = session_token(&app, "gestor@loja.test").await;
    let roles = app.access().list_roles(&admin).await.expect("roles");
    let role = |key: &str| RoleId(roles.iter().find(|r| r.key == key).expect("role").id);
    app.access()
        .assign_user(&admin, manager, Some(centro), &[role("account_manager"), role("telemarketing")])
        .await
        .expect("two roles");
    let again = app.auth().session_actor(&session, None).await.expect("session").expect("signed in");
    assert_eq!(again.role_names.len(), 2, "{:?}", again.role_names);
    assert_eq!(again.time_zone, admin.time_zone, "the organisation's locality comes with the session");
    app.parties().profile(&again, other, sections).await.expect("telemarketing reads every customer");
}
db_test!(a_customer_page_reads_what_its_tab_asks_and_audits_only_what_was_opened);

async fn a_repeated_document_names_the_party_only_to_who_may_see_it(t: TestDb) {
    let (app, admin) = app_with_admin(&t, Settings::default()).await;
    let centro = BranchId(app.access().create_branch(&admin, "Centro", "").await.expect("branch").id);
    let norte = BranchId(app.access().create_branch(&admin, "Norte", "").await.expect("branch").id);
    let (elsewhere, _) = user_with(&app, &admin, "norte@loja.test", norte, "account_manager").await;
    let (_, manager) = user_with(&app, &admin, "gestor@loja.test", centro, "account_manager").await;
    let draft = |name: &str, seller: Option<UserId>| PartyDraft {
        full_name: name.into(),
        document: "529.982.247-25".into(),
        seller_id: seller.map(|s| s.0.to_string()).unwrap_or_default(),
        ..Default::default()
    };
    let input = |draft| PartyInput { draft, consents: vec![] };
    app.parties()
        .create_party(&admin, input(draft("Cliente Do Norte", Some(elsewhere))))
        .await
        .expect("first");

    match app.parties().create_party(&manager, input(draft("Outro Nome", None))).await {
        Err(AppError::DocumentTaken) => {}
        other => panic!("a manager of another branch learns nothing of the party: {other:?}"),
    }
    match app.parties().create_party(&admin, input(draft("Outro Nome", None))).await {
        Err(AppError::DuplicateParty { name, .. }) => assert_eq!(name, "Cliente Do Norte"),
        other => panic!("the administrator is shown the existing party: {other:?}"),
    }
    let mine = app.parties().list_parties(&manager, &PartyQuery::default()).await.expect("list").items;
    assert!(mine.is_empty(), "nothing was created");
}
db_test!(a_repeated_document_names_the_party_only_to_who_may_see_it);

/// Every prefix of one to four letters of each word of `name`, as typed.
fn typed_prefixes(name: &str) -> Vec<String> {
    name.split_whitespace()
        .flat_map(|word| (1..=4).map(move |len| word.chars().take(len).collect::<String>()))
        .collect()
}

/// Asserts that each prefix of each name finds that party for `actor`.
async fn finds_by_every_prefix(app: &App, actor: &Actor, parties: &[(PartyId, String)]) {
    for (id, name) in parties {
        for prefix in typed_prefixes(name) {
            let found = app.parties().search_parties(actor, &prefix, 50).await.expect("search");
            assert!(found.iter().any(|p| p.id == id.0), "{prefix:?} finds {name}: {found:?}");
        }
    }
}

async fn search_draws_from_the_readers_scope_not_the_largest_organisation(t: TestDb) {
    // A large organisation whose customers match every common prefix…
    let (app, big_admin) = crate::app_with_demo(&t).await;
    let big = app.demo().demo_organisation().await.expect("org").expect("demo org");
    app.demo().load_demo_parties(big, 3_000, 11).await.expect("load");

    // …a small one beside it…
    app.setup()
        .operator_create_user("Loja Pequena", new_user("admin@pequena.test", "admin"))
        .await
        .expect("org");
    let small_admin = login(&app, "admin@pequena.test").await;
    let maria = party(&app, &small_admin, "Maria Silva Santos", None).await;
    finds_by_every_prefix(&app, &small_admin, &[(maria, "Maria Silva Santos".into())]).await;

    // …and, inside the large one, a manager whose portfolio is 1 % of it
    // (no branch: he sees his own customers only) and a supervisor of a
    // small branch.
    let roles = app.access().list_roles(&big_admin).await.expect("roles");
    let role = |key: &str| RoleId(roles.iter().find(|r| r.key == key).expect("role").id);
    let manager =
        app.users().create_user(&big_admin, new_user("carteira@demo.test", "member")).await.expect("user");
    app.access().assign_user(&big_admin, manager.id, None, &[role("account_manager")]).await.expect("assign");
    let small_branch =
        BranchId(app.access().create_branch(&big_admin, "Filial Pequena", "").await.expect("branch").id);
    let (_, supervisor) =
        user_with(&app, &big_admin, "supervisor@demo.test", small_branch, "supervisor").await;
    let (colleague, _) =
        user_with(&app, &big_admin, "vendedor@demo.test", small_branch, "account_manager").await;
    // The large organisation's commonest names, so every prefix matches
    // thousands of its customers.
    let first: Vec<&str> =
        app::demo::FEMALE.iter().zip(app::demo::MALE).flat_map(|(f, m)| [*f, *m]).collect();
    let last = app::demo::SURNAMES;
    let mut portfolio = Vec::new();
    let mut branch_customers = Vec::new();
    for index in 0..30 {
        let name = format!("{} {} {}", first[index % 10], last[(index * 3) % 10], last[(index * 7 + 1) % 10]);
        portfolio.push((party(&app, &big_admin, &name, Some(manager.id)).await, name.clone()));
        branch_customers.push((party(&app, &big_admin, &name, Some(colleague)).await, name));
    }
    let manager_actor = login(&app, "carteira@demo.test").await;
    finds_by_every_prefix(&app, &manager_actor, &portfolio).await;
    finds_by_every_prefix(&app, &supervisor, &branch_customers).await;

    // A transfer moves the customers' words to the new owner's scope.
    app.access().transfer_portfolio(&big_admin, manager.id, colleague).await.expect("transfer");
    assert!(app.parties().search_parties(&manager_actor, "m", 50).await.expect("search").is_empty());
    finds_by_every_prefix(&app, &supervisor, &portfolio[..3]).await;
}
db_test!(search_draws_from_the_readers_scope_not_the_largest_organisation);

async fn an_administrator_cannot_take_away_his_own_administration(t: TestDb) {
    let (app, admin) = app_with_admin(&t, Settings::default()).await;
    let roles = app.access().list_roles(&admin).await.expect("roles");
    let role = |key: &str| roles.iter().find(|r| r.key == key).expect("role");
    let administrator = role("administrator");
    let refused =
        app.access().assign_user(&admin, admin.user_id, None, &[RoleId(role("supervisor").id)]).await;
    assert!(matches!(refused, Err(AppError::Validation(_))), "{refused:?}");
    let keeping: Vec<String> =
        administrator.permissions.iter().filter(|p| p.as_str() != "administer").cloned().collect();
    let refused = app
        .access()
        .update_role(
            &admin,
            RoleId(administrator.id),
            administrator.version,
            &keeping,
            "organisation",
            "organisation",
        )
        .await;
    assert!(matches!(refused, Err(AppError::Validation(_))), "{refused:?}");
    let admin_again = login(&app, "admin@loja.test").await;
    assert!(app.access().list_roles(&admin_again).await.is_ok(), "still an administrator");

    // Another administrator may.
    let other = app.users().create_user(&admin, new_user("outro@loja.test", "member")).await.expect("user");
    app.access().assign_user(&admin, other.id, None, &[RoleId(administrator.id)]).await.expect("assign");
    let other = login(&app, "outro@loja.test").await;
    app.access()
        .assign_user(&other, admin.user_id, None, &[RoleId(role("supervisor").id)])
        .await
        .expect("another administrator may");
}
db_test!(an_administrator_cannot_take_away_his_own_administration);
