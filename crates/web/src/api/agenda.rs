//! Appointments [agendamentos], agendas, free days [dias livres], the
//! calendar feed and the organisation's working hours.
use super::responses::{Conflict, Forbidden, Invalid, NotFound};
use super::{code, public_all};
use crate::AppState;
use crate::error::ApiResult;
use crate::error::Error;
use crate::extract::{Api, ApiJson, Id, Query};
use axum::Router;
use axum::http::StatusCode;
use axum::response::Json;
use axum::routing;
use chrono::{DateTime, NaiveDate, Utc};
use domain::agenda::DayAvailability;
use domain::appointment::AppointmentDraft;
use domain::appointment::AppointmentKind;
use domain::{AppointmentId, PartyId, UserId, ValidationErrors};
use serde::{Deserialize, Serialize};
use utoipa::OpenApi;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/parties/{id}/appointments", routing::get(of_party))
        .route("/appointments", routing::post(book))
        .route("/appointments/{id}", routing::get(get).put(reschedule))
        .route("/appointments/{id}/cancel", routing::post(cancel))
        .route("/appointments/{id}/occurrences/cancel", routing::post(cancel_occurrence))
        .route("/agenda", routing::get(agenda))
        .route("/agenda/free-days", routing::get(free_days))
        .route("/agenda/users", routing::get(users))
        .route("/me/calendar-feed", routing::post(rotate_feed))
        .route("/working-hours", routing::get(working_hours).put(set_working_hours))
}

#[derive(OpenApi)]
#[openapi(paths(
    book,
    get,
    reschedule,
    cancel,
    cancel_occurrence,
    of_party,
    agenda,
    free_days,
    users,
    rotate_feed,
    working_hours,
    set_working_hours
))]
pub struct Doc;

/// Books an appointment. Times are local to the organisation's time zone.
/// Users already booked at that time come back in `double_bookings`.
#[utoipa::path(post, path = "/api/v1/appointments", tag = "agenda", security(("bearer" = [])), request_body = AppointmentDraft,
    responses((status = 201, body = BookedAppointment), Forbidden, NotFound))]
pub async fn book(
    Api { state, actor }: Api,
    ApiJson(draft): ApiJson<AppointmentDraft>,
) -> ApiResult<(StatusCode, Json<BookedAppointment>)> {
    let booked = state.app.agenda().book_appointment(&actor, &draft).await?;
    Ok((StatusCode::CREATED, Json(booked.try_into()?)))
}

#[utoipa::path(get, path = "/api/v1/appointments/{id}", tag = "agenda", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = Appointment)))]
pub async fn get(Api { state, actor }: Api, Id(id): Id<AppointmentId>) -> ApiResult<Json<Appointment>> {
    Ok(Json(state.app.agenda().appointment(&actor, id).await?.try_into()?))
}

#[derive(Deserialize, ToSchema)]
pub struct AppointmentUpdate {
    /// The version the change is based on; a stale one gets `409 conflict`.
    pub version: i64,
    /// Times, subject, place, users and recurrence; the party, vehicle and
    /// interaction stay as booked.
    #[serde(flatten)]
    pub draft: AppointmentDraft,
}

/// Moves or changes an appointment (a whole series).
#[utoipa::path(put, path = "/api/v1/appointments/{id}", tag = "agenda", security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = AppointmentUpdate,
    responses((status = 200, body = BookedAppointment), Forbidden, Conflict))]
pub async fn reschedule(
    Api { state, actor }: Api,
    Id(id): Id<AppointmentId>,
    ApiJson(body): ApiJson<AppointmentUpdate>,
) -> ApiResult<Json<BookedAppointment>> {
    let moved = state.app.agenda().reschedule_appointment(&actor, id, body.version, &body.draft).await?;
    Ok(Json(moved.try_into()?))
}

#[derive(Deserialize, ToSchema)]
pub struct CancelRequest {
    pub version: i64,
}

/// Cancels an appointment (a whole series); it stays listed as cancelled.
#[utoipa::path(post, path = "/api/v1/appointments/{id}/cancel", tag = "agenda", security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = CancelRequest,
    responses((status = 200, body = Appointment), Forbidden, Conflict))]
pub async fn cancel(
    Api { state, actor }: Api,
    Id(id): Id<AppointmentId>,
    ApiJson(body): ApiJson<CancelRequest>,
) -> ApiResult<Json<Appointment>> {
    Ok(Json(state.app.agenda().cancel_appointment(&actor, id, body.version).await?.try_into()?))
}

#[derive(Deserialize, ToSchema)]
pub struct CancelOccurrenceRequest {
    pub version: i64,
    /// The start of the occurrence, as the agenda lists it.
    pub starts_at: DateTime<Utc>,
}

/// Cancels one occurrence of a recurring appointment; the others stay.
#[utoipa::path(post, path = "/api/v1/appointments/{id}/occurrences/cancel", tag = "agenda", security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = CancelOccurrenceRequest,
    responses((status = 200, body = Appointment), Forbidden, Conflict))]
pub async fn cancel_occurrence(
    Api { state, actor }: Api,
    Id(id): Id<AppointmentId>,
    ApiJson(body): ApiJson<CancelOccurrenceRequest>,
) -> ApiResult<Json<Appointment>> {
    let cancelled = state.app.agenda().cancel_occurrence(&actor, id, body.version, body.starts_at).await;
    Ok(Json(cancelled?.try_into()?))
}

#[utoipa::path(get, path = "/api/v1/parties/{id}/appointments", tag = "agenda", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<Appointment>)))]
pub async fn of_party(Api { state, actor }: Api, Id(id): Id<PartyId>) -> ApiResult<Json<Vec<Appointment>>> {
    Ok(Json(public_all(state.app.agenda().appointments_of(&actor, id).await?)?))
}

#[derive(Deserialize, IntoParams)]
pub struct PeriodParams {
    /// First local day, `YYYY-MM-DD`.
    pub from: NaiveDate,
    /// The day after the last, `YYYY-MM-DD` (at most 62 days after `from`).
    pub to: NaiveDate,
    /// User ids separated by commas; the caller's own agenda when absent.
    pub users: Option<String>,
    /// `true` lists cancelled appointments instead.
    pub cancelled: Option<bool>,
}

fn user_ids(text: Option<&str>) -> ApiResult<Vec<UserId>> {
    text.unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.parse::<UserId>())
        .collect::<Result<_, _>>()
        .map_err(|_| ValidationErrors::single("users", "error-user-unknown").into())
}

/// Occurrences in the users' agendas over the period, series expanded.
#[utoipa::path(get, path = "/api/v1/agenda", tag = "agenda", security(("bearer" = [])), params(PeriodParams),
    responses((status = 200, body = Vec<Occurrence>), Forbidden, Invalid))]
pub async fn agenda(
    Api { state, actor }: Api,
    Query(params): Query<PeriodParams>,
) -> ApiResult<Json<Vec<Occurrence>>> {
    let users = user_ids(params.users.as_deref())?;
    let found = state
        .app
        .agenda()
        .period(&actor, &users, params.from, params.to, params.cancelled.unwrap_or(false))
        .await?;
    Ok(Json(public_all(found)?))
}

/// For each user and day: free, partly free (with the free minutes), busy
/// or closed, against the organisation's working hours.
#[utoipa::path(get, path = "/api/v1/agenda/free-days", tag = "agenda", security(("bearer" = [])), params(PeriodParams),
    responses((status = 200, body = Vec<FreeDays>), Forbidden, Invalid))]
pub async fn free_days(
    Api { state, actor }: Api,
    Query(params): Query<PeriodParams>,
) -> ApiResult<Json<Vec<FreeDays>>> {
    let users = user_ids(params.users.as_deref())?;
    let days = state.app.agenda().free_days(&actor, &users, params.from, params.to).await?;
    Ok(Json(public_all(days)?))
}

/// The users whose agendas the caller may see.
#[utoipa::path(get, path = "/api/v1/agenda/users", tag = "agenda", security(("bearer" = [])),
    responses((status = 200, body = Vec<AgendaUser>)))]
pub async fn users(Api { state, actor }: Api) -> ApiResult<Json<Vec<AgendaUser>>> {
    Ok(Json(public_all(state.app.agenda().agenda_users(&actor).await?)?))
}

#[derive(Serialize, ToSchema)]
pub struct CalendarFeed {
    /// The secret address to subscribe to; shown once.
    pub url: String,
}

/// Gives the caller a new calendar-feed address; the previous one stops working.
#[utoipa::path(post, path = "/api/v1/me/calendar-feed", tag = "agenda", security(("bearer" = [])),
    responses((status = 201, body = CalendarFeed), Forbidden))]
pub async fn rotate_feed(
    Api { state, actor }: Api,
    headers: axum::http::HeaderMap,
) -> ApiResult<(StatusCode, Json<CalendarFeed>)> {
    let secret = state.app.agenda().rotate_calendar_feed(&actor).await?;
    Ok((
        StatusCode::CREATED,
        Json(CalendarFeed { url: crate::links::feed_url(state.public_url.as_deref(), &headers, &secret) }),
    ))
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct WorkingHoursBody {
    /// An IANA zone: `America/Sao_Paulo`, `Europe/Lisbon`.
    pub time_zone: String,
    /// `HH:MM`
    pub opens: String,
    /// `HH:MM`
    pub closes: String,
    /// ISO weekday numbers worked, Monday = 1: `12345`.
    pub days: String,
}

#[utoipa::path(get, path = "/api/v1/working-hours", tag = "agenda", security(("bearer" = [])),
    responses((status = 200, body = WorkingHoursBody)))]
pub async fn working_hours(Api { state, actor }: Api) -> ApiResult<Json<WorkingHoursBody>> {
    let hours = state.app.agenda().working_hours(&actor).await?;
    Ok(Json(WorkingHoursBody {
        time_zone: hours.time_zone.name().to_string(),
        opens: hours.opens.format("%H:%M").to_string(),
        closes: hours.closes.format("%H:%M").to_string(),
        days: hours.days_text(),
    }))
}

/// Sets the organisation's time zone and working hours (administrators).
#[utoipa::path(put, path = "/api/v1/working-hours", tag = "agenda", security(("bearer" = [])), request_body = WorkingHoursBody,
    responses((status = 200, body = WorkingHoursBody), Forbidden))]
pub async fn set_working_hours(
    Api { state, actor }: Api,
    ApiJson(body): ApiJson<WorkingHoursBody>,
) -> ApiResult<Json<WorkingHoursBody>> {
    let hours = state
        .app
        .agenda()
        .set_working_hours(&actor, &body.time_zone, &body.opens, &body.closes, &body.days)
        .await?;
    Ok(Json(WorkingHoursBody {
        time_zone: hours.time_zone.name().to_string(),
        opens: hours.opens.format("%H:%M").to_string(),
        closes: hours.closes.format("%H:%M").to_string(),
        days: hours.days_text(),
    }))
}

// The public JSON of this capability: what the API promises, apart from
// the views the screens use, so a screen can change without changing it.

#[derive(Serialize, ToSchema)]
pub struct UserRef {
    pub id: Uuid,
    pub name: String,
}

impl TryFrom<app::agenda::UserRef> for UserRef {
    type Error = Error;

    fn try_from(view: app::agenda::UserRef) -> Result<Self, Error> {
        Ok(UserRef { id: view.id, name: view.name })
    }
}

#[derive(Serialize, ToSchema)]
#[schema(as = AppointmentView)]
pub struct Appointment {
    pub id: Uuid,
    pub title: String,
    /// `meeting`, `call`, `visit`, `workshop`, `task`
    pub kind: AppointmentKind,
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

impl TryFrom<app::agenda::AppointmentView> for Appointment {
    type Error = Error;

    fn try_from(view: app::agenda::AppointmentView) -> Result<Self, Error> {
        Ok(Appointment {
            id: view.id,
            title: view.title,
            kind: code(&view.kind)?,
            place: view.place,
            notes: view.notes,
            party_id: view.party_id,
            party_name: view.party_name,
            starts_at: view.starts_at,
            ends_at: view.ends_at,
            time_zone: view.time_zone,
            rrule: view.rrule,
            cancelled_occurrences: view.cancelled_occurrences,
            interaction_id: view.interaction_id,
            vehicle_id: view.vehicle_id,
            vehicle_plate: view.vehicle_plate,
            sales_contact_id: view.sales_contact_id,
            users: public_all(view.users)?,
            created_at: view.created_at,
            created_by: view.created_by,
            cancelled_at: view.cancelled_at,
            cancelled_by: view.cancelled_by,
            updated_at: view.updated_at,
            updated_by: view.updated_by,
            version: view.version,
        })
    }
}

/// One occurrence of an appointment in one user's agenda.
#[derive(Serialize, ToSchema)]
#[schema(as = OccurrenceView)]
pub struct Occurrence {
    pub appointment_id: Uuid,
    /// 0 for the first occurrence of a series.
    pub index: usize,
    pub user_id: Uuid,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub title: String,
    pub kind: AppointmentKind,
    pub place: String,
    pub party_id: Option<Uuid>,
    pub party_name: Option<String>,
    pub recurring: bool,
    pub cancelled: bool,
    /// The appointment's version, for `PUT /api/v1/appointments/{id}`.
    pub version: i64,
}

impl TryFrom<app::agenda::OccurrenceView> for Occurrence {
    type Error = Error;

    fn try_from(view: app::agenda::OccurrenceView) -> Result<Self, Error> {
        Ok(Occurrence {
            appointment_id: view.appointment_id,
            index: view.index,
            user_id: view.user_id,
            starts_at: view.starts_at,
            ends_at: view.ends_at,
            title: view.title,
            kind: code(&view.kind)?,
            place: view.place,
            party_id: view.party_id,
            party_name: view.party_name,
            recurring: view.recurring,
            cancelled: view.cancelled,
            version: view.version,
        })
    }
}

/// A user already booked when a new appointment was made.
#[derive(Serialize, ToSchema)]
pub struct DoubleBooking {
    pub user_id: Uuid,
    pub user_name: String,
    pub appointment_id: Uuid,
    pub title: String,
    pub starts_at: DateTime<Utc>,
}

impl TryFrom<app::agenda::DoubleBooking> for DoubleBooking {
    type Error = Error;

    fn try_from(view: app::agenda::DoubleBooking) -> Result<Self, Error> {
        Ok(DoubleBooking {
            user_id: view.user_id,
            user_name: view.user_name,
            appointment_id: view.appointment_id,
            title: view.title,
            starts_at: view.starts_at,
        })
    }
}

#[derive(Serialize, ToSchema)]
pub struct BookedAppointment {
    pub appointment: Appointment,
    /// Users booked elsewhere at the same time: a warning, not a refusal.
    pub double_bookings: Vec<DoubleBooking>,
}

impl TryFrom<app::agenda::BookedAppointment> for BookedAppointment {
    type Error = Error;

    fn try_from(view: app::agenda::BookedAppointment) -> Result<Self, Error> {
        Ok(BookedAppointment {
            appointment: view.appointment.try_into()?,
            double_bookings: public_all(view.double_bookings)?,
        })
    }
}

/// One user's free days [dias livres] over a period.
#[derive(Serialize, ToSchema)]
#[schema(as = FreeDaysView)]
pub struct FreeDays {
    pub user: UserRef,
    pub days: Vec<Day>,
}

impl TryFrom<app::agenda::FreeDaysView> for FreeDays {
    type Error = Error;

    fn try_from(view: app::agenda::FreeDaysView) -> Result<Self, Error> {
        Ok(FreeDays { user: view.user.try_into()?, days: public_all(view.days)? })
    }
}

#[derive(Serialize, ToSchema)]
#[schema(as = DayView)]
pub struct Day {
    pub day: NaiveDate,
    #[schema(value_type = Object)]
    pub availability: DayAvailability,
}

impl TryFrom<app::agenda::DayView> for Day {
    type Error = Error;

    fn try_from(view: app::agenda::DayView) -> Result<Self, Error> {
        Ok(Day { day: view.day, availability: view.availability })
    }
}

/// A user whose agenda the actor may see.
#[derive(Serialize, ToSchema)]
pub struct AgendaUser {
    pub id: Uuid,
    pub name: String,
    pub branch_id: Option<Uuid>,
}

impl TryFrom<app::agenda::AgendaUser> for AgendaUser {
    type Error = Error;

    fn try_from(view: app::agenda::AgendaUser) -> Result<Self, Error> {
        Ok(AgendaUser { id: view.id, name: view.name, branch_id: view.branch_id })
    }
}
