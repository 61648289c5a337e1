//! Sales contacts [contatos de venda] (seed 002, "Criar Contato de Venda",
//! "Localizar Contato"): a party's, created and changed at the version
//! read, and the follow-up list across customers with the seed's legend.
use crate::parties::COUNT_CAP;
use crate::{Actor, AppError, FollowUp};
use chrono::{DateTime, NaiveDate, Utc};
use db::repo::follow_up::contact::{
    self as repo, ContactFields, ContactRow, FollowUpFilter, FollowUpRow, Tally,
};
use db::repo::follow_up::settings as settings_repo;
use domain::access::Permission;
use domain::audit::AuditEntity;
use domain::follow_up::{
    ContactDraft, ContactOutcome, ContactStatus, FollowUpScope, FollowUpSort, Legend, ValidContact,
};
use domain::timeline::{Event, EventKind};
use domain::work_queue::WorkState;
use domain::{PartyId, SalesContactId, ValidationErrors};
use serde::Deserialize;
use uuid::Uuid;

/// One page of the follow-up list holds this many contacts.
pub const FOLLOW_UP_PAGE_SIZE: u32 = 50;

/// A product of a contact; a surplus one was sold after it opened.
#[derive(Clone, Debug)]
pub struct ContactProduct {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub surplus: bool,
}

/// A reopening asked by someone without the right, waiting for a supervisor.
#[derive(Clone, Debug)]
pub struct ReopenRequest {
    pub by: Uuid,
    pub by_name: String,
    pub reason: String,
    pub at: DateTime<Utc>,
}

#[derive(Clone, Debug)]
pub struct ContactView {
    pub id: Uuid,
    pub party_id: Uuid,
    pub party_name: String,
    pub contacted_on: NaiveDate,
    pub name: String,
    pub attendance_type_id: Uuid,
    pub attendance_type_name: String,
    pub status: ContactStatus,
    pub outcome: Option<ContactOutcome>,
    /// Where it stands on the organisation's today.
    pub legend: Legend,
    pub next_return_on: Option<NaiveDate>,
    pub internal_on: Option<NaiveDate>,
    pub centre_id: Option<Uuid>,
    pub centre_name: Option<String>,
    pub responsible_id: Uuid,
    pub responsible_name: String,
    pub products: Vec<ContactProduct>,
    pub workflow_node: Option<usize>,
    pub closed_at: Option<DateTime<Utc>>,
    pub reopen_request: Option<ReopenRequest>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

impl ContactView {
    pub(crate) fn of(
        row: ContactRow,
        products: Vec<repo::ContactProductRow>,
        today: NaiveDate,
    ) -> Result<ContactView, AppError> {
        let corrupt = |what: &str| AppError::Internal(format!("sales contact {}: {what}", row.id));
        let status = ContactStatus::parse(&row.status).map_err(|_| corrupt("status"))?;
        let outcome = match row.outcome.as_deref() {
            Some(outcome) => Some(ContactOutcome::parse(outcome).map_err(|_| corrupt("outcome"))?),
            None => None,
        };
        let reopen_request = match (row.reopen_requested_by, row.reopen_requested_at) {
            (Some(by), Some(at)) => Some(ReopenRequest {
                by,
                by_name: row.reopen_requester_name.unwrap_or_default(),
                reason: row.reopen_reason.unwrap_or_default(),
                at,
            }),
            _ => None,
        };
        Ok(ContactView {
            legend: Legend::of(status, row.next_return_on, row.internal_on, today),
            id: row.id,
            party_id: row.party_id,
            party_name: row.party_name,
            contacted_on: row.contacted_on,
            name: row.name,
            attendance_type_id: row.attendance_type_id,
            attendance_type_name: row.attendance_type_name,
            status,
            outcome,
            next_return_on: row.next_return_on,
            internal_on: row.internal_on,
            centre_id: row.centre_id,
            centre_name: row.centre_name,
            responsible_id: row.responsible_id,
            responsible_name: row.responsible_name,
            products: products
                .into_iter()
                .map(|p| ContactProduct { id: p.product_id, code: p.code, name: p.name, surplus: p.surplus })
                .collect(),
            workflow_node: row.workflow_node.and_then(|n| usize::try_from(n).ok()),
            closed_at: row.closed_at,
            reopen_request,
            created_at: row.created_at,
            updated_at: row.updated_at,
            version: row.version,
        })
    }

    pub(crate) fn audited(&self) -> serde_json::Value {
        serde_json::json!({
            "contacted_on": self.contacted_on, "name": self.name, "attendance_type": self.attendance_type_name,
            "status": self.status.as_str(), "outcome": self.outcome.map(|o| o.as_str()),
            "next_return_on": self.next_return_on, "internal_on": self.internal_on,
            "centre": self.centre_name, "responsible": self.responsible_name,
            "products": self.products.iter().map(|p| &p.code).collect::<Vec<_>>(),
        })
    }
}

/// What the follow-up list asks for; every field may be left out.
#[derive(Clone, Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct FollowUpQuery {
    /// Whose: `mine` (default), `centre` (the reader's centres) or `team`
    /// (every customer the reader may see).
    pub scope: Option<FollowUpScope>,
    /// `open` (default) or `all` (open and closed).
    pub state: Option<WorkState>,
    /// Only those of one colour of the legend.
    pub legend: Option<Legend>,
    /// `next_return` (default), `contacted_on`, `party` or `responsible`.
    pub sort: Option<FollowUpSort>,
    /// 1 (default) and on.
    #[param(minimum = 1, maximum = 10000)]
    pub page: Option<u32>,
}

impl FollowUpQuery {
    pub fn scope(&self) -> FollowUpScope {
        self.scope.unwrap_or(FollowUpScope::Mine)
    }

    pub fn state(&self) -> WorkState {
        self.state.unwrap_or(WorkState::Open)
    }

    pub fn sort(&self) -> FollowUpSort {
        self.sort.unwrap_or(FollowUpSort::NextReturn)
    }

    pub fn page(&self) -> Result<u32, ValidationErrors> {
        domain::page::page_number(self.page)
    }
}

/// A row of the follow-up list.
#[derive(Clone, Debug)]
pub struct FollowUpLine {
    pub id: Uuid,
    pub party_id: Uuid,
    pub party_name: String,
    pub contacted_on: NaiveDate,
    pub name: String,
    pub attendance_type_name: String,
    pub status: ContactStatus,
    pub legend: Legend,
    pub next_return_on: Option<NaiveDate>,
    pub internal_on: Option<NaiveDate>,
    pub centre_name: Option<String>,
    pub responsible_name: String,
}

impl FollowUpLine {
    fn of(row: FollowUpRow, today: NaiveDate) -> Result<FollowUpLine, AppError> {
        let status = ContactStatus::parse(&row.status)
            .map_err(|_| AppError::Internal(format!("sales contact {}: status", row.id)))?;
        Ok(FollowUpLine {
            legend: Legend::of(status, row.next_return_on, row.internal_on, today),
            id: row.id,
            party_id: row.party_id,
            party_name: row.party_name,
            contacted_on: row.contacted_on,
            name: row.name,
            attendance_type_name: row.attendance_type_name,
            status,
            next_return_on: row.next_return_on,
            internal_on: row.internal_on,
            centre_name: row.centre_name,
            responsible_name: row.responsible_name,
        })
    }
}

/// One page of the list and where the open ones stand.
#[derive(Clone, Debug)]
pub struct FollowUpPage {
    pub lines: Vec<FollowUpLine>,
    pub page: u32,
    pub has_next: bool,
    /// How many the filters select, counted up to [`COUNT_CAP`].
    pub total: i64,
    pub tally: Tally,
    /// The organisation's day the legend was judged on.
    pub today: NaiveDate,
}

impl FollowUp<'_> {
    /// A contact of a party the actor may see.
    pub async fn contact(&self, actor: &Actor, id: SalesContactId) -> Result<ContactView, AppError> {
        self.reached(actor, id, None).await
    }

    /// The contact, for a change to it: its party must be the actor's to change.
    pub(crate) async fn contact_to_change(
        &self,
        actor: &Actor,
        id: SalesContactId,
    ) -> Result<ContactView, AppError> {
        self.reached(actor, id, Some(Permission::PartiesEdit)).await
    }

    async fn reached(
        &self,
        actor: &Actor,
        id: SalesContactId,
        change: Option<Permission>,
    ) -> Result<ContactView, AppError> {
        let row = repo::get(&self.db, actor.org_id, id).await?.ok_or(AppError::NotFound)?;
        self.access().guard_party(actor, PartyId(row.party_id), change).await?;
        let products = repo::products(&self.db, id).await?;
        ContactView::of(row, products, self.today(actor))
    }

    /// Ends a change of the contact: reads it as written, tells the
    /// customer's history (`key`, saying `said` or else the contact's
    /// name), audits it before and after, and commits.
    pub(crate) async fn commit_change(
        &self,
        mut change: crate::change::Change<'_>,
        actor: &Actor,
        before: &ContactView,
        key: &'static str,
        said: Option<String>,
    ) -> Result<ContactView, AppError> {
        let after = self.written(&mut change.tx, actor, SalesContactId(before.id)).await?;
        let said = said.unwrap_or_else(|| after.name.clone());
        let event = Event::new(EventKind::SalesContact, key, said, Some(before.id));
        change.history(PartyId(after.party_id), event).await?;
        change.audit_changed(AuditEntity::SalesContact, before.id, before.audited(), after.audited()).await?;
        change.commit().await?;
        Ok(after)
    }

    /// The appointments booked from the contact, newest first; the
    /// cancelled ones are kept and marked.
    pub async fn contact_appointments(
        &self,
        actor: &Actor,
        id: SalesContactId,
    ) -> Result<Vec<crate::agenda::AppointmentView>, AppError> {
        self.reached(actor, id, None).await?;
        let rows = db::repo::appointment::of_sales_contact(&self.db, actor.org_id, id).await?;
        self.agenda().with_attendees(actor, rows).await
    }

    /// Whether the actor may change the contact (its party is his to change).
    pub async fn may_change(&self, actor: &Actor, contact: &ContactView) -> Result<bool, AppError> {
        self.access().may_change_party(actor, PartyId(contact.party_id), Permission::PartiesEdit).await
    }

    /// The party's contacts: the open ones, or all.
    pub async fn contacts_of(
        &self,
        actor: &Actor,
        party: PartyId,
        open_only: bool,
    ) -> Result<Vec<ContactView>, AppError> {
        let party = self.access().guard_party(actor, party, None).await?;
        let today = self.today(actor);
        let (rows, mut products) = tokio::try_join!(
            repo::of_party(&self.db, actor.org_id, party.id(), open_only),
            repo::products_of_party(&self.db, actor.org_id, party.id()),
        )?;
        rows.into_iter()
            .map(|row| {
                let own = products.remove(&row.id).unwrap_or_default();
                ContactView::of(row, own, today)
            })
            .collect()
    }

    /// The type, centre and responsible user named must be the
    /// organisation's and in use: read before the change's transaction.
    async fn checked_choices(&self, actor: &Actor, contact: &ValidContact) -> Result<Uuid, AppError> {
        let mut errors = ValidationErrors::new();
        let (kind, centres, users) = tokio::try_join!(
            settings_repo::attendance_type(&self.db, actor.org_id, contact.attendance_type),
            settings_repo::centres(&self.db, actor.org_id),
            db::repo::user::list(&self.db, actor.org_id),
        )?;
        if !kind.is_some_and(|k| k.active) {
            errors.add("attendance_type", "error-choice-unknown");
        }
        if contact.centre.is_some_and(|centre| !centres.iter().any(|c| c.id == centre.0 && c.active)) {
            errors.add("centre", "error-choice-unknown");
        }
        let responsible = contact.responsible.unwrap_or(actor.user_id);
        if !users.iter().any(|u| u.id == responsible.0 && u.active) {
            errors.add("responsible", "error-user-unknown");
        }
        errors.into_result()?;
        Ok(responsible.0)
    }

    /// The catalogue's products of the codes named, in the change's
    /// transaction.
    async fn checked_products(
        &self,
        actor: &Actor,
        contact: &ValidContact,
        tx: &mut db::Tx,
    ) -> Result<Vec<Uuid>, AppError> {
        let found = db::repo::catalogue::products_by_code(tx, actor.org_id, &contact.product_codes).await?;
        let mut products = Vec::with_capacity(contact.product_codes.len());
        for code in &contact.product_codes {
            match found.iter().find(|p| &p.code == code && p.active) {
                Some(product) => products.push(product.id),
                None => return Err(ValidationErrors::single("products", "error-product-unknown").into()),
            }
        }
        Ok(products)
    }

    /// Opens a sales contact for the party, on his history and in the audit.
    pub async fn create_contact(
        &self,
        actor: &Actor,
        party: PartyId,
        draft: &ContactDraft,
    ) -> Result<ContactView, AppError> {
        let reached = self.access().guard_party(actor, party, Some(Permission::PartiesEdit)).await?;
        let contact = draft.validate(self.today(actor))?;
        let responsible = self.checked_choices(actor, &contact).await?;
        let id = SalesContactId::new();
        let mut change = self.change(actor).await?;
        let products = self.checked_products(actor, &contact, &mut change.tx).await?;
        let fields = fields(&contact, responsible);
        repo::insert(&mut change.tx, actor.org_id, id, reached.id(), &fields, actor.user_id, change.at)
            .await?;
        for product in &products {
            repo::add_product(&mut change.tx, actor.org_id, id, *product, false, change.at).await?;
        }
        let view = self.written(&mut change.tx, actor, id).await?;
        let event = Event::new(
            EventKind::SalesContact,
            "timeline-sales-contact-opened",
            view.name.clone(),
            Some(id.0),
        );
        change.history(reached.id(), event).await?;
        change.audit_created(AuditEntity::SalesContact, id, view.audited()).await?;
        change.commit().await?;
        Ok(view)
    }

    /// Changes a contact at the version read [editar contato]. Products
    /// left out are taken off unless they are surplus (sold on it).
    pub async fn update_contact(
        &self,
        actor: &Actor,
        id: SalesContactId,
        version: i64,
        draft: &ContactDraft,
    ) -> Result<ContactView, AppError> {
        let before = self.contact_to_change(actor, id).await?;
        let contact = draft.validate(before.contacted_on.min(self.today(actor)))?;
        let responsible = self.checked_choices(actor, &contact).await?;
        let mut change = self.change(actor).await?;
        let products = self.checked_products(actor, &contact, &mut change.tx).await?;
        if !repo::update(&mut change.tx, actor.org_id, id, version, &fields(&contact, responsible), change.at)
            .await?
        {
            return Err(AppError::Conflict { by: String::new(), at: before.updated_at });
        }
        for old in before.products.iter().filter(|p| !p.surplus && !products.contains(&p.id)) {
            repo::remove_product(&mut change.tx, id, old.id).await?;
        }
        for new in products.iter().filter(|p| !before.products.iter().any(|old| old.id == **p)) {
            repo::add_product(&mut change.tx, actor.org_id, id, *new, false, change.at).await?;
        }
        self.commit_change(change, actor, &before, "timeline-sales-contact-changed", None).await
    }

    /// The contact as written in this transaction.
    pub(crate) async fn written(
        &self,
        tx: &mut db::Tx,
        actor: &Actor,
        id: SalesContactId,
    ) -> Result<ContactView, AppError> {
        let row = repo::get_in(tx, actor.org_id, id).await?.ok_or(AppError::NotFound)?;
        let products = repo::products_in(tx, id).await?;
        ContactView::of(row, products, self.today(actor))
    }

    fn filter(&self, actor: &Actor, query: &FollowUpQuery) -> Result<FollowUpFilter, AppError> {
        actor.require(Permission::PartiesRead)?;
        Ok(FollowUpFilter {
            org_id: actor.org_id,
            reach: actor.read_scope().reach,
            scope: query.scope(),
            user: actor.user_id,
            open_only: query.state() == WorkState::Open && query.legend != Some(Legend::Closed),
            legend: query.legend,
            today: self.today(actor),
        })
    }

    /// The daily routine's list: the contacts due soonest first (or in the
    /// order asked), coloured by the legend, with the tally of each colour.
    #[tracing::instrument(skip_all)]
    pub async fn follow_up(&self, actor: &Actor, query: &FollowUpQuery) -> Result<FollowUpPage, AppError> {
        let filter = self.filter(actor, query)?;
        let page = query.page()?;
        let offset = u64::from(page - 1) * u64::from(FOLLOW_UP_PAGE_SIZE);
        let (rows, total, tally) = tokio::try_join!(
            repo::page(&self.db, &filter, query.sort(), offset, u64::from(FOLLOW_UP_PAGE_SIZE) + 1),
            repo::count(&self.db, &filter, COUNT_CAP),
            repo::tally(&self.db, &filter),
        )?;
        let has_next = rows.len() > FOLLOW_UP_PAGE_SIZE as usize;
        let lines = rows
            .into_iter()
            .take(FOLLOW_UP_PAGE_SIZE as usize)
            .map(|row| FollowUpLine::of(row, filter.today))
            .collect::<Result<_, _>>()?;
        Ok(FollowUpPage { lines, page, has_next, total, tally, today: filter.today })
    }

    /// How many of the actor's own contacts are due today or overdue: the
    /// work queue's pointer to the follow-up.
    pub async fn due_for(&self, actor: &Actor) -> Result<i64, AppError> {
        let filter = self.filter(actor, &FollowUpQuery::default())?;
        let tally = repo::tally(&self.db, &filter).await?;
        Ok(tally.today + tally.overdue)
    }

    /// The users a contact may be given to: the organisation's active ones.
    pub async fn responsible_choices(&self, actor: &Actor) -> Result<Vec<(Uuid, String)>, AppError> {
        actor.require(Permission::PartiesRead)?;
        Ok(db::repo::user::list(&self.db, actor.org_id)
            .await?
            .into_iter()
            .filter(|u| u.active)
            .map(|u| (u.id, u.display_name))
            .collect())
    }
}

fn fields(contact: &ValidContact, responsible: Uuid) -> ContactFields<'_> {
    ContactFields {
        contacted_on: contact.contacted_on,
        name: &contact.name,
        attendance_type: contact.attendance_type.0,
        next_return_on: contact.next_return_on,
        internal_on: contact.internal_on,
        centre: contact.centre.map(|c| c.0),
        responsible,
    }
}
