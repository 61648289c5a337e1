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
    clock: Clock,
}

/// Four customers (Ana, Bruno, Carla, Davi) at three stores, on
/// 3 December 2026 in São Paulo.
async fn world(t: &TestDb) -> World {
    let clock =
        Clock::fixed(chrono::DateTime::parse_from_rfc3339("2026-12-03T15:00:00Z").expect("now").to_utc());
    let (app, admin) = app_with_admin_on(t, Settings::default(), clock.clone()).await;
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
    World { app, admin, stores, clock }
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
        nature: None,
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

/// A random world of customers, sales (some cancelled, some on credit and
/// overdue) and the catalogue's lists, then random segments: the index
/// and the SQL compiler select the same customers, and still do after
/// sales, a new customer and an archived one move under a built index.
async fn the_index_and_sql_agree_on_random_segments(t: TestDb) {
    use rand::{Rng, SeedableRng};
    let w = world(&t).await;
    let mut rng = rand::rngs::StdRng::seed_from_u64(20261204);
    for (code, group, brand) in
        [("BOTA", "Calçados", "Bical"), ("MEIA", "Vestuário", "Lupo"), ("BONE", "", "Lupo")]
    {
        let product = ProductDraft {
            code: code.into(),
            name: code.into(),
            price: "99,90".into(),
            group: group.into(),
            brand: brand.into(),
            active: true,
            ..Default::default()
        };
        w.app.catalogue().create_product(&w.admin, &product).await.expect("product");
    }
    let products = ["PNEU", "CAMISA", "BOTA", "MEIA", "BONE"];
    let states = ["SP", "RJ", "MG"];
    let mut parties = Vec::new();
    for n in 0..64 {
        let birth = rng.gen_bool(0.8).then(|| {
            format!("{}-{:02}-{:02}", rng.gen_range(1950..2008), rng.gen_range(1..=12), rng.gen_range(1..=28))
        });
        let consents: Vec<String> = ["sms_whatsapp", "email", "phone", "letter"]
            .iter()
            .filter(|_| rng.gen_bool(0.5))
            .map(|c| c.to_string())
            .collect();
        let draft = PartyDraft {
            full_name: format!("Cliente {:02} {}", n, ["Silva", "Souza", "Lima"][n % 3]),
            birth_date: birth.unwrap_or_default(),
            shoe_size: if rng.gen_bool(0.6) { rng.gen_range(34..45).to_string() } else { String::new() },
            sex: ["f", "m", ""][rng.gen_range(0..3)].into(),
            revolving_credit_limit: if rng.gen_bool(0.5) {
                format!("{},00", rng.gen_range(0..3000))
            } else {
                String::new()
            },
            emails: if rng.gen_bool(0.5) { vec![format!("c{n}@loja.test")] } else { Vec::new() },
            tags: if rng.gen_bool(0.4) { vec!["vip".into()] } else { Vec::new() },
            profession: ["Médico", "PROFESSORA", "", "Engenheiro civil"][rng.gen_range(0..4)].into(),
            agreement: ["Sindicato", "", "SINDICATO DOS COMERCIÁRIOS"][rng.gen_range(0..3)].into(),
            address: AddressDraft {
                street: "Rua B".into(),
                number: "2".into(),
                city: ["Campinas", "Santos", "Niterói"][rng.gen_range(0..3)].into(),
                state: states[rng.gen_range(0..3)].into(),
                ..Default::default()
            },
            ..Default::default()
        };
        let party = PartyId(
            w.app
                .parties()
                .create_party(&w.admin, PartyInput { draft, consents })
                .await
                .expect("party")
                .party
                .id,
        );
        for _ in 0..rng.gen_range(0..5) {
            let credit = rng.gen_bool(0.3);
            let sale = SaleDraft {
                store: ["01", "02", "03"][rng.gen_range(0..3)].into(),
                sold_at: format!(
                    "{}-{:02}-{:02}T{:02}:30",
                    rng.gen_range(2025..2027),
                    rng.gen_range(1..=11),
                    rng.gen_range(1..=28),
                    rng.gen_range(8..20)
                ),
                items: (0..rng.gen_range(1..3))
                    .map(|_| SaleItemDraft {
                        product: products[rng.gen_range(0..products.len())].into(),
                        quantity: rng.gen_range(1..4).to_string(),
                        ..Default::default()
                    })
                    .collect(),
                payment: if credit { "store_credit".into() } else { "cash".into() },
                installments: if credit { "3".into() } else { String::new() },
                ..Default::default()
            };
            let recorded = w.app.sales().record_sale(&w.admin, party, &sale).await.expect("sale");
            if rng.gen_bool(0.15) {
                w.app
                    .sales()
                    .cancel_sale(&w.admin, domain::SaleId(recorded.id), recorded.version, "teste")
                    .await
                    .expect("cancel");
            }
        }
        parties.push(party);
    }
    // Telemarketing occurrences (and an e-mail) over the weeks that follow.
    for _ in 0..40 {
        let occurrence = domain::occurrence::OccurrenceDraft {
            kind: ["offer", "collection", "birthday"][rng.gen_range(0..3)].into(),
            channel: ["", "call", "email"][rng.gen_range(0..3)].into(),
            result: "answered".into(),
            ..Default::default()
        };
        let party = parties[rng.gen_range(0..parties.len())];
        w.app.engine().register_occurrence(&w.admin, party, &occurrence).await.expect("occurrence");
        w.clock.advance(chrono::Duration::days(rng.gen_range(0..3)));
    }
    w.app.engine().build_index(&w.admin).await.expect("index");

    let mut segments = Vec::new();
    for _ in 0..160 {
        segments.push(random_segment(&mut rng, &w.stores, w.admin.user_id.0));
    }
    let mut nonempty = 0;
    for segment in &segments {
        let sql = w.app.engine().count_from_sql(&w.admin, segment).await.expect("sql");
        let indexed =
            w.app.engine().count_from_index(&w.admin, segment).await.expect("index").expect("answered");
        assert_eq!(indexed, sql, "{}", serde_json::to_string(segment).unwrap_or_default());
        nonempty += usize::from(sql.total > 0 && sql.total < 64);
    }
    assert!(nonempty > 40, "the segments select something, not everything: {nonempty}");
    // The grid's page the index picks is the page SQL sorts, for every column it keeps.
    for (n, segment) in segments.iter().enumerate().take(40) {
        let sort = [
            EngineSort::Name,
            EngineSort::DaysOverdue,
            EngineSort::Points,
            EngineSort::TotalBought,
            EngineSort::LastPurchase,
        ][n % 5];
        let view = GridView { sort, descending: n % 2 == 0, page: 1 };
        let names = |r: app::engine::EngineResults| r.lines.into_iter().map(|l| l.name).collect::<Vec<_>>();
        let indexed = w.app.engine().results(&w.admin, segment, view).await.expect("index");
        let sql = w.app.engine().results_from_sql(&w.admin, segment, view).await.expect("sql");
        assert_eq!(indexed.has_next, sql.has_next);
        assert_eq!(
            names(indexed),
            names(sql),
            "{sort:?} {}",
            serde_json::to_string(segment).unwrap_or_default()
        );
    }

    // Movements under the built index: a sale, a new customer, an archive.
    let sale = SaleDraft {
        store: "02".into(),
        sold_at: "2026-12-02T10:00".into(),
        items: vec![SaleItemDraft { product: "BOTA".into(), quantity: "5".into(), ..Default::default() }],
        payment: "cash".into(),
        ..Default::default()
    };
    w.app.sales().record_sale(&w.admin, parties[0], &sale).await.expect("sale");
    let newcomer = PartyDraft {
        full_name: "Recém Chegada".into(),
        address: AddressDraft {
            street: "Rua C".into(),
            number: "3".into(),
            city: "Santos".into(),
            state: "SP".into(),
            ..Default::default()
        },
        ..Default::default()
    };
    w.app
        .parties()
        .create_party(&w.admin, PartyInput { draft: newcomer, consents: vec!["email".into()] })
        .await
        .expect("party");
    let archived = w.app.parties().get_party(&w.admin, parties[1]).await.expect("party");
    w.app.parties().archive_party(&w.admin, parties[1], archived.version, true).await.expect("archive");
    for segment in segments.iter().take(60) {
        let sql = w.app.engine().count_from_sql(&w.admin, segment).await.expect("sql");
        let indexed =
            w.app.engine().count_from_index(&w.admin, segment).await.expect("index").expect("answered");
        assert_eq!(
            indexed,
            sql,
            "after the movements: {}",
            serde_json::to_string(segment).unwrap_or_default()
        );
    }
}

db_test!(the_index_and_sql_agree_on_random_segments);

/// `seller`: who recorded the sales (every sale's seller).
fn random_segment(rng: &mut rand::rngs::StdRng, stores: &[Uuid], seller: Uuid) -> Segment {
    use rand::Rng;
    let day = |rng: &mut rand::rngs::StdRng| {
        chrono::NaiveDate::from_ymd_opt(
            rng.gen_range(2025..2027),
            rng.gen_range(1..=12),
            rng.gen_range(1..=28),
        )
        .expect("day")
    };
    let mut segment = Segment { filter: random_tree(rng, stores, seller, 0), ..Default::default() };
    if rng.gen_bool(0.4) {
        segment.window = PurchaseWindow {
            stores: stores.iter().copied().filter(|_| rng.gen_bool(0.4)).collect(),
            from: rng.gen_bool(0.5).then(|| day(rng)),
            to: None,
        };
        if rng.gen_bool(0.5) {
            segment.window.to =
                segment.window.from.map(|from| from + chrono::Duration::days(rng.gen_range(0..400)));
        }
    }
    if rng.gen_bool(0.15) {
        let from = day(rng);
        segment.remove.push(Removal {
            operation: Operation::Sale,
            kind: None,
            nature: None,
            from: Some(from),
            to: Some(from + chrono::Duration::days(rng.gen_range(0..300))),
        });
    }
    if rng.gen_bool(0.15) {
        let from = chrono::NaiveDate::from_ymd_opt(2026, 12, rng.gen_range(1..=31)).expect("day");
        segment.remove.push(Removal {
            operation: Operation::Contact,
            kind: rng.gen_bool(0.5).then(|| ["call", "email"][rng.gen_range(0..2)].to_string()),
            nature: rng.gen_bool(0.5).then(|| ["offer", "birthday"][rng.gen_range(0..2)].to_string()),
            from: Some(from),
            to: Some(from + chrono::Duration::days(rng.gen_range(0..40))),
        });
    }
    if rng.gen_bool(0.15) {
        segment.limit = Some(rng.gen_range(1..20));
    }
    segment
}

fn random_tree(
    rng: &mut rand::rngs::StdRng,
    stores: &[Uuid],
    seller: Uuid,
    depth: usize,
) -> Filter<EngineField> {
    use rand::Rng;
    if depth < 2 && rng.gen_bool(0.35) {
        let branches =
            (0..rng.gen_range(1..4)).map(|_| random_tree(rng, stores, seller, depth + 1)).collect();
        return match rng.gen_range(0..3) {
            0 => Filter::All { all: branches },
            1 => Filter::Any { any: branches },
            _ => Filter::Not { not: Box::new(random_tree(rng, stores, seller, depth + 1)) },
        };
    }
    random_clause(rng, stores, seller)
}

fn random_clause(rng: &mut rand::rngs::StdRng, stores: &[Uuid], seller: Uuid) -> Filter<EngineField> {
    use EngineField::*;
    use rand::Rng;
    let n = |rng: &mut rand::rngs::StdRng, low: i64, high: i64| Value::Number(rng.gen_range(low..high));
    let opt = |rng: &mut rand::rngs::StdRng, v: Value| rng.gen_bool(0.7).then_some(v);
    let date = |rng: &mut rand::rngs::StdRng| {
        Value::text(format!(
            "{}-{:02}-{:02}",
            rng.gen_range(2025..2027),
            rng.gen_range(1..=12),
            rng.gen_range(1..=28)
        ))
    };
    let store =
        |rng: &mut rand::rngs::StdRng| Value::text(stores[rng.gen_range(0..stores.len())].to_string());
    let number_range = |rng: &mut rand::rngs::StdRng, low: i64, high: i64| {
        let (low_end, high_end) = (n(rng, low, high), n(rng, low, high));
        let from = opt(rng, low_end);
        let to = if from.is_none() { Some(high_end) } else { opt(rng, high_end) };
        Test::Range { from, to }
    };
    let (field, test) = match rng.gen_range(0..26) {
        0 => (State, Test::Equals(Value::text(["SP", "RJ", "MG"][rng.gen_range(0..3)]))),
        1 => (City, Test::In(vec![Value::text("Campinas"), Value::text("niteroi")])),
        2 => (Name, Test::Contains(["silva", "Souza", "cliente 1"][rng.gen_range(0..3)].into())),
        3 => (
            Sex,
            if rng.gen_bool(0.5) { Test::Equals(Value::text("f")) } else { Test::IsEmpty(rng.gen_bool(0.5)) },
        ),
        4 => (
            ShoeSize,
            if rng.gen_bool(0.8) { number_range(rng, 33, 46) } else { Test::IsEmpty(rng.gen_bool(0.5)) },
        ),
        5 => (Age, if rng.gen_bool(0.8) { number_range(rng, 15, 80) } else { Test::Equals(n(rng, 18, 70)) }),
        6 => {
            let (from, to) = (
                format!("{:02}-{:02}", rng.gen_range(1..=12), rng.gen_range(1..=28)),
                format!("{:02}-{:02}", rng.gen_range(1..=12), rng.gen_range(1..=28)),
            );
            (Birthday, Test::Range { from: Some(Value::text(from)), to: opt(rng, Value::text(to)) })
        }
        7 => (
            [ConsentSmsWhatsapp, ConsentEmail, ConsentPhone, ConsentLetter][rng.gen_range(0..4)],
            Test::Equals(Value::Bool(rng.gen_bool(0.7))),
        ),
        8 => (Email, Test::IsEmpty(rng.gen_bool(0.5))),
        9 => (
            Tag,
            if rng.gen_bool(0.7) {
                Test::Equals(Value::text("VIP"))
            } else {
                Test::IsEmpty(rng.gen_bool(0.5))
            },
        ),
        10 => (RevolvingCredit, number_range(rng, 0, 300_000)),
        11 => (AvailableCredit, number_range(rng, -100_000, 300_000)),
        12 => (DaysOverdue, number_range(rng, 0, 400)),
        13 => (AverageDelay, number_range(rng, 0, 30)),
        14 => (PurchaseCount, number_range(rng, 0, 5)),
        15 => (TotalBought, number_range(rng, 0, 200_000)),
        16 => (LargestPurchase, number_range(rng, 0, 150_000)),
        17 => (
            LastPurchase,
            match rng.gen_range(0..3) {
                0 => Test::Range { from: None, to: Some(date(rng)) },
                1 => {
                    let (from, to) = (date(rng), date(rng));
                    Test::Range { from: Some(from), to: opt(rng, to) }
                }
                _ => Test::IsEmpty(rng.gen_bool(0.5)),
            },
        ),
        18 => (
            [StoresWithSales, StoresWithoutSales][rng.gen_range(0..2)],
            Test::In(vec![store(rng), store(rng)]),
        ),
        19 => (
            [ProductGroup, ProductBrand][rng.gen_range(0..2)],
            Test::Equals(Value::text(
                ["Peças", "Vestuário", "Calçados", "Lupo", "Bical"][rng.gen_range(0..5)],
            )),
        ),
        20 => (PointsBalance, number_range(rng, 0, 500)),
        21 => (
            Profession,
            match rng.gen_range(0..4) {
                0 => Test::Equals(Value::text(" médico")),
                1 => Test::Contains("PROF".into()),
                2 => Test::Prefix("eng".into()),
                _ => Test::IsEmpty(rng.gen_bool(0.5)),
            },
        ),
        23 => (
            LastCall,
            match rng.gen_range(0..3) {
                0 => {
                    let day = |rng: &mut rand::rngs::StdRng| {
                        Value::text(format!("2026-12-{:02}", rng.gen_range(1..=31)))
                    };
                    let (from, to) = (day(rng), day(rng));
                    Test::Range { from: opt(rng, from), to: Some(to) }
                }
                1 => Test::Relative { from: Some(-rng.gen_range(0..30)), to: Some(0) },
                _ => Test::IsEmpty(rng.gen_bool(0.5)),
            },
        ),
        22 => (
            Agreement,
            if rng.gen_bool(0.6) {
                Test::Contains(["sindicato", "comerciários"][rng.gen_range(0..2)].into())
            } else {
                Test::IsEmpty(rng.gen_bool(0.5))
            },
        ),
        24 => (
            SaleSeller,
            match rng.gen_range(0..3) {
                0 => Test::Equals(Value::text(seller.to_string())),
                1 => Test::In(vec![Value::text(Uuid::new_v4().to_string()), Value::text(seller.to_string())]),
                _ => Test::IsEmpty(rng.gen_bool(0.5)),
            },
        ),
        _ => (CustomerStatus, Test::Equals(Value::text("active"))),
    };
    Filter::is(field, test)
}

/// Two instances over one database: a sale recorded on one is counted by
/// the other's index at its next count.
async fn a_sale_on_one_instance_counts_on_another(t: TestDb) {
    let w = world(&t).await;
    let ids = customers(&w).await;
    let other = App::with_clock(t.db.clone(), Settings::default(), Clock::fixed(w.app.now()));
    let login = app::auth::LoginInput {
        email: "admin@loja.test",
        password: crate::PASSWORD,
        ip: None,
        user_agent: None,
    };
    let other_admin = other.auth().login(login).await.expect("login").actor;
    other.engine().build_index(&other_admin).await.expect("index");
    let bought_tyres = segment(vec![clause(EngineField::ProductGroup, Test::Equals(Value::text("Peças")))]);
    let before =
        other.engine().count_from_index(&other_admin, &bought_tyres).await.expect("count").expect("indexed");
    assert_eq!(before.total, 2, "Ana and Bruno");
    let sale = SaleDraft {
        store: "03".into(),
        sold_at: "2026-12-03T09:00".into(),
        items: vec![SaleItemDraft { product: "PNEU".into(), quantity: "2".into(), ..Default::default() }],
        payment: "cash".into(),
        ..Default::default()
    };
    w.app.sales().record_sale(&w.admin, ids[2], &sale).await.expect("Carla buys tyres");
    let after =
        other.engine().count_from_index(&other_admin, &bought_tyres).await.expect("count").expect("indexed");
    assert_eq!(after.total, 3, "the other instance counts Carla's sale");
}

db_test!(a_sale_on_one_instance_counts_on_another);

/// Segments: saved under a name with the question as asked, opened again
/// with today's count (a new customer counts), private to their owner
/// unless shared, duplicated as the reader's own, deleted by the owner or,
/// when shared, an administrator; every change audited.
async fn segments_are_kept_shared_duplicated_and_deleted(t: TestDb) {
    let w = world(&t).await;
    customers(&w).await;
    let branch = w.app.access().create_branch(&w.admin, "Centro", "").await.expect("branch");
    let (_, agent) =
        user_with(&w.app, &w.admin, "tele@loja.test", BranchId(branch.id), "telemarketing").await;
    let (_, other) =
        user_with(&w.app, &w.admin, "tele2@loja.test", BranchId(branch.id), "telemarketing").await;
    let engine = w.app.engine();
    let sp = segment(vec![clause(EngineField::State, Test::Equals(Value::text("SP")))]);
    let before = engine.count(&agent, &sp).await.expect("count").total;

    let refused = engine.save_segment(&agent, "  ", false, &sp).await;
    assert!(
        matches!(&refused, Err(AppError::Validation(e)) if e.fields().any(|f| f == "name")),
        "{refused:?}"
    );
    let credit = segment(vec![clause(EngineField::AvailableCredit, range(Some(Value::Number(1)), None))]);
    let refused = engine.save_segment(&agent, "Crédito", false, &credit).await;
    assert!(
        matches!(refused, Err(AppError::Validation(_))),
        "what may not be asked is not saved: {refused:?}"
    );
    assert!(engine.segments(&agent).await.expect("list").is_empty(), "nothing half-saved");

    let mine = engine.save_segment(&agent, " Clientes  de SP ", false, &sp).await.expect("saved");
    assert_eq!(mine.name, "Clientes de SP");
    assert_eq!(mine.segment, sp, "the question comes back as asked");
    assert!(mine.deletable);
    let opened = engine.segment(&agent, mine.id).await.expect("opens");
    assert_eq!(engine.count(&agent, &opened.segment).await.expect("count").total, before);
    customer(&w, Customer { name: "Eva", state: "SP", birth: "", consents: &[], email: None, sales: &[] })
        .await;
    assert_eq!(
        engine.count(&agent, &opened.segment).await.expect("count").total,
        before + 1,
        "opened again, it counts today's customers"
    );

    // Private: the other agent neither sees nor opens nor deletes it.
    assert!(engine.segments(&other).await.expect("list").is_empty());
    assert!(matches!(engine.segment(&other, mine.id).await, Err(AppError::NotFound)));
    assert!(matches!(engine.delete_segment(&other, mine.id).await, Err(AppError::NotFound)));

    let shared = engine.save_segment(&agent, "Todos", true, &Segment::default()).await.expect("saved");
    let seen: Vec<String> =
        engine.segments(&other).await.expect("list").into_iter().map(|s| s.name).collect();
    assert_eq!(seen, ["Todos"], "a shared segment is seen by the team");
    assert!(matches!(engine.delete_segment(&other, shared.id).await, Err(AppError::Forbidden)));
    let copy = engine.duplicate_segment(&other, shared.id, "Todos (cópia)").await.expect("duplicated");
    assert!(!copy.shared && copy.deletable && copy.segment == shared.segment, "a private copy: {copy:?}");

    engine.delete_segment(&w.admin, shared.id).await.expect("an administrator deletes a shared one");
    engine.delete_segment(&agent, mine.id).await.expect("the owner deletes his own");
    let names: Vec<String> =
        engine.segments(&other).await.expect("list").into_iter().map(|s| s.name).collect();
    assert_eq!(names, ["Todos (cópia)"]);
    assert!(matches!(engine.segment(&agent, mine.id).await, Err(AppError::NotFound)));

    let trail = w.app.audit().audit_log(&w.admin, None, Some(50)).await.expect("audit");
    let actions: Vec<&str> =
        trail.items.iter().filter(|e| e.entity_type == "engine_segment").map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["delete", "delete", "create", "create", "create"], "newest first");
}

db_test!(segments_are_kept_shared_duplicated_and_deleted);

/// Seed 004's occurrence: a telemarketing agent opens a customer he may
/// call but not edit, records a call that asks for a call back tomorrow;
/// it is the customer's last contact and last call, an event on his
/// history, and a call on the agent's agenda — all or nothing: what does
/// not read changes nothing.
async fn an_occurrence_is_a_contact_and_books_the_call_back(t: TestDb) {
    use domain::occurrence::OccurrenceDraft;
    let w = world(&t).await;
    let ids = customers(&w).await;
    let carla = ids[2];
    let branch = w.app.access().create_branch(&w.admin, "Centro", "").await.expect("branch");
    let (_, agent) =
        user_with(&w.app, &w.admin, "tele@loja.test", BranchId(branch.id), "telemarketing").await;
    let engine = w.app.engine();

    let detail = engine.customer_detail(&agent, carla).await.expect("detail");
    assert_eq!(detail.line.name, "Carla Dias");
    assert!(detail.profile.interactions.is_empty() && detail.purchases.is_empty());
    assert!(
        detail.profile.interaction_lists.results.iter().any(|r| r.code == "call_back"),
        "the built-in results"
    );

    let events_before = w.app.timeline().history(&agent, carla, None, None).await.expect("history").len();
    let bad = OccurrenceDraft {
        kind: "offer".into(),
        result: "call_back".into(),
        next_contact_at: "2026-12-01T10:00".into(),
        ..Default::default()
    };
    let refused = engine.register_occurrence(&agent, carla, &bad).await;
    assert!(
        matches!(&refused, Err(AppError::Validation(e)) if e.fields().any(|f| f == "next_contact_at")),
        "a call back in the past: {refused:?}"
    );
    let unknown = OccurrenceDraft { kind: "offer".into(), result: "maybe".into(), ..Default::default() };
    assert!(matches!(
        engine.register_occurrence(&agent, carla, &unknown).await,
        Err(AppError::Validation(_))
    ));
    assert_eq!(
        w.app.timeline().history(&agent, carla, None, None).await.expect("history").len(),
        events_before,
        "nothing half-written"
    );

    let call = OccurrenceDraft {
        kind: "offer".into(),
        result: "call_back".into(),
        notes: "Pediu para ligar amanhã à tarde".into(),
        next_contact_at: "2026-12-04T14:30".into(),
        ..Default::default()
    };
    let registered = engine.register_occurrence(&agent, carla, &call).await.expect("registered");
    assert_eq!(registered.occurrence.result.as_deref(), Some("call_back"));
    assert_eq!(
        (registered.occurrence.channel.as_str(), registered.occurrence.status.as_str()),
        ("call", "done")
    );
    let booked = registered.call_back.expect("a call back");
    assert_eq!((booked.kind.as_str(), booked.title.as_str()), ("call", "Carla Dias"));
    assert_eq!(booked.starts_at.to_rfc3339(), "2026-12-04T17:30:00+00:00", "14:30 in São Paulo");
    assert_eq!(booked.users.iter().map(|u| u.id).collect::<Vec<_>>(), [agent.user_id.0], "on his agenda");
    assert_eq!(booked.interaction_id, Some(registered.occurrence.id));

    let history = w.app.timeline().history(&agent, carla, None, None).await.expect("history");
    let actions: Vec<&str> = history.iter().take(2).map(|e| e.action.as_str()).collect();
    assert!(
        actions.contains(&"timeline-occurrence-registered")
            && actions.contains(&"timeline-appointment-booked")
    );

    // His last contact and last call are today's.
    let view = GridView { sort: EngineSort::LastContact, descending: true, page: 1 };
    let found = engine.results(&agent, &Segment::default(), view).await.expect("results");
    assert_eq!(found.lines[0].name, "Carla Dias");
    assert!(found.lines[0].last_contact.is_some());
    let called_today = segment(vec![clause(
        EngineField::LastCall,
        range(Some(Value::text("2026-12-03")), Some(Value::text("2026-12-03"))),
    )]);
    assert_eq!(found_names(&w, &agent, &called_today).await, ["Carla Dias"]);
    let not_called = Segment {
        remove: vec![Removal {
            operation: Operation::Contact,
            kind: Some("call".into()),
            nature: None,
            from: None,
            to: None,
        }],
        ..Segment::default()
    };
    assert!(!found_names(&w, &agent, &not_called).await.contains(&"Carla Dias".to_string()));
    // Removed by the occurrence's type: an offer removes her, a birthday call does not.
    let without = |nature: &str| Segment {
        remove: vec![Removal {
            operation: Operation::Contact,
            kind: None,
            nature: Some(nature.into()),
            from: None,
            to: None,
        }],
        ..Segment::default()
    };
    assert!(!found_names(&w, &agent, &without("offer")).await.contains(&"Carla Dias".to_string()));
    assert!(found_names(&w, &agent, &without("birthday")).await.contains(&"Carla Dias".to_string()));
}

db_test!(an_occurrence_is_a_contact_and_books_the_call_back);

async fn found_names(w: &World, actor: &Actor, segment: &Segment) -> Vec<String> {
    let found = w.app.engine().results(actor, segment, GridView::default()).await.expect("results");
    found.lines.into_iter().map(|line| line.name).collect()
}

/// "Relatórios > Ocorrências": contacts per day and type, and the agent's
/// performance — customers contacted, those who bought within the days
/// allowed after his call, and the revenue of those sales; a sale before
/// the call or too long after is not his.
async fn the_occurrence_reports_count_contacts_and_what_they_sold(t: TestDb) {
    use app::engine::ReportQuery;
    use domain::occurrence::{OccurrenceDraft, ReportPeriod};
    let w = world(&t).await;
    let ids = customers(&w).await;
    let (bruno, carla) = (ids[1], ids[2]);
    let branch = w.app.access().create_branch(&w.admin, "Centro", "").await.expect("branch");
    let (_, agent) =
        user_with(&w.app, &w.admin, "tele@loja.test", BranchId(branch.id), "telemarketing").await;
    let engine = w.app.engine();
    for (party, kind) in [(bruno, "offer"), (carla, "offer"), (carla, "reactivation")] {
        let draft = OccurrenceDraft { kind: kind.into(), result: "answered".into(), ..Default::default() };
        engine.register_occurrence(&agent, party, &draft).await.expect("occurrence");
    }
    w.clock.advance(chrono::Duration::days(2));
    let sale = SaleDraft {
        store: "01".into(),
        sold_at: "2026-12-05T10:00".into(),
        items: vec![SaleItemDraft { product: "PNEU".into(), quantity: "1".into(), ..Default::default() }],
        payment: "cash".into(),
        ..Default::default()
    };
    w.app.sales().record_sale(&w.admin, carla, &sale).await.expect("sale after the call");

    let day = |d: u32| chrono::NaiveDate::from_ymd_opt(2026, 12, d).expect("day");
    let query =
        ReportQuery { period: ReportPeriod { from: day(1), to: day(5), invoice_days: 30 }, agent: None };
    let report = engine.occurrence_report(&w.admin, &query).await.expect("report");
    assert_eq!(report.total, 3);
    assert_eq!(report.days.iter().map(|d| d.total).collect::<Vec<_>>(), [0, 0, 3, 0, 0]);
    assert_eq!(report.kinds, [("offer".to_string(), 2), ("reactivation".to_string(), 1)]);
    assert_eq!(report.agents.len(), 1);
    let line = &report.agents[0];
    assert_eq!(line.name, agent.display_name);
    let p = &line.performance;
    assert_eq!((p.contacts, p.customers, p.invoiced, p.sales, p.revenue), (3, 2, 1, 1, 38_990));

    // Too short a wait: the sale two days later is not the call's.
    let short = ReportQuery { period: ReportPeriod { invoice_days: 1, ..query.period.clone() }, agent: None };
    assert_eq!(
        engine.occurrence_report(&w.admin, &short).await.expect("report").agents[0].performance.invoiced,
        0
    );
    // Another agent's contacts only: none.
    let other = ReportQuery { agent: Some(w.admin.user_id.0), ..query.clone() };
    assert_eq!(engine.occurrence_report(&w.admin, &other).await.expect("report").total, 0);
    let reversed =
        ReportQuery { period: ReportPeriod { from: day(5), to: day(1), invoice_days: 30 }, agent: None };
    assert!(matches!(engine.occurrence_report(&w.admin, &reversed).await, Err(AppError::Validation(_))));
}

db_test!(the_occurrence_reports_count_contacts_and_what_they_sold);
