//! Atendimentos: opening an interaction from a profile or a vehicle, and
//! its information page (seed 000, steps 5–6, 8–9 and 16–18).
use super::{
    FieldMessages, FormValues, Pairs, Shell, form_id, htmx_error, path_id, render_with_status, value,
};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::i18n::{Tr, tr_for};
use crate::security::CsrfToken;
use app::interactions::{InteractionList, InteractionView};
use app::registry_settings::StatusView;
use app::{Actor, AppError};
use askama::Template;
use axum::extract::{Extension, Form, Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use domain::access::Permission;
use domain::interaction::{InteractionChannel, InteractionDraft};
use domain::{InteractionId, PartyId, ValidationErrors};
use serde::Deserialize;

/// An interaction as a row of a table, in the reader's language.
pub struct InteractionLine {
    pub id: uuid::Uuid,
    pub when: String,
    pub nature: String,
    pub channel: String,
    pub status: String,
    pub closed: bool,
    pub responsible: String,
    pub due: String,
    pub plate: Option<String>,
}

/// The label of a nature or status: the organisation's own, or the
/// catalogue's for a built-in one.
pub fn option_label(t: &Tr, prefix: &str, options: &[StatusView], code: &str) -> String {
    match options.iter().find(|o| o.code == code) {
        Some(o) if !o.label.is_empty() => o.label.clone(),
        _ => {
            let key = format!("{prefix}-{code}");
            if t.has(&key) { t.get(&key) } else { code.to_string() }
        }
    }
}

/// The organisation's natures and statuses, read once per page.
pub struct InteractionLabels {
    pub natures: Vec<StatusView>,
    pub statuses: Vec<StatusView>,
}

impl InteractionLabels {
    pub async fn load(state: &AppState, actor: &Actor) -> Result<InteractionLabels, AppError> {
        Ok(InteractionLabels {
            natures: state.app.interaction_options(actor, InteractionList::Nature).await?,
            statuses: state.app.interaction_options(actor, InteractionList::Status).await?,
        })
    }

    pub fn lines(&self, t: &Tr, views: Vec<InteractionView>) -> Vec<InteractionLine> {
        views.into_iter().map(|i| line(t, &self.natures, &self.statuses, i)).collect()
    }
}

fn line(t: &Tr, natures: &[StatusView], statuses: &[StatusView], i: InteractionView) -> InteractionLine {
    InteractionLine {
        id: i.id,
        when: t.datetime(&i.created_at),
        nature: option_label(t, "nature", natures, &i.nature),
        channel: t.get(&format!("interaction-channel-{}", i.channel)),
        status: option_label(t, "interaction-status", statuses, &i.status),
        closed: i.closed,
        responsible: i.responsible,
        due: i.due_on.map(|d| t.date(&d)).unwrap_or_default(),
        plate: i.vehicle_plate,
    }
}

#[derive(Template)]
#[template(path = "interaction.html")]
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

async fn page(
    state: &AppState,
    user: &CurrentUser,
    csrf: &CsrfToken,
    headers: &HeaderMap,
    input: PageInput,
) -> Response {
    let actor = &user.actor;
    let loaded = async {
        let party = state.app.get_party(actor, input.party).await?;
        let natures = state.app.interaction_options(actor, InteractionList::Nature).await?;
        let statuses = state.app.interaction_options(actor, InteractionList::Status).await?;
        let vehicles = state.app.vehicles_of(actor, input.party).await?;
        let users = state.app.sellers(actor).await?;
        Ok::<_, AppError>((party, natures, statuses, vehicles, users))
    }
    .await;
    let (party, natures, statuses, vehicles, users) = match loaded {
        Ok(loaded) => loaded,
        Err(error) => return htmx_error(error, actor.locale, headers),
    };
    let t = tr_for(actor);
    let super::FormOutcome { errors, alert, status } = match super::FormOutcome::of(input.error, &t) {
        Ok(outcome) => outcome,
        Err(other) => return htmx_error(other, actor.locale, headers),
    };
    let options = |list: &[StatusView], prefix: &str| -> Vec<(String, String)> {
        list.iter().map(|o| (o.code.clone(), option_label(&t, prefix, list, &o.code))).collect()
    };
    let mut vehicle_options = vec![(String::new(), t.get("interaction-no-vehicle"))];
    vehicle_options.extend(vehicles.into_iter().map(|v| (v.id.to_string(), v.label())));
    let empty_line = InteractionLine {
        id: uuid::Uuid::nil(),
        when: String::new(),
        nature: String::new(),
        channel: String::new(),
        status: String::new(),
        closed: false,
        responsible: String::new(),
        due: String::new(),
        plate: None,
    };
    let line = match &input.existing {
        Some(i) => line(&t, &natures, &statuses, i.clone()),
        None => empty_line,
    };
    let heading = match &input.existing {
        Some(_) => format!("{} · {}", t.get("interaction-title"), line.nature),
        None => t.get("interaction-new"),
    };
    let action = match &input.existing {
        Some(i) => format!("/interactions/{}", i.id),
        None => format!("/customers/{}/interactions", party.id),
    };
    render_with_status(
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
            natures: options(&natures, "nature"),
            statuses: options(&statuses, "interaction-status"),
            channels: InteractionChannel::ALL
                .iter()
                .map(|c| (c.as_str().to_string(), t.get(&format!("interaction-channel-{}", c.as_str()))))
                .collect(),
            users: users.into_iter().map(|(id, name)| (id.to_string(), name)).collect(),
            vehicles: vehicle_options,
            shell: Shell::for_user(csrf, user, "customers", &format!("/customers/{}", party.id)),
            t,
        },
    )
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

pub async fn new_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Extension(csrf): Extension<CsrfToken>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(query): Query<NewQuery>,
) -> Response {
    let Ok(party) = id.parse::<PartyId>() else {
        return htmx_error(AppError::NotFound, user.actor.locale, &headers);
    };
    if let Err(error) = state.app.party_for_edit(&user.actor, party).await {
        return htmx_error(error, user.actor.locale, &headers);
    }
    let form = pairs(&[
        ("nature", query.nature.unwrap_or_default()),
        ("channel", "call".into()),
        ("status", "open".into()),
        ("responsible_id", user.actor.user_id.to_string()),
        ("vehicle_id", query.vehicle.unwrap_or_default()),
    ]);
    page(&state, &user, &csrf, &headers, PageInput { party, existing: None, form, error: None, saved: false })
        .await
}

pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Extension(csrf): Extension<CsrfToken>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<Pairs>,
) -> Response {
    let Ok(party) = id.parse::<PartyId>() else {
        return htmx_error(AppError::NotFound, user.actor.locale, &headers);
    };
    let (draft, errors) = draft(&form);
    let result = if errors.is_empty() {
        state.app.open_interaction(&user.actor, party, &draft).await
    } else {
        Err(AppError::Validation(errors))
    };
    match result {
        Ok(opened) => Redirect::to(&format!("/interactions/{}?saved=1", opened.id)).into_response(),
        Err(error) => {
            page(
                &state,
                &user,
                &csrf,
                &headers,
                PageInput { party, existing: None, form, error: Some(error), saved: false },
            )
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

pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Extension(csrf): Extension<CsrfToken>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(query): Query<NewQuery>,
) -> Response {
    let found = async { state.app.interaction(&user.actor, path_id::<InteractionId>(&id)?).await }.await;
    match found {
        Ok(i) => {
            let input = PageInput {
                party: PartyId(i.party_id),
                form: form_of(&i),
                existing: Some(i),
                error: None,
                saved: query.saved.is_some(),
            };
            page(&state, &user, &csrf, &headers, input).await
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
    let found = async { state.app.interaction(&user.actor, path_id::<InteractionId>(&id)?).await }.await;
    let existing = match found {
        Ok(i) => i,
        Err(error) => return htmx_error(error, user.actor.locale, &headers),
    };
    let (draft, mut errors) = draft(&form);
    let version = super::number::<i64>(&form, "version", &mut errors);
    let result = match (errors.is_empty(), version) {
        (true, Some(version)) => {
            state.app.update_interaction(&user.actor, InteractionId(existing.id), version, &draft).await
        }
        (true, None) => Err(ValidationErrors::single("version", "error-required").into()),
        (false, _) => Err(AppError::Validation(errors)),
    };
    match result {
        Ok(saved) => Redirect::to(&format!("/interactions/{}?saved=1", saved.id)).into_response(),
        Err(error) => {
            let input = PageInput {
                party: PartyId(existing.party_id),
                existing: Some(existing),
                form,
                error: Some(error),
                saved: false,
            };
            page(&state, &user, &csrf, &headers, input).await
        }
    }
}
