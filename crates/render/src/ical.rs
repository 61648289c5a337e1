//! iCalendar (RFC 5545) feeds that Outlook and Google Calendar subscribe
//! to. Series are written occurrence by occurrence in UTC: clients then
//! need no time-zone definitions and agree with the agenda to the minute.
use chrono::{DateTime, Utc};

/// One event of a feed.
#[derive(Clone, Debug)]
pub struct FeedEvent {
    /// Unique and stable across refreshes, so clients update in place.
    pub uid: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub summary: String,
    pub location: String,
    pub description: String,
    pub updated_at: DateTime<Utc>,
}

fn stamp(at: DateTime<Utc>) -> String {
    at.format("%Y%m%dT%H%M%SZ").to_string()
}

/// TEXT values escape backslash, semicolon, comma and newlines.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Lines longer than 75 octets are folded (CRLF and a space), never inside
/// a UTF-8 character.
fn push_line(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
}

/// A whole calendar named `name`.
pub fn feed(name: &str, events: &[FeedEvent]) -> String {
    let mut out = String::new();
    for line in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Vinculo//CRM//PT",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ] {
        push_line(&mut out, line);
    }
    push_line(&mut out, &format!("X-WR-CALNAME:{}", escape(name)));
    for event in events {
        push_line(&mut out, "BEGIN:VEVENT");
        push_line(&mut out, &format!("UID:{}", escape(&event.uid)));
        push_line(&mut out, &format!("DTSTAMP:{}", stamp(event.updated_at)));
        push_line(&mut out, &format!("DTSTART:{}", stamp(event.starts_at)));
        push_line(&mut out, &format!("DTEND:{}", stamp(event.ends_at)));
        push_line(&mut out, &format!("SUMMARY:{}", escape(&event.summary)));
        if !event.location.is_empty() {
            push_line(&mut out, &format!("LOCATION:{}", escape(&event.location)));
        }
        if !event.description.is_empty() {
            push_line(&mut out, &format!("DESCRIPTION:{}", escape(&event.description)));
        }
        push_line(&mut out, "END:VEVENT");
    }
    push_line(&mut out, "END:VCALENDAR");
    out
}

/// The `Content-Type` of a feed.
pub const CONTENT_TYPE: &str = "text/calendar; charset=utf-8";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_long_lines_and_escapes_text() {
        let at = DateTime::from_timestamp(1_790_000_000, 0).unwrap_or_default();
        let event = FeedEvent {
            uid: "a@vinculo".into(),
            starts_at: at,
            ends_at: at,
            summary: "Revisão; troca de óleo, filtro\nconfirmar".into(),
            location: String::new(),
            description: "ç".repeat(60),
            updated_at: at,
        };
        let text = feed("Agenda", &[event]);
        assert!(text.contains("SUMMARY:Revisão\\; troca de óleo\\, filtro\\nconfirmar\r\n"));
        assert!(text.lines().all(|l| l.len() <= 75));
        let unfolded = text.replace("\r\n ", "");
        assert!(unfolded.contains(&format!("DESCRIPTION:{}", "ç".repeat(60))));
        assert!(!text.contains("LOCATION"));
    }
}
