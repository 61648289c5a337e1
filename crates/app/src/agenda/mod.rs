//! The agenda [agenda, agendamentos] (seeds 000–003): appointments with
//! parties, vehicles and interactions; each user's day, week and month; a
//! coordinator's view of his team; free days; and each user's calendar feed
//! for Outlook or Google Calendar.
use crate::change::Change;
use crate::{Actor, AppError};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use db::repo::appointment::{AppointmentRow, BookedRow, NewAppointment};
use domain::access::{Portfolio, Reach};
use domain::agenda::{DayAvailability, WorkingHours};
use domain::appointment::{
    AppointmentDraft, CancelledOccurrences, Recurrence, RecurrenceEnd, Span, occurrences,
};
use domain::audit::AuditEntity;
use domain::timeline::{Event, EventKind};
use domain::{AppointmentId, InteractionId, PartyId, SalesContactId, UserId, ValidationErrors, VehicleId};
use serde::Serialize;
use uuid::Uuid;

mod booking;
mod calendar;
mod feed;
mod settings;

pub(crate) use settings::Locality;

#[derive(Clone, Debug, Serialize)]
pub struct UserRef {
    pub id: Uuid,
    pub name: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct AppointmentView {
    pub id: Uuid,
    pub title: String,
    /// `meeting`, `call`, `visit`, `workshop`, `task`
    pub kind: String,
    pub place: String,
    pub notes: String,
    pub party_id: Option<Uuid>,
    pub party_name: Option<String>,
    /// The first occurrence.
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// The zone the series recurs in.
    pub time_zone: String,
    /// RFC 5545 recurrence rule, when it repeats.
    pub rrule: Option<String>,
    /// Occurrences of the series cancelled one by one, by their start.
    pub cancelled_occurrences: Vec<DateTime<Utc>>,
    pub interaction_id: Option<Uuid>,
    pub vehicle_id: Option<Uuid>,
    pub vehicle_plate: Option<String>,
    /// The sales contact it was booked from.
    pub sales_contact_id: Option<Uuid>,
    pub users: Vec<UserRef>,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub cancelled_by: Option<String>,
    pub updated_at: DateTime<Utc>,
    pub updated_by: String,
    pub version: i64,
}

impl AppointmentView {
    pub(crate) fn from_row(row: AppointmentRow, users: Vec<UserRef>) -> AppointmentView {
        AppointmentView {
            id: row.id,
            title: row.title,
            kind: row.kind,
            place: row.place,
            notes: row.notes,
            party_id: row.party_id,
            party_name: row.party_name,
            starts_at: row.first_starts_at,
            ends_at: row.first_ends_at,
            time_zone: row.time_zone,
            cancelled_occurrences: CancelledOccurrences::parse(row.exdates.as_deref()).starts().to_vec(),
            rrule: row.rrule,
            interaction_id: row.interaction_id,
            vehicle_id: row.vehicle_id,
            vehicle_plate: row
                .vehicle_plate
                .as_deref()
                .and_then(|p| domain::vehicle::Plate::parse(p).ok())
                .map(|p| p.to_string()),
            sales_contact_id: row.sales_contact_id,
            users,
            created_at: row.created_at,
            created_by: row.created_by_label,
            cancelled_at: row.cancelled_at,
            cancelled_by: row.cancelled_by_label,
            updated_at: row.updated_at,
            updated_by: row.updated_by_label,
            version: row.version,
        }
    }

    /// The appointment as a form holds it, in the zone it recurs in, moved
    /// by `shift` and lasting `length`: a drag on the agenda grid changes
    /// the times and keeps all the rest.
    pub(crate) fn draft_moved(&self, fallback: Tz, shift: Duration, length: Duration) -> AppointmentDraft {
        let tz: Tz = self.time_zone.parse().unwrap_or(fallback);
        let starts_at = self.starts_at + shift;
        let local = |at: DateTime<Utc>| at.with_timezone(&tz).format("%Y-%m-%dT%H:%M").to_string();
        let rule = self.rrule.as_deref().and_then(|r| Recurrence::parse_rrule(r).ok());
        // A series ending on a day ends as many days later as it moved.
        let days_moved =
            starts_at.with_timezone(&tz).date_naive() - self.starts_at.with_timezone(&tz).date_naive();
        let (repeat_count, repeat_until) = match rule.map(|r| r.end) {
            Some(RecurrenceEnd::Count(n)) => (Some(n), None),
            Some(RecurrenceEnd::Until(day)) => (None, Some(day + days_moved)),
            None => (None, None),
        };
        AppointmentDraft {
            title: self.title.clone(),
            kind: self.kind.clone(),
            place: self.place.clone(),
            starts_at: local(starts_at),
            ends_at: local(starts_at + length),
            user_ids: self.users.iter().map(|u| u.id).collect(),
            party_id: self.party_id,
            interaction_id: self.interaction_id,
            vehicle_id: self.vehicle_id,
            sales_contact_id: self.sales_contact_id,
            notes: self.notes.clone(),
            repeat: rule.map(|r| r.frequency.as_str().to_string()).unwrap_or_default(),
            repeat_interval: rule.map(|r| r.interval),
            repeat_count,
            repeat_until,
        }
    }

    /// The whole series (cancelled occurrences included) and those cancelled.
    pub(crate) fn series(&self) -> (Vec<Span>, CancelledOccurrences) {
        let first = Span { starts_at: self.starts_at, ends_at: self.ends_at };
        let series = series(first, &self.time_zone, self.rrule.as_deref(), chrono_tz::UTC);
        (series, CancelledOccurrences::new(self.cancelled_occurrences.clone()))
    }

    /// The occurrences still on, in order.
    pub fn occurrences(&self) -> Vec<Span> {
        let (series, cancelled) = self.series();
        series.into_iter().filter(|span| !cancelled.contains(span.starts_at)).collect()
    }
}

/// One occurrence of an appointment in one user's agenda.
#[derive(Clone, Debug, Serialize)]
pub struct OccurrenceView {
    pub appointment_id: Uuid,
    /// 0 for the first occurrence of a series.
    pub index: usize,
    pub user_id: Uuid,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub title: String,
    pub kind: String,
    pub place: String,
    pub party_id: Option<Uuid>,
    pub party_name: Option<String>,
    pub recurring: bool,
    pub cancelled: bool,
    /// The appointment's version, to move it from the agenda.
    pub version: i64,
}

/// A user already booked when a new appointment was made.
#[derive(Clone, Debug, Serialize)]
pub struct DoubleBooking {
    pub user_id: Uuid,
    pub user_name: String,
    pub appointment_id: Uuid,
    pub title: String,
    pub starts_at: DateTime<Utc>,
}

#[derive(Clone, Debug, Serialize)]
pub struct BookedAppointment {
    pub appointment: AppointmentView,
    /// Users booked elsewhere at the same time: a warning, not a refusal.
    pub double_bookings: Vec<DoubleBooking>,
}

/// An occurrence moved on the agenda grid: the appointment as it is now,
/// where the occurrence was (to undo the move) and where it is.
#[derive(Clone, Debug)]
pub struct MovedOccurrence {
    pub booked: BookedAppointment,
    pub was: Span,
    pub now: Span,
}

/// One user's free days [dias livres] over a period.
#[derive(Clone, Debug, Serialize)]
pub struct FreeDaysView {
    pub user: UserRef,
    pub days: Vec<DayView>,
}

#[derive(Clone, Debug, Serialize)]
pub struct DayView {
    pub day: NaiveDate,
    pub availability: DayAvailability,
}

/// A user whose agenda the actor may see.
#[derive(Clone, Debug, Serialize)]
pub struct AgendaUser {
    pub id: Uuid,
    pub name: String,
    pub branch_id: Option<Uuid>,
}

/// A booking checked and ready to write.
pub(crate) struct Prepared {
    hours: WorkingHours,
    valid: domain::appointment::ValidAppointment,
    party: Option<PartyId>,
    vehicle: Option<VehicleId>,
    interaction: Option<InteractionId>,
    sales_contact: Option<SalesContactId>,
    user_ids: Vec<UserId>,
    last_ends_at: DateTime<Utc>,
    double_bookings: Vec<DoubleBooking>,
}

impl Prepared {
    /// The interaction that caused it, written in the same change.
    pub(crate) fn caused_by(mut self, interaction: InteractionId) -> Prepared {
        self.interaction = Some(interaction);
        self
    }

    pub(crate) fn double_bookings(&self) -> &[DoubleBooking] {
        &self.double_bookings
    }

    /// Books it within `change`: the appointment, its party's history, the audit.
    pub(crate) async fn write(
        &self,
        change: &mut Change<'_>,
        actor: &Actor,
    ) -> Result<AppointmentId, AppError> {
        let new = self.row(actor);
        let id = db::repo::appointment::insert(&mut change.tx, &new, change.at).await?;
        if let Some(party) = self.party {
            let booked = Event::new(
                EventKind::Appointment,
                "timeline-appointment-booked",
                self.valid.title.clone(),
                Some(id.0),
            );
            change.history(party, booked).await?;
        }
        let after = serde_json::json!({
            "title": self.valid.title, "starts_at": self.valid.first.starts_at,
            "users": self.user_ids.iter().map(|u| u.0).collect::<Vec<_>>(), "rrule": new.rrule,
        });
        change.audit_created(AuditEntity::Appointment, id, after).await?;
        Ok(id)
    }

    /// The appointment as stored, booked or changed by `actor`.
    pub(crate) fn row<'a>(&'a self, actor: &'a Actor) -> NewAppointment<'a> {
        NewAppointment {
            org_id: actor.org_id,
            party: self.party,
            title: &self.valid.title,
            kind: self.valid.kind.as_str(),
            place: &self.valid.place,
            notes: &self.valid.notes,
            first_starts_at: self.valid.first.starts_at,
            first_ends_at: self.valid.first.ends_at,
            last_ends_at: self.last_ends_at,
            time_zone: self.hours.time_zone.name(),
            rrule: self.valid.recurrence.as_ref().map(Recurrence::to_rrule),
            interaction: self.interaction,
            vehicle: self.vehicle,
            sales_contact: self.sales_contact,
            users: &self.user_ids,
            by: &actor.display_name,
        }
    }
}

/// The longest period one agenda or free-days request covers.
pub(crate) const MAX_PERIOD_DAYS: i64 = 62;
/// What a calendar feed holds around today.
pub(crate) const FEED_PAST_DAYS: i64 = 60;
pub(crate) const FEED_FUTURE_DAYS: i64 = 400;

/// Every occurrence of a stored series, cancelled ones included, in the
/// zone it recurs in.
pub(crate) fn series(first: Span, time_zone: &str, rrule: Option<&str>, fallback: Tz) -> Vec<Span> {
    let tz: Tz = time_zone.parse().unwrap_or(fallback);
    let rule = rrule.and_then(|r| Recurrence::parse_rrule(r).ok());
    occurrences(first, tz, rule.as_ref())
}

/// The occurrences of a booking still on, with their index in the series
/// (stable when others are cancelled: calendar feeds key events on it).
pub(crate) fn expand(row: &BookedRow, fallback: Tz) -> Vec<(usize, Span)> {
    let first = Span { starts_at: row.first_starts_at, ends_at: row.first_ends_at };
    let cancelled = CancelledOccurrences::parse(row.exdates.as_deref());
    series(first, &row.time_zone, row.rrule.as_deref(), fallback)
        .into_iter()
        .enumerate()
        .filter(|(_, span)| !cancelled.contains(span.starts_at))
        .collect()
}

/// Every occurrence of these appointments inside `window`: the row, the
/// occurrence's index in its series, its span, and whether it recurs.
pub(crate) fn occurrences_within(
    rows: &[BookedRow],
    tz: Tz,
    window: Span,
) -> impl Iterator<Item = (&BookedRow, usize, Span, bool)> {
    rows.iter().flat_map(move |row| {
        let recurring = row.rrule.is_some();
        expand(row, tz)
            .into_iter()
            .filter(move |(_, span)| span.overlaps(&window))
            .map(move |(index, span)| (row, index, span, recurring))
    })
}

/// Whether a reach (to read or to change) covers a user's agenda: it is
/// his own portfolio, in his branch.
pub(crate) fn reaches_agenda(reach: Reach, user: Uuid, branch: Option<Uuid>) -> bool {
    reach.covers(Portfolio { owner: Some(UserId(user)), branch: branch.map(domain::BranchId) })
}

/// Local days `from`..`to` as instants (`to` itself excluded, so equal
/// days are an empty period); refused when reversed or too long.
pub(crate) fn period(hours: &WorkingHours, from: NaiveDate, to: NaiveDate) -> Result<Span, AppError> {
    if to < from {
        return Err(ValidationErrors::single("to", "error-range-reversed").into());
    }
    if (to - from).num_days() > MAX_PERIOD_DAYS {
        return Err(ValidationErrors::single("to", "error-period-too-long").into());
    }
    let midnight = chrono::NaiveTime::MIN;
    Ok(Span {
        starts_at: domain::appointment::local_to_utc(hours.time_zone, from.and_time(midnight)),
        ends_at: domain::appointment::local_to_utc(hours.time_zone, to.and_time(midnight)),
    })
}
