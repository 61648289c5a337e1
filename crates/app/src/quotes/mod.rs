//! Orçamentos (seed 001): quotes to a party, numbered per organisation in
//! the transaction that saves them, edited while drafts, then sent and
//! answered. Each movement is on the party's history and in the audit.
use crate::access::ReachedParty;
use crate::change::Change;
use crate::discounts::Policy;
use crate::{Actor, AppError, Quotes};
use chrono::{DateTime, NaiveDate, Utc};
use db::repo::catalogue as catalogue_repo;
use db::repo::quote as repo;
use domain::access::Permission;
use domain::audit::AuditEntity;
use domain::catalogue::ListKind;
use domain::discount::Excess;
use domain::money::Currency;
use domain::quote::{PaymentTerms, QuoteDraft, QuoteState, QuotedProduct, RevenueEstimate, ValidQuote};
use domain::timeline::{Event, EventKind};
use domain::{Money, PartyId, ProductId, QuoteId, ValidationErrors};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use uuid::Uuid;

mod documents;
pub use documents::QuoteFile;

/// The kind of document whose numbers quotes take.
pub(crate) const NUMBERS: &str = "quote";
/// The most quotes a party's list shows.
const PARTY_QUOTES: u32 = 200;

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct QuoteView {
    pub id: Uuid,
    pub party_id: Uuid,
    pub party_name: String,
    pub number: i64,
    pub state: QuoteState,
    pub issued_on: NaiveDate,
    pub valid_until: NaiveDate,
    pub currency: Currency,
    pub payment_terms: PaymentTerms,
    pub installments: u32,
    pub delivery_terms: String,
    pub notes: String,
    /// Hundredths of a percent.
    pub discount_percent: i64,
    pub subtotal: Money,
    pub discount: Money,
    pub freight: Money,
    pub total: Money,
    pub created_by: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// 1, and one more at each edit; the earlier ones stay readable.
    pub revision: i64,
    pub version: i64,
    pub lines: Vec<QuoteLineView>,
    /// Whether the reader may change it (its party is his to change).
    #[serde(skip)]
    pub changeable: bool,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct QuoteLineView {
    pub product_id: Option<Uuid>,
    pub product_code: Option<String>,
    pub description: String,
    pub unit: String,
    pub quantity_milli: i64,
    pub unit_price: Money,
    pub discount_percent: i64,
    pub total: Money,
}

/// An earlier revision of a quote, as it read before an edit replaced it.
#[derive(Clone, Debug)]
pub struct QuoteRevision {
    pub quote: QuoteView,
    pub replaced_at: DateTime<Utc>,
    pub replaced_by: String,
}

impl QuoteView {
    fn of(row: repo::QuoteRow, lines: Vec<repo::LineRow>) -> Result<QuoteView, AppError> {
        let corrupt = |what: &str| AppError::Internal(format!("quote {}: {what}", row.id));
        Ok(QuoteView {
            id: row.id,
            party_id: row.party_id,
            state: QuoteState::parse(&row.state).map_err(|_| corrupt("state"))?,
            currency: Currency::parse(&row.currency).map_err(|_| corrupt("currency"))?,
            payment_terms: PaymentTerms::parse(&row.payment_terms).map_err(|_| corrupt("payment terms"))?,
            installments: u32::try_from(row.installments).map_err(|_| corrupt("installments"))?,
            party_name: row.party_name,
            number: row.number,
            issued_on: row.issued_on,
            valid_until: row.valid_until,
            delivery_terms: row.delivery_terms,
            notes: row.notes,
            discount_percent: row.discount_percent,
            subtotal: Money(row.subtotal),
            discount: Money(row.discount),
            freight: Money(row.freight),
            total: Money(row.total),
            created_by: row.created_by_name,
            created_at: row.created_at,
            updated_at: row.updated_at,
            revision: row.revision,
            version: row.version,
            changeable: false,
            lines: lines
                .into_iter()
                .map(|line| QuoteLineView {
                    product_id: line.product_id,
                    product_code: line.product_code,
                    description: line.description,
                    unit: line.unit,
                    quantity_milli: line.quantity_milli,
                    unit_price: Money(line.unit_price),
                    discount_percent: line.discount_percent,
                    total: Money(line.total),
                })
                .collect(),
        })
    }
}

/// Expires the organisation's open quotes whose last valid day is before
/// `today` (its local day), each on its party's history. Run by the daily
/// task, so a quote that should have expired while the worker was down
/// expires at its next run.
pub(crate) async fn expire_due(
    app: &crate::App,
    org: domain::OrgId,
    today: NaiveDate,
) -> Result<usize, AppError> {
    let mut change = app.change_by(crate::change::By::OnBehalf(org, crate::change::AUTOMATIC_LABEL)).await?;
    let expired = repo::expire_before(&mut change.tx, org, today, change.at).await?;
    for quote in &expired {
        let currency = Currency::parse(&quote.currency).unwrap_or(Currency::Brl);
        let detail = format!("#{} · {}", quote.number, currency.written(Money(quote.total)));
        let event = Event::new(EventKind::Quote, "timeline-quote-expired", detail, Some(quote.id));
        change.history(PartyId(quote.party_id), event).await?;
    }
    change.commit().await?;
    Ok(expired.len())
}

/// Catalogue products as a quote's lines name them: by code.
pub(crate) fn quoted_by_code(rows: Vec<catalogue_repo::ProductRow>) -> HashMap<String, QuotedProduct> {
    rows.into_iter()
        .map(|row| {
            let product = QuotedProduct {
                id: ProductId(row.id),
                name: row.name,
                unit: row.unit,
                price: Money(row.price),
                active: row.active,
            };
            (row.code, product)
        })
        .collect()
}

/// Notes, for the audit, the lines a quote gives above the customer's
/// maximum with the actor's right.
async fn audit_above_limit(
    change: &mut Change<'_>,
    id: QuoteId,
    number: i64,
    over: &[Excess],
) -> Result<(), AppError> {
    if over.is_empty() {
        return Ok(());
    }
    let after = serde_json::json!({ "quote": id.to_string(), "number": number, "lines": over });
    change.audit_created(AuditEntity::DiscountOverride, id, after).await
}

impl Quotes<'_> {
    /// A new draft for the party, numbered after the organisation's last.
    pub async fn create_quote(
        &self,
        actor: &Actor,
        party: PartyId,
        draft: &QuoteDraft,
    ) -> Result<QuoteView, AppError> {
        self.propose(actor, party, draft, None).await
    }

    /// A quote proposed from one of the party's open sales contacts (seed
    /// 002, "Criar Proposta de Venda vinculada ao contato"): an order made
    /// from it keeps the contact from being reopened.
    pub async fn propose(
        &self,
        actor: &Actor,
        party: PartyId,
        draft: &QuoteDraft,
        sales_contact: Option<domain::SalesContactId>,
    ) -> Result<QuoteView, AppError> {
        let reached = self.access().guard_party(actor, party, Some(Permission::PartiesEdit)).await?;
        if let Some(contact) = sales_contact {
            let on = self.follow_up().contact(actor, contact).await?;
            if on.party_id != reached.id().0 {
                return Err(domain::ValidationErrors::single("sales_contact", "error-choice-unknown").into());
            }
        }
        let policy = self.discounts().policy_for(actor, reached.id()).await?;
        let mut change = self.change(actor).await?;
        let (quote, over) = self.judged(&mut change, actor, policy.as_ref(), draft).await?;
        let number = db::repo::counter::next_number(&mut change.tx, actor.org_id, NUMBERS).await?;
        let id = QuoteId::new();
        let new = repo::NewQuote {
            id,
            party: reached.id(),
            number,
            issued_on: self.today(actor),
            currency: actor.currency.as_str(),
            quote: &quote,
            created_by: actor.user_id,
            sales_contact: sales_contact.map(|c| c.0),
        };
        repo::insert(&mut change.tx, actor.org_id, &new, change.at).await?;
        let detail = format!("#{number} · {}", actor.currency.written(quote.totals.total));
        change
            .history(reached.id(), Event::new(EventKind::Quote, "timeline-quote-created", detail, Some(id.0)))
            .await?;
        let after = serde_json::json!({ "number": number, "total": quote.totals.total.0, "lines": quote.lines.len() });
        change.audit_created(AuditEntity::Quote, id, after).await?;
        audit_above_limit(&mut change, id, number, &over).await?;
        change.commit().await?;
        self.quote(actor, id).await
    }

    /// Saves a draft's new content, if nobody changed it since `version`.
    pub async fn update_quote(
        &self,
        actor: &Actor,
        id: QuoteId,
        version: i64,
        draft: &QuoteDraft,
    ) -> Result<QuoteView, AppError> {
        let before = self.quote(actor, id).await?;
        if !before.changeable {
            return Err(AppError::Forbidden);
        }
        if !before.state.is_editable() {
            return Err(ValidationErrors::single("state", "error-quote-not-draft").into());
        }
        let policy = self.discounts().policy_for(actor, PartyId(before.party_id)).await?;
        let mut change = self.change(actor).await?;
        let (quote, over) = self.judged(&mut change, actor, policy.as_ref(), draft).await?;
        if !repo::replace(&mut change.tx, actor.org_id, id, version, &quote, change.at).await? {
            drop(change);
            return Err(self.conflict(actor, id).await);
        }
        // Saved under the version it was read at: `before` is what the
        // replaced revision said.
        let kept = serde_json::to_string(&before).map_err(|e| AppError::Internal(e.to_string()))?;
        let at = change.at;
        repo::keep_revision(
            &mut change.tx,
            actor.org_id,
            id,
            before.revision,
            &kept,
            &actor.display_name,
            at,
        )
        .await?;
        let old = serde_json::json!({ "total": before.total.0, "lines": before.lines.len(), "valid_until": before.valid_until });
        let new = serde_json::json!({ "total": quote.totals.total.0, "lines": quote.lines.len(), "valid_until": quote.valid_until });
        change.audit_changed(AuditEntity::Quote, id, old, new).await?;
        audit_above_limit(&mut change, id, before.number, &over).await?;
        change.commit().await?;
        self.quote(actor, id).await
    }

    /// Sends, records the customer's answer, or takes a sent quote back to
    /// draft, if nobody changed it since `version`.
    pub async fn move_quote(
        &self,
        actor: &Actor,
        id: QuoteId,
        version: i64,
        to: QuoteState,
    ) -> Result<QuoteView, AppError> {
        let before = self.quote(actor, id).await?;
        let party = PartyId(before.party_id);
        if !before.changeable {
            return Err(AppError::Forbidden);
        }
        if !before.state.may_become(to) {
            return Err(ValidationErrors::single("state", "error-quote-step-invalid").into());
        }
        if matches!(to, QuoteState::Sent | QuoteState::Accepted) && before.valid_until < self.today(actor) {
            return Err(ValidationErrors::single("valid_until", "error-quote-validity-past").into());
        }
        let mut change = self.change(actor).await?;
        let at = change.at;
        if !repo::set_state(&mut change.tx, actor.org_id, id, version, before.state.as_str(), to.as_str(), at)
            .await?
        {
            drop(change);
            return Err(self.conflict(actor, id).await);
        }
        let detail = format!("#{} · {}", before.number, before.currency.written(before.total));
        let action = match to {
            QuoteState::Draft => "timeline-quote-reopened",
            QuoteState::Sent => "timeline-quote-sent",
            QuoteState::Accepted => "timeline-quote-accepted",
            QuoteState::Refused => "timeline-quote-refused",
            QuoteState::Expired => "timeline-quote-expired",
        };
        change.history(party, Event::new(EventKind::Quote, action, detail, Some(id.0))).await?;
        change
            .audit_changed(
                AuditEntity::Quote,
                id,
                serde_json::json!({ "state": before.state.as_str() }),
                serde_json::json!({ "state": to.as_str() }),
            )
            .await?;
        change.commit().await?;
        self.quote(actor, id).await
    }

    /// A quote with its lines, if the actor may open its party.
    pub async fn quote(&self, actor: &Actor, id: QuoteId) -> Result<QuoteView, AppError> {
        let row = repo::get(&self.db, actor.org_id, id).await?.ok_or(AppError::NotFound)?;
        let changeable =
            self.access().may_change_party(actor, PartyId(row.party_id), Permission::PartiesEdit).await?;
        let lines = repo::lines_of(&self.db, actor.org_id, id).await?;
        Ok(QuoteView { changeable, ..QuoteView::of(row, lines)? })
    }

    /// What the quote said before each edit, the latest first: each
    /// revision as it was, who replaced it and when.
    pub async fn revisions(&self, actor: &Actor, id: QuoteId) -> Result<Vec<QuoteRevision>, AppError> {
        let quote = self.quote(actor, id).await?;
        self.revisions_of(actor, &quote).await
    }

    /// The earlier revisions of a quote the actor has opened.
    pub async fn revisions_of(
        &self,
        actor: &Actor,
        quote: &QuoteView,
    ) -> Result<Vec<QuoteRevision>, AppError> {
        let id = quote.id;
        repo::revisions(&self.db, actor.org_id, QuoteId(id))
            .await?
            .into_iter()
            .map(|row| {
                let quote: QuoteView = serde_json::from_str(&row.content)
                    .map_err(|e| AppError::Internal(format!("quote {id} revision {}: {e}", row.revision)))?;
                Ok(QuoteRevision { quote, replaced_at: row.replaced_at, replaced_by: row.replaced_by })
            })
            .collect()
    }

    /// The party's revenue estimate: his sales of the last twelve months
    /// and his open quotes weighted by their state.
    pub async fn revenue_estimate(&self, actor: &Actor, party: PartyId) -> Result<RevenueEstimate, AppError> {
        let reached = self.access().guard_party(actor, party, None).await?;
        let found = self.revenue_estimates(actor, &[reached.id()]).await?;
        Ok(found.get(&reached.id().0).copied().unwrap_or_default())
    }

    /// The revenue estimates of parties the actor has listed (a page of
    /// the customer list), read together.
    pub async fn revenue_estimates(
        &self,
        actor: &Actor,
        parties: &[PartyId],
    ) -> Result<HashMap<Uuid, RevenueEstimate>, AppError> {
        actor.require(Permission::PartiesRead)?;
        let ids: Vec<Uuid> = parties.iter().map(|party| party.0).collect();
        let year_ago = self.now() - chrono::Duration::days(365);
        let inputs = repo::estimate_inputs(&self.db, actor.org_id, &ids, year_ago).await?;
        let open = open_by_party(inputs.open_quotes)?;
        let sold: HashMap<Uuid, i64> = inputs.sales.into_iter().collect();
        Ok(ids
            .iter()
            .map(|id| {
                let bought = Money(sold.get(id).copied().unwrap_or(0));
                (*id, RevenueEstimate::of(bought, open.get(id).map(Vec::as_slice).unwrap_or_default()))
            })
            .collect())
    }

    /// A reached party's quotes still open, each state's total: what his
    /// revenue estimate weighs beside the sales his figures hold (a
    /// customer's page reads the two side by side).
    pub(crate) async fn open_quotes_of_reached(
        &self,
        actor: &Actor,
        party: ReachedParty,
    ) -> Result<Vec<(QuoteState, Money)>, AppError> {
        let id = party.id().0;
        let rows = repo::open_quote_totals(&self.db, actor.org_id, &[id]).await?;
        Ok(open_by_party(rows)?.remove(&id).unwrap_or_default())
    }

    /// A party's quotes, the latest first, without their lines.
    pub async fn quotes_of(&self, actor: &Actor, party: PartyId) -> Result<Vec<QuoteView>, AppError> {
        let reached = self.access().guard_party(actor, party, None).await?;
        repo::of_party(&self.db, actor.org_id, reached.id(), PARTY_QUOTES)
            .await?
            .into_iter()
            .map(|row| QuoteView::of(row, Vec::new()))
            .collect()
    }

    /// The draft judged against the catalogue as it stands in the change,
    /// and against the customer's discount policy: the lines above his
    /// maximum that the actor's right lets through.
    async fn judged(
        &self,
        change: &mut Change<'_>,
        actor: &Actor,
        policy: Option<&Policy>,
        draft: &QuoteDraft,
    ) -> Result<(ValidQuote, Vec<Excess>), AppError> {
        let tx = &mut change.tx;
        let codes: Vec<String> = draft
            .lines
            .iter()
            .map(|line| line.product.trim().to_string())
            .filter(|code| !code.is_empty())
            .collect();
        let rows = catalogue_repo::products_by_code(tx, actor.org_id, &codes).await?;
        let group_of: HashMap<ProductId, Uuid> =
            rows.iter().filter_map(|row| row.group_id.map(|group| (ProductId(row.id), group))).collect();
        let products = quoted_by_code(rows);
        let quote = draft.validate(&|code| products.get(code).cloned(), self.today(actor))?;
        let Some(policy) = policy else { return Ok((quote, Vec::new())) };
        let names: HashMap<Uuid, String> = if group_of.is_empty() {
            HashMap::new()
        } else {
            catalogue_repo::lists_in(tx, actor.org_id, ListKind::Group).await?.into_iter().collect()
        };
        let groups: Vec<Option<String>> = quote
            .lines
            .iter()
            .map(|line| {
                line.product_id.and_then(|id| group_of.get(&id)).and_then(|group| names.get(group)).cloned()
            })
            .collect();
        let over = policy.check(actor, &quote, &groups)?;
        Ok((quote, over))
    }

    async fn conflict(&self, actor: &Actor, id: QuoteId) -> AppError {
        match repo::get(&self.db, actor.org_id, id).await {
            Ok(Some(current)) => AppError::Conflict { by: String::new(), at: current.updated_at },
            Ok(None) => AppError::NotFound,
            Err(error) => error.into(),
        }
    }
}

/// Open quotes' totals by party, as the estimate weighs them.
fn open_by_party(
    rows: Vec<(Uuid, String, i64)>,
) -> Result<HashMap<Uuid, Vec<(QuoteState, Money)>>, AppError> {
    let mut open: HashMap<Uuid, Vec<(QuoteState, Money)>> = HashMap::new();
    for (party, state, total) in rows {
        let state =
            QuoteState::parse(&state).map_err(|_| AppError::Internal(format!("quote state {state}")))?;
        open.entry(party).or_default().push((state, Money(total)));
    }
    Ok(open)
}
