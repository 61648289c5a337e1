//! Atendimentos: opening an interaction from a profile or a vehicle, and
//! its information page (seed 000, steps 5–6, 8–9 and 16–18).
use super::components::{
    FieldMessages, FormOutcome, FormValues, InteractionLabels, InteractionLine, Pairs, form_id, number,
    option_label, value,
};
use crate::AppState;
use crate::error::PageResult;
use crate::extract::{Form, Id, Page, Query, see_other};
use crate::i18n::Tr;
use crate::layout::{Shell, render_with_status};
use app::AppError;
use app::interactions::InteractionView;
use app::registry_settings::StatusView;
use askama::Template;
use axum::Router;
use axum::routing;
use domain::access::Permission;
use domain::interaction::{InteractionChannel, InteractionDraft};
use domain::{InteractionId, PartyId, ValidationErrors};
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/customers/{id}/interactions/new", routing::get(new_form))
        .route("/customers/{id}/interactions", routing::post(create))
        .route("/interactions/{id}", routing::get(show).post(update))
}

#[derive(Template)]
#[template(path = "interactions/show.html")]
struct InteractionPage {
    t: Tr,
    shell: Shell,
    heading: String,
    party_id: uuid::Uuid,
    party_name: String,
    existing: Option<InteractionView>,
    line: InteractionLine,
    can_edit: bool,
    saved: bool,
    action: String,
    form: FormValues,
    errors: FieldMessages,
    alert: Option<String>,
    natures: Vec<(String, String)>,
    channels: Vec<(String, String)>,
    statuses: Vec<(String, String)>,
    users: Vec<(String, String)>,
    vehicles: Vec<(String, String)>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NewQuery {
    vehicle: Option<String>,
    nature: Option<String>,
    saved: Option<String>,
}

struct PageInput {
    party: PartyId,
    existing: Option<InteractionView>,
    form: Pairs,
    error: Option<AppError>,
    saved: bool,
}

async fn page(page: &Page, input: PageInput) -> PageResult {
    let actor = &page.actor;
    let app = page.app();
    let party = app.parties().get_party(actor, input.party).await?;
    let labels = InteractionLabels::load(app, actor).await?;
    let vehicles = app.vehicles().vehicles_of(actor, input.party).await?;
    let users = app.parties().sellers(actor).await?;
    let t = page.t;
    let FormOutcome { errors, alert, status } = FormOutcome::of(input.error, &t)?;
    let options = |list: &[StatusView], prefix: &str| -> Vec<(String, String)> {
        list.iter().map(|o| (o.code.clone(), option_label(&t, prefix, list, &o.code))).collect()
    };
    let mut vehicle_options = vec![(String::new(), t.get("interaction-no-vehicle"))];
    vehicle_options.extend(vehicles.into_iter().map(|v| (v.id.to_string(), v.label())));
    let line = match &input.existing {
        Some(i) => labels.line(&t, i.clone()),
        None => InteractionLine::default(),
    };
    let heading = match &input.existing {
        Some(_) => format!("{} · {}", t.get("interaction-title"), line.nature),
        None => t.get("interaction-new"),
    };
    let action = match &input.existing {
        Some(i) => format!("/interactions/{}", i.id),
        None => format!("/customers/{}/interactions", party.id),
    };
    Ok(render_with_status(
        status,
        &InteractionPage {
            heading,
            party_id: party.id,
            can_edit: actor.may_change(Permission::PartiesEdit, party.portfolio()),
            party_name: party.full_name,
            existing: input.existing,
            line,
            saved: input.saved,
            action,
            form: FormValues(input.form),
            errors,
            alert,
            natures: options(&labels.natures, "nature"),
            statuses: options(&labels.statuses, "interaction-status"),
            channels: InteractionChannel::ALL
                .iter()
                .map(|c| (c.as_str().to_string(), t.get(&format!("interaction-channel-{}", c.as_str()))))
                .collect(),
            users: users.into_iter().filter(|u| u.active).map(|u| (u.id.to_string(), u.name)).collect(),
            vehicles: vehicle_options,
            shell: page.shell("customers"),
            t,
        },
    ))
}

fn draft(form: &Pairs) -> (InteractionDraft, ValidationErrors) {
    let mut errors = ValidationErrors::new();
    let due_on = match value(form, "due_on").trim() {
        "" => None,
        text => chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map_err(|_| errors.add("due_on", "error-date-invalid"))
            .ok(),
    };
    let draft = InteractionDraft {
        nature: value(form, "nature").to_string(),
        channel: value(form, "channel").to_string(),
        status: value(form, "status").to_string(),
        responsible_id: form_id(form, "responsible_id", &mut errors),
        due_on,
        description: value(form, "description").to_string(),
        vehicle_id: form_id(form, "vehicle_id", &mut errors),
    };
    (draft, errors)
}

fn pairs(items: &[(&str, String)]) -> Pairs {
    items.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
}

pub async fn new_form(page: Page, Id(party): Id<PartyId>, Query(query): Query<NewQuery>) -> PageResult {
    page.app().parties().party_for_edit(&page.actor, party).await?;
    let form = pairs(&[
        ("nature", query.nature.unwrap_or_default()),
        ("channel", "call".into()),
        ("status", "open".into()),
        ("responsible_id", page.actor.user_id.to_string()),
        ("vehicle_id", query.vehicle.unwrap_or_default()),
    ]);
    self::page(&page, PageInput { party, existing: None, form, error: None, saved: false }).await
}

pub async fn create(page: Page, Id(party): Id<PartyId>, Form(form): Form<Pairs>) -> PageResult {
    let (draft, errors) = draft(&form);
    let result = if errors.is_empty() {
        page.app().interactions().open_interaction(&page.actor, party, &draft).await
    } else {
        Err(AppError::Validation(errors))
    };
    match result {
        Ok(opened) => Ok(see_other(&format!("/interactions/{}?saved=1", opened.id))),
        Err(error) => {
            self::page(&page, PageInput { party, existing: None, form, error: Some(error), saved: false })
                .await
        }
    }
}

fn form_of(i: &InteractionView) -> Pairs {
    pairs(&[
        ("nature", i.nature.clone()),
        ("channel", i.channel.clone()),
        ("status", i.status.clone()),
        ("responsible_id", i.responsible_id.to_string()),
        ("due_on", i.due_on.map(|d| d.to_string()).unwrap_or_default()),
        ("vehicle_id", i.vehicle_id.map(|v| v.to_string()).unwrap_or_default()),
        ("description", i.description.clone()),
    ])
}

pub async fn show(page: Page, Id(id): Id<InteractionId>, Query(query): Query<NewQuery>) -> PageResult {
    let i = page.app().interactions().interaction(&page.actor, id).await?;
    let input = PageInput {
        party: PartyId(i.party_id),
        form: form_of(&i),
        existing: Some(i),
        error: None,
        saved: query.saved.is_some(),
    };
    self::page(&page, input).await
}

pub async fn update(page: Page, Id(id): Id<InteractionId>, Form(form): Form<Pairs>) -> PageResult {
    let existing = page.app().interactions().interaction(&page.actor, id).await?;
    let (draft, mut errors) = draft(&form);
    let version = number::<i64>(&form, "version", &mut errors);
    let result = match (errors.is_empty(), version) {
        (true, Some(version)) => {
            page.app()
                .interactions()
                .update_interaction(&page.actor, InteractionId(existing.id), version, &draft)
                .await
        }
        (true, None) => Err(ValidationErrors::single("version", "error-required").into()),
        (false, _) => Err(AppError::Validation(errors)),
    };
    match result {
        Ok(saved) => Ok(see_other(&format!("/interactions/{}?saved=1", saved.id))),
        Err(error) => {
            let input = PageInput {
                party: PartyId(existing.party_id),
                existing: Some(existing),
                form,
                error: Some(error),
                saved: false,
            };
            self::page(&page, input).await
        }
    }
}
