//! Veículos: a customer's vehicles and vehicles of interest, and a
//! vehicle's detail, from where after-sale interactions and workshop
//! bookings start (seed 000, steps 7–10 and 19–20).
use super::interactions::{InteractionLabels, InteractionLine};
use super::{
    FieldMessages, FormValues, Pairs, Shell, htmx_error, number, path_id, render, render_with_status, value,
};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::i18n::{Tr, tr_for};
use crate::security::CsrfToken;
use app::AppError;
use app::agenda::AppointmentView;
use app::vehicles::VehicleView;
use askama::Template;
use axum::extract::{Extension, Form, Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use domain::access::Permission;
use domain::vehicle::{VehicleDraft, VehicleInterestDraft};
use domain::{PartyId, ValidationErrors, VehicleId};

#[derive(Template)]
#[template(path = "vehicle_form.html")]
struct VehicleFormPage {
    t: Tr,
    shell: Shell,
    heading: String,
    party_id: uuid::Uuid,
    party_name: String,
    action: String,
    back: String,
    interest: bool,
    version: Option<i64>,
    form: FormValues,
    errors: FieldMessages,
    alert: Option<String>,
}

#[derive(Template)]
#[template(path = "vehicle.html")]
struct VehiclePage {
    t: Tr,
    shell: Shell,
    vehicle: VehicleView,
    party_name: String,
    mileage: Option<String>,
    updated: String,
    can_edit: bool,
    appointments: Vec<(AppointmentView, String)>,
    interactions: Vec<InteractionLine>,
}

fn vehicle_draft(form: &Pairs) -> (VehicleDraft, ValidationErrors) {
    let mut errors = ValidationErrors::new();
    let draft = VehicleDraft {
        plate: value(form, "plate").to_string(),
        vin: value(form, "vin").to_string(),
        make: value(form, "make").to_string(),
        model: value(form, "model").to_string(),
        year: number(form, "year", &mut errors),
        colour: value(form, "colour").to_string(),
        mileage_km: number(form, "mileage_km", &mut errors),
        bought_here: value(form, "bought_here") == "true",
    };
    // A form refused for a number shows the other fields' problems too.
    if !errors.is_empty() {
        if let Err(more) = draft.validate(this_year()) {
            errors.0.extend(more.0);
        }
    }
    (draft, errors)
}

fn this_year() -> i32 {
    chrono::Datelike::year(&chrono::Utc::now())
}

fn money(form: &Pairs, name: &'static str, errors: &mut ValidationErrors) -> Option<i64> {
    let text = value(form, name);
    if text.trim().is_empty() {
        return None;
    }
    domain::Money::parse(text).map(|m| m.0).map_err(|message| errors.add(name, message)).ok()
}

fn interest_draft(form: &Pairs) -> (VehicleInterestDraft, ValidationErrors) {
    let mut errors = ValidationErrors::new();
    let draft = VehicleInterestDraft {
        make: value(form, "make").to_string(),
        model: value(form, "model").to_string(),
        year_from: number(form, "year_from", &mut errors),
        year_to: number(form, "year_to", &mut errors),
        price_min: money(form, "price_min", &mut errors),
        price_max: money(form, "price_max", &mut errors),
    };
    if !errors.is_empty() {
        if let Err(more) = draft.validate(this_year()) {
            errors.0.extend(more.0);
        }
    }
    (draft, errors)
}

struct FormContext {
    party: PartyId,
    party_name: String,
    interest: bool,
    vehicle: Option<(VehicleId, i64)>,
}

fn form_page(
    user: &CurrentUser,
    csrf: &CsrfToken,
    context: FormContext,
    form: Pairs,
    error: Option<AppError>,
    headers: &HeaderMap,
) -> Response {
    let t = tr_for(&user.actor);
    let super::FormOutcome { errors, alert, status } = match super::FormOutcome::of(error, &t) {
        Ok(outcome) => outcome,
        Err(other) => return htmx_error(other, user.actor.locale, headers),
    };
    let party = context.party;
    let (heading, action, back) = match (context.interest, context.vehicle) {
        (true, _) => {
            (t.get("interest-new"), format!("/customers/{party}/interests"), format!("/customers/{party}"))
        }
        (false, Some((id, _))) => {
            (t.get("vehicle-edit"), format!("/vehicles/{id}"), format!("/vehicles/{id}"))
        }
        (false, None) => {
            (t.get("vehicle-new"), format!("/customers/{party}/vehicles"), format!("/customers/{party}"))
        }
    };
    render_with_status(
        status,
        &VehicleFormPage {
            heading,
            party_id: party.0,
            party_name: context.party_name,
            action,
            back,
            interest: context.interest,
            version: context.vehicle.map(|(_, v)| v),
            form: FormValues(form),
            errors,
            alert,
            shell: Shell::for_user(csrf, user, "customers", &format!("/customers/{party}")),
            t,
        },
    )
}

async fn writable_party(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
) -> Result<(PartyId, String), AppError> {
    let party = state.app.party_for_edit(&user.actor, path_id::<PartyId>(id)?).await?;
    Ok((PartyId(party.id), party.full_name))
}

/// An empty vehicle form, or an empty vehicle-of-interest form.
async fn blank_form(
    state: &AppState,
    user: &CurrentUser,
    csrf: &CsrfToken,
    headers: &HeaderMap,
    id: &str,
    interest: bool,
) -> Response {
    match writable_party(state, user, id).await {
        Ok((party, party_name)) => {
            let context = FormContext { party, party_name, interest, vehicle: None };
            form_page(user, csrf, context, Vec::new(), None, headers)
        }
        Err(error) => htmx_error(error, user.actor.locale, headers),
    }
}

pub async fn new_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Extension(csrf): Extension<CsrfToken>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    blank_form(&state, &user, &csrf, &headers, &id, false).await
}

pub async fn new_interest_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Extension(csrf): Extension<CsrfToken>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    blank_form(&state, &user, &csrf, &headers, &id, true).await
}

pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Extension(csrf): Extension<CsrfToken>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<Pairs>,
) -> Response {
    let (party, party_name) = match writable_party(&state, &user, &id).await {
        Ok(found) => found,
        Err(error) => return htmx_error(error, user.actor.locale, &headers),
    };
    let (draft, form_errors) = vehicle_draft(&form);
    let result = if form_errors.is_empty() {
        state.app.add_vehicle(&user.actor, party, &draft).await.map(|v| v.id)
    } else {
        Err(AppError::Validation(form_errors))
    };
    match result {
        Ok(id) => Redirect::to(&format!("/vehicles/{id}")).into_response(),
        Err(error) => {
            let context = FormContext { party, party_name, interest: false, vehicle: None };
            form_page(&user, &csrf, context, form, Some(error), &headers)
        }
    }
}

pub async fn add_interest(
    State(state): State<AppState>,
    user: CurrentUser,
    Extension(csrf): Extension<CsrfToken>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<Pairs>,
) -> Response {
    let (party, party_name) = match writable_party(&state, &user, &id).await {
        Ok(found) => found,
        Err(error) => return htmx_error(error, user.actor.locale, &headers),
    };
    let (draft, form_errors) = interest_draft(&form);
    let result = if form_errors.is_empty() {
        state.app.add_vehicle_interest(&user.actor, party, &draft).await.map(|_| ())
    } else {
        Err(AppError::Validation(form_errors))
    };
    match result {
        Ok(()) => Redirect::to(&format!("/customers/{party}#vehicles")).into_response(),
        Err(error) => {
            let context = FormContext { party, party_name, interest: true, vehicle: None };
            form_page(&user, &csrf, context, form, Some(error), &headers)
        }
    }
}

pub async fn remove_interest(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let result = async {
        let id: uuid::Uuid = path_id(&id)?;
        state.app.remove_vehicle_interest(&user.actor, id).await
    }
    .await;
    match result {
        Ok(party) => Redirect::to(&format!("/customers/{party}#vehicles")).into_response(),
        Err(error) => htmx_error(error, user.actor.locale, &headers),
    }
}

pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Extension(csrf): Extension<CsrfToken>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let actor = &user.actor;
    let loaded = async {
        let id = path_id::<VehicleId>(&id)?;
        let vehicle = state.app.vehicle(actor, id).await?;
        let party = PartyId(vehicle.party_id);
        let owner = state.app.get_party(actor, party).await?;
        let interactions = state.app.interactions_of(actor, party, Some(id)).await?;
        let appointments = state.app.appointments_of(actor, party).await?;
        let labels = InteractionLabels::load(&state, actor).await?;
        Ok::<_, AppError>((vehicle, owner, interactions, appointments, labels))
    }
    .await;
    let (vehicle, owner, interactions, appointments, labels) = match loaded {
        Ok(loaded) => loaded,
        Err(error) => return htmx_error(error, actor.locale, &headers),
    };
    let t = tr_for(actor);
    let interactions = labels.lines(&t, interactions);
    render(&VehiclePage {
        can_edit: actor.may_change(Permission::PartiesEdit, owner.portfolio()),
        party_name: owner.full_name,
        mileage: vehicle.mileage_km.map(|km| format!("{} km", t.integer(km))),
        updated: t.datetime(&vehicle.updated_at),
        appointments: appointments
            .into_iter()
            .filter(|a| a.vehicle_id == Some(vehicle.id))
            .map(|a| {
                let when = t.datetime(&a.starts_at);
                (a, when)
            })
            .collect(),
        interactions,
        shell: Shell::for_user(&csrf, &user, "customers", &format!("/vehicles/{}", vehicle.id)),
        vehicle,
        t,
    })
}

pub async fn edit_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Extension(csrf): Extension<CsrfToken>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let loaded = async {
        let vehicle = state.app.vehicle(&user.actor, path_id::<VehicleId>(&id)?).await?;
        let (party, name) = writable_party(&state, &user, &vehicle.party_id.to_string()).await?;
        Ok::<_, AppError>((vehicle, party, name))
    }
    .await;
    match loaded {
        Ok((v, party, party_name)) => {
            let form: Pairs = [
                ("plate", v.plate.clone().unwrap_or_default()),
                ("vin", v.vin.clone().unwrap_or_default()),
                ("make", v.make.clone()),
                ("model", v.model.clone()),
                ("year", v.year.map(|y| y.to_string()).unwrap_or_default()),
                ("colour", v.colour.clone()),
                ("mileage_km", v.mileage_km.map(|k| k.to_string()).unwrap_or_default()),
                ("bought_here", if v.bought_here { "true".into() } else { String::new() }),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
            let context = FormContext {
                party,
                party_name,
                interest: false,
                vehicle: Some((VehicleId(v.id), v.version)),
            };
            form_page(&user, &csrf, context, form, None, &headers)
        }
        Err(error) => htmx_error(error, user.actor.locale, &headers),
    }
}

pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Extension(csrf): Extension<CsrfToken>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<Pairs>,
) -> Response {
    let loaded = async {
        let id = path_id::<VehicleId>(&id)?;
        let vehicle = state.app.vehicle(&user.actor, id).await?;
        let (party, name) = writable_party(&state, &user, &vehicle.party_id.to_string()).await?;
        Ok::<_, AppError>((id, party, name))
    }
    .await;
    let (id, party, party_name) = match loaded {
        Ok(found) => found,
        Err(error) => return htmx_error(error, user.actor.locale, &headers),
    };
    let mut form_errors = ValidationErrors::new();
    let version: Option<i64> = number(&form, "version", &mut form_errors);
    let (draft, draft_errors) = vehicle_draft(&form);
    form_errors.0.extend(draft_errors.0);
    let result = match (form_errors.into_result().map_err(AppError::Validation), version) {
        (Ok(()), Some(version)) => {
            state.app.update_vehicle(&user.actor, id, version, &draft).await.map(|_| ())
        }
        (Ok(()), None) => Err(ValidationErrors::single("version", "error-required").into()),
        (Err(error), _) => Err(error),
    };
    match result {
        Ok(()) => Redirect::to(&format!("/vehicles/{id}")).into_response(),
        Err(error) => {
            let context = FormContext {
                party,
                party_name,
                interest: false,
                vehicle: Some((id, version.unwrap_or_default())),
            };
            form_page(&user, &csrf, context, form, Some(error), &headers)
        }
    }
}

pub async fn delete(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let result = async {
        let id = path_id::<VehicleId>(&id)?;
        let vehicle = state.app.vehicle(&user.actor, id).await?;
        state.app.remove_vehicle(&user.actor, id).await?;
        Ok::<_, AppError>(vehicle.party_id)
    }
    .await;
    match result {
        Ok(party) => Redirect::to(&format!("/customers/{party}#vehicles")).into_response(),
        Err(error) => htmx_error(error, user.actor.locale, &headers),
    }
}
