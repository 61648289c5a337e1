//! The form and query-string reader fed anything: a customer list's query
//! (with its JSON filter tree) never panics, and what it refuses is a field
//! message, never something else.
use app::parties::PartyQuery;
use proptest::prelude::*;
use web::error::Error;
use web::extract::parse_urlencoded;

fn cases() -> u32 {
    std::env::var("VINCULO_FUZZ_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(2_000)
}

fn query_text() -> impl Strategy<Value = String> {
    let names = vec![
        "q",
        "kind",
        "lifecycle",
        "status",
        "city",
        "state",
        "seller_id",
        "tag",
        "sort",
        "dir",
        "cursor",
        "limit",
        "filter",
        "x",
    ];
    let value = prop_oneof![
        any::<String>(),
        Just("%7B%22all%22%3A%5B%7B%22field%22%3A%22state%22%2C%22equals%22%3A%22SP%22%7D%5D%7D".to_string()),
        "[0-9a-f-]{0,40}",
        "%[0-9A-F]{0,2}",
    ];
    proptest::collection::vec((proptest::sample::select(names), value), 0..8)
        .prop_map(|pairs| pairs.into_iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn a_list_query_is_read_or_refused_with_a_field_message(text in query_text()) {
        match parse_urlencoded::<PartyQuery>(text.as_bytes()) {
            Ok(query) => {
                let _ = query.check();
            }
            Err(Error::App(app::AppError::Validation(errors))) => prop_assert!(!errors.is_empty()),
            Err(other) => prop_assert!(false, "{other:?}"),
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let _ = parse_urlencoded::<PartyQuery>(&bytes);
    }
}
