//! Every parser at the edge fed what a person, a script or an attacker
//! might send: none may panic, and what one accepts it accepts again as it
//! stored it. `VINCULO_FUZZ_CASES` sets the cases per parser (the test run
//! uses a few thousand; `scripts/fuzz` a hundred thousand).
use chrono::{NaiveDate, TimeZone, Utc};
use domain::appointment::{Recurrence, Span, occurrences, parse_local};
use domain::document::{Document, DocumentKind};
use domain::filter::Filter;
use domain::loyalty::{BonusDraft, BonusRuleDraft};
use domain::party::PartyField;
use domain::phone::{Country, Phone};
use domain::sale::RenegotiationDraft;
use domain::vehicle::{Plate, Vin};
use domain::{Email, Money};
use proptest::prelude::*;

fn cases() -> u32 {
    std::env::var("VINCULO_FUZZ_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(2_000)
}

/// Mostly the characters of the format, with any character now and then.
fn near(format_chars: &'static str, max: usize) -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::collection::vec(proptest::sample::select(format_chars.chars().collect::<Vec<_>>()), 0..max)
            .prop_map(|chars| chars.into_iter().collect()),
        1 => any::<String>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn documents(text in near("0123456789./- ABCDEFGHIJKLMNOPQRSTUVWXYZabc", 24)) {
        for kind in [DocumentKind::Cpf, DocumentKind::Cnpj, DocumentKind::Nif] {
            if let Ok(document) = Document::parse(kind, &text) {
                prop_assert_eq!(Document::parse(kind, &document.value), Ok(document.clone()));
                prop_assert_eq!(Document::parse(kind, &document.formatted()), Ok(document));
            }
        }
    }

    #[test]
    fn phones(text in near("+0123456789 ()-.", 24)) {
        for country in [Country::Brazil, Country::Portugal] {
            if let Ok(phone) = Phone::parse(&text, country) {
                prop_assert_eq!(Phone::parse(phone.e164(), country).map(|p| p.e164().to_string()), Ok(phone.e164().to_string()));
                let _ = phone.formatted();
                let _ = phone.search_forms();
            }
        }
    }

    #[test]
    fn postal_codes_and_states(text in near("0123456789- SPRJMGsp", 12)) {
        for country in [Country::Brazil, Country::Portugal] {
            if let Ok(code) = domain::address::parse_postal_code(&text, country) {
                prop_assert_eq!(domain::address::parse_postal_code(&code, country), Ok(code.clone()));
            }
        }
        let _ = domain::address::parse_uf(&text);
    }

    #[test]
    fn plates_and_vins(text in near("ABCDEFGHJKLMNPRSTUVWXYZ0123456789- ", 20)) {
        if let Ok(plate) = Plate::parse(&text) {
            prop_assert_eq!(Plate::parse(plate.as_str()), Ok(plate.clone()));
            let _ = plate.is_mercosul();
            let _ = plate.to_string();
        }
        if let Ok(vin) = Vin::parse(&text) {
            prop_assert_eq!(Vin::parse(vin.as_str()), Ok(vin));
        }
    }

    #[test]
    fn money(text in near("0123456789.,- R$€", 24)) {
        if let Ok(amount) = Money::parse(&text) {
            let _ = amount.format_plain();
        }
    }

    #[test]
    fn renegotiations_add_up_to_what_was_open_and_the_charge(
        installments in near("0123456789-", 4),
        first_due in near("0123456789-", 12),
        charge in near("0123456789.,- R$", 12),
        open in 0i64..10_000_000,
    ) {
        let today = NaiveDate::from_ymd_opt(2026, 12, 3).expect("day");
        let draft = RenegotiationDraft { installments, first_due, charge, reason: String::new() };
        if let Ok(deal) = draft.validate(Money(open), today) {
            let total: i64 = deal.installments.iter().map(|(_, m)| m.0).sum();
            prop_assert_eq!(total, open + deal.charge.0);
            prop_assert!(deal.charge.0 >= 0 && (1..=48).contains(&deal.installments.len()));
            prop_assert!(deal.installments.iter().all(|(due, m)| m.0 >= 1 && *due >= today));
        }
    }

    #[test]
    fn bonus_grants_and_rules(amount in near("0123456789.,- R$", 14), valid_until in near("0123456789-", 12), percent in near("0123456789,.-", 7)) {
        let today = NaiveDate::from_ymd_opt(2026, 12, 3).expect("day");
        let grant = BonusDraft { amount: amount.clone(), valid_until, reason: "x".into() };
        if let Ok(grant) = grant.validate(today) {
            prop_assert!(grant.amount.0 > 0 && grant.valid_until.is_none_or(|d| d >= today));
        }
        let rule = BonusRuleDraft { percent, minimum_sale: amount, valid_days: "30".into(), active: true };
        if let Ok(rule) = rule.validate() {
            let earned = rule.earned(Money(i64::MAX / 20_000), today);
            prop_assert!(earned.is_none_or(|(credit, _)| credit.0 > 0));
        }
    }

    #[test]
    fn e_mails(text in near("abcxyz0123.@-_+éç", 40)) {
        if let Ok(email) = Email::parse(&text) {
            prop_assert_eq!(Email::parse(email.as_str()), Ok(email.clone()));
        }
    }

    #[test]
    fn recurrences_and_their_series(
        rule in near("FREQ=DAILYWEKMONTHINTERVAL;COUNTUNI0123456789TZ", 60),
        start in 0i64..4_000_000_000,
        zone in proptest::sample::select(vec![chrono_tz::America::Sao_Paulo, chrono_tz::Europe::Lisbon, chrono_tz::America::Manaus]),
    ) {
        let local = parse_local(&rule);
        prop_assert!(local.is_ok() || local.is_err());
        if let Ok(recurrence) = Recurrence::parse_rrule(&rule) {
            prop_assert_eq!(Recurrence::parse_rrule(&recurrence.to_rrule()), Ok(recurrence));
            let starts_at = Utc.timestamp_opt(start, 0).single().expect("in range");
            let series = occurrences(Span { starts_at, ends_at: starts_at + chrono::Duration::hours(1) }, zone, Some(&recurrence));
            prop_assert!(!series.is_empty() && series.len() <= domain::appointment::MAX_OCCURRENCES as usize);
        }
    }

    #[test]
    fn filter_trees_in_json(json in json_value(4)) {
        let text = json.to_string();
        if let Ok(filter) = serde_json::from_str::<Filter<PartyField>>(&text) {
            let _ = filter.check();
        }
    }

    #[test]
    fn filter_trees_in_arbitrary_text(text in any::<String>()) {
        if let Ok(filter) = serde_json::from_str::<Filter<PartyField>>(&text) {
            let _ = filter.check();
        }
    }
}

/// JSON shaped like a filter tree: its keys and field names, nested.
fn json_value(depth: u32) -> impl Strategy<Value = serde_json::Value> {
    let keys = vec![
        "all", "any", "not", "field", "equals", "in", "range", "contains", "prefix", "is_empty", "relative",
        "from", "to", "days",
    ];
    let fields: Vec<&str> = PartyField::ALL.iter().map(|f| f.as_str()).chain(["x", ""]).collect();
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map(serde_json::Value::Number).unwrap_or_default()),
        proptest::sample::select(fields).prop_map(serde_json::Value::from),
        Just(serde_json::Value::from(
            NaiveDate::from_ymd_opt(2026, 2, 29).map(|d| d.to_string()).unwrap_or_default()
        )),
        any::<String>().prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(depth, 64, 6, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::Array),
            proptest::collection::vec((proptest::sample::select(keys.clone()), inner), 0..5).prop_map(
                |pairs| {
                    serde_json::Value::Object(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
                }
            ),
        ]
    })
}
