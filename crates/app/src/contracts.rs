//! Contratos (seed 001: "contratos arquivados e encontrados com um
//! clique"): a party's signed documents with their type, number, dates and
//! status, the quote (and order) each came from, found again by number or
//! by the party's name, and listed by how soon they expire. The file is
//! kept in the database, so the backup that keeps the party keeps it.
use crate::{Actor, AppError, Contracts};
use chrono::{DateTime, Days, NaiveDate, Utc};
use db::repo::StoredFile;
use db::repo::contract::{self as repo, ContractFields, ContractRow};
use domain::access::Permission;
use domain::audit::AuditEntity;
use domain::contract::{ContractDraft, ContractFile, ContractKind, ContractStatus, ValidContract};
use domain::search::fold;
use domain::timeline::{Event, EventKind};
use domain::{ContractId, PartyId, ValidationErrors};
use std::collections::HashSet;
use uuid::Uuid;

/// The most contracts one list shows.
const LIST_ROWS: u32 = 500;
/// How far ahead "expiring" may look.
const MAX_WITHIN_DAYS: u32 = 366;

#[derive(Clone, Debug)]
pub struct ContractView {
    pub id: Uuid,
    pub party_id: Uuid,
    pub party_name: String,
    pub number: String,
    pub kind: ContractKind,
    pub status: ContractStatus,
    /// How it stands today: its status, or `expired` (active, past its last day).
    pub standing: &'static str,
    pub starts_on: NaiveDate,
    pub expires_on: Option<NaiveDate>,
    pub renews_on: Option<NaiveDate>,
    pub quote_id: Option<Uuid>,
    pub quote_number: Option<i64>,
    pub order_id: Option<Uuid>,
    pub owner_name: Option<String>,
    pub notes: String,
    pub file_name: String,
    pub content_type: String,
    pub file_size: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

impl ContractView {
    fn of(row: ContractRow, today: NaiveDate) -> Result<ContractView, AppError> {
        let corrupt = |what: &str| AppError::Internal(format!("contract {}: {what}", row.id));
        let status = ContractStatus::parse(&row.status).map_err(|_| corrupt("status"))?;
        Ok(ContractView {
            id: row.id,
            party_id: row.party_id,
            party_name: row.party_name,
            number: row.number,
            kind: ContractKind::parse(&row.kind).map_err(|_| corrupt("kind"))?,
            standing: status.as_of(row.expires_on, today),
            status,
            starts_on: row.starts_on,
            expires_on: row.expires_on,
            renews_on: row.renews_on,
            quote_id: row.quote_id,
            quote_number: row.quote_number,
            order_id: row.order_id,
            owner_name: row.owner_name,
            notes: row.notes,
            file_name: row.file_name,
            content_type: row.content_type,
            file_size: row.file_size,
            created_at: row.created_at,
            updated_at: row.updated_at,
            version: row.version,
        })
    }

    fn audited(&self) -> serde_json::Value {
        serde_json::json!({
            "number": self.number, "kind": self.kind.as_str(), "status": self.status.as_str(),
            "starts_on": self.starts_on, "expires_on": self.expires_on, "renews_on": self.renews_on,
            "quote": self.quote_number, "notes": self.notes, "file": self.file_name, "bytes": self.file_size,
        })
    }
}

/// A contract's file, to download.
#[derive(Clone, Debug)]
pub struct ContractDocument {
    pub file_name: String,
    pub content_type: String,
    pub content: Vec<u8>,
}

/// Which contracts a list shows: those whose number or party's name holds
/// `text`, those active expiring within `within_days` days (30, 60, 90…).
#[derive(Clone, Debug, Default)]
pub struct ContractQuery {
    pub text: String,
    pub within_days: Option<u32>,
}

impl Contracts<'_> {
    /// The party's contracts, the latest started first.
    pub async fn contracts_of(&self, actor: &Actor, party: PartyId) -> Result<Vec<ContractView>, AppError> {
        let party = self.access().guard_party(actor, party, None).await?;
        let today = self.today(actor);
        repo::of_party(&self.db, actor.org_id, party.id())
            .await?
            .into_iter()
            .map(|row| ContractView::of(row, today))
            .collect()
    }

    /// One contract of a party the actor may see.
    pub async fn contract(&self, actor: &Actor, id: ContractId) -> Result<ContractView, AppError> {
        let row = repo::get(&self.db, actor.org_id, id).await?.ok_or(AppError::NotFound)?;
        self.access().guard_party(actor, PartyId(row.party_id), None).await?;
        ContractView::of(row, self.today(actor))
    }

    /// Whether the actor may change the contract (its party is his to change).
    pub async fn may_change(&self, actor: &Actor, contract: &ContractView) -> Result<bool, AppError> {
        self.access().may_change_party(actor, PartyId(contract.party_id), Permission::PartiesEdit).await
    }

    /// The contract's file as it was attached.
    pub async fn document(&self, actor: &Actor, id: ContractId) -> Result<ContractDocument, AppError> {
        self.contract(actor, id).await?;
        let (file_name, content_type, content) =
            repo::file(&self.db, actor.org_id, id).await?.ok_or(AppError::NotFound)?;
        Ok(ContractDocument { file_name, content_type, content })
    }

    /// The organisation's contracts the actor may see, by number or party,
    /// or expiring soon (soonest first).
    pub async fn find(&self, actor: &Actor, query: &ContractQuery) -> Result<Vec<ContractView>, AppError> {
        actor.require(Permission::PartiesRead)?;
        let today = self.today(actor);
        let until = match query.within_days {
            Some(days) if days == 0 || days > MAX_WITHIN_DAYS => {
                return Err(ValidationErrors::single("within_days", "error-number-invalid").into());
            }
            Some(days) => today.checked_add_days(Days::new(u64::from(days))),
            None => None,
        };
        let text = fold(query.text.trim());
        let text = (!text.is_empty()).then_some(text.as_str());
        let rows = repo::find(&self.db, actor.org_id, text, until, LIST_ROWS).await?;
        let parties: Vec<PartyId> = rows.iter().map(|row| PartyId(row.party_id)).collect();
        let seen: HashSet<PartyId> = db::repo::party::standings(&self.db, &actor.read_scope(), &parties)
            .await?
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        rows.into_iter()
            .filter(|row| seen.contains(&PartyId(row.party_id)))
            .map(|row| ContractView::of(row, today))
            .collect()
    }

    /// Where the contract came from: the party's quote of that number, and
    /// the order it became.
    async fn origin(
        &self,
        actor: &Actor,
        party: PartyId,
        contract: &ValidContract,
    ) -> Result<(Option<Uuid>, Option<Uuid>), AppError> {
        let Some(number) = contract.quote_number else { return Ok((None, None)) };
        let (quote, order) = repo::origin(&self.db, actor.org_id, party, number)
            .await?
            .ok_or_else(|| ValidationErrors::single("quote_number", "error-contract-quote-unknown"))?;
        Ok((Some(quote), order))
    }

    /// Attaches a contract to the party, on his history and in the audit.
    pub async fn attach(
        &self,
        actor: &Actor,
        party: PartyId,
        draft: &ContractDraft,
        file: Result<ContractFile, ValidationErrors>,
    ) -> Result<ContractView, AppError> {
        let reached = self.access().guard_party(actor, party, Some(Permission::PartiesEdit)).await?;
        let (contract, file) = ValidationErrors::both(draft.validate(), file)?;
        let (quote, order) = self.origin(actor, reached.id(), &contract).await?;
        let name = db::repo::party::name(&self.db, actor.org_id, reached.id()).await?.unwrap_or_default();
        let id = ContractId::new();
        let mut change = self.change(actor).await?;
        if repo::number_taken(&mut change.tx, actor.org_id, &contract.number, None).await? {
            return Err(AppError::Taken(ValidationErrors::single("number", "error-contract-number-taken")));
        }
        let search_text = fold(&format!("{} {name}", contract.number));
        let fields = fields(&contract, quote, order, &search_text);
        let stored = StoredFile {
            file_name: &file.file_name,
            content_type: file.content_type,
            content: &file.content,
        };
        let attached = repo::Attached { id, party: reached.id(), by: actor.user_id.0 };
        repo::insert(&mut change.tx, actor.org_id, &attached, &fields, &stored, change.at).await?;
        let event = Event::new(
            EventKind::Contract,
            "timeline-contract-attached",
            contract.number.clone(),
            Some(id.0),
        );
        change.history(reached.id(), event).await?;
        let saved = repo::get_in(&mut change.tx, actor.org_id, id).await?.ok_or(AppError::NotFound)?;
        let view = ContractView::of(saved, self.today(actor))?;
        change.audit_created(AuditEntity::Contract, id, view.audited()).await?;
        change.commit().await?;
        Ok(view)
    }

    /// Changes a contract at the version read; a new file replaces the old.
    pub async fn update_contract(
        &self,
        actor: &Actor,
        id: ContractId,
        version: i64,
        draft: &ContractDraft,
        file: Option<Result<ContractFile, ValidationErrors>>,
    ) -> Result<ContractView, AppError> {
        let row = repo::get(&self.db, actor.org_id, id).await?.ok_or(AppError::NotFound)?;
        let party = PartyId(row.party_id);
        self.access().guard_party(actor, party, Some(Permission::PartiesEdit)).await?;
        let before = ContractView::of(row, self.today(actor))?;
        let (contract, file) = match file {
            Some(file) => ValidationErrors::both(draft.validate(), file)
                .map(|(contract, file)| (contract, Some(file)))?,
            None => (draft.validate()?, None),
        };
        let (quote, order) = self.origin(actor, party, &contract).await?;
        let mut change = self.change(actor).await?;
        if repo::number_taken(&mut change.tx, actor.org_id, &contract.number, Some(id)).await? {
            return Err(AppError::Taken(ValidationErrors::single("number", "error-contract-number-taken")));
        }
        let search_text = fold(&format!("{} {}", contract.number, before.party_name));
        let fields = fields(&contract, quote, order, &search_text);
        let stored = file.as_ref().map(|file| StoredFile {
            file_name: &file.file_name,
            content_type: file.content_type,
            content: &file.content,
        });
        if !repo::update(&mut change.tx, actor.org_id, id, version, &fields, stored.as_ref(), change.at)
            .await?
        {
            return Err(AppError::Conflict { by: String::new(), at: before.updated_at });
        }
        let event =
            Event::new(EventKind::Contract, "timeline-contract-changed", contract.number.clone(), Some(id.0));
        change.history(party, event).await?;
        let saved = repo::get_in(&mut change.tx, actor.org_id, id).await?.ok_or(AppError::NotFound)?;
        let view = ContractView::of(saved, self.today(actor))?;
        change.audit_changed(AuditEntity::Contract, id, before.audited(), view.audited()).await?;
        change.commit().await?;
        Ok(view)
    }
}

fn fields<'a>(
    contract: &'a ValidContract,
    quote: Option<Uuid>,
    order: Option<Uuid>,
    search_text: &'a str,
) -> ContractFields<'a> {
    ContractFields {
        number: &contract.number,
        kind: contract.kind.as_str(),
        status: contract.status.as_str(),
        starts_on: contract.starts_on,
        expires_on: contract.expires_on,
        renews_on: contract.renews_on,
        quote_id: quote,
        order_id: order,
        notes: &contract.notes,
        search_text,
    }
}

/// How far ahead an owner is told of a contract's expiry.
const REMIND_WITHIN_DAYS: u64 = 30;
/// How often he is told again while it is not renewed or ended.
const REMIND_EVERY_DAYS: u64 = 7;

/// Tells each owner, in one e-mail, of his active contracts expiring in
/// the next 30 days — again each week until they are renewed or ended —
/// through the organisation's mail server. An owner is an internal user,
/// not a customer: the e-mail goes straight to the server, not through the
/// customers' outbox and its consents. Without a server nothing is sent
/// (nor marked), so the reminders go once one is set. How many contracts
/// were reminded.
pub(crate) async fn remind_expiring(
    app: &crate::App,
    org: domain::OrgId,
    today: NaiveDate,
) -> Result<usize, AppError> {
    let Some(server) = db::repo::smtp::get(&app.db, org).await? else { return Ok(0) };
    let until = today.checked_add_days(Days::new(REMIND_WITHIN_DAYS)).unwrap_or(today);
    let told_after = today.checked_sub_days(Days::new(REMIND_EVERY_DAYS)).unwrap_or(today);
    let due = repo::due_reminders(&app.db, org, today, until, told_after).await?;
    let mut reminded = 0;
    for owner in due.chunk_by(|a, b| a.owner_email == b.owner_email) {
        let first = &owner[0];
        let lines: Vec<String> = owner
            .iter()
            .map(|c| {
                format!("- {} · {} · vence em {}", c.number, c.party_name, c.expires_on.format("%d/%m/%Y"))
            })
            .collect();
        let subject = format!("Vínculo: {} contrato(s) vencendo nos próximos 30 dias", owner.len());
        let text = format!(
            "Olá, {}.\n\nEstes contratos seus vencem nos próximos 30 dias:\n\n{}\n\nRenove-os ou encerre-os em Contratos.",
            first.owner_name,
            lines.join("\n")
        );
        let envelope = crate::messaging::smtp::Envelope {
            message_id: Uuid::now_v7(),
            to: &first.owner_email,
            subject: &subject,
            text: &text,
            html: None,
            attachments: &[],
        };
        // A server that refuses now fails the task, which the worker tries
        // again later; what was sent stays marked.
        app.mailer.send(org.0, &server, &envelope).await.map_err(|failure| {
            AppError::Internal(format!("contract reminder to {}: {}", first.owner_email, failure.answer))
        })?;
        let ids: Vec<Uuid> = owner.iter().map(|c| c.id).collect();
        let mut tx = app.db.begin().await?;
        repo::mark_reminded(&mut tx, org, &ids, today).await?;
        tx.commit().await?;
        reminded += ids.len();
    }
    Ok(reminded)
}
