//! Parties [Cadastro de Pessoa, Ficha Cadastral]: the people and companies
//! an organisation deals with, as customers or prospects.
mod draft;

pub use draft::{AddressDraft, PartyDraft, PhoneDraft, ValidParty, ValidPhone};

use serde::{Deserialize, Serialize};

mod bulk;
mod custom;
mod field;
pub use bulk::{MATCHING_LIMIT, PartyBulkChange};
pub use custom::{CustomFieldDef, CustomFieldKind};
pub use field::PartyField;

string_enum!(
    /// Pessoa física or pessoa jurídica.
    PartyKind { Person = "person", Company = "company" } error "error-kind-invalid"
);
string_enum!(
    /// Prospect [cliente potencial] until the first deal; then an acquired customer [cliente adquirido].
    Lifecycle { Prospect = "prospect", Customer = "customer" } error "error-lifecycle-invalid"
);
string_enum!(
    /// A prospect's negotiation: going on, or abandoned [arquivado].
    ProspectState { InProgress = "in_progress", Archived = "archived" } error "error-prospect-state-invalid"
);
string_enum!(
    Sex { Female = "f", Male = "m", Other = "x" } error "error-sex-invalid"
);
string_enum!(
    PhoneKind { Mobile = "mobile", Landline = "landline", Work = "work", Whatsapp = "whatsapp" } error "error-phone-kind-invalid"
);
string_enum!(
    /// The channels a party may allow or refuse to be contacted through (seed 004).
    Channel { SmsWhatsapp = "sms_whatsapp", Email = "email", Phone = "phone", Letter = "letter" } error "error-channel-invalid"
);
string_enum!(
    /// How two parties relate.
    RelationshipKind { Spouse = "spouse", Holder = "holder", CompanyContact = "company_contact", Other = "other" } error "error-relationship-invalid"
);

/// The customer statuses every organisation starts with (seed 004).
pub const DEFAULT_CUSTOMER_STATUSES: [&str; 4] = ["active", "simplified", "special", "blocked"];
/// Credit-bureau statuses [status SCPC] (seed 004).
pub const CREDIT_BUREAU_STATUSES: [&str; 4] = ["nada_consta", "reabilitado", "seprocado", "negativado"];

/// The current consent per channel, derived from the ledger.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentState {
    pub sms_whatsapp: bool,
    pub email: bool,
    pub phone: bool,
    pub letter: bool,
}

impl ConsentState {
    pub fn allows(&self, channel: Channel) -> bool {
        match channel {
            Channel::SmsWhatsapp => self.sms_whatsapp,
            Channel::Email => self.email,
            Channel::Phone => self.phone,
            Channel::Letter => self.letter,
        }
    }

    pub fn set(&mut self, channel: Channel, granted: bool) {
        match channel {
            Channel::SmsWhatsapp => self.sms_whatsapp = granted,
            Channel::Email => self.email = granted,
            Channel::Phone => self.phone = granted,
            Channel::Letter => self.letter = granted,
        }
    }
}

/// A consent decision to record: the ledger is append-only.
#[derive(Clone, Debug)]
pub struct ConsentChange {
    pub channel: Channel,
    pub granted: bool,
    /// Where the decision came from: "form", "phone call", "import", …
    pub source: String,
    /// The wording the party agreed to or withdrew from.
    pub wording: String,
}

impl ConsentChange {
    pub fn parse(
        channel: &str,
        granted: bool,
        source: &str,
        wording: &str,
    ) -> Result<ConsentChange, crate::ValidationErrors> {
        let mut errors = crate::ValidationErrors::new();
        let channel = errors.check("channel", Channel::parse(channel));
        let source = source.trim();
        if source.chars().count() > 120 {
            errors.add("source", "error-too-long");
        }
        if wording.chars().count() > 2000 {
            errors.add("wording", "error-too-long");
        }
        match channel {
            Some(channel) if errors.is_empty() => Ok(ConsentChange {
                channel,
                granted,
                source: if source.is_empty() { "form".to_string() } else { source.to_string() },
                wording: wording.trim().to_string(),
            }),
            _ => Err(errors),
        }
    }
}

/// A note's text: not empty, not a novel.
pub fn parse_note(body: &str) -> Result<String, &'static str> {
    let body = body.trim();
    if body.is_empty() {
        return Err("error-required");
    }
    if body.chars().count() > 10_000 {
        return Err("error-too-long");
    }
    Ok(body.to_string())
}

/// A tag as the list filter shows it: trimmed, lower-case, short.
pub fn parse_tag(tag: &str) -> Result<String, &'static str> {
    let tag = crate::search::fold(tag.trim());
    if tag.is_empty() {
        return Err("error-required");
    }
    if tag.chars().count() > 40 {
        return Err("error-too-long");
    }
    Ok(tag)
}

/// The folded text search runs over: names, document, phones in the forms
/// people type them, e-mails split into words. Padded with spaces so a
/// term can be matched at the start of a word.
pub fn search_text(party: &ValidParty) -> String {
    let mut words: Vec<String> = Vec::new();
    let split_words = |text: &str| -> Vec<String> {
        crate::search::fold(text)
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect()
    };
    words.extend(split_words(&party.full_name));
    if let Some(trade_name) = &party.trade_name {
        words.extend(split_words(trade_name));
    }
    if let Some(document) = &party.document {
        words.push(document.value.to_lowercase());
    }
    for phone in &party.phones {
        words.extend(phone.phone.search_forms());
    }
    for email in &party.emails {
        words.extend(split_words(email.as_str()));
    }
    words.dedup();
    format!(" {} ", words.join(" "))
}

/// The key lists sort on: the folded name.
pub fn sort_name(full_name: &str) -> String {
    crate::search::fold(full_name)
}
