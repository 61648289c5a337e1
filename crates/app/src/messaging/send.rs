//! The worker's side of the outbox: one message per job, consent read in
//! the transaction that takes the message, the send recorded before the
//! job is acknowledged so that a job run again does not send again.
use super::smtp::{Envelope, SendFailure};
use crate::change::{By, Change};
use crate::jobs::{JobOutcome, RunningJob};
use crate::{AppError, Messages};
use db::repo::job::Finish;
use db::repo::message::{self as repo, Outgoing};
use db::repo::smtp as smtp_repo;
use domain::ids::MessageId;
use domain::message::{MessageChannel, MessageState, REFUSED_NO_CONSENT, REFUSED_NOT_THE_PARTYS};
use domain::party::ConsentState;
use domain::timeline::{Event, EventKind};
use domain::{OrgId, PartyId};
use uuid::Uuid;

impl Messages<'_> {
    pub(crate) async fn send_queued(&self, job: &RunningJob) -> Result<JobOutcome, AppError> {
        let id = job
            .claimed
            .payload
            .get("message")
            .and_then(|v| v.as_str())
            .and_then(|v| Uuid::parse_str(v).ok())
            .map(MessageId)
            .ok_or_else(|| {
                AppError::Internal(format!("job {}: no message in its payload", job.claimed.id))
            })?;
        let Some(message) = self.take(id).await? else {
            return Ok(JobOutcome::Done);
        };
        let Ok(channel) = MessageChannel::parse(&message.channel) else {
            return Err(AppError::Internal(format!("message {id}: stored channel unknown")));
        };
        let sent = match self.send_through(channel, &message).await? {
            Some(sent) => sent,
            None => {
                let answer = if channel == MessageChannel::Email {
                    "message-failed-no-server"
                } else {
                    "message-failed-no-gateway"
                };
                self.settle(job, &message, MessageState::Failed, answer).await?;
                return Ok(JobOutcome::Settled);
            }
        };
        match sent {
            Ok(answer) => {
                self.settle(job, &message, MessageState::Sent, &answer).await?;
                Ok(JobOutcome::Settled)
            }
            Err(SendFailure { permanent, answer }) if permanent || job.last_try => {
                self.settle(job, &message, MessageState::Failed, &answer).await?;
                Ok(JobOutcome::Settled)
            }
            Err(SendFailure { answer, .. }) => {
                let mut tx = self.db.begin().await?;
                repo::set_state(&mut tx, id, MessageState::Queued, &answer, message.attempts + 1, self.now())
                    .await?;
                tx.commit().await?;
                Ok(JobOutcome::Retry(answer))
            }
        }
    }

    /// Hands the message to the mail server or the gateway; `None` when the
    /// organisation has nothing set up to carry its channel.
    async fn send_through(
        &self,
        channel: MessageChannel,
        message: &Outgoing,
    ) -> Result<Option<Result<String, SendFailure>>, AppError> {
        let org = OrgId(message.org_id);
        Ok(match channel {
            MessageChannel::Email => match smtp_repo::get(&self.db, org).await? {
                Some(server) => {
                    let files = if message.has_attachments {
                        repo::attachments(&self.db, MessageId(message.id)).await?
                    } else {
                        Vec::new()
                    };
                    let envelope = Envelope {
                        attachments: &files,
                        message_id: message.id,
                        to: &message.recipient,
                        subject: &message.subject,
                        text: &message.body,
                        html: (!message.body_html.is_empty()).then_some(message.body_html.as_str()),
                    };
                    Some(self.mailer.send(message.org_id, &server, &envelope).await)
                }
                None => None,
            },
            MessageChannel::Sms | MessageChannel::WhatsApp => {
                let (gateway, private_allowed) = tokio::try_join!(
                    db::repo::gateway::get(&self.db, org),
                    db::repo::webhook::private_allowed(&self.db, org)
                )?;
                let carries = |g: &db::repo::gateway::GatewayRow| match channel {
                    MessageChannel::Sms => g.sms,
                    _ => g.whatsapp,
                };
                match gateway.filter(carries) {
                    Some(gateway) => Some(self.post_to_gateway(&gateway, private_allowed, message).await),
                    None => None,
                }
            }
            // Letters leave in printed batches, never through the worker.
            MessageChannel::Letter => {
                Some(Err(SendFailure { permanent: true, answer: "message-failed-letter".into() }))
            }
        })
    }

    /// Takes the message for sending: reads it with its party's consent,
    /// refuses it when the channel is not allowed (or the address is no
    /// longer the party's), or marks it as being sent — in one transaction.
    /// `None` when there is nothing to send: refused now, or settled
    /// before (sent, failed, cancelled: a job run again after a crash).
    async fn take(&self, id: MessageId) -> Result<Option<Outgoing>, AppError> {
        let mut tx = self.db.begin().await?;
        // Lost in a database crash, the message is queued again and sent
        // again: the same window as a worker killed mid-send, no wider.
        tx.relax_durability().await?;
        let Some(message) = repo::take_outgoing(&mut tx, id).await? else {
            return Ok(None);
        };
        let state = MessageState::parse(&message.state)
            .map_err(|_| AppError::Internal(format!("message {id}: stored state unknown")))?;
        if !matches!(state, MessageState::Queued | MessageState::Sending) {
            return Ok(None);
        }
        let now = self.now();
        if let Some(reason) = refusal(&message) {
            let by = By::OnBehalf(OrgId(message.org_id), &message.queued_by_name);
            let mut change = Change::within(self, tx, by, now);
            refuse(&mut change, &message, reason).await?;
            change.commit().await?;
            return Ok(None);
        }
        repo::set_state(&mut tx, id, MessageState::Sending, "", message.attempts + 1, now).await?;
        tx.commit().await?;
        Ok(Some(message))
    }

    /// Records how a send ended, the party's history with it, and the
    /// job's end: one commit, so the window in which a crash leaves a sent
    /// message unrecorded is as short as it can be.
    async fn settle(
        &self,
        job: &RunningJob,
        message: &Outgoing,
        state: MessageState,
        answer: &str,
    ) -> Result<(), AppError> {
        let by = By::OnBehalf(OrgId(message.org_id), &message.queued_by_name);
        let mut change = self.change_by(by).await?;
        change.tx.relax_durability().await?;
        let id = MessageId(message.id);
        repo::set_state(&mut change.tx, id, state, answer, message.attempts + 1, change.at).await?;
        let event =
            Event::new(EventKind::Message, event_key(message, state), &message.subject, Some(message.id));
        change.history(PartyId(message.party_id), event).await?;
        let end = if state == MessageState::Sent { Finish::Done } else { Finish::Failed(answer) };
        let at = change.at;
        db::repo::job::finish(&mut change.tx, &job.claimed, end, at).await?;
        change.commit().await
    }
}

/// Why the message may not leave now, if it may not: the party does not
/// allow its channel, or the address is no longer the party's.
pub(super) fn refusal(message: &Outgoing) -> Option<&'static str> {
    let consent = ConsentState {
        sms_whatsapp: message.consent_sms_whatsapp,
        email: message.consent_email,
        phone: message.consent_phone,
        letter: message.consent_letter,
    };
    let allowed =
        MessageChannel::parse(&message.channel).is_ok_and(|channel| consent.allows(channel.consent()));
    if !allowed {
        Some(REFUSED_NO_CONSENT)
    } else if !message.address_is_the_partys {
        Some(REFUSED_NOT_THE_PARTYS)
    } else {
        None
    }
}

/// Records the refusal, and the party's history with it, in the change.
pub(super) async fn refuse(
    change: &mut Change<'_>,
    message: &Outgoing,
    reason: &str,
) -> Result<(), AppError> {
    let id = MessageId(message.id);
    repo::set_state(&mut change.tx, id, MessageState::Refused, reason, message.attempts, change.at).await?;
    let key = event_key(message, MessageState::Refused);
    let event = Event::new(EventKind::Message, key, &message.subject, Some(message.id));
    change.history(PartyId(message.party_id), event).await
}

/// How the party's history says what became of the message: an e-mail
/// sent, an SMS refused, a letter printed…
pub(super) fn event_key(message: &Outgoing, state: MessageState) -> &'static str {
    let channel = MessageChannel::parse(&message.channel).unwrap_or(MessageChannel::Email);
    match (channel, state) {
        (MessageChannel::Email, MessageState::Sent) => "timeline-message-sent",
        (MessageChannel::Email, MessageState::Refused) => "timeline-message-refused",
        (MessageChannel::Email, _) => "timeline-message-failed",
        (MessageChannel::Sms, MessageState::Sent) => "timeline-sms-sent",
        (MessageChannel::Sms, MessageState::Refused) => "timeline-sms-refused",
        (MessageChannel::Sms, _) => "timeline-sms-failed",
        (MessageChannel::WhatsApp, MessageState::Sent) => "timeline-whatsapp-sent",
        (MessageChannel::WhatsApp, MessageState::Refused) => "timeline-whatsapp-refused",
        (MessageChannel::WhatsApp, _) => "timeline-whatsapp-failed",
        (MessageChannel::Letter, MessageState::Refused) => "timeline-letter-refused",
        (MessageChannel::Letter, _) => "timeline-letter-printed",
    }
}
