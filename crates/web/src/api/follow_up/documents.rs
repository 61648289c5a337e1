//! What a sales contact sends out, over the API: the visit sheet's layouts
//! and a contact's sheet (PDF, or e-mailed), and documents sent to the
//! customers of chosen contacts with the sending's report.
use crate::AppState;
use crate::api::responses::{Forbidden, Invalid, NotFound};
use crate::error::ApiResult;
use crate::extract::{Api, ApiJson, Id, Query};
use crate::i18n::tr_for;
use crate::labels::sheet_words;
use app::follow_up::sending::SendingView;
use app::follow_up::sheets::LayoutView;
use axum::Router;
use axum::http::StatusCode;
use axum::response::{Json, Response};
use axum::routing;
use chrono::{DateTime, NaiveDate, Utc};
use domain::follow_up::sending::{SendOrder, SendOutcome, SendingDraft};
use domain::follow_up::visit_sheet::{LayoutDraft, SheetSection};
use domain::{DocumentSendId, SalesContactId, VisitSheetLayoutId};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/follow-up/visit-sheet-layouts", routing::get(layouts).post(create_layout))
        .route("/follow-up/visit-sheet-layouts/{id}", routing::put(update_layout))
        .route("/sales-contacts/{id}/visit-sheet", routing::get(visit_sheet))
        .route("/sales-contacts/{id}/visit-sheet/email", routing::post(email_visit_sheet))
        .route("/follow-up/document-sends", routing::post(send_documents))
        .route("/follow-up/document-sends/{id}", routing::get(document_send))
}

#[derive(OpenApi)]
#[openapi(
    paths(
        layouts,
        create_layout,
        update_layout,
        visit_sheet,
        email_visit_sheet,
        send_documents,
        document_send
    ),
    components(schemas(SheetSection, SendOrder, SendOutcome))
)]
pub struct Doc;

/// A visit-sheet layout as sent.
#[derive(Clone, Deserialize, ToSchema)]
pub struct LayoutFields {
    #[schema(min_length = 1, max_length = 80)]
    pub name: String,
    /// The title printed on the sheet; "Ficha de visita" when empty.
    #[serde(default)]
    #[schema(max_length = 200)]
    pub heading: String,
    /// What the sheet shows, printed in the sheet's own order.
    #[schema(min_items = 1)]
    pub sections: Vec<SheetSection>,
    /// Whether it is offered; `true` when left out.
    pub active: Option<bool>,
}

impl LayoutFields {
    fn draft(&self) -> LayoutDraft {
        LayoutDraft {
            name: self.name.clone(),
            heading: self.heading.clone(),
            sections: self.sections.iter().map(|s| s.as_str().to_string()).collect(),
            active: self.active.unwrap_or(true),
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct LayoutUpdate {
    #[serde(flatten)]
    pub layout: LayoutFields,
    /// The version read.
    pub version: i64,
}

#[derive(Serialize, ToSchema)]
pub struct VisitSheetLayout {
    pub id: Uuid,
    pub name: String,
    pub heading: String,
    pub sections: Vec<SheetSection>,
    pub active: bool,
    pub version: i64,
}

impl From<LayoutView> for VisitSheetLayout {
    fn from(view: LayoutView) -> Self {
        VisitSheetLayout {
            id: view.id,
            name: view.name,
            heading: view.heading,
            sections: view.sections,
            active: view.active,
            version: view.version,
        }
    }
}

#[utoipa::path(get, path = "/api/v1/follow-up/visit-sheet-layouts", tag = "follow-up", security(("bearer" = [])),
    responses((status = 200, body = Vec<VisitSheetLayout>)))]
pub async fn layouts(Api { state, actor }: Api) -> ApiResult<Json<Vec<VisitSheetLayout>>> {
    let layouts = state.app.follow_up().sheet_layouts(&actor).await?;
    Ok(Json(layouts.into_iter().map(Into::into).collect()))
}

/// Adds a layout (administrators). A name another layout has is `409`.
#[utoipa::path(post, path = "/api/v1/follow-up/visit-sheet-layouts", tag = "follow-up", security(("bearer" = [])),
    request_body = LayoutFields, responses((status = 201, body = VisitSheetLayout), Invalid, Forbidden,
    (status = 409, description = "Another layout has this name.")))]
pub async fn create_layout(
    Api { state, actor }: Api,
    ApiJson(body): ApiJson<LayoutFields>,
) -> ApiResult<(StatusCode, Json<VisitSheetLayout>)> {
    let saved = state.app.follow_up().save_sheet_layout(&actor, None, &body.draft()).await?;
    Ok((StatusCode::CREATED, Json(saved.into())))
}

/// Changes a layout at the `version` read (`409` when someone saved since).
#[utoipa::path(put, path = "/api/v1/follow-up/visit-sheet-layouts/{id}", tag = "follow-up", security(("bearer" = [])),
    params(("id" = Uuid, Path)), request_body = LayoutUpdate,
    responses((status = 200, body = VisitSheetLayout), Invalid, Forbidden, NotFound,
    (status = 409, description = "Changed since it was read, or another layout has this name.")))]
pub async fn update_layout(
    Api { state, actor }: Api,
    Id(id): Id<VisitSheetLayoutId>,
    ApiJson(body): ApiJson<LayoutUpdate>,
) -> ApiResult<Json<VisitSheetLayout>> {
    let editing = Some((id, body.version));
    Ok(Json(state.app.follow_up().save_sheet_layout(&actor, editing, &body.layout.draft()).await?.into()))
}

#[derive(Deserialize, IntoParams)]
pub struct SheetParams {
    /// The layout, one in use.
    pub layout: Uuid,
}

/// The contact's visit sheet in a layout, as a PDF in the caller's language.
#[utoipa::path(get, path = "/api/v1/sales-contacts/{id}/visit-sheet", tag = "follow-up", security(("bearer" = [])),
    params(("id" = Uuid, Path), SheetParams),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), Invalid, NotFound))]
pub async fn visit_sheet(
    Api { state, actor }: Api,
    Id(id): Id<SalesContactId>,
    Query(params): Query<SheetParams>,
) -> ApiResult<Response> {
    let words = sheet_words(&tr_for(&actor));
    let layout = VisitSheetLayoutId(params.layout);
    let sheet = state.app.follow_up().visit_sheet(&actor, id, layout, &words).await?;
    Ok(crate::download::file("application/pdf", &sheet.file_name, sheet.content))
}

#[derive(Deserialize, ToSchema)]
pub struct SheetEmail {
    pub layout_id: Uuid,
    /// One of the customer's addresses; he must allow e-mail.
    pub to: String,
}

#[derive(Serialize, ToSchema)]
pub struct QueuedMessage {
    pub message_id: Uuid,
}

/// E-mails the contact's visit sheet, attached as a PDF, through the outbox.
#[utoipa::path(post, path = "/api/v1/sales-contacts/{id}/visit-sheet/email", tag = "follow-up",
    security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = SheetEmail,
    responses((status = 202, body = QueuedMessage), Invalid, Forbidden, NotFound))]
pub async fn email_visit_sheet(
    Api { state, actor }: Api,
    Id(id): Id<SalesContactId>,
    ApiJson(body): ApiJson<SheetEmail>,
) -> ApiResult<(StatusCode, Json<QueuedMessage>)> {
    let words = sheet_words(&tr_for(&actor));
    let layout = VisitSheetLayoutId(body.layout_id);
    let sent = state.app.follow_up().email_visit_sheet(&actor, id, layout, &body.to, &words).await?;
    Ok((StatusCode::ACCEPTED, Json(QueuedMessage { message_id: sent.0 })))
}

#[derive(Deserialize, ToSchema)]
pub struct DocumentSending {
    /// The document model: an e-mail template.
    pub template_id: Uuid,
    /// The contacts whose customers receive it.
    #[schema(min_items = 1, max_items = 200)]
    pub contact_ids: Vec<Uuid>,
    /// The report's order; by name when left out.
    pub order: Option<SendOrder>,
    /// The text above the document.
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub header: String,
    /// One of the organisation's companies (its name, or a branch's company).
    #[schema(min_length = 1, max_length = 120)]
    pub company: String,
}

#[derive(Serialize, ToSchema)]
pub struct SentTo {
    pub contact_id: Uuid,
    pub party_id: Uuid,
    pub name: String,
    pub city: String,
    pub next_return_on: Option<NaiveDate>,
    pub recipient: String,
    pub outcome: SendOutcome,
    pub message_id: Option<Uuid>,
}

/// A sending with each customer's outcome, in its report's order.
#[derive(Serialize, ToSchema)]
pub struct DocumentSendReport {
    pub id: Uuid,
    pub template_id: Uuid,
    pub template_name: String,
    pub header: String,
    pub company: String,
    pub order: SendOrder,
    pub sent_by: String,
    pub created_at: DateTime<Utc>,
    pub recipients: Vec<SentTo>,
}

impl From<SendingView> for DocumentSendReport {
    fn from(view: SendingView) -> Self {
        DocumentSendReport {
            id: view.id,
            template_id: view.template_id,
            template_name: view.template_name,
            header: view.header,
            company: view.company,
            order: view.order,
            sent_by: view.sent_by,
            created_at: view.created_at,
            recipients: view
                .lines
                .into_iter()
                .map(|l| SentTo {
                    contact_id: l.contact_id,
                    party_id: l.party_id,
                    name: l.to.name,
                    city: l.to.city,
                    next_return_on: l.to.next_return_on,
                    recipient: l.recipient,
                    outcome: l.outcome,
                    message_id: l.message_id,
                })
                .collect(),
        }
    }
}

/// Sends a document model to the customers of the chosen contacts: those
/// with an address who allow e-mail get it; the report says why the
/// others did not.
#[utoipa::path(post, path = "/api/v1/follow-up/document-sends", tag = "follow-up", security(("bearer" = [])),
    request_body = DocumentSending, responses((status = 201, body = DocumentSendReport), Invalid, Forbidden))]
pub async fn send_documents(
    Api { state, actor }: Api,
    ApiJson(body): ApiJson<DocumentSending>,
) -> ApiResult<(StatusCode, Json<DocumentSendReport>)> {
    let draft = SendingDraft {
        template: body.template_id.to_string(),
        contacts: body.contact_ids.iter().map(Uuid::to_string).collect(),
        order: body.order.map(|o| o.as_str().to_string()).unwrap_or_default(),
        header: body.header,
        company: body.company,
    };
    let sent = state.app.follow_up().send_documents(&actor, &draft).await?;
    Ok((StatusCode::CREATED, Json(sent.into())))
}

#[utoipa::path(get, path = "/api/v1/follow-up/document-sends/{id}", tag = "follow-up", security(("bearer" = [])),
    params(("id" = Uuid, Path)), responses((status = 200, body = DocumentSendReport), NotFound))]
pub async fn document_send(
    Api { state, actor }: Api,
    Id(id): Id<DocumentSendId>,
) -> ApiResult<Json<DocumentSendReport>> {
    Ok(Json(state.app.follow_up().document_sending(&actor, id).await?.into()))
}
