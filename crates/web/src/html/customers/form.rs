//! The registration form [ficha cadastral]: new, edit, save, and
//! validation as each field loses focus.
use super::tabs::ProfileTab;
use crate::error::{Error, PageResult, describe, escape_html};
use crate::extract::{Id, Page, RawForm, parse_urlencoded};
use crate::flash::Flash;
use crate::html::components::FieldMessages;
use crate::i18n::Tr;
use crate::labels::{Labels, seller_label};
use crate::layout::{Shell, render_with_status};
use app::AppError;
use app::parties::{PartyInput, PartyView};
use askama::Template;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use domain::party::{AddressDraft, Channel, PartyDraft, PhoneDraft};
use domain::{PartyId, ValidationErrors};
use serde::Deserialize;
use uuid::Uuid;

/// The registration form, flat as HTML forms are.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct PartyForm {
    kind: String,
    lifecycle: String,
    prospect_state: String,
    customer_status: String,
    full_name: String,
    trade_name: String,
    document: String,
    birth_date: String,
    sex: String,
    profession: String,
    football_team: String,
    shoe_size: String,
    spouse_name: String,
    spouse_birth_date: String,
    credit_bureau_status: String,
    agreement: String,
    credit_complement: String,
    revolving_credit_limit: String,
    company_sector: String,
    seller_id: String,
    phone1: String,
    phone1_kind: String,
    phone1_carrier: String,
    phone2: String,
    phone2_kind: String,
    phone2_carrier: String,
    email1: String,
    email2: String,
    street: String,
    number: String,
    complement: String,
    neighbourhood: String,
    city: String,
    state: String,
    postal_code: String,
    tags: String,
    consent_sms_whatsapp: Option<String>,
    consent_email: Option<String>,
    consent_phone: Option<String>,
    consent_letter: Option<String>,
    version: Option<i64>,
    /// `custom.<key>` fields, read from the raw form (their names vary).
    #[serde(skip)]
    custom: std::collections::BTreeMap<String, String>,
}

impl PartyForm {
    /// Reads the form body: the fixed fields, then the organisation's own
    /// (an emptied custom field is kept: it clears the value).
    fn from_body(body: &[u8]) -> Result<PartyForm, Error> {
        let mut form: PartyForm = parse_urlencoded(body)?;
        for (name, value) in form_urlencoded::parse(body) {
            if let Some(key) = name.strip_prefix("custom.") {
                form.custom.insert(key.to_string(), value.into_owned());
            }
        }
        Ok(form)
    }
}

impl PartyForm {
    fn draft(&self) -> PartyDraft {
        PartyDraft {
            kind: self.kind.clone(),
            lifecycle: self.lifecycle.clone(),
            prospect_state: self.prospect_state.clone(),
            customer_status: self.customer_status.clone(),
            full_name: self.full_name.clone(),
            trade_name: self.trade_name.clone(),
            document_kind: String::new(),
            document: self.document.clone(),
            birth_date: self.birth_date.clone(),
            sex: self.sex.clone(),
            profession: self.profession.clone(),
            football_team: self.football_team.clone(),
            shoe_size: self.shoe_size.clone(),
            spouse_name: self.spouse_name.clone(),
            spouse_birth_date: self.spouse_birth_date.clone(),
            seller_id: self.seller_id.clone(),
            credit_bureau_status: self.credit_bureau_status.clone(),
            agreement: self.agreement.clone(),
            credit_complement: self.credit_complement.clone(),
            revolving_credit_limit: self.revolving_credit_limit.clone(),
            company_sector: self.company_sector.clone(),
            phones: vec![
                PhoneDraft {
                    number: self.phone1.clone(),
                    kind: self.phone1_kind.clone(),
                    carrier: self.phone1_carrier.clone(),
                },
                PhoneDraft {
                    number: self.phone2.clone(),
                    kind: self.phone2_kind.clone(),
                    carrier: self.phone2_carrier.clone(),
                },
            ],
            emails: vec![self.email1.clone(), self.email2.clone()],
            address: AddressDraft {
                street: self.street.clone(),
                number: self.number.clone(),
                complement: self.complement.clone(),
                neighbourhood: self.neighbourhood.clone(),
                city: self.city.clone(),
                state: self.state.clone(),
                postal_code: self.postal_code.clone(),
                country: String::new(),
            },
            tags: self.tags.split(',').map(str::to_string).collect(),
            custom: self.custom.clone(),
        }
    }

    fn consents(&self) -> Vec<String> {
        [
            (&self.consent_sms_whatsapp, Channel::SmsWhatsapp),
            (&self.consent_email, Channel::Email),
            (&self.consent_phone, Channel::Phone),
            (&self.consent_letter, Channel::Letter),
        ]
        .into_iter()
        .filter(|(value, _)| value.is_some())
        .map(|(_, channel)| channel.as_str().to_string())
        .collect()
    }

    fn from_view(view: &PartyView) -> PartyForm {
        let draft = view.to_draft();
        let phone = |i: usize| draft.phones.get(i).cloned().unwrap_or_default();
        PartyForm {
            kind: draft.kind,
            lifecycle: draft.lifecycle,
            prospect_state: draft.prospect_state,
            customer_status: draft.customer_status,
            full_name: draft.full_name,
            trade_name: draft.trade_name,
            document: draft.document,
            birth_date: draft.birth_date,
            sex: draft.sex,
            profession: draft.profession,
            football_team: draft.football_team,
            shoe_size: draft.shoe_size,
            spouse_name: draft.spouse_name,
            spouse_birth_date: draft.spouse_birth_date,
            credit_bureau_status: draft.credit_bureau_status,
            agreement: draft.agreement,
            credit_complement: draft.credit_complement,
            revolving_credit_limit: draft.revolving_credit_limit,
            company_sector: draft.company_sector,
            seller_id: draft.seller_id,
            phone1: phone(0).number,
            phone1_kind: phone(0).kind,
            phone1_carrier: phone(0).carrier,
            phone2: phone(1).number,
            phone2_kind: phone(1).kind,
            phone2_carrier: phone(1).carrier,
            email1: draft.emails.first().cloned().unwrap_or_default(),
            email2: draft.emails.get(1).cloned().unwrap_or_default(),
            street: draft.address.street,
            number: draft.address.number,
            complement: draft.address.complement,
            neighbourhood: draft.address.neighbourhood,
            city: draft.address.city,
            state: draft.address.state,
            postal_code: draft.address.postal_code,
            tags: draft.tags.join(", "),
            custom: draft.custom,
            version: Some(view.version),
            ..Default::default()
        }
    }
}

/// What the form shows besides the fields: messages and where it posts.
#[derive(Default)]
struct FormState {
    errors: FieldMessages,
    /// `None` for a new party.
    party_id: Option<String>,
    duplicate: Option<(String, String)>,
    alert: Option<String>,
}

#[derive(Template)]
#[template(path = "customers/form.html")]
struct FormPage {
    t: Tr,
    shell: Shell,
    form: PartyForm,
    errors: FieldMessages,
    party_id: Option<String>,
    duplicate: Option<(String, String)>,
    alert: Option<String>,
    statuses: Vec<(String, String)>,
    phone_kinds: Vec<String>,
    credit_bureau_statuses: Vec<String>,
    sellers: Vec<(String, String)>,
    custom_fields: Vec<app::registry_settings::CustomFieldView>,
    /// The organisation's country names the fields and lists the states.
    labels: CountryLabels,
    states: Vec<String>,
}

/// Message keys of the fields that differ by country: CPF and CEP and UF
/// in Brazil, NIF first and código postal and district in Portugal.
pub(super) struct CountryLabels {
    pub document: &'static str,
    pub postal_code: &'static str,
    pub state: &'static str,
}

impl CountryLabels {
    pub(super) fn of(country: domain::phone::Country) -> CountryLabels {
        match country {
            domain::phone::Country::Brazil => CountryLabels {
                document: "party-document-hint",
                postal_code: "address-postal-code",
                state: "address-state",
            },
            domain::phone::Country::Portugal => CountryLabels {
                document: "party-document-hint-pt",
                postal_code: "address-postal-code-pt",
                state: "address-state-pt",
            },
        }
    }
}

/// The states offered: the country's, and the one stored when it is not
/// among them (an address typed before, or of the other country), so an
/// edit keeps it.
pub(super) fn state_options(country: domain::phone::Country, current: &str) -> Vec<String> {
    let mut states: Vec<String> = domain::address::states_of(country).iter().map(|s| s.to_string()).collect();
    if !current.trim().is_empty() && !states.iter().any(|s| s == current) {
        states.insert(0, current.to_string());
    }
    states
}

async fn form_page(page: &Page, form: PartyForm, extra: FormState, status: StatusCode) -> PageResult {
    let FormState { errors, party_id, duplicate, alert } = extra;
    let t = page.t;
    let app = page.app();
    let statuses =
        Labels::options(&t, app.registry().customer_statuses(&page.actor).await.unwrap_or_default());
    let sellers = app
        .parties()
        .sellers(&page.actor)
        .await
        .unwrap_or_default()
        .into_iter()
        // A disabled seller stays offered to the customers who have him,
        // so that saving them does not change who they belong to.
        .filter(|s| s.active || s.id.to_string() == form.seller_id)
        .map(|s| (s.id.to_string(), seller_label(&t, &s)))
        .collect();
    let custom_fields = app.registry().custom_fields(&page.actor).await.unwrap_or_default();
    let states = state_options(page.actor.country, &form.state);
    Ok(render_with_status(
        status,
        &FormPage {
            t,
            shell: page.shell("customers"),
            form,
            errors,
            party_id,
            duplicate,
            alert,
            statuses,
            phone_kinds: domain::party::PhoneKind::ALL.iter().map(|k| k.as_str().to_string()).collect(),
            credit_bureau_statuses: domain::party::CREDIT_BUREAU_STATUSES
                .iter()
                .map(|s| s.to_string())
                .collect(),
            sellers,
            custom_fields,
            labels: CountryLabels::of(page.actor.country),
            states,
        },
    ))
}

pub async fn new_form(page: Page) -> PageResult {
    let form = PartyForm {
        kind: "person".into(),
        lifecycle: "customer".into(),
        customer_status: "active".into(),
        ..Default::default()
    };
    form_page(&page, form, FormState::default(), StatusCode::OK).await
}

pub async fn edit_form(page: Page, Id(id): Id<PartyId>) -> PageResult {
    let party = page.app().parties().party_for_edit(&page.actor, id).await?;
    let state = FormState { party_id: Some(id.to_string()), ..FormState::default() };
    form_page(&page, PartyForm::from_view(&party), state, StatusCode::OK).await
}

/// Shows a save's failure inside the form: field messages, the duplicate's
/// link, or the conflict message.
async fn form_failure(page: &Page, form: PartyForm, party_id: Option<String>, error: AppError) -> PageResult {
    let t = page.t;
    match error {
        AppError::Validation(errors) => {
            let messages = FieldMessages::from_errors(&errors, &t);
            form_page(
                page,
                form,
                FormState {
                    errors: messages,
                    party_id,
                    alert: Some(t.get("error-form-invalid")),
                    ..FormState::default()
                },
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        AppError::DuplicateParty { existing, name } => {
            let messages = FieldMessages::from_errors(
                &ValidationErrors::single("document", "error-document-taken-short"),
                &t,
            );
            form_page(
                page,
                form,
                FormState {
                    errors: messages,
                    party_id,
                    duplicate: Some((existing.to_string(), name)),
                    ..FormState::default()
                },
                StatusCode::CONFLICT,
            )
            .await
        }
        AppError::DocumentTaken => {
            let messages = FieldMessages::from_errors(
                &ValidationErrors::single("document", "error-document-taken-elsewhere"),
                &t,
            );
            let state_ = FormState { errors: messages, party_id, ..FormState::default() };
            form_page(page, form, state_, StatusCode::CONFLICT).await
        }
        AppError::Conflict { .. } => {
            let described = describe(&error.into(), &t);
            let (status, message) = (described.status, described.message);
            form_page(
                page,
                form,
                FormState { party_id, alert: Some(message), ..FormState::default() },
                status,
            )
            .await
        }
        other => Err(other.into()),
    }
}

/// A new customer opens on the summary; a saved one on the sheet the
/// change shows on.
async fn saved_redirect(page: &Page, id: Uuid, tab: ProfileTab, duplicates: usize, said: &str) -> PageResult {
    let mut target = tab.url(id, None);
    if duplicates > 0 {
        target.push(if target.contains('?') { '&' } else { '?' });
        target.push_str("possible_duplicates=1");
    }
    page.redirect_with(&target, Flash::notice(said)).await
}

pub async fn create(page: Page, RawForm(body): RawForm) -> PageResult {
    let form = PartyForm::from_body(&body)?;
    let input = PartyInput { draft: form.draft(), consents: form.consents() };
    match page.app().parties().create_party(&page.actor, input).await {
        Ok(saved) => {
            let duplicates = saved.possible_duplicates.len();
            saved_redirect(&page, saved.party.id, ProfileTab::Summary, duplicates, "customers-created-notice")
                .await
        }
        Err(error) => form_failure(&page, form, None, error).await,
    }
}

pub async fn update(page: Page, Id(party_id): Id<PartyId>, RawForm(body): RawForm) -> PageResult {
    let form = PartyForm::from_body(&body)?;
    let version = form.version.unwrap_or(0);
    match page.app().parties().update_party(&page.actor, party_id, version, form.draft()).await {
        Ok(saved) => {
            let duplicates = saved.possible_duplicates.len();
            saved_redirect(&page, saved.party.id, ProfileTab::Sheet, duplicates, "customers-saved-notice")
                .await
        }
        Err(error) => form_failure(&page, form, Some(party_id.to_string()), error).await,
    }
}

/// Validation as a field loses focus: the whole form is checked, the
/// message of the field that triggered it comes back.
pub async fn validate_field(page: Page, headers: HeaderMap, RawForm(body): RawForm) -> Response {
    let form = PartyForm::from_body(&body).unwrap_or_default();
    let t = page.t;
    let field = headers.get("hx-trigger-name").and_then(|v| v.to_str().ok()).unwrap_or_default();
    let domain_field = form_field_to_domain(field);
    let today = page.app().now().date_naive();
    let message = match form.draft().validate(page.actor.country, today) {
        Ok(_) => None,
        Err(errors) => errors.0.iter().find(|e| e.field == domain_field).map(|e| t.get(e.message)),
    };
    let id = format!("{field}-error");
    let body = match message {
        Some(message) => format!("<p class=\"field-error\" id=\"{id}\">{}</p>", escape_html(&message)),
        None => format!("<p class=\"field-error\" id=\"{id}\"></p>"),
    };
    Html(body).into_response()
}

fn form_field_to_domain(field: &str) -> &str {
    match field {
        "phone1" => "phones.0",
        "phone2" => "phones.1",
        "email1" => "emails.0",
        "email2" => "emails.1",
        "street" => "address.street",
        "number" => "address.number",
        "complement" => "address.complement",
        "neighbourhood" => "address.neighbourhood",
        "city" => "address.city",
        "state" => "address.state",
        "postal_code" => "address.postal_code",
        other => other,
    }
}
