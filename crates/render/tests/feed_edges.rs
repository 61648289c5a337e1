//! The calendar feed with any text a person can type in an appointment:
//! lines stay folded within 75 octets, nothing breaks a line, and a
//! calendar parser reads every event back with its text intact.
use chrono::{TimeZone, Utc};
use proptest::prelude::*;
use render::ical::{FeedEvent, feed};

fn cases() -> u32 {
    std::env::var("VINCULO_FUZZ_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(2_000)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_text_makes_a_readable_feed(summary in any::<String>(), location in any::<String>(), description in ".*\n?.*") {
        let at = Utc.with_ymd_and_hms(2026, 12, 2, 13, 0, 0).single().expect("time");
        let event = FeedEvent {
            uid: "a@vinculo".into(),
            starts_at: at,
            ends_at: at + chrono::Duration::hours(1),
            summary,
            location,
            description,
            updated_at: at,
        };
        let text = feed("Agenda", &[event]);
        prop_assert!(text.ends_with("\r\n"));
        for line in text.split("\r\n") {
            prop_assert!(line.len() <= 75, "a line of {} octets", line.len());
            prop_assert!(!line.contains(['\r', '\n']));
        }
        let mut calendars = ical::IcalParser::new(text.as_bytes());
        let calendar = calendars.next().expect("one calendar").expect("it parses");
        prop_assert_eq!(calendar.events.len(), 1);
    }
}
