//! The day and week views as a time grid: a column per day, a row per
//! quarter hour through the organisation's working hours (stretched to
//! whatever is booked outside them), each appointment once, placed by
//! its times, side by side with those it overlaps, coloured by person.
//!
//! Placement is by CSS classes (`r-N` first row, `s-N` rows spanned,
//! `lane-I-N`): the Content-Security-Policy forbids inline styles.
use crate::i18n::Tr;
use app::agenda::OccurrenceView;
use chrono::{NaiveDate, NaiveTime, Timelike};
use domain::agenda::WorkingHours;
use uuid::Uuid;

/// Minutes a grid row stands for: what a drag snaps to.
pub(super) const ROW_MINUTES: u32 = 15;
/// Overlapping appointments share a column's width up to this many lanes;
/// more overlap the last one.
const MAX_LANES: usize = 4;
/// How many people get a colour of their own; more share them in turn.
pub(super) const PERSON_COLOURS: usize = 8;

pub struct TimeGrid {
    /// The first minute of the day the grid shows (00:00 is 0).
    pub first_minute: u32,
    /// Quarter-hour rows.
    pub rows: u32,
    /// Hour labels on the axis, with their row.
    pub hours: Vec<(String, u32)>,
    pub columns: Vec<GridColumn>,
}

pub struct GridColumn {
    pub date: NaiveDate,
    pub label: String,
    pub href: String,
    pub today: bool,
    /// Not a working day.
    pub closed: bool,
    pub slots: Vec<GridSlot>,
    pub events: Vec<GridEvent>,
}

/// A free half hour: clicking it books there.
pub struct GridSlot {
    pub row: u32,
    pub href: String,
    pub label: String,
}

pub struct GridEvent {
    pub id: Uuid,
    pub version: i64,
    /// The occurrence's start as RFC 3339: which occurrence of a series moves.
    pub occurrence: String,
    /// Local times as a form writes them (`2026-12-07T09:30`).
    pub starts: String,
    pub ends: String,
    pub time: String,
    pub title: String,
    pub detail: String,
    pub kind: String,
    pub cancelled: bool,
    pub recurring: bool,
    /// The colour of the first person shown who attends, and of each of
    /// them when several are shown.
    pub person: usize,
    pub people: Vec<usize>,
    pub row: u32,
    pub span: u32,
    pub lane: usize,
    pub lanes: usize,
}

/// One appointment's occurrence with everyone shown who attends it.
struct Merged<'a> {
    occurrence: &'a OccurrenceView,
    people: Vec<Uuid>,
}

/// What the grid needs besides the occurrences.
pub(super) struct GridInput<'a> {
    pub days: &'a [NaiveDate],
    pub today: NaiveDate,
    pub hours: &'a WorkingHours,
    /// The people shown, in colour order.
    pub people: &'a [(Uuid, String)],
    /// Where a day's label leads, and where a slot books.
    pub day_href: &'a dyn Fn(NaiveDate) -> String,
    pub book_href: &'a dyn Fn(NaiveDate, NaiveTime) -> String,
}

fn minute_of(time: NaiveTime) -> u32 {
    time.hour() * 60 + time.minute()
}

fn clock(minute: u32) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

pub(super) fn time_grid(t: &Tr, input: &GridInput<'_>, occurrences: &[OccurrenceView]) -> TimeGrid {
    let zone = input.hours.time_zone;
    // Each appointment once, however many of the people shown attend it.
    let mut merged: Vec<Merged<'_>> = Vec::new();
    for o in occurrences {
        match merged.iter_mut().find(|m| {
            m.occurrence.appointment_id == o.appointment_id && m.occurrence.starts_at == o.starts_at
        }) {
            Some(m) => m.people.push(o.user_id),
            None => merged.push(Merged { occurrence: o, people: vec![o.user_id] }),
        }
    }
    // Local start day and minutes; an appointment running past midnight
    // ends at the bottom of its first day.
    let placed: Vec<(NaiveDate, u32, u32, &Merged<'_>)> = merged
        .iter()
        .map(|m| {
            let starts = m.occurrence.starts_at.with_timezone(&zone).naive_local();
            let ends = m.occurrence.ends_at.with_timezone(&zone).naive_local();
            let from = minute_of(starts.time());
            let to = if ends.date() > starts.date() { 24 * 60 } else { minute_of(ends.time()) };
            (starts.date(), from, to.max(from + ROW_MINUTES), m)
        })
        .collect();
    let opens = minute_of(input.hours.opens) / 60 * 60;
    let closes = minute_of(input.hours.closes).div_ceil(60) * 60;
    let first_minute = placed.iter().map(|p| p.1 / 60 * 60).fold(opens, u32::min);
    let last_minute = placed.iter().map(|p| p.2.div_ceil(60) * 60).fold(closes, u32::max).min(24 * 60);
    let rows = (last_minute - first_minute) / ROW_MINUTES;
    let row_of = |minute: u32| (minute.saturating_sub(first_minute) / ROW_MINUTES + 1).min(rows);
    let hours = (first_minute / 60..last_minute / 60).map(|h| (clock(h * 60), row_of(h * 60))).collect();
    let colour_of = |id: Uuid| input.people.iter().position(|(p, _)| *p == id).unwrap_or(0) % PERSON_COLOURS;
    let name_of = |id: Uuid| input.people.iter().find(|(p, _)| *p == id).map(|(_, n)| n.clone());
    let several = input.people.len() > 1;
    let columns = input
        .days
        .iter()
        .map(|&date| {
            let slots = (first_minute..last_minute)
                .step_by(30)
                .filter_map(|minute| {
                    let time = NaiveTime::from_hms_opt(minute / 60, minute % 60, 0)?;
                    Some(GridSlot {
                        row: row_of(minute),
                        href: (input.book_href)(date, time),
                        label: t
                            .with_args("agenda-book-at", &[("day", t.date(&date)), ("time", clock(minute))]),
                    })
                })
                .collect();
            let mut today: Vec<&(NaiveDate, u32, u32, &Merged<'_>)> =
                placed.iter().filter(|p| p.0 == date).collect();
            today.sort_by_key(|p| (p.1, std::cmp::Reverse(p.2)));
            let lanes = lanes(&today.iter().map(|p| (p.1, p.2)).collect::<Vec<_>>());
            let events = today
                .iter()
                .zip(lanes)
                .map(|(&&(_, from, to, m), (lane, lanes))| {
                    let o = m.occurrence;
                    let mut detail: Vec<String> = Vec::new();
                    if several {
                        detail.extend(m.people.iter().filter_map(|p| name_of(*p)));
                    }
                    detail.extend(o.party_name.clone());
                    GridEvent {
                        id: o.appointment_id,
                        version: o.version,
                        occurrence: o.starts_at.to_rfc3339(),
                        starts: t.datetime_input(&o.starts_at),
                        ends: t.datetime_input(&o.ends_at),
                        time: format!("{}–{}", t.time(&o.starts_at), t.time(&o.ends_at)),
                        title: o.title.clone(),
                        detail: detail.join(" · "),
                        kind: o.kind.clone(),
                        cancelled: o.cancelled,
                        recurring: o.recurring,
                        person: m.people.first().map_or(0, |p| colour_of(*p)),
                        people: if several {
                            m.people.iter().map(|p| colour_of(*p)).collect()
                        } else {
                            Vec::new()
                        },
                        row: row_of(from),
                        span: ((to.min(last_minute) - from.max(first_minute)) / ROW_MINUTES).max(1),
                        lane,
                        lanes,
                    }
                })
                .collect();
            GridColumn {
                date,
                label: format!(
                    "{} {}",
                    t.get(&format!("weekday-{}", chrono::Datelike::weekday(&date).number_from_monday())),
                    t.date(&date)
                ),
                href: (input.day_href)(date),
                today: date == input.today,
                closed: !input.hours.works_on(date),
                slots,
                events,
            }
        })
        .collect();
    TimeGrid { first_minute, rows, hours, columns }
}

/// Side-by-side lanes for spans sorted by start: each span takes the first
/// lane free at its start; spans that overlap, directly or through
/// others, share their group's lane count. Returns (lane, lanes) per span.
fn lanes(spans: &[(u32, u32)]) -> Vec<(usize, usize)> {
    let mut out = vec![(0, 1); spans.len()];
    let mut group_start = 0;
    let mut group_end = 0;
    let mut lane_ends: Vec<u32> = Vec::new();
    let close_group = |out: &mut Vec<(usize, usize)>, from: usize, to: usize, count: usize| {
        for slot in &mut out[from..to] {
            slot.1 = count.min(MAX_LANES);
            slot.0 = slot.0.min(MAX_LANES - 1);
        }
    };
    for (i, &(from, to)) in spans.iter().enumerate() {
        if from >= group_end && i > group_start {
            close_group(&mut out, group_start, i, lane_ends.len());
            group_start = i;
            lane_ends.clear();
        }
        let lane = match lane_ends.iter().position(|end| *end <= from) {
            Some(lane) => {
                lane_ends[lane] = to;
                lane
            }
            None => {
                lane_ends.push(to);
                lane_ends.len() - 1
            }
        };
        out[i].0 = lane;
        group_end = if i == group_start { to } else { group_end.max(to) };
    }
    close_group(&mut out, group_start, spans.len(), lane_ends.len().max(1));
    out
}

#[cfg(test)]
mod tests {
    use super::lanes;

    #[test]
    fn overlapping_spans_share_the_width_and_others_keep_it() {
        // 09:00–10:00 and 09:30–10:30 overlap; 10:30–11:00 stands alone;
        // 13:00–15:00 holds 13:00–13:30 and then 14:00–14:30 beside it.
        let spans = [(540, 600), (570, 630), (630, 660), (780, 900), (780, 810), (840, 870)];
        assert_eq!(lanes(&spans), vec![(0, 2), (1, 2), (0, 1), (0, 2), (1, 2), (1, 2)]);
    }

    #[test]
    fn more_overlaps_than_lanes_stack_in_the_last() {
        let spans = [(540, 600); 6];
        let placed = lanes(&spans);
        assert!(placed.iter().all(|(lane, lanes)| *lanes == 4 && *lane <= 3));
    }
}
