//! Veículos: a customer's vehicles and vehicles of interest, and a
//! vehicle's detail, from where after-sale interactions and workshop
//! bookings start (seed 000, steps 7–10 and 19–20).
use super::components::{
    FieldMessages, FormOutcome, FormValues, InteractionLabels, InteractionLine, Pairs, number, value,
};
use crate::AppState;
use crate::error::PageResult;
use crate::extract::{Form, Id, Page, see_other};
use crate::i18n::Tr;
use crate::layout::{Shell, render_with_status};
use app::AppError;
use app::agenda::AppointmentView;
use app::vehicles::VehicleView;
use askama::Template;
use axum::Router;
use axum::routing;
use domain::access::Permission;
use domain::vehicle::{VehicleDraft, VehicleInterestDraft};
use domain::{PartyId, ValidationErrors, VehicleId};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/customers/{id}/vehicles/new", routing::get(new_form))
        .route("/customers/{id}/vehicles", routing::post(create))
        .route("/customers/{id}/interests/new", routing::get(new_interest_form))
        .route("/customers/{id}/interests", routing::post(add_interest))
        .route("/interests/{id}/delete", routing::post(remove_interest))
        .route("/vehicles/{id}", routing::get(show).post(update))
        .route("/vehicles/{id}/edit", routing::get(edit_form))
        .route("/vehicles/{id}/delete", routing::post(delete))
}

#[derive(Template)]
#[template(path = "vehicles/form.html")]
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
#[template(path = "vehicles/show.html")]
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

fn form_page(page: &Page, context: FormContext, form: Pairs, error: Option<AppError>) -> PageResult {
    let t = page.t;
    let FormOutcome { errors, alert, status } = FormOutcome::of(error, &t)?;
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
    Ok(render_with_status(
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
            shell: page.shell("customers"),
            t,
        },
    ))
}

async fn writable_party(page: &Page, party: PartyId) -> Result<(PartyId, String), AppError> {
    let party = page.app().parties().party_for_edit(&page.actor, party).await?;
    Ok((PartyId(party.id), party.full_name))
}

/// An empty vehicle form, or an empty vehicle-of-interest form.
async fn blank_form(page: Page, party: PartyId, interest: bool) -> PageResult {
    let (party, party_name) = writable_party(&page, party).await?;
    let context = FormContext { party, party_name, interest, vehicle: None };
    form_page(&page, context, Vec::new(), None)
}

pub async fn new_form(page: Page, Id(party): Id<PartyId>) -> PageResult {
    blank_form(page, party, false).await
}

pub async fn new_interest_form(page: Page, Id(party): Id<PartyId>) -> PageResult {
    blank_form(page, party, true).await
}

pub async fn create(page: Page, Id(party): Id<PartyId>, Form(form): Form<Pairs>) -> PageResult {
    let (party, party_name) = writable_party(&page, party).await?;
    let (draft, form_errors) = vehicle_draft(&form);
    let result = if form_errors.is_empty() {
        page.app().vehicles().add_vehicle(&page.actor, party, &draft).await.map(|v| v.id)
    } else {
        Err(AppError::Validation(form_errors))
    };
    match result {
        Ok(id) => Ok(see_other(&format!("/vehicles/{id}"))),
        Err(error) => {
            let context = FormContext { party, party_name, interest: false, vehicle: None };
            form_page(&page, context, form, Some(error))
        }
    }
}

pub async fn add_interest(page: Page, Id(party): Id<PartyId>, Form(form): Form<Pairs>) -> PageResult {
    let (party, party_name) = writable_party(&page, party).await?;
    let (draft, form_errors) = interest_draft(&form);
    let result = if form_errors.is_empty() {
        page.app().vehicles().add_vehicle_interest(&page.actor, party, &draft).await.map(|_| ())
    } else {
        Err(AppError::Validation(form_errors))
    };
    match result {
        Ok(()) => Ok(see_other(&format!("/customers/{party}?tab=vehicles"))),
        Err(error) => {
            let context = FormContext { party, party_name, interest: true, vehicle: None };
            form_page(&page, context, form, Some(error))
        }
    }
}

pub async fn remove_interest(page: Page, Id(interest): Id<uuid::Uuid>) -> PageResult {
    let party = page.app().vehicles().remove_vehicle_interest(&page.actor, interest).await?;
    Ok(see_other(&format!("/customers/{party}?tab=vehicles")))
}

pub async fn show(page: Page, Id(id): Id<VehicleId>) -> PageResult {
    let actor = &page.actor;
    let app = page.app();
    let vehicle = app.vehicles().vehicle(actor, id).await?;
    let party = PartyId(vehicle.party_id);
    let owner = app.parties().get_party(actor, party).await?;
    let interactions = app.interactions().interactions_of(actor, party, Some(id)).await?;
    let appointments = app.agenda().appointments_of(actor, party).await?;
    let labels = InteractionLabels::load(app, actor).await?;
    let t = page.t;
    let interactions = labels.lines(&t, interactions);
    page.render(&VehiclePage {
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
        shell: page.shell("customers"),
        vehicle,
        t,
    })
}

pub async fn edit_form(page: Page, Id(id): Id<VehicleId>) -> PageResult {
    let v = page.app().vehicles().vehicle(&page.actor, id).await?;
    let (party, party_name) = writable_party(&page, PartyId(v.party_id)).await?;
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
    let context =
        FormContext { party, party_name, interest: false, vehicle: Some((VehicleId(v.id), v.version)) };
    form_page(&page, context, form, None)
}

pub async fn update(page: Page, Id(id): Id<VehicleId>, Form(form): Form<Pairs>) -> PageResult {
    let vehicle = page.app().vehicles().vehicle(&page.actor, id).await?;
    let (party, party_name) = writable_party(&page, PartyId(vehicle.party_id)).await?;
    let mut form_errors = ValidationErrors::new();
    let version: Option<i64> = number(&form, "version", &mut form_errors);
    let (draft, draft_errors) = vehicle_draft(&form);
    form_errors.0.extend(draft_errors.0);
    let result = match (form_errors.into_result().map_err(AppError::Validation), version) {
        (Ok(()), Some(version)) => {
            page.app().vehicles().update_vehicle(&page.actor, id, version, &draft).await.map(|_| ())
        }
        (Ok(()), None) => Err(ValidationErrors::single("version", "error-required").into()),
        (Err(error), _) => Err(error),
    };
    match result {
        Ok(()) => Ok(see_other(&format!("/vehicles/{id}"))),
        Err(error) => {
            let context = FormContext {
                party,
                party_name,
                interest: false,
                vehicle: Some((id, version.unwrap_or_default())),
            };
            form_page(&page, context, form, Some(error))
        }
    }
}

pub async fn delete(page: Page, Id(id): Id<VehicleId>) -> PageResult {
    let vehicle = page.app().vehicles().vehicle(&page.actor, id).await?;
    page.app().vehicles().remove_vehicle(&page.actor, id).await?;
    Ok(see_other(&format!("/customers/{}?tab=vehicles", vehicle.party_id)))
}
