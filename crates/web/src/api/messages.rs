//! Messages over the API: the mail server's settings, e-mail to a party
//! (queued; consent is checked again when it is sent), and the outbox.
use super::public_all;
use super::responses::{Conflict, Forbidden, Invalid, NotFound};
use crate::AppState;
use crate::error::{ApiResult, Error};
use crate::extract::{Api, ApiJson, Id, Query};
use app::messaging::{EmailContent, GatewayView, MessageView, OutboxQuery, SmtpView, TemplateView};
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::response::Json;
use axum::routing;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use domain::PartyId;
use domain::ids::MessageId;
use domain::message::{
    Attachment, GatewaySettings, MessageChannel, MessageState, SmtpSettings, SmtpTls, TemplateDraft,
    TemplateKind,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/settings/smtp", routing::get(smtp_settings).put(save_smtp_settings))
        .route("/settings/smtp/test", routing::post(send_test))
        .route("/settings/gateway", routing::get(gateway_settings).put(save_gateway_settings))
        .route(
            "/parties/{id}/messages",
            routing::post(queue_message).layer(DefaultBodyLimit::max(crate::server::UPLOAD_JSON_BYTES)),
        )
        .route("/letters", routing::get(letters_waiting))
        .route("/letters/print", routing::post(print_letters))
        .route("/letters/batches", routing::get(letter_batches))
        .route("/letters/batches/{id}", routing::get(printed_batch))
        .route("/messages", routing::get(outbox))
        .route("/messages/{id}", routing::get(message))
        .route("/messages/{id}/retry", routing::post(retry))
        .route("/messages/{id}/cancel", routing::post(cancel))
        .route("/message-templates", routing::get(list_templates).post(create_template))
        .route("/message-templates/variables", routing::get(template_variables))
        .route("/message-templates/{id}", routing::get(get_template).put(update_template))
}

#[derive(OpenApi)]
#[openapi(paths(
    template_variables,
    smtp_settings,
    save_smtp_settings,
    send_test,
    gateway_settings,
    save_gateway_settings,
    queue_message,
    letters_waiting,
    print_letters,
    letter_batches,
    printed_batch,
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

/// The organisation's SMS/WhatsApp gateway; `404` until it is set. Never the secret.
#[utoipa::path(get, path = "/api/v1/settings/gateway", tag = "messages", security(("bearer" = [])),
    responses((status = 200, body = Gateway), NotFound, Forbidden))]
pub async fn gateway_settings(Api { state, actor }: Api) -> ApiResult<Json<Gateway>> {
    let found = state.app.messages().gateway_settings(&actor).await?.ok_or(app::AppError::NotFound)?;
    Ok(Json(found.into()))
}

/// Sets the gateway each SMS and WhatsApp message is posted to. `version`
/// is the one read (0 the first time, when `secret` is required); a
/// missing or empty `secret` keeps the stored one.
///
/// Each message is one `POST` to `url` with a JSON body `{"id", "channel"
/// ("sms" or "whatsapp"), "to" (E.164), "text", "party_id",
/// "organisation_id"}`, signed the Standard Webhooks way: headers
/// `webhook-id` (the same on every try of one message, to drop repeats),
/// `webhook-timestamp` and `webhook-signature: v1,<base64 HMAC-SHA256 of
/// "{id}.{timestamp}.{body}">`, keyed with the secret's UTF-8 bytes (or the
/// base64 after `whsec_`). A 2xx answer is "sent" (its body is kept as the
/// answer); 408, 429, 5xx or no answer is tried again with backoff; any
/// other 4xx fails the message.
#[utoipa::path(put, path = "/api/v1/settings/gateway", tag = "messages", security(("bearer" = [])), request_body = GatewayDraft,
    responses((status = 200, body = Gateway), Invalid, Forbidden, Conflict))]
pub async fn save_gateway_settings(
    Api { state, actor }: Api,
    ApiJson(draft): ApiJson<GatewayDraft>,
) -> ApiResult<Json<Gateway>> {
    let settings = GatewaySettings::parse(
        &draft.url,
        draft.secret.as_deref().unwrap_or_default(),
        draft.sms,
        draft.whatsapp,
    )?;
    let saved = state.app.messages().save_gateway_settings(&actor, draft.version, settings).await?;
    Ok(Json(saved.into()))
}

/// Queues a message to one of the party's own addresses: an `email` (to
/// one of its e-mails; written or from `template_id`), an `sms` or a
/// `whatsapp` message (to one of its phones, E.164; `body` only, through
/// the organisation's gateway), or a `letter` (to one of its postal
/// addresses as the envelope reads, lines separated by `\n`; it waits for
/// the next printed batch). An e-mail or a phone that is not the party's
/// needs the `messages.any_address` right (a letter always goes to one of
/// the party's addresses). Refused (`422`, field `to`) when the party does
/// not allow the channel; when it is sent (or printed), the consent is read
/// again and a withdrawn one makes it `refused`.
#[utoipa::path(post, path = "/api/v1/parties/{id}/messages", tag = "messages", security(("bearer" = [])),
    params(("id" = Uuid, Path)), request_body = MessageDraftBody,
    responses((status = 201, body = Message), Invalid, Forbidden, NotFound))]
pub async fn queue_message(
    Api { state, actor }: Api,
    Id(party): Id<PartyId>,
    ApiJson(draft): ApiJson<MessageDraftBody>,
) -> ApiResult<(StatusCode, Json<Message>)> {
    let messages = state.app.messages();
    let id = match draft.channel {
        MessageChannel::Email => {
            let content = match draft.template_id {
                Some(template) => EmailContent::Template(template),
                None => EmailContent::Written { subject: &draft.subject, body: &draft.body },
            };
            let files = draft
                .attachments
                .iter()
                .map(|file| {
                    let content = STANDARD.decode(file.content_base64.trim()).map_err(|_| {
                        domain::ValidationErrors::single("attachments", "error-attachment-base64")
                    })?;
                    Ok((file.file_name.clone(), file.content_type.clone(), content))
                })
                .collect::<Result<Vec<_>, domain::ValidationErrors>>()?;
            let files = Attachment::check_all(files)?;
            messages.queue_email_with_files(&actor, party, &draft.to, content, files).await?
        }
        MessageChannel::Sms | MessageChannel::WhatsApp => {
            messages.queue_text(&actor, party, draft.channel, &draft.to, &draft.body).await?
        }
        MessageChannel::Letter => {
            messages.queue_letter(&actor, party, &draft.to, &draft.subject, &draft.body).await?
        }
    };
    let queued = messages.message(&actor, id).await?;
    Ok((StatusCode::CREATED, Json(queued.try_into()?)))
}

/// The letters waiting for the next printed batch, oldest first.
#[utoipa::path(get, path = "/api/v1/letters", tag = "messages", security(("bearer" = [])),
    responses((status = 200, body = Vec<Message>), Forbidden))]
pub async fn letters_waiting(Api { state, actor }: Api) -> ApiResult<Json<Vec<Message>>> {
    let found = state.app.messages().letters_waiting(&actor).await?;
    Ok(Json(public_all(found)?))
}

/// Prints the waiting letters as one batch (at most 500): each party's
/// consent is read again, letters it no longer allows are `refused`, the
/// others `sent` in the batch. `204` when none waited.
#[utoipa::path(post, path = "/api/v1/letters/print", tag = "messages", security(("bearer" = [])),
    responses((status = 201, body = LetterBatch), (status = 204, description = "No letter waited"), Forbidden))]
pub async fn print_letters(Api { state, actor }: Api) -> ApiResult<axum::response::Response> {
    use axum::response::IntoResponse;
    Ok(match state.app.messages().print_letters(&actor).await? {
        Some(batch) => (
            StatusCode::CREATED,
            Json(LetterBatch { id: batch.id, printed: batch.printed, refused: batch.refused }),
        )
            .into_response(),
        None => StatusCode::NO_CONTENT.into_response(),
    })
}

/// The 20 latest printed batches, newest first.
#[utoipa::path(get, path = "/api/v1/letters/batches", tag = "messages", security(("bearer" = [])),
    responses((status = 200, body = Vec<PrintedBatchSummary>), Forbidden))]
pub async fn letter_batches(Api { state, actor }: Api) -> ApiResult<Json<Vec<PrintedBatchSummary>>> {
    let batches = state.app.messages().letter_batches(&actor).await?;
    Ok(Json(
        batches
            .into_iter()
            .map(|b| PrintedBatchSummary { id: b.id, printed_at: b.printed_at, letters: b.letters })
            .collect(),
    ))
}

/// The letters a batch printed (the page to print is `/admin/letters/batches/{id}`).
#[utoipa::path(get, path = "/api/v1/letters/batches/{id}", tag = "messages", security(("bearer" = [])),
    params(("id" = Uuid, Path)), responses((status = 200, body = Vec<Message>), NotFound, Forbidden))]
pub async fn printed_batch(Api { state, actor }: Api, Id(id): Id<Uuid>) -> ApiResult<Json<Vec<Message>>> {
    let printed = state.app.messages().printed_batch(&actor, id).await?;
    Ok(Json(public_all(printed.letters)?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OutboxParams {
    /// Only messages in this state.
    state: Option<MessageState>,
    /// Only messages of this channel.
    channel: Option<MessageChannel>,
    /// Only this party's messages (any reader of the party); without it,
    /// the whole organisation's (administrators).
    party_id: Option<Uuid>,
    /// The last id of the previous page: 50 a page, newest first.
    before: Option<Uuid>,
}

#[utoipa::path(get, path = "/api/v1/messages", tag = "messages", security(("bearer" = [])), params(OutboxParams),
    responses((status = 200, body = Vec<Message>), Invalid, Forbidden, NotFound))]
pub async fn outbox(
    Api { state, actor }: Api,
    Query(params): Query<OutboxParams>,
) -> ApiResult<Json<Vec<Message>>> {
    let query = OutboxQuery {
        state: params.state,
        channel: params.channel,
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
    let draft = TemplateDraft::parse(
        body.kind.map_or("", TemplateKind::as_str),
        &body.name,
        &body.locale,
        &body.subject,
        &body.body,
    )?;
    let saved = state.app.messages().save_template(&actor, None, 0, draft).await?;
    Ok((StatusCode::CREATED, Json(saved.into())))
}

/// What a template may name, by kind ("consultar variáveis"); a quote's
/// `item.` ones inside `{% for item in itens %}`.
#[derive(Serialize, ToSchema)]
pub struct TemplateVariables {
    pub email: Vec<&'static str>,
    pub quote: Vec<&'static str>,
}

#[utoipa::path(get, path = "/api/v1/message-templates/variables", tag = "messages", security(("bearer" = [])),
    responses((status = 200, body = TemplateVariables)))]
pub async fn template_variables(_: Api) -> ApiResult<Json<TemplateVariables>> {
    Ok(Json(TemplateVariables {
        email: app::messaging::variable_names(TemplateKind::Email).to_vec(),
        quote: app::messaging::variable_names(TemplateKind::Quote).to_vec(),
    }))
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
    let draft = TemplateDraft::parse(
        body.kind.map_or("", TemplateKind::as_str),
        &body.name,
        &body.locale,
        &body.subject,
        &body.body,
    )?;
    let saved = state.app.messages().save_template(&actor, Some(id), body.version, draft).await?;
    Ok(Json(saved.into()))
}

// The public JSON of this capability.

#[derive(Deserialize, ToSchema)]
pub struct TemplateDraftBody {
    /// `email` when left out; `quote` for a quote's document (its e-mail
    /// when sent, beside the PDF). A template keeps the kind it was made with.
    pub kind: Option<TemplateKind>,
    #[schema(min_length = 1)]
    pub name: String,
    /// `pt-BR`, `en` or `pt-PT`.
    #[schema(pattern = "^(pt-BR|en|pt-PT)$")]
    pub locale: String,
    #[schema(min_length = 1)]
    pub subject: String,
    /// HTML with variables: `{{ cliente.nome }}`, `{{ cliente.primeiro_nome }}`,
    /// `{{ cliente.email }}`, `{{ cliente.cidade }}`, `{{ cliente.uf }}`,
    /// `{{ usuario.nome }}`, `{{ usuario.email }}`, `{{ organizacao.nome }}`;
    /// a quote's also `{{ proposta.numero }}`, `{{ proposta.total }}`, … and
    /// its lines, `{% for item in itens %}{{ item.descricao }}{% endfor %}`
    /// (the whole list at `GET /api/v1/message-templates/variables`).
    #[schema(min_length = 1)]
    pub body: String,
    /// The version read (for changes).
    #[serde(default)]
    pub version: i64,
}

#[derive(Serialize, ToSchema)]
pub struct MessageTemplate {
    pub id: Uuid,
    pub kind: TemplateKind,
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
            kind: view.kind,
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
    #[schema(minimum = 1, maximum = 65535)]
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

/// A message to a party. For an `email`: written here (`subject` and
/// `body`), or a template filled in for the party (`template_id`; `subject`
/// and `body` are then ignored). For `sms` and `whatsapp`: `body` only (at
/// most 1,530 characters). For a `letter`: `subject` and `body`.
#[derive(Deserialize, ToSchema)]
pub struct MessageDraftBody {
    /// `email` when not given.
    #[serde(default = "email_channel")]
    pub channel: MessageChannel,
    /// One of the party's own addresses for the channel.
    #[schema(min_length = 1)]
    pub to: String,
    #[serde(default)]
    pub subject: String,
    /// Plain text.
    #[serde(default)]
    pub body: String,
    pub template_id: Option<Uuid>,
    /// Files for an e-mail: at most 10, 10 MB in all.
    #[serde(default)]
    pub attachments: Vec<AttachmentBody>,
}

#[derive(Deserialize, ToSchema)]
pub struct AttachmentBody {
    #[schema(min_length = 1)]
    pub file_name: String,
    /// `application/pdf`, `image/jpeg`…; anything unreadable is sent as
    /// `application/octet-stream`.
    #[serde(default)]
    pub content_type: String,
    /// The file's bytes in standard base64 (a file is never empty).
    #[schema(
        min_length = 4,
        pattern = "^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4})$"
    )]
    pub content_base64: String,
}

fn email_channel() -> MessageChannel {
    MessageChannel::Email
}

#[derive(Deserialize, ToSchema)]
pub struct GatewayDraft {
    /// Where each message is posted (http or https).
    #[schema(min_length = 1)]
    pub url: String,
    /// At least 16 characters; missing or empty keeps the stored one.
    #[serde(default)]
    pub secret: Option<String>,
    #[serde(default)]
    pub sms: bool,
    #[serde(default)]
    pub whatsapp: bool,
    /// The version read; 0 when there was no gateway yet.
    #[serde(default)]
    pub version: i64,
}

#[derive(Serialize, ToSchema)]
pub struct Gateway {
    pub url: String,
    pub sms: bool,
    pub whatsapp: bool,
    pub version: i64,
    pub updated_at: DateTime<Utc>,
}

impl From<GatewayView> for Gateway {
    fn from(view: GatewayView) -> Gateway {
        Gateway {
            url: view.url,
            sms: view.sms,
            whatsapp: view.whatsapp,
            version: view.version,
            updated_at: view.updated_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct PrintedBatchSummary {
    pub id: Uuid,
    pub printed_at: DateTime<Utc>,
    pub letters: i64,
}

#[derive(Serialize, ToSchema)]
pub struct LetterBatch {
    pub id: Uuid,
    /// Letters printed in the batch.
    pub printed: usize,
    /// Letters refused because their party no longer allows letters.
    pub refused: usize,
}

#[derive(Serialize, ToSchema)]
pub struct Message {
    pub id: Uuid,
    pub party_id: Uuid,
    pub party_name: String,
    pub channel: MessageChannel,
    /// An e-mail, a phone (E.164) or an envelope's lines.
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub state: MessageState,
    pub attempts: i32,
    /// The server's last answer, or the rule that stopped the message
    /// (`message-refused-no-consent`, `message-refused-address`,
    /// `message-failed-no-server`, `message-failed-no-gateway`).
    pub answer: String,
    /// Who queued it.
    pub queued_by: String,
    /// How many files it carries.
    pub attachment_count: i64,
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
            attachment_count: view.attachment_count,
            created_at: view.created_at,
            updated_at: view.updated_at,
            sent_at: view.sent_at,
        })
    }
}
