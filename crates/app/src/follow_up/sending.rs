//! Documents sent to customers [envio para clientes] (seed 002): a
//! document model (an e-mail template) sent to the customers of the
//! chosen contacts, headed by the sender's text, in the name of one of the
//! organisation's companies; each customer's outcome kept for the report.
use crate::{Actor, AppError, FollowUp};
use db::repo::follow_up::sending::{self as repo, NewRecipient, NewSending, RecipientRow};
use domain::audit::AuditEntity;
use domain::follow_up::sending::{SendOrder, SendOutcome, SendingDraft, SentTo, sort_report};
use domain::message::TemplateKind;
use domain::timeline::{Event, EventKind};
use domain::{DocumentSendId, PartyId, ValidationErrors};
use std::collections::BTreeSet;
use uuid::Uuid;

/// One customer of a sending.
#[derive(Clone, Debug)]
pub struct SentLine {
    pub contact_id: Uuid,
    pub party_id: Uuid,
    pub to: SentTo,
    /// The address it went to; empty when it did not go.
    pub recipient: String,
    pub outcome: SendOutcome,
    pub message_id: Option<Uuid>,
}

#[derive(Clone, Debug)]
pub struct SendingView {
    pub id: Uuid,
    pub template_id: Uuid,
    pub template_name: String,
    pub header: String,
    pub company: String,
    pub order: SendOrder,
    pub sent_by: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// In the sending's order.
    pub lines: Vec<SentLine>,
}

impl SentLine {
    fn of(row: RecipientRow) -> Result<SentLine, AppError> {
        Ok(SentLine {
            outcome: SendOutcome::parse(&row.outcome)
                .map_err(|_| AppError::Internal(format!("sending of {}: outcome", row.contact_id)))?,
            contact_id: row.contact_id,
            party_id: row.party_id,
            to: SentTo { name: row.party_name, city: row.city, next_return_on: row.next_return_on },
            recipient: row.recipient,
            message_id: row.message_id,
        })
    }
}

impl FollowUp<'_> {
    /// The companies a sending may go out in the name of: the
    /// organisation's own name and its branches' companies.
    pub async fn sending_companies(&self, actor: &Actor) -> Result<Vec<String>, AppError> {
        let (organisation, branches) = tokio::try_join!(
            async { Ok::<_, AppError>(db::repo::organisation::get(&self.db, actor.org_id).await?) },
            async { Ok(db::repo::access::branches(&self.db, actor.org_id).await?) },
        )?;
        let mut companies: Vec<String> = organisation.map(|o| o.name).into_iter().collect();
        let others: BTreeSet<String> =
            branches.into_iter().map(|b| b.company.trim().to_string()).filter(|c| !c.is_empty()).collect();
        companies.extend(others.into_iter().filter(|c| !companies.contains(c)).collect::<Vec<_>>());
        Ok(companies)
    }

    /// Sends the document model to the customer of each chosen contact
    /// who has an e-mail address and allows e-mail; the others are listed
    /// in the report with the reason. All of it is one change.
    pub async fn send_documents(&self, actor: &Actor, draft: &SendingDraft) -> Result<SendingView, AppError> {
        let sending = draft.validate()?;
        let template = self.messages().template(actor, sending.template).await.map_err(|e| match e {
            AppError::NotFound => ValidationErrors::single("template", "error-template-unknown").into(),
            other => other,
        })?;
        if template.kind != TemplateKind::Email {
            return Err(ValidationErrors::single("template", "error-template-not-email").into());
        }
        if !self.sending_companies(actor).await?.contains(&sending.company) {
            return Err(ValidationErrors::single("company", "error-company-unknown").into());
        }
        // The company heads the text, as on a letterhead.
        let heading = match sending.header.as_str() {
            "" => sending.company.clone(),
            header => format!("{}\n\n{header}", sending.company),
        };
        let mut planned = Vec::with_capacity(sending.contacts.len());
        for id in &sending.contacts {
            let contact = self.contact_to_change(actor, *id).await.map_err(|e| match e {
                AppError::NotFound => {
                    ValidationErrors::single("contacts", "error-sales-contact-unknown").into()
                }
                other => other,
            })?;
            let party = PartyId(contact.party_id);
            let messages = self.messages();
            let (reach, filled) = tokio::try_join!(
                messages.reachable(actor, party),
                messages.templated_email(actor, party, sending.template, &heading),
            )?;
            planned.push((contact, reach.city, filled));
        }
        let id = DocumentSendId::new();
        let mut change = self.change(actor).await?;
        let mut lines = Vec::with_capacity(planned.len());
        for (contact, city, filled) in planned {
            let party = PartyId(contact.party_id);
            let (outcome, recipient, message) = match filled {
                Ok((draft, email)) => {
                    let extras = crate::messaging::Extras {
                        html: &email.html,
                        template: Some(template.id),
                        files: &[],
                    };
                    let message =
                        self.messages().record_in(&mut change, actor, party, &draft, extras).await?;
                    (SendOutcome::Queued, draft.recipient.clone(), Some(message.0))
                }
                Err("error-message-no-consent") => (SendOutcome::NoConsent, String::new(), None),
                Err(_) => (SendOutcome::NoAddress, String::new(), None),
            };
            if outcome == SendOutcome::Queued {
                let event = Event::new(
                    EventKind::SalesContact,
                    "timeline-document-sent",
                    template.name.clone(),
                    Some(contact.id),
                );
                change.history(party, event).await?;
            }
            lines.push(SentLine {
                contact_id: contact.id,
                party_id: contact.party_id,
                to: SentTo { name: contact.party_name, city, next_return_on: contact.next_return_on },
                recipient,
                outcome,
                message_id: message,
            });
        }
        let new = NewSending {
            id,
            org_id: actor.org_id,
            template_id: template.id,
            template_name: &template.name,
            header: &sending.header,
            company: &sending.company,
            ordering: sending.order.as_str(),
            sent_by: actor.user_id,
            sent_by_name: &actor.display_name,
        };
        let recipients: Vec<NewRecipient> = lines
            .iter()
            .map(|l| NewRecipient {
                contact_id: l.contact_id,
                party_id: l.party_id,
                party_name: &l.to.name,
                city: &l.to.city,
                next_return_on: l.to.next_return_on,
                recipient: &l.recipient,
                outcome: l.outcome.as_str(),
                message_id: l.message_id,
            })
            .collect();
        repo::insert(&mut change.tx, &new, &recipients, change.at).await?;
        let audited = serde_json::json!({
            "template": template.name, "company": sending.company, "header": sending.header,
            "queued": lines.iter().filter(|l| l.outcome == SendOutcome::Queued).count(), "contacts": lines.len(),
        });
        change.audit_created(AuditEntity::DocumentSend, id, audited).await?;
        change.commit().await?;
        self.wake_worker();
        self.document_sending(actor, id).await
    }

    /// A sending with its report in the order chosen for it; only the
    /// customers the actor may see are listed.
    pub async fn document_sending(&self, actor: &Actor, id: DocumentSendId) -> Result<SendingView, AppError> {
        let row = repo::get(&self.db, actor.org_id, id).await?.ok_or(AppError::NotFound)?;
        let mut lines = Vec::new();
        for recipient in repo::recipients(&self.db, actor.org_id, id).await? {
            if self.access().guard_party(actor, PartyId(recipient.party_id), None).await.is_ok() {
                lines.push(SentLine::of(recipient)?);
            }
        }
        let order = SendOrder::parse(&row.ordering).unwrap_or(SendOrder::Name);
        sort_report(&mut lines, order, |l| &l.to);
        Ok(SendingView {
            id: row.id,
            template_id: row.template_id,
            template_name: row.template_name,
            header: row.header,
            company: row.company,
            order,
            sent_by: row.sent_by_name,
            created_at: row.created_at,
            lines,
        })
    }
}
