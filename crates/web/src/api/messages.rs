//! Messages over the API: the mail server's settings, e-mail to a party
//! (queued; consent is checked again when it is sent), and the outbox.
use super::public_all;
use super::responses::{Conflict, Forbidden, Invalid, NotFound};
use crate::AppState;
use crate::error::{ApiResult, Error};
use crate::extract::{Api, ApiJson, Id, Query};
use app::messaging::{EmailContent, MessageView, OutboxQuery, SmtpView, TemplateView};
use axum::Router;
use axum::http::StatusCode;
use axum::response::Json;
use axum::routing;
use chrono::{DateTime, Utc};
use domain::PartyId;
use domain::ids::MessageId;
use domain::message::{MessageState, SmtpSettings, SmtpTls, TemplateDraft};
use domain::party::Channel;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/settings/smtp", routing::get(smtp_settings).put(save_smtp_settings))
        .route("/settings/smtp/test", routing::post(send_test))
        .route("/parties/{id}/messages", routing::post(queue_email))
        .route("/messages", routing::get(outbox))
        .route("/messages/{id}", routing::get(message))
        .route("/messages/{id}/retry", routing::post(retry))
        .route("/messages/{id}/cancel", routing::post(cancel))
        .route("/message-templates", routing::get(list_templates).post(create_template))
        .route("/message-templates/{id}", routing::get(get_template).put(update_template))
}

#[derive(OpenApi)]
#[openapi(paths(
    smtp_settings,
    save_smtp_settings,
    send_test,
    queue_email,
    outbox,
    message,
    retry,
    cancel,
    list_templates,
    create_template,
    get_template,
    update_template
))]
pub struct Doc;

/// The organisation's mail server; `404` until it is set. Never the password.
#[utoipa::path(get, path = "/api/v1/settings/smtp", tag = "messages", security(("bearer" = [])),
    responses((status = 200, body = Smtp), NotFound, Forbidden))]
pub async fn smtp_settings(Api { state, actor }: Api) -> ApiResult<Json<Smtp>> {
    let found = state.app.messages().smtp_settings(&actor).await?.ok_or(app::AppError::NotFound)?;
    Ok(Json(found.into()))
}

/// Sets the mail server. `version` is the one read (0 the first time); a
/// missing or empty `password` keeps the stored one.
#[utoipa::path(put, path = "/api/v1/settings/smtp", tag = "messages", security(("bearer" = [])), request_body = SmtpDraft,
    responses((status = 200, body = Smtp), Invalid, Forbidden, Conflict))]
pub async fn save_smtp_settings(
    Api { state, actor }: Api,
    ApiJson(draft): ApiJson<SmtpDraft>,
) -> ApiResult<Json<Smtp>> {
    let settings = SmtpSettings::parse(
        &draft.host,
        &draft.port.to_string(),
        draft.tls.as_str(),
        &draft.username,
        draft.password.as_deref().unwrap_or_default(),
        &draft.sender_name,
        &draft.sender_address,
        draft.reply_to.as_deref().unwrap_or_default(),
    )?;
    let saved = state.app.messages().save_smtp_settings(&actor, draft.version, settings).await?;
    Ok(Json(saved.into()))
}

/// Sends a test message now through the stored settings and reports the
/// server's answer (`accepted: false` with its words when it refused).
#[utoipa::path(post, path = "/api/v1/settings/smtp/test", tag = "messages", security(("bearer" = [])), request_body = TestRequest,
    responses((status = 200, body = TestOutcome), Invalid, Forbidden))]
pub async fn send_test(
    Api { state, actor }: Api,
    ApiJson(body): ApiJson<TestRequest>,
) -> ApiResult<Json<TestOutcome>> {
    let outcome = match state.app.messages().send_test_email(&actor, &body.to).await? {
        Ok(answer) => TestOutcome { accepted: true, answer },
        Err(answer) => TestOutcome { accepted: false, answer },
    };
    Ok(Json(outcome))
}

/// Queues an e-mail to one of the party's own addresses. Refused (`422`,
/// field `to`) when the party does not allow e-mail; when it is sent, the
/// consent is read again and a withdrawn one makes it `refused`.
#[utoipa::path(post, path = "/api/v1/parties/{id}/messages", tag = "messages", security(("bearer" = [])),
    params(("id" = Uuid, Path)), request_body = EmailDraft,
    responses((status = 201, body = Message), Invalid, Forbidden, NotFound))]
pub async fn queue_email(
    Api { state, actor }: Api,
    Id(party): Id<PartyId>,
    ApiJson(draft): ApiJson<EmailDraft>,
) -> ApiResult<(StatusCode, Json<Message>)> {
    let messages = state.app.messages();
    let content = match draft.template_id {
        Some(template) => EmailContent::Template(template),
        None => EmailContent::Written { subject: &draft.subject, body: &draft.body },
    };
    let id = messages.queue_email(&actor, party, &draft.to, content).await?;
    let queued = messages.message(&actor, id).await?;
    Ok((StatusCode::CREATED, Json(queued.try_into()?)))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OutboxParams {
    /// Only messages in this state.
    state: Option<MessageState>,
    /// Only this party's messages (any reader of the party); without it,
    /// the whole organisation's (administrators).
    party_id: Option<Uuid>,
    /// The last id of the previous page: 50 a page, newest first.
    before: Option<Uuid>,
}

#[utoipa::path(get, path = "/api/v1/messages", tag = "messages", security(("bearer" = [])), params(OutboxParams),
    responses((status = 200, body = Vec<Message>), Invalid, Forbidden))]
pub async fn outbox(
    Api { state, actor }: Api,
    Query(params): Query<OutboxParams>,
) -> ApiResult<Json<Vec<Message>>> {
    let query = OutboxQuery {
        state: params.state,
        party: params.party_id.map(PartyId),
        before: params.before.map(MessageId),
    };
    let found = state.app.messages().outbox(&actor, &query).await?;
    Ok(Json(public_all(found)?))
}

#[utoipa::path(get, path = "/api/v1/messages/{id}", tag = "messages", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = Message), NotFound))]
pub async fn message(Api { state, actor }: Api, Id(id): Id<MessageId>) -> ApiResult<Json<Message>> {
    Ok(Json(state.app.messages().message(&actor, id).await?.try_into()?))
}

/// Queues a failed, refused or cancelled message again.
#[utoipa::path(post, path = "/api/v1/messages/{id}/retry", tag = "messages", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 204), NotFound, Forbidden, Conflict))]
pub async fn retry(Api { state, actor }: Api, Id(id): Id<MessageId>) -> ApiResult<StatusCode> {
    state.app.messages().retry(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Cancels a message still waiting in the queue.
#[utoipa::path(post, path = "/api/v1/messages/{id}/cancel", tag = "messages", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 204), NotFound, Forbidden, Conflict))]
pub async fn cancel(Api { state, actor }: Api, Id(id): Id<MessageId>) -> ApiResult<StatusCode> {
    state.app.messages().cancel(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/message-templates", tag = "messages", security(("bearer" = [])),
    responses((status = 200, body = Vec<MessageTemplate>)))]
pub async fn list_templates(Api { state, actor }: Api) -> ApiResult<Json<Vec<MessageTemplate>>> {
    let found = state.app.messages().templates(&actor).await?;
    Ok(Json(found.into_iter().map(MessageTemplate::from).collect()))
}

/// Creates a template. A syntax error or a variable that does not exist is
/// `422` naming `subject` or `body`, found now rather than when sending.
#[utoipa::path(post, path = "/api/v1/message-templates", tag = "messages", security(("bearer" = [])),
    request_body = TemplateDraftBody, responses((status = 201, body = MessageTemplate), Invalid, Forbidden, Conflict))]
pub async fn create_template(
    Api { state, actor }: Api,
    ApiJson(body): ApiJson<TemplateDraftBody>,
) -> ApiResult<(StatusCode, Json<MessageTemplate>)> {
    let draft = TemplateDraft::parse(&body.name, &body.locale, &body.subject, &body.body)?;
    let saved = state.app.messages().save_template(&actor, None, 0, draft).await?;
    Ok((StatusCode::CREATED, Json(saved.into())))
}

#[utoipa::path(get, path = "/api/v1/message-templates/{id}", tag = "messages", security(("bearer" = [])),
    params(("id" = Uuid, Path)), responses((status = 200, body = MessageTemplate), NotFound))]
pub async fn get_template(Api { state, actor }: Api, Id(id): Id<Uuid>) -> ApiResult<Json<MessageTemplate>> {
    Ok(Json(state.app.messages().template(&actor, id).await?.into()))
}

/// Changes a template at the `version` read (`409` when someone saved since).
#[utoipa::path(put, path = "/api/v1/message-templates/{id}", tag = "messages", security(("bearer" = [])),
    params(("id" = Uuid, Path)), request_body = TemplateDraftBody,
    responses((status = 200, body = MessageTemplate), Invalid, NotFound, Conflict))]
pub async fn update_template(
    Api { state, actor }: Api,
    Id(id): Id<Uuid>,
    ApiJson(body): ApiJson<TemplateDraftBody>,
) -> ApiResult<Json<MessageTemplate>> {
    let draft = TemplateDraft::parse(&body.name, &body.locale, &body.subject, &body.body)?;
    let saved = state.app.messages().save_template(&actor, Some(id), body.version, draft).await?;
    Ok(Json(saved.into()))
}

// The public JSON of this capability.

#[derive(Deserialize, ToSchema)]
pub struct TemplateDraftBody {
    #[schema(min_length = 1)]
    pub name: String,
    /// `pt-BR`, `en` or `pt-PT`.
    pub locale: String,
    #[schema(min_length = 1)]
    pub subject: String,
    /// HTML with variables: `{{ cliente.nome }}`, `{{ cliente.primeiro_nome }}`,
    /// `{{ cliente.email }}`, `{{ cliente.cidade }}`, `{{ cliente.uf }}`,
    /// `{{ usuario.nome }}`, `{{ usuario.email }}`, `{{ organizacao.nome }}`.
    #[schema(min_length = 1)]
    pub body: String,
    /// The version read (for changes).
    #[serde(default)]
    pub version: i64,
}

#[derive(Serialize, ToSchema)]
pub struct MessageTemplate {
    pub id: Uuid,
    pub name: String,
    pub locale: String,
    pub subject: String,
    pub body: String,
    pub version: i64,
    pub updated_at: DateTime<Utc>,
    pub updated_by: String,
}

impl From<TemplateView> for MessageTemplate {
    fn from(view: TemplateView) -> MessageTemplate {
        MessageTemplate {
            id: view.id,
            name: view.name,
            locale: view.locale.tag().to_string(),
            subject: view.subject,
            body: view.body,
            version: view.version,
            updated_at: view.updated_at,
            updated_by: view.updated_by,
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct SmtpDraft {
    #[schema(min_length = 1)]
    pub host: String,
    pub port: u16,
    pub tls: SmtpTls,
    #[serde(default)]
    pub username: String,
    /// Missing or empty: the stored password stays.
    #[serde(default)]
    pub password: Option<String>,
    #[serde(default)]
    pub sender_name: String,
    #[schema(min_length = 1)]
    pub sender_address: String,
    #[serde(default)]
    pub reply_to: Option<String>,
    /// The version read; 0 when there were no settings yet.
    #[serde(default)]
    pub version: i64,
}

#[derive(Serialize, ToSchema)]
pub struct Smtp {
    pub host: String,
    pub port: u16,
    pub tls: SmtpTls,
    pub username: String,
    /// Whether a password is stored (it is never sent back).
    pub has_password: bool,
    pub sender_name: String,
    pub sender_address: String,
    pub reply_to: String,
    pub version: i64,
}

impl From<SmtpView> for Smtp {
    fn from(view: SmtpView) -> Smtp {
        Smtp {
            host: view.host,
            port: view.port,
            tls: view.tls,
            username: view.username,
            has_password: view.has_password,
            sender_name: view.sender_name,
            sender_address: view.sender_address,
            reply_to: view.reply_to,
            version: view.version,
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct TestRequest {
    #[schema(min_length = 1)]
    pub to: String,
}

#[derive(Serialize, ToSchema)]
pub struct TestOutcome {
    pub accepted: bool,
    /// The server's answer, or why the connection failed.
    pub answer: String,
}

/// An e-mail written here (`subject` and `body`), or a template filled in
/// for the party (`template_id`; `subject` and `body` are then ignored).
#[derive(Deserialize, ToSchema)]
pub struct EmailDraft {
    /// One of the party's own e-mail addresses.
    #[schema(min_length = 1)]
    pub to: String,
    #[serde(default)]
    pub subject: String,
    /// Plain text.
    #[serde(default)]
    pub body: String,
    pub template_id: Option<Uuid>,
}

#[derive(Serialize, ToSchema)]
pub struct Message {
    pub id: Uuid,
    pub party_id: Uuid,
    pub party_name: String,
    pub channel: Channel,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub state: MessageState,
    pub attempts: i32,
    /// The server's last answer, or the rule that stopped the message
    /// (`message-refused-no-consent`, `message-refused-address`,
    /// `message-failed-no-server`).
    pub answer: String,
    /// Who queued it.
    pub queued_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

impl TryFrom<MessageView> for Message {
    type Error = Error;

    fn try_from(view: MessageView) -> Result<Message, Error> {
        Ok(Message {
            id: view.id.0,
            party_id: view.party_id.0,
            party_name: view.party_name,
            channel: view.channel,
            recipient: view.recipient,
            subject: view.subject,
            body: view.body,
            state: view.state,
            attempts: view.attempts,
            answer: view.answer,
            queued_by: view.queued_by,
            created_at: view.created_at,
            updated_at: view.updated_at,
            sent_at: view.sent_at,
        })
    }
}
