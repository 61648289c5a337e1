//! Appointments [agendamento] (seeds 000, 001, 002): a time booked for one
//! or more users, perhaps with a party, a place, and what caused it (an
//! interaction, a vehicle in for the workshop). Periodic calls recur
//! (an RRULE subset: daily, weekly or monthly, with a count or an end date).
//!
//! Times are typed and recur in the organisation's time zone: a weekly
//! 10:00 call stays at 10:00 in Lisbon across the change to summer time,
//! so its UTC instant moves by an hour.
use crate::ValidationErrors;
use chrono::{
    DateTime, Datelike, Duration, LocalResult, Months, NaiveDate, NaiveDateTime, TimeZone, Timelike, Utc,
};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

string_enum!(
    /// What the appointment is for.
    AppointmentKind {
        Meeting = "meeting",
        Call = "call",
        Visit = "visit",
        Workshop = "workshop",
        Task = "task",
    } error "error-appointment-kind-invalid"
);

string_enum!(
    Frequency { Daily = "daily", Weekly = "weekly", Monthly = "monthly" } error "error-frequency-invalid"
);

/// Where a recurrence stops: it always does, so a series can be expanded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecurrenceEnd {
    Count(u32),
    /// The last day an occurrence may start on, in local time.
    Until(NaiveDate),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Recurrence {
    pub frequency: Frequency,
    pub interval: u32,
    pub end: RecurrenceEnd,
}

/// A series may not run more occurrences than a daily call for a year.
pub const MAX_OCCURRENCES: u32 = 366;
/// Nor further than this from its first occurrence.
const MAX_SERIES_DAYS: i64 = 2 * 366;

impl Recurrence {
    /// The rule as RFC 5545 writes it (`FREQ=WEEKLY;INTERVAL=1;COUNT=4`).
    pub fn to_rrule(&self) -> String {
        let end = match self.end {
            RecurrenceEnd::Count(n) => format!("COUNT={n}"),
            RecurrenceEnd::Until(day) => format!("UNTIL={}", day.format("%Y%m%d")),
        };
        format!("FREQ={};INTERVAL={};{end}", self.frequency.as_str().to_uppercase(), self.interval)
    }

    /// Reads back what [`Recurrence::to_rrule`] wrote, and the same subset
    /// from elsewhere; anything else is refused rather than half-understood.
    pub fn parse_rrule(rule: &str) -> Result<Recurrence, &'static str> {
        let (mut frequency, mut interval, mut end) = (None, 1, None);
        for part in rule.trim().trim_start_matches("RRULE:").split(';').filter(|p| !p.is_empty()) {
            let (key, value) = part.split_once('=').ok_or("error-recurrence-invalid")?;
            match key.to_ascii_uppercase().as_str() {
                "FREQ" => frequency = Some(Frequency::parse(&value.to_ascii_lowercase())?),
                "INTERVAL" => interval = value.parse().map_err(|_| "error-recurrence-invalid")?,
                "COUNT" => {
                    end = Some(RecurrenceEnd::Count(value.parse().map_err(|_| "error-recurrence-invalid")?))
                }
                "UNTIL" => {
                    let day = NaiveDate::parse_from_str(value.get(..8).unwrap_or(value), "%Y%m%d")
                        .map_err(|_| "error-recurrence-invalid")?;
                    end = Some(RecurrenceEnd::Until(day))
                }
                _ => return Err("error-recurrence-invalid"),
            }
        }
        let recurrence = Recurrence {
            frequency: frequency.ok_or("error-recurrence-invalid")?,
            interval,
            end: end.ok_or("error-recurrence-end-required")?,
        };
        recurrence.check()?;
        Ok(recurrence)
    }

    fn check(&self) -> Result<(), &'static str> {
        if !(1..=52).contains(&self.interval) {
            return Err("error-recurrence-interval");
        }
        if let RecurrenceEnd::Count(n) = self.end {
            if !(1..=MAX_OCCURRENCES).contains(&n) {
                return Err("error-recurrence-count");
            }
        }
        Ok(())
    }

    /// The n-th candidate start (from 0), in local time; `None` when that
    /// day does not exist (a monthly series on the 31st skips short months,
    /// as RFC 5545 does).
    fn candidate(&self, first: NaiveDateTime, n: u32) -> Option<NaiveDateTime> {
        let step = n.checked_mul(self.interval)?;
        match self.frequency {
            Frequency::Daily => first.checked_add_signed(Duration::days(step.into())),
            Frequency::Weekly => first.checked_add_signed(Duration::weeks(step.into())),
            Frequency::Monthly => {
                let moved = first.checked_add_months(Months::new(step))?;
                (moved.day() == first.day()).then_some(moved)
            }
        }
    }
}

/// One occurrence of an appointment, in UTC.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Span {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

impl Span {
    pub fn overlaps(&self, other: &Span) -> bool {
        self.starts_at < other.ends_at && other.starts_at < self.ends_at
    }
}

/// A local wall-clock time as an instant. In the hour that does not exist
/// (spring forward) the clock is read an hour later; in the hour that
/// happens twice (fall back) the first is taken.
pub fn local_to_utc(tz: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t.with_timezone(&Utc),
        LocalResult::None => match tz.from_local_datetime(&(local + Duration::hours(1))) {
            LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t.with_timezone(&Utc),
            // No zone skips two hours; UTC is a safe reading if one did.
            LocalResult::None => local.and_utc(),
        },
    }
}

/// Every occurrence of a series (or the single one), in order. The first
/// occurrence's local time of day is kept across daylight-saving changes;
/// each lasts as long as the first.
pub fn occurrences(first: Span, tz: Tz, recurrence: Option<&Recurrence>) -> Vec<Span> {
    let Some(rule) = recurrence else { return vec![first] };
    let length = first.ends_at - first.starts_at;
    let local_first = first.starts_at.with_timezone(&tz).naive_local();
    let limit = local_first.date() + Duration::days(MAX_SERIES_DAYS);
    let mut spans = Vec::new();
    for n in 0..MAX_OCCURRENCES * 12 {
        if let RecurrenceEnd::Count(count) = rule.end {
            if spans.len() as u32 >= count {
                break;
            }
        }
        let Some(local) = rule.candidate(local_first, n) else {
            if rule.frequency == Frequency::Monthly {
                continue;
            }
            break;
        };
        if local.date() > limit || matches!(rule.end, RecurrenceEnd::Until(until) if local.date() > until) {
            break;
        }
        if spans.len() as u32 >= MAX_OCCURRENCES {
            break;
        }
        let starts_at = local_to_utc(tz, local);
        spans.push(Span { starts_at, ends_at: starts_at + length });
    }
    spans
}

/// The occurrences of a series cancelled one by one, as RFC 5545 writes an
/// `EXDATE` in UTC: `20261124T130000Z,20261201T130000Z`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CancelledOccurrences(Vec<DateTime<Utc>>);

impl CancelledOccurrences {
    /// Reads what [`CancelledOccurrences::to_exdate`] wrote; an entry it cannot read is left out.
    pub fn parse(text: Option<&str>) -> CancelledOccurrences {
        CancelledOccurrences::new(
            text.unwrap_or_default()
                .split(',')
                .filter_map(|part| NaiveDateTime::parse_from_str(part.trim(), "%Y%m%dT%H%M%SZ").ok())
                .map(|naive| naive.and_utc())
                .collect(),
        )
    }

    pub fn new(mut starts: Vec<DateTime<Utc>>) -> CancelledOccurrences {
        starts.sort();
        starts.dedup();
        CancelledOccurrences(starts)
    }

    pub fn to_exdate(&self) -> Option<String> {
        if self.0.is_empty() {
            return None;
        }
        Some(self.0.iter().map(|at| at.format("%Y%m%dT%H%M%SZ").to_string()).collect::<Vec<_>>().join(","))
    }

    pub fn contains(&self, starts_at: DateTime<Utc>) -> bool {
        self.0.binary_search(&starts_at).is_ok()
    }

    pub fn starts(&self) -> &[DateTime<Utc>] {
        &self.0
    }

    /// The same places in a series moved from `from` to `to` under the same
    /// rule: the third occurrence cancelled stays cancelled, wherever the
    /// third now falls.
    pub fn carried(&self, from: &[Span], to: &[Span]) -> CancelledOccurrences {
        CancelledOccurrences::new(
            from.iter()
                .zip(to)
                .filter(|(old, _)| self.contains(old.starts_at))
                .map(|(_, new)| new.starts_at)
                .collect(),
        )
    }

    /// Cancels the occurrence starting at `starts_at`, which must be one of
    /// `series` and not cancelled yet; at least one must stay (cancelling the
    /// last is cancelling the appointment).
    pub fn cancel(&mut self, series: &[Span], starts_at: DateTime<Utc>) -> Result<(), &'static str> {
        if !series.iter().any(|span| span.starts_at == starts_at) || self.contains(starts_at) {
            return Err("error-occurrence-unknown");
        }
        if series.iter().filter(|span| !self.contains(span.starts_at)).count() <= 1 {
            return Err("error-occurrence-last");
        }
        let at = self.0.partition_point(|existing| *existing < starts_at);
        self.0.insert(at, starts_at);
        Ok(())
    }
}

/// An appointment as typed in a form or sent to the API. Times are the
/// organisation's local wall-clock time, `YYYY-MM-DDTHH:MM`.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct AppointmentDraft {
    pub title: String,
    /// `meeting`, `call`, `visit`, `workshop`, `task`
    pub kind: String,
    pub place: String,
    /// Local time in the organisation's zone, `YYYY-MM-DDTHH:MM`.
    pub starts_at: String,
    pub ends_at: String,
    /// The users booked; the author when empty.
    pub user_ids: Vec<uuid::Uuid>,
    pub party_id: Option<uuid::Uuid>,
    pub interaction_id: Option<uuid::Uuid>,
    pub vehicle_id: Option<uuid::Uuid>,
    /// The party's sales contact [contato de venda] it is booked from.
    pub sales_contact_id: Option<uuid::Uuid>,
    pub notes: String,
    /// `daily`, `weekly` or `monthly`; empty for a single appointment.
    pub repeat: String,
    pub repeat_interval: Option<u32>,
    /// Occurrences in all; or `repeat_until`.
    pub repeat_count: Option<u32>,
    /// `YYYY-MM-DD`, the last day an occurrence may start on.
    pub repeat_until: Option<NaiveDate>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidAppointment {
    pub title: String,
    pub kind: AppointmentKind,
    pub place: String,
    pub first: Span,
    pub recurrence: Option<Recurrence>,
    pub notes: String,
}

/// Reads `YYYY-MM-DDTHH:MM` (what a browser's datetime-local sends), with
/// optional seconds, which are dropped: appointments are in whole minutes.
pub fn parse_local(text: &str) -> Result<NaiveDateTime, &'static str> {
    let text = text.trim().replace(' ', "T");
    let parsed = NaiveDateTime::parse_from_str(&text, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(&text, "%Y-%m-%dT%H:%M:%S"))
        .map_err(|_| "error-datetime-invalid")?;
    parsed.with_second(0).ok_or("error-datetime-invalid")
}

impl AppointmentDraft {
    pub fn validate(&self, tz: Tz) -> Result<ValidAppointment, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let kind = match self.kind.trim() {
            "" => Some(AppointmentKind::Meeting),
            k => errors.check("kind", AppointmentKind::parse(k)),
        };
        let title = self.title.split_whitespace().collect::<Vec<_>>().join(" ");
        if title.is_empty() {
            errors.add("title", "error-required");
        } else if title.chars().count() > 200 {
            errors.add("title", "error-too-long");
        }
        let place = self.place.trim().to_string();
        if place.chars().count() > 200 {
            errors.add("place", "error-too-long");
        }
        let notes = self.notes.trim().to_string();
        if notes.chars().count() > 4000 {
            errors.add("notes", "error-too-long");
        }
        let starts = errors.check("starts_at", parse_local(&self.starts_at));
        let ends = errors.check("ends_at", parse_local(&self.ends_at));
        let mut first = None;
        if let (Some(starts), Some(ends)) = (starts, ends) {
            let span = Span { starts_at: local_to_utc(tz, starts), ends_at: local_to_utc(tz, ends) };
            if span.ends_at <= span.starts_at {
                errors.add("ends_at", "error-ends-before-start");
            } else if span.ends_at - span.starts_at > Duration::days(14) {
                errors.add("ends_at", "error-appointment-too-long");
            } else {
                first = Some(span);
            }
        }
        let recurrence = match self.repeat.trim() {
            "" | "none" => None,
            frequency => {
                let end = match (self.repeat_count, self.repeat_until) {
                    (Some(n), _) => Some(RecurrenceEnd::Count(n)),
                    (None, Some(day)) => Some(RecurrenceEnd::Until(day)),
                    (None, None) => {
                        errors.add("repeat_count", "error-recurrence-end-required");
                        None
                    }
                };
                match (Frequency::parse(frequency), end) {
                    (Err(message), _) => {
                        errors.add("repeat", message);
                        None
                    }
                    (Ok(frequency), Some(end)) => {
                        let rule = Recurrence { frequency, interval: self.repeat_interval.unwrap_or(1), end };
                        if let Err(message) = rule.check() {
                            errors.add(
                                if message == "error-recurrence-count" {
                                    "repeat_count"
                                } else {
                                    "repeat_interval"
                                },
                                message,
                            );
                        }
                        if let (RecurrenceEnd::Until(until), Some(starts)) = (end, starts) {
                            if until < starts.date() {
                                errors.add("repeat_until", "error-range-reversed");
                            } else if (until - starts.date()).num_days() > MAX_SERIES_DAYS {
                                errors.add("repeat_until", "error-recurrence-too-far");
                            }
                        }
                        Some(rule)
                    }
                    (Ok(_), None) => None,
                }
            }
        };
        errors.into_result()?;
        let first = first.ok_or_else(|| ValidationErrors::single("starts_at", "error-datetime-invalid"))?;
        Ok(ValidAppointment {
            title,
            kind: kind.unwrap_or(AppointmentKind::Meeting),
            place,
            first,
            recurrence,
            notes,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn local(tz: Tz, text: &str) -> DateTime<Utc> {
        local_to_utc(tz, parse_local(text).expect("valid"))
    }

    fn weekly(count: u32) -> Recurrence {
        Recurrence { frequency: Frequency::Weekly, interval: 1, end: RecurrenceEnd::Count(count) }
    }

    #[test]
    fn weekly_across_a_month_boundary() {
        let tz = chrono_tz::America::Sao_Paulo;
        let first = Span { starts_at: local(tz, "2026-01-22T10:00"), ends_at: local(tz, "2026-01-22T10:30") };
        let spans = occurrences(first, tz, Some(&weekly(3)));
        let days: Vec<String> = spans
            .iter()
            .map(|s| s.starts_at.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string())
            .collect();
        assert_eq!(days, ["2026-01-22 10:00", "2026-01-29 10:00", "2026-02-05 10:00"]);
        // São Paulo keeps UTC−3 all year: the instants are a week apart exactly.
        assert_eq!(spans[1].starts_at - spans[0].starts_at, Duration::weeks(1));
    }

    #[test]
    fn weekly_across_lisbon_summer_time_keeps_the_wall_clock() {
        let tz = chrono_tz::Europe::Lisbon;
        // Summer time starts on Sunday 29 March 2026 at 01:00 UTC.
        let first = Span { starts_at: local(tz, "2026-03-24T10:00"), ends_at: local(tz, "2026-03-24T11:00") };
        let spans = occurrences(first, tz, Some(&weekly(3)));
        let utc: Vec<String> = spans.iter().map(|s| s.starts_at.format("%m-%d %H:%M").to_string()).collect();
        assert_eq!(utc, ["03-24 10:00", "03-31 09:00", "04-07 09:00"]);
        assert!(spans.iter().all(|s| s.ends_at - s.starts_at == Duration::hours(1)));
        // And back in October.
        let autumn =
            Span { starts_at: local(tz, "2026-10-20T10:00"), ends_at: local(tz, "2026-10-20T11:00") };
        let spans = occurrences(autumn, tz, Some(&weekly(2)));
        assert_eq!(spans[1].starts_at - spans[0].starts_at, Duration::weeks(1) + Duration::hours(1));
    }

    #[test]
    fn monthly_on_the_31st_skips_short_months_and_until_is_inclusive() {
        let tz = chrono_tz::America::Sao_Paulo;
        let first = Span { starts_at: local(tz, "2026-01-31T09:00"), ends_at: local(tz, "2026-01-31T09:15") };
        let rule = Recurrence {
            frequency: Frequency::Monthly,
            interval: 1,
            end: RecurrenceEnd::Until(NaiveDate::from_ymd_opt(2026, 5, 31).expect("valid")),
        };
        let months: Vec<u32> =
            occurrences(first, tz, Some(&rule)).iter().map(|s| s.starts_at.month()).collect();
        assert_eq!(months, [1, 3, 5]);
    }

    #[test]
    fn rrule_round_trip_and_refusals() {
        let rule = weekly(4);
        assert_eq!(rule.to_rrule(), "FREQ=WEEKLY;INTERVAL=1;COUNT=4");
        assert_eq!(Recurrence::parse_rrule(&rule.to_rrule()), Ok(rule));
        assert_eq!(Recurrence::parse_rrule("FREQ=WEEKLY"), Err("error-recurrence-end-required"));
        assert_eq!(Recurrence::parse_rrule("FREQ=YEARLY;COUNT=2"), Err("error-frequency-invalid"));
        assert_eq!(Recurrence::parse_rrule("FREQ=DAILY;COUNT=9999"), Err("error-recurrence-count"));
        assert_eq!(Recurrence::parse_rrule("FREQ=DAILY;BYDAY=MO;COUNT=2"), Err("error-recurrence-invalid"));
    }

    #[test]
    fn a_draft_needs_an_end_after_its_start() {
        let draft = AppointmentDraft {
            title: "Revisão".into(),
            starts_at: "2026-05-04T10:00".into(),
            ends_at: "2026-05-04T09:00".into(),
            repeat: "weekly".into(),
            ..Default::default()
        };
        let errors = draft.validate(chrono_tz::America::Sao_Paulo).expect_err("refused");
        assert_eq!(errors.fields().collect::<Vec<_>>(), ["ends_at", "repeat_count"]);
    }

    #[test]
    fn cancelled_occurrences_round_trip_and_refuse_strangers_and_the_last() {
        let tz: Tz = "America/Sao_Paulo".parse().expect("zone");
        let first = Span {
            starts_at: local_to_utc(tz, parse_local("2026-11-24T10:00").expect("local")),
            ends_at: local_to_utc(tz, parse_local("2026-11-24T11:00").expect("local")),
        };
        let series = occurrences(first, tz, Some(&weekly(2)));
        let mut cancelled = CancelledOccurrences::parse(None);
        assert_eq!(cancelled.to_exdate(), None);
        assert_eq!(
            cancelled.cancel(&series, series[0].starts_at + Duration::minutes(5)),
            Err("error-occurrence-unknown")
        );
        cancelled.cancel(&series, series[1].starts_at).expect("second cancelled");
        assert_eq!(cancelled.to_exdate().as_deref(), Some("20261201T130000Z"));
        assert_eq!(cancelled.cancel(&series, series[1].starts_at), Err("error-occurrence-unknown"));
        assert_eq!(cancelled.cancel(&series, series[0].starts_at), Err("error-occurrence-last"));
        let read = CancelledOccurrences::parse(cancelled.to_exdate().as_deref());
        assert_eq!(read, cancelled);
        assert!(read.contains(series[1].starts_at) && !read.contains(series[0].starts_at));
    }
}
