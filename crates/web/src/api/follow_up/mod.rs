//! Sales follow-up [Vendas (follow up)] over the API (seed 002): the
//! configuration (responsibility centres, attendance types), a party's
//! sales contacts, the daily list with the legend's tally, and the notes
//! on a contact (drafts finished later, files as base64); what a contact
//! sends out is in `documents`.
mod documents;

use super::responses::{Conflict, Forbidden, Invalid, NotFound};
use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{Api, ApiJson, Id, Query};
use crate::i18n::tr_for;
use crate::labels::step_words;
use app::follow_up::contacts::{ContactView, FollowUpLine, FollowUpPage, FollowUpQuery};
use app::follow_up::notes::{NoteView, PendingNote, UploadedFile};
use app::follow_up::progress::Reopening;
use app::follow_up::settings::{AttendanceTypeView, CentreView};
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::response::{Json, Response};
use axum::routing;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, NaiveDate, Utc};
pub use documents::Doc as DocumentsDoc;
use domain::follow_up::cycle::{Cycle, Question};
use domain::follow_up::workflow::Workflow;
use domain::follow_up::{
    AttendanceTypeDraft, CentreDraft, ContactDraft, ContactOutcome, ContactStatus, Legend, NoteDraft,
    NoteSource,
};
use domain::{AttendanceTypeId, CentreId, ContactNoteId, PartyId, SalesContactId, ValidationErrors};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    let upload = DefaultBodyLimit::max(crate::server::UPLOAD_JSON_BYTES);
    Router::new()
        .merge(documents::routes())
        .route("/follow-up", routing::get(follow_up))
        .route("/follow-up/pending-notes", routing::get(pending_notes))
        .route("/follow-up/centres", routing::get(centres).post(create_centre))
        .route("/follow-up/centres/{id}", routing::put(update_centre))
        .route("/follow-up/attendance-types", routing::get(attendance_types).post(create_attendance_type))
        .route("/follow-up/attendance-types/{id}", routing::put(update_attendance_type))
        .route("/parties/{id}/sales-contacts", routing::get(of_party).post(create_contact))
        .route("/sales-contacts/{id}", routing::get(get_contact).put(update_contact))
        .route("/sales-contacts/{id}/notes", routing::get(notes).post(add_note).layer(upload))
        .route("/contact-notes/{id}", routing::get(get_note).put(finish_note).layer(upload))
        .route("/contact-notes/{id}/file", routing::get(note_file))
        .route("/sales-contacts/{id}/email", routing::post(email_from_note))
        .route("/sales-contacts/{id}/decide", routing::post(decide))
        .route("/sales-contacts/{id}/close", routing::post(close))
        .route("/sales-contacts/{id}/surplus", routing::post(surplus))
        .route("/sales-contacts/{id}/reopen", routing::post(reopen))
        .route("/sales-contacts/{id}/approve-reopen", routing::post(approve_reopen))
        .route("/sales-contacts/{id}/cycle", routing::get(cycle).put(answer_cycle))
        .route("/sales-contacts/{id}/appointments", routing::get(appointments))
        .route("/follow-up/reopen-requests", routing::get(reopen_requests))
        .route("/follow-up/attendance-types/{id}/cycle-report", routing::get(cycle_report))
}

#[derive(OpenApi)]
#[openapi(
    paths(
        follow_up,
        pending_notes,
        centres,
        create_centre,
        update_centre,
        attendance_types,
        create_attendance_type,
        update_attendance_type,
        of_party,
        create_contact,
        get_contact,
        update_contact,
        notes,
        add_note,
        get_note,
        finish_note,
        note_file,
        email_from_note,
        decide,
        close,
        surplus,
        reopen,
        approve_reopen,
        reopen_requests,
        cycle,
        answer_cycle,
        cycle_report,
        appointments
    ),
    components(schemas(domain::follow_up::FollowUpScope, domain::follow_up::FollowUpSort))
)]
pub struct Doc;

/// A responsibility centre as sent.
#[derive(Clone, Deserialize, ToSchema)]
pub struct CentreFields {
    #[schema(min_length = 1, max_length = 80)]
    pub name: String,
    /// Whether contacts may be given to it; `true` when left out.
    pub active: Option<bool>,
    /// The users of the centre.
    #[serde(default)]
    pub members: Vec<Uuid>,
}

impl CentreFields {
    fn draft(&self) -> CentreDraft {
        CentreDraft {
            name: self.name.clone(),
            active: self.active.unwrap_or(true),
            members: self.members.iter().map(Uuid::to_string).collect(),
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct CentreUpdate {
    #[serde(flatten)]
    pub centre: CentreFields,
    /// The version read.
    pub version: i64,
}

#[derive(Serialize, ToSchema)]
pub struct Member {
    pub id: Uuid,
    pub name: String,
}

#[derive(Serialize, ToSchema)]
pub struct Centre {
    pub id: Uuid,
    pub name: String,
    pub active: bool,
    pub members: Vec<Member>,
    pub version: i64,
}

impl From<CentreView> for Centre {
    fn from(view: CentreView) -> Centre {
        Centre {
            id: view.id,
            name: view.name,
            active: view.active,
            members: view.members.into_iter().map(|(id, name)| Member { id, name }).collect(),
            version: view.version,
        }
    }
}

/// An attendance type as sent.
#[derive(Clone, Deserialize, ToSchema)]
pub struct AttendanceTypeFields {
    #[schema(min_length = 1, max_length = 80)]
    pub name: String,
    /// The standard note text [parecer padrão].
    #[serde(default)]
    #[schema(max_length = 20000)]
    pub note_text: String,
    #[serde(default)]
    #[schema(max_length = 200)]
    pub email_subject: String,
    /// The standard e-mail text.
    #[serde(default)]
    #[schema(max_length = 20000)]
    pub email_text: String,
    /// Whether a note may carry a file.
    #[serde(default)]
    pub attachments_allowed: bool,
    /// The largest file, in MB (1 to 10); required when files are allowed.
    #[schema(minimum = 1, maximum = 10)]
    pub attachment_limit_mb: Option<u32>,
    /// `true` when left out.
    pub active: Option<bool>,
    /// Its decisions, the first asked when a note is confirmed; a decision
    /// asks only later ones (`ask` by index from 0).
    #[serde(default)]
    pub workflow: Workflow,
    /// Its attendance-cycle questionnaire.
    #[serde(default)]
    pub cycle: Cycle,
}

impl AttendanceTypeFields {
    fn draft(&self) -> AttendanceTypeDraft {
        AttendanceTypeDraft {
            name: self.name.clone(),
            note_text: self.note_text.clone(),
            email_subject: self.email_subject.clone(),
            email_text: self.email_text.clone(),
            attachments_allowed: self.attachments_allowed,
            attachment_limit_mb: self.attachment_limit_mb.map(|mb| mb.to_string()).unwrap_or_default(),
            active: self.active.unwrap_or(true),
            workflow: self.workflow.clone(),
            cycle: self.cycle.clone(),
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct AttendanceTypeUpdate {
    #[serde(flatten)]
    pub attendance_type: AttendanceTypeFields,
    /// The version read.
    pub version: i64,
}

#[derive(Serialize, ToSchema)]
pub struct AttendanceType {
    pub id: Uuid,
    pub name: String,
    pub note_text: String,
    pub email_subject: String,
    pub email_text: String,
    pub attachments_allowed: bool,
    pub attachment_limit_bytes: i64,
    pub active: bool,
    pub workflow: Workflow,
    pub cycle: Cycle,
    pub version: i64,
}

impl From<AttendanceTypeView> for AttendanceType {
    fn from(view: AttendanceTypeView) -> AttendanceType {
        AttendanceType {
            id: view.id,
            name: view.name,
            note_text: view.note_text,
            email_subject: view.email_subject,
            email_text: view.email_text,
            attachments_allowed: view.attachments_allowed,
            attachment_limit_bytes: view.attachment_limit_bytes,
            active: view.active,
            workflow: view.workflow,
            cycle: view.cycle,
            version: view.version,
        }
    }
}

/// A sales contact as sent.
#[derive(Clone, Deserialize, ToSchema)]
pub struct ContactFields {
    /// Today when left out.
    pub contacted_on: Option<NaiveDate>,
    #[schema(min_length = 1, max_length = 120)]
    pub name: String,
    /// Product codes of the catalogue, at most 20.
    #[serde(default)]
    #[schema(max_items = 20)]
    pub products: Vec<String>,
    pub attendance_type_id: Uuid,
    /// Not before the contact date.
    pub next_return_on: Option<NaiveDate>,
    pub internal_on: Option<NaiveDate>,
    pub centre_id: Option<Uuid>,
    /// The caller when left out.
    pub responsible_id: Option<Uuid>,
}

impl ContactFields {
    fn draft(&self) -> ContactDraft {
        let day = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        let id = |d: Option<Uuid>| d.map(|d| d.to_string()).unwrap_or_default();
        ContactDraft {
            contacted_on: day(self.contacted_on),
            name: self.name.clone(),
            products: self.products.clone(),
            attendance_type: self.attendance_type_id.to_string(),
            next_return_on: day(self.next_return_on),
            internal_on: day(self.internal_on),
            centre: id(self.centre_id),
            responsible: id(self.responsible_id),
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct ContactUpdate {
    #[serde(flatten)]
    pub contact: ContactFields,
    /// The version read.
    pub version: i64,
}

#[derive(Serialize, ToSchema)]
pub struct ContactProduct {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    /// Sold on the contact after it opened [excedente].
    pub surplus: bool,
}

#[derive(Serialize, ToSchema)]
pub struct ReopenRequest {
    pub by: Uuid,
    pub by_name: String,
    pub reason: String,
    pub at: DateTime<Utc>,
}

#[derive(Serialize, ToSchema)]
pub struct SalesContact {
    pub id: Uuid,
    pub party_id: Uuid,
    pub party_name: String,
    pub contacted_on: NaiveDate,
    pub name: String,
    pub attendance_type_id: Uuid,
    pub attendance_type_name: String,
    pub status: ContactStatus,
    pub outcome: Option<ContactOutcome>,
    /// Where it stands today on seed 002's legend.
    pub legend: Legend,
    pub next_return_on: Option<NaiveDate>,
    pub internal_on: Option<NaiveDate>,
    pub centre_id: Option<Uuid>,
    pub centre_name: Option<String>,
    pub responsible_id: Uuid,
    pub responsible_name: String,
    pub products: Vec<ContactProduct>,
    pub closed_at: Option<DateTime<Utc>>,
    /// A reopening asked by someone without the right, waiting for a supervisor.
    pub reopen_request: Option<ReopenRequest>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

impl From<ContactView> for SalesContact {
    fn from(view: ContactView) -> SalesContact {
        SalesContact {
            id: view.id,
            party_id: view.party_id,
            party_name: view.party_name,
            contacted_on: view.contacted_on,
            name: view.name,
            attendance_type_id: view.attendance_type_id,
            attendance_type_name: view.attendance_type_name,
            status: view.status,
            outcome: view.outcome,
            legend: view.legend,
            next_return_on: view.next_return_on,
            internal_on: view.internal_on,
            centre_id: view.centre_id,
            centre_name: view.centre_name,
            responsible_id: view.responsible_id,
            responsible_name: view.responsible_name,
            products: view
                .products
                .into_iter()
                .map(|p| ContactProduct { id: p.id, code: p.code, name: p.name, surplus: p.surplus })
                .collect(),
            closed_at: view.closed_at,
            reopen_request: view.reopen_request.map(|r| ReopenRequest {
                by: r.by,
                by_name: r.by_name,
                reason: r.reason,
                at: r.at,
            }),
            created_at: view.created_at,
            updated_at: view.updated_at,
            version: view.version,
        }
    }
}

/// A row of the follow-up list.
#[derive(Serialize, ToSchema)]
pub struct FollowUpItem {
    pub id: Uuid,
    pub party_id: Uuid,
    pub party_name: String,
    pub contacted_on: NaiveDate,
    pub name: String,
    pub attendance_type_name: String,
    pub status: ContactStatus,
    pub legend: Legend,
    pub next_return_on: Option<NaiveDate>,
    pub internal_on: Option<NaiveDate>,
    pub centre_name: Option<String>,
    pub responsible_name: String,
}

impl From<FollowUpLine> for FollowUpItem {
    fn from(line: FollowUpLine) -> FollowUpItem {
        FollowUpItem {
            id: line.id,
            party_id: line.party_id,
            party_name: line.party_name,
            contacted_on: line.contacted_on,
            name: line.name,
            attendance_type_name: line.attendance_type_name,
            status: line.status,
            legend: line.legend,
            next_return_on: line.next_return_on,
            internal_on: line.internal_on,
            centre_name: line.centre_name,
            responsible_name: line.responsible_name,
        }
    }
}

/// How many open contacts stand under each colour of the legend.
#[derive(Serialize, ToSchema)]
pub struct LegendTally {
    pub today: i64,
    pub overdue: i64,
    pub open: i64,
    pub internal: i64,
}

#[derive(Serialize, ToSchema)]
pub struct FollowUpList {
    pub items: Vec<FollowUpItem>,
    pub page: u32,
    pub has_next: bool,
    /// How many the filters select, counted up to 10,000.
    pub total: i64,
    pub tally: LegendTally,
    /// The organisation's day the legend was judged on.
    pub today: NaiveDate,
}

impl From<FollowUpPage> for FollowUpList {
    fn from(page: FollowUpPage) -> FollowUpList {
        FollowUpList {
            items: page.lines.into_iter().map(FollowUpItem::from).collect(),
            page: page.page,
            has_next: page.has_next,
            total: page.total,
            tally: LegendTally {
                today: page.tally.today,
                overdue: page.tally.overdue,
                open: page.tally.open,
                internal: page.tally.internal,
            },
            today: page.today,
        }
    }
}

/// A note's file as sent: a PDF, DOCX, PNG or JPEG within the type's limit.
#[derive(Clone, Deserialize, ToSchema)]
pub struct NoteUpload {
    #[schema(min_length = 1, max_length = 150)]
    pub file_name: String,
    /// The file's bytes, base64 (standard alphabet).
    #[schema(min_length = 1)]
    pub content_base64: String,
}

impl NoteUpload {
    fn decoded(&self) -> Result<UploadedFile, ValidationErrors> {
        let content = STANDARD
            .decode(self.content_base64.trim())
            .map_err(|_| ValidationErrors::single("file", "error-attachment-base64"))?;
        Ok((self.file_name.clone(), content))
    }
}

/// A note as sent.
#[derive(Deserialize, ToSchema)]
pub struct NoteFields {
    /// Required unless the note is kept as a draft.
    #[serde(default)]
    #[schema(max_length = 20000)]
    pub body: String,
    /// Whether it started from the type's standard text.
    #[serde(default)]
    pub from_standard: bool,
    /// Kept to finish later [a concluir]: seen by its author alone.
    #[serde(default)]
    pub draft: bool,
    pub file: Option<NoteUpload>,
}

impl NoteFields {
    fn parts(&self) -> Result<(NoteDraft, Option<UploadedFile>), ValidationErrors> {
        let draft =
            NoteDraft { body: self.body.clone(), from_standard: self.from_standard, draft: self.draft };
        Ok((draft, self.file.as_ref().map(NoteUpload::decoded).transpose()?))
    }
}

#[derive(Deserialize, ToSchema)]
pub struct NoteUpdate {
    #[serde(flatten)]
    pub note: NoteFields,
    /// The version read.
    pub version: i64,
}

#[derive(Serialize, ToSchema)]
pub struct Note {
    pub id: Uuid,
    pub contact_id: Uuid,
    pub author_id: Option<Uuid>,
    /// None for a note the system wrote.
    pub author_name: Option<String>,
    pub body: String,
    pub source: NoteSource,
    pub draft: bool,
    pub file_name: Option<String>,
    pub file_size: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

impl From<NoteView> for Note {
    fn from(view: NoteView) -> Note {
        Note {
            id: view.id,
            contact_id: view.contact_id,
            author_id: view.author_id,
            author_name: view.author_name,
            body: view.body,
            source: view.source,
            draft: view.draft,
            file_name: view.file_name,
            file_size: view.file_size,
            created_at: view.created_at,
            updated_at: view.updated_at,
            version: view.version,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct PendingNoteItem {
    #[serde(flatten)]
    pub note: Note,
    pub contact_name: String,
    pub party_id: Uuid,
    pub party_name: String,
}

impl From<PendingNote> for PendingNoteItem {
    fn from(pending: PendingNote) -> PendingNoteItem {
        PendingNoteItem {
            note: pending.note.into(),
            contact_name: pending.contact_name,
            party_id: pending.party_id,
            party_name: pending.party_name,
        }
    }
}

/// The daily routine: the caller's contacts (or his centres', or his
/// team's), soonest return first unless sorted otherwise, each with its
/// colour of the legend, and the tally of the open ones.
#[utoipa::path(get, path = "/api/v1/follow-up", tag = "follow-up", security(("bearer" = [])), params(FollowUpQuery),
    responses((status = 200, body = FollowUpList), Invalid))]
pub async fn follow_up(
    Api { state, actor }: Api,
    Query(query): Query<FollowUpQuery>,
) -> ApiResult<Json<FollowUpList>> {
    Ok(Json(state.app.follow_up().follow_up(&actor, &query).await?.into()))
}

/// The caller's notes kept to finish [pareceres pendentes], the oldest first.
#[utoipa::path(get, path = "/api/v1/follow-up/pending-notes", tag = "follow-up", security(("bearer" = [])),
    responses((status = 200, body = Vec<PendingNoteItem>)))]
pub async fn pending_notes(Api { state, actor }: Api) -> ApiResult<Json<Vec<PendingNoteItem>>> {
    let pending = state.app.follow_up().pending_notes(&actor).await?;
    Ok(Json(pending.into_iter().map(PendingNoteItem::from).collect()))
}

#[utoipa::path(get, path = "/api/v1/follow-up/centres", tag = "follow-up", security(("bearer" = [])),
    responses((status = 200, body = Vec<Centre>)))]
pub async fn centres(Api { state, actor }: Api) -> ApiResult<Json<Vec<Centre>>> {
    Ok(Json(state.app.follow_up().centres(&actor).await?.into_iter().map(Centre::from).collect()))
}

/// Adds a responsibility centre (administrators). A name another centre
/// has is `409`; a member who is no active user is `422`.
#[utoipa::path(post, path = "/api/v1/follow-up/centres", tag = "follow-up", security(("bearer" = [])),
    request_body = CentreFields, responses((status = 201, body = Centre), Invalid, Forbidden, Conflict))]
pub async fn create_centre(
    Api { state, actor }: Api,
    ApiJson(body): ApiJson<CentreFields>,
) -> ApiResult<(StatusCode, Json<Centre>)> {
    let saved = state.app.follow_up().save_centre(&actor, None, &body.draft()).await?;
    Ok((StatusCode::CREATED, Json(saved.into())))
}

/// Changes a centre at the `version` read (`409` when someone saved since).
#[utoipa::path(put, path = "/api/v1/follow-up/centres/{id}", tag = "follow-up", security(("bearer" = [])),
    params(("id" = Uuid, Path)), request_body = CentreUpdate,
    responses((status = 200, body = Centre), Invalid, Forbidden, NotFound, Conflict))]
pub async fn update_centre(
    Api { state, actor }: Api,
    Id(id): Id<CentreId>,
    ApiJson(body): ApiJson<CentreUpdate>,
) -> ApiResult<Json<Centre>> {
    let saved =
        state.app.follow_up().save_centre(&actor, Some((id, body.version)), &body.centre.draft()).await?;
    Ok(Json(saved.into()))
}

#[utoipa::path(get, path = "/api/v1/follow-up/attendance-types", tag = "follow-up", security(("bearer" = [])),
    responses((status = 200, body = Vec<AttendanceType>)))]
pub async fn attendance_types(Api { state, actor }: Api) -> ApiResult<Json<Vec<AttendanceType>>> {
    let kinds = state.app.follow_up().attendance_types(&actor).await?;
    Ok(Json(kinds.into_iter().map(AttendanceType::from).collect()))
}

/// Adds an attendance type (administrators). A name another type has is `409`.
#[utoipa::path(post, path = "/api/v1/follow-up/attendance-types", tag = "follow-up", security(("bearer" = [])),
    request_body = AttendanceTypeFields, responses((status = 201, body = AttendanceType), Invalid, Forbidden, Conflict))]
pub async fn create_attendance_type(
    Api { state, actor }: Api,
    ApiJson(body): ApiJson<AttendanceTypeFields>,
) -> ApiResult<(StatusCode, Json<AttendanceType>)> {
    let saved = state.app.follow_up().save_attendance_type(&actor, None, &body.draft()).await?;
    Ok((StatusCode::CREATED, Json(saved.into())))
}

/// Changes an attendance type at the `version` read.
#[utoipa::path(put, path = "/api/v1/follow-up/attendance-types/{id}", tag = "follow-up", security(("bearer" = [])),
    params(("id" = Uuid, Path)), request_body = AttendanceTypeUpdate,
    responses((status = 200, body = AttendanceType), Invalid, Forbidden, NotFound, Conflict))]
pub async fn update_attendance_type(
    Api { state, actor }: Api,
    Id(id): Id<AttendanceTypeId>,
    ApiJson(body): ApiJson<AttendanceTypeUpdate>,
) -> ApiResult<Json<AttendanceType>> {
    let draft = body.attendance_type.draft();
    let saved = state.app.follow_up().save_attendance_type(&actor, Some((id, body.version)), &draft).await?;
    Ok(Json(saved.into()))
}

#[derive(Deserialize, IntoParams)]
pub struct ContactsParams {
    /// `open` (default) or `all` (open and closed).
    pub state: Option<domain::work_queue::WorkState>,
}

/// The party's sales contacts, open ones first.
#[utoipa::path(get, path = "/api/v1/parties/{id}/sales-contacts", tag = "follow-up", security(("bearer" = [])),
    params(("id" = Uuid, Path), ContactsParams), responses((status = 200, body = Vec<SalesContact>), NotFound))]
pub async fn of_party(
    Api { state, actor }: Api,
    Id(id): Id<PartyId>,
    Query(params): Query<ContactsParams>,
) -> ApiResult<Json<Vec<SalesContact>>> {
    let open_only = params.state != Some(domain::work_queue::WorkState::All);
    let contacts = state.app.follow_up().contacts_of(&actor, id, open_only).await?;
    Ok(Json(contacts.into_iter().map(SalesContact::from).collect()))
}

/// Opens a sales contact for the party. An attendance type, centre or
/// user that is not the organisation's (or not in use), or a product code
/// the catalogue lacks, is `422` on its field.
#[utoipa::path(post, path = "/api/v1/parties/{id}/sales-contacts", tag = "follow-up", security(("bearer" = [])),
    params(("id" = Uuid, Path)), request_body = ContactFields,
    responses((status = 201, body = SalesContact), Invalid, Forbidden, NotFound))]
pub async fn create_contact(
    Api { state, actor }: Api,
    Id(id): Id<PartyId>,
    ApiJson(body): ApiJson<ContactFields>,
) -> ApiResult<(StatusCode, Json<SalesContact>)> {
    let saved = state.app.follow_up().create_contact(&actor, id, &body.draft()).await?;
    Ok((StatusCode::CREATED, Json(saved.into())))
}

#[utoipa::path(get, path = "/api/v1/sales-contacts/{id}", tag = "follow-up", security(("bearer" = [])),
    params(("id" = Uuid, Path)), responses((status = 200, body = SalesContact), NotFound))]
pub async fn get_contact(
    Api { state, actor }: Api,
    Id(id): Id<SalesContactId>,
) -> ApiResult<Json<SalesContact>> {
    Ok(Json(state.app.follow_up().contact(&actor, id).await?.into()))
}

/// Changes a contact at the `version` read (`409` when someone saved since).
#[utoipa::path(put, path = "/api/v1/sales-contacts/{id}", tag = "follow-up", security(("bearer" = [])),
    params(("id" = Uuid, Path)), request_body = ContactUpdate,
    responses((status = 200, body = SalesContact), Invalid, Forbidden, NotFound, Conflict))]
pub async fn update_contact(
    Api { state, actor }: Api,
    Id(id): Id<SalesContactId>,
    ApiJson(body): ApiJson<ContactUpdate>,
) -> ApiResult<Json<SalesContact>> {
    let saved = state.app.follow_up().update_contact(&actor, id, body.version, &body.contact.draft()).await?;
    Ok(Json(saved.into()))
}

#[derive(Deserialize, IntoParams)]
pub struct NotesParams {
    /// `standard`: only the notes from a standard text [histórico padrão].
    #[param(inline)]
    pub history: Option<HistoryFilter>,
}

#[derive(Clone, Copy, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum HistoryFilter {
    All,
    Standard,
}

/// The contact's notes the caller may see (every confirmed one and his
/// own drafts), the latest first.
#[utoipa::path(get, path = "/api/v1/sales-contacts/{id}/notes", tag = "follow-up", security(("bearer" = [])),
    params(("id" = Uuid, Path), NotesParams), responses((status = 200, body = Vec<Note>), NotFound))]
pub async fn notes(
    Api { state, actor }: Api,
    Id(id): Id<SalesContactId>,
    Query(params): Query<NotesParams>,
) -> ApiResult<Json<Vec<Note>>> {
    let standard_only = params.history == Some(HistoryFilter::Standard);
    Ok(Json(
        state.app.follow_up().notes(&actor, id, standard_only).await?.into_iter().map(Note::from).collect(),
    ))
}

/// Writes a note on the contact: confirmed, or kept as a draft. A file
/// the type does not allow, or above its limit, is `422` on `file`.
#[utoipa::path(post, path = "/api/v1/sales-contacts/{id}/notes", tag = "follow-up", security(("bearer" = [])),
    params(("id" = Uuid, Path)), request_body = NoteFields,
    responses((status = 201, body = Note), Invalid, Forbidden, NotFound))]
pub async fn add_note(
    Api { state, actor }: Api,
    Id(id): Id<SalesContactId>,
    ApiJson(body): ApiJson<NoteFields>,
) -> ApiResult<(StatusCode, Json<Note>)> {
    let (draft, file) = body.parts()?;
    let saved = state.app.follow_up().add_note(&actor, id, &draft, file).await?;
    Ok((StatusCode::CREATED, Json(saved.into())))
}

#[utoipa::path(get, path = "/api/v1/contact-notes/{id}", tag = "follow-up", security(("bearer" = [])),
    params(("id" = Uuid, Path)), responses((status = 200, body = Note), NotFound))]
pub async fn get_note(Api { state, actor }: Api, Id(id): Id<ContactNoteId>) -> ApiResult<Json<Note>> {
    Ok(Json(state.app.follow_up().note(&actor, id).await?.into()))
}

/// Saves the caller's draft again at the `version` read: still a draft,
/// or confirmed. Only a draft, and only its author's, is `200`.
#[utoipa::path(put, path = "/api/v1/contact-notes/{id}", tag = "follow-up", security(("bearer" = [])),
    params(("id" = Uuid, Path)), request_body = NoteUpdate,
    responses((status = 200, body = Note), Invalid, Forbidden, NotFound, Conflict))]
pub async fn finish_note(
    Api { state, actor }: Api,
    Id(id): Id<ContactNoteId>,
    ApiJson(body): ApiJson<NoteUpdate>,
) -> ApiResult<Json<Note>> {
    let (draft, file) = body.note.parts()?;
    let saved = state.app.follow_up().finish_note(&actor, id, body.version, &draft, file).await?;
    Ok(Json(saved.into()))
}

/// The note's file as it was attached.
#[utoipa::path(get, path = "/api/v1/contact-notes/{id}/file", tag = "follow-up", security(("bearer" = [])),
    params(("id" = Uuid, Path)), responses((status = 200, content_type = "application/pdf", body = Vec<u8>), NotFound))]
pub async fn note_file(Api { state, actor }: Api, Id(id): Id<ContactNoteId>) -> ApiResult<Response> {
    let file = state.app.follow_up().note_attachment(&actor, id).await?;
    Ok(crate::download::file_of_type(&file.content_type, &file.file_name, file.content))
}

/// Answers the decision the contact's workflow waits for.
#[derive(Deserialize, ToSchema)]
pub struct DecisionAnswer {
    pub answer: bool,
    /// The contact's version read.
    pub version: i64,
}

/// Answers the workflow's pending decision: it asks a later one, gives the
/// next return (at a centre) or closes the contact. No decision pending is `422`.
#[utoipa::path(post, path = "/api/v1/sales-contacts/{id}/decide", tag = "follow-up", security(("bearer" = [])),
    params(("id" = Uuid, Path)), request_body = DecisionAnswer,
    responses((status = 200, body = SalesContact), Invalid, Forbidden, NotFound, Conflict))]
pub async fn decide(
    Api { state, actor }: Api,
    Id(id): Id<SalesContactId>,
    ApiJson(body): ApiJson<DecisionAnswer>,
) -> ApiResult<Json<SalesContact>> {
    let words = step_words(&tr_for(&actor));
    Ok(Json(state.app.follow_up().decide(&actor, id, body.version, body.answer, &words).await?.into()))
}

#[derive(Deserialize, ToSchema)]
pub struct Closing {
    pub outcome: ContactOutcome,
    pub version: i64,
}

/// Closes the sale; won with surplus products, it files a contract for
/// the sale's products and a separate one for the surplus.
#[utoipa::path(post, path = "/api/v1/sales-contacts/{id}/close", tag = "follow-up", security(("bearer" = [])),
    params(("id" = Uuid, Path)), request_body = Closing,
    responses((status = 200, body = SalesContact), Invalid, Forbidden, NotFound, Conflict))]
pub async fn close(
    Api { state, actor }: Api,
    Id(id): Id<SalesContactId>,
    ApiJson(body): ApiJson<Closing>,
) -> ApiResult<Json<SalesContact>> {
    let words = step_words(&tr_for(&actor));
    Ok(Json(
        state.app.follow_up().close_contact(&actor, id, body.version, body.outcome, &words).await?.into(),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct SurplusSale {
    /// A product code of the catalogue not on the contact yet.
    #[schema(min_length = 1, max_length = 60)]
    pub code: String,
    pub version: i64,
}

/// Sells a new product on the open contact [venda de excedente].
#[utoipa::path(post, path = "/api/v1/sales-contacts/{id}/surplus", tag = "follow-up", security(("bearer" = [])),
    params(("id" = Uuid, Path)), request_body = SurplusSale,
    responses((status = 200, body = SalesContact), Invalid, Forbidden, NotFound, Conflict))]
pub async fn surplus(
    Api { state, actor }: Api,
    Id(id): Id<SalesContactId>,
    ApiJson(body): ApiJson<SurplusSale>,
) -> ApiResult<Json<SalesContact>> {
    Ok(Json(state.app.follow_up().add_surplus(&actor, id, body.version, &body.code).await?.into()))
}

#[derive(Deserialize, ToSchema)]
pub struct ReopenRequestBody {
    #[schema(min_length = 1, max_length = 500)]
    pub reason: String,
    pub version: i64,
    /// A supervisor's own credentials, approving in person.
    pub approver_email: Option<String>,
    pub approver_password: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ReopenAnswer {
    /// `true`: reopened; `false`: the request waits for a supervisor.
    pub reopened: bool,
}

/// Reopens a closed contact with a reason: with the right, or with a
/// supervisor's credentials; without either the request waits in the
/// supervisors' queue. A surplus sale or an order from its proposal is `422`.
#[utoipa::path(post, path = "/api/v1/sales-contacts/{id}/reopen", tag = "follow-up", security(("bearer" = [])),
    params(("id" = Uuid, Path)), request_body = ReopenRequestBody,
    responses((status = 200, body = ReopenAnswer), Invalid, Forbidden, NotFound, Conflict))]
pub async fn reopen(
    Api { state, actor }: Api,
    Id(id): Id<SalesContactId>,
    ApiJson(body): ApiJson<ReopenRequestBody>,
) -> ApiResult<Json<ReopenAnswer>> {
    let approver = match body.approver_email.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
        Some(email) => {
            let password = body.approver_password.as_deref().unwrap_or_default();
            match state.app.auth().approver(email, password, actor.ip.as_deref()).await {
                Ok(approver) => Some(approver),
                Err(app::AppError::InvalidCredentials) => {
                    return Err(ValidationErrors::single("approver", "error-approver-credentials").into());
                }
                Err(other) => return Err(other.into()),
            }
        }
        None => None,
    };
    let words = step_words(&tr_for(&actor));
    let done = state
        .app
        .follow_up()
        .reopen(&actor, id, body.version, &body.reason, approver.as_ref(), &words)
        .await?;
    Ok(Json(ReopenAnswer { reopened: done == Reopening::Reopened }))
}

#[derive(Deserialize, ToSchema)]
pub struct Approval {
    pub version: i64,
}

/// A supervisor approves the reopening waiting on the contact.
#[utoipa::path(post, path = "/api/v1/sales-contacts/{id}/approve-reopen", tag = "follow-up", security(("bearer" = [])),
    params(("id" = Uuid, Path)), request_body = Approval,
    responses((status = 200, body = ReopenAnswer), Invalid, Forbidden, NotFound, Conflict))]
pub async fn approve_reopen(
    Api { state, actor }: Api,
    Id(id): Id<SalesContactId>,
    ApiJson(body): ApiJson<Approval>,
) -> ApiResult<Json<ReopenAnswer>> {
    let words = step_words(&tr_for(&actor));
    let done = state.app.follow_up().approve_reopen(&actor, id, body.version, &words).await?;
    Ok(Json(ReopenAnswer { reopened: done == Reopening::Reopened }))
}

/// The reopenings waiting for the caller, who has the right.
#[utoipa::path(get, path = "/api/v1/follow-up/reopen-requests", tag = "follow-up", security(("bearer" = [])),
    responses((status = 200, body = Vec<SalesContact>), Forbidden))]
pub async fn reopen_requests(Api { state, actor }: Api) -> ApiResult<Json<Vec<SalesContact>>> {
    let contacts = state.app.follow_up().reopen_requests(&actor).await?;
    Ok(Json(contacts.into_iter().map(SalesContact::from).collect()))
}

/// The appointments booked from the contact, newest first, cancelled ones
/// included; book one with `sales_contact_id` on `POST /api/v1/appointments`.
#[utoipa::path(get, path = "/api/v1/sales-contacts/{id}/appointments", tag = "follow-up", security(("bearer" = [])),
    params(("id" = Uuid, Path)), responses((status = 200, body = Vec<super::agenda::Appointment>), NotFound))]
pub async fn appointments(
    Api { state, actor }: Api,
    Id(id): Id<SalesContactId>,
) -> ApiResult<Json<Vec<super::agenda::Appointment>>> {
    Ok(Json(super::public_all(state.app.follow_up().contact_appointments(&actor, id).await?)?))
}

#[derive(Serialize, ToSchema)]
pub struct CycleItem {
    pub question: Question,
    pub answer: Option<String>,
}

/// The cycle's questions with the contact's answers.
#[utoipa::path(get, path = "/api/v1/sales-contacts/{id}/cycle", tag = "follow-up", security(("bearer" = [])),
    params(("id" = Uuid, Path)), responses((status = 200, body = Vec<CycleItem>), NotFound))]
pub async fn cycle(Api { state, actor }: Api, Id(id): Id<SalesContactId>) -> ApiResult<Json<Vec<CycleItem>>> {
    let answers = state.app.follow_up().cycle(&actor, id).await?;
    Ok(Json(answers.into_iter().map(|a| CycleItem { question: a.question, answer: a.answer }).collect()))
}

#[derive(Deserialize, ToSchema)]
pub struct CycleAnswers {
    /// Question key → answer (`yes`/`no`, a number, an option, text); an
    /// empty answer takes it back.
    pub answers: std::collections::BTreeMap<String, String>,
}

/// Records the contact's answers to its cycle.
#[utoipa::path(put, path = "/api/v1/sales-contacts/{id}/cycle", tag = "follow-up", security(("bearer" = [])),
    params(("id" = Uuid, Path)), request_body = CycleAnswers,
    responses((status = 200, body = Vec<CycleItem>), Invalid, Forbidden, NotFound))]
pub async fn answer_cycle(
    Api { state, actor }: Api,
    Id(id): Id<SalesContactId>,
    ApiJson(body): ApiJson<CycleAnswers>,
) -> ApiResult<Json<Vec<CycleItem>>> {
    let typed: Vec<(String, String)> = body.answers.into_iter().collect();
    let answers = state.app.follow_up().answer_cycle(&actor, id, &typed).await?;
    Ok(Json(answers.into_iter().map(|a| CycleItem { question: a.question, answer: a.answer }).collect()))
}

#[derive(Serialize, ToSchema)]
pub struct AnswerCount {
    pub answer: String,
    pub count: i64,
}

#[derive(Serialize, ToSchema)]
pub struct QuestionReportItem {
    pub question: Question,
    pub answered: i64,
    /// Per answer; empty for a number question (see `average`).
    pub counts: Vec<AnswerCount>,
    pub average: Option<f64>,
}

/// How the answers to the type's cycle fall over the contacts the caller may see.
#[utoipa::path(get, path = "/api/v1/follow-up/attendance-types/{id}/cycle-report", tag = "follow-up",
    security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<QuestionReportItem>), NotFound))]
pub async fn cycle_report(
    Api { state, actor }: Api,
    Id(id): Id<AttendanceTypeId>,
) -> ApiResult<Json<Vec<QuestionReportItem>>> {
    let report = state.app.follow_up().cycle_report(&actor, id).await?;
    Ok(Json(
        report
            .into_iter()
            .map(|q| QuestionReportItem {
                question: q.question,
                answered: q.answered,
                counts: q.counts.into_iter().map(|(answer, count)| AnswerCount { answer, count }).collect(),
                average: q.average,
            })
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct NoteEmailBody {
    /// One of the customer's addresses (any, with the right to write to any).
    #[schema(min_length = 3, max_length = 254)]
    pub to: String,
    #[schema(min_length = 1, max_length = 200)]
    pub subject: String,
    #[schema(min_length = 1, max_length = 20000)]
    pub body: String,
    /// The note's own text, before the e-mail's copy.
    #[serde(default)]
    #[schema(max_length = 20000)]
    pub note: String,
    #[serde(default)]
    pub from_standard: bool,
}

/// E-mails the customer from a note: queued through the outbox (his
/// consent required), the note written with the e-mail's text after its
/// own, and the e-mail kept as a separate note. Answers the note.
#[utoipa::path(post, path = "/api/v1/sales-contacts/{id}/email", tag = "follow-up", security(("bearer" = [])),
    params(("id" = Uuid, Path)), request_body = NoteEmailBody,
    responses((status = 201, body = Note), Invalid, Forbidden, NotFound))]
pub async fn email_from_note(
    Api { state, actor }: Api,
    Id(id): Id<SalesContactId>,
    ApiJson(body): ApiJson<NoteEmailBody>,
) -> ApiResult<(StatusCode, Json<Note>)> {
    let email = app::follow_up::notes::NoteEmail {
        to: body.to,
        subject: body.subject,
        body: body.body,
        note: body.note,
        from_standard: body.from_standard,
        to_label: tr_for(&actor).get("note-email-to"),
    };
    let note = state.app.follow_up().email_from_note(&actor, id, &email).await?;
    Ok((StatusCode::CREATED, Json(note.into())))
}
