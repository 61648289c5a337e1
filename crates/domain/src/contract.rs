//! Contracts [contratos] (seed 001): a signed document attached to a party,
//! with its type, number, dates and status, found again by number or by
//! the party; the file is a PDF, a Word document or a scan (an image).
use crate::ValidationErrors;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// What one contract's file may weigh: what a scanned contract takes.
pub const CONTRACT_FILE_MAX_BYTES: usize = 10 * 1024 * 1024;

string_enum!(
    /// The kind of agreement.
    ContractKind {
        Supply = "supply",
        Service = "service",
        Maintenance = "maintenance",
        Lease = "lease",
        Other = "other",
    } error "error-contract-kind-invalid"
);

string_enum!(
    /// Whether it is in force: an active contract whose expiry has passed
    /// reads as expired ([`ContractStatus::as_of`]).
    ContractStatus {
        Active = "active",
        Suspended = "suspended",
        Ended = "ended",
    } error "error-contract-status-invalid"
);

impl ContractStatus {
    /// How the contract stands on `today`: `expired` for an active one past
    /// its last day, else its status.
    pub fn as_of(self, expires_on: Option<NaiveDate>, today: NaiveDate) -> &'static str {
        match (self, expires_on) {
            (ContractStatus::Active, Some(last)) if last < today => "expired",
            (status, _) => status.as_str(),
        }
    }
}

/// A contract as typed; dates `YYYY-MM-DD` (the expiry and the renewal may
/// be left empty), the quote it came from by its number.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ContractDraft {
    pub number: String,
    pub kind: String,
    pub status: String,
    pub starts_on: String,
    pub expires_on: String,
    pub renews_on: String,
    pub quote_number: String,
    pub notes: String,
}

/// A contract's details, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidContract {
    pub number: String,
    pub kind: ContractKind,
    pub status: ContractStatus,
    pub starts_on: NaiveDate,
    pub expires_on: Option<NaiveDate>,
    pub renews_on: Option<NaiveDate>,
    pub quote_number: Option<i64>,
    pub notes: String,
}

impl ContractDraft {
    pub fn validate(&self) -> Result<ValidContract, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let number = self.number.trim();
        if number.is_empty() {
            errors.add("number", "error-required");
        } else if number.chars().count() > 60 {
            errors.add("number", "error-too-long");
        } else if number.chars().any(char::is_control) {
            errors.add("number", "error-control-character");
        }
        let kind = errors.check(
            "kind",
            ContractKind::parse(if self.kind.trim().is_empty() { "other" } else { &self.kind }),
        );
        let status = errors.check(
            "status",
            ContractStatus::parse(if self.status.trim().is_empty() { "active" } else { &self.status }),
        );
        let starts_on = errors.date("starts_on", &self.starts_on, true);
        let expires_on = errors.date("expires_on", &self.expires_on, false);
        let renews_on = errors.date("renews_on", &self.renews_on, false);
        if let (Some(start), Some(last)) = (starts_on, expires_on) {
            if last < start {
                errors.add("expires_on", "error-contract-expiry-before-start");
            }
        }
        let quote_number = match self.quote_number.trim().trim_start_matches('#') {
            "" => None,
            typed => errors.check(
                "quote_number",
                typed.parse::<i64>().ok().filter(|n| *n > 0).ok_or("error-number-invalid"),
            ),
        };
        if self.notes.chars().count() > 5000 {
            errors.add("notes", "error-too-long");
        }
        match (kind, status, starts_on) {
            (Some(kind), Some(status), Some(starts_on)) if errors.is_empty() => Ok(ValidContract {
                number: number.to_string(),
                kind,
                status,
                starts_on,
                expires_on,
                renews_on,
                quote_number,
                notes: self.notes.trim().to_string(),
            }),
            _ => Err(errors),
        }
    }
}

/// A contract's file, as uploaded: judged by its bytes, not by the name or
/// the type the browser sent.
#[derive(Clone, PartialEq, Eq)]
pub struct ContractFile {
    pub file_name: String,
    pub content_type: &'static str,
    pub content: Vec<u8>,
}

impl std::fmt::Debug for ContractFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ContractFile({:?}, {}, {} bytes)", self.file_name, self.content_type, self.content.len())
    }
}

impl ContractFile {
    /// A PDF, a Word document (DOCX), a PNG or a JPEG of at most
    /// [`CONTRACT_FILE_MAX_BYTES`]; the name kept as its last part.
    pub fn check(file_name: &str, content: Vec<u8>) -> Result<ContractFile, ValidationErrors> {
        let refuse = |message| Err(ValidationErrors::single("file", message));
        if content.is_empty() {
            return refuse("error-contract-file-missing");
        }
        if content.len() > CONTRACT_FILE_MAX_BYTES {
            return refuse("error-contract-file-too-large");
        }
        let name = file_name_of(file_name);
        let Some(content_type) = file_type_of(&content, &name) else {
            return refuse("error-contract-file-type");
        };
        let file_name = if name.is_empty() { "contrato".to_string() } else { name };
        Ok(ContractFile { file_name, content_type, content })
    }
}

/// An uploaded file's name as kept: its last part, without control
/// characters or quotes, at most 150 characters.
pub fn file_name_of(file_name: &str) -> String {
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or_default();
    base.chars().filter(|c| !c.is_control() && *c != '"').take(150).collect::<String>().trim().to_string()
}

/// What a document is, judged by its bytes: a PDF, a PNG, a JPEG or a Word
/// document (DOCX, a zip whose name says so); none for anything else.
pub fn file_type_of(content: &[u8], file_name: &str) -> Option<&'static str> {
    if content.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if content.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if content.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if content.starts_with(b"PK\x03\x04") && file_name.to_lowercase().ends_with(".docx") {
        Some("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("day")
    }

    #[test]
    fn a_contract_needs_a_number_and_a_start_and_ends_after_it_starts() {
        let typed = ContractDraft {
            number: " CT-2026/014 ".into(),
            starts_on: "2026-01-10".into(),
            expires_on: "2027-01-09".into(),
            quote_number: "#12".into(),
            ..Default::default()
        };
        let valid = typed.validate().expect("valid");
        assert_eq!(
            (valid.number.as_str(), valid.kind, valid.status),
            ("CT-2026/014", ContractKind::Other, ContractStatus::Active)
        );
        assert_eq!(valid.quote_number, Some(12));
        let fields = |draft: ContractDraft| -> Vec<String> {
            draft.validate().expect_err("refused").fields().map(str::to_string).collect()
        };
        assert_eq!(fields(ContractDraft::default()), ["number", "starts_on"]);
        let backwards = ContractDraft { expires_on: "2025-12-31".into(), ..typed.clone() };
        assert_eq!(fields(backwards), ["expires_on"]);
        let wrong = ContractDraft { kind: "rental".into(), quote_number: "abc".into(), ..typed };
        assert_eq!(fields(wrong), ["kind", "quote_number"]);
    }

    #[test]
    fn an_active_contract_past_its_last_day_reads_as_expired() {
        let today = day("2026-12-04");
        assert_eq!(ContractStatus::Active.as_of(Some(day("2026-12-03")), today), "expired");
        assert_eq!(ContractStatus::Active.as_of(Some(today), today), "active");
        assert_eq!(ContractStatus::Ended.as_of(Some(day("2026-01-01")), today), "ended");
        assert_eq!(ContractStatus::Active.as_of(None, today), "active");
    }

    #[test]
    fn a_file_is_a_pdf_a_docx_or_an_image_of_at_most_ten_megabytes() {
        let pdf = ContractFile::check("C:\\scans\\contrato.pdf", b"%PDF-1.7 ...".to_vec()).expect("pdf");
        assert_eq!((pdf.file_name.as_str(), pdf.content_type), ("contrato.pdf", "application/pdf"));
        assert!(ContractFile::check("assinado.docx", b"PK\x03\x04rest".to_vec()).is_ok());
        let message =
            |name: &str, bytes: Vec<u8>| ContractFile::check(name, bytes).expect_err("refused").0[0].message;
        assert_eq!(message("planilha.xlsx", b"PK\x03\x04rest".to_vec()), "error-contract-file-type");
        assert_eq!(message("virus.exe", b"MZ\x90\x00".to_vec()), "error-contract-file-type");
        assert_eq!(message("vazio.pdf", Vec::new()), "error-contract-file-missing");
        let mut big = b"%PDF-1.7".to_vec();
        big.resize(CONTRACT_FILE_MAX_BYTES + 1, b' ');
        assert_eq!(message("grande.pdf", big), "error-contract-file-too-large");
    }
}
