//! Parties [clientes]: the registry through the API.
use super::responses::{BadRequest, Conflict, Invalid, NotFound, Unauthorized};
use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{Api, ApiJson, Id, Query};
use app::parties::{
    ConsentEventView, MergeView, NoteView, PartyInput, PartyListItem, PartyQuery, PartyView,
    RelationshipView, SavedParty,
};
use axum::Router;
use axum::http::StatusCode;
use axum::response::{Json, Response};
use axum::routing;
use domain::PartyId;
use domain::party::{ConsentChange, PartyDraft};
use serde::{Deserialize, Serialize};
use utoipa::OpenApi;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/parties", routing::get(list).post(create))
        .route("/parties/search", routing::get(search))
        .route("/parties/export.csv", routing::get(export_csv))
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
    /// How many parties the filter selects, counted up to 10,000.
    pub total: i64,
}

#[utoipa::path(get, path = "/api/v1/parties", tag = "parties", security(("bearer" = [])), params(PartyQuery),
    responses((status = 200, body = PartyPage), Unauthorized, Invalid))]
pub async fn list(Api { state, actor }: Api, Query(query): Query<PartyQuery>) -> ApiResult<Json<PartyPage>> {
    let page = state.app.parties().list_parties(&actor, &query).await?;
    let total = state.app.parties().count_parties(&actor, &query).await?;
    Ok(Json(PartyPage { items: page.items, next_cursor: page.next_cursor, total }))
}

#[derive(Deserialize, IntoParams)]
pub struct SearchParams {
    /// Name, trade name, CPF/CNPJ/NIF (with or without punctuation), phone in any format, e-mail.
    #[serde(default)]
    pub q: String,
    /// 1 to 50, default 10.
    pub limit: Option<u32>,
}

#[utoipa::path(get, path = "/api/v1/parties/search", tag = "parties", security(("bearer" = [])), params(SearchParams),
    responses((status = 200, body = Vec<PartyListItem>), Unauthorized))]
pub async fn search(
    Api { state, actor }: Api,
    Query(params): Query<SearchParams>,
) -> ApiResult<Json<Vec<PartyListItem>>> {
    let found = state.app.parties().search_parties(&actor, &params.q, params.limit.unwrap_or(10)).await?;
    Ok(Json(found))
}

/// Creates a person or company. A CPF/CNPJ/NIF already registered is refused
/// with `409 duplicate` and the existing party's id; a shared e-mail or phone
/// only comes back in `possible_duplicates`.
#[utoipa::path(post, path = "/api/v1/parties", tag = "parties", security(("bearer" = [])), request_body = PartyInput,
    responses((status = 201, body = SavedParty), BadRequest, Unauthorized, Conflict, Invalid))]
pub async fn create(
    Api { state, actor }: Api,
    ApiJson(input): ApiJson<PartyInput>,
) -> ApiResult<(StatusCode, Json<SavedParty>)> {
    let saved = state.app.parties().create_party(&actor, input).await?;
    Ok((StatusCode::CREATED, Json(saved)))
}

#[utoipa::path(get, path = "/api/v1/parties/{id}", tag = "parties", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = PartyView), Unauthorized, NotFound))]
pub async fn get(Api { state, actor }: Api, Id(id): Id<PartyId>) -> ApiResult<Json<PartyView>> {
    Ok(Json(state.app.parties().get_party(&actor, id).await?))
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
    responses((status = 200, body = SavedParty), Unauthorized, NotFound, Conflict, Invalid))]
pub async fn update(
    Api { state, actor }: Api,
    Id(id): Id<PartyId>,
    ApiJson(body): ApiJson<PartyUpdate>,
) -> ApiResult<Json<SavedParty>> {
    let saved = state.app.parties().update_party(&actor, id, body.version, body.draft).await?;
    Ok(Json(saved))
}

#[derive(Deserialize, ToSchema)]
pub struct ArchiveRequest {
    pub version: i64,
    /// `true` archives (soft delete), `false` restores.
    pub archived: bool,
}

#[utoipa::path(post, path = "/api/v1/parties/{id}/archive", tag = "parties", security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = ArchiveRequest,
    responses((status = 200, body = PartyView), NotFound, Conflict))]
pub async fn archive(
    Api { state, actor }: Api,
    Id(id): Id<PartyId>,
    ApiJson(body): ApiJson<ArchiveRequest>,
) -> ApiResult<Json<PartyView>> {
    Ok(Json(state.app.parties().archive_party(&actor, id, body.version, body.archived).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct ConsentRequest {
    /// `sms_whatsapp`, `email`, `phone` or `letter`
    pub channel: String,
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
    responses((status = 200, body = PartyView), NotFound, Invalid))]
pub async fn record_consent(
    Api { state, actor }: Api,
    Id(id): Id<PartyId>,
    ApiJson(body): ApiJson<ConsentRequest>,
) -> ApiResult<Json<PartyView>> {
    let change = ConsentChange::parse(&body.channel, body.granted, &body.source, &body.wording)?;
    Ok(Json(state.app.parties().record_consent(&actor, id, change).await?))
}

#[utoipa::path(get, path = "/api/v1/parties/{id}/consents", tag = "parties", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<ConsentEventView>), NotFound))]
pub async fn consent_history(
    Api { state, actor }: Api,
    Id(id): Id<PartyId>,
) -> ApiResult<Json<Vec<ConsentEventView>>> {
    Ok(Json(state.app.parties().consent_history(&actor, id).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct NoteRequest {
    pub body: String,
}

#[utoipa::path(post, path = "/api/v1/parties/{id}/notes", tag = "parties", security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = NoteRequest,
    responses((status = 201, body = NoteView), NotFound, Invalid))]
pub async fn add_note(
    Api { state, actor }: Api,
    Id(id): Id<PartyId>,
    ApiJson(body): ApiJson<NoteRequest>,
) -> ApiResult<(StatusCode, Json<NoteView>)> {
    let note = state.app.parties().add_note(&actor, id, &body.body).await?;
    Ok((StatusCode::CREATED, Json(note)))
}

#[derive(Deserialize, IntoParams)]
pub struct NotesParams {
    /// The latest this many notes, 1 to 1,000 (default 100).
    pub limit: Option<u32>,
}

/// The party's latest notes, newest first.
#[utoipa::path(get, path = "/api/v1/parties/{id}/notes", tag = "parties", security(("bearer" = [])), params(("id" = Uuid, Path), NotesParams),
    responses((status = 200, body = Vec<NoteView>), NotFound))]
pub async fn notes(
    Api { state, actor }: Api,
    Id(id): Id<PartyId>,
    Query(params): Query<NotesParams>,
) -> ApiResult<Json<Vec<NoteView>>> {
    Ok(Json(state.app.parties().notes(&actor, id, params.limit.unwrap_or(100).clamp(1, 1000)).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct RelationshipRequest {
    pub related_id: Uuid,
    /// `spouse`, `holder`, `company_contact` or `other`
    pub kind: String,
}

#[utoipa::path(post, path = "/api/v1/parties/{id}/relationships", tag = "parties", security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = RelationshipRequest,
    responses((status = 201, body = RelationshipView), NotFound, Invalid))]
pub async fn add_relationship(
    Api { state, actor }: Api,
    Id(id): Id<PartyId>,
    ApiJson(body): ApiJson<RelationshipRequest>,
) -> ApiResult<(StatusCode, Json<RelationshipView>)> {
    let view = state.app.parties().add_relationship(&actor, id, PartyId(body.related_id), &body.kind).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

#[utoipa::path(get, path = "/api/v1/parties/{id}/relationships", tag = "parties", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<RelationshipView>), NotFound))]
pub async fn relationships(
    Api { state, actor }: Api,
    Id(id): Id<PartyId>,
) -> ApiResult<Json<Vec<RelationshipView>>> {
    Ok(Json(state.app.parties().relationships(&actor, id).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct MergeRequest {
    /// The duplicate that disappears into this party.
    pub merged_id: Uuid,
}

/// Moves everything of `merged_id` to this party; undo with `POST /api/v1/merges/{id}/undo`.
#[utoipa::path(post, path = "/api/v1/parties/{id}/merge", tag = "parties", security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = MergeRequest,
    responses((status = 200, body = MergeView), NotFound, Invalid))]
pub async fn merge(
    Api { state, actor }: Api,
    Id(id): Id<PartyId>,
    ApiJson(body): ApiJson<MergeRequest>,
) -> ApiResult<Json<MergeView>> {
    Ok(Json(state.app.parties().merge_parties(&actor, id, PartyId(body.merged_id)).await?))
}

#[utoipa::path(post, path = "/api/v1/merges/{id}/undo", tag = "parties", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = PartyView, description = "The restored party"), NotFound, Invalid))]
pub async fn undo_merge(Api { state, actor }: Api, Id(id): Id<Uuid>) -> ApiResult<Json<PartyView>> {
    Ok(Json(state.app.parties().undo_merge(&actor, id).await?))
}

/// The filtered list as CSV (`;`, UTF-8 with BOM), as Brazilian Excel opens it.
#[utoipa::path(get, path = "/api/v1/parties/export.csv", tag = "parties", security(("bearer" = [])), params(PartyQuery),
    responses((status = 200, content_type = "text/csv", body = String), Unauthorized))]
pub async fn export_csv(Api { state, actor }: Api, Query(query): Query<PartyQuery>) -> ApiResult<Response> {
    Ok(crate::csv::parties_download(state.app.clone(), actor, query)?)
}

#[derive(Deserialize, IntoParams)]
pub struct HistoryParams {
    /// `registration`, `consent`, `note`, `vehicle`, `interaction`, `appointment`
    pub kind: Option<String>,
    /// The `at` of the last event of the previous page.
    pub before_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The `id` of the last event of the previous page.
    pub before_id: Option<Uuid>,
}

/// The party's history [histórico], newest first, 50 events a page.
#[utoipa::path(get, path = "/api/v1/parties/{id}/history", tag = "profile", security(("bearer" = [])), params(("id" = Uuid, Path), HistoryParams),
    responses((status = 200, body = Vec<app::timeline::EventView>), Unauthorized, NotFound, Invalid))]
pub async fn history(
    Api { state, actor }: Api,
    Id(id): Id<PartyId>,
    Query(params): Query<HistoryParams>,
) -> ApiResult<Json<Vec<app::timeline::EventView>>> {
    let kind = match params.kind.as_deref().filter(|k| !k.is_empty()) {
        None => None,
        Some(kind) => Some(
            domain::timeline::EventKind::parse(kind)
                .map_err(|m| domain::ValidationErrors::single("kind", m))?,
        ),
    };
    let before = params.before_at.zip(params.before_id);
    let events = state.app.timeline().history(&actor, id, kind, before).await?;
    Ok(Json(events))
}
