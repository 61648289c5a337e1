//! Clientes: the customer list, search, the registration form and the sheet.
use super::{FieldMessages, Shell, htmx_error, render, render_with_status};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::i18n::{Tr, tr_for};
use crate::security::CsrfToken;
use app::AppError;
use app::parties::{
    ConsentEventView, MergeView, NoteView, PartyInput, PartyListItem, PartyQuery, PartyView, RelationshipView,
};
use askama::Template;
use axum::extract::{Extension, Form, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use domain::access::Permission;
use domain::party::{AddressDraft, Channel, ConsentChange, PartyDraft, PhoneDraft, RelationshipKind};
use domain::{PartyId, ValidationErrors};
use serde::Deserialize;
use uuid::Uuid;

fn parse_id(id: &str) -> Result<PartyId, AppError> {
    super::path_id(id)
}

/// Errors on customer pages: a merged party's old address leads to the survivor.
fn page_error(error: AppError, locale: domain::Locale, headers: &HeaderMap) -> Response {
    match error {
        AppError::Merged { into } if !headers.contains_key("hx-request") => {
            Redirect::to(&format!("/customers/{into}")).into_response()
        }
        other => htmx_error(other, locale, headers),
    }
}

/// Labels of statuses, kinds and channels in the user's language.
pub struct Labels;

impl Labels {
    /// (label, code) pairs for a status select: the organisation's own
    /// labels, or the catalogue's for the built-in statuses.
    pub fn options(t: &Tr, statuses: Vec<app::registry_settings::StatusView>) -> Vec<(String, String)> {
        statuses
            .into_iter()
            .map(|s| {
                let label =
                    if s.label.is_empty() { Labels::status(t, "customer", Some(&s.code)) } else { s.label };
                (label, s.code)
            })
            .collect()
    }

    pub fn status(t: &Tr, lifecycle: &str, status: Option<&str>) -> String {
        match status {
            Some(status) if lifecycle == "prospect" => t.get(&format!("prospect-{status}")),
            Some(status) => {
                let key = format!("status-customer-{status}");
                if t.has(&key) { t.get(&key) } else { status.to_string() }
            }
            None => String::new(),
        }
    }
}

#[derive(Clone)]
/// A sortable column's header link and its current direction (`aria-sort`).
pub struct SortLink {
    pub column: &'static str,
    pub link: String,
    pub indicator: &'static str,
}

pub struct ListRow {
    pub item: PartyListItem,
    pub status: String,
    pub lifecycle: String,
}

#[derive(Template)]
#[template(path = "customers.html")]
struct ListPage {
    t: Tr,
    shell: Shell,
    rows: Vec<ListRow>,
    query: PartyQuery,
    total: i64,
    total_capped: bool,
    next_link: Option<String>,
    /// None when the user may not export.
    export_link: Option<String>,
    can_create: bool,
    sort_links: Vec<SortLink>,
    statuses: Vec<(String, String)>,
    ufs: Vec<String>,
    sellers: Vec<(String, String)>,
    seller_filter: String,
    errors: Option<String>,
}

fn query_string(query: &PartyQuery, overrides: &[(&str, Option<String>)]) -> String {
    let mut pairs: Vec<(&str, String)> = Vec::new();
    let fields: [(&str, Option<String>); 9] = [
        ("kind", query.kind.clone()),
        ("lifecycle", query.lifecycle.clone()),
        ("status", query.status.clone()),
        ("city", query.city.clone()),
        ("state", query.state.clone()),
        ("seller_id", query.seller_id.map(|s| s.to_string())),
        ("tag", query.tag.clone()),
        ("sort", query.sort.clone()),
        ("dir", query.dir.clone()),
    ];
    for (name, value) in fields {
        let value = overrides.iter().find(|(n, _)| *n == name).map(|(_, v)| v.clone()).unwrap_or(value);
        if let Some(value) = value.filter(|v| !v.is_empty()) {
            pairs.push((name, value));
        }
    }
    for (name, value) in overrides {
        if !fields_contains(name) {
            if let Some(value) = value.clone().filter(|v| !v.is_empty()) {
                pairs.push((name, value));
            }
        }
    }
    serde_urlencoded::to_string(&pairs).unwrap_or_default()
}

fn fields_contains(name: &str) -> bool {
    ["kind", "lifecycle", "status", "city", "state", "seller_id", "tag", "sort", "dir"].contains(&name)
}

pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Extension(csrf): Extension<CsrfToken>,
    headers: HeaderMap,
    Query(query): Query<PartyQuery>,
) -> Response {
    let actor = &user.actor;
    let t = tr_for(actor);
    let (page, total) =
        match (state.app.list_parties(actor, &query).await, state.app.count_parties(actor, &query).await) {
            (Ok(page), Ok(total)) => (page, total),
            (Err(AppError::Validation(errors)), _) | (_, Err(AppError::Validation(errors))) => {
                let message = errors.0.iter().map(|e| t.get(e.message)).collect::<Vec<_>>().join(" ");
                return render_list(
                    &state,
                    &user,
                    &csrf,
                    PartyQuery::default(),
                    domain::page::Page { items: Vec::new(), next_cursor: None },
                    0,
                    Some(message),
                )
                .await;
            }
            (Err(error), _) | (_, Err(error)) => return page_error(error, actor.locale, &headers),
        };
    render_list(&state, &user, &csrf, query, page, total, None).await
}

async fn render_list(
    state: &AppState,
    user: &CurrentUser,
    csrf: &CsrfToken,
    query: PartyQuery,
    page: domain::page::Page<PartyListItem>,
    total: i64,
    errors: Option<String>,
) -> Response {
    let t = tr_for(&user.actor);
    let next_link = page
        .next_cursor
        .as_ref()
        .map(|cursor| format!("/customers?{}", query_string(&query, &[("cursor", Some(cursor.clone()))])));
    let current_sort = query.sort.clone().unwrap_or_else(|| "name".into());
    let current_dir = query.dir.clone().unwrap_or_else(|| "asc".into());
    let sort_links = ["name", "city", "state", "newest"]
        .map(|column| {
            let dir = if current_sort == column && current_dir != "desc" { "desc" } else { "asc" };
            let indicator = match (current_sort == column, current_dir == "desc") {
                (true, false) => "ascending",
                (true, true) => "descending",
                _ => "none",
            };
            let overrides = [("sort", Some(column.to_string())), ("dir", Some(dir.to_string()))];
            SortLink { column, link: format!("/customers?{}", query_string(&query, &overrides)), indicator }
        })
        .to_vec();
    let statuses = match state.app.customer_statuses(&user.actor).await {
        Ok(codes) => Labels::options(&t, codes),
        Err(_) => Vec::new(),
    };
    render(&ListPage {
        t,
        shell: Shell::for_user(csrf, user, "customers", "/customers"),
        rows: page
            .items
            .into_iter()
            .map(|item| ListRow {
                status: statuses
                    .iter()
                    .find(|(_, code)| {
                        item.lifecycle == "customer" && Some(code.as_str()) == item.status.as_deref()
                    })
                    .map(|(label, _)| label.clone())
                    .unwrap_or_else(|| Labels::status(&t, &item.lifecycle, item.status.as_deref())),
                lifecycle: t.get(&format!("lifecycle-{}", item.lifecycle)),
                item,
            })
            .collect(),
        export_link: user
            .actor
            .can(Permission::PartiesExport)
            .then(|| format!("/customers/export.csv?{}", query_string(&query, &[]))),
        can_create: user.actor.can(Permission::PartiesCreate) && user.actor.viewing_as.is_none(),
        seller_filter: query.seller_id.map(|s| s.to_string()).unwrap_or_default(),
        query,
        total,
        total_capped: total >= app::parties::COUNT_CAP as i64,
        next_link,
        sort_links,
        statuses,
        ufs: domain::address::UFS.iter().map(|uf| uf.to_string()).collect(),
        sellers: state
            .app
            .sellers(&user.actor)
            .await
            .unwrap_or_default()
            .into_iter()
            .map(|(id, name)| (id.to_string(), name))
            .collect(),
        errors,
    })
}

#[derive(Template)]
#[template(path = "customer_search.html")]
struct SearchResults {
    t: Tr,
    rows: Vec<PartyListItem>,
    query: String,
    /// In a picker, the id of the hidden input a chosen party's id goes to.
    pick: Option<String>,
}

#[derive(Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
    pick: Option<String>,
}

/// The typeahead's results, as an htmx partial (or a page without htmx).
pub async fn search(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Query(query): Query<SearchQuery>,
) -> Response {
    match state.app.search_parties(&user.actor, &query.q, 10).await {
        Ok(rows) => {
            // The target is an element id of our own pages; anything else is ignored.
            let pick = query
                .pick
                .filter(|p| p.len() <= 40 && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
            render(&SearchResults { t: tr_for(&user.actor), rows, query: query.q, pick })
        }
        Err(error) => htmx_error(error, user.actor.locale, &headers),
    }
}

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
    /// Reads the form body: the fixed fields, then the organisation's own.
    fn from_body(body: &[u8]) -> Result<PartyForm, AppError> {
        let mut form: PartyForm = serde_urlencoded::from_bytes(body)
            .map_err(|_| AppError::Validation(ValidationErrors::single("form", "error-form-invalid")))?;
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body).unwrap_or_default();
        for (name, value) in pairs {
            if let Some(key) = name.strip_prefix("custom.") {
                form.custom.insert(key.to_string(), value);
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
#[template(path = "customer_form.html")]
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
}

async fn form_page(
    state: &AppState,
    user: &CurrentUser,
    csrf: &CsrfToken,
    form: PartyForm,
    extra: FormState,
    status: StatusCode,
) -> Response {
    let FormState { errors, party_id, duplicate, alert } = extra;
    let t = tr_for(&user.actor);
    let statuses =
        state.app.customer_statuses(&user.actor).await.unwrap_or_default().into_iter().collect::<Vec<_>>();
    let statuses = Labels::options(&t, statuses);
    let sellers = state
        .app
        .sellers(&user.actor)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|(id, name)| (id.to_string(), name))
        .collect();
    let path = match &party_id {
        Some(id) => format!("/customers/{id}/edit"),
        None => "/customers/new".into(),
    };
    render_with_status(
        status,
        &FormPage {
            t,
            shell: Shell::new(csrf, Some(user), user.actor.locale, "customers", &path),
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
            custom_fields: state.app.custom_fields(&user.actor).await.unwrap_or_default(),
        },
    )
}

pub async fn new_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Extension(csrf): Extension<CsrfToken>,
) -> Response {
    let form = PartyForm {
        kind: "person".into(),
        lifecycle: "customer".into(),
        customer_status: "active".into(),
        ..Default::default()
    };
    form_page(&state, &user, &csrf, form, FormState::default(), StatusCode::OK).await
}

pub async fn edit_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Extension(csrf): Extension<CsrfToken>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let party = match parse_id(&id) {
        Ok(id) => state.app.party_for_edit(&user.actor, id).await,
        Err(error) => Err(error),
    };
    match party {
        Ok(party) => {
            form_page(
                &state,
                &user,
                &csrf,
                PartyForm::from_view(&party),
                FormState { party_id: Some(id), ..FormState::default() },
                StatusCode::OK,
            )
            .await
        }
        Err(error) => page_error(error, user.actor.locale, &headers),
    }
}

/// Shows a save's failure inside the form: field messages, the duplicate's
/// link, or the conflict message.
async fn form_failure(
    state: &AppState,
    user: &CurrentUser,
    csrf: &CsrfToken,
    form: PartyForm,
    party_id: Option<String>,
    error: AppError,
    headers: &HeaderMap,
) -> Response {
    let t = tr_for(&user.actor);
    match error {
        AppError::Validation(errors) => {
            let messages = FieldMessages::from_errors(&errors, &t);
            form_page(
                state,
                user,
                csrf,
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
                state,
                user,
                csrf,
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
            form_page(state, user, csrf, form, state_, StatusCode::CONFLICT).await
        }
        AppError::Conflict { .. } => {
            let (status, message) = super::app_error_message(&error, &t);
            form_page(
                state,
                user,
                csrf,
                form,
                FormState { party_id, alert: Some(message), ..FormState::default() },
                status,
            )
            .await
        }
        other => page_error(other, user.actor.locale, headers),
    }
}

fn saved_redirect(id: Uuid, duplicates: usize) -> Response {
    let target = if duplicates > 0 {
        format!("/customers/{id}?possible_duplicates=1")
    } else {
        format!("/customers/{id}")
    };
    Redirect::to(&target).into_response()
}

pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Extension(csrf): Extension<CsrfToken>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let form = match PartyForm::from_body(&body) {
        Ok(form) => form,
        Err(error) => return page_error(error, user.actor.locale, &headers),
    };
    let input = PartyInput { draft: form.draft(), consents: form.consents() };
    match state.app.create_party(&user.actor, input).await {
        Ok(saved) => saved_redirect(saved.party.id, saved.possible_duplicates.len()),
        Err(error) => form_failure(&state, &user, &csrf, form, None, error, &headers).await,
    }
}

pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Extension(csrf): Extension<CsrfToken>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let form = match PartyForm::from_body(&body) {
        Ok(form) => form,
        Err(error) => return page_error(error, user.actor.locale, &headers),
    };
    let party_id = match parse_id(&id) {
        Ok(party_id) => party_id,
        Err(error) => return page_error(error, user.actor.locale, &headers),
    };
    let version = form.version.unwrap_or(0);
    match state.app.update_party(&user.actor, party_id, version, form.draft()).await {
        Ok(saved) => saved_redirect(saved.party.id, saved.possible_duplicates.len()),
        Err(error) => form_failure(&state, &user, &csrf, form, Some(id), error, &headers).await,
    }
}

/// Validation as a field loses focus: the whole form is checked, the
/// message of the field that triggered it comes back.
pub async fn validate_field(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let form = PartyForm::from_body(&body).unwrap_or_default();
    let t = tr_for(&user.actor);
    let field = headers.get("hx-trigger-name").and_then(|v| v.to_str().ok()).unwrap_or_default();
    let domain_field = form_field_to_domain(field);
    let today = app::now().date_naive();
    let message = match form.draft().validate(domain::phone::Country::Brazil, today) {
        Ok(_) => None,
        Err(errors) => errors.0.iter().find(|e| e.field == domain_field).map(|e| t.get(e.message)),
    };
    let _ = state;
    let id = format!("{field}-error");
    let body = match message {
        Some(message) => format!("<p class=\"field-error\" id=\"{id}\">{}</p>", super::escape_html(&message)),
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

pub struct SheetFact {
    pub label: String,
    pub value: String,
}

pub struct ConsentBadge {
    pub channel: &'static str,
    pub label: String,
    pub granted: bool,
}

pub struct ConsentLine {
    pub event: ConsentEventView,
    pub channel: String,
    pub when: String,
}

#[derive(Template)]
#[template(path = "customer.html")]
struct SheetPage {
    t: Tr,
    shell: Shell,
    party: PartyView,
    status: String,
    kind: String,
    lifecycle: String,
    facts: Vec<SheetFact>,
    badges: Vec<ConsentBadge>,
    consent_history: Vec<ConsentLine>,
    notes: Vec<(NoteView, String)>,
    relationships: Vec<(RelationshipView, String)>,
    merges: Vec<(MergeView, String)>,
    relationship_kinds: Vec<(&'static str, String)>,
    possible_duplicates: bool,
    address_line: String,
    /// Controls shown only to who may use them.
    can_edit: bool,
    can_delete: bool,
    profile: super::profile::ProfileParts,
}

/// The notes the profile shows; the history holds all of them.
const PROFILE_NOTES: u32 = 20;

#[derive(Deserialize, Default)]
pub struct SheetQuery {
    possible_duplicates: Option<String>,
    /// The history's filter: one event kind.
    history: Option<String>,
    /// The history's page: the last event of the previous one.
    before: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Extension(csrf): Extension<CsrfToken>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(query): Query<SheetQuery>,
) -> Response {
    let actor = &user.actor;
    let party_id = match parse_id(&id) {
        Ok(id) => id,
        Err(error) => return page_error(error, actor.locale, &headers),
    };
    let party = match state.app.get_party(actor, party_id).await {
        Ok(party) => party,
        Err(error) => return page_error(error, actor.locale, &headers),
    };
    let (history, notes, relationships, merges) = match (
        state.app.consent_history(actor, party_id).await,
        state.app.notes(actor, party_id, PROFILE_NOTES).await,
        state.app.relationships(actor, party_id).await,
        state.app.merges_into(actor, party_id).await,
    ) {
        (Ok(h), Ok(n), Ok(r), Ok(m)) => (h, n, r, m),
        (Err(e), ..) | (_, Err(e), ..) | (_, _, Err(e), _) | (.., Err(e)) => {
            return page_error(e, actor.locale, &headers);
        }
    };
    let t = tr_for(actor);
    let history_query =
        super::profile::HistoryQuery::parse(query.history.as_deref(), query.before.as_deref());
    let profile = match super::profile::profile_parts(&state, actor, &t, party_id, &history_query).await {
        Ok(profile) => profile,
        Err(error) => return page_error(error, actor.locale, &headers),
    };
    let seller = match party.seller_id {
        Some(id) => state
            .app
            .sellers(actor)
            .await
            .unwrap_or_default()
            .into_iter()
            .find(|(s, _)| *s == id)
            .map(|(_, n)| n),
        None => None,
    };
    let mut facts = facts(&party, &t);
    for field in state.app.custom_fields(actor).await.unwrap_or_default() {
        if let Some(value) = party.custom.get(&field.key) {
            facts.push(SheetFact { label: field.label, value: value.clone() });
        }
    }
    if let Some(name) = seller {
        facts.insert(0, SheetFact { label: t.get("party-seller"), value: name });
    }
    let portfolio = party.portfolio();
    render(&SheetPage {
        can_edit: user.actor.may_change(Permission::PartiesEdit, portfolio),
        can_delete: user.actor.may_change(Permission::PartiesDelete, portfolio),
        status: Labels::status(
            &t,
            &party.lifecycle,
            party.customer_status.as_deref().or(party.prospect_state.as_deref()),
        ),
        kind: t.get(&format!("kind-{}", party.kind)),
        lifecycle: t.get(&format!("lifecycle-{}", party.lifecycle)),
        facts,
        badges: Channel::ALL
            .iter()
            .map(|c| ConsentBadge {
                channel: c.as_str(),
                label: t.get(&format!("channel-{}", c.as_str())),
                granted: party.consent_for(*c),
            })
            .collect(),
        consent_history: history
            .into_iter()
            .map(|event| ConsentLine {
                channel: t.get(&format!("channel-{}", event.channel)),
                when: t.datetime(&event.at),
                event,
            })
            .collect(),
        notes: notes
            .into_iter()
            .map(|n| {
                let when = t.datetime(&n.created_at);
                (n, when)
            })
            .collect(),
        relationships: relationships
            .into_iter()
            .map(|r| {
                let kind = t.get(&format!("relationship-{}", r.kind));
                (r, kind)
            })
            .collect(),
        merges: merges
            .into_iter()
            .map(|m| {
                let when = t.datetime(&m.at);
                (m, when)
            })
            .collect(),
        relationship_kinds: RelationshipKind::ALL
            .iter()
            .map(|k| (k.as_str(), t.get(&format!("relationship-{}", k.as_str()))))
            .collect(),
        possible_duplicates: query.possible_duplicates.is_some(),
        profile,
        address_line: party
            .address
            .as_ref()
            .map(|a| {
                [
                    format!("{} {}", a.street, a.number).trim().to_string(),
                    a.complement.clone(),
                    a.neighbourhood.clone(),
                    format!("{} {}", a.city, a.state).trim().to_string(),
                    a.postal_code.clone(),
                ]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" · ")
            })
            .unwrap_or_default(),
        t,
        shell: Shell::for_user(&csrf, &user, "customers", &format!("/customers/{id}")),
        party,
    })
}

fn facts(party: &PartyView, t: &Tr) -> Vec<SheetFact> {
    let mut facts = Vec::new();
    let mut add = |key: &str, value: Option<String>| {
        if let Some(value) = value.filter(|v| !v.is_empty()) {
            facts.push(SheetFact { label: t.get(key), value });
        }
    };
    add("party-trade-name", party.trade_name.clone());
    add("party-document", party.document_formatted.clone());
    add("party-birth-date", party.birth_date.map(|d| t.date(&d)));
    add("party-sex", party.sex.as_ref().map(|s| t.get(&format!("sex-{s}"))));
    add("party-profession", party.profession.clone());
    add("party-football-team", party.football_team.clone());
    add("party-shoe-size", party.shoe_size.map(|s| s.to_string()));
    add("party-spouse-name", party.spouse_name.clone());
    add("party-spouse-birth-date", party.spouse_birth_date.map(|d| t.date(&d)));
    add(
        "party-credit-bureau",
        party.credit_bureau_status.as_ref().map(|s| t.get(&format!("credit-bureau-{s}"))),
    );
    add("party-agreement", party.agreement.clone());
    add("party-credit-complement", party.credit_complement.clone());
    add("party-revolving-credit", party.revolving_credit_limit.map(|c| t.money(c)));
    add("party-company-sector", party.company_sector.clone());
    add("party-tags", Some(party.tags.join(", ")));
    facts
}

#[derive(Deserialize)]
pub struct ConsentForm {
    channel: String,
    granted: bool,
    #[serde(default)]
    source: String,
    #[serde(default)]
    wording: String,
}

pub async fn consent(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<ConsentForm>,
) -> Response {
    let result = async {
        let id = parse_id(&id)?;
        let change = ConsentChange::parse(&form.channel, form.granted, &form.source, &form.wording)?;
        state.app.record_consent(&user.actor, id, change).await
    }
    .await;
    after_action(result.map(|p| p.id), user.actor.locale, &headers)
}

/// After a change on the sheet: back to the sheet (htmx refreshes it).
fn after_action(result: Result<Uuid, AppError>, locale: domain::Locale, headers: &HeaderMap) -> Response {
    match result {
        Ok(id) if headers.contains_key("hx-request") => {
            let mut response = StatusCode::NO_CONTENT.into_response();
            if let Ok(value) = HeaderValue::from_str(&format!("/customers/{id}")) {
                response.headers_mut().insert("hx-location", value);
            }
            response
        }
        Ok(id) => Redirect::to(&format!("/customers/{id}")).into_response(),
        Err(error) => page_error(error, locale, headers),
    }
}

#[derive(Deserialize)]
pub struct NoteForm {
    #[serde(default)]
    body: String,
}

pub async fn add_note(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<NoteForm>,
) -> Response {
    let result = async {
        let party = parse_id(&id)?;
        state.app.add_note(&user.actor, party, &form.body).await.map(|_| party.0)
    }
    .await;
    after_action(result, user.actor.locale, &headers)
}

/// The party a picker chose, from its hidden form field.
fn other_party(text: &str, field: &'static str) -> Result<PartyId, AppError> {
    text.trim().parse().map_err(|_| ValidationErrors::single(field, "error-party-not-found").into())
}

#[derive(Deserialize)]
pub struct RelationshipForm {
    #[serde(default)]
    related_id: String,
    #[serde(default)]
    kind: String,
}

pub async fn add_relationship(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<RelationshipForm>,
) -> Response {
    let result = async {
        let party = parse_id(&id)?;
        let related = other_party(&form.related_id, "related_id")?;
        state.app.add_relationship(&user.actor, party, related, &form.kind).await.map(|_| party.0)
    }
    .await;
    after_action(result, user.actor.locale, &headers)
}

pub async fn remove_relationship(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Path((id, rel)): Path<(String, String)>,
) -> Response {
    let result = async {
        let party = parse_id(&id)?;
        let rel: Uuid = super::path_id(&rel)?;
        state.app.remove_relationship(&user.actor, party, rel).await.map(|_| party.0)
    }
    .await;
    after_action(result, user.actor.locale, &headers)
}

#[derive(Deserialize)]
pub struct MergeForm {
    #[serde(default)]
    merged_id: String,
}

pub async fn merge(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<MergeForm>,
) -> Response {
    let result = async {
        let survivor = parse_id(&id)?;
        let merged = other_party(&form.merged_id, "merged_id")?;
        state.app.merge_parties(&user.actor, survivor, merged).await.map(|_| survivor.0)
    }
    .await;
    after_action(result, user.actor.locale, &headers)
}

pub async fn undo_merge(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let result = async {
        let merge_id: Uuid = super::path_id(&id)?;
        state.app.undo_merge(&user.actor, merge_id).await.map(|p| p.id)
    }
    .await;
    after_action(result, user.actor.locale, &headers)
}

#[derive(Deserialize)]
pub struct ArchiveForm {
    version: i64,
    archived: bool,
}

pub async fn archive(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<ArchiveForm>,
) -> Response {
    let result = async {
        let party = parse_id(&id)?;
        state.app.archive_party(&user.actor, party, form.version, form.archived).await.map(|p| p.id)
    }
    .await;
    match result {
        Ok(_) if form.archived => Redirect::to("/customers").into_response(),
        other => after_action(other, user.actor.locale, &headers),
    }
}

/// The list as CSV the way Brazilian Excel opens it.
pub async fn export_csv(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Query(query): Query<PartyQuery>,
) -> Response {
    let locale = user.actor.locale;
    match crate::csv::parties_download(state.app.clone(), user.actor, query) {
        Ok(response) => response,
        Err(error) => page_error(error, locale, &headers),
    }
}
