//! Messages [mensagens]: the organisation's mail server, the outbox, and
//! queueing a message to a party. The worker sends (see `send.rs`), and
//! checks the party's consent again at that moment: what was allowed when
//! a message was queued may have been withdrawn since.
mod gateway;
mod letters;
mod send;
pub mod smtp;
mod templates;

pub use gateway::GatewayView;
pub use letters::{PrintedBatch, PrintedLetters};
pub(crate) use templates::refusal;
pub use templates::{TemplateView, variable_names};

use crate::{Actor, AppError, Messages};
use chrono::{DateTime, Utc};
use db::repo::message::{self as repo, MessageFilter, MessageRow, NewMessage};
use db::repo::smtp::{self as smtp_repo, SmtpRow};
use domain::access::Permission;
use domain::audit::{AuditAction, AuditEntity};
use domain::ids::MessageId;
use domain::job::JobKind;
use domain::message::{
    Attachment, MessageChannel, MessageDraft, MessageState, Recipients, SmtpSettings, SmtpTls,
};
use domain::party::ConsentState;
use domain::{Email, PartyId, ValidationErrors};
use render::email::RenderedEmail;
pub use smtp::Mailer;
use uuid::Uuid;

/// The mail server's settings as a person may see them: never the password.
#[derive(Clone, Debug)]
pub struct SmtpView {
    pub host: String,
    pub port: u16,
    pub tls: SmtpTls,
    pub username: String,
    pub has_password: bool,
    pub sender_name: String,
    pub sender_address: String,
    pub reply_to: String,
    pub version: i64,
}

impl SmtpView {
    fn of(row: &SmtpRow) -> SmtpView {
        SmtpView {
            host: row.host.clone(),
            port: u16::try_from(row.port).unwrap_or(25),
            tls: SmtpTls::parse(&row.tls).unwrap_or(SmtpTls::StartTls),
            username: row.username.clone(),
            has_password: !row.password.is_empty(),
            sender_name: row.sender_name.clone(),
            sender_address: row.sender_address.clone(),
            reply_to: row.reply_to.clone(),
            version: row.version,
        }
    }

    /// What the audit trail keeps of the settings: all but the password.
    fn audited(&self) -> serde_json::Value {
        serde_json::json!({
            "host": self.host, "port": self.port, "tls": self.tls.as_str(), "username": self.username,
            "sender_name": self.sender_name, "sender_address": self.sender_address, "reply_to": self.reply_to,
        })
    }
}

/// A message of the outbox.
#[derive(Clone, Debug)]
pub struct MessageView {
    pub id: MessageId,
    pub party_id: PartyId,
    pub party_name: String,
    pub channel: MessageChannel,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub state: MessageState,
    pub attempts: i32,
    /// The server's last answer, or a message key when a rule stopped it
    /// (`message-refused-no-consent`).
    pub answer: String,
    pub queued_by: String,
    pub attachment_count: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

impl MessageView {
    fn of(row: MessageRow) -> Result<MessageView, AppError> {
        let broken = |what: &str| AppError::Internal(format!("message {}: stored {what} unknown", row.id));
        Ok(MessageView {
            id: MessageId(row.id),
            party_id: PartyId(row.party_id),
            channel: MessageChannel::parse(&row.channel).map_err(|_| broken("channel"))?,
            state: MessageState::parse(&row.state).map_err(|_| broken("state"))?,
            party_name: row.party_name,
            recipient: row.recipient,
            subject: row.subject,
            body: row.body,
            attempts: row.attempts,
            answer: row.answer,
            queued_by: row.queued_by_name,
            attachment_count: row.attachment_count,
            created_at: row.created_at,
            updated_at: row.updated_at,
            sent_at: row.sent_at,
        })
    }
}

/// Which messages to list.
#[derive(Clone, Debug, Default)]
pub struct OutboxQuery {
    pub state: Option<MessageState>,
    pub channel: Option<MessageChannel>,
    pub party: Option<PartyId>,
    /// The last message of the previous page.
    pub before: Option<MessageId>,
}

pub const OUTBOX_PAGE: u32 = 50;

/// Where a party can be written to now.
#[derive(Clone, Debug)]
pub struct Reachable {
    pub name: String,
    pub emails: Vec<String>,
    /// E.164.
    pub phones: Vec<String>,
    /// Each postal address as written on an envelope.
    pub addresses: Vec<String>,
    pub consent: ConsentState,
    pub city: String,
    pub state: String,
    /// Whether the organisation has a mail server to send through.
    pub server_ready: bool,
    /// The channels its message gateway carries (SMS, WhatsApp).
    pub gateway_carries: Vec<MessageChannel>,
}

impl Reachable {
    /// Why nothing can go to the party through `channel` now, as a message
    /// key: no address of that kind, no consent, nothing to send it through.
    pub fn blocked(&self, channel: MessageChannel) -> Option<&'static str> {
        let addresses = match channel {
            MessageChannel::Email => &self.emails,
            MessageChannel::Sms | MessageChannel::WhatsApp => &self.phones,
            MessageChannel::Letter => &self.addresses,
        };
        let ready = match channel {
            MessageChannel::Email => self.server_ready,
            MessageChannel::Sms | MessageChannel::WhatsApp => self.gateway_carries.contains(&channel),
            MessageChannel::Letter => true,
        };
        if addresses.is_empty() {
            Some(match channel {
                MessageChannel::Email => "compose-no-address",
                MessageChannel::Sms | MessageChannel::WhatsApp => "compose-no-phone",
                MessageChannel::Letter => "compose-no-postal-address",
            })
        } else if !self.consent.allows(channel.consent()) {
            Some(match channel {
                MessageChannel::Email => "compose-no-consent",
                MessageChannel::Sms | MessageChannel::WhatsApp => "compose-no-consent-text",
                MessageChannel::Letter => "compose-no-consent-letter",
            })
        } else if !ready {
            Some(if channel == MessageChannel::Email { "compose-no-server" } else { "compose-no-gateway" })
        } else {
            None
        }
    }
}

/// What an e-mail says: written for this one message, or a template
/// filled in for the customer when it is queued.
#[derive(Clone, Debug)]
pub enum EmailContent<'a> {
    Written {
        subject: &'a str,
        body: &'a str,
    },
    Template(Uuid),
    /// A template filled in about one of the customer's installments.
    TemplateAbout(Uuid, render::email::Installment),
    /// Filled in already (a quote's document), from this template if any.
    Filled(render::email::RenderedEmail, Option<Uuid>),
}

/// What an e-mail carries beside its draft: the HTML of the template it
/// was made from, that template, its files. Other messages carry none.
#[derive(Default)]
pub(crate) struct Extras<'a> {
    pub(crate) html: &'a str,
    pub(crate) template: Option<Uuid>,
    pub(crate) files: &'a [Attachment],
}

/// The addresses the actor may write to: the party's own, or any when he
/// holds the right to (a letter's address is always one of the party's).
/// The party must allow the message's channel.
fn consented(found: &Reachable, draft: &MessageDraft) -> Result<(), AppError> {
    if found.consent.allows(draft.channel.consent()) {
        return Ok(());
    }
    let refusal = match draft.channel {
        MessageChannel::Email => "error-message-no-consent",
        MessageChannel::Sms | MessageChannel::WhatsApp => "error-message-no-consent-text",
        MessageChannel::Letter => "error-message-no-consent-letter",
    };
    Err(ValidationErrors::single("to", refusal).into())
}

fn recipients<'a, T>(actor: &Actor, known: &'a [T]) -> Recipients<'a, T> {
    if actor.can(Permission::MessagesAnyAddress) { Recipients::Any(known) } else { Recipients::Own(known) }
}

/// The key of the job that sends a message: queueing it twice is one job.
fn send_key(id: MessageId) -> String {
    format!("message:{}", id.0)
}

impl Messages<'_> {
    #[tracing::instrument(skip_all)]
    pub async fn smtp_settings(&self, actor: &Actor) -> Result<Option<SmtpView>, AppError> {
        actor.require(Permission::Administer)?;
        Ok(smtp_repo::get(&self.db, actor.org_id).await?.as_ref().map(SmtpView::of))
    }

    /// Saves the mail server's settings; `version` is the one the form was
    /// read at (0 when there were none). An empty password keeps the stored one.
    #[tracing::instrument(skip_all)]
    pub async fn save_smtp_settings(
        &self,
        actor: &Actor,
        version: i64,
        settings: SmtpSettings,
    ) -> Result<SmtpView, AppError> {
        actor.require_change(Permission::Administer)?;
        let mut change = self.change(actor).await?;
        let before = smtp_repo::get(&self.db, actor.org_id).await?;
        let row = SmtpRow {
            host: settings.host,
            port: i32::from(settings.port),
            tls: settings.tls.as_str().to_string(),
            username: settings.username,
            password: settings.password.clone().unwrap_or_default(),
            sender_name: settings.sender_name,
            sender_address: settings.sender_address.as_str().to_string(),
            reply_to: settings.reply_to.map(|e| e.as_str().to_string()).unwrap_or_default(),
            version: version + 1,
            updated_at: change.at,
        };
        let saved = smtp_repo::save(
            &mut change.tx,
            actor.org_id,
            &row,
            settings.password.is_none(),
            version,
            change.at,
        )
        .await?;
        if !saved {
            let at = before.as_ref().map_or(change.at, |b| b.updated_at);
            return Err(AppError::Conflict { by: String::new(), at });
        }
        let after = SmtpView {
            has_password: settings.password.is_some()
                || before.as_ref().is_some_and(|b| !b.password.is_empty()),
            ..SmtpView::of(&row)
        };
        change
            .audit(
                AuditAction::Update,
                AuditEntity::SmtpSettings,
                None,
                before.as_ref().map(|b| SmtpView::of(b).audited()),
                Some(after.audited()),
            )
            .await?;
        change.commit().await?;
        Ok(after)
    }

    /// Sends a test message through the stored settings, now, to `to`;
    /// the server's answer either way (`Err` when it did not take it).
    #[tracing::instrument(skip_all)]
    pub async fn send_test_email(&self, actor: &Actor, to: &str) -> Result<Result<String, String>, AppError> {
        actor.require_change(Permission::Administer)?;
        let to = Email::parse(to).map_err(|m| ValidationErrors::single("test_to", m))?;
        let server = smtp_repo::get(&self.db, actor.org_id)
            .await?
            .ok_or_else(|| ValidationErrors::single("test_to", "error-smtp-missing"))?;
        let envelope = smtp::Envelope {
            message_id: Uuid::now_v7(),
            to: to.as_str(),
            subject: "Vínculo: mensagem de teste",
            text: "Esta é uma mensagem de teste do Vínculo: o servidor de e-mail está configurado.",
            html: None,
            attachments: &[],
        };
        Ok(Mailer::send_once(&server, &envelope).await.map_err(|failure| failure.answer))
    }

    /// A template filled in for this customer, to show before sending.
    #[tracing::instrument(skip_all)]
    pub async fn preview(
        &self,
        actor: &Actor,
        party: PartyId,
        template: Uuid,
    ) -> Result<render::email::RenderedEmail, AppError> {
        let found = self.reachable(actor, party).await?;
        let to = found.emails.first().cloned().unwrap_or_default();
        Ok(self.fill(actor, template, &found, &to, Default::default()).await?.1)
    }

    /// The party's e-mail addresses and whether he allows e-mail.
    #[tracing::instrument(skip_all)]
    pub async fn reachable(&self, actor: &Actor, party: PartyId) -> Result<Reachable, AppError> {
        let party = self.access().guard_party(actor, party, None).await?;
        let (found, server, gateway) = tokio::try_join!(
            repo::reachable(&self.db, party.id()),
            smtp_repo::get(&self.db, actor.org_id),
            db::repo::gateway::get(&self.db, actor.org_id)
        )?;
        let gateway_carries = gateway
            .map(|g| {
                [(MessageChannel::Sms, g.sms), (MessageChannel::WhatsApp, g.whatsapp)]
                    .into_iter()
                    .filter_map(|(channel, on)| on.then_some(channel))
                    .collect()
            })
            .unwrap_or_default();
        Ok(Reachable {
            name: found.name,
            city: found.city,
            state: found.state,
            emails: found.emails,
            phones: found.phones,
            addresses: found.addresses.iter().map(|a| a.envelope()).collect(),
            consent: found.consent,
            server_ready: server.is_some(),
            gateway_carries,
        })
    }

    /// Queues an e-mail to one of the party's own addresses. Refused now
    /// when the party does not allow e-mail; checked again when it is sent.
    #[tracing::instrument(skip_all)]
    pub async fn queue_email(
        &self,
        actor: &Actor,
        party: PartyId,
        to: &str,
        content: EmailContent<'_>,
    ) -> Result<MessageId, AppError> {
        self.queue_email_with_files(actor, party, to, content, Vec::new()).await
    }

    /// The same, with files attached (checked here: 10 MB in all).
    #[tracing::instrument(skip_all)]
    pub async fn queue_email_with_files(
        &self,
        actor: &Actor,
        party: PartyId,
        to: &str,
        content: EmailContent<'_>,
        files: Vec<Attachment>,
    ) -> Result<MessageId, AppError> {
        let reached = self.access().guard_party(actor, party, Some(Permission::PartiesEdit)).await?;
        let found = self.reachable(actor, reached.id()).await?;
        let known: Vec<Email> = found.emails.iter().filter_map(|e| Email::parse(e).ok()).collect();
        let known = recipients(actor, &known);
        let (draft, html, template) = match content {
            EmailContent::Written { subject, body } => {
                (MessageDraft::email(to, subject, body, known)?, String::new(), None)
            }
            EmailContent::Template(id) => {
                let (template, filled) = self.fill(actor, id, &found, to.trim(), Default::default()).await?;
                let draft = MessageDraft::email(to, &filled.subject, &filled.text, known)?;
                (draft, filled.html, Some(template.id))
            }
            EmailContent::TemplateAbout(id, installment) => {
                let (template, filled) = self.fill(actor, id, &found, to.trim(), installment).await?;
                let draft = MessageDraft::email(to, &filled.subject, &filled.text, known)?;
                (draft, filled.html, Some(template.id))
            }
            EmailContent::Filled(filled, template) => {
                (MessageDraft::email(to, &filled.subject, &filled.text, known)?, filled.html, template)
            }
        };
        self.record(actor, party, &found, draft, Extras { html: &html, template, files: &files }).await
    }

    /// Queues an SMS or a WhatsApp message to one of the party's phones,
    /// through the organisation's gateway. Refused now when the party does
    /// not allow SMS/WhatsApp; checked again when it is sent.
    #[tracing::instrument(skip_all)]
    pub async fn queue_text(
        &self,
        actor: &Actor,
        party: PartyId,
        channel: MessageChannel,
        to: &str,
        body: &str,
    ) -> Result<MessageId, AppError> {
        let reached = self.access().guard_party(actor, party, Some(Permission::PartiesEdit)).await?;
        let found = self.reachable(actor, reached.id()).await?;
        let draft = MessageDraft::text(channel, to, body, recipients(actor, &found.phones))?;
        if !found.gateway_carries.contains(&channel) {
            return Err(ValidationErrors::single("channel", "error-message-no-gateway").into());
        }
        self.record(actor, party, &found, draft, Extras::default()).await
    }

    /// Queues an SMS or a WhatsApp message whose text is a template's,
    /// filled in about one of the customer's installments.
    #[tracing::instrument(skip_all)]
    pub async fn queue_text_from_template(
        &self,
        actor: &Actor,
        party: PartyId,
        channel: MessageChannel,
        to: &str,
        template: Uuid,
        installment: render::email::Installment,
    ) -> Result<MessageId, AppError> {
        let reached = self.access().guard_party(actor, party, Some(Permission::PartiesEdit)).await?;
        let found = self.reachable(actor, reached.id()).await?;
        let (_, filled) = self.fill(actor, template, &found, to, installment).await?;
        self.queue_text(actor, party, channel, to, &filled.text).await
    }

    /// Queues a letter to one of the party's postal addresses; it leaves
    /// in the next printed batch, if the party still allows letters then.
    #[tracing::instrument(skip_all)]
    pub async fn queue_letter(
        &self,
        actor: &Actor,
        party: PartyId,
        to: &str,
        subject: &str,
        body: &str,
    ) -> Result<MessageId, AppError> {
        let reached = self.access().guard_party(actor, party, Some(Permission::PartiesEdit)).await?;
        let found = self.reachable(actor, reached.id()).await?;
        let draft = MessageDraft::letter(to, subject, body, &found.addresses)?;
        self.record(actor, party, &found, draft, Extras::default()).await
    }

    /// Writes a checked draft into the outbox, with the job that sends it
    /// (a letter waits for its batch) and the audit line, in one commit.
    async fn record(
        &self,
        actor: &Actor,
        party: PartyId,
        found: &Reachable,
        draft: MessageDraft,
        extras: Extras<'_>,
    ) -> Result<MessageId, AppError> {
        consented(found, &draft)?;
        let mut change = self.change(actor).await?;
        let id = self.record_in(&mut change, actor, party, &draft, extras).await?;
        change.commit().await?;
        self.wake_worker();
        Ok(id)
    }

    /// An e-mail written by hand to one of the party's addresses, checked
    /// (the address, his consent) before the change that queues it.
    pub(crate) async fn written_email(
        &self,
        actor: &Actor,
        party: PartyId,
        to: &str,
        subject: &str,
        body: &str,
    ) -> Result<MessageDraft, AppError> {
        let reached = self.access().guard_party(actor, party, Some(Permission::PartiesEdit)).await?;
        let found = self.reachable(actor, reached.id()).await?;
        let known: Vec<Email> = found.emails.iter().filter_map(|e| Email::parse(e).ok()).collect();
        let draft = MessageDraft::email(to, subject, body, recipients(actor, &known))?;
        consented(&found, &draft)?;
        Ok(draft)
    }

    /// A template filled in for the party's first e-mail address, with
    /// `header` above it, to queue in the caller's change; or why it cannot
    /// go to him (no address, no consent: a key of the catalogue).
    pub(crate) async fn templated_email(
        &self,
        actor: &Actor,
        party: PartyId,
        template: Uuid,
        header: &str,
    ) -> Result<Result<(MessageDraft, RenderedEmail), &'static str>, AppError> {
        let reached = self.access().guard_party(actor, party, Some(Permission::PartiesEdit)).await?;
        let found = self.reachable(actor, reached.id()).await?;
        let Some(to) = found.emails.first().cloned() else { return Ok(Err("error-message-no-address")) };
        if !found.consent.allows(MessageChannel::Email.consent()) {
            return Ok(Err("error-message-no-consent"));
        }
        let (_, filled) = self.fill(actor, template, &found, &to, Default::default()).await?;
        let filled = filled.headed(header);
        let known: Vec<Email> = found.emails.iter().filter_map(|e| Email::parse(e).ok()).collect();
        let draft = MessageDraft::email(&to, &filled.subject, &filled.text, recipients(actor, &known))?;
        Ok(Ok((draft, filled)))
    }

    /// Queues the checked message in the caller's change, so it leaves
    /// only if all of the change is written (the worker is woken after).
    pub(crate) async fn record_in(
        &self,
        change: &mut crate::change::Change<'_>,
        actor: &Actor,
        party: PartyId,
        draft: &MessageDraft,
        extras: Extras<'_>,
    ) -> Result<MessageId, AppError> {
        let Extras { html, template, files } = extras;
        let id = MessageId::new();
        repo::insert(
            &mut change.tx,
            &NewMessage {
                id,
                org_id: actor.org_id,
                party_id: party,
                channel: draft.channel.as_str(),
                recipient: &draft.recipient,
                subject: &draft.subject,
                body: &draft.body,
                body_html: html,
                template_id: template,
                queued_by: actor.user_id,
                queued_by_name: &actor.display_name,
                address_typed: draft.address_typed,
            },
            change.at,
        )
        .await?;
        for file in files {
            repo::insert_attachment(&mut change.tx, actor.org_id, id, file).await?;
        }
        let at = change.at;
        if draft.channel.goes_through_worker() {
            let payload = serde_json::json!({ "message": id.0 });
            self.enqueue(&mut change.tx, actor.org_id, JobKind::SendMessage, &send_key(id), payload, at)
                .await?;
        }
        change
            .audit(
                AuditAction::Create,
                AuditEntity::Message,
                Some(id.to_string()),
                None,
                Some(serde_json::json!({
                    "party": party.to_string(), "channel": draft.channel.as_str(),
                    "to": draft.recipient, "address_typed": draft.address_typed, "subject": draft.subject,
                    "attachments": files.iter().map(|f| &f.file_name).collect::<Vec<_>>(),
                })),
            )
            .await?;
        Ok(id)
    }

    /// The outbox, newest first: the whole organisation's for an
    /// administrator, one party's for whoever may read it.
    #[tracing::instrument(skip_all)]
    pub async fn outbox(&self, actor: &Actor, query: &OutboxQuery) -> Result<Vec<MessageView>, AppError> {
        match query.party {
            Some(party) => {
                self.access().guard_party(actor, party, None).await?;
            }
            None => actor.require(Permission::Administer)?,
        }
        let filter = MessageFilter {
            state: query.state,
            channel: query.channel,
            party_id: query.party,
            before: query.before.map(|id| id.0),
            limit: OUTBOX_PAGE,
        };
        repo::list(&self.db, actor.org_id, &filter).await?.into_iter().map(MessageView::of).collect()
    }

    #[tracing::instrument(skip_all)]
    pub async fn message(&self, actor: &Actor, id: MessageId) -> Result<MessageView, AppError> {
        let row = repo::get(&self.db, actor.org_id, id).await?.ok_or(AppError::NotFound)?;
        self.access().guard_party(actor, PartyId(row.party_id), None).await?;
        MessageView::of(row)
    }

    /// Queues a failed, refused or cancelled message again (its consent
    /// is checked again when it goes).
    #[tracing::instrument(skip_all)]
    pub async fn retry(&self, actor: &Actor, id: MessageId) -> Result<(), AppError> {
        let retryable: Vec<MessageState> =
            MessageState::ALL.iter().copied().filter(|s| s.can_retry()).collect();
        self.move_message(actor, id, &retryable, MessageState::Queued).await?;
        self.wake_worker();
        Ok(())
    }

    /// Cancels a message that has not gone yet.
    #[tracing::instrument(skip_all)]
    pub async fn cancel(&self, actor: &Actor, id: MessageId) -> Result<(), AppError> {
        self.move_message(actor, id, &[MessageState::Queued], MessageState::Cancelled).await
    }

    /// A person moves a message from one of `from` to `to` (its sending
    /// job with it), with one access check; someone (or the worker) moved
    /// it first: a conflict.
    async fn move_message(
        &self,
        actor: &Actor,
        id: MessageId,
        from: &[MessageState],
        to: MessageState,
    ) -> Result<(), AppError> {
        let message =
            MessageView::of(repo::get(&self.db, actor.org_id, id).await?.ok_or(AppError::NotFound)?)?;
        self.access().guard_party(actor, message.party_id, Some(Permission::PartiesEdit)).await?;
        let mut change = self.change(actor).await?;
        let at = change.at;
        if !repo::move_state(&mut change.tx, actor.org_id, id, from, to, at).await? {
            return Err(AppError::Conflict { by: String::new(), at: message.updated_at });
        }
        let key = send_key(id);
        if to == MessageState::Cancelled {
            db::repo::job::cancel(&mut change.tx, actor.org_id, &key, at).await?;
        } else if message.channel.goes_through_worker() {
            let payload = serde_json::json!({ "message": id.0 });
            self.enqueue_again(&mut change.tx, actor.org_id, JobKind::SendMessage, &key, payload, at).await?;
        }
        change
            .audit_changed(
                AuditEntity::Message,
                id,
                serde_json::json!({ "state": message.state.as_str() }),
                serde_json::json!({ "state": to.as_str() }),
            )
            .await?;
        change.commit().await
    }
}
