//! The registry of parties [Cadastro de Pessoa]: creating and editing
//! people and companies, search, lists, export, consent, notes,
//! relationships, duplicates and merges.
use crate::{Actor, App, AppError};
use chrono::{DateTime, NaiveDate, Utc};
use db::repo::party::{self as repo, Keyset, PartyFilter, PartySort, PartySummary};
use db::repo::{merge, registry_settings, user};
use domain::access::{Permission, Portfolio};
use domain::audit::{AuditAction, AuditEntity};
use domain::filter::{Filter, Test, Value};
use domain::page::{Page, clamp_page_size};
use domain::party::{
    Channel, ConsentChange, ConsentState, PartyDraft, PartyField, RelationshipKind, ValidParty, parse_note,
};
use domain::phone::{Country, Phone};
use domain::timeline::{Event, EventKind};
use domain::{BranchId, PartyId, UserId, ValidationErrors};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// A party's registration data plus, on creation, the channels it allows.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct PartyInput {
    #[serde(flatten)]
    pub draft: PartyDraft,
    /// Channels the party allows on creation: `sms_whatsapp`, `email`, `phone`, `letter`.
    pub consents: Vec<String>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PhoneView {
    pub e164: String,
    pub formatted: String,
    pub kind: String,
    pub carrier: Option<String>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct AddressView {
    pub street: String,
    pub number: String,
    pub complement: String,
    pub neighbourhood: String,
    pub city: String,
    pub state: String,
    pub postal_code: String,
    pub country: String,
}

#[derive(Clone, Debug, Default, Serialize, ToSchema)]
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
#[derive(Clone, Debug, Serialize, ToSchema)]
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
            address: record.addresses.into_iter().next().map(|a| AddressView {
                street: a.street,
                number: a.number,
                complement: a.complement,
                neighbourhood: a.neighbourhood,
                city: a.city,
                state: a.state,
                postal_code: a.postal_code,
                country: a.country,
            }),
            tags: record.tags,
            consent: consent.into(),
            custom: Default::default(),
            archived: row.archived_at.is_some(),
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
#[derive(Clone, Debug, Serialize, ToSchema)]
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
        }
    }
}

/// Another party that looks like the same one.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct DuplicateHint {
    pub id: Uuid,
    pub full_name: String,
}

/// The result of saving: the party, and parties sharing its e-mail or phone.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct SavedParty {
    pub party: PartyView,
    pub possible_duplicates: Vec<DuplicateHint>,
}

/// What the customer list asks for.
#[derive(Clone, Debug, Default, Deserialize, ToSchema, utoipa::IntoParams)]
#[serde(default)]
pub struct PartyQuery {
    /// `person` or `company`
    pub kind: Option<String>,
    /// `prospect` or `customer`
    pub lifecycle: Option<String>,
    /// A customer status or a prospect state
    pub status: Option<String>,
    pub city: Option<String>,
    /// UF
    pub state: Option<String>,
    pub seller_id: Option<Uuid>,
    pub tag: Option<String>,
    /// `name` (default), `city`, `state` or `newest`
    pub sort: Option<String>,
    /// `asc` (default) or `desc`
    pub dir: Option<String>,
    /// From the previous page's `next_cursor`
    pub cursor: Option<String>,
    /// 1 to 200, default 50
    pub limit: Option<u32>,
    /// A filter tree in JSON, joined to the filters above: `all`, `any`
    /// and `not` over `{"field": …, "equals" | "in" | "range" | "contains"
    /// | "prefix" | "is_empty" | "relative": …}`; fields `kind`,
    /// `lifecycle`, `customer_status`, `prospect_state`, `name`, `city`,
    /// `state`, `seller`, `branch`, `tag`, `plate`, `birth_date`, `created_at`.
    pub filter: Option<String>,
}

impl PartyQuery {
    /// Refuses a query whose filters or sort do not parse.
    pub fn check(&self) -> Result<(), ValidationErrors> {
        self.filter_tree()?;
        self.sort()?;
        Ok(())
    }

    /// The list's filters as one tree: each filter of the form (checked
    /// under its own name), and the JSON tree if one came.
    fn filter_tree(&self) -> Result<Filter<PartyField>, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let non_empty =
            |v: &Option<String>| v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
        let mut tree = Filter::all(Vec::new());
        let mut equals = |field: PartyField, value: String| {
            tree = std::mem::replace(&mut tree, Filter::all(Vec::new()))
                .and(Filter::is(field, Test::Equals(Value::Text(value))));
        };
        if let Some(k) = non_empty(&self.kind) {
            errors.check("kind", domain::party::PartyKind::parse(&k));
            equals(PartyField::Kind, k);
        }
        let lifecycle = non_empty(&self.lifecycle);
        if let Some(l) = &lifecycle {
            errors.check("lifecycle", domain::party::Lifecycle::parse(l));
            equals(PartyField::Lifecycle, l.clone());
        }
        match (lifecycle.as_deref(), non_empty(&self.status)) {
            (Some("prospect"), Some(s)) => equals(PartyField::ProspectState, s),
            (_, Some(s)) if domain::party::ProspectState::parse(&s).is_ok() => {
                equals(PartyField::ProspectState, s)
            }
            (_, Some(s)) => equals(PartyField::CustomerStatus, s),
            (_, None) => {}
        }
        for (field, value) in
            [(PartyField::City, &self.city), (PartyField::State, &self.state), (PartyField::Tag, &self.tag)]
        {
            if let Some(value) = non_empty(value) {
                equals(field, value);
            }
        }
        if let Some(seller) = self.seller_id {
            equals(PartyField::Seller, seller.to_string());
        }
        if let Some(json) = non_empty(&self.filter) {
            match serde_json::from_str::<Filter<PartyField>>(&json) {
                Ok(given) => match given.check() {
                    Ok(()) => tree = tree.and(given),
                    Err((field, message)) => errors.add(field, message),
                },
                Err(_) => errors.add("filter", "error-filter-invalid"),
            }
        }
        errors.into_result()?;
        Ok(tree)
    }

    fn sort(&self) -> Result<(PartySort, bool), ValidationErrors> {
        let sort = match self.sort.as_deref().unwrap_or("name") {
            "" | "name" => PartySort::Name,
            "city" => PartySort::City,
            "state" => PartySort::State,
            "newest" => PartySort::Newest,
            _ => return Err(ValidationErrors::single("sort", "error-sort-invalid")),
        };
        let descending = match self.dir.as_deref().unwrap_or("asc") {
            "" | "asc" => sort == PartySort::Newest,
            "desc" => sort != PartySort::Newest,
            _ => return Err(ValidationErrors::single("dir", "error-sort-invalid")),
        };
        Ok((sort, descending))
    }
}

fn encode_cursor(sort: PartySort, row: &PartySummary) -> String {
    let value = match sort {
        PartySort::Name => row.sort_name.clone(),
        PartySort::City => domain::search::fold(&row.city),
        PartySort::State => row.state.clone(),
        PartySort::Newest => String::new(),
    };
    format!("{}~{}", row.id.simple(), value)
}

fn decode_cursor(cursor: &str) -> Result<Keyset, ValidationErrors> {
    let (id, value) =
        cursor.split_once('~').ok_or_else(|| ValidationErrors::single("cursor", "error-cursor-invalid"))?;
    let id = Uuid::parse_str(id).map_err(|_| ValidationErrors::single("cursor", "error-cursor-invalid"))?;
    Ok(Keyset { value: value.to_string(), id })
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

/// The registry's default country until organisations have a setting.
const DEFAULT_COUNTRY: Country = Country::Brazil;

impl App {
    fn today(&self) -> NaiveDate {
        self.now().date_naive()
    }

    async fn validate_party(&self, actor: &Actor, draft: &PartyDraft) -> Result<ValidParty, AppError> {
        let mut valid = draft.validate(DEFAULT_COUNTRY, self.today()).map_err(AppError::Validation)?;
        if let Some(seller) = valid.seller_id {
            if user::get(&self.db, actor.org_id, seller).await?.is_none() {
                return Err(ValidationErrors::single("seller_id", "error-seller-invalid").into());
            }
        }
        if let Some(status) = &valid.customer_status {
            let statuses = self.customer_statuses(actor).await?;
            if !statuses.iter().any(|s| &s.code == status) {
                return Err(ValidationErrors::single("customer_status", "error-status-invalid").into());
            }
        }
        valid.tags.sort();
        Ok(valid)
    }

    /// The organisation's active users, who can be a customer's responsible seller.
    pub async fn sellers(&self, actor: &Actor) -> Result<Vec<(Uuid, String)>, AppError> {
        Ok(user::list(&self.db, actor.org_id)
            .await?
            .into_iter()
            .filter(|u| u.active)
            .map(|u| (u.id, u.display_name))
            .collect())
    }

    async fn duplicate_hints(
        &self,
        actor: &Actor,
        party: &ValidParty,
        except: Option<PartyId>,
    ) -> Result<Vec<DuplicateHint>, AppError> {
        let emails: Vec<String> = party.emails.iter().map(|e| e.as_str().to_string()).collect();
        let phones: Vec<String> = party.phones.iter().map(|p| p.phone.e164().to_string()).collect();
        let mut hints = Vec::new();
        // Only parties the user may see: a hint must not reveal another
        // portfolio's customer.
        for (id, full_name) in
            repo::find_sharing_contacts(&self.db, actor.org_id, &emails, &phones, except).await?
        {
            if repo::standing(&self.db, &actor.read_scope(), PartyId(id)).await?.is_some() {
                hints.push(DuplicateHint { id, full_name });
            }
        }
        Ok(hints)
    }

    #[tracing::instrument(skip_all)]
    pub async fn create_party(&self, actor: &Actor, input: PartyInput) -> Result<SavedParty, AppError> {
        actor.require_change(Permission::PartiesCreate)?;
        let mut party = self.validate_party(actor, &input.draft).await?;
        if !actor.can(Permission::FinancialFields) {
            party.revolving_credit_limit = None;
            party.credit_complement = None;
        }
        let portfolio = self.portfolio_for(actor, party.seller_id).await?;
        party.seller_id = portfolio.owner;
        let custom = self.validate_custom(actor, &input.draft.custom).await?;
        let mut consents = Vec::new();
        for channel in &input.consents {
            consents.push(Channel::parse(channel).map_err(|m| ValidationErrors::single("consents", m))?);
        }
        let hints = self.duplicate_hints(actor, &party, None).await?;
        let id = PartyId::new();
        let mut change = self.change(actor).await?;
        let at = change.at;
        if let Some(document) = &party.document {
            if let Some((existing, name)) =
                repo::find_by_document(&mut change.tx, actor.org_id, &document.value, None).await?
            {
                return Err(self.duplicate_refusal(actor, PartyId(existing), name).await?);
            }
        }
        repo::insert(&mut change.tx, actor.org_id, id, &party, Some(actor.user_id), at).await?;
        db::repo::access::set_portfolio(&mut change.tx, actor.org_id, id, portfolio.branch).await?;
        registry_settings::replace_custom_values(&mut change.tx, actor.org_id, id, &custom).await?;
        for channel in consents {
            repo::record_consent(
                &mut change.tx,
                &repo::NewConsentEvent {
                    org_id: actor.org_id,
                    party_id: id,
                    channel,
                    granted: true,
                    source: "cadastro",
                    wording: "",
                    recorded_by: Some(actor.user_id),
                    recorded_by_label: &actor.display_name,
                },
                at,
            )
            .await?;
        }
        let view = self.party_in_tx(&mut change.tx, actor, id).await?;
        change
            .history(
                id,
                Event::new(EventKind::Registration, "timeline-party-created", view.full_name.clone(), None),
            )
            .await?;
        change
            .audit(
                AuditAction::Create,
                AuditEntity::Party,
                Some(id.to_string()),
                None,
                Some(audit_snapshot(&view)),
            )
            .await?;
        change.commit().await?;
        let view = self.party_view(actor, id).await?;
        Ok(SavedParty { party: view, possible_duplicates: hints })
    }

    /// The party as the transaction sees it, whole (phones, e-mails,
    /// address, tags, custom values): an audit entry's before and after
    /// are both read this way.
    async fn party_in_tx(&self, tx: &mut db::Tx, actor: &Actor, id: PartyId) -> Result<PartyView, AppError> {
        let record = repo::get_in_tx(tx, actor.org_id, id).await?.ok_or(AppError::NotFound)?;
        let mut view = PartyView::from(record);
        view.custom = db::repo::registry_settings::custom_values_in_tx(tx, actor.org_id, id)
            .await?
            .into_iter()
            .collect();
        Ok(view)
    }

    #[tracing::instrument(skip_all)]
    pub async fn update_party(
        &self,
        actor: &Actor,
        id: PartyId,
        expected_version: i64,
        draft: PartyDraft,
    ) -> Result<SavedParty, AppError> {
        let before = self.party_view_unmasked(actor, id).await?;
        actor.require_write(Permission::PartiesEdit, before.portfolio())?;
        let mut party = self.validate_party(actor, &draft).await?;
        let custom = self.validate_custom(actor, &draft.custom).await?;
        if !actor.can(Permission::FinancialFields) {
            // Fields the user cannot see are kept, not wiped.
            party.revolving_credit_limit = before.revolving_credit_limit.map(domain::Money);
            party.credit_complement = before.credit_complement.clone();
        }
        let portfolio = if party.seller_id == before.portfolio().owner {
            before.portfolio()
        } else {
            self.portfolio_for(actor, party.seller_id).await?
        };
        let hints = self.duplicate_hints(actor, &party, Some(id)).await?;
        let mut change = self.change(actor).await?;
        if let Some(document) = &party.document {
            if let Some((existing, name)) =
                repo::find_by_document(&mut change.tx, actor.org_id, &document.value, Some(id)).await?
            {
                return Err(self.duplicate_refusal(actor, PartyId(existing), name).await?);
            }
        }
        let before = self.party_in_tx(&mut change.tx, actor, id).await?;
        if !repo::update(
            &mut change.tx,
            actor.org_id,
            id,
            expected_version,
            &party,
            Some(actor.user_id),
            self.now(),
        )
        .await?
        {
            let (by, at) =
                repo::last_change(&mut change.tx, actor.org_id, id).await?.ok_or(AppError::NotFound)?;
            return Err(AppError::Conflict { by, at });
        }
        db::repo::access::set_portfolio(&mut change.tx, actor.org_id, id, portfolio.branch).await?;
        registry_settings::replace_custom_values(&mut change.tx, actor.org_id, id, &custom).await?;
        let after = self.party_in_tx(&mut change.tx, actor, id).await?;
        let (old, new) = (audit_snapshot(&before), audit_snapshot(&after));
        let changed = changed_fields(&old, &new);
        change
            .history(id, Event::new(EventKind::Registration, "timeline-party-updated", changed, None))
            .await?;
        change
            .audit(AuditAction::Update, AuditEntity::Party, Some(id.to_string()), Some(old), Some(new))
            .await?;
        change.commit().await?;
        Ok(SavedParty { party: self.party_view(actor, id).await?, possible_duplicates: hints })
    }

    #[tracing::instrument(skip_all)]
    /// Opens a party's record: the read is written to the access audit
    /// (who, when, which party; never the data itself).
    pub async fn get_party(&self, actor: &Actor, id: PartyId) -> Result<PartyView, AppError> {
        let view = self.party_view(actor, id).await?;
        let mut change = self.change(actor).await?;
        change.audit(AuditAction::Read, AuditEntity::Party, Some(id.to_string()), None, None).await?;
        change.commit().await?;
        Ok(view)
    }

    /// The party to fill an edit form: refused (403) when the actor may read
    /// it but not change it, so the form is never offered in vain.
    pub async fn party_for_edit(&self, actor: &Actor, id: PartyId) -> Result<PartyView, AppError> {
        let view = self.party_view(actor, id).await?;
        actor.require_write(Permission::PartiesEdit, view.portfolio())?;
        Ok(view)
    }

    /// The party as this actor may see it: within his reach, financial
    /// fields only with that right.
    pub(crate) async fn party_view(&self, actor: &Actor, id: PartyId) -> Result<PartyView, AppError> {
        let mut view = self.party_view_unmasked(actor, id).await?;
        if !actor.can(Permission::FinancialFields) {
            view.revolving_credit_limit = None;
            view.credit_complement = None;
        }
        Ok(view)
    }

    async fn party_view_unmasked(&self, actor: &Actor, id: PartyId) -> Result<PartyView, AppError> {
        actor.require(Permission::PartiesRead)?;
        let record = repo::get(&self.db, &actor.read_scope(), id).await?.ok_or(AppError::NotFound)?;
        if let Some(survivor) = record.row.merged_into {
            return Err(AppError::Merged { into: PartyId(survivor) });
        }
        let mut view = PartyView::from(record);
        view.custom = self.custom_values(actor, id).await?;
        Ok(view)
    }

    /// The refusal of a repeated document: it names the existing party only
    /// to a user who may open it.
    async fn duplicate_refusal(
        &self,
        actor: &Actor,
        existing: PartyId,
        name: String,
    ) -> Result<AppError, AppError> {
        let visible = repo::standing(&self.db, &actor.read_scope(), existing).await?.is_some();
        Ok(if visible { AppError::DuplicateParty { existing, name } } else { AppError::DocumentTaken })
    }

    /// The portfolio a created or re-owned party lands in: the chosen
    /// owner's (and his branch), or by default the creator's. It must be
    /// one the actor may write to.
    async fn portfolio_for(&self, actor: &Actor, owner: Option<UserId>) -> Result<Portfolio, AppError> {
        let portfolio = match owner {
            Some(owner) => Portfolio {
                owner: Some(owner),
                branch: user::get(&self.db, actor.org_id, owner)
                    .await?
                    .and_then(|u| u.branch_id)
                    .map(BranchId),
            },
            None => actor.default_portfolio(),
        };
        if !actor.may_write(portfolio) {
            return Err(ValidationErrors::single("seller_id", "error-seller-out-of-reach").into());
        }
        Ok(portfolio)
    }

    #[tracing::instrument(skip_all)]
    pub async fn list_parties(
        &self,
        actor: &Actor,
        query: &PartyQuery,
    ) -> Result<Page<PartyListItem>, AppError> {
        let filter = PartyFilter { tree: query.filter_tree()?, today: self.today() };
        let (sort, descending) = query.sort()?;
        let after = match query.cursor.as_deref().filter(|c| !c.is_empty()) {
            Some(cursor) => Some(decode_cursor(cursor)?),
            None => None,
        };
        let limit = clamp_page_size(query.limit);
        actor.require(Permission::PartiesRead)?;
        let mut rows =
            repo::list(&self.db, &actor.read_scope(), &filter, sort, descending, after.as_ref(), limit + 1)
                .await?;
        let next_cursor = if rows.len() > limit as usize {
            rows.truncate(limit as usize);
            rows.last().map(|row| encode_cursor(sort, row))
        } else {
            None
        };
        Ok(Page { items: rows.into_iter().map(PartyListItem::from).collect(), next_cursor })
    }

    /// How many parties the filter selects, counted up to [`COUNT_CAP`].
    pub async fn count_parties(&self, actor: &Actor, query: &PartyQuery) -> Result<i64, AppError> {
        actor.require(Permission::PartiesRead)?;
        let filter = PartyFilter { tree: query.filter_tree()?, today: self.today() };
        Ok(repo::count(&self.db, &actor.read_scope(), &filter, COUNT_CAP).await?)
    }

    /// Search as you type: name, trade name, CPF/CNPJ/NIF with or without
    /// punctuation, phone in any format, e-mail; accent- and case-blind.
    #[tracing::instrument(skip_all)]
    pub async fn search_parties(
        &self,
        actor: &Actor,
        query: &str,
        limit: u32,
    ) -> Result<Vec<PartyListItem>, AppError> {
        let terms = domain::search::terms(query);
        // One letter matches most of the registry and narrows nothing.
        if terms.is_empty() || (terms.len() == 1 && terms[0].chars().count() < 2) {
            return Ok(Vec::new());
        }
        actor.require(Permission::PartiesRead)?;
        // A plate finds the vehicle's owners first (seed 000: the workshop
        // looks customers up by the car in front of it).
        let owners = match domain::vehicle::Plate::parse(query) {
            Ok(plate) => {
                let tree = Filter::is(PartyField::Plate, Test::Equals(Value::text(plate.as_str())));
                let filter = PartyFilter { tree, today: self.today() };
                repo::list(&self.db, &actor.read_scope(), &filter, PartySort::Name, false, None, 10).await?
            }
            Err(_) => Vec::new(),
        };
        let candidates = repo::search(&self.db, &actor.read_scope(), &terms, 200).await?;
        let mut ranked: Vec<(i64, PartySummary)> = candidates
            .into_iter()
            .map(|row| {
                let phone = row.first_phone.clone().unwrap_or_default();
                let document = row.document.as_ref().map(|d| d.to_lowercase());
                (domain::search::rank(&row.sort_name, document.as_deref(), &[phone.as_str()], &terms), row)
            })
            .collect();
        ranked.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.sort_name.cmp(&b.1.sort_name)));
        let found = owners.into_iter().chain(ranked.into_iter().map(|(_, row)| row));
        let mut seen = std::collections::HashSet::new();
        Ok(found
            .filter(|row| seen.insert(row.id))
            .take(limit.clamp(1, 50) as usize)
            .map(Into::into)
            .collect())
    }

    /// Whether the actor may export: asked before a download starts, so a
    /// refusal is a status code and not a cut-off file.
    pub fn may_export(&self, actor: &Actor) -> Result<(), AppError> {
        actor.require(Permission::PartiesExport)
    }

    /// Everything the list filter selects, a page at a time, handed to
    /// `sink` (which returns false when the reader has gone): an export of
    /// a million rows never sits in memory. The export and the number of
    /// rows actually handed over go into the audit trail.
    #[tracing::instrument(skip_all)]
    pub async fn export_parties<F, Fut>(
        &self,
        actor: &Actor,
        query: &PartyQuery,
        mut sink: F,
    ) -> Result<u64, AppError>
    where
        F: FnMut(Vec<PartyListItem>) -> Fut,
        Fut: std::future::Future<Output = bool>,
    {
        self.may_export(actor)?;
        const PAGE: u32 = 1000;
        let filter = PartyFilter { tree: query.filter_tree()?, today: self.today() };
        let mut exported = 0u64;
        let mut after: Option<Keyset> = None;
        loop {
            let rows = repo::list(
                &self.db,
                &actor.read_scope(),
                &filter,
                PartySort::Name,
                false,
                after.as_ref(),
                PAGE,
            )
            .await?;
            let last_page = rows.len() < PAGE as usize;
            after = rows.last().map(|row| Keyset { value: row.sort_name.clone(), id: row.id });
            let count = rows.len() as u64;
            if !sink(rows.into_iter().map(PartyListItem::from).collect()).await {
                break;
            }
            exported += count;
            if last_page {
                break;
            }
        }
        let mut change = self.change(actor).await?;
        let details = serde_json::json!({ "rows": exported, "filter": format!("{query:?}") });
        change.audit(AuditAction::Export, AuditEntity::Party, None, None, Some(details)).await?;
        change.commit().await?;
        Ok(exported)
    }

    /// Soft-deletes a party [arquivar]; it leaves lists and search.
    pub async fn archive_party(
        &self,
        actor: &Actor,
        id: PartyId,
        expected_version: i64,
        archived: bool,
    ) -> Result<PartyView, AppError> {
        self.guard_party(actor, id, Some(Permission::PartiesDelete)).await?;
        let mut change = self.change(actor).await?;
        let at = self.now();
        if !repo::set_archived(
            &mut change.tx,
            actor.org_id,
            id,
            expected_version,
            archived.then_some(at),
            Some(actor.user_id),
            at,
        )
        .await?
        {
            let (by, at) =
                repo::last_change(&mut change.tx, actor.org_id, id).await?.ok_or(AppError::NotFound)?;
            return Err(AppError::Conflict { by, at });
        }
        let event = if archived { "timeline-party-archived" } else { "timeline-party-restored" };
        change.history(id, Event::new(EventKind::Registration, event, "", None)).await?;
        let action = if archived { AuditAction::Delete } else { AuditAction::Update };
        change
            .audit(
                action,
                AuditEntity::Party,
                Some(id.to_string()),
                None,
                Some(serde_json::json!({ "archived": archived })),
            )
            .await?;
        change.commit().await?;
        let record = repo::get(&self.db, &actor.read_scope(), id).await?.ok_or(AppError::NotFound)?;
        Ok(record.into())
    }
}

/// One decision in a party's consent ledger.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ConsentEventView {
    pub channel: String,
    pub granted: bool,
    pub at: DateTime<Utc>,
    pub source: String,
    pub wording: String,
    pub recorded_by: String,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct NoteView {
    pub id: Uuid,
    pub body: String,
    pub author: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct RelationshipView {
    pub id: Uuid,
    /// `spouse`, `holder`, `company_contact`, `other`
    pub kind: String,
    pub other_id: Uuid,
    pub other_name: String,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct MergeView {
    pub id: Uuid,
    pub merged_id: Uuid,
    pub merged_name: String,
    pub at: DateTime<Utc>,
}

impl App {
    /// Records a consent decision; withdrawing is the same call with `granted: false`.
    #[tracing::instrument(skip_all)]
    pub async fn record_consent(
        &self,
        actor: &Actor,
        id: PartyId,
        consent: ConsentChange,
    ) -> Result<PartyView, AppError> {
        let before = self.party_view(actor, id).await?;
        actor.require_write(Permission::PartiesEdit, before.portfolio())?;
        let mut change = self.change(actor).await?;
        let at = change.at;
        repo::record_consent(
            &mut change.tx,
            &repo::NewConsentEvent {
                org_id: actor.org_id,
                party_id: id,
                channel: consent.channel,
                granted: consent.granted,
                source: &consent.source,
                wording: &consent.wording,
                recorded_by: Some(actor.user_id),
                recorded_by_label: &actor.display_name,
            },
            at,
        )
        .await?;
        let event = if consent.granted { "timeline-consent-granted" } else { "timeline-consent-withdrawn" };
        change.history(id, Event::new(EventKind::Consent, event, consent.channel.as_str(), None)).await?;
        repo::touch(&mut change.tx, actor.org_id, id, Some(actor.user_id), at).await?;
        change.audit(AuditAction::Update, AuditEntity::PartyConsent, Some(id.to_string()), Some(serde_json::json!({ consent.channel.as_str(): before.consent_for(consent.channel) })), Some(serde_json::json!({ consent.channel.as_str(): consent.granted, "source": consent.source })))
        .await?;
        change.commit().await?;
        self.party_view(actor, id).await
    }

    pub async fn consent_history(
        &self,
        actor: &Actor,
        id: PartyId,
    ) -> Result<Vec<ConsentEventView>, AppError> {
        self.guard_party(actor, id, None).await?;
        Ok(repo::consent_history(&self.db, actor.org_id, id)
            .await?
            .into_iter()
            .map(|e| ConsentEventView {
                channel: e.channel,
                granted: e.granted,
                at: e.at,
                source: e.source,
                wording: e.wording,
                recorded_by: e.recorded_by_label,
            })
            .collect())
    }

    pub async fn add_note(&self, actor: &Actor, id: PartyId, body: &str) -> Result<NoteView, AppError> {
        self.guard_party(actor, id, Some(Permission::PartiesEdit)).await?;
        let body = parse_note(body).map_err(|m| ValidationErrors::single("body", m))?;
        let mut change = self.change(actor).await?;
        let at = change.at;
        let note_id = repo::insert_note(
            &mut change.tx,
            actor.org_id,
            id,
            &body,
            Some(actor.user_id),
            &actor.display_name,
            at,
        )
        .await?;
        let excerpt: String = body.chars().take(120).collect();
        change
            .history(id, Event::new(EventKind::Note, "timeline-note-added", excerpt, Some(note_id)))
            .await?;
        change
            .audit(
                AuditAction::Create,
                AuditEntity::PartyNote,
                Some(note_id.to_string()),
                None,
                Some(serde_json::json!({ "party": id.to_string() })),
            )
            .await?;
        change.commit().await?;
        Ok(NoteView { id: note_id, body, author: actor.display_name.clone(), created_at: at })
    }

    /// The party's latest `limit` notes, newest first (all of them are
    /// also in its history).
    pub async fn notes(&self, actor: &Actor, id: PartyId, limit: u32) -> Result<Vec<NoteView>, AppError> {
        self.guard_party(actor, id, None).await?;
        Ok(repo::notes(&self.db, actor.org_id, id, i64::from(limit))
            .await?
            .into_iter()
            .map(|n| NoteView { id: n.id, body: n.body, author: n.author_label, created_at: n.created_at })
            .collect())
    }

    pub async fn add_relationship(
        &self,
        actor: &Actor,
        id: PartyId,
        related: PartyId,
        kind: &str,
    ) -> Result<RelationshipView, AppError> {
        let kind = RelationshipKind::parse(kind).map_err(|m| ValidationErrors::single("kind", m))?;
        if id == related {
            return Err(ValidationErrors::single("related_id", "error-relationship-self").into());
        }
        self.guard_party(actor, id, Some(Permission::PartiesEdit)).await?;
        let other = self.party_view(actor, related).await.map_err(|e| match e {
            AppError::NotFound => ValidationErrors::single("related_id", "error-party-not-found").into(),
            other => other,
        })?;
        let mut change = self.change(actor).await?;
        let rel_id =
            repo::insert_relationship(&mut change.tx, actor.org_id, id, related, kind.as_str(), self.now())
                .await?;
        change.audit(AuditAction::Create, AuditEntity::PartyRelationship, Some(rel_id.to_string()), None, Some(serde_json::json!({ "party": id.to_string(), "related": related.to_string(), "kind": kind.as_str() }))).await?;
        change.commit().await?;
        Ok(RelationshipView {
            id: rel_id,
            kind: kind.as_str().to_string(),
            other_id: related.0,
            other_name: other.full_name,
        })
    }

    pub async fn remove_relationship(
        &self,
        actor: &Actor,
        id: PartyId,
        relationship: Uuid,
    ) -> Result<(), AppError> {
        self.guard_party(actor, id, Some(Permission::PartiesEdit)).await?;
        let mut change = self.change(actor).await?;
        if !repo::delete_relationship(&mut change.tx, actor.org_id, id, relationship).await? {
            return Err(AppError::NotFound);
        }
        change
            .audit(
                AuditAction::Delete,
                AuditEntity::PartyRelationship,
                Some(relationship.to_string()),
                None,
                None,
            )
            .await?;
        change.commit().await?;
        Ok(())
    }

    pub async fn relationships(&self, actor: &Actor, id: PartyId) -> Result<Vec<RelationshipView>, AppError> {
        self.guard_party(actor, id, None).await?;
        Ok(repo::relationships(&self.db, actor.org_id, id)
            .await?
            .into_iter()
            .map(|r| RelationshipView {
                id: r.id,
                kind: r.kind,
                other_id: r.other_id,
                other_name: r.other_name,
            })
            .collect())
    }

    /// Merges `merged` into `survivor`: every related row moves, `merged`
    /// disappears from lists and search, and the merge can be undone.
    #[tracing::instrument(skip_all)]
    pub async fn merge_parties(
        &self,
        actor: &Actor,
        survivor: PartyId,
        merged: PartyId,
    ) -> Result<MergeView, AppError> {
        if survivor == merged {
            return Err(ValidationErrors::single("merged_id", "error-merge-self").into());
        }
        self.guard_party(actor, survivor, Some(Permission::PartiesDelete)).await?;
        let merged_party = self.party_view(actor, merged).await?;
        actor.require_write(Permission::PartiesDelete, merged_party.portfolio())?;
        let mut change = self.change(actor).await?;
        let at = change.at;
        let merge_id =
            merge::merge(&mut change.tx, actor.org_id, survivor, merged, Some(actor.user_id), at).await?;
        let record = merge::find(&mut change.tx, actor.org_id, merge_id).await?.ok_or(AppError::NotFound)?;
        change
            .audit(
                AuditAction::Update,
                AuditEntity::PartyMerge,
                Some(merge_id.to_string()),
                Some(audit_snapshot(&merged_party)),
                Some(record.moved.0.clone()),
            )
            .await?;
        change.commit().await?;
        Ok(MergeView { id: merge_id, merged_id: merged.0, merged_name: merged_party.full_name, at })
    }

    #[tracing::instrument(skip_all)]
    pub async fn undo_merge(&self, actor: &Actor, merge_id: Uuid) -> Result<PartyView, AppError> {
        let mut change = self.change(actor).await?;
        let record = merge::find(&mut change.tx, actor.org_id, merge_id).await?.ok_or(AppError::NotFound)?;
        self.guard_party(actor, PartyId(record.survivor_id), Some(Permission::PartiesDelete)).await?;
        if record.undone_at.is_some() {
            return Err(ValidationErrors::single("merge", "error-merge-undone").into());
        }
        merge::undo(&mut change.tx, actor.org_id, &record, Some(actor.user_id), self.now()).await?;
        change
            .audit(
                AuditAction::Update,
                AuditEntity::PartyMergeUndo,
                Some(merge_id.to_string()),
                None,
                Some(serde_json::json!({ "restored": record.merged_id.to_string() })),
            )
            .await?;
        change.commit().await?;
        self.party_view(actor, PartyId(record.merged_id)).await
    }

    pub async fn merges_into(&self, actor: &Actor, survivor: PartyId) -> Result<Vec<MergeView>, AppError> {
        self.guard_party(actor, survivor, None).await?;
        Ok(merge::open_merges_into(&self.db, actor.org_id, survivor)
            .await?
            .into_iter()
            .map(|(id, merged_id, merged_name, at)| MergeView { id, merged_id, merged_name, at })
            .collect())
    }
}

impl PartyView {
    pub fn portfolio(&self) -> Portfolio {
        Portfolio { owner: self.seller_id.map(UserId), branch: self.branch_id.map(BranchId) }
    }

    pub fn consent_for(&self, channel: Channel) -> bool {
        ConsentState::from(&self.consent).allows(channel)
    }
}
