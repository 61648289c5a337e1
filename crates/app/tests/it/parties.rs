use crate::app_with_admin;
use app::parties::{PartyInput, PartyQuery};
use app::{AppError, Settings};
use domain::PartyId;
use domain::party::{AddressDraft, ConsentChange, PartyDraft, PhoneDraft};
use domain::timeline::EventKind;
use testkit::{TestDb, db_test};

fn joao() -> PartyDraft {
    PartyDraft {
        full_name: "João Conceição".into(),
        document: "529.982.247-25".into(),
        phones: vec![PhoneDraft { number: "(11) 98765-4321".into(), ..Default::default() }],
        emails: vec!["joao@exemplo.com.br".into()],
        address: AddressDraft {
            city: "São Paulo".into(),
            state: "SP".into(),
            postal_code: "01310-100".into(),
            ..Default::default()
        },
        tags: vec!["VIP".into()],
        ..Default::default()
    }
}

fn input(draft: PartyDraft) -> PartyInput {
    PartyInput { draft, consents: vec!["email".into(), "phone".into()] }
}

async fn invalid_fields_are_refused_one_by_one(t: TestDb) {
    let (app, admin) = app_with_admin(&t, Settings::default()).await;
    let cases: Vec<(&str, PartyDraft)> = vec![
        ("document", PartyDraft { document: "529.982.247-24".into(), ..joao() }),
        ("document", PartyDraft { kind: "company".into(), document: "11.222.333/0001-82".into(), ..joao() }),
        ("document", PartyDraft { document: "123456780".into(), document_kind: "nif".into(), ..joao() }),
        ("emails.0", PartyDraft { emails: vec!["joao.exemplo.com".into()], ..joao() }),
        (
            "phones.0",
            PartyDraft {
                phones: vec![PhoneDraft { number: "(11) 1234".into(), ..Default::default() }],
                ..joao()
            },
        ),
        (
            "address.postal_code",
            PartyDraft {
                address: AddressDraft { postal_code: "0131-100".into(), ..Default::default() },
                ..joao()
            },
        ),
        (
            "address.state",
            PartyDraft { address: AddressDraft { state: "SX".into(), ..Default::default() }, ..joao() },
        ),
        ("full_name", PartyDraft { full_name: "  ".into(), ..joao() }),
    ];
    for (field, draft) in cases {
        let result = app.parties().create_party(&admin, input(draft)).await;
        let Err(AppError::Validation(errors)) = result else {
            panic!("{field}: expected a validation error, got {result:?}")
        };
        assert_eq!(errors.0.len(), 1, "{field}: {errors:?}");
        assert_eq!(errors.0[0].field, field);
        assert!(errors.0[0].message.starts_with("error-"));
    }
    let page = app.parties().list_parties(&admin, &PartyQuery::default()).await.expect("list");
    assert!(page.items.is_empty(), "nothing was written");
    // The alphanumeric CNPJ of July 2026 is accepted.
    let company = PartyDraft {
        kind: "company".into(),
        full_name: "Auto Peças Ltda".into(),
        document: "12.ABC.345/01DE-35".into(),
        ..Default::default()
    };
    let saved = app.parties().create_party(&admin, input(company)).await.expect("alphanumeric CNPJ");
    assert_eq!(saved.party.document.as_deref(), Some("12ABC34501DE35"));
}
db_test!(invalid_fields_are_refused_one_by_one);

async fn same_document_is_refused_with_the_existing_party(t: TestDb) {
    let (app, admin) = app_with_admin(&t, Settings::default()).await;
    let first = app.parties().create_party(&admin, input(joao())).await.expect("first");
    let again = PartyDraft {
        full_name: "Outro Nome".into(),
        document: "52998224725".into(),
        emails: vec![],
        phones: vec![],
        ..joao()
    };
    match app.parties().create_party(&admin, input(again)).await {
        Err(AppError::DuplicateParty { existing, name }) => {
            assert_eq!(existing.0, first.party.id);
            assert_eq!(name, "João Conceição");
        }
        other => panic!("expected a duplicate refusal, got {other:?}"),
    }
    // Same e-mail or phone only warns.
    let lookalike = PartyDraft { full_name: "João C.".into(), document: String::new(), ..joao() };
    let saved = app.parties().create_party(&admin, input(lookalike)).await.expect("saved with a warning");
    assert_eq!(saved.possible_duplicates.len(), 1);
    assert_eq!(saved.possible_duplicates[0].id, first.party.id);
}
db_test!(same_document_is_refused_with_the_existing_party);

async fn stale_edit_is_refused_and_nothing_is_overwritten(t: TestDb) {
    let (app, admin) = app_with_admin(&t, Settings::default()).await;
    let saved = app.parties().create_party(&admin, input(joao())).await.expect("create");
    let id = PartyId(saved.party.id);
    let first = PartyDraft { profession: "Engenheiro".into(), ..joao() };
    app.parties().update_party(&admin, id, saved.party.version, first).await.expect("first edit");
    let stale = PartyDraft { profession: "Médico".into(), ..joao() };
    match app.parties().update_party(&admin, id, saved.party.version, stale).await {
        Err(AppError::Conflict { by, .. }) => assert_eq!(by, admin.display_name),
        other => panic!("expected a conflict, got {other:?}"),
    }
    let now = app.parties().get_party(&admin, id).await.expect("get");
    assert_eq!(now.profession.as_deref(), Some("Engenheiro"));
    assert_eq!(now.phones.len(), 1, "children kept");
}
db_test!(stale_edit_is_refused_and_nothing_is_overwritten);

async fn consent_is_a_ledger_with_history(t: TestDb) {
    let (app, admin) = app_with_admin(&t, Settings::default()).await;
    let saved = app.parties().create_party(&admin, input(joao())).await.expect("create");
    let id = PartyId(saved.party.id);
    assert!(saved.party.consent.email && saved.party.consent.phone && !saved.party.consent.letter);
    let change = ConsentChange::parse("email", false, "telefone", "Não quero mais e-mails").expect("change");
    let after = app.parties().record_consent(&admin, id, change).await.expect("withdraw");
    assert!(!after.consent.email, "withdrawn");
    assert!(after.consent.phone, "other channels untouched");
    let history = app.parties().consent_history(&admin, id).await.expect("history");
    assert_eq!(history.len(), 3);
    assert_eq!((history[0].channel.as_str(), history[0].granted), ("email", false));
    assert_eq!(history[0].source, "telefone");
    assert_eq!(history[0].recorded_by, admin.display_name);
    assert!(ConsentChange::parse("pombo", true, "", "").is_err());
}
db_test!(consent_is_a_ledger_with_history);

async fn search_ignores_accents_case_and_punctuation(t: TestDb) {
    let (app, admin) = app_with_admin(&t, Settings::default()).await;
    let joao = app.parties().create_party(&admin, input(joao())).await.expect("create").party.id;
    let other = PartyDraft {
        full_name: "Maria José Antunes".into(),
        document: String::new(),
        emails: vec!["maria@loja.com".into()],
        phones: vec![PhoneDraft { number: "21 3456-7890".into(), ..Default::default() }],
        ..Default::default()
    };
    app.parties().create_party(&admin, input(other)).await.expect("create");
    for query in [
        "joao",
        "JOÃO conceicao",
        "joao conc",
        "conceicao jo",
        "conceicao joao s",
        "529.982.247-25",
        "52998224725",
        "(11) 98765-4321",
        "+55 11 987654321",
        "98765-4321",
        "joao@exemplo.com.br",
    ] {
        let found = app.parties().search_parties(&admin, query, 10).await.expect("search");
        assert_eq!(found.first().map(|p| p.id), Some(joao), "{query:?} finds João: {found:?}");
        assert_eq!(found.len(), 1, "{query:?} finds only João");
    }
    assert!(app.parties().search_parties(&admin, "zzz", 10).await.expect("search").is_empty());
    assert!(app.parties().search_parties(&admin, "joao zz", 10).await.expect("search").is_empty());
    assert!(app.parties().search_parties(&admin, "   ", 10).await.expect("search").is_empty());
    assert_eq!(
        app.parties().search_parties(&admin, "j", 10).await.expect("search").first().map(|p| p.id),
        Some(joao),
        "the first letter typed already searches"
    );
    assert_eq!(
        app.parties().search_parties(&admin, "jo", 10).await.expect("search").first().map(|p| p.id),
        Some(joao)
    );

    let version = app.parties().get_party(&admin, PartyId(joao)).await.expect("get").version;
    let renamed = PartyDraft { full_name: "João Batista".into(), ..self::joao() };
    app.parties().update_party(&admin, PartyId(joao), version, renamed).await.expect("rename");
    assert!(
        app.parties().search_parties(&admin, "conceicao", 10).await.expect("search").is_empty(),
        "old name gone"
    );
    let found = app.parties().search_parties(&admin, "batis", 10).await.expect("search");
    assert_eq!(found.iter().map(|p| p.id).collect::<Vec<_>>(), [joao], "new name found");
}
db_test!(search_ignores_accents_case_and_punctuation);

async fn list_filters_sorts_and_pages(t: TestDb) {
    let (app, admin) = app_with_admin(&t, Settings::default()).await;
    for (name, uf) in [("Bruno", "SP"), ("Ana", "RJ"), ("Carla", "SP"), ("Álvaro", "SP"), ("Davi", "MG")] {
        let draft = PartyDraft {
            full_name: name.into(),
            address: AddressDraft { state: uf.into(), city: "Cidade".into(), ..Default::default() },
            ..Default::default()
        };
        app.parties().create_party(&admin, PartyInput { draft, consents: vec![] }).await.expect("create");
    }
    let sp = PartyQuery { state: Some("SP".into()), limit: Some(2), ..Default::default() };
    let first = app.parties().list_parties(&admin, &sp).await.expect("page 1");
    assert_eq!(first.items.iter().map(|p| p.full_name.as_str()).collect::<Vec<_>>(), ["Álvaro", "Bruno"]);
    let second = app
        .parties()
        .list_parties(&admin, &PartyQuery { cursor: first.next_cursor.clone(), ..sp.clone() })
        .await
        .expect("page 2");
    assert_eq!(second.items.iter().map(|p| p.full_name.as_str()).collect::<Vec<_>>(), ["Carla"]);
    assert!(second.next_cursor.is_none());
    assert_eq!(app.parties().count_parties(&admin, &sp).await.expect("count"), 3);
    let desc = PartyQuery { dir: Some("desc".into()), ..Default::default() };
    let names: Vec<String> = app
        .parties()
        .list_parties(&admin, &desc)
        .await
        .expect("desc")
        .items
        .into_iter()
        .map(|p| p.full_name)
        .collect();
    assert_eq!(names, ["Davi", "Carla", "Bruno", "Ana", "Álvaro"]);
    // All in one city: sorted by city, names are alphabetical within it.
    let by_city = PartyQuery { sort: Some("city".into()), ..Default::default() };
    let page = app.parties().list_parties(&admin, &by_city).await.expect("by city");
    let names: Vec<&str> = page.items.iter().map(|p| p.full_name.as_str()).collect();
    assert_eq!(names, ["Álvaro", "Ana", "Bruno", "Carla", "Davi"]);
    let bad = PartyQuery { sort: Some("password".into()), ..Default::default() };
    assert!(matches!(app.parties().list_parties(&admin, &bad).await, Err(AppError::Validation(_))));
}
db_test!(list_filters_sorts_and_pages);

/// Walking forward page by page and then back gives the same pages, for
/// every sort in both directions, and the first page knows it is first.
async fn previous_pages_are_the_pages_walked_forward(t: TestDb) {
    let (app, admin) = app_with_admin(&t, Settings::default()).await;
    let cities = ["Recife", "Belém", "Natal", "Aracaju"];
    for (n, name) in ["Bruno", "Ana", "Carla", "Álvaro", "Davi", "Elisa", "Fábio"].iter().enumerate() {
        let draft = PartyDraft {
            full_name: (*name).into(),
            address: AddressDraft {
                state: ["SP", "RJ"][n % 2].into(),
                city: cities[n % cities.len()].into(),
                ..Default::default()
            },
            ..Default::default()
        };
        app.parties().create_party(&admin, PartyInput { draft, consents: vec![] }).await.expect("create");
    }
    for sort in ["name", "city", "state", "newest"] {
        for dir in ["asc", "desc"] {
            let query = PartyQuery {
                sort: Some(sort.into()),
                dir: Some(dir.into()),
                limit: Some(2),
                ..Default::default()
            };
            let names = |page: &domain::page::Page<app::parties::PartyListItem>| {
                page.items.iter().map(|p| p.full_name.clone()).collect::<Vec<_>>()
            };
            let mut forward = vec![app.parties().list_parties(&admin, &query).await.expect("first")];
            assert!(forward[0].prev_cursor.is_none(), "{sort} {dir}: nothing before the first page");
            while let Some(cursor) = forward.last().and_then(|p| p.next_cursor.clone()) {
                let next = PartyQuery { cursor: Some(cursor), ..query.clone() };
                forward.push(app.parties().list_parties(&admin, &next).await.expect("next"));
            }
            assert_eq!(forward.len(), 4, "{sort} {dir}: 7 rows in pages of 2");
            let mut page = forward.pop().expect("last");
            while let Some(cursor) = page.prev_cursor.clone() {
                let before = PartyQuery { before: Some(cursor), ..query.clone() };
                page = app.parties().list_parties(&admin, &before).await.expect("previous");
                let expected = forward.pop().expect("a page walked forward");
                assert_eq!(names(&page), names(&expected), "{sort} {dir}: the same page going back");
                assert!(page.next_cursor.is_some(), "{sort} {dir}: a page before has one after it");
            }
            assert!(forward.is_empty(), "{sort} {dir}: back to the first page");
        }
    }
}
db_test!(previous_pages_are_the_pages_walked_forward);

async fn export_is_audited_with_its_row_count(t: TestDb) {
    let (app, admin) = app_with_admin(&t, Settings::default()).await;
    app.parties().create_party(&admin, input(joao())).await.expect("create");
    app.parties()
        .create_party(&admin, input(PartyDraft { full_name: "Segunda Pessoa".into(), ..Default::default() }))
        .await
        .expect("create");
    let mut rows = Vec::new();
    let exported = app
        .parties()
        .export_parties(&admin, &PartyQuery::default(), |page| {
            rows.extend(page);
            async { true }
        })
        .await
        .expect("export");
    assert_eq!((exported, rows.len()), (2, 2));
    let audit = app.audit().audit_log(&admin, None, None).await.expect("audit");
    let export = audit.items.iter().find(|e| e.action == "export").expect("an export entry");
    assert_eq!(export.after.as_ref().and_then(|a| a["rows"].as_u64()), Some(2));
    assert_eq!(export.actor, "admin@loja.test");
}
db_test!(export_is_audited_with_its_row_count);

async fn merge_moves_everything_and_undo_restores_it(t: TestDb) {
    let (app, admin) = app_with_admin(&t, Settings::default()).await;
    let survivor = PartyId(app.parties().create_party(&admin, input(joao())).await.expect("create").party.id);
    let duplicate = PartyDraft {
        full_name: "João da Conceição".into(),
        document: String::new(),
        phones: vec![PhoneDraft { number: "(11) 91111-2222".into(), ..Default::default() }],
        emails: vec!["joao.conceicao@trabalho.com".into()],
        tags: vec!["oficina".into()],
        ..Default::default()
    };
    let merged = PartyId(
        app.parties()
            .create_party(&admin, PartyInput { draft: duplicate, consents: vec!["letter".into()] })
            .await
            .expect("create")
            .party
            .id,
    );
    app.parties().add_note(&admin, merged, "Cliente ligou pedindo revisão").await.expect("note");
    let merge = app.parties().merge_parties(&admin, survivor, merged).await.expect("merge");

    let after = app.parties().get_party(&admin, survivor).await.expect("survivor");
    assert_eq!(after.phones.len(), 2);
    assert_eq!(after.emails.len(), 2);
    assert!(after.tags.contains(&"oficina".to_string()));
    assert!(after.consent.letter, "consent moved with its ledger");
    assert_eq!(app.parties().notes(&admin, survivor, 100).await.expect("notes").len(), 1);
    assert!(
        matches!(app.parties().get_party(&admin, merged).await, Err(AppError::Merged { into }) if into == survivor)
    );
    let found = app.parties().search_parties(&admin, "91111-2222", 5).await.expect("search");
    assert_eq!(found.iter().map(|p| p.id).collect::<Vec<_>>(), [survivor.0], "found by the merged phone");
    assert_eq!(app.parties().count_parties(&admin, &PartyQuery::default()).await.expect("count"), 1);

    let restored = app.parties().undo_merge(&admin, merge.id).await.expect("undo");
    assert_eq!(restored.id, merged.0);
    assert_eq!(restored.phones.len(), 1);
    assert!(restored.consent.letter);
    let survivor_again = app.parties().get_party(&admin, survivor).await.expect("survivor");
    assert_eq!(survivor_again.phones.len(), 1);
    assert!(!survivor_again.tags.contains(&"oficina".to_string()));
    assert!(!survivor_again.consent.letter);
    assert_eq!(app.parties().notes(&admin, merged, 100).await.expect("notes").len(), 1);
    assert_eq!(app.parties().count_parties(&admin, &PartyQuery::default()).await.expect("count"), 2);
    assert!(
        app.parties()
            .search_parties(&admin, "91111-2222", 5)
            .await
            .expect("search")
            .iter()
            .all(|p| p.id == merged.0)
    );
    assert!(
        matches!(app.parties().undo_merge(&admin, merge.id).await, Err(AppError::Validation(_))),
        "undo only once"
    );
}
db_test!(merge_moves_everything_and_undo_restores_it);

/// The list's phone and e-mail are kept on the party's row: every write of
/// the phones and e-mails, a merge and its undo keep them the first ones.
async fn the_list_shows_the_first_phone_and_email_after_every_change(t: TestDb) {
    let (app, admin) = app_with_admin(&t, Settings::default()).await;
    let shown = |id: PartyId| {
        let app = &app;
        let admin = &admin;
        async move {
            let page = app.parties().list_parties(admin, &PartyQuery::default()).await.expect("list");
            let row = page.items.into_iter().find(|row| row.id == id.0).expect("listed");
            (row.phone, row.email)
        }
    };
    let saved = app.parties().create_party(&admin, input(joao())).await.expect("create");
    let id = PartyId(saved.party.id);
    assert_eq!(shown(id).await, (Some("(11) 98765-4321".into()), Some("joao@exemplo.com.br".into())));

    let reordered = PartyDraft {
        phones: vec![
            PhoneDraft { number: "(21) 3333-4444".into(), ..Default::default() },
            PhoneDraft { number: "(11) 98765-4321".into(), ..Default::default() },
        ],
        emails: vec!["outro@exemplo.com.br".into(), "joao@exemplo.com.br".into()],
        ..joao()
    };
    let edited = app.parties().update_party(&admin, id, saved.party.version, reordered).await.expect("edit");
    assert_eq!(shown(id).await, (Some("(21) 3333-4444".into()), Some("outro@exemplo.com.br".into())));

    let without = PartyDraft { phones: Vec::new(), emails: Vec::new(), ..joao() };
    app.parties().update_party(&admin, id, edited.party.version, without).await.expect("edit");
    assert_eq!(shown(id).await, (None, None));

    let duplicate = PartyDraft {
        full_name: "João da Conceição".into(),
        document: String::new(),
        phones: vec![PhoneDraft { number: "(11) 91111-2222".into(), ..Default::default() }],
        emails: vec!["joao.conceicao@trabalho.com".into()],
        ..Default::default()
    };
    let merged =
        PartyId(app.parties().create_party(&admin, input(duplicate)).await.expect("create").party.id);
    let merge = app.parties().merge_parties(&admin, id, merged).await.expect("merge");
    assert_eq!(shown(id).await, (Some("(11) 91111-2222".into()), Some("joao.conceicao@trabalho.com".into())));
    app.parties().undo_merge(&admin, merge.id).await.expect("undo");
    assert_eq!(shown(id).await, (None, None));
    assert_eq!(
        shown(merged).await,
        (Some("(11) 91111-2222".into()), Some("joao.conceicao@trabalho.com".into()))
    );
}
db_test!(the_list_shows_the_first_phone_and_email_after_every_change);

async fn another_organisation_sees_nothing(t: TestDb) {
    let (app, admin) = app_with_admin(&t, Settings::default()).await;
    let id = PartyId(app.parties().create_party(&admin, input(joao())).await.expect("create").party.id);
    app.setup()
        .operator_create_user("Outra Loja", crate::new_user("intruso@outra.test", "admin"))
        .await
        .expect("user");
    let intruder = app
        .auth()
        .login(app::auth::LoginInput {
            email: "intruso@outra.test",
            password: crate::PASSWORD,
            ip: None,
            user_agent: None,
        })
        .await
        .expect("login")
        .actor;
    assert!(matches!(app.parties().get_party(&intruder, id).await, Err(AppError::NotFound)));
    assert!(app.parties().search_parties(&intruder, "joao", 10).await.expect("search").is_empty());
    assert!(
        app.parties().list_parties(&intruder, &PartyQuery::default()).await.expect("list").items.is_empty()
    );
    // The same CPF may exist in another organisation.
    app.parties().create_party(&intruder, input(joao())).await.expect("own registry");
}
db_test!(another_organisation_sees_nothing);

async fn custom_fields_are_validated_saved_and_merged(t: TestDb) {
    let (app, admin) = app_with_admin(&t, Settings::default()).await;
    app.registry().create_custom_field(&admin, "Número da frota", "number", "").await.expect("number field");
    app.registry()
        .create_custom_field(&admin, "Porte", "choice", "Pequeno\nMédio\nGrande")
        .await
        .expect("choice field");
    assert!(
        matches!(
            app.registry().create_custom_field(&admin, "Porte", "text", "").await,
            Err(AppError::Taken(_))
        ),
        "same key twice"
    );
    let mut draft = joao();
    draft.custom.insert("numero_da_frota".into(), "doze".into());
    draft.custom.insert("porte".into(), "Enorme".into());
    let Err(AppError::Validation(errors)) = app.parties().create_party(&admin, input(draft.clone())).await
    else {
        panic!("expected errors")
    };
    let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_ref()).collect();
    assert_eq!(fields, ["custom.numero_da_frota", "custom.porte"]);
    draft.custom.insert("numero_da_frota".into(), "1.234".into());
    draft.custom.insert("porte".into(), "médio".into());
    let saved = app.parties().create_party(&admin, input(draft)).await.expect("saved");
    assert_eq!(saved.party.custom.get("numero_da_frota").map(String::as_str), Some("1234"));
    assert_eq!(saved.party.custom.get("porte").map(String::as_str), Some("Médio"));
    let mut unknown = PartyDraft { full_name: "Outra".into(), ..Default::default() };
    unknown.custom.insert("nao_existe".into(), "x".into());
    assert!(matches!(app.parties().create_party(&admin, input(unknown)).await, Err(AppError::Validation(_))));

    // A merge brings the duplicate's values where the survivor has none, and undo takes them back.
    let mut other = PartyDraft { full_name: "Outro João".into(), ..Default::default() };
    other.custom.insert("porte".into(), "Grande".into());
    other.custom.insert("numero_da_frota".into(), "7".into());
    let survivor = PartyId(
        app.parties()
            .create_party(
                &admin,
                input(PartyDraft { full_name: "Sobrevivente".into(), ..Default::default() }),
            )
            .await
            .expect("create")
            .party
            .id,
    );
    let merged = PartyId(app.parties().create_party(&admin, input(other)).await.expect("create").party.id);
    let merge = app.parties().merge_parties(&admin, survivor, merged).await.expect("merge");
    assert_eq!(app.parties().get_party(&admin, survivor).await.expect("get").custom.len(), 2);
    app.parties().undo_merge(&admin, merge.id).await.expect("undo");
    assert!(app.parties().get_party(&admin, survivor).await.expect("get").custom.is_empty());
}
db_test!(custom_fields_are_validated_saved_and_merged);

async fn customer_statuses_belong_to_the_organisation(t: TestDb) {
    let (app, admin) = app_with_admin(&t, Settings::default()).await;
    let codes =
        |s: Vec<app::registry_settings::StatusView>| s.into_iter().map(|s| s.code).collect::<Vec<_>>();
    assert_eq!(
        codes(app.registry().customer_statuses(&admin).await.expect("statuses")),
        ["active", "simplified", "special", "blocked"]
    );
    let bad = PartyDraft { customer_status: "ouro".into(), ..joao() };
    assert!(matches!(
        app.parties().create_party(&admin, input(bad.clone())).await,
        Err(AppError::Validation(_))
    ));
    let gold = app.registry().add_customer_status(&admin, "Ouro").await.expect("add");
    assert_eq!(gold.code, "ouro");
    assert_eq!(
        codes(app.registry().customer_statuses(&admin).await.expect("statuses")),
        ["active", "simplified", "special", "blocked", "ouro"]
    );
    let saved = app.parties().create_party(&admin, input(bad)).await.expect("now valid");
    assert_eq!(saved.party.customer_status.as_deref(), Some("ouro"));
    assert!(
        matches!(app.registry().add_customer_status(&admin, "ouro").await, Err(AppError::Taken(_))),
        "no duplicates"
    );
}
db_test!(customer_statuses_belong_to_the_organisation);

async fn one_changed_field_is_all_the_history_and_the_audit_names(t: TestDb) {
    let (app, admin) = app_with_admin(&t, Settings::default()).await;
    let created = app.parties().create_party(&admin, input(joao())).await.expect("create").party;
    let id = PartyId(created.id);
    let draft = PartyDraft { profession: "Engenheira".into(), ..joao() };
    app.parties().update_party(&admin, id, created.version, draft).await.expect("update");

    let history =
        app.timeline().history(&admin, id, Some(EventKind::Registration), None).await.expect("history");
    let updated = history.iter().find(|e| e.action == "timeline-party-updated").expect("an update event");
    assert_eq!(updated.detail, "profession", "only the field that changed is named");

    let audit = app.audit().audit_log(&admin, None, None).await.expect("audit");
    let entry =
        audit.items.iter().find(|e| e.action == "update" && e.entity_type == "party").expect("audited");
    let (before, after) = (entry.before.as_ref().expect("before"), entry.after.as_ref().expect("after"));
    for snapshot in [before, after] {
        assert_eq!(snapshot["phones"][0]["e164"], "+5511987654321", "{snapshot}");
        assert_eq!(snapshot["emails"][0], "joao@exemplo.com.br");
        assert_eq!(snapshot["address"]["city"], "São Paulo");
        assert_eq!(snapshot["tags"][0], "vip");
    }
    assert_eq!((before["profession"].as_str(), after["profession"].as_str()), (None, Some("Engenheira")));
}
db_test!(one_changed_field_is_all_the_history_and_the_audit_names);

async fn the_filter_tree_selects_with_all_any_and_not(t: TestDb) {
    let clock = app::Clock::fixed(chrono::Utc::now() - chrono::Duration::days(60));
    let (app, admin) = crate::app_with_admin_on(&t, Settings::default(), clock.clone()).await;
    let person = |name: &str, city: &str, state: &str, tags: &[&str]| PartyDraft {
        full_name: name.into(),
        address: AddressDraft { city: city.into(), state: state.into(), ..Default::default() },
        tags: tags.iter().map(|t| t.to_string()).collect(),
        ..Default::default()
    };
    app.parties()
        .create_party(&admin, input(person("Ana Paula Souza", "Campinas", "SP", &["vip"])))
        .await
        .expect("ana");
    clock.advance(chrono::Duration::days(40));
    app.parties()
        .create_party(&admin, input(person("Bruno Araújo", "São Paulo", "SP", &[])))
        .await
        .expect("bruno");
    app.parties()
        .create_party(&admin, input(person("Carla Dias", "Niterói", "RJ", &["oficina"])))
        .await
        .expect("carla");
    clock.advance(chrono::Duration::days(20));

    let names = |filter: &str| {
        let query = PartyQuery { filter: Some(filter.to_string()), ..Default::default() };
        let app = &app;
        let admin = &admin;
        async move {
            let page = app.parties().list_parties(admin, &query).await.expect("list");
            let count = app.parties().count_parties(admin, &query).await.expect("count");
            let names: Vec<String> = page.items.into_iter().map(|p| p.full_name).collect();
            assert_eq!(count as usize, names.len(), "the count agrees with the list for {query:?}");
            names
        }
    };
    assert_eq!(names(r#"{"field": "state", "equals": "sp"}"#).await, ["Ana Paula Souza", "Bruno Araújo"]);
    assert_eq!(names(r#"{"field": "city", "equals": "sao paulo"}"#).await, ["Bruno Araújo"], "accent-blind");
    assert_eq!(
        names(r#"{"any": [{"field": "tag", "equals": "VIP"}, {"field": "state", "equals": "RJ"}]}"#).await,
        ["Ana Paula Souza", "Carla Dias"]
    );
    assert_eq!(
        names(
            r#"{"all": [{"field": "state", "equals": "SP"}, {"not": {"field": "tag", "is_empty": true}}]}"#
        )
        .await,
        ["Ana Paula Souza"]
    );
    assert_eq!(names(r#"{"field": "tag", "is_empty": true}"#).await, ["Bruno Araújo"]);
    assert_eq!(names(r#"{"field": "name", "contains": "araujo"}"#).await, ["Bruno Araújo"]);
    assert_eq!(names(r#"{"field": "name", "prefix": "car"}"#).await, ["Carla Dias"]);
    assert_eq!(
        names(r#"{"field": "name", "contains": "%"}"#).await,
        Vec::<String>::new(),
        "% is taken literally"
    );
    assert_eq!(
        names(r#"{"field": "created_at", "relative": {"from": -30}}"#).await,
        ["Bruno Araújo", "Carla Dias"],
        "created in the last thirty days"
    );
    assert_eq!(names(r#"{"field": "created_at", "relative": {"to": -30}}"#).await, ["Ana Paula Souza"]);
    assert_eq!(names(r#"{"any": []}"#).await, Vec::<String>::new(), "an empty any selects nobody");
    // The form's filters and the tree are joined.
    let both = PartyQuery {
        state: Some("SP".into()),
        filter: Some(r#"{"not": {"field": "city", "in": ["Campinas"]}}"#.into()),
        ..Default::default()
    };
    let found = app.parties().list_parties(&admin, &both).await.expect("list");
    assert_eq!(found.items.iter().map(|p| p.full_name.as_str()).collect::<Vec<_>>(), ["Bruno Araújo"]);

    for (bad, field) in [
        (r#"{"field": "password", "equals": "x"}"#, "filter"),
        (r#"{"field": "seller", "equals": "fulano"}"#, "filter.seller"),
        (r#"{"field": "city", "relative": {"from": -1}}"#, "filter.city"),
        ("not json", "filter"),
    ] {
        let query = PartyQuery { filter: Some(bad.into()), ..Default::default() };
        let Err(AppError::Validation(errors)) = app.parties().list_parties(&admin, &query).await else {
            panic!("{bad} is refused")
        };
        assert_eq!(errors.fields().collect::<Vec<_>>(), [field], "{bad}");
    }
}
db_test!(the_filter_tree_selects_with_all_any_and_not);

async fn filter_dates_are_the_organisations_days(t: TestDb) {
    // 23:30 on 14 June in São Paulo is already 15 June in UTC.
    let at = chrono::DateTime::parse_from_rfc3339("2026-06-15T02:30:00Z").expect("time").to_utc();
    let (app, admin) = crate::app_with_admin_on(&t, Settings::default(), app::Clock::fixed(at)).await;
    assert_eq!(admin.time_zone, chrono_tz::America::Sao_Paulo);
    app.parties()
        .create_party(&admin, input(PartyDraft { full_name: "Noturno".into(), ..Default::default() }))
        .await
        .expect("create");
    let count = |day: &str| {
        let filter = format!(r#"{{"field": "created_at", "equals": "{day}"}}"#);
        let query = PartyQuery { filter: Some(filter), ..Default::default() };
        let (app, admin) = (&app, &admin);
        async move { app.parties().count_parties(admin, &query).await.expect("count") }
    };
    assert_eq!(count("2026-06-14").await, 1, "created on the 14th, as the shop counts days");
    assert_eq!(count("2026-06-15").await, 0);
    let today = PartyQuery {
        filter: Some(r#"{"field": "created_at", "relative": {"from": 0}}"#.into()),
        ..Default::default()
    };
    assert_eq!(
        app.parties().count_parties(&admin, &today).await.expect("count"),
        1,
        "and it is still today there"
    );
}
db_test!(filter_dates_are_the_organisations_days);

async fn a_birth_date_is_judged_by_the_organisations_calendar(t: TestDb) {
    // 23:30 on 14 June in São Paulo: the 15th has not come there yet.
    let at = chrono::DateTime::parse_from_rfc3339("2026-06-15T02:30:00Z").expect("time").to_utc();
    let (app, admin) = crate::app_with_admin_on(&t, Settings::default(), app::Clock::fixed(at)).await;
    let born = |date: &str| PartyDraft {
        full_name: "Recém-nascido".into(),
        birth_date: date.into(),
        ..Default::default()
    };
    let Err(AppError::Validation(errors)) =
        app.parties().create_party(&admin, input(born("2026-06-15"))).await
    else {
        panic!("tomorrow, locally, is refused")
    };
    assert_eq!(errors.fields().collect::<Vec<_>>(), ["birth_date"]);
    app.parties().create_party(&admin, input(born("2026-06-14"))).await.expect("today, locally, is fine");
}
db_test!(a_birth_date_is_judged_by_the_organisations_calendar);

/// Bulk actions on the customer list change every selected customer or
/// none: a stale row or one out of reach stops the whole action.
async fn bulk_actions_change_all_or_nothing(t: TestDb) {
    use crate::access::{party, user_with};
    use app::parties::PartySelection;
    use domain::bulk::Chosen;
    use domain::party::PartyBulkChange;
    let (app, admin) = app_with_admin(&t, Settings::default()).await;
    let centro =
        domain::BranchId(app.access().create_branch(&admin, "Centro", "Loja").await.expect("branch").id);
    let norte =
        domain::BranchId(app.access().create_branch(&admin, "Norte", "Loja").await.expect("branch").id);
    let (ana, ana_actor) = user_with(&app, &admin, "ana@loja.test", centro, "account_manager").await;
    let (nuno, _) = user_with(&app, &admin, "nuno@loja.test", norte, "account_manager").await;
    let mut ids = Vec::new();
    for name in ["Bia", "Caio", "Duda"] {
        ids.push(party(&app, &admin, name, Some(ana)).await);
    }
    let norte_party = party(&app, &admin, "Ester", Some(nuno)).await;
    let version = |id: PartyId| {
        let app = &app;
        let admin = &admin;
        async move { app.parties().get_party(admin, id).await.expect("get").version }
    };
    let mut chosen = Vec::new();
    for id in &ids[..2] {
        chosen.push(Chosen { id: *id, version: version(*id).await });
    }

    // Ana cannot reach Nuno's customer: nothing changes, and it is not revealed.
    let mut reaching = chosen.clone();
    reaching.push(Chosen { id: norte_party, version: 1 });
    let tag = PartyBulkChange::AddTag("vip".into());
    let refused = app.parties().change_in_bulk(&ana_actor, &PartySelection::Chosen(reaching), &tag).await;
    assert!(matches!(refused, Err(AppError::NotFound)), "{refused:?}");
    assert!(app.parties().get_party(&admin, ids[0]).await.expect("get").tags.is_empty(), "nothing tagged");

    // A stale row stops the action for all.
    let mut stale = chosen.clone();
    stale[1].version -= 1;
    let refused = app.parties().change_in_bulk(&admin, &PartySelection::Chosen(stale), &tag).await;
    assert!(matches!(refused, Err(AppError::Conflict { .. })), "{refused:?}");
    assert!(app.parties().get_party(&admin, ids[0]).await.expect("get").tags.is_empty(), "rolled back");

    let tagged =
        app.parties().change_in_bulk(&ana_actor, &PartySelection::Chosen(chosen.clone()), &tag).await;
    assert_eq!(tagged.expect("tagged"), 2);
    for id in &ids[..2] {
        assert_eq!(app.parties().get_party(&admin, *id).await.expect("get").tags, ["vip"]);
    }
    // The versions moved: the same check boxes are now stale.
    let again = app.parties().change_in_bulk(&ana_actor, &PartySelection::Chosen(chosen), &tag).await;
    assert!(matches!(again, Err(AppError::Conflict { .. })));

    // Every customer the filter selects, handed to Nuno. A tag asked for
    // by equality and few hold reads from the tag's index; the same tag in
    // a list is probed party by party: both select the same.
    let vip = PartyQuery { tag: Some("vip".into()), ..Default::default() };
    let listed =
        PartyQuery { filter: Some(r#"{"field": "tag", "in": ["vip"]}"#.into()), ..Default::default() };
    let ids_of = |page: domain::page::Page<app::parties::PartyListItem>| {
        page.items.into_iter().map(|p| p.id).collect::<Vec<_>>()
    };
    assert_eq!(
        ids_of(app.parties().list_parties(&admin, &vip).await.expect("by index")),
        ids_of(app.parties().list_parties(&admin, &listed).await.expect("probed")),
    );
    let transfer = PartyBulkChange::Transfer(nuno);
    let moved = app
        .parties()
        .change_in_bulk(&admin, &PartySelection::Matching(Box::new(vip.clone())), &transfer)
        .await;
    assert_eq!(moved.expect("moved"), 2);
    let now_his = app.parties().get_party(&admin, ids[0]).await.expect("get");
    assert_eq!((now_his.seller_id, now_his.portfolio().branch), (Some(nuno.0), Some(norte)));
    assert!(
        matches!(app.parties().get_party(&ana_actor, ids[0]).await, Err(AppError::NotFound)),
        "out of Ana's portfolio"
    );
    let bad = PartyBulkChange::Transfer(domain::UserId(uuid::Uuid::now_v7()));
    let unknown =
        app.parties().change_in_bulk(&admin, &PartySelection::Matching(Box::new(vip.clone())), &bad).await;
    assert!(matches!(unknown, Err(AppError::Validation(_))), "{unknown:?}");

    let archived = app
        .parties()
        .change_in_bulk(&admin, &PartySelection::Matching(Box::new(vip.clone())), &PartyBulkChange::Archive)
        .await;
    assert_eq!(archived.expect("archived"), 2);
    assert_eq!(app.parties().count_parties(&admin, &vip).await.expect("count"), 0, "they left the list");
    let nothing = app
        .parties()
        .change_in_bulk(&admin, &PartySelection::Matching(Box::new(vip)), &PartyBulkChange::Archive)
        .await;
    assert!(matches!(nothing, Err(AppError::Validation(_))), "nothing left to choose");
    let history =
        app.timeline().history(&admin, ids[0], Some(EventKind::Registration), None).await.expect("history");
    assert!(history.iter().any(|e| e.action == "timeline-party-archived"), "the history says so");
}
db_test!(bulk_actions_change_all_or_nothing);

/// "silva" among 60 companies "Silva … Ltda" and 60 people named Silva,
/// registered over time (companies two to one at first): both kinds in the
/// first ten, the one named just "Silva" first, and a name typed over
/// several words ahead of the rest.
async fn search_ranks_people_and_companies_together(t: TestDb) {
    let (app, admin) = app_with_admin(&t, Settings::default()).await;
    let create = |full_name: String, kind: &str| {
        let draft = PartyDraft { full_name, kind: kind.into(), ..Default::default() };
        let app = &app;
        let admin = &admin;
        async move { app.parties().create_party(admin, input(draft)).await.expect("create").party.id }
    };
    for n in 0..60 {
        create(format!("Silva Comércio {n:02} Ltda"), "company").await;
        if n % 2 == 1 {
            create(format!("Pessoa {:02} da Silva", n / 2), "person").await;
        }
    }
    for n in 30..60 {
        create(format!("Pessoa {n:02} da Silva"), "person").await;
    }
    let silva = create("Silva".into(), "person").await;
    let found = app.parties().search_parties(&admin, "silva", 10).await.expect("search");
    assert_eq!(found[0].id, silva, "the whole name first");
    let people = found.iter().filter(|p| p.kind == "person").count();
    let companies = found.iter().filter(|p| p.kind == "company").count();
    assert!(
        people >= 4 && companies >= 4,
        "both kinds: {:?}",
        found.iter().map(|p| &p.full_name).collect::<Vec<_>>()
    );
    let typed = app.parties().search_parties(&admin, "pessoa 07 da s", 10).await.expect("search");
    assert_eq!(typed.first().map(|p| p.full_name.as_str()), Some("Pessoa 07 da Silva"));
}
db_test!(search_ranks_people_and_companies_together);

/// Words typed as a name starts: when the names starting with them fill
/// what is shown, they are what is shown; asked for more, the names with
/// those words elsewhere come after them.
async fn a_name_typed_from_its_start_fills_the_list_before_other_matches(t: TestDb) {
    let (app, admin) = app_with_admin(&t, Settings::default()).await;
    for name in
        ["Costa", "Dias", "Lima", "Melo", "Nunes", "Ramos", "Reis", "Rocha", "Souza", "Teles", "Vaz", "Alves"]
    {
        let draft = PartyDraft { full_name: format!("João Silva {name}"), ..Default::default() };
        app.parties().create_party(&admin, input(draft)).await.expect("create");
    }
    let draft = PartyDraft { full_name: "Pedro João Silveira".into(), ..Default::default() };
    let elsewhere = app.parties().create_party(&admin, input(draft)).await.expect("create").party.id;

    let shown = app.parties().search_parties(&admin, "joao sil", 10).await.expect("search");
    assert_eq!(shown.len(), 10);
    assert!(shown.iter().all(|p| p.full_name.starts_with("João Silva ")), "{shown:?}");
    let more = app.parties().search_parties(&admin, "joao sil", 50).await.expect("search");
    assert_eq!(more.len(), 13);
    assert_eq!(more.last().map(|p| p.id), Some(elsewhere), "the other word order last");
}
db_test!(a_name_typed_from_its_start_fills_the_list_before_other_matches);
