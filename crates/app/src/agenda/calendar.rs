//! Whose agendas a user may open, a period of them, a party's
//! appointments, and free days [dias livres].
use super::{
    AgendaUser, AppointmentView, DayView, FreeDaysView, OccurrenceView, UserRef, occurrences_within, period,
    reaches_agenda,
};
use crate::Agenda;
use crate::access::ReachedParty;
use crate::{Actor, AppError};
use chrono::NaiveDate;
use db::repo::appointment as repo;
use db::repo::user;
use domain::agenda::{WorkingHours, availability};
use domain::appointment::Span;
use domain::{PartyId, UserId};
use uuid::Uuid;

impl Agenda<'_> {
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
    pub(crate) async fn visible_users(
        &self,
        actor: &Actor,
        wanted: &[UserId],
    ) -> Result<Vec<AgendaUser>, AppError> {
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

    /// A party's appointments, newest first, cancelled ones included.
    pub async fn appointments_of(
        &self,
        actor: &Actor,
        party: PartyId,
    ) -> Result<Vec<AppointmentView>, AppError> {
        let party = self.access().guard_party(actor, party, None).await?;
        self.appointments_of_reached(actor, party).await
    }

    pub(crate) async fn appointments_of_reached(
        &self,
        actor: &Actor,
        party: ReachedParty,
    ) -> Result<Vec<AppointmentView>, AppError> {
        let rows = repo::of_party(&self.db, actor.org_id, party.id(), 100).await?;
        self.with_attendees(actor, rows).await
    }

    /// Appointments as read, each with the users booked for it.
    pub(crate) async fn with_attendees(
        &self,
        actor: &Actor,
        rows: Vec<db::repo::appointment::AppointmentRow>,
    ) -> Result<Vec<AppointmentView>, AppError> {
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
    pub async fn period(
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
    pub(crate) async fn booked_within(
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
                version: row.version,
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
}
