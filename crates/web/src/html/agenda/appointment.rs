//! An appointment: booking, its page, rescheduling, cancelling it or one occurrence.
use crate::error::{Error, PageResult};
use crate::extract::{Form, Id, Page, Query, see_other};
use crate::flash::Flash;
use crate::html::components::{
    FieldMessages, FormOutcome, FormValues, Pairs, form_id, local_path, number, value, values,
};
use crate::i18n::Tr;
use crate::layout::{Shell, render_with_status};
use app::AppError;
use app::agenda::{AppointmentView, DoubleBooking};
use askama::Template;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use domain::appointment::{AppointmentDraft, AppointmentKind, Frequency, Span, local_to_utc, parse_local};
use domain::{AppointmentId, ValidationErrors};

#[derive(Template)]
#[template(path = "agenda/appointment_form.html")]
pub(super) struct AppointmentFormPage {
    t: Tr,
    shell: Shell,
    heading: String,
    action: String,
    version: Option<i64>,
    /// The appointment edited: the double-booking warning leaves it out.
    editing: Option<uuid::Uuid>,
    alert: Option<String>,
    zone: String,
    party: Option<(uuid::Uuid, String)>,
    plate: Option<String>,
    back: String,
    form: FormValues,
    errors: FieldMessages,
    kinds: Vec<(String, String)>,
    frequencies: Vec<(String, String)>,
    team: Vec<(String, String)>,
}

/// Which appointment a form changes, with the version it was read at.
pub(super) type Editing = Option<(uuid::Uuid, i64)>;

pub(super) async fn form_page(
    page: &Page,
    form: Pairs,
    error: Option<AppError>,
    editing: Editing,
) -> PageResult {
    let actor = &page.actor;
    let app = page.app();
    let party_id = value(&form, "party_id").parse::<domain::PartyId>().ok();
    let vehicle_id = value(&form, "vehicle_id").parse::<domain::VehicleId>().ok();
    let hours = app.agenda().working_hours(actor).await?;
    let team = app.agenda().agenda_users(actor).await?;
    let party = match party_id {
        Some(id) => Some(app.parties().get_party(actor, id).await?),
        None => None,
    };
    let vehicle = match vehicle_id {
        Some(id) => Some(app.vehicles().vehicle(actor, id).await?),
        None => None,
    };
    let t = page.t;
    let FormOutcome { errors, alert, status } = FormOutcome::of(error, &t)?;
    let back = match (&vehicle, &party, booking_back(&form)) {
        (_, _, Some(agenda)) => agenda,
        (Some(v), _, _) => format!("/vehicles/{}", v.id),
        (None, Some(p), _) => format!("/customers/{}", p.id),
        _ => "/agenda".to_string(),
    };
    let mut frequencies = vec![(String::new(), t.get("appointment-repeat-none"))];
    frequencies.extend(
        Frequency::ALL.iter().map(|f| (f.as_str().to_string(), t.get(&format!("frequency-{}", f.as_str())))),
    );
    Ok(render_with_status(
        status,
        &AppointmentFormPage {
            heading: t.get(if editing.is_some() { "appointment-move" } else { "appointment-new" }),
            action: editing.map_or("/appointments".to_string(), |(id, _)| format!("/appointments/{id}")),
            version: editing.map(|(_, version)| version),
            editing: editing.map(|(id, _)| id),
            alert,
            zone: hours.time_zone.name().to_string(),
            party: party.map(|p| (p.id, p.full_name)),
            plate: vehicle.and_then(|v| v.plate),
            back,
            form: FormValues(form),
            errors,
            kinds: AppointmentKind::ALL
                .iter()
                .map(|k| (k.as_str().to_string(), t.get(&format!("appointment-kind-{}", k.as_str()))))
                .collect(),
            frequencies,
            team: team.into_iter().map(|u| (u.id.to_string(), u.name)).collect(),
            shell: page.shell("agenda"),
            t,
        },
    ))
}

pub async fn new_form(page: Page, Query(query): Query<Pairs>) -> PageResult {
    let actor = &page.actor;
    let hours = page.app().agenda().working_hours(actor).await?;
    let t = page.t;
    let day = NaiveDate::parse_from_str(value(&query, "date"), "%Y-%m-%d")
        .unwrap_or_else(|_| t.local_day(&page.app().now()) + Duration::days(1));
    let starts = day.and_time(hours.opens);
    let kind = match value(&query, "kind") {
        "" => "meeting",
        k => k,
    };
    let mut title = String::new();
    if let Ok(vehicle) = value(&query, "vehicle").parse::<domain::VehicleId>() {
        if let Ok(v) = page.app().vehicles().vehicle(actor, vehicle).await {
            title =
                format!("{} · {}", t.get(&format!("appointment-kind-{kind}")), v.plate.unwrap_or(v.model));
        }
    }
    // A slot of the agenda grid books at its time, for the agenda it is in.
    let starts = match chrono::NaiveTime::parse_from_str(value(&query, "time"), "%H:%M") {
        Ok(time) => day.and_time(time),
        Err(_) => starts,
    };
    let mut users: Vec<String> =
        values(&query, "user").filter(|u| u.parse::<uuid::Uuid>().is_ok()).map(str::to_string).collect();
    if users.is_empty() {
        users.push(actor.user_id.to_string());
    }
    let mut form: Pairs = [
        ("party_id", value(&query, "party").to_string()),
        ("vehicle_id", value(&query, "vehicle").to_string()),
        ("interaction_id", value(&query, "interaction").to_string()),
        ("sales_contact_id", value(&query, "sales_contact").to_string()),
        ("kind", kind.to_string()),
        ("title", title),
        ("starts_at", starts.format("%Y-%m-%dT%H:%M").to_string()),
        ("ends_at", (starts + Duration::hours(1)).format("%Y-%m-%dT%H:%M").to_string()),
        ("back", value(&query, "back").to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    form.extend(users.into_iter().map(|u| ("user_ids".to_string(), u)));
    form_page(&page, form, None, None).await
}

pub(super) fn draft(form: &Pairs) -> (AppointmentDraft, ValidationErrors) {
    let mut errors = ValidationErrors::new();
    let repeat_until = match value(form, "repeat_until").trim() {
        "" => None,
        text => NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map_err(|_| errors.add("repeat_until", "error-date-invalid"))
            .ok(),
    };
    let user_ids = values(form, "user_ids").filter_map(|u| u.parse().ok()).collect();
    let draft = AppointmentDraft {
        title: value(form, "title").to_string(),
        kind: value(form, "kind").to_string(),
        place: value(form, "place").to_string(),
        starts_at: value(form, "starts_at").to_string(),
        ends_at: value(form, "ends_at").to_string(),
        user_ids,
        party_id: form_id(form, "party_id", &mut errors),
        interaction_id: form_id(form, "interaction_id", &mut errors),
        vehicle_id: form_id(form, "vehicle_id", &mut errors),
        sales_contact_id: form_id(form, "sales_contact_id", &mut errors),
        notes: value(form, "notes").to_string(),
        repeat: value(form, "repeat").to_string(),
        repeat_interval: number(form, "repeat_interval", &mut errors),
        repeat_count: number(form, "repeat_count", &mut errors),
        repeat_until,
    };
    (draft, errors)
}

pub async fn book(page: Page, Form(form): Form<Pairs>) -> PageResult {
    let (draft, errors) = draft(&form);
    let result = if errors.is_empty() {
        page.app().agenda().book_appointment(&page.actor, &draft).await
    } else {
        Err(AppError::Validation(errors))
    };
    match result {
        // From a slot of the grid or a sales contact: back to where it started.
        Ok(booked) if booked.double_bookings.is_empty() && booking_back(&form).is_some() => {
            let to = booking_back(&form).unwrap_or_default();
            page.redirect_with(&to, Flash::notice("appointment-booked")).await
        }
        Ok(booked) => {
            let to =
                booking_back(&form).unwrap_or(format!("/appointments/{}?booked=1", booked.appointment.id));
            saved_with_warning(&page, &to, &booked.double_bookings).await
        }
        Err(error) => form_page(&page, form, Some(error), None).await,
    }
}

/// Where a booking started from, when the form says so: a slot of the
/// agenda's grid or a sales contact; never another site's address.
fn booking_back(form: &Pairs) -> Option<String> {
    let back = value(form, "back");
    (back.starts_with("/agenda") || back.starts_with("/sales-contacts/")).then(|| local_path(Some(back)))
}

/// Back to the appointment; a double booking is warned once, on the page
/// the redirect lands on.
pub(super) async fn saved_with_warning(
    page: &Page,
    to: &str,
    double_bookings: &[DoubleBooking],
) -> PageResult {
    if double_bookings.is_empty() {
        return Ok(see_other(to));
    }
    let lines = clash_lines(&page.t, double_bookings);
    page.redirect_with(to, Flash::warning("appointment-double-booked", lines, "double-booking")).await
}

/// Who is double-booked, one line each: "Ana: Visita · 02/03/2027 09:00".
fn clash_lines(t: &Tr, double_bookings: &[DoubleBooking]) -> Vec<String> {
    double_bookings
        .iter()
        .map(|d| format!("{}: {} · {}", d.user_name, d.title, t.datetime(&d.starts_at)))
        .collect()
}

pub async fn edit_form(page: Page, Id(id): Id<AppointmentId>) -> PageResult {
    let actor = &page.actor;
    let a = page.app().agenda().appointment(actor, id).await?;
    let local = |at: &chrono::DateTime<Utc>| page.t.datetime_input(at);
    let rule = a.rrule.as_deref().and_then(|r| domain::appointment::Recurrence::parse_rrule(r).ok());
    let mut form: Pairs = [
        ("party_id", a.party_id.map(|p| p.to_string()).unwrap_or_default()),
        ("vehicle_id", a.vehicle_id.map(|v| v.to_string()).unwrap_or_default()),
        ("interaction_id", a.interaction_id.map(|i| i.to_string()).unwrap_or_default()),
        ("title", a.title.clone()),
        ("kind", a.kind.clone()),
        ("place", a.place.clone()),
        ("notes", a.notes.clone()),
        ("starts_at", local(&a.starts_at)),
        ("ends_at", local(&a.ends_at)),
        ("repeat", rule.map(|r| r.frequency.as_str().to_string()).unwrap_or_default()),
        ("repeat_interval", rule.map(|r| r.interval.to_string()).unwrap_or_default()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    match rule.map(|r| r.end) {
        Some(domain::appointment::RecurrenceEnd::Count(n)) => {
            form.push(("repeat_count".into(), n.to_string()))
        }
        Some(domain::appointment::RecurrenceEnd::Until(day)) => {
            form.push(("repeat_until".into(), day.to_string()))
        }
        None => {}
    }
    form.extend(a.users.iter().map(|u| ("user_ids".to_string(), u.id.to_string())));
    form_page(&page, form, None, Some((a.id, a.version))).await
}

pub async fn reschedule(page: Page, Id(id): Id<AppointmentId>, Form(form): Form<Pairs>) -> PageResult {
    let (draft, mut errors) = draft(&form);
    let version = number::<i64>(&form, "version", &mut errors);
    let result = match (errors.is_empty(), version) {
        (true, Some(version)) => {
            page.app().agenda().reschedule_appointment(&page.actor, id, version, &draft).await
        }
        (true, None) => Err(ValidationErrors::single("version", "error-required").into()),
        (false, _) => Err(AppError::Validation(errors)),
    };
    match result {
        Ok(moved) => {
            saved_with_warning(&page, &format!("/appointments/{}", id.0), &moved.double_bookings).await
        }
        Err(error) => form_page(&page, form, Some(error), Some((id.0, version.unwrap_or_default()))).await,
    }
}

#[derive(Template)]
#[template(path = "agenda/appointment.html")]
pub(super) struct AppointmentPage {
    t: Tr,
    shell: Shell,
    a: AppointmentView,
    kind: String,
    day: NaiveDate,
    when: String,
    users: String,
    repeat: String,
    created: String,
    cancelled: Option<String>,
    booked: bool,
    /// The next occurrences of a series: (start as RFC 3339, as read).
    upcoming: Vec<(String, String)>,
    cancelled_occurrences: Vec<String>,
}

/// How many of a series' next occurrences its page lists.
pub(super) const UPCOMING_SHOWN: usize = 12;

pub async fn show_appointment(
    page: Page,
    Id(id): Id<AppointmentId>,
    Query(query): Query<Pairs>,
) -> PageResult {
    let a = page.app().agenda().appointment(&page.actor, id).await?;
    let booked = !value(&query, "booked").is_empty();
    let t = page.t;
    let repeat = match a.rrule.as_deref().and_then(|r| domain::appointment::Recurrence::parse_rrule(r).ok()) {
        None => String::new(),
        Some(rule) => {
            let every = t.get(&format!("frequency-{}", rule.frequency.as_str()));
            match rule.end {
                domain::appointment::RecurrenceEnd::Count(n) => {
                    t.with_args("appointment-repeats-count", &[("every", every), ("count", n.to_string())])
                }
                domain::appointment::RecurrenceEnd::Until(day) => {
                    t.with_args("appointment-repeats-until", &[("every", every), ("until", t.date(&day))])
                }
            }
        }
    };
    let now = page.app().now();
    let upcoming = if a.rrule.is_some() {
        a.occurrences()
            .into_iter()
            .filter(|span| span.ends_at > now)
            .take(UPCOMING_SHOWN)
            .map(|span| {
                (
                    span.starts_at.to_rfc3339(),
                    format!("{} – {}", t.datetime(&span.starts_at), t.time(&span.ends_at)),
                )
            })
            .collect()
    } else {
        Vec::new()
    };
    page.render(&AppointmentPage {
        upcoming,
        cancelled_occurrences: a.cancelled_occurrences.iter().map(|at| t.datetime(at)).collect(),
        kind: t.get(&format!("appointment-kind-{}", a.kind)),
        day: t.local_day(&a.starts_at),
        when: format!("{} – {}", t.datetime(&a.starts_at), t.time(&a.ends_at)),
        users: a.users.iter().map(|u| u.name.clone()).collect::<Vec<_>>().join(", "),
        repeat,
        created: t.datetime(&a.created_at),
        cancelled: a.cancelled_at.map(|at| t.datetime(&at)),
        booked,
        shell: page.shell("agenda"),
        a,
        t,
    })
}

pub async fn cancel(page: Page, Id(id): Id<AppointmentId>, Form(form): Form<Pairs>) -> PageResult {
    let mut errors = ValidationErrors::new();
    let version = number::<i64>(&form, "version", &mut errors).ok_or(Error::from(errors))?;
    let a = page.app().agenda().cancel_appointment(&page.actor, id, version).await?;
    Ok(see_other(&format!("/appointments/{}", a.id)))
}

/// Cancels one occurrence of a series, from its page.
pub async fn cancel_occurrence(page: Page, Id(id): Id<AppointmentId>, Form(form): Form<Pairs>) -> PageResult {
    let mut errors = ValidationErrors::new();
    let version = number::<i64>(&form, "version", &mut errors);
    let starts_at = DateTime::parse_from_rfc3339(value(&form, "starts_at")).ok();
    if starts_at.is_none() {
        errors.add("starts_at", "error-occurrence-unknown");
    }
    let (Some(version), Some(starts_at)) = (version, starts_at) else {
        return Err(errors.into());
    };
    let a = page
        .app()
        .agenda()
        .cancel_occurrence(&page.actor, id, version, starts_at.with_timezone(&Utc))
        .await?;
    Ok(see_other(&format!("/appointments/{}", a.id)))
}

/// A drag (or Alt+arrow) on the agenda grid: the occurrence that started
/// at `occurrence` now runs from `starts_at` to `ends_at` (local times).
/// Answers with the agenda it came from, saying what happened, with
/// "desfazer"; a refusal (changed meanwhile, out of reach) is said there too.
pub async fn move_on_grid(page: Page, Id(id): Id<AppointmentId>, Form(form): Form<Pairs>) -> PageResult {
    let back = match value(&form, "back") {
        path if path.starts_with("/agenda") => local_path(Some(path)),
        _ => "/agenda".to_string(),
    };
    let zone = page.actor.time_zone;
    let mut errors = ValidationErrors::new();
    let version = number::<i64>(&form, "version", &mut errors);
    let occurrence =
        DateTime::parse_from_rfc3339(value(&form, "occurrence")).ok().map(|at| at.with_timezone(&Utc));
    if occurrence.is_none() {
        errors.add("occurrence", "error-occurrence-unknown");
    }
    let mut local = |field: &'static str| match parse_local(value(&form, field)) {
        Ok(at) => Some(local_to_utc(zone, at)),
        Err(message) => {
            errors.add(field, message);
            None
        }
    };
    let (starts_at, ends_at) = (local("starts_at"), local("ends_at"));
    let result = match (version, occurrence, starts_at, ends_at) {
        (Some(version), Some(occurrence), Some(starts_at), Some(ends_at)) => {
            page.app()
                .agenda()
                .move_occurrence(&page.actor, id, version, occurrence, Span { starts_at, ends_at })
                .await
        }
        _ => Err(AppError::Validation(errors)),
    };
    let t = &page.t;
    let flash = match result {
        Ok(moved) if !moved.booked.double_bookings.is_empty() => Flash::warning(
            "appointment-double-booked",
            clash_lines(t, &moved.booked.double_bookings),
            "double-booking",
        ),
        Ok(moved) => Flash::undoable(
            "appointment-moved",
            format!("/appointments/{}/move", id.0),
            vec![
                ("version".into(), moved.booked.appointment.version.to_string()),
                ("occurrence".into(), moved.now.starts_at.to_rfc3339()),
                ("starts_at".into(), t.datetime_input(&moved.was.starts_at)),
                ("ends_at".into(), t.datetime_input(&moved.was.ends_at)),
                ("back".into(), back.clone()),
            ],
        ),
        Err(error @ (AppError::Db(_) | AppError::Internal(_))) => return Err(error.into()),
        Err(error) => {
            let sentence = crate::error::describe(&Error::App(error), t).sentence();
            Flash::warning("appointment-move-refused", vec![sentence], "move-refused")
        }
    };
    page.redirect_with(&back, flash).await
}

/// The form's warning before saving: who the times would double-book.
pub async fn clashes(page: Page, Query(query): Query<Pairs>) -> PageResult {
    let (draft, errors) = draft(&query);
    let except = value(&query, "except").parse::<AppointmentId>().ok();
    // An unfinished form warns of nothing yet; saving says what is wrong.
    let found = if errors.is_empty() {
        match page.app().agenda().clashes(&page.actor, &draft, except).await {
            Ok(found) => found,
            Err(error @ (AppError::Db(_) | AppError::Internal(_))) => return Err(error.into()),
            Err(_) => Vec::new(),
        }
    } else {
        Vec::new()
    };
    page.render(&ClashWarning { t: page.t, lines: clash_lines(&page.t, &found) })
}

#[derive(Template)]
#[template(path = "agenda/clashes.html")]
struct ClashWarning {
    t: Tr,
    lines: Vec<String>,
}
