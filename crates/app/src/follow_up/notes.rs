//! Notes [pareceres] on a sales contact (seed 002, "Inserir Parecer"):
//! typed or from the type's standard text, with a file when the type
//! allows, kept as a draft [a concluir] its author alone sees until he
//! finishes it from his pending notes [pareceres pendentes].
use super::contacts::ContactView;
use crate::{Actor, AppError, FollowUp};
use chrono::{DateTime, Utc};
use db::repo::follow_up::contact as contact_repo;
use db::repo::follow_up::note::{self as repo, NoteFields, NoteRow};
use db::repo::follow_up::settings as settings_repo;
use domain::audit::AuditEntity;
use domain::follow_up::workflow::Workflow;
use domain::follow_up::{NoteDraft, NoteFile, NoteSource};
use domain::timeline::{Event, EventKind};
use domain::{AttendanceTypeId, ContactNoteId, PartyId, SalesContactId, ValidationErrors};
use uuid::Uuid;

#[derive(Clone, Debug)]
pub struct NoteView {
    pub id: Uuid,
    pub contact_id: Uuid,
    pub author_id: Option<Uuid>,
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

impl NoteView {
    fn of(row: NoteRow) -> Result<NoteView, AppError> {
        Ok(NoteView {
            source: NoteSource::parse(&row.source)
                .map_err(|_| AppError::Internal(format!("note {}: source", row.id)))?,
            id: row.id,
            contact_id: row.contact_id,
            author_id: row.author_id,
            author_name: row.author_name,
            body: row.body,
            draft: row.draft,
            file_name: row.file_name,
            file_size: row.file_size,
            created_at: row.created_at,
            updated_at: row.updated_at,
            version: row.version,
        })
    }

    fn audited(&self) -> serde_json::Value {
        serde_json::json!({
            "body": self.body, "source": self.source.as_str(), "draft": self.draft, "file": self.file_name,
        })
    }
}

/// A draft note with the contact and customer it is for.
#[derive(Clone, Debug)]
pub struct PendingNote {
    pub note: NoteView,
    pub contact_name: String,
    pub party_id: Uuid,
    pub party_name: String,
}

/// A note's file, to download.
#[derive(Clone, Debug)]
pub struct NoteAttachment {
    pub file_name: String,
    pub content_type: String,
    pub content: Vec<u8>,
}

/// An e-mail sent from a note: to one of the customer's addresses, its
/// subject and text (the type's standard ones to start from), and the
/// note's own text, which may be empty.
#[derive(Clone, Debug, Default)]
pub struct NoteEmail {
    pub to: String,
    pub subject: String,
    pub body: String,
    pub note: String,
    pub from_standard: bool,
    /// "E-mail para" in the reader's words, heading the copy in the notes.
    pub to_label: String,
}

/// A file as the form sent it: its name and bytes, judged against the
/// contact's type.
pub type UploadedFile = (String, Vec<u8>);

impl FollowUp<'_> {
    /// The contact's notes the actor may see, the latest first: every
    /// confirmed one and his own drafts; only the standard-text ones when
    /// `standard_only` (the seed's "histórico padrão").
    pub async fn notes(
        &self,
        actor: &Actor,
        contact: SalesContactId,
        standard_only: bool,
    ) -> Result<Vec<NoteView>, AppError> {
        self.contact(actor, contact).await?;
        repo::of_contact(&self.db, actor.org_id, contact, actor.user_id, standard_only)
            .await?
            .into_iter()
            .map(NoteView::of)
            .collect()
    }

    /// The actor's drafts, the oldest first.
    pub async fn pending_notes(&self, actor: &Actor) -> Result<Vec<PendingNote>, AppError> {
        actor.require(domain::access::Permission::PartiesRead)?;
        repo::pending(&self.db, actor.org_id, actor.user_id)
            .await?
            .into_iter()
            .map(|row| {
                Ok(PendingNote {
                    note: NoteView::of(row.note)?,
                    contact_name: row.contact_name,
                    party_id: row.party_id,
                    party_name: row.party_name,
                })
            })
            .collect()
    }

    /// One note the actor may see: a draft is its author's alone.
    pub async fn note(&self, actor: &Actor, id: ContactNoteId) -> Result<NoteView, AppError> {
        let row = repo::get(&self.db, actor.org_id, id).await?.ok_or(AppError::NotFound)?;
        if row.draft && row.author_id != Some(actor.user_id.0) {
            return Err(AppError::NotFound);
        }
        self.contact(actor, SalesContactId(row.contact_id)).await?;
        NoteView::of(row)
    }

    pub async fn note_attachment(
        &self,
        actor: &Actor,
        id: ContactNoteId,
    ) -> Result<NoteAttachment, AppError> {
        self.note(actor, id).await?;
        let (file_name, content_type, content) =
            repo::attachment(&self.db, actor.org_id, id).await?.ok_or(AppError::NotFound)?;
        Ok(NoteAttachment { file_name, content_type, content })
    }

    /// The file judged against the type's rule, with the note's text.
    async fn checked_note(
        &self,
        actor: &Actor,
        kind: AttendanceTypeId,
        draft: &NoteDraft,
        file: Option<UploadedFile>,
    ) -> Result<(String, Option<NoteFile>, bool), AppError> {
        let kind =
            settings_repo::attendance_type(&self.db, actor.org_id, kind).await?.ok_or(AppError::NotFound)?;
        let has_workflow = !Workflow::read(&kind.workflow).is_empty();
        let limit = if kind.attachments_allowed { kind.attachment_limit_bytes } else { 0 };
        let file = file.map(|(name, content)| NoteFile::check(&name, content, limit)).transpose();
        let (body, file) = ValidationErrors::both(draft.validate(), file)?;
        Ok((body, file, has_workflow))
    }

    /// Writes a note on the contact: a draft is kept for its author; a
    /// confirmed one goes on the customer's history.
    pub async fn add_note(
        &self,
        actor: &Actor,
        contact: SalesContactId,
        draft: &NoteDraft,
        file: Option<UploadedFile>,
    ) -> Result<NoteView, AppError> {
        let on = self.contact_to_change(actor, contact).await?;
        let (body, file, has_workflow) =
            self.checked_note(actor, AttendanceTypeId(on.attendance_type_id), draft, file).await?;
        let id = ContactNoteId::new();
        let mut change = self.change(actor).await?;
        let fields = NoteFields { body: &body, source: draft.source().as_str(), draft: draft.draft };
        let stored = file.as_ref().map(|f| db::repo::StoredFile {
            file_name: &f.file_name,
            content_type: f.content_type,
            content: &f.content,
        });
        let written = repo::Written { id, contact, author: Some(actor.user_id) };
        repo::insert(&mut change.tx, actor.org_id, &written, &fields, stored.as_ref(), change.at).await?;
        if !draft.draft {
            let event = Event::new(
                EventKind::SalesContact,
                "timeline-sales-contact-note",
                on.name.clone(),
                Some(contact.0),
            );
            change.history(PartyId(on.party_id), event).await?;
            if has_workflow {
                contact_repo::start_workflow(&mut change.tx, actor.org_id, contact, change.at).await?;
            }
        }
        let view = self.written_note(&mut change.tx, actor, id).await?;
        change.audit_created(AuditEntity::ContactNote, id, view.audited()).await?;
        change.commit().await?;
        Ok(view)
    }

    /// Saves the actor's draft again at the version read: still a draft,
    /// or confirmed (then on the customer's history, dated now).
    pub async fn finish_note(
        &self,
        actor: &Actor,
        id: ContactNoteId,
        version: i64,
        draft: &NoteDraft,
        file: Option<UploadedFile>,
    ) -> Result<NoteView, AppError> {
        let before = self.note(actor, id).await?;
        if !before.draft || before.author_id != Some(actor.user_id.0) {
            return Err(ValidationErrors::single("body", "error-note-not-draft").into());
        }
        let on = self.contact_to_change(actor, SalesContactId(before.contact_id)).await?;
        let (body, file, has_workflow) =
            self.checked_note(actor, AttendanceTypeId(on.attendance_type_id), draft, file).await?;
        let mut change = self.change(actor).await?;
        let fields = NoteFields { body: &body, source: draft.source().as_str(), draft: draft.draft };
        let stored = file.as_ref().map(|f| db::repo::StoredFile {
            file_name: &f.file_name,
            content_type: f.content_type,
            content: &f.content,
        });
        let written = repo::Written { id, contact: SalesContactId(on.id), author: Some(actor.user_id) };
        if !repo::update_draft(
            &mut change.tx,
            actor.org_id,
            &written,
            version,
            &fields,
            stored.as_ref(),
            change.at,
        )
        .await?
        {
            return Err(AppError::Conflict { by: String::new(), at: before.updated_at });
        }
        if !draft.draft {
            let event = Event::new(
                EventKind::SalesContact,
                "timeline-sales-contact-note",
                on.name.clone(),
                Some(on.id),
            );
            change.history(PartyId(on.party_id), event).await?;
            if has_workflow {
                contact_repo::start_workflow(&mut change.tx, actor.org_id, SalesContactId(on.id), change.at)
                    .await?;
            }
        }
        let view = self.written_note(&mut change.tx, actor, id).await?;
        change.audit_changed(AuditEntity::ContactNote, id, before.audited(), view.audited()).await?;
        change.commit().await?;
        Ok(view)
    }

    /// The addresses an e-mail from a note on the contact may go to.
    pub async fn contact_emails(
        &self,
        actor: &Actor,
        contact: &ContactView,
    ) -> Result<Vec<String>, AppError> {
        Ok(self.messages().reachable(actor, PartyId(contact.party_id)).await?.emails)
    }

    /// E-mails the customer from the note being written (seed 002: "ao
    /// confirmar o envio, o sistema copia o e-mail e cola diretamente em seu
    /// Parecer e também grava automaticamente em um parecer separado"): the
    /// e-mail goes through the outbox (his consent and address checked),
    /// the note is written with the e-mail's text after its own, and the
    /// e-mail is kept as a separate note — all in one change.
    pub async fn email_from_note(
        &self,
        actor: &Actor,
        contact: SalesContactId,
        email: &NoteEmail,
    ) -> Result<NoteView, AppError> {
        let on = self.contact_to_change(actor, contact).await?;
        let mut errors = ValidationErrors::new();
        let subject = errors.line("subject", &email.subject, 200, true);
        if email.body.trim().is_empty() {
            errors.add("email_body", "error-required");
        }
        let typed = NoteDraft { body: email.note.clone(), from_standard: email.from_standard, draft: true };
        let note = typed.validate();
        if let Err(refused) = &note {
            errors.0.extend(refused.0.clone());
        }
        errors.into_result()?;
        let draft = self
            .messages()
            .written_email(actor, PartyId(on.party_id), &email.to, &subject, &email.body)
            .await?;
        let kind =
            settings_repo::attendance_type(&self.db, actor.org_id, AttendanceTypeId(on.attendance_type_id))
                .await?
                .ok_or(AppError::NotFound)?;
        let copied = format!("{}: {}\n{}\n\n{}", email.to_label, draft.recipient, subject, email.body.trim());
        let note = note.unwrap_or_default();
        let body = if note.is_empty() { copied.clone() } else { format!("{note}\n\n{copied}") };
        let id = ContactNoteId::new();
        let mut change = self.change(actor).await?;
        self.messages()
            .record_in(&mut change, actor, PartyId(on.party_id), &draft, Default::default())
            .await?;
        let source = typed.source();
        let written = repo::Written { id, contact, author: Some(actor.user_id) };
        let fields = NoteFields { body: &body, source: source.as_str(), draft: false };
        repo::insert(&mut change.tx, actor.org_id, &written, &fields, None, change.at).await?;
        let separate = repo::Written { id: ContactNoteId::new(), contact, author: Some(actor.user_id) };
        let fields = NoteFields { body: &copied, source: NoteSource::Email.as_str(), draft: false };
        repo::insert(&mut change.tx, actor.org_id, &separate, &fields, None, change.at).await?;
        let event = Event::new(
            EventKind::SalesContact,
            "timeline-sales-contact-email",
            subject.clone(),
            Some(contact.0),
        );
        change.history(PartyId(on.party_id), event).await?;
        if !Workflow::read(&kind.workflow).is_empty() {
            contact_repo::start_workflow(&mut change.tx, actor.org_id, contact, change.at).await?;
        }
        let view = self.written_note(&mut change.tx, actor, id).await?;
        change.audit_created(AuditEntity::ContactNote, id, view.audited()).await?;
        change.commit().await?;
        self.wake_worker();
        Ok(view)
    }

    async fn written_note(
        &self,
        tx: &mut db::Tx,
        actor: &Actor,
        id: ContactNoteId,
    ) -> Result<NoteView, AppError> {
        NoteView::of(repo::get_in(tx, actor.org_id, id).await?.ok_or(AppError::NotFound)?)
    }
}
