//! Contracts [contratos] over the API: a party's contracts, one attached
//! with its file (base64), changed at its version, its file downloaded,
//! and the organisation's found by number or party, or expiring soon.
use super::responses::{Conflict, Forbidden, Invalid, NotFound};
use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{Api, ApiJson, Id, Query};
use app::contracts::{ContractQuery, ContractView};
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::response::{Json, Response};
use axum::routing;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, NaiveDate, Utc};
use domain::contract::{ContractDraft, ContractFile, ContractKind, ContractStatus};
use domain::{ContractId, PartyId, ValidationErrors};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    let upload = DefaultBodyLimit::max(crate::server::UPLOAD_JSON_BYTES);
    Router::new()
        .route("/parties/{id}/contracts", routing::get(of_party).post(attach).layer(upload))
        .route("/contracts", routing::get(find))
        .route("/contracts/{id}", routing::get(get).put(update).layer(upload))
        .route("/contracts/{id}/file", routing::get(file))
}

#[derive(OpenApi)]
#[openapi(paths(of_party, attach, find, get, update, file))]
pub struct Doc;

/// A contract's details as sent.
#[derive(Clone, Deserialize, ToSchema)]
pub struct ContractFields {
    #[schema(min_length = 1, max_length = 60)]
    pub number: String,
    /// `other` when left out.
    pub kind: Option<ContractKind>,
    /// `active` when left out.
    pub status: Option<ContractStatus>,
    pub starts_on: NaiveDate,
    /// The last day it holds; none for one with no end.
    pub expires_on: Option<NaiveDate>,
    /// When it is to be renewed.
    pub renews_on: Option<NaiveDate>,
    /// The number of the party's quote it came from (the order that quote became goes with it).
    #[schema(minimum = 1)]
    pub quote_number: Option<i64>,
    #[serde(default)]
    #[schema(max_length = 5000)]
    pub notes: String,
}

impl ContractFields {
    fn draft(&self) -> ContractDraft {
        let day = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        ContractDraft {
            number: self.number.clone(),
            kind: self.kind.map(|k| k.as_str().to_string()).unwrap_or_default(),
            status: self.status.map(|s| s.as_str().to_string()).unwrap_or_default(),
            starts_on: self.starts_on.to_string(),
            expires_on: day(self.expires_on),
            renews_on: day(self.renews_on),
            quote_number: self.quote_number.map(|n| n.to_string()).unwrap_or_default(),
            notes: self.notes.clone(),
        }
    }
}

/// The file as sent: a PDF, a DOCX, a PNG or a JPEG of at most 10 MB.
#[derive(Clone, Deserialize, ToSchema)]
pub struct ContractUpload {
    #[schema(min_length = 1, max_length = 150)]
    pub file_name: String,
    /// The file's bytes, base64 (standard alphabet).
    #[schema(min_length = 1)]
    pub content_base64: String,
}

impl ContractUpload {
    fn checked(&self) -> Result<ContractFile, ValidationErrors> {
        let content = STANDARD
            .decode(self.content_base64.trim())
            .map_err(|_| ValidationErrors::single("file", "error-attachment-base64"))?;
        ContractFile::check(&self.file_name, content)
    }
}

#[derive(Deserialize, ToSchema)]
pub struct NewContract {
    #[serde(flatten)]
    pub contract: ContractFields,
    pub file: ContractUpload,
}

#[derive(Deserialize, ToSchema)]
pub struct ContractUpdate {
    #[serde(flatten)]
    pub contract: ContractFields,
    /// A new file replacing the one attached; left out, the file stays.
    pub file: Option<ContractUpload>,
    /// The version read.
    pub version: i64,
}

#[derive(Serialize, ToSchema)]
pub struct Contract {
    pub id: Uuid,
    pub party_id: Uuid,
    pub party_name: String,
    pub number: String,
    pub kind: ContractKind,
    pub status: ContractStatus,
    /// Its status today: `active`, `suspended`, `ended`, or `expired` (active, past its last day).
    pub standing: String,
    pub starts_on: NaiveDate,
    pub expires_on: Option<NaiveDate>,
    pub renews_on: Option<NaiveDate>,
    pub quote_id: Option<Uuid>,
    pub quote_number: Option<i64>,
    pub order_id: Option<Uuid>,
    /// Who attached it.
    pub owner: Option<String>,
    pub notes: String,
    pub file_name: String,
    pub content_type: String,
    pub file_size: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

impl From<ContractView> for Contract {
    fn from(view: ContractView) -> Contract {
        Contract {
            id: view.id,
            party_id: view.party_id,
            party_name: view.party_name,
            number: view.number,
            kind: view.kind,
            status: view.status,
            standing: view.standing.to_string(),
            starts_on: view.starts_on,
            expires_on: view.expires_on,
            renews_on: view.renews_on,
            quote_id: view.quote_id,
            quote_number: view.quote_number,
            order_id: view.order_id,
            owner: view.owner_name,
            notes: view.notes,
            file_name: view.file_name,
            content_type: view.content_type,
            file_size: view.file_size,
            created_at: view.created_at,
            updated_at: view.updated_at,
            version: view.version,
        }
    }
}

#[utoipa::path(get, path = "/api/v1/parties/{id}/contracts", tag = "contracts", security(("bearer" = [])),
    params(("id" = Uuid, Path)), responses((status = 200, body = Vec<Contract>), NotFound))]
pub async fn of_party(Api { state, actor }: Api, Id(id): Id<PartyId>) -> ApiResult<Json<Vec<Contract>>> {
    Ok(Json(state.app.contracts().contracts_of(&actor, id).await?.into_iter().map(Contract::from).collect()))
}

/// Attaches a contract to the party. A number another contract has is
/// `409`; a file that is no PDF, DOCX, PNG or JPEG, or over 10 MB, is
/// `422` on `file`; a quote number the party has no quote of is `422`.
#[utoipa::path(post, path = "/api/v1/parties/{id}/contracts", tag = "contracts", security(("bearer" = [])),
    params(("id" = Uuid, Path)), request_body = NewContract,
    responses((status = 201, body = Contract), Invalid, Forbidden, NotFound, Conflict))]
pub async fn attach(
    Api { state, actor }: Api,
    Id(id): Id<PartyId>,
    ApiJson(body): ApiJson<NewContract>,
) -> ApiResult<(StatusCode, Json<Contract>)> {
    let saved = state.app.contracts().attach(&actor, id, &body.contract.draft(), body.file.checked()).await?;
    Ok((StatusCode::CREATED, Json(saved.into())))
}

#[derive(Deserialize, IntoParams)]
pub struct ContractParams {
    /// Part of the number or of the party's name.
    pub q: Option<String>,
    /// Active contracts whose last day is within this many days (30, 60, 90…), soonest first.
    #[param(minimum = 1, maximum = 366)]
    pub within_days: Option<u32>,
}

/// The organisation's contracts the reader may see: by number or party,
/// or expiring soon; at most 500.
#[utoipa::path(get, path = "/api/v1/contracts", tag = "contracts", security(("bearer" = [])), params(ContractParams),
    responses((status = 200, body = Vec<Contract>), Invalid))]
pub async fn find(
    Api { state, actor }: Api,
    Query(params): Query<ContractParams>,
) -> ApiResult<Json<Vec<Contract>>> {
    let query = ContractQuery { text: params.q.unwrap_or_default(), within_days: params.within_days };
    Ok(Json(state.app.contracts().find(&actor, &query).await?.into_iter().map(Contract::from).collect()))
}

#[utoipa::path(get, path = "/api/v1/contracts/{id}", tag = "contracts", security(("bearer" = [])),
    params(("id" = Uuid, Path)), responses((status = 200, body = Contract), NotFound))]
pub async fn get(Api { state, actor }: Api, Id(id): Id<ContractId>) -> ApiResult<Json<Contract>> {
    Ok(Json(state.app.contracts().contract(&actor, id).await?.into()))
}

/// Changes a contract at the `version` read (`409` when someone saved since).
#[utoipa::path(put, path = "/api/v1/contracts/{id}", tag = "contracts", security(("bearer" = [])),
    params(("id" = Uuid, Path)), request_body = ContractUpdate,
    responses((status = 200, body = Contract), Invalid, Forbidden, NotFound, Conflict))]
pub async fn update(
    Api { state, actor }: Api,
    Id(id): Id<ContractId>,
    ApiJson(body): ApiJson<ContractUpdate>,
) -> ApiResult<Json<Contract>> {
    let file = body.file.as_ref().map(ContractUpload::checked);
    let saved =
        state.app.contracts().update_contract(&actor, id, body.version, &body.contract.draft(), file).await?;
    Ok(Json(saved.into()))
}

/// The contract's file as it was attached.
#[utoipa::path(get, path = "/api/v1/contracts/{id}/file", tag = "contracts", security(("bearer" = [])),
    params(("id" = Uuid, Path)), responses((status = 200, content_type = "application/pdf", body = Vec<u8>), NotFound))]
pub async fn file(Api { state, actor }: Api, Id(id): Id<ContractId>) -> ApiResult<Response> {
    let document = state.app.contracts().document(&actor, id).await?;
    Ok(crate::download::file_of_type(&document.content_type, &document.file_name, document.content))
}
