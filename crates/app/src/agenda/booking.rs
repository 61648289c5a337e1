//! Booking, reading, rescheduling and cancelling appointments (one
//! occurrence of a series, or all), with double-booking warnings.
use super::{
    AgendaUser, AppointmentView, BookedAppointment, DoubleBooking, MovedOccurrence, Prepared, UserRef,
    expand, reaches_agenda,
};
use crate::Agenda;
use crate::{Actor, AppError};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use db::repo::appointment as repo;
use db::repo::appointment::AppointmentRow;
use db::repo::{interaction, user, vehicle};
use domain::access::Permission;
use domain::appointment::{AppointmentDraft, Span, occurrences};
use domain::audit::AuditEntity;
use domain::timeline::{Event, EventKind};
use domain::{AppointmentId, InteractionId, PartyId, SalesContactId, UserId, ValidationErrors, VehicleId};
use std::collections::BTreeMap;
use uuid::Uuid;

impl Agenda<'_> {
    /// Books an appointment. Double bookings are reported, not refused: a
    /// seller may well take a call during a meeting.
    #[tracing::instrument(skip_all)]
    pub async fn book_appointment(
        &self,
        actor: &Actor,
        draft: &AppointmentDraft,
    ) -> Result<BookedAppointment, AppError> {
        let prepared = self.prepare_booking(actor, draft, None).await?;
        let mut change = self.change(actor).await?;
        let id = prepared.write(&mut change, actor).await?;
        change.commit().await?;
        let appointment = self.appointment(actor, id).await?;
        Ok(BookedAppointment { appointment, double_bookings: prepared.double_bookings })
    }

    /// Checks a booking (or a new version of one) and finds who it would
    /// double-book; `except` is the appointment being changed.
    pub(crate) async fn prepare_booking(
        &self,
        actor: &Actor,
        draft: &AppointmentDraft,
        except: Option<Uuid>,
    ) -> Result<Prepared, AppError> {
        if let Some(party) = draft.party_id {
            self.access().guard_party(actor, PartyId(party), Some(Permission::PartiesEdit)).await?;
        }
        self.prepare_reached(actor, draft, except).await
    }

    /// [`Agenda::prepare_booking`] for a party the caller has reached by
    /// another right (telemarketing books its call back on any customer
    /// it may call, not only those it may edit).
    pub(crate) async fn prepare_reached(
        &self,
        actor: &Actor,
        draft: &AppointmentDraft,
        except: Option<Uuid>,
    ) -> Result<Prepared, AppError> {
        actor.require_own_change()?;
        let hours = self.working_hours(actor).await?;
        let valid = draft.validate(hours.time_zone)?;
        let party = draft.party_id.map(PartyId);
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
        let sales_contact = match draft.sales_contact_id {
            None => None,
            Some(id) => {
                match db::repo::follow_up::contact::get(&self.db, actor.org_id, SalesContactId(id)).await? {
                    Some(c) if Some(c.party_id) == draft.party_id => Some(SalesContactId(c.id)),
                    _ => {
                        return Err(ValidationErrors::single(
                            "sales_contact_id",
                            "error-sales-contact-not-of-party",
                        )
                        .into());
                    }
                }
            }
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
        Ok(Prepared {
            hours,
            last_ends_at,
            valid,
            party,
            vehicle,
            interaction,
            sales_contact,
            user_ids,
            double_bookings,
        })
    }

    pub(crate) async fn double_bookings(
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

    pub(crate) async fn may_see_appointment(
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
            Some(party) => self.access().guard_party(actor, PartyId(party), None).await.map(|_| ()),
            None => Err(AppError::NotFound),
        }
    }

    pub(crate) async fn attendees(
        &self,
        actor: &Actor,
        ids: &[Uuid],
    ) -> Result<BTreeMap<Uuid, Vec<UserRef>>, AppError> {
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
    pub(crate) async fn stale(&self, actor: &Actor, id: AppointmentId) -> AppError {
        match self.appointment(actor, id).await {
            Ok(current) => AppError::Conflict { by: current.updated_by, at: current.updated_at },
            Err(error) => error,
        }
    }

    pub(crate) async fn changeable_appointment(
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
                self.access().guard_party(actor, PartyId(party), Some(Permission::PartiesEdit)).await.is_ok()
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
            sales_contact_id: before.sales_contact_id,
            ..draft.clone()
        };
        let prepared = self.prepare_booking(actor, &draft, Some(id.0)).await?;
        let (valid, party, user_ids) = (&prepared.valid, prepared.party, &prepared.user_ids);
        let mut change = self.change(actor).await?;
        let at = change.at;
        // The party, vehicle and interaction were carried over above; an
        // update does not write them.
        let row = prepared.row(actor);
        // Occurrences cancelled alone stay cancelled, moving with the series
        // under the same rule; a new rule is a new series.
        let exdates = if before.rrule == row.rrule {
            let (series, cancelled) = before.series();
            let moved = occurrences(valid.first, prepared.hours.time_zone, valid.recurrence.as_ref());
            cancelled.carried(&series, &moved).to_exdate()
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
        change.audit_changed(AuditEntity::Appointment, id, serde_json::json!({ "starts_at": before.starts_at, "rrule": before.rrule, "version": version }), serde_json::json!({ "starts_at": valid.first.starts_at, "rrule": row.rrule, "users": user_ids.iter().map(|u| u.0).collect::<Vec<_>>() }))
        .await?;
        change.commit().await?;
        let appointment = self.appointment(actor, id).await?;
        Ok(BookedAppointment { appointment, double_bookings: prepared.double_bookings })
    }

    /// Moves or stretches one occurrence on the agenda grid: the occurrence
    /// that started at `occurrence` now runs `to`. A series moves as a
    /// whole by the same shift (its occurrences are not stored apart).
    #[tracing::instrument(skip_all)]
    pub async fn move_occurrence(
        &self,
        actor: &Actor,
        id: AppointmentId,
        version: i64,
        occurrence: DateTime<Utc>,
        to: Span,
    ) -> Result<MovedOccurrence, AppError> {
        let before = self.changeable_appointment(actor, id).await?;
        // Changed since the grid was drawn: its occurrences may be elsewhere
        // now, and who changed it says more than "no such occurrence".
        if before.version != version {
            return Err(self.stale(actor, id).await);
        }
        let Some(was) = before.occurrences().into_iter().find(|span| span.starts_at == occurrence) else {
            return Err(ValidationErrors::single("occurrence", "error-occurrence-unknown").into());
        };
        if to.ends_at <= to.starts_at {
            return Err(ValidationErrors::single("ends_at", "error-ends-before-start").into());
        }
        let hours = self.working_hours(actor).await?;
        let draft = before.draft_moved(hours.time_zone, to.starts_at - occurrence, to.ends_at - to.starts_at);
        let booked = self.reschedule_appointment(actor, id, version, &draft).await?;
        Ok(MovedOccurrence { booked, was, now: to })
    }

    /// Who a booking would double-book, before it is saved: the form warns
    /// as the times and users change. `except` is the appointment edited.
    pub async fn clashes(
        &self,
        actor: &Actor,
        draft: &AppointmentDraft,
        except: Option<AppointmentId>,
    ) -> Result<Vec<DoubleBooking>, AppError> {
        Ok(self.prepare_booking(actor, draft, except.map(|id| id.0)).await?.double_bookings)
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
            .audit_changed(
                AuditEntity::Appointment,
                id,
                serde_json::json!({ "version": version }),
                serde_json::json!({ "cancelled_occurrence": starts_at }),
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
            .audit_deleted(
                AuditEntity::Appointment,
                id,
                serde_json::json!({ "title": before.title, "version": version }),
            )
            .await?;
        change.commit().await?;
        self.appointment(actor, id).await
    }
}
