//! The registry of parties [Cadastro de Pessoa]: creating and editing
//! people and companies, search, lists, export, consent, notes,
//! relationships, duplicates and merges.
use chrono::{DateTime, NaiveDate, Utc};
use db::repo::party::{self as repo, PartySummary};
use domain::access::Portfolio;
use domain::party::{Channel, ConsentState, PartyDraft};
use domain::phone::Phone;
use domain::{BranchId, UserId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

mod bulk;
mod ledger;
mod list;
mod merge;
mod profile;
mod registration;

pub use bulk::PartySelection;
pub use ledger::{ConsentEventView, NoteView, RelationshipView};
pub use list::PartyQuery;
pub use merge::MergeView;
pub use profile::{ProfileSections, ProfileView};
pub use registration::Seller;

/// A party's registration data plus, on creation, the channels it allows.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct PartyInput {
    #[serde(flatten)]
    pub draft: PartyDraft,
    /// Channels the party allows on creation: `sms_whatsapp`, `email`, `phone`, `letter`.
    pub consents: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct PhoneView {
    pub e164: String,
    pub formatted: String,
    pub kind: String,
    pub carrier: Option<String>,
}

pub type AddressView = repo::AddressRow;

#[derive(Clone, Debug, Default, Serialize)]
pub struct ConsentView {
    pub sms_whatsapp: bool,
    pub email: bool,
    pub phone: bool,
    pub letter: bool,
}

impl From<ConsentState> for ConsentView {
    fn from(state: ConsentState) -> Self {
        ConsentView {
            sms_whatsapp: state.sms_whatsapp,
            email: state.email,
            phone: state.phone,
            letter: state.letter,
        }
    }
}

impl From<&ConsentView> for ConsentState {
    fn from(view: &ConsentView) -> Self {
        ConsentState {
            sms_whatsapp: view.sms_whatsapp,
            email: view.email,
            phone: view.phone,
            letter: view.letter,
        }
    }
}

/// Everything on a party's registration sheet.
#[derive(Clone, Debug, Serialize)]
pub struct PartyView {
    pub id: Uuid,
    pub kind: String,
    pub lifecycle: String,
    pub prospect_state: Option<String>,
    pub customer_status: Option<String>,
    pub full_name: String,
    pub trade_name: Option<String>,
    pub document_kind: Option<String>,
    /// Without punctuation.
    pub document: Option<String>,
    /// As people write it.
    pub document_formatted: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub sex: Option<String>,
    pub profession: Option<String>,
    pub football_team: Option<String>,
    pub shoe_size: Option<i64>,
    pub spouse_name: Option<String>,
    pub spouse_birth_date: Option<NaiveDate>,
    pub seller_id: Option<Uuid>,
    /// The branch whose portfolio holds the party (none: unassigned).
    pub branch_id: Option<Uuid>,
    pub credit_bureau_status: Option<String>,
    pub agreement: Option<String>,
    pub credit_complement: Option<String>,
    /// In cents.
    pub revolving_credit_limit: Option<i64>,
    pub company_sector: Option<String>,
    pub phones: Vec<PhoneView>,
    pub emails: Vec<String>,
    pub address: Option<AddressView>,
    pub tags: Vec<String>,
    pub consent: ConsentView,
    /// The organisation's own fields, by key.
    pub custom: std::collections::BTreeMap<String, String>,
    pub archived: bool,
    /// How far a prospect's negotiation in progress has come (none for a
    /// customer or an abandoned negotiation: they are not on the board).
    pub negotiation_stage: Option<domain::pipeline::NegotiationStage>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Send it back with an edit: a stale version is refused.
    pub version: i64,
}

impl From<repo::PartyRecord> for PartyView {
    fn from(record: repo::PartyRecord) -> Self {
        let row = record.row;
        let consent = row.consent();
        let document = row.document();
        let in_negotiation =
            row.lifecycle == "prospect" && row.prospect_state.as_deref() == Some("in_progress");
        let negotiation_stage = in_negotiation
            .then(|| domain::pipeline::NegotiationStage::parse(&row.negotiation_stage).ok())
            .flatten();
        PartyView {
            id: row.id,
            branch_id: row.branch_id,
            kind: row.kind,
            lifecycle: row.lifecycle,
            prospect_state: row.prospect_state,
            customer_status: row.customer_status,
            full_name: row.full_name,
            trade_name: row.trade_name,
            document_kind: row.document_kind,
            document: row.document,
            document_formatted: document.map(|d| d.formatted()),
            birth_date: row.birth_date,
            sex: row.sex,
            profession: row.profession,
            football_team: row.football_team,
            shoe_size: row.shoe_size,
            spouse_name: row.spouse_name,
            spouse_birth_date: row.spouse_birth_date,
            seller_id: row.seller_id,
            credit_bureau_status: row.credit_bureau_status,
            agreement: row.agreement,
            credit_complement: row.credit_complement,
            revolving_credit_limit: row.revolving_credit_limit,
            company_sector: row.company_sector,
            phones: record
                .phones
                .into_iter()
                .map(|p| PhoneView {
                    formatted: Phone::from_stored(p.e164.clone()).formatted(),
                    e164: p.e164,
                    kind: p.kind,
                    carrier: p.carrier,
                })
                .collect(),
            emails: record.emails,
            address: record.addresses.into_iter().next(),
            tags: record.tags,
            consent: consent.into(),
            custom: Default::default(),
            archived: row.archived_at.is_some(),
            negotiation_stage,
            created_at: row.created_at,
            updated_at: row.updated_at,
            version: row.version,
        }
    }
}

impl PartyView {
    /// The sheet as a form draft, for editing.
    pub fn to_draft(&self) -> PartyDraft {
        let money = |cents: Option<i64>| cents.map(|c| domain::Money(c).format_plain()).unwrap_or_default();
        PartyDraft {
            kind: self.kind.clone(),
            lifecycle: self.lifecycle.clone(),
            prospect_state: self.prospect_state.clone().unwrap_or_default(),
            customer_status: self.customer_status.clone().unwrap_or_default(),
            full_name: self.full_name.clone(),
            trade_name: self.trade_name.clone().unwrap_or_default(),
            document_kind: self.document_kind.clone().unwrap_or_default(),
            document: self.document_formatted.clone().unwrap_or_default(),
            birth_date: self.birth_date.map(|d| d.to_string()).unwrap_or_default(),
            sex: self.sex.clone().unwrap_or_default(),
            profession: self.profession.clone().unwrap_or_default(),
            football_team: self.football_team.clone().unwrap_or_default(),
            shoe_size: self.shoe_size.map(|s| s.to_string()).unwrap_or_default(),
            spouse_name: self.spouse_name.clone().unwrap_or_default(),
            spouse_birth_date: self.spouse_birth_date.map(|d| d.to_string()).unwrap_or_default(),
            seller_id: self.seller_id.map(|s| s.to_string()).unwrap_or_default(),
            credit_bureau_status: self.credit_bureau_status.clone().unwrap_or_default(),
            agreement: self.agreement.clone().unwrap_or_default(),
            credit_complement: self.credit_complement.clone().unwrap_or_default(),
            revolving_credit_limit: money(self.revolving_credit_limit),
            company_sector: self.company_sector.clone().unwrap_or_default(),
            phones: self
                .phones
                .iter()
                .map(|p| domain::party::PhoneDraft {
                    number: p.formatted.clone(),
                    kind: p.kind.clone(),
                    carrier: p.carrier.clone().unwrap_or_default(),
                })
                .collect(),
            emails: self.emails.clone(),
            address: self
                .address
                .as_ref()
                .map(|a| domain::party::AddressDraft {
                    street: a.street.clone(),
                    number: a.number.clone(),
                    complement: a.complement.clone(),
                    neighbourhood: a.neighbourhood.clone(),
                    city: a.city.clone(),
                    state: a.state.clone(),
                    postal_code: a.postal_code.clone(),
                    country: a.country.clone(),
                })
                .unwrap_or_default(),
            tags: self.tags.clone(),
            custom: self.custom.clone(),
        }
    }
}

/// A row of lists and search results.
#[derive(Clone, Debug, Serialize)]
pub struct PartyListItem {
    pub id: Uuid,
    pub kind: String,
    pub lifecycle: String,
    pub status: Option<String>,
    pub full_name: String,
    pub trade_name: Option<String>,
    pub document: Option<String>,
    pub city: String,
    pub state: String,
    pub seller_id: Option<Uuid>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub consent: ConsentView,
    pub created_at: DateTime<Utc>,
    /// For a bulk action: a row changed since it was listed stops it.
    pub version: i64,
}

impl From<PartySummary> for PartyListItem {
    fn from(row: PartySummary) -> Self {
        let document = row.document().map(|d| d.formatted()).or_else(|| row.document.clone());
        let consent = row.consent();
        PartyListItem {
            id: row.id,
            kind: row.kind,
            status: if row.lifecycle == "prospect" { row.prospect_state } else { row.customer_status },
            lifecycle: row.lifecycle,
            full_name: row.full_name,
            trade_name: row.trade_name,
            document,
            city: row.city,
            state: row.state,
            seller_id: row.seller_id,
            phone: row.first_phone.map(|p| Phone::from_stored(p).formatted()),
            email: row.first_email,
            consent: consent.into(),
            created_at: row.created_at,
            version: row.version,
        }
    }
}

/// Another party that looks like the same one.
#[derive(Clone, Debug, Serialize)]
pub struct DuplicateHint {
    pub id: Uuid,
    pub full_name: String,
}

/// The result of saving: the party, and parties sharing its e-mail or phone.
#[derive(Clone, Debug, Serialize)]
pub struct SavedParty {
    pub party: PartyView,
    pub possible_duplicates: Vec<DuplicateHint>,
}

fn audit_snapshot(view: &PartyView) -> serde_json::Value {
    serde_json::to_value(view).unwrap_or(serde_json::Value::Null)
}

/// The fields a save changed, as the history names them.
fn changed_fields(old: &serde_json::Value, new: &serde_json::Value) -> String {
    match (old, new) {
        (serde_json::Value::Object(old), serde_json::Value::Object(new)) => new
            .iter()
            .filter(|(k, v)| old.get(*k) != Some(*v) && !BOOKKEEPING_FIELDS.contains(&k.as_str()))
            .map(|(k, _)| k.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        _ => String::new(),
    }
}

/// Fields of a party's snapshot that change with every save or follow
/// from others: the history names the fields a person changed.
const BOOKKEEPING_FIELDS: &[&str] = &[
    "id",
    "updated_at",
    "created_at",
    "version",
    "document_kind",
    "document_formatted",
    "branch_id",
    "consent",
    "archived",
];

/// Lists count at most this many rows; the UI shows "10.000+".
pub const COUNT_CAP: u64 = 10_000;

impl PartyView {
    pub fn portfolio(&self) -> Portfolio {
        Portfolio { owner: self.seller_id.map(UserId), branch: self.branch_id.map(BranchId) }
    }

    pub fn consent_for(&self, channel: Channel) -> bool {
        ConsentState::from(&self.consent).allows(channel)
    }
}
