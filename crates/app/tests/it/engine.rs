//! The relationship engine over SQL (seed 004): each of the seed's kinds
//! of filter on a small world whose answer is known — "has not bought
//! since", stores with and without sales, the birthday range across the
//! year's end, aggregates within the stores and period analysed, product
//! groups, remove-from-result, the limit — with the count per channel,
//! the sorted grid, and who may ask.
use crate::access::user_with;
use crate::app_with_admin_on;
use app::engine::{EngineCount, GridView};
use app::parties::PartyInput;
use app::{Actor, App, AppError, Clock, Settings};
use domain::catalogue::{ProductDraft, StoreDraft};
use domain::engine::{EngineField, EngineSort, Operation, PurchaseWindow, Removal, Segment};
use domain::filter::{Filter, Test, Value};
use domain::interaction::InteractionDraft;
use domain::party::{AddressDraft, PartyDraft};
use domain::sale::{SaleDraft, SaleItemDraft};
use domain::{BranchId, PartyId};
use testkit::{TestDb, db_test};
use uuid::Uuid;

struct World {
    app: App,
    admin: Actor,
    stores: Vec<Uuid>,
}

/// Four customers (Ana, Bruno, Carla, Davi) at three stores, on
/// 3 December 2026 in São Paulo.
async fn world(t: &TestDb) -> World {
    let clock =
        Clock::fixed(chrono::DateTime::parse_from_rfc3339("2026-12-03T15:00:00Z").expect("now").to_utc());
    let (app, admin) = app_with_admin_on(t, Settings::default(), clock).await;
    for (code, name) in [("01", "Loja Centro"), ("02", "Loja Shopping"), ("03", "Loja Bairro")] {
        let store = StoreDraft { code: code.into(), name: name.into(), cnpj: String::new() };
        app.catalogue().create_store(&admin, &store).await.expect("store");
    }
    for (code, name, price, group) in
        [("PNEU", "Pneu aro 14", "389,90", "Peças"), ("CAMISA", "Camisa polo", "45,00", "Vestuário")]
    {
        let product = ProductDraft {
            code: code.into(),
            name: name.into(),
            price: price.into(),
            group: group.into(),
            active: true,
            ..Default::default()
        };
        app.catalogue().create_product(&admin, &product).await.expect("product");
    }
    let mut stores: Vec<_> = app.catalogue().stores(&admin).await.expect("stores");
    stores.sort_by(|a, b| a.code.cmp(&b.code));
    let stores = stores.into_iter().map(|s| s.id).collect();
    World { app, admin, stores }
}

struct Customer<'a> {
    name: &'a str,
    state: &'a str,
    birth: &'a str,
    consents: &'a [&'a str],
    email: Option<&'a str>,
    sales: &'a [(&'a str, &'a str, &'a str)],
}

async fn customer(w: &World, c: Customer<'_>) -> PartyId {
    let draft = PartyDraft {
        full_name: c.name.into(),
        birth_date: c.birth.into(),
        emails: c.email.map(String::from).into_iter().collect(),
        address: AddressDraft {
            street: "Rua A".into(),
            number: "1".into(),
            neighbourhood: "Centro".into(),
            city: "Cidade".into(),
            state: c.state.into(),
            ..Default::default()
        },
        ..Default::default()
    };
    let input = PartyInput { draft, consents: c.consents.iter().map(|s| s.to_string()).collect() };
    let id = PartyId(w.app.parties().create_party(&w.admin, input).await.expect("party").party.id);
    for (store, at, product) in c.sales {
        let sale = SaleDraft {
            store: (*store).into(),
            sold_at: (*at).into(),
            items: vec![SaleItemDraft {
                product: (*product).into(),
                quantity: "1".into(),
                ..Default::default()
            }],
            payment: "cash".into(),
            ..Default::default()
        };
        w.app.sales().record_sale(&w.admin, id, &sale).await.expect("sale");
    }
    id
}

async fn customers(w: &World) -> Vec<PartyId> {
    vec![
        customer(
            w,
            Customer {
                name: "Ana Lima",
                state: "SP",
                birth: "1990-12-28",
                consents: &["sms_whatsapp", "email"],
                email: Some("ana@lima.test"),
                sales: &[("01", "2026-06-01T10:00", "PNEU"), ("01", "2026-11-10T10:00", "CAMISA")],
            },
        )
        .await,
        customer(
            w,
            Customer {
                name: "Bruno Costa",
                state: "RJ",
                birth: "1985-01-05",
                consents: &["phone"],
                email: None,
                sales: &[("02", "2025-06-01T10:00", "PNEU")],
            },
        )
        .await,
        customer(
            w,
            Customer {
                name: "Carla Dias",
                state: "SP",
                birth: "2000-07-15",
                consents: &[],
                email: None,
                sales: &[],
            },
        )
        .await,
        customer(
            w,
            Customer {
                name: "Davi Souza",
                state: "SP",
                birth: "1970-03-02",
                consents: &["sms_whatsapp"],
                email: None,
                sales: &[("01", "2026-10-01T10:00", "CAMISA"), ("03", "2026-09-01T10:00", "CAMISA")],
            },
        )
        .await,
    ]
}

fn clause(field: EngineField, test: Test) -> Filter<EngineField> {
    Filter::is(field, test)
}

fn range(from: Option<Value>, to: Option<Value>) -> Test {
    Test::Range { from, to }
}

fn segment(clauses: Vec<Filter<EngineField>>) -> Segment {
    Segment { filter: Filter::all(clauses), ..Default::default() }
}

/// The names the segment finds, in name order, after checking the count agrees.
async fn found(w: &World, actor: &Actor, segment: &Segment) -> Vec<String> {
    let results = w
        .app
        .engine()
        .results(actor, segment, GridView::default())
        .await
        .unwrap_or_else(|e| panic!("{segment:?}: {e:?}"));
    let names: Vec<String> = results.lines.iter().map(|l| l.name.clone()).collect();
    assert_eq!(results.count.total as usize, names.len(), "the count agrees with the grid: {segment:?}");
    let count = w.app.engine().count(actor, segment).await.expect("count");
    assert_eq!(count, results.count);
    names
}

async fn each_filter_of_the_seed_selects_what_it_says(t: TestDb) {
    let w = world(&t).await;
    customers(&w).await;
    let (a, admin) = (&w, &w.admin);
    let sp = clause(EngineField::State, Test::Equals(Value::text("SP")));

    assert_eq!(found(a, admin, &segment(vec![sp.clone()])).await, ["Ana Lima", "Carla Dias", "Davi Souza"]);
    let count = w.app.engine().count(admin, &segment(vec![sp.clone()])).await.expect("count");
    assert_eq!(count, EngineCount { total: 3, sms_whatsapp: 2, email: 1, phone: 0, letter: 0 });

    // Has not bought since a year ago: bought before, never after; who never bought is not one.
    let not_since = clause(EngineField::LastPurchase, range(None, Some(Value::text("2025-12-03"))));
    assert_eq!(found(a, admin, &segment(vec![not_since])).await, ["Bruno Costa"]);

    // Bought at the Centro, never at the Bairro.
    let with = clause(EngineField::StoresWithSales, Test::In(vec![Value::text(w.stores[0].to_string())]));
    let without =
        clause(EngineField::StoresWithoutSales, Test::In(vec![Value::text(w.stores[2].to_string())]));
    assert_eq!(found(a, admin, &segment(vec![with, without])).await, ["Ana Lima"]);

    // Birthdays from 20 December to 10 January, across the year's end.
    let birthday =
        clause(EngineField::Birthday, range(Some(Value::text("12-20")), Some(Value::text("01-10"))));
    assert_eq!(found(a, admin, &segment(vec![birthday])).await, ["Ana Lima", "Bruno Costa"]);
    let age = clause(EngineField::Age, range(Some(Value::Number(35)), Some(Value::Number(56))));
    assert_eq!(found(a, admin, &segment(vec![age])).await, ["Ana Lima", "Bruno Costa", "Davi Souza"]);

    // Two purchases in 2026: Ana and Davi; at the Centro only, Ana.
    let twice = clause(EngineField::PurchaseCount, range(Some(Value::Number(2)), None));
    let mut in_2026 = segment(vec![twice]);
    in_2026.window = PurchaseWindow {
        stores: Vec::new(),
        from: chrono::NaiveDate::from_ymd_opt(2026, 1, 1),
        to: chrono::NaiveDate::from_ymd_opt(2026, 12, 31),
    };
    assert_eq!(found(a, admin, &in_2026).await, ["Ana Lima", "Davi Souza"]);
    in_2026.window.stores = vec![w.stores[0]];
    assert_eq!(found(a, admin, &in_2026).await, ["Ana Lima"]);
    // Totals within the window: R$ 389,90 + R$ 45,00 at the Centro in 2026.
    in_2026.filter =
        clause(EngineField::TotalBought, range(Some(Value::Number(43490)), Some(Value::Number(43490))));
    assert_eq!(found(a, admin, &in_2026).await, ["Ana Lima"]);
    in_2026.filter = clause(EngineField::LargestPurchase, range(Some(Value::Number(38991)), None));
    assert!(found(a, admin, &in_2026).await.is_empty());

    // All time, the kept figures: Ana and Bruno bought tyres.
    let tyres = clause(EngineField::ProductGroup, Test::Equals(Value::text("Peças")));
    assert_eq!(found(a, admin, &segment(vec![tyres.clone()])).await, ["Ana Lima", "Bruno Costa"]);
    let mut recent_tyres = segment(vec![tyres]);
    recent_tyres.window.from = chrono::NaiveDate::from_ymd_opt(2026, 1, 1);
    assert_eq!(found(a, admin, &recent_tyres).await, ["Ana Lima"]);
    let big = clause(EngineField::TotalBought, range(Some(Value::Number(40000)), None));
    assert_eq!(found(a, admin, &segment(vec![big])).await, ["Ana Lima"]);

    // Consent and e-mail.
    let sms = clause(EngineField::ConsentSmsWhatsapp, Test::Equals(Value::Bool(true)));
    let has_email = clause(EngineField::Email, Test::IsEmpty(false));
    assert_eq!(found(a, admin, &segment(vec![sms.clone()])).await, ["Ana Lima", "Davi Souza"]);
    assert_eq!(found(a, admin, &segment(vec![sms, has_email])).await, ["Ana Lima"]);

    // Remove who had a call in the last week.
    let ana = w
        .app
        .engine()
        .results(admin, &segment(vec![sp.clone()]), GridView::default())
        .await
        .expect("r")
        .lines[0]
        .id;
    let call = InteractionDraft {
        nature: "sale".into(),
        channel: "call".into(),
        description: "Oferta de pneus".into(),
        ..Default::default()
    };
    w.app.interactions().open_interaction(admin, ana, &call).await.expect("call");
    let mut no_calls = segment(vec![sp.clone()]);
    no_calls.remove = vec![Removal {
        operation: Operation::Contact,
        kind: Some("call".into()),
        from: chrono::NaiveDate::from_ymd_opt(2026, 11, 26),
        to: None,
    }];
    assert_eq!(found(a, admin, &no_calls).await, ["Carla Dias", "Davi Souza"]);
    let last_call = clause(EngineField::LastCall, Test::Relative { from: Some(-7), to: Some(0) });
    assert_eq!(found(a, admin, &segment(vec![last_call])).await, ["Ana Lima"]);

    // The limit keeps the first by name; the grid sorts them.
    let mut two = segment(vec![sp.clone()]);
    two.limit = Some(2);
    assert_eq!(found(a, admin, &two).await, ["Ana Lima", "Carla Dias"]);
    let by_total = GridView { sort: EngineSort::TotalBought, descending: true, page: 1 };
    let sorted = w.app.engine().results(admin, &segment(vec![sp]), by_total).await.expect("sorted");
    let names: Vec<&str> = sorted.lines.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["Ana Lima", "Davi Souza", "Carla Dias"]);
    assert_eq!(sorted.lines[0].phones.len(), 0);
    assert!(sorted.lines[0].last_contact.is_some(), "the call is its last contact");
}

db_test!(each_filter_of_the_seed_selects_what_it_says);

async fn only_those_with_the_right_ask_within_their_reach(t: TestDb) {
    let w = world(&t).await;
    customers(&w).await;
    let everyone = Segment::default();
    let branch = w.app.access().create_branch(&w.admin, "Centro", "").await.expect("branch");
    let (_, reader) =
        user_with(&w.app, &w.admin, "leitura@loja.test", BranchId(branch.id), "read_only").await;
    let refused = w.app.engine().count(&reader, &everyone).await;
    assert!(matches!(refused, Err(AppError::Forbidden)), "a reader without the right: {refused:?}");

    // Telemarketing works from the engine over the whole organisation, without credit amounts.
    let (_, agent) =
        user_with(&w.app, &w.admin, "tele@loja.test", BranchId(branch.id), "telemarketing").await;
    assert_eq!(w.app.engine().count(&agent, &everyone).await.expect("count").total, 4);
    let credit = segment(vec![clause(EngineField::AvailableCredit, range(Some(Value::Number(1)), None))]);
    let refused = w.app.engine().count(&agent, &credit).await;
    assert!(matches!(refused, Err(AppError::Validation(_))), "credit amounts are financial: {refused:?}");
    let late = segment(vec![clause(EngineField::DaysOverdue, range(None, Some(Value::Number(30))))]);
    assert_eq!(w.app.engine().count(&agent, &late).await.expect("count").total, 4, "nobody owes");

    // An account manager of a branch reaches its customers only (none here).
    let (_, manager) =
        user_with(&w.app, &w.admin, "gerente@loja.test", BranchId(branch.id), "account_manager").await;
    assert_eq!(w.app.engine().count(&manager, &everyone).await.expect("count").total, 0);
}

db_test!(only_those_with_the_right_ask_within_their_reach);
