//! The registration sheet [ficha cadastral]: creating, reading, saving
//! and archiving a party, with its duplicate checks and portfolio.
use super::{
    DuplicateHint, PartyInput, PartyView, ProfileSections, SavedParty, audit_snapshot, changed_fields,
};
use crate::Parties;
use crate::access::ReachedParty;
use crate::{Actor, AppError};
use db::repo::party as repo;
use db::repo::{registry_settings, user};
use domain::access::{Permission, Portfolio};
use domain::audit::{AuditAction, AuditEntity};
use domain::party::{Channel, PartyDraft, ValidParty};
use domain::timeline::{Event, EventKind};
use domain::{BranchId, PartyId, UserId, ValidationErrors};
use uuid::Uuid;

/// A user as a customer's responsible seller.
#[derive(Clone, Debug)]
pub struct Seller {
    pub id: Uuid,
    pub name: String,
    pub active: bool,
}

impl Parties<'_> {
    pub(crate) async fn validate_party(
        &self,
        actor: &Actor,
        draft: &PartyDraft,
    ) -> Result<ValidParty, AppError> {
        // The seller is looked up with the portfolio he brings: `portfolio_for`.
        let mut valid = draft.validate(actor.country, self.today(actor)).map_err(AppError::Validation)?;
        if let Some(status) = &valid.customer_status {
            let statuses = self.registry().customer_statuses(actor).await?;
            if !statuses.iter().any(|s| &s.code == status) {
                return Err(ValidationErrors::single("customer_status", "error-status-invalid").into());
            }
        }
        valid.tags.sort();
        Ok(valid)
    }

    /// The organisation's users as customers' responsible sellers. The
    /// disabled ones are kept, marked: their customers still name them and
    /// a list may be filtered by them; only an active one can be chosen.
    pub async fn sellers(&self, actor: &Actor) -> Result<Vec<Seller>, AppError> {
        Ok(user::list(&self.db, actor.org_id)
            .await?
            .into_iter()
            .map(|u| Seller { id: u.id, name: u.display_name, active: u.active })
            .collect())
    }

    pub(crate) async fn duplicate_hints(
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
        let mut consents = Vec::new();
        for channel in &input.consents {
            consents.push(Channel::parse(channel).map_err(|m| ValidationErrors::single("consents", m))?);
        }
        let registry = self.registry();
        let (portfolio, custom, hints) = tokio::try_join!(
            self.portfolio_for(actor, party.seller_id),
            registry.validate_custom(actor, &input.draft.custom),
            self.duplicate_hints(actor, &party, None),
        )?;
        party.seller_id = portfolio.owner;
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
        repo::insert(&mut change.tx, actor.org_id, id, &party, portfolio.branch, Some(actor.user_id), at)
            .await?;
        if !custom.is_empty() {
            registry_settings::replace_custom_values(&mut change.tx, actor.org_id, id, &custom).await?;
        }
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
        change.audit_created(AuditEntity::Party, id, audit_snapshot(&view)).await?;
        change.commit().await?;
        // Who may write a portfolio may read it: the view just read is his.
        Ok(SavedParty { party: masked(actor, view), possible_duplicates: hints })
    }

    /// The party as the transaction sees it, whole (phones, e-mails,
    /// address, tags, custom values): an audit entry's before and after
    /// are both read this way.
    pub(crate) async fn party_in_tx(
        &self,
        tx: &mut db::Tx,
        actor: &Actor,
        id: PartyId,
    ) -> Result<PartyView, AppError> {
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
        let custom = self.registry().validate_custom(actor, &draft.custom).await?;
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
        change.audit_changed(AuditEntity::Party, id, old, new).await?;
        change.commit().await?;
        Ok(SavedParty { party: self.party_view(actor, id).await?, possible_duplicates: hints })
    }

    /// The name of a party the actor may see, to head a form about him (a
    /// contract to attach, a sales contact to open). Not an opening of his
    /// record: nothing is written to the access audit.
    pub async fn party_name(&self, actor: &Actor, party: PartyId) -> Result<String, AppError> {
        let reached = self.access().guard_party(actor, party, None).await?;
        Ok(repo::name(&self.db, actor.org_id, reached.id()).await?.unwrap_or_default())
    }

    /// Opens a party's record: the read is written to the access audit
    /// (who, when, which party; never the data itself).
    #[tracing::instrument(skip_all)]
    pub async fn get_party(&self, actor: &Actor, id: PartyId) -> Result<PartyView, AppError> {
        Ok(self.profile(actor, id, ProfileSections::default()).await?.party)
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
        let view = self.party_view_unmasked(actor, id).await?;
        Ok(masked(actor, view))
    }

    pub(crate) async fn party_view_unmasked(
        &self,
        actor: &Actor,
        id: PartyId,
    ) -> Result<PartyView, AppError> {
        actor.require(Permission::PartiesRead)?;
        let row = repo::get_row(&self.db, &actor.read_scope(), id).await?.ok_or(AppError::NotFound)?;
        ReachedParty::of_row(&row)?;
        self.view_of_row(actor, row).await
    }

    /// The whole party from its own row, already found within the actor's
    /// reach: its phones, e-mails, addresses, tags and custom fields read
    /// side by side.
    pub(crate) async fn view_of_row(
        &self,
        actor: &Actor,
        row: repo::PartyRow,
    ) -> Result<PartyView, AppError> {
        let id = PartyId(row.id);
        let registry = self.registry();
        let (record, custom) = tokio::try_join!(
            async { Ok::<_, AppError>(repo::with_children(&self.db, row).await?) },
            registry.custom_values(actor, id),
        )?;
        let mut view = PartyView::from(record);
        view.custom = custom;
        Ok(view)
    }

    /// The refusal of a repeated document: it names the existing party only
    /// to a user who may open it.
    pub(crate) async fn duplicate_refusal(
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
    pub(crate) async fn portfolio_for(
        &self,
        actor: &Actor,
        owner: Option<UserId>,
    ) -> Result<Portfolio, AppError> {
        let portfolio = match owner {
            Some(owner) => {
                let Some(seller) = user::get(&self.db, actor.org_id, owner).await? else {
                    return Err(ValidationErrors::single("seller_id", "error-seller-invalid").into());
                };
                Portfolio { owner: Some(owner), branch: seller.branch_id.map(BranchId) }
            }
            None => actor.default_portfolio(),
        };
        if !actor.may_write(portfolio) {
            return Err(ValidationErrors::single("seller_id", "error-seller-out-of-reach").into());
        }
        Ok(portfolio)
    }

    /// Soft-deletes a party [arquivar]; it leaves lists and search.
    pub async fn archive_party(
        &self,
        actor: &Actor,
        id: PartyId,
        expected_version: i64,
        archived: bool,
    ) -> Result<PartyView, AppError> {
        self.access().guard_party(actor, id, Some(Permission::PartiesDelete)).await?;
        let mut change = self.change(actor).await?;
        let at = self.now();
        let archived_at = repo::RowChange::Archived(archived.then_some(at));
        if !repo::change_row(
            &mut change.tx,
            actor.org_id,
            id,
            expected_version,
            archived_at,
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

/// Financial fields only for those with that right.
pub(crate) fn masked(actor: &Actor, mut view: PartyView) -> PartyView {
    if !actor.can(Permission::FinancialFields) {
        view.revolving_credit_limit = None;
        view.credit_complement = None;
    }
    view
}
