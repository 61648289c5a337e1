//! The agenda's arithmetic: an organisation's working hours and time zone,
//! and "free days" [dias livres] (seed 002): for a user and a day, whether
//! he is free, partly free or busy within those hours.
use crate::appointment::{Span, local_to_utc};
use chrono::{Datelike, NaiveDate, NaiveTime};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// When the organisation works, in its own time zone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkingHours {
    pub time_zone: Tz,
    pub opens: NaiveTime,
    pub closes: NaiveTime,
    /// Monday first.
    pub days: [bool; 7],
}

impl Default for WorkingHours {
    /// Brazilian business hours: Monday to Friday, 08:00–18:00, São Paulo.
    fn default() -> Self {
        WorkingHours {
            time_zone: chrono_tz::America::Sao_Paulo,
            opens: NaiveTime::from_hms_opt(8, 0, 0).unwrap_or_default(),
            closes: NaiveTime::from_hms_opt(18, 0, 0).unwrap_or_default(),
            days: [true, true, true, true, true, false, false],
        }
    }
}

impl WorkingHours {
    /// Days as stored: the ISO weekday numbers worked, "12345".
    pub fn days_text(&self) -> String {
        (0..7).filter(|d| self.days[*d]).map(|d| char::from(b'1' + d as u8)).collect()
    }

    pub fn parse(
        time_zone: &str,
        opens: &str,
        closes: &str,
        days: &str,
    ) -> Result<WorkingHours, (&'static str, &'static str)> {
        let time_zone: Tz = time_zone.trim().parse().map_err(|_| ("time_zone", "error-time-zone-invalid"))?;
        let time = |t: &str| NaiveTime::parse_from_str(t.trim().get(..5).unwrap_or(t), "%H:%M");
        let opens = time(opens).map_err(|_| ("opens", "error-time-invalid"))?;
        let closes = time(closes).map_err(|_| ("closes", "error-time-invalid"))?;
        if closes <= opens {
            return Err(("closes", "error-ends-before-start"));
        }
        let mut worked = [false; 7];
        for c in days.chars().filter(|c| !c.is_whitespace() && *c != ',') {
            match c.to_digit(10) {
                Some(d @ 1..=7) => worked[d as usize - 1] = true,
                _ => return Err(("days", "error-work-days-invalid")),
            }
        }
        if !worked.contains(&true) {
            return Err(("days", "error-work-days-invalid"));
        }
        Ok(WorkingHours { time_zone, opens, closes, days: worked })
    }

    pub fn works_on(&self, day: NaiveDate) -> bool {
        self.days[day.weekday().num_days_from_monday() as usize]
    }

    /// The day's working hours as instants.
    pub fn window(&self, day: NaiveDate) -> Span {
        Span {
            starts_at: local_to_utc(self.time_zone, day.and_time(self.opens)),
            ends_at: local_to_utc(self.time_zone, day.and_time(self.closes)),
        }
    }
}

/// How much of a working day is left.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum DayAvailability {
    /// Nothing booked within working hours.
    Free,
    /// Something booked; `free_minutes` of the working hours remain.
    Partly { free_minutes: i64 },
    /// Booked through the working hours.
    Busy,
    /// Not a working day.
    Closed,
}

/// A user's availability on `day`, given his appointments (in any order,
/// overlapping or not).
pub fn availability(hours: &WorkingHours, day: NaiveDate, booked: &[Span]) -> DayAvailability {
    if !hours.works_on(day) {
        return DayAvailability::Closed;
    }
    let window = hours.window(day);
    let mut clipped: Vec<Span> = booked
        .iter()
        .filter(|s| s.overlaps(&window))
        .map(|s| Span {
            starts_at: s.starts_at.max(window.starts_at),
            ends_at: s.ends_at.min(window.ends_at),
        })
        .collect();
    if clipped.is_empty() {
        return DayAvailability::Free;
    }
    clipped.sort();
    let (mut busy, mut reached) = (0, window.starts_at);
    for span in clipped {
        let from = span.starts_at.max(reached);
        if span.ends_at > from {
            busy += (span.ends_at - from).num_minutes();
            reached = span.ends_at;
        }
    }
    let free_minutes = (window.ends_at - window.starts_at).num_minutes() - busy;
    if free_minutes <= 0 { DayAvailability::Busy } else { DayAvailability::Partly { free_minutes } }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::appointment::parse_local;

    fn span(hours: &WorkingHours, from: &str, to: &str) -> Span {
        Span {
            starts_at: local_to_utc(hours.time_zone, parse_local(from).expect("valid")),
            ends_at: local_to_utc(hours.time_zone, parse_local(to).expect("valid")),
        }
    }

    #[test]
    fn free_partly_busy_and_closed() {
        let hours = WorkingHours::default();
        let monday = NaiveDate::from_ymd_opt(2026, 11, 23).expect("valid");
        assert_eq!(availability(&hours, monday, &[]), DayAvailability::Free);
        // 07:00–09:00 counts from 08:00; 08:30–10:00 overlaps it; 17:00–19:00 to 18:00.
        let booked = [
            span(&hours, "2026-11-23T07:00", "2026-11-23T09:00"),
            span(&hours, "2026-11-23T08:30", "2026-11-23T10:00"),
            span(&hours, "2026-11-23T17:00", "2026-11-23T19:00"),
            span(&hours, "2026-11-24T09:00", "2026-11-24T10:00"),
        ];
        assert_eq!(availability(&hours, monday, &booked), DayAvailability::Partly { free_minutes: 7 * 60 });
        let all_day = [span(&hours, "2026-11-23T06:00", "2026-11-23T20:00")];
        assert_eq!(availability(&hours, monday, &all_day), DayAvailability::Busy);
        let saturday = NaiveDate::from_ymd_opt(2026, 11, 28).expect("valid");
        assert_eq!(availability(&hours, saturday, &[]), DayAvailability::Closed);
    }

    #[test]
    fn working_hours_parse() {
        let hours = WorkingHours::parse("Europe/Lisbon", "09:00", "17:30", "1,2,3,4,5,6").expect("valid");
        assert_eq!(hours.days_text(), "123456");
        assert_eq!(
            WorkingHours::parse("Mars/Base", "09:00", "17:00", "1").expect_err("refused").0,
            "time_zone"
        );
        assert_eq!(WorkingHours::parse("UTC", "18:00", "09:00", "1").expect_err("refused").0, "closes");
        assert_eq!(WorkingHours::parse("UTC", "08:00", "09:00", "8").expect_err("refused").0, "days");
    }
}
