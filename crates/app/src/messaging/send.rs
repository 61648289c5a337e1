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
use domain::message::{MessageState, REFUSED_NO_CONSENT, REFUSED_NOT_THE_PARTYS};
use domain::party::{Channel, ConsentState};
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
        let org = OrgId(message.org_id);
        let Some(server) = smtp_repo::get(&self.db, org).await? else {
            let answer = "message-failed-no-server";
            self.settle(job, &message, MessageState::Failed, answer, "timeline-message-failed").await?;
            return Ok(JobOutcome::Settled);
        };
        let envelope = Envelope {
            message_id: message.id,
            to: &message.recipient,
            subject: &message.subject,
            text: &message.body,
            html: (!message.body_html.is_empty()).then_some(message.body_html.as_str()),
        };
        match self.mailer.send(message.org_id, &server, &envelope).await {
            Ok(answer) => {
                self.settle(job, &message, MessageState::Sent, &answer, "timeline-message-sent").await?;
                Ok(JobOutcome::Settled)
            }
            Err(SendFailure { permanent, answer }) if permanent || job.last_try => {
                self.settle(job, &message, MessageState::Failed, &answer, "timeline-message-failed").await?;
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

    /// Takes the message for sending: reads it with its party's consent,
    /// refuses it when the channel is not allowed (or the address is no
    /// longer the party's), or marks it as being sent — in one transaction.
    /// `None` when there is nothing to send: refused now, or settled
    /// before (sent, failed, cancelled: a job run again after a crash).
    async fn take(&self, id: MessageId) -> Result<Option<Outgoing>, AppError> {
        let mut tx = self.db.begin().await?;
        let Some(message) = repo::take_outgoing(&mut tx, id).await? else {
            return Ok(None);
        };
        let state = MessageState::parse(&message.state)
            .map_err(|_| AppError::Internal(format!("message {id}: stored state unknown")))?;
        if !matches!(state, MessageState::Queued | MessageState::Sending) {
            return Ok(None);
        }
        let consent = ConsentState {
            sms_whatsapp: message.consent_sms_whatsapp,
            email: message.consent_email,
            phone: message.consent_phone,
            letter: message.consent_letter,
        };
        let allowed = Channel::parse(&message.channel).is_ok_and(|channel| consent.allows(channel));
        let refusal = if !allowed {
            Some(REFUSED_NO_CONSENT)
        } else if !message.address_is_the_partys {
            Some(REFUSED_NOT_THE_PARTYS)
        } else {
            None
        };
        let now = self.now();
        if let Some(reason) = refusal {
            repo::set_state(&mut tx, id, MessageState::Refused, reason, message.attempts, now).await?;
            let event =
                Event::new(EventKind::Message, "timeline-message-refused", &message.subject, Some(id.0));
            let by = By::OnBehalf(OrgId(message.org_id), &message.queued_by_name);
            let mut change = Change::within(self, tx, by, now);
            change.history(PartyId(message.party_id), event).await?;
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
        event_key: &'static str,
    ) -> Result<(), AppError> {
        let by = By::OnBehalf(OrgId(message.org_id), &message.queued_by_name);
        let mut change = self.change_by(by).await?;
        let id = MessageId(message.id);
        repo::set_state(&mut change.tx, id, state, answer, message.attempts + 1, change.at).await?;
        let event = Event::new(EventKind::Message, event_key, &message.subject, Some(message.id));
        change.history(PartyId(message.party_id), event).await?;
        let end = if state == MessageState::Sent { Finish::Done } else { Finish::Failed(answer) };
        let at = change.at;
        db::repo::job::finish(&mut change.tx, &job.claimed, end, at).await?;
        change.commit().await
    }
}
