//! The visit sheet [ficha de visita] (seed 002: "Selecione o layout da
//! ficha de visita. Escolha se irá imprimir a ficha ou enviar por
//! e-mail"): the organisation's layouts, and a contact's sheet typeset in
//! one of them, printed or e-mailed to the customer.
use crate::messaging::EmailContent;
use crate::{Actor, AppError, FollowUp};
use db::repo::follow_up::sheets::{self as repo, LayoutFields, LayoutRow};
use db::repo::follow_up::{Named, name_taken};
use domain::access::Permission;
use domain::audit::{AuditAction, AuditEntity};
use domain::follow_up::visit_sheet::{LayoutDraft, SheetSection, read_sections, write_sections};
use domain::message::Attachment;
use domain::{PartyId, SalesContactId, ValidationErrors, VisitSheetLayoutId};
use render::document::Document;
use uuid::Uuid;

#[derive(Clone, Debug)]
pub struct LayoutView {
    pub id: Uuid,
    pub name: String,
    pub heading: String,
    pub sections: Vec<SheetSection>,
    pub active: bool,
    pub version: i64,
}

impl From<LayoutRow> for LayoutView {
    fn from(row: LayoutRow) -> Self {
        LayoutView {
            sections: read_sections(&row.sections),
            id: row.id,
            name: row.name,
            heading: row.heading,
            active: row.active,
            version: row.version,
        }
    }
}

impl LayoutView {
    fn audited(&self) -> serde_json::Value {
        serde_json::json!({
            "name": self.name, "heading": self.heading, "active": self.active,
            "sections": self.sections.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
        })
    }
}

/// The sheet's words in the reader's language (the web layer reads them
/// from its catalogue).
#[derive(Clone, Debug, Default)]
pub struct SheetWords {
    /// "Ficha de visita".
    pub title: String,
    pub customer: String,
    pub phones: String,
    pub emails: String,
    pub address: String,
    pub contact: String,
    pub date: String,
    pub kind: String,
    pub responsible: String,
    pub next_return: String,
    pub code: String,
    pub product: String,
    pub cycle: String,
    pub notes: String,
    /// The lines left blank for the visit's report, one per line.
    pub report: Vec<String>,
    pub page: String,
    /// The e-mail's text, above the attached sheet.
    pub email_text: String,
}

/// A contact's sheet, typeset.
pub struct VisitSheet {
    pub file_name: String,
    pub content: Vec<u8>,
}

impl FollowUp<'_> {
    pub async fn sheet_layouts(&self, actor: &Actor) -> Result<Vec<LayoutView>, AppError> {
        actor.require(Permission::PartiesRead)?;
        Ok(repo::layouts(&self.db, actor.org_id).await?.into_iter().map(Into::into).collect())
    }

    pub async fn sheet_layout(&self, actor: &Actor, id: VisitSheetLayoutId) -> Result<LayoutView, AppError> {
        actor.require(Permission::PartiesRead)?;
        Ok(repo::layout(&self.db, actor.org_id, id).await?.ok_or(AppError::NotFound)?.into())
    }

    /// Saves a layout: a new one without `id`, else the one at `version`.
    pub async fn save_sheet_layout(
        &self,
        actor: &Actor,
        id: Option<(VisitSheetLayoutId, i64)>,
        draft: &LayoutDraft,
    ) -> Result<LayoutView, AppError> {
        actor.require(Permission::Administer)?;
        let layout = draft.validate()?;
        let before = match id {
            Some((id, _)) => Some(self.sheet_layout(actor, id).await?),
            None => None,
        };
        let sections = write_sections(&layout.sections);
        let fields = LayoutFields {
            name: &layout.name,
            heading: &layout.heading,
            sections: &sections,
            active: layout.active,
        };
        let mut change = self.change(actor).await?;
        let except = id.map(|(id, _)| id.0);
        if name_taken(&mut change.tx, actor.org_id, Named::VisitSheetLayout, &layout.name, except).await? {
            return Err(AppError::Taken(ValidationErrors::single("name", "error-name-taken")));
        }
        let saved = match id {
            Some((id, version)) => {
                if !repo::update(&mut change.tx, actor.org_id, id, version, &fields, change.at).await? {
                    return Err(AppError::Conflict { by: String::new(), at: change.at });
                }
                id
            }
            None => {
                let id = VisitSheetLayoutId::new();
                repo::insert(&mut change.tx, actor.org_id, id, &fields, change.at).await?;
                id
            }
        };
        let (action, old) = match &before {
            Some(before) => (AuditAction::Update, Some(before.audited())),
            None => (AuditAction::Create, None),
        };
        let after = LayoutView {
            id: saved.0,
            name: layout.name,
            heading: layout.heading,
            sections: layout.sections,
            active: layout.active,
            version: 0,
        };
        change
            .audit(action, AuditEntity::VisitSheetLayout, Some(saved.to_string()), old, Some(after.audited()))
            .await?;
        change.commit().await?;
        self.sheet_layout(actor, saved).await
    }

    /// The contact's visit sheet in one of the organisation's layouts, as
    /// a PDF.
    pub async fn visit_sheet(
        &self,
        actor: &Actor,
        id: SalesContactId,
        layout: VisitSheetLayoutId,
        words: &SheetWords,
    ) -> Result<VisitSheet, AppError> {
        let contact = self.contact(actor, id).await?;
        let layout = match repo::layout(&self.db, actor.org_id, layout).await? {
            Some(row) if row.active => LayoutView::from(row),
            _ => return Err(ValidationErrors::single("layout", "error-sheet-layout-unknown").into()),
        };
        let party = PartyId(contact.party_id);
        let messages = self.messages();
        let (reach, cycle, notes, logo, organisation) = tokio::try_join!(
            messages.reachable(actor, party),
            self.cycle(actor, id),
            self.notes(actor, id, false),
            async { Ok(self.registry().logo(actor).await?.map(|logo| logo.content)) },
            async { Ok(db::repo::organisation::get(&self.db, actor.org_id).await?) },
        )?;
        let tz = self.agenda().working_hours(actor).await?.time_zone;
        let day = |d: chrono::NaiveDate| d.format("%d/%m/%Y").to_string();
        let mut document = Document {
            title: if layout.heading.is_empty() { words.title.clone() } else { layout.heading.clone() },
            organisation: organisation.map(|o| o.name).unwrap_or_default(),
            page_label: words.page.clone(),
            ..Document::default()
        };
        for section in &layout.sections {
            match section {
                SheetSection::Customer => {
                    document.facts.push((words.customer.clone(), contact.party_name.clone()));
                    for (label, values) in [
                        (&words.phones, &reach.phones),
                        (&words.emails, &reach.emails),
                        (&words.address, &reach.addresses),
                    ] {
                        if !values.is_empty() {
                            document.facts.push((label.clone(), values.join(" · ")));
                        }
                    }
                    document.facts.push((words.contact.clone(), contact.name.clone()));
                    document.facts.push((words.date.clone(), day(contact.contacted_on)));
                    document.facts.push((words.kind.clone(), contact.attendance_type_name.clone()));
                    document.facts.push((words.responsible.clone(), contact.responsible_name.clone()));
                    if let Some(next) = contact.next_return_on {
                        document.facts.push((words.next_return.clone(), day(next)));
                    }
                }
                SheetSection::Products => {
                    document.head = vec![words.code.clone(), words.product.clone()];
                    document.rows =
                        contact.products.iter().map(|p| vec![p.code.clone(), p.name.clone()]).collect();
                }
                SheetSection::Cycle if !cycle.is_empty() => {
                    document.paragraphs.push(words.cycle.clone());
                    document.paragraphs.extend(cycle.iter().map(|a| {
                        format!("{}: {}", a.question.text, a.answer.clone().unwrap_or_else(|| "—".into()))
                    }));
                }
                SheetSection::Cycle => {}
                SheetSection::Notes => {
                    let confirmed: Vec<_> = notes.iter().filter(|n| !n.draft).take(10).collect();
                    if !confirmed.is_empty() {
                        document.paragraphs.push(words.notes.clone());
                    }
                    document.paragraphs.extend(confirmed.iter().map(|n| {
                        let when = n.created_at.with_timezone(&tz).format("%d/%m/%Y %H:%M");
                        format!("{when} · {}: {}", n.author_name.clone().unwrap_or_default(), n.body)
                    }));
                }
                SheetSection::Report => document
                    .paragraphs
                    .extend(words.report.iter().map(|line| format!("{line}: ____________"))),
            }
        }
        let language = actor.locale.tag().to_string();
        let content =
            tokio::task::spawn_blocking(move || render::document::pdf(&document, &language, logo.as_deref()))
                .await
                .map_err(|e| AppError::Internal(format!("PDF task: {e}")))?
                .map_err(|e| AppError::Internal(e.to_string()))?;
        let stem: String = contact.name.chars().filter(|c| c.is_alphanumeric() || *c == ' ').collect();
        let file_name = format!("{} - {}.pdf", words.title, stem.trim());
        Ok(VisitSheet { file_name, content })
    }

    /// E-mails the contact's sheet to one of the customer's addresses,
    /// through the outbox (his consent checked).
    pub async fn email_visit_sheet(
        &self,
        actor: &Actor,
        id: SalesContactId,
        layout: VisitSheetLayoutId,
        to: &str,
        words: &SheetWords,
    ) -> Result<domain::ids::MessageId, AppError> {
        let contact = self.contact_to_change(actor, id).await?;
        let sheet = self.visit_sheet(actor, id, layout, words).await?;
        let subject = format!("{}: {}", words.title, contact.name);
        let file = Attachment {
            file_name: sheet.file_name,
            content_type: "application/pdf".into(),
            content: sheet.content,
        };
        let content = EmailContent::Written { subject: &subject, body: &words.email_text };
        let sent = self
            .messages()
            .queue_email_with_files(actor, PartyId(contact.party_id), to, content, vec![file])
            .await?;
        self.wake_worker();
        Ok(sent)
    }
}
