//! Contratos: attaching one to a customer (its file and details), its page
//! (read, changed at the version read, its file downloaded), and the list
//! of the organisation's — by number or customer, or expiring in 30, 60 or
//! 90 days.
use super::components::{FieldMessages, FormOutcome, FormValues, Pairs, value};
use crate::AppState;
use crate::error::PageResult;
use crate::extract::{FormWithFiles, Id, Page, Query};
use crate::flash::Flash;
use crate::i18n::Tr;
use crate::layout::{Shell, render_with_status};
use app::contracts::{ContractQuery, ContractView};
use askama::Template;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing;
use domain::contract::{ContractDraft, ContractFile, ContractKind, ContractStatus};
use domain::{ContractId, PartyId, ValidationErrors};
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    let upload = DefaultBodyLimit::max(crate::server::UPLOAD_FORM_BYTES);
    Router::new()
        .route("/contracts", routing::get(list))
        .route("/customers/{id}/contracts/new", routing::get(new_form))
        .route("/customers/{id}/contracts", routing::post(attach).layer(upload))
        .route("/contracts/{id}", routing::get(show).post(update).layer(upload))
        .route("/contracts/{id}/file", routing::get(file))
}

/// One contract as a list shows it.
pub struct ContractLine {
    pub id: uuid::Uuid,
    pub number: String,
    pub party_id: uuid::Uuid,
    pub party_name: String,
    pub kind: String,
    pub standing: &'static str,
    pub standing_label: String,
    pub starts_on: String,
    pub expires_on: String,
    pub file_name: String,
}

impl ContractLine {
    pub fn of(t: &Tr, view: ContractView) -> ContractLine {
        ContractLine {
            id: view.id,
            kind: t.get(&format!("contract-kind-{}", view.kind.as_str())),
            standing_label: t.get(&format!("contract-status-{}", view.standing)),
            standing: view.standing,
            starts_on: t.date(&view.starts_on),
            expires_on: view.expires_on.map(|d| t.date(&d)).unwrap_or_else(|| "—".into()),
            number: view.number,
            party_id: view.party_id,
            party_name: view.party_name,
            file_name: view.file_name,
        }
    }
}

#[derive(Template)]
#[template(path = "contracts/list.html")]
struct ListPage {
    t: Tr,
    shell: Shell,
    lines: Vec<ContractLine>,
    query: String,
    within: String,
    /// (value, label) of the expiry filter: all, 30, 60, 90 days.
    windows: Vec<(&'static str, String)>,
    errors: FieldMessages,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    q: String,
    within_days: String,
}

async fn list(page: Page, Query(query): Query<ListQuery>) -> PageResult {
    let t = page.t;
    let mut errors = ValidationErrors::new();
    let within_days = match query.within_days.trim() {
        "" => None,
        typed => errors.check("within_days", typed.parse::<u32>().map_err(|_| "error-number-invalid")),
    };
    let found = if errors.is_empty() {
        page.app().contracts().find(&page.actor, &ContractQuery { text: query.q.clone(), within_days }).await
    } else {
        Err(errors.into())
    };
    let (lines, errors, status) = match found {
        Ok(found) => {
            (found.into_iter().map(|c| ContractLine::of(&t, c)).collect(), FieldMessages::default(), 200)
        }
        Err(app::AppError::Validation(errors)) => (Vec::new(), FieldMessages::from_errors(&errors, &t), 422),
        Err(other) => return Err(other.into()),
    };
    let windows = std::iter::once(("", t.get("contracts-any-expiry")))
        .chain(["30", "60", "90"].into_iter().map(|d| (d, t.with("contracts-within", "days", d))))
        .collect();
    let body = ListPage {
        shell: page.shell("customers"),
        lines,
        query: query.q,
        within: query.within_days,
        windows,
        errors,
        t,
    };
    Ok(render_with_status(axum::http::StatusCode::from_u16(status).unwrap_or_default(), &body))
}

#[derive(Template)]
#[template(path = "contracts/form.html")]
struct ContractPage {
    t: Tr,
    shell: Shell,
    party_id: String,
    party_name: String,
    /// The contract being read and changed; none for a new one.
    contract: Option<ContractView>,
    /// Its status today, as read.
    standing: String,
    action: String,
    kinds: Vec<(&'static str, String)>,
    statuses: Vec<(&'static str, String)>,
    can_edit: bool,
    form: FormValues,
    errors: FieldMessages,
    alert: Option<String>,
}

fn draft_of(fields: &Pairs) -> ContractDraft {
    ContractDraft {
        number: value(fields, "number").to_string(),
        kind: value(fields, "kind").to_string(),
        status: value(fields, "status").to_string(),
        starts_on: value(fields, "starts_on").to_string(),
        expires_on: value(fields, "expires_on").to_string(),
        renews_on: value(fields, "renews_on").to_string(),
        quote_number: value(fields, "quote_number").to_string(),
        notes: value(fields, "notes").to_string(),
    }
}

fn values_of(contract: &ContractView) -> FormValues {
    let day = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    FormValues(vec![
        ("number".into(), contract.number.clone()),
        ("kind".into(), contract.kind.as_str().into()),
        ("status".into(), contract.status.as_str().into()),
        ("starts_on".into(), contract.starts_on.to_string()),
        ("expires_on".into(), day(contract.expires_on)),
        ("renews_on".into(), day(contract.renews_on)),
        ("quote_number".into(), contract.quote_number.map(|n| n.to_string()).unwrap_or_default()),
        ("notes".into(), contract.notes.clone()),
        ("version".into(), contract.version.to_string()),
    ])
}

async fn contract_page(
    page: &Page,
    party: (String, String),
    contract: Option<ContractView>,
    form: FormValues,
    outcome: FormOutcome,
    can_edit: bool,
) -> PageResult {
    let t = page.t;
    let body = ContractPage {
        action: match &contract {
            Some(contract) => format!("/contracts/{}", contract.id),
            None => format!("/customers/{}/contracts", party.0),
        },
        standing: contract
            .as_ref()
            .map(|c| t.get(&format!("contract-status-{}", c.standing)))
            .unwrap_or_default(),
        kinds: ContractKind::ALL
            .iter()
            .map(|k| (k.as_str(), t.get(&format!("contract-kind-{}", k.as_str()))))
            .collect(),
        statuses: ContractStatus::ALL
            .iter()
            .map(|s| (s.as_str(), t.get(&format!("contract-status-{}", s.as_str()))))
            .collect(),
        party_id: party.0,
        party_name: party.1,
        contract,
        can_edit,
        form,
        errors: outcome.errors,
        alert: outcome.alert,
        shell: page.shell("customers"),
        t,
    };
    Ok(render_with_status(outcome.status, &body))
}

async fn party_of(page: &Page, party: PartyId) -> Result<(String, String), app::AppError> {
    let name = page.app().parties().party_name(&page.actor, party).await?;
    Ok((party.0.to_string(), name))
}

async fn new_form(page: Page, Id(party): Id<PartyId>) -> PageResult {
    let named = party_of(&page, party).await?;
    let today = page.app().today(&page.actor).to_string();
    let form = FormValues(vec![("starts_on".into(), today), ("status".into(), "active".into())]);
    contract_page(&page, named, None, form, FormOutcome::of(None, &page.t)?, true).await
}

/// The file chosen, if one was: a file input left alone sends nothing.
fn chosen(files: Vec<(String, String, Vec<u8>)>) -> Option<Result<ContractFile, ValidationErrors>> {
    files.into_iter().next().map(|(name, _, content)| ContractFile::check(&name, content))
}

async fn attach(page: Page, Id(party): Id<PartyId>, form: FormWithFiles) -> PageResult {
    let file = chosen(form.files)
        .unwrap_or_else(|| Err(ValidationErrors::single("file", "error-contract-file-missing")));
    match page.app().contracts().attach(&page.actor, party, &draft_of(&form.fields), file).await {
        Ok(saved) => {
            page.redirect_with(&format!("/contracts/{}", saved.id), Flash::notice("contract-attached")).await
        }
        Err(error) => {
            let named = party_of(&page, party).await?;
            let outcome = FormOutcome::of(Some(error), &page.t)?;
            contract_page(&page, named, None, FormValues(form.fields), outcome, true).await
        }
    }
}

async fn show(page: Page, Id(id): Id<ContractId>) -> PageResult {
    let contract = page.app().contracts().contract(&page.actor, id).await?;
    let can_edit = page.app().contracts().may_change(&page.actor, &contract).await?;
    let party = (contract.party_id.to_string(), contract.party_name.clone());
    let form = values_of(&contract);
    contract_page(&page, party, Some(contract), form, FormOutcome::of(None, &page.t)?, can_edit).await
}

async fn update(page: Page, Id(id): Id<ContractId>, form: FormWithFiles) -> PageResult {
    let version = value(&form.fields, "version").trim().parse::<i64>().unwrap_or(0);
    let draft = draft_of(&form.fields);
    let file = chosen(form.files);
    match page.app().contracts().update_contract(&page.actor, id, version, &draft, file).await {
        Ok(saved) => {
            page.redirect_with(&format!("/contracts/{}", saved.id), Flash::notice("contract-saved")).await
        }
        Err(error) => {
            let contract = page.app().contracts().contract(&page.actor, id).await?;
            let party = (contract.party_id.to_string(), contract.party_name.clone());
            let outcome = FormOutcome::of(Some(error), &page.t)?;
            let mut typed = form.fields;
            if outcome.alert.is_some() {
                // Someone saved in between: the form starts again from what is stored.
                typed = values_of(&contract).0;
            }
            contract_page(&page, party, Some(contract), FormValues(typed), outcome, true).await
        }
    }
}

async fn file(page: Page, Id(id): Id<ContractId>) -> PageResult {
    let document = page.app().contracts().document(&page.actor, id).await?;
    Ok(crate::download::file_of_type(&document.content_type, &document.file_name, document.content))
}
