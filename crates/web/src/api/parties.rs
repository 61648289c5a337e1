//! Parties [clientes]: the registry through the API.
use super::responses::{BadRequest, Conflict, Forbidden, Invalid, NotFound};
use super::{ChosenItem, code, public_all};
use crate::AppState;
use crate::error::ApiResult;
use crate::error::Error;
use crate::extract::{Api, ApiJson, Id, Query};
use app::parties::{PartyInput, PartyQuery, PartySelection};
use axum::Router;
use axum::http::StatusCode;
use axum::response::{Json, Response};
use axum::routing;
use chrono::DateTime;
use chrono::NaiveDate;
use chrono::Utc;
use domain::PartyId;
use domain::bulk::Chosen;
use domain::document::DocumentKind;
use domain::party::Channel;
use domain::party::Lifecycle;
use domain::party::PartyKind;
use domain::party::PhoneKind;
use domain::party::ProspectState;
use domain::party::RelationshipKind;
use domain::party::Sex;
use domain::party::{ConsentChange, PartyDraft};
use domain::timeline::EventKind;
use serde::{Deserialize, Serialize};
use utoipa::OpenApi;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/parties", routing::get(list).post(create))
        .route("/parties/search", routing::get(search))
        .route("/parties/export.csv", routing::get(export_csv))
        .route("/parties/bulk", routing::post(bulk))
        .route("/parties/{id}", routing::get(get).put(update))
        .route("/parties/{id}/archive", routing::post(archive))
        .route("/parties/{id}/consents", routing::get(consent_history).post(record_consent))
        .route("/parties/{id}/notes", routing::get(notes).post(add_note))
        .route("/parties/{id}/relationships", routing::get(relationships).post(add_relationship))
        .route("/parties/{id}/merge", routing::post(merge))
        .route("/merges/{id}/undo", routing::post(undo_merge))
        .route("/parties/{id}/history", routing::get(history))
}

#[derive(OpenApi)]
#[openapi(paths(
    list,
    search,
    bulk,
    create,
    get,
    update,
    archive,
    record_consent,
    consent_history,
    add_note,
    notes,
    add_relationship,
    relationships,
    merge,
    undo_merge,
    export_csv,
    history
))]
pub struct Doc;

#[derive(Serialize, ToSchema)]
pub struct PartyPage {
    pub items: Vec<PartyListItem>,
    /// Pass as `cursor` for the next page; absent on the last one.
    pub next_cursor: Option<String>,
    /// Pass as `before` for the previous page; absent on the first.
    pub prev_cursor: Option<String>,
    /// How many parties the filter selects, counted up to 10,000.
    pub total: i64,
}

#[utoipa::path(get, path = "/api/v1/parties", tag = "parties", security(("bearer" = [])), params(PartyQuery),
    responses((status = 200, body = PartyPage), Invalid))]
pub async fn list(Api { state, actor }: Api, Query(query): Query<PartyQuery>) -> ApiResult<Json<PartyPage>> {
    let page = state.app.parties().list_parties(&actor, &query).await?;
    let total = state.app.parties().count_parties(&actor, &query).await?;
    Ok(Json(PartyPage {
        items: public_all(page.items)?,
        next_cursor: page.next_cursor,
        prev_cursor: page.prev_cursor,
        total,
    }))
}

#[derive(Deserialize, IntoParams)]
pub struct SearchParams {
    /// Name, trade name, CPF/CNPJ/NIF (with or without punctuation), phone in any format, e-mail.
    #[serde(default)]
    pub q: String,
    /// 1 to 50, default 10.
    #[param(minimum = 1, maximum = 50)]
    pub limit: Option<u32>,
}

#[utoipa::path(get, path = "/api/v1/parties/search", tag = "parties", security(("bearer" = [])), params(SearchParams),
    responses((status = 200, body = Vec<PartyListItem>)))]
pub async fn search(
    Api { state, actor }: Api,
    Query(params): Query<SearchParams>,
) -> ApiResult<Json<Vec<PartyListItem>>> {
    let found = state
        .app
        .parties()
        .search_parties(&actor, &params.q, domain::page::page_size(params.limit, 10, 50)?)
        .await?;
    Ok(Json(public_all(found)?))
}

/// Creates a person or company. A CPF/CNPJ/NIF already registered is refused
/// with `409 duplicate` and the existing party's id; a shared e-mail or phone
/// only comes back in `possible_duplicates`.
#[utoipa::path(post, path = "/api/v1/parties", tag = "parties", security(("bearer" = [])), request_body = PartyInput,
    responses((status = 201, body = SavedParty), BadRequest, Conflict))]
pub async fn create(
    Api { state, actor }: Api,
    ApiJson(input): ApiJson<PartyInput>,
) -> ApiResult<(StatusCode, Json<SavedParty>)> {
    let saved = state.app.parties().create_party(&actor, input).await?;
    Ok((StatusCode::CREATED, Json(saved.try_into()?)))
}

#[utoipa::path(get, path = "/api/v1/parties/{id}", tag = "parties", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = Party)))]
pub async fn get(Api { state, actor }: Api, Id(id): Id<PartyId>) -> ApiResult<Json<Party>> {
    Ok(Json(state.app.parties().get_party(&actor, id).await?.try_into()?))
}

#[derive(Deserialize, ToSchema)]
pub struct PartyUpdate {
    /// The version the edit is based on; a stale one gets `409 conflict`.
    pub version: i64,
    #[serde(flatten)]
    pub draft: PartyDraft,
}

/// Replaces the registration data (phones, e-mails, address and tags included).
#[utoipa::path(put, path = "/api/v1/parties/{id}", tag = "parties", security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = PartyUpdate,
    responses((status = 200, body = SavedParty), Conflict))]
pub async fn update(
    Api { state, actor }: Api,
    Id(id): Id<PartyId>,
    ApiJson(body): ApiJson<PartyUpdate>,
) -> ApiResult<Json<SavedParty>> {
    let saved = state.app.parties().update_party(&actor, id, body.version, body.draft).await?;
    Ok(Json(saved.try_into()?))
}

#[derive(Deserialize, ToSchema)]
pub struct ArchiveRequest {
    pub version: i64,
    /// `true` archives (soft delete), `false` restores.
    pub archived: bool,
}

#[utoipa::path(post, path = "/api/v1/parties/{id}/archive", tag = "parties", security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = ArchiveRequest,
    responses((status = 200, body = Party), Conflict))]
pub async fn archive(
    Api { state, actor }: Api,
    Id(id): Id<PartyId>,
    ApiJson(body): ApiJson<ArchiveRequest>,
) -> ApiResult<Json<Party>> {
    Ok(Json(state.app.parties().archive_party(&actor, id, body.version, body.archived).await?.try_into()?))
}

#[derive(Deserialize, ToSchema)]
pub struct ConsentRequest {
    pub channel: domain::party::Channel,
    pub granted: bool,
    /// Where the decision came from (e.g. "phone call", "store counter").
    #[serde(default)]
    pub source: String,
    /// The wording the party agreed to or withdrew from.
    #[serde(default)]
    pub wording: String,
}

/// Appends a consent decision to the ledger; the current state follows from it.
#[utoipa::path(post, path = "/api/v1/parties/{id}/consents", tag = "parties", security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = ConsentRequest,
    responses((status = 200, body = Party)))]
pub async fn record_consent(
    Api { state, actor }: Api,
    Id(id): Id<PartyId>,
    ApiJson(body): ApiJson<ConsentRequest>,
) -> ApiResult<Json<Party>> {
    let change = ConsentChange::parse(body.channel.as_str(), body.granted, &body.source, &body.wording)?;
    Ok(Json(state.app.parties().record_consent(&actor, id, change).await?.try_into()?))
}

#[utoipa::path(get, path = "/api/v1/parties/{id}/consents", tag = "parties", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<ConsentEvent>)))]
pub async fn consent_history(
    Api { state, actor }: Api,
    Id(id): Id<PartyId>,
) -> ApiResult<Json<Vec<ConsentEvent>>> {
    Ok(Json(public_all(state.app.parties().consent_history(&actor, id).await?)?))
}

#[derive(Deserialize, ToSchema)]
pub struct NoteRequest {
    #[schema(min_length = 1, max_length = 10000)]
    pub body: String,
}

#[utoipa::path(post, path = "/api/v1/parties/{id}/notes", tag = "parties", security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = NoteRequest,
    responses((status = 201, body = Note)))]
pub async fn add_note(
    Api { state, actor }: Api,
    Id(id): Id<PartyId>,
    ApiJson(body): ApiJson<NoteRequest>,
) -> ApiResult<(StatusCode, Json<Note>)> {
    let note = state.app.parties().add_note(&actor, id, &body.body).await?;
    Ok((StatusCode::CREATED, Json(note.try_into()?)))
}

#[derive(Deserialize, IntoParams)]
pub struct NotesParams {
    /// The latest this many notes, 1 to 1,000 (default 100).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<u32>,
}

/// The party's latest notes, newest first.
#[utoipa::path(get, path = "/api/v1/parties/{id}/notes", tag = "parties", security(("bearer" = [])), params(("id" = Uuid, Path), NotesParams),
    responses((status = 200, body = Vec<Note>)))]
pub async fn notes(
    Api { state, actor }: Api,
    Id(id): Id<PartyId>,
    Query(params): Query<NotesParams>,
) -> ApiResult<Json<Vec<Note>>> {
    Ok(Json(public_all(
        state.app.parties().notes(&actor, id, domain::page::page_size(params.limit, 100, 1000)?).await?,
    )?))
}

#[derive(Deserialize, ToSchema)]
pub struct RelationshipRequest {
    pub related_id: Uuid,
    pub kind: domain::party::RelationshipKind,
}

#[utoipa::path(post, path = "/api/v1/parties/{id}/relationships", tag = "parties", security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = RelationshipRequest,
    responses((status = 201, body = Relationship)))]
pub async fn add_relationship(
    Api { state, actor }: Api,
    Id(id): Id<PartyId>,
    ApiJson(body): ApiJson<RelationshipRequest>,
) -> ApiResult<(StatusCode, Json<Relationship>)> {
    let view = state
        .app
        .parties()
        .add_relationship(&actor, id, PartyId(body.related_id), body.kind.as_str())
        .await?;
    Ok((StatusCode::CREATED, Json(view.try_into()?)))
}

#[utoipa::path(get, path = "/api/v1/parties/{id}/relationships", tag = "parties", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<Relationship>)))]
pub async fn relationships(
    Api { state, actor }: Api,
    Id(id): Id<PartyId>,
) -> ApiResult<Json<Vec<Relationship>>> {
    Ok(Json(public_all(state.app.parties().relationships(&actor, id).await?)?))
}

#[derive(Deserialize, ToSchema)]
pub struct MergeRequest {
    /// The duplicate that disappears into this party.
    pub merged_id: Uuid,
}

/// Moves everything of `merged_id` to this party; undo with `POST /api/v1/merges/{id}/undo`.
#[utoipa::path(post, path = "/api/v1/parties/{id}/merge", tag = "parties", security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = MergeRequest,
    responses((status = 200, body = Merge)))]
pub async fn merge(
    Api { state, actor }: Api,
    Id(id): Id<PartyId>,
    ApiJson(body): ApiJson<MergeRequest>,
) -> ApiResult<Json<Merge>> {
    Ok(Json(state.app.parties().merge_parties(&actor, id, PartyId(body.merged_id)).await?.try_into()?))
}

#[utoipa::path(post, path = "/api/v1/merges/{id}/undo", tag = "parties", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = Party, description = "The restored party"), Invalid))]
pub async fn undo_merge(Api { state, actor }: Api, Id(id): Id<Uuid>) -> ApiResult<Json<Party>> {
    Ok(Json(state.app.parties().undo_merge(&actor, id).await?.try_into()?))
}

/// The filtered list as CSV (`;`, UTF-8 with BOM), as Brazilian Excel opens it.
#[utoipa::path(get, path = "/api/v1/parties/export.csv", tag = "parties", security(("bearer" = [])), params(PartyQuery),
    responses((status = 200, content_type = "text/csv", body = String)))]
pub async fn export_csv(Api { state, actor }: Api, Query(query): Query<PartyQuery>) -> ApiResult<Response> {
    Ok(crate::csv::parties_download(state.app.clone(), actor, query)?)
}

#[derive(Deserialize, IntoParams)]
pub struct HistoryParams {
    #[param(value_type = Option<domain::timeline::EventKind>)]
    pub kind: Option<String>,
    /// The `at` of the last event of the previous page.
    pub before_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The `id` of the last event of the previous page.
    pub before_id: Option<Uuid>,
}

/// The party's history [histórico], newest first, 50 events a page.
#[utoipa::path(get, path = "/api/v1/parties/{id}/history", tag = "profile", security(("bearer" = [])), params(("id" = Uuid, Path), HistoryParams),
    responses((status = 200, body = Vec<Event>), Invalid))]
pub async fn history(
    Api { state, actor }: Api,
    Id(id): Id<PartyId>,
    Query(params): Query<HistoryParams>,
) -> ApiResult<Json<Vec<Event>>> {
    let kind = match params.kind.as_deref().filter(|k| !k.is_empty()) {
        None => None,
        Some(kind) => Some(
            domain::timeline::EventKind::parse(kind)
                .map_err(|m| domain::ValidationErrors::single("kind", m))?,
        ),
    };
    let before = params.before_at.zip(params.before_id);
    let events = state.app.timeline().history(&actor, id, kind, before).await?;
    Ok(Json(public_all(events)?))
}

/// Transfers to a seller's portfolio (`transfer`, with `seller_id`), tags
/// (`tag`, with `tag`) or archives (`archive`) the chosen customers — the
/// `items` at the versions read, or every customer the `matching` filters
/// select (up to 1,000). All or nothing: a customer out of reach or
/// changed since stops the action (`404`/`403`/`409`).
#[utoipa::path(post, path = "/api/v1/parties/bulk", tag = "parties", security(("bearer" = [])), request_body = PartyBulkRequest,
    responses((status = 200, body = PartyBulkOutcome), Invalid, Forbidden, Conflict, NotFound))]
pub async fn bulk(
    Api { state, actor }: Api,
    ApiJson(body): ApiJson<PartyBulkRequest>,
) -> ApiResult<Json<PartyBulkOutcome>> {
    let seller = body.seller_id.map(|s| s.to_string()).unwrap_or_default();
    let action = match body.action {
        PartyBulkAction::Transfer => "transfer",
        PartyBulkAction::Tag => "tag",
        PartyBulkAction::Archive => "archive",
    };
    let what =
        domain::party::PartyBulkChange::parse(action, &seller, body.tag.as_deref().unwrap_or_default())?;
    let selection = match (body.items, body.matching) {
        (Some(items), None) => PartySelection::Chosen(
            items.iter().map(|i| Chosen { id: PartyId(i.id), version: i.version }).collect(),
        ),
        (None, Some(matching)) => PartySelection::Matching(Box::new(matching)),
        _ => return Err(domain::ValidationErrors::single("items", "error-bulk-items-or-matching").into()),
    };
    let changed = state.app.parties().change_in_bulk(&actor, &selection, &what).await?;
    Ok(Json(PartyBulkOutcome { changed }))
}

// The public JSON of this capability: what the API promises, apart from
// the views the screens use, so a screen can change without changing it.

/// Everything on a party's registration sheet.
#[derive(Serialize, ToSchema)]
#[schema(as = PartyView)]
pub struct Party {
    pub id: Uuid,
    pub kind: PartyKind,
    pub lifecycle: Lifecycle,
    pub prospect_state: Option<ProspectState>,
    pub customer_status: Option<String>,
    pub full_name: String,
    pub trade_name: Option<String>,
    pub document_kind: Option<DocumentKind>,
    /// Without punctuation.
    pub document: Option<String>,
    /// As people write it.
    pub document_formatted: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub sex: Option<Sex>,
    pub profession: Option<String>,
    pub football_team: Option<String>,
    pub shoe_size: Option<i64>,
    pub spouse_name: Option<String>,
    pub spouse_birth_date: Option<NaiveDate>,
    pub seller_id: Option<Uuid>,
    /// The branch whose portfolio holds the party (none: unassigned).
    pub branch_id: Option<Uuid>,
    pub credit_bureau_status: Option<String>,
    pub agreement: Option<String>,
    pub credit_complement: Option<String>,
    /// In cents.
    pub revolving_credit_limit: Option<i64>,
    pub company_sector: Option<String>,
    pub phones: Vec<Phone>,
    pub emails: Vec<String>,
    pub address: Option<Address>,
    pub tags: Vec<String>,
    pub consent: Consent,
    /// The organisation's own fields, by key.
    pub custom: std::collections::BTreeMap<String, String>,
    pub archived: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Send it back with an edit: a stale version is refused.
    pub version: i64,
}

impl TryFrom<app::parties::PartyView> for Party {
    type Error = Error;

    fn try_from(view: app::parties::PartyView) -> Result<Self, Error> {
        Ok(Party {
            id: view.id,
            kind: code(&view.kind)?,
            lifecycle: code(&view.lifecycle)?,
            prospect_state: view.prospect_state.as_deref().map(code).transpose()?,
            customer_status: view.customer_status,
            full_name: view.full_name,
            trade_name: view.trade_name,
            document_kind: view.document_kind.as_deref().map(code).transpose()?,
            document: view.document,
            document_formatted: view.document_formatted,
            birth_date: view.birth_date,
            sex: view.sex.as_deref().map(code).transpose()?,
            profession: view.profession,
            football_team: view.football_team,
            shoe_size: view.shoe_size,
            spouse_name: view.spouse_name,
            spouse_birth_date: view.spouse_birth_date,
            seller_id: view.seller_id,
            branch_id: view.branch_id,
            credit_bureau_status: view.credit_bureau_status,
            agreement: view.agreement,
            credit_complement: view.credit_complement,
            revolving_credit_limit: view.revolving_credit_limit,
            company_sector: view.company_sector,
            phones: public_all(view.phones)?,
            emails: view.emails,
            address: view.address.map(TryInto::try_into).transpose()?,
            tags: view.tags,
            consent: view.consent.try_into()?,
            custom: view.custom,
            archived: view.archived,
            created_at: view.created_at,
            updated_at: view.updated_at,
            version: view.version,
        })
    }
}

#[derive(Serialize, ToSchema)]
#[schema(as = PhoneView)]
pub struct Phone {
    pub e164: String,
    pub formatted: String,
    pub kind: PhoneKind,
    pub carrier: Option<String>,
}

impl TryFrom<app::parties::PhoneView> for Phone {
    type Error = Error;

    fn try_from(view: app::parties::PhoneView) -> Result<Self, Error> {
        Ok(Phone {
            e164: view.e164,
            formatted: view.formatted,
            kind: code(&view.kind)?,
            carrier: view.carrier,
        })
    }
}

#[derive(Serialize, ToSchema)]
#[schema(as = AddressView)]
pub struct Address {
    pub street: String,
    pub number: String,
    pub complement: String,
    pub neighbourhood: String,
    pub city: String,
    pub state: String,
    pub postal_code: String,
    pub country: String,
}

impl TryFrom<app::parties::AddressView> for Address {
    type Error = Error;

    fn try_from(view: app::parties::AddressView) -> Result<Self, Error> {
        Ok(Address {
            street: view.street,
            number: view.number,
            complement: view.complement,
            neighbourhood: view.neighbourhood,
            city: view.city,
            state: view.state,
            postal_code: view.postal_code,
            country: view.country,
        })
    }
}

#[derive(Serialize, ToSchema)]
#[schema(as = ConsentView)]
pub struct Consent {
    pub sms_whatsapp: bool,
    pub email: bool,
    pub phone: bool,
    pub letter: bool,
}

impl TryFrom<app::parties::ConsentView> for Consent {
    type Error = Error;

    fn try_from(view: app::parties::ConsentView) -> Result<Self, Error> {
        Ok(Consent {
            sms_whatsapp: view.sms_whatsapp,
            email: view.email,
            phone: view.phone,
            letter: view.letter,
        })
    }
}

/// A row of lists and search results.
#[derive(Serialize, ToSchema)]
pub struct PartyListItem {
    pub id: Uuid,
    pub kind: PartyKind,
    pub lifecycle: Lifecycle,
    pub status: Option<String>,
    pub full_name: String,
    pub trade_name: Option<String>,
    pub document: Option<String>,
    pub city: String,
    pub state: String,
    pub seller_id: Option<Uuid>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub consent: Consent,
    pub created_at: DateTime<Utc>,
}

impl TryFrom<app::parties::PartyListItem> for PartyListItem {
    type Error = Error;

    fn try_from(view: app::parties::PartyListItem) -> Result<Self, Error> {
        Ok(PartyListItem {
            id: view.id,
            kind: code(&view.kind)?,
            lifecycle: code(&view.lifecycle)?,
            status: view.status,
            full_name: view.full_name,
            trade_name: view.trade_name,
            document: view.document,
            city: view.city,
            state: view.state,
            seller_id: view.seller_id,
            phone: view.phone,
            email: view.email,
            consent: view.consent.try_into()?,
            created_at: view.created_at,
        })
    }
}

/// Another party that looks like the same one.
#[derive(Serialize, ToSchema)]
pub struct DuplicateHint {
    pub id: Uuid,
    pub full_name: String,
}

impl TryFrom<app::parties::DuplicateHint> for DuplicateHint {
    type Error = Error;

    fn try_from(view: app::parties::DuplicateHint) -> Result<Self, Error> {
        Ok(DuplicateHint { id: view.id, full_name: view.full_name })
    }
}

/// The result of saving: the party, and parties sharing its e-mail or phone.
#[derive(Serialize, ToSchema)]
pub struct SavedParty {
    pub party: Party,
    pub possible_duplicates: Vec<DuplicateHint>,
}

impl TryFrom<app::parties::SavedParty> for SavedParty {
    type Error = Error;

    fn try_from(view: app::parties::SavedParty) -> Result<Self, Error> {
        Ok(SavedParty {
            party: view.party.try_into()?,
            possible_duplicates: public_all(view.possible_duplicates)?,
        })
    }
}

/// One decision in a party's consent ledger.
#[derive(Serialize, ToSchema)]
#[schema(as = ConsentEventView)]
pub struct ConsentEvent {
    pub channel: Channel,
    pub granted: bool,
    pub at: DateTime<Utc>,
    pub source: String,
    pub wording: String,
    pub recorded_by: String,
}

impl TryFrom<app::parties::ConsentEventView> for ConsentEvent {
    type Error = Error;

    fn try_from(view: app::parties::ConsentEventView) -> Result<Self, Error> {
        Ok(ConsentEvent {
            channel: code(&view.channel)?,
            granted: view.granted,
            at: view.at,
            source: view.source,
            wording: view.wording,
            recorded_by: view.recorded_by,
        })
    }
}

#[derive(Serialize, ToSchema)]
#[schema(as = NoteView)]
pub struct Note {
    pub id: Uuid,
    pub body: String,
    pub author: String,
    pub created_at: DateTime<Utc>,
}

impl TryFrom<app::parties::NoteView> for Note {
    type Error = Error;

    fn try_from(view: app::parties::NoteView) -> Result<Self, Error> {
        Ok(Note { id: view.id, body: view.body, author: view.author, created_at: view.created_at })
    }
}

#[derive(Serialize, ToSchema)]
#[schema(as = RelationshipView)]
pub struct Relationship {
    pub id: Uuid,
    /// `spouse`, `holder`, `company_contact`, `other`
    pub kind: RelationshipKind,
    pub other_id: Uuid,
    pub other_name: String,
}

impl TryFrom<app::parties::RelationshipView> for Relationship {
    type Error = Error;

    fn try_from(view: app::parties::RelationshipView) -> Result<Self, Error> {
        Ok(Relationship {
            id: view.id,
            kind: code(&view.kind)?,
            other_id: view.other_id,
            other_name: view.other_name,
        })
    }
}

#[derive(Serialize, ToSchema)]
#[schema(as = MergeView)]
pub struct Merge {
    pub id: Uuid,
    pub merged_id: Uuid,
    pub merged_name: String,
    pub at: DateTime<Utc>,
}

impl TryFrom<app::parties::MergeView> for Merge {
    type Error = Error;

    fn try_from(view: app::parties::MergeView) -> Result<Self, Error> {
        Ok(Merge { id: view.id, merged_id: view.merged_id, merged_name: view.merged_name, at: view.at })
    }
}

/// One movement in a party's history.
#[derive(Serialize, ToSchema)]
#[schema(as = EventView)]
pub struct Event {
    pub id: Uuid,
    pub at: DateTime<Utc>,
    /// `registration`, `consent`, `note`, `vehicle`, `interaction`, `appointment`
    pub kind: EventKind,
    /// A message key naming what happened (`timeline-vehicle-added`).
    pub action: String,
    pub detail: String,
    /// The record the event is about.
    pub subject_id: Option<Uuid>,
    pub by: String,
}

impl TryFrom<app::timeline::EventView> for Event {
    type Error = Error;

    fn try_from(view: app::timeline::EventView) -> Result<Self, Error> {
        Ok(Event {
            id: view.id,
            at: view.at,
            kind: code(&view.kind)?,
            action: view.action,
            detail: view.detail,
            subject_id: view.subject_id,
            by: view.by,
        })
    }
}

#[derive(Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum PartyBulkAction {
    Transfer,
    Tag,
    Archive,
}

#[derive(Deserialize, ToSchema)]
pub struct PartyBulkRequest {
    pub action: PartyBulkAction,
    /// The customers checked, up to 200; or else `matching`.
    #[schema(max_items = 200)]
    pub items: Option<Vec<ChosenItem>>,
    /// The list's filters (as `GET /api/v1/parties` takes them): every
    /// customer they select.
    pub matching: Option<PartyQuery>,
    /// The seller `transfer` hands them to.
    pub seller_id: Option<Uuid>,
    /// The tag `tag` adds.
    pub tag: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct PartyBulkOutcome {
    /// How many customers changed.
    pub changed: usize,
}
