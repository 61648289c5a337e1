//! The agenda [agenda, agendamentos] (seeds 000–003): appointments with
//! parties, vehicles and interactions; each user's day, week and month; a
//! coordinator's view of his team; free days; and each user's calendar feed
//! for Outlook or Google Calendar.
use crate::interactions::InteractionList;
use crate::registry_settings::StatusView;
use crate::secret::{digest, random_token};
use crate::{Actor, App, AppError};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use db::repo::appointment::{self as repo, AppointmentRow, BookedRow, NewAppointment};
use db::repo::{interaction, organisation, user, vehicle};
use domain::access::{Permission, Portfolio, Reach};
use domain::agenda::{DayAvailability, WorkingHours, availability};
use domain::appointment::{AppointmentDraft, CancelledOccurrences, Recurrence, Span, occurrences};
use domain::audit::{AuditAction, AuditEntity};
use domain::timeline::{Event, EventKind};
use domain::{AppointmentId, InteractionId, PartyId, UserId, ValidationErrors, VehicleId};
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct UserRef {
    pub id: Uuid,
    pub name: String,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
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
    fn from_row(row: AppointmentRow, users: Vec<UserRef>) -> AppointmentView {
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

    /// The whole series (cancelled occurrences included) and those cancelled.
    fn series(&self) -> (Vec<Span>, CancelledOccurrences) {
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
#[derive(Clone, Debug, Serialize, ToSchema)]
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
}

/// A user already booked when a new appointment was made.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct DoubleBooking {
    pub user_id: Uuid,
    pub user_name: String,
    pub appointment_id: Uuid,
    pub title: String,
    pub starts_at: DateTime<Utc>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct BookedAppointment {
    pub appointment: AppointmentView,
    /// Users booked elsewhere at the same time: a warning, not a refusal.
    pub double_bookings: Vec<DoubleBooking>,
}

/// One user's free days [dias livres] over a period.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct FreeDaysView {
    pub user: UserRef,
    pub days: Vec<DayView>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct DayView {
    pub day: NaiveDate,
    #[schema(value_type = Object)]
    pub availability: DayAvailability,
}

/// A user whose agenda the actor may see.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct AgendaUser {
    pub id: Uuid,
    pub name: String,
    pub branch_id: Option<Uuid>,
}

/// A booking checked and ready to write.
struct Prepared {
    hours: WorkingHours,
    valid: domain::appointment::ValidAppointment,
    party: Option<PartyId>,
    vehicle: Option<VehicleId>,
    interaction: Option<InteractionId>,
    user_ids: Vec<UserId>,
    last_ends_at: DateTime<Utc>,
    double_bookings: Vec<DoubleBooking>,
}

impl Prepared {
    /// The appointment as stored, booked or changed by `actor`.
    fn row<'a>(&'a self, actor: &'a Actor) -> NewAppointment<'a> {
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
            users: &self.user_ids,
            by: &actor.display_name,
        }
    }
}

/// The longest period one agenda or free-days request covers.
const MAX_PERIOD_DAYS: i64 = 62;
/// What a calendar feed holds around today.
const FEED_PAST_DAYS: i64 = 60;
const FEED_FUTURE_DAYS: i64 = 400;

/// Every occurrence of a stored series, cancelled ones included, in the
/// zone it recurs in.
fn series(first: Span, time_zone: &str, rrule: Option<&str>, fallback: Tz) -> Vec<Span> {
    let tz: Tz = time_zone.parse().unwrap_or(fallback);
    let rule = rrule.and_then(|r| Recurrence::parse_rrule(r).ok());
    occurrences(first, tz, rule.as_ref())
}

/// The occurrences of a booking still on, with their index in the series
/// (stable when others are cancelled: calendar feeds key events on it).
fn expand(row: &BookedRow, fallback: Tz) -> Vec<(usize, Span)> {
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
fn occurrences_within(
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

impl App {
    /// The organisation's time zone and working hours.
    pub async fn working_hours(&self, actor: &Actor) -> Result<WorkingHours, AppError> {
        self.hours_of(actor.org_id).await
    }

    pub(crate) async fn hours_of(&self, org_id: domain::OrgId) -> Result<WorkingHours, AppError> {
        let row = organisation::working_hours(&self.db, org_id).await?.ok_or(AppError::NotFound)?;
        Ok(WorkingHours::parse(&row.time_zone, &row.work_opens, &row.work_closes, &row.work_days)
            .unwrap_or_default())
    }

    /// What the page where administrators shape the agenda shows: the
    /// working hours and the interaction natures and statuses.
    pub async fn agenda_settings(
        &self,
        actor: &Actor,
    ) -> Result<(WorkingHours, Vec<StatusView>, Vec<StatusView>), AppError> {
        actor.require_change(Permission::Administer)?;
        Ok((
            self.working_hours(actor).await?,
            self.interaction_options(actor, InteractionList::Nature).await?,
            self.interaction_options(actor, InteractionList::Status).await?,
        ))
    }

    pub async fn set_working_hours(
        &self,
        actor: &Actor,
        time_zone: &str,
        opens: &str,
        closes: &str,
        days: &str,
    ) -> Result<WorkingHours, AppError> {
        actor.require_change(Permission::Administer)?;
        let hours = WorkingHours::parse(time_zone, opens, closes, days)
            .map_err(|(field, message)| ValidationErrors::single(field, message))?;
        let row = organisation::WorkingHoursRow {
            time_zone: hours.time_zone.name().to_string(),
            work_opens: hours.opens.format("%H:%M").to_string(),
            work_closes: hours.closes.format("%H:%M").to_string(),
            work_days: hours.days_text(),
        };
        let mut change = self.change(actor).await?;
        organisation::set_working_hours(&mut change.tx, actor.org_id, &row).await?;
        change.audit(AuditAction::Update, AuditEntity::WorkingHours, None, None, Some(serde_json::json!({ "time_zone": row.time_zone, "opens": row.work_opens, "closes": row.work_closes, "days": row.work_days }))).await?;
        change.commit().await?;
        Ok(hours)
    }

    /// The users whose agendas the actor may see: as far as his read reach
    /// goes (his own, his branch's, everyone's), himself always.
    pub async fn agenda_users(&self, actor: &Actor) -> Result<Vec<AgendaUser>, AppError> {
        let reach = actor.read_scope().reach;
        Ok(user::list(&self.db, actor.org_id)
            .await?
            .into_iter()
            .filter(|u| u.active)
            .filter(|u| u.id == actor.user_id.0 || reaches_agenda(reach, u.id, u.branch_id))
            .map(|u| AgendaUser { id: u.id, name: u.display_name, branch_id: u.branch_id })
            .collect())
    }

    /// `wanted` narrowed to the users the actor may see; any other is refused.
    async fn visible_users(&self, actor: &Actor, wanted: &[UserId]) -> Result<Vec<AgendaUser>, AppError> {
        let visible = self.agenda_users(actor).await?;
        if wanted.is_empty() {
            return Ok(visible.into_iter().filter(|u| u.id == actor.user_id.0).collect());
        }
        let mut chosen = Vec::new();
        for id in wanted {
            match visible.iter().find(|u| u.id == id.0) {
                Some(u) => chosen.push(u.clone()),
                None => return Err(AppError::Forbidden),
            }
        }
        Ok(chosen)
    }

    /// Books an appointment. Double bookings are reported, not refused: a
    /// seller may well take a call during a meeting.
    #[tracing::instrument(skip_all)]
    pub async fn book_appointment(
        &self,
        actor: &Actor,
        draft: &AppointmentDraft,
    ) -> Result<BookedAppointment, AppError> {
        let prepared = self.prepare_booking(actor, draft, None).await?;
        let (valid, party, user_ids) = (&prepared.valid, prepared.party, &prepared.user_ids);
        let mut change = self.change(actor).await?;
        let at = change.at;
        let new = prepared.row(actor);
        let id = repo::insert(&mut change.tx, &new, at).await?;
        if let Some(party) = party {
            change
                .history(
                    party,
                    Event::new(
                        EventKind::Appointment,
                        "timeline-appointment-booked",
                        valid.title.clone(),
                        Some(id.0),
                    ),
                )
                .await?;
        }
        change.audit(AuditAction::Create, AuditEntity::Appointment, Some(id.to_string()), None, Some(serde_json::json!({ "title": valid.title, "starts_at": valid.first.starts_at, "users": user_ids.iter().map(|u| u.0).collect::<Vec<_>>(), "rrule": new.rrule }))).await?;
        change.commit().await?;
        let appointment = self.appointment(actor, id).await?;
        Ok(BookedAppointment { appointment, double_bookings: prepared.double_bookings })
    }

    /// Checks a booking (or a new version of one) and finds who it would
    /// double-book; `except` is the appointment being changed.
    async fn prepare_booking(
        &self,
        actor: &Actor,
        draft: &AppointmentDraft,
        except: Option<Uuid>,
    ) -> Result<Prepared, AppError> {
        actor.require_own_change()?;
        let hours = self.working_hours(actor).await?;
        let valid = draft.validate(hours.time_zone)?;
        let party = draft.party_id.map(PartyId);
        if let Some(party) = party {
            self.guard_party(actor, party, Some(Permission::PartiesEdit)).await?;
        }
        let vehicle = match draft.vehicle_id {
            None => None,
            Some(id) => match vehicle::get(&self.db, actor.org_id, VehicleId(id)).await? {
                Some(v) if Some(v.party_id) == draft.party_id => Some(VehicleId(v.id)),
                _ => return Err(ValidationErrors::single("vehicle_id", "error-vehicle-not-of-party").into()),
            },
        };
        let interaction = match draft.interaction_id {
            None => None,
            Some(id) => match interaction::get(&self.db, actor.org_id, InteractionId(id)).await? {
                Some(i) if Some(i.party_id) == draft.party_id => Some(InteractionId(i.id)),
                _ => {
                    return Err(
                        ValidationErrors::single("interaction_id", "error-interaction-not-of-party").into()
                    );
                }
            },
        };
        let wanted: Vec<UserId> = draft.user_ids.iter().map(|u| UserId(*u)).collect();
        if wanted.len() > 50 {
            return Err(ValidationErrors::single("user_ids", "error-too-many-users").into());
        }
        let users = self.visible_users(actor, &wanted).await.map_err(|e| match e {
            AppError::Forbidden => ValidationErrors::single("user_ids", "error-user-out-of-reach").into(),
            other => other,
        })?;
        let user_ids: Vec<UserId> = users.iter().map(|u| UserId(u.id)).collect();
        let spans = occurrences(valid.first, hours.time_zone, valid.recurrence.as_ref());
        let last_ends_at = spans.last().map_or(valid.first.ends_at, |s| s.ends_at);
        let double_bookings = self.double_bookings(actor, &users, &spans, hours.time_zone, except).await?;
        Ok(Prepared { hours, last_ends_at, valid, party, vehicle, interaction, user_ids, double_bookings })
    }

    async fn double_bookings(
        &self,
        actor: &Actor,
        users: &[AgendaUser],
        spans: &[Span],
        tz: Tz,
        except: Option<Uuid>,
    ) -> Result<Vec<DoubleBooking>, AppError> {
        let (Some(first), Some(last)) = (spans.first(), spans.last()) else { return Ok(Vec::new()) };
        let ids: Vec<UserId> = users.iter().map(|u| UserId(u.id)).collect();
        let booked =
            repo::of_users(&self.db, actor.org_id, &ids, first.starts_at, last.ends_at, false).await?;
        let mut found: Vec<DoubleBooking> = Vec::new();
        for row in booked.into_iter().filter(|r| Some(r.id) != except) {
            let user_id = row.user_id;
            let clash = expand(&row, tz)
                .into_iter()
                .map(|(_, old)| old)
                .find(|old| spans.iter().any(|new| new.overlaps(old)));
            if let Some(clash) = clash {
                if !found.iter().any(|f| f.user_id == user_id && f.appointment_id == row.id) {
                    found.push(DoubleBooking {
                        user_id,
                        user_name: users
                            .iter()
                            .find(|u| u.id == user_id)
                            .map(|u| u.name.clone())
                            .unwrap_or_default(),
                        appointment_id: row.id,
                        title: row.title.clone(),
                        starts_at: clash.starts_at,
                    });
                }
            }
        }
        Ok(found)
    }

    /// An appointment: for its users, those who may see their agendas, and
    /// those who may open its party.
    pub async fn appointment(&self, actor: &Actor, id: AppointmentId) -> Result<AppointmentView, AppError> {
        let row = repo::get(&self.db, actor.org_id, id).await?.ok_or(AppError::NotFound)?;
        let users = self.attendees(actor, &[row.id]).await?.remove(&row.id).unwrap_or_default();
        self.may_see_appointment(actor, &row, &users).await?;
        Ok(AppointmentView::from_row(row, users))
    }

    async fn may_see_appointment(
        &self,
        actor: &Actor,
        row: &AppointmentRow,
        users: &[UserRef],
    ) -> Result<(), AppError> {
        let visible = self.agenda_users(actor).await?;
        if users.iter().any(|u| visible.iter().any(|v| v.id == u.id)) {
            return Ok(());
        }
        match row.party_id {
            Some(party) => self.guard_party(actor, PartyId(party), None).await,
            None => Err(AppError::NotFound),
        }
    }

    async fn attendees(&self, actor: &Actor, ids: &[Uuid]) -> Result<BTreeMap<Uuid, Vec<UserRef>>, AppError> {
        let mut by_appointment: BTreeMap<Uuid, Vec<UserRef>> = BTreeMap::new();
        for (appointment, id, name) in repo::users_of(&self.db, actor.org_id, ids).await? {
            by_appointment.entry(appointment).or_default().push(UserRef { id, name });
        }
        Ok(by_appointment)
    }

    /// An appointment the actor may change: one of its users, or allowed to
    /// change its party, or whose users' agendas are all within his write
    /// reach. A cancelled one is kept as it was.
    /// The refusal of a change made on an old version: who changed it since, and when.
    async fn stale(&self, actor: &Actor, id: AppointmentId) -> AppError {
        match self.appointment(actor, id).await {
            Ok(current) => AppError::Conflict { by: current.updated_by, at: current.updated_at },
            Err(error) => error,
        }
    }

    async fn changeable_appointment(
        &self,
        actor: &Actor,
        id: AppointmentId,
    ) -> Result<AppointmentView, AppError> {
        let before = self.appointment(actor, id).await?;
        actor.require_own_change()?;
        let write = actor.write_reach();
        let own = before.users.iter().any(|u| u.id == actor.user_id.0);
        let party_ok = match before.party_id {
            Some(party) => {
                self.guard_party(actor, PartyId(party), Some(Permission::PartiesEdit)).await.is_ok()
            }
            None => false,
        };
        let users = user::list(&self.db, actor.org_id).await?;
        let all_in_reach = before
            .users
            .iter()
            .all(|u| users.iter().any(|row| row.id == u.id && reaches_agenda(write, row.id, row.branch_id)));
        if !(own || party_ok || all_in_reach) {
            return Err(AppError::Forbidden);
        }
        if before.cancelled_at.is_some() {
            return Err(ValidationErrors::single("id", "error-appointment-cancelled").into());
        }
        Ok(before)
    }

    /// Moves or changes an appointment (a series as a whole): its party,
    /// vehicle and interaction stay; double bookings are reported as when
    /// booking.
    #[tracing::instrument(skip_all)]
    pub async fn reschedule_appointment(
        &self,
        actor: &Actor,
        id: AppointmentId,
        version: i64,
        draft: &AppointmentDraft,
    ) -> Result<BookedAppointment, AppError> {
        let before = self.changeable_appointment(actor, id).await?;
        let draft = AppointmentDraft {
            party_id: before.party_id,
            vehicle_id: before.vehicle_id,
            interaction_id: before.interaction_id,
            ..draft.clone()
        };
        let prepared = self.prepare_booking(actor, &draft, Some(id.0)).await?;
        let (valid, party, user_ids) = (&prepared.valid, prepared.party, &prepared.user_ids);
        let mut change = self.change(actor).await?;
        let at = change.at;
        // The party, vehicle and interaction were carried over above; an
        // update does not write them.
        let row = prepared.row(actor);
        // Occurrences cancelled alone stay cancelled while the series starts
        // as before; a moved series has other occurrences.
        let same_series = before.starts_at == valid.first.starts_at && before.rrule == row.rrule;
        let exdates = if same_series {
            let (_, cancelled) = before.series();
            cancelled.to_exdate()
        } else {
            None
        };
        if !repo::update(&mut change.tx, id, version, &row, exdates.as_deref(), at).await? {
            drop(change);
            return Err(self.stale(actor, id).await);
        }
        if let Some(party) = party {
            let event = Event::new(
                EventKind::Appointment,
                "timeline-appointment-moved",
                valid.title.clone(),
                Some(id.0),
            );
            change.history(party, event).await?;
        }
        change.audit(AuditAction::Update, AuditEntity::Appointment, Some(id.to_string()), Some(serde_json::json!({ "starts_at": before.starts_at, "rrule": before.rrule, "version": version })), Some(serde_json::json!({ "starts_at": valid.first.starts_at, "rrule": row.rrule, "users": user_ids.iter().map(|u| u.0).collect::<Vec<_>>() })))
        .await?;
        change.commit().await?;
        let appointment = self.appointment(actor, id).await?;
        Ok(BookedAppointment { appointment, double_bookings: prepared.double_bookings })
    }

    /// Cancels one occurrence of a series, the one starting at `starts_at`;
    /// the others stay. The last one left is cancelled with the appointment.
    #[tracing::instrument(skip_all)]
    pub async fn cancel_occurrence(
        &self,
        actor: &Actor,
        id: AppointmentId,
        version: i64,
        starts_at: DateTime<Utc>,
    ) -> Result<AppointmentView, AppError> {
        let before = self.changeable_appointment(actor, id).await?;
        let (series, mut cancelled) = before.series();
        cancelled
            .cancel(&series, starts_at)
            .map_err(|message| ValidationErrors::single("starts_at", message))?;
        let mut change = self.change(actor).await?;
        let at = change.at;
        let exdates = cancelled.to_exdate();
        if !repo::set_exdates(
            &mut change.tx,
            actor.org_id,
            id,
            version,
            exdates.as_deref(),
            &actor.display_name,
            at,
        )
        .await?
        {
            drop(change);
            return Err(self.stale(actor, id).await);
        }
        if let Some(party) = before.party_id {
            let event = Event::new(
                EventKind::Appointment,
                "timeline-appointment-occurrence-cancelled",
                before.title.clone(),
                Some(id.0),
            );
            change.history(PartyId(party), event).await?;
        }
        change
            .audit(
                AuditAction::Update,
                AuditEntity::Appointment,
                Some(id.to_string()),
                Some(serde_json::json!({ "version": version })),
                Some(serde_json::json!({ "cancelled_occurrence": starts_at })),
            )
            .await?;
        change.commit().await?;
        self.appointment(actor, id).await
    }

    /// Cancels an appointment (all of a series); it stays, marked, in the
    /// list of cancelled appointments [agendamentos excluídos].
    #[tracing::instrument(skip_all)]
    pub async fn cancel_appointment(
        &self,
        actor: &Actor,
        id: AppointmentId,
        version: i64,
    ) -> Result<AppointmentView, AppError> {
        let before = self.changeable_appointment(actor, id).await?;
        let mut change = self.change(actor).await?;
        let at = change.at;
        if !repo::cancel(&mut change.tx, actor.org_id, id, version, &actor.display_name, at).await? {
            drop(change);
            return Err(self.stale(actor, id).await);
        }
        if let Some(party) = before.party_id {
            change
                .history(
                    PartyId(party),
                    Event::new(
                        EventKind::Appointment,
                        "timeline-appointment-cancelled",
                        before.title.clone(),
                        Some(id.0),
                    ),
                )
                .await?;
        }
        change
            .audit(
                AuditAction::Delete,
                AuditEntity::Appointment,
                Some(id.to_string()),
                Some(serde_json::json!({ "title": before.title, "version": version })),
                None,
            )
            .await?;
        change.commit().await?;
        self.appointment(actor, id).await
    }

    /// A party's appointments, newest first, cancelled ones included.
    pub async fn appointments_of(
        &self,
        actor: &Actor,
        party: PartyId,
    ) -> Result<Vec<AppointmentView>, AppError> {
        self.guard_party(actor, party, None).await?;
        let rows = repo::of_party(&self.db, actor.org_id, party, 100).await?;
        let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
        let mut users = self.attendees(actor, &ids).await?;
        Ok(rows
            .into_iter()
            .map(|row| {
                let attendees = users.remove(&row.id).unwrap_or_default();
                AppointmentView::from_row(row, attendees)
            })
            .collect())
    }

    /// The occurrences in these users' agendas from `from` to `to`
    /// (exclusive), local days; the actor's own when `users` is empty.
    /// `cancelled` lists the cancelled appointments instead.
    #[tracing::instrument(skip_all)]
    pub async fn agenda(
        &self,
        actor: &Actor,
        users: &[UserId],
        from: NaiveDate,
        to: NaiveDate,
        cancelled: bool,
    ) -> Result<Vec<OccurrenceView>, AppError> {
        let hours = self.working_hours(actor).await?;
        let window = period(&hours, from, to)?;
        let users = self.visible_users(actor, users).await?;
        self.booked_within(actor, &hours, &users, window, cancelled).await
    }

    /// The occurrences in these (already permitted) users' agendas.
    async fn booked_within(
        &self,
        actor: &Actor,
        hours: &WorkingHours,
        users: &[AgendaUser],
        window: Span,
        cancelled: bool,
    ) -> Result<Vec<OccurrenceView>, AppError> {
        let ids: Vec<UserId> = users.iter().map(|u| UserId(u.id)).collect();
        let rows =
            repo::of_users(&self.db, actor.org_id, &ids, window.starts_at, window.ends_at, cancelled).await?;
        let mut out: Vec<OccurrenceView> = occurrences_within(&rows, hours.time_zone, window)
            .map(|(row, index, span, recurring)| OccurrenceView {
                appointment_id: row.id,
                index,
                user_id: row.user_id,
                starts_at: span.starts_at,
                ends_at: span.ends_at,
                title: row.title.clone(),
                kind: row.kind.clone(),
                place: row.place.clone(),
                party_id: row.party_id,
                party_name: row.party_name.clone(),
                recurring,
                cancelled: row.cancelled,
            })
            .collect();
        out.sort_by(|a, b| a.starts_at.cmp(&b.starts_at).then(a.user_id.cmp(&b.user_id)));
        Ok(out)
    }

    /// For each user and each day of the period: free, partly free, busy
    /// or closed, against the organisation's working hours.
    pub async fn free_days(
        &self,
        actor: &Actor,
        users: &[UserId],
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<FreeDaysView>, AppError> {
        let hours = self.working_hours(actor).await?;
        let window = period(&hours, from, to)?;
        let users = self.visible_users(actor, users).await?;
        let occurrences = self.booked_within(actor, &hours, &users, window, false).await?;
        Ok(users
            .into_iter()
            .map(|u| {
                let booked: Vec<Span> = occurrences
                    .iter()
                    .filter(|o| o.user_id == u.id)
                    .map(|o| Span { starts_at: o.starts_at, ends_at: o.ends_at })
                    .collect();
                let days = from
                    .iter_days()
                    .take_while(|d| *d < to)
                    .map(|day| DayView { day, availability: availability(&hours, day, &booked) })
                    .collect();
                FreeDaysView { user: UserRef { id: u.id, name: u.name }, days }
            })
            .collect())
    }

    /// A new secret address for the actor's calendar feed; the old one
    /// stops working. Shown once: only its digest is kept.
    pub async fn rotate_calendar_feed(&self, actor: &Actor) -> Result<String, AppError> {
        actor.require_own_change()?;
        let secret = random_token();
        let mut change = self.change(actor).await?;
        repo::set_feed(&mut change.tx, actor.org_id, actor.user_id, &digest(&secret), self.now()).await?;
        change
            .audit(
                AuditAction::Update,
                AuditEntity::CalendarFeed,
                Some(actor.user_id.to_string()),
                None,
                None,
            )
            .await?;
        change.commit().await?;
        Ok(secret)
    }

    /// When the actor's feed address was made, if he has one.
    pub async fn calendar_feed_since(&self, actor: &Actor) -> Result<Option<DateTime<Utc>>, AppError> {
        Ok(repo::feed_created(&self.db, actor.user_id).await?)
    }

    /// The iCalendar text behind a feed secret: that user's appointments
    /// only, from two months back to a year ahead. `None` for an unknown
    /// or rotated secret, or a user no longer active.
    pub async fn calendar_feed(&self, secret: &str) -> Result<Option<String>, AppError> {
        let Some((org_id, user_id)) = repo::feed_owner(&self.db, &digest(secret)).await? else {
            return Ok(None);
        };
        let org_id = domain::OrgId(org_id);
        let Some(owner) = user::get(&self.db, org_id, UserId(user_id)).await?.filter(|u| u.active) else {
            return Ok(None);
        };
        let tz = self.hours_of(org_id).await?.time_zone;
        let today = self.now();
        let window = Span {
            starts_at: today - Duration::days(FEED_PAST_DAYS),
            ends_at: today + Duration::days(FEED_FUTURE_DAYS),
        };
        let rows =
            repo::of_users(&self.db, org_id, &[UserId(user_id)], window.starts_at, window.ends_at, false)
                .await?;
        let mut events: Vec<render::ical::FeedEvent> = occurrences_within(&rows, tz, window)
            .map(|(row, index, span, _)| {
                let description = match &row.party_name {
                    Some(party) => format!("{party}\n{}", row.notes).trim().to_string(),
                    None => row.notes.clone(),
                };
                render::ical::FeedEvent {
                    uid: format!("{}-{index}@vinculo", row.id),
                    starts_at: span.starts_at,
                    ends_at: span.ends_at,
                    summary: row.title.clone(),
                    location: row.place.clone(),
                    description,
                    updated_at: row.created_at,
                }
            })
            .collect();
        events.sort_by_key(|e| e.starts_at);
        Ok(Some(render::ical::feed(&format!("Vínculo · {}", owner.display_name), &events)))
    }
}

/// Whether a reach (to read or to change) covers a user's agenda: it is
/// his own portfolio, in his branch.
fn reaches_agenda(reach: Reach, user: Uuid, branch: Option<Uuid>) -> bool {
    reach.covers(Portfolio { owner: Some(UserId(user)), branch: branch.map(domain::BranchId) })
}

/// Local days `from`..`to` as instants; refused when reversed or too long.
fn period(hours: &WorkingHours, from: NaiveDate, to: NaiveDate) -> Result<Span, AppError> {
    if to <= from {
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
