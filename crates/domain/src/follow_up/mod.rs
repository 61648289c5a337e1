//! Sales follow-up [Vendas (follow up)] (seed 002): an inside-sales team's
//! sales contacts with their customers, the notes [pareceres] written on
//! each, and the daily routine of calling back. What the organisation
//! configures [Configurador: CRM / Opções / Contato] lives here too:
//! responsibility centres and attendance types.
pub mod cycle;
pub mod sending;
pub mod visit_sheet;
pub mod workflow;

use crate::{AttendanceTypeId, CentreId, UserId, ValidationErrors};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The largest attachment any attendance type may allow (seed 002: "pode
/// chegar até 10MB").
pub const ATTACHMENT_MAX_BYTES: i64 = 10 * 1024 * 1024;
/// How many products one contact names.
pub const PRODUCTS_PER_CONTACT: usize = 20;
/// How long a note may be: a long e-mail copied into it fits.
pub const NOTE_MAX_CHARS: usize = 20_000;

string_enum!(
    /// Whether a contact is still being worked on.
    ContactStatus {
        Open = "open",
        Closed = "closed",
    } error "error-contact-status-invalid"
);

string_enum!(
    /// How a closed contact ended.
    ContactOutcome {
        Won = "won",
        Lost = "lost",
    } error "error-contact-outcome-invalid"
);

string_enum!(
    /// Whose contacts the follow-up list shows: those the user answers
    /// for, those at his responsibility centres, or all those of the
    /// customers his access reaches.
    FollowUpScope {
        Mine = "mine",
        Centre = "centre",
        Team = "team",
    } error "error-work-scope-invalid"
);

string_enum!(
    /// Seed 002's legend: contacts of today, overdue, open, closed, and
    /// those with an internal date.
    Legend {
        Today = "today",
        Overdue = "overdue",
        Open = "open",
        Closed = "closed",
        Internal = "internal",
    } error "error-urgency-invalid"
);

impl Legend {
    /// Where a contact stands on `today`, the organisation's day: closed
    /// above all; then by its next return (today, or past); an open one
    /// with no return due yet shows its internal date if it has one.
    pub fn of(
        status: ContactStatus,
        next_return_on: Option<NaiveDate>,
        internal_on: Option<NaiveDate>,
        today: NaiveDate,
    ) -> Legend {
        match (status, next_return_on) {
            (ContactStatus::Closed, _) => Legend::Closed,
            (_, Some(day)) if day == today => Legend::Today,
            (_, Some(day)) if day < today => Legend::Overdue,
            _ if internal_on.is_some() => Legend::Internal,
            _ => Legend::Open,
        }
    }
}

string_enum!(
    /// The order of the follow-up list.
    FollowUpSort {
        NextReturn = "next_return",
        ContactedOn = "contacted_on",
        Party = "party",
        Responsible = "responsible",
    } error "error-sort-invalid"
);

string_enum!(
    /// Where a note came from. `standard` notes started from the type's
    /// standard text: seed 002's "histórico padrão" lists only those.
    NoteSource {
        Typed = "typed",
        Standard = "standard",
        Email = "email",
        Workflow = "workflow",
        Reopening = "reopening",
        Closing = "closing",
    } error "error-note-source-invalid"
);

/// A responsibility centre as typed: its name, whether it takes contacts,
/// and its members (user ids).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct CentreDraft {
    pub name: String,
    pub active: bool,
    pub members: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidCentre {
    pub name: String,
    pub active: bool,
    pub members: Vec<UserId>,
}

impl CentreDraft {
    pub fn validate(&self) -> Result<ValidCentre, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let name = errors.line("name", &self.name, 80, true);
        let mut members = Vec::new();
        for typed in self.members.iter().map(|m| m.trim()).filter(|m| !m.is_empty()) {
            match typed.parse::<uuid::Uuid>() {
                Ok(id) if !members.contains(&UserId(id)) => members.push(UserId(id)),
                Ok(_) => {}
                Err(_) => errors.add("members", "error-user-unknown"),
            }
        }
        errors.into_result()?;
        Ok(ValidCentre { name, active: self.active, members })
    }
}

/// An attendance type as typed: its name, standard texts (for notes and
/// for e-mails), whether notes may carry a file and up to how many MB.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct AttendanceTypeDraft {
    pub name: String,
    pub note_text: String,
    pub email_subject: String,
    pub email_text: String,
    pub attachments_allowed: bool,
    /// Megabytes, 1 to 10; ignored when attachments are not allowed.
    pub attachment_limit_mb: String,
    pub active: bool,
    /// Its decisions; the centres they name are checked by the caller.
    pub workflow: workflow::Workflow,
    /// Its attendance-cycle questionnaire.
    pub cycle: cycle::Cycle,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidAttendanceType {
    pub name: String,
    pub note_text: String,
    pub email_subject: String,
    pub email_text: String,
    pub attachments_allowed: bool,
    pub attachment_limit_bytes: i64,
    pub active: bool,
    pub workflow: workflow::Workflow,
    pub cycle: cycle::Cycle,
}

impl AttendanceTypeDraft {
    pub fn validate(&self) -> Result<ValidAttendanceType, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let name = errors.line("name", &self.name, 80, true);
        let email_subject = errors.line("email_subject", &self.email_subject, 200, false);
        for (field, text) in [("note_text", &self.note_text), ("email_text", &self.email_text)] {
            if text.chars().count() > NOTE_MAX_CHARS {
                errors.add(field, "error-too-long");
            }
        }
        let limit_mb = match self.attachment_limit_mb.trim() {
            "" if !self.attachments_allowed => Some(0),
            "" => {
                errors.add("attachment_limit_mb", "error-required");
                None
            }
            typed => errors.check(
                "attachment_limit_mb",
                typed
                    .parse::<i64>()
                    .ok()
                    .filter(|mb| (1..=ATTACHMENT_MAX_BYTES / (1024 * 1024)).contains(mb))
                    .ok_or("error-attachment-limit-invalid"),
            ),
        };
        if let Err(cycle) = self.cycle.validate() {
            errors.0.extend(cycle.0);
        }
        errors.into_result()?;
        let limit_mb = if self.attachments_allowed { limit_mb.unwrap_or(0) } else { 0 };
        Ok(ValidAttendanceType {
            name,
            note_text: self.note_text.trim().to_string(),
            email_subject,
            email_text: self.email_text.trim().to_string(),
            attachments_allowed: self.attachments_allowed,
            attachment_limit_bytes: limit_mb * 1024 * 1024,
            active: self.active,
            workflow: self.workflow.clone(),
            cycle: self.cycle.clone(),
        })
    }
}

/// A sales contact as typed. The contact date defaults to today; the
/// responsible user to whoever creates it.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ContactDraft {
    pub contacted_on: String,
    pub name: String,
    /// Product codes of the catalogue.
    pub products: Vec<String>,
    pub attendance_type: String,
    pub next_return_on: String,
    pub internal_on: String,
    pub centre: String,
    pub responsible: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidContact {
    pub contacted_on: NaiveDate,
    pub name: String,
    /// Codes as typed, each once, in order.
    pub product_codes: Vec<String>,
    pub attendance_type: AttendanceTypeId,
    pub next_return_on: Option<NaiveDate>,
    pub internal_on: Option<NaiveDate>,
    pub centre: Option<CentreId>,
    pub responsible: Option<UserId>,
}

fn optional_id(errors: &mut ValidationErrors, field: &'static str, typed: &str) -> Option<uuid::Uuid> {
    match typed.trim() {
        "" => None,
        typed => errors.check(field, typed.parse::<uuid::Uuid>().map_err(|_| "error-choice-unknown")),
    }
}

impl ContactDraft {
    pub fn validate(&self, today: NaiveDate) -> Result<ValidContact, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let contacted_on = errors.date("contacted_on", &self.contacted_on, false).unwrap_or(today);
        let name = errors.line("name", &self.name, 120, true);
        let mut product_codes: Vec<String> = Vec::new();
        for code in self.products.iter().map(|c| c.trim()).filter(|c| !c.is_empty()) {
            if !product_codes.iter().any(|known| known.eq_ignore_ascii_case(code)) {
                product_codes.push(code.to_string());
            }
        }
        if product_codes.len() > PRODUCTS_PER_CONTACT {
            errors.add("products", "error-too-many-products");
        }
        let attendance_type = match self.attendance_type.trim() {
            "" => {
                errors.add("attendance_type", "error-required");
                None
            }
            typed => errors.check(
                "attendance_type",
                typed.parse::<uuid::Uuid>().map(AttendanceTypeId).map_err(|_| "error-choice-unknown"),
            ),
        };
        let next_return_on = errors.date("next_return_on", &self.next_return_on, false);
        let internal_on = errors.date("internal_on", &self.internal_on, false);
        if next_return_on.is_some_and(|day| day < contacted_on) {
            errors.add("next_return_on", "error-return-before-contact");
        }
        let centre = optional_id(&mut errors, "centre", &self.centre).map(CentreId);
        let responsible = optional_id(&mut errors, "responsible", &self.responsible).map(UserId);
        match attendance_type {
            Some(attendance_type) if errors.is_empty() => Ok(ValidContact {
                contacted_on,
                name,
                product_codes,
                attendance_type,
                next_return_on,
                internal_on,
                centre,
                responsible,
            }),
            _ => Err(errors),
        }
    }
}

/// A note as typed: its text, whether it started from the type's standard
/// text, and whether it is kept as a draft [a concluir].
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct NoteDraft {
    pub body: String,
    pub from_standard: bool,
    pub draft: bool,
}

impl NoteDraft {
    /// The note's text, checked. A draft may be empty: it is finished later.
    pub fn validate(&self) -> Result<String, ValidationErrors> {
        let body = self.body.trim();
        let mut errors = ValidationErrors::new();
        if body.is_empty() && !self.draft {
            errors.add("body", "error-required");
        } else if body.chars().count() > NOTE_MAX_CHARS {
            errors.add("body", "error-too-long");
        } else if body.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
            errors.add("body", "error-control-character");
        }
        errors.into_result()?;
        Ok(body.replace("\r\n", "\n"))
    }

    pub fn source(&self) -> NoteSource {
        if self.from_standard { NoteSource::Standard } else { NoteSource::Typed }
    }
}

/// A file attached to a note, as uploaded: a document or an image, judged
/// by its bytes, within the attendance type's limit.
#[derive(Clone, PartialEq, Eq)]
pub struct NoteFile {
    pub file_name: String,
    pub content_type: &'static str,
    pub content: Vec<u8>,
}

impl std::fmt::Debug for NoteFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "NoteFile({:?}, {}, {} bytes)", self.file_name, self.content_type, self.content.len())
    }
}

impl NoteFile {
    /// Refused when the type allows no file (`limit_bytes` 0), when empty,
    /// above the limit, or not a PDF, DOCX, PNG or JPEG.
    pub fn check(file_name: &str, content: Vec<u8>, limit_bytes: i64) -> Result<NoteFile, ValidationErrors> {
        let refuse = |message| Err(ValidationErrors::single("file", message));
        if limit_bytes <= 0 {
            return refuse("error-note-file-not-allowed");
        }
        if content.is_empty() {
            return refuse("error-contract-file-missing");
        }
        if i64::try_from(content.len()).unwrap_or(i64::MAX) > limit_bytes.min(ATTACHMENT_MAX_BYTES) {
            return refuse("error-note-file-too-large");
        }
        let name = crate::contract::file_name_of(file_name);
        let Some(content_type) = crate::contract::file_type_of(&content, &name) else {
            return refuse("error-contract-file-type");
        };
        let file_name = if name.is_empty() { "anexo".to_string() } else { name };
        Ok(NoteFile { file_name, content_type, content })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("valid")
    }

    #[test]
    fn the_legend_follows_the_next_return_then_the_internal_date() {
        let today = day("2026-12-05");
        let open = ContactStatus::Open;
        assert_eq!(Legend::of(open, Some(today), None, today), Legend::Today);
        assert_eq!(Legend::of(open, Some(day("2026-12-04")), Some(today), today), Legend::Overdue);
        assert_eq!(Legend::of(open, Some(day("2026-12-06")), Some(today), today), Legend::Internal);
        assert_eq!(Legend::of(open, None, None, today), Legend::Open);
        assert_eq!(Legend::of(ContactStatus::Closed, Some(day("2026-12-01")), None, today), Legend::Closed);
    }

    #[test]
    fn a_contact_dated_today_unless_typed_and_a_return_not_before_it() {
        let today = day("2026-12-05");
        let draft = ContactDraft {
            name: " Ana ".into(),
            attendance_type: uuid::Uuid::now_v7().to_string(),
            products: vec!["A1".into(), "a1".into(), "".into(), "B2".into()],
            ..ContactDraft::default()
        };
        let valid = draft.validate(today).expect("valid");
        assert_eq!((valid.contacted_on, valid.name.as_str()), (today, "Ana"));
        assert_eq!(valid.product_codes, vec!["A1".to_string(), "B2".to_string()]);
        let early = ContactDraft { next_return_on: "2026-12-04".into(), ..draft };
        let refused = early.validate(today).expect_err("refused");
        assert_eq!(refused.fields().collect::<Vec<_>>(), vec!["next_return_on"]);
    }

    #[test]
    fn an_attachment_limit_only_when_allowed_and_at_most_ten_megabytes() {
        let draft = AttendanceTypeDraft { name: "Venda".into(), ..AttendanceTypeDraft::default() };
        assert_eq!(draft.validate().expect("valid").attachment_limit_bytes, 0);
        let eleven = AttendanceTypeDraft {
            attachments_allowed: true,
            attachment_limit_mb: "11".into(),
            ..draft.clone()
        };
        assert!(eleven.validate().is_err());
        let two = AttendanceTypeDraft { attachments_allowed: true, attachment_limit_mb: "2".into(), ..draft };
        assert_eq!(two.validate().expect("valid").attachment_limit_bytes, 2 * 1024 * 1024);
    }

    #[test]
    fn a_draft_note_may_be_empty_a_confirmed_one_not() {
        assert!(NoteDraft { draft: true, ..NoteDraft::default() }.validate().is_ok());
        assert!(NoteDraft::default().validate().is_err());
        let typed = NoteDraft { body: "Ligou\r\nvolta amanhã".into(), ..NoteDraft::default() };
        assert_eq!(typed.validate().expect("valid"), "Ligou\nvolta amanhã");
    }
}
