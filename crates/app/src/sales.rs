//! Vendas: recording what a party bought (by hand at a store, or sent by
//! the ERP in batches keyed by its own ids), cancelling a sale, and the
//! purchase and credit figures every screen reads. Each movement updates
//! the party's summary in its own transaction.
use crate::access::ReachedParty;
use crate::change::Change;
use crate::{Actor, AppError, Sales};
use chrono::{DateTime, NaiveDate, Utc};
use db::repo::catalogue as catalogue_repo;
use db::repo::loyalty::NewEntry;
use db::repo::sale::{self as repo, InstallmentRow, ItemRow, NewSale, SaleRow};
use domain::access::Permission;
use domain::audit::{AuditAction, AuditEntity};
use domain::loyalty::{BonusRule, CouponTerms, PointsKind, PointsRate, Program};
use domain::sale::{
    CatalogueProduct, PaymentForm, PurchaseDelta, RenegotiationDraft, SaleContext, SaleDraft, ValidSale,
};
use domain::timeline::{Event, EventKind};
use domain::{Money, PartyId, ProductId, SaleId, StoreId, UserId, ValidationErrors};
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

#[derive(Clone, Debug, Serialize)]
pub struct SaleView {
    pub id: Uuid,
    pub party_id: Uuid,
    pub store_id: Uuid,
    pub store_name: String,
    pub seller_id: Option<Uuid>,
    pub seller_name: Option<String>,
    pub seller_code: String,
    pub sold_at: DateTime<Utc>,
    pub total: Money,
    pub payment: PaymentForm,
    pub fiscal_number: String,
    pub fiscal_key: String,
    pub external_id: Option<String>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub cancel_reason: Option<String>,
    pub recorded_by: String,
    pub version: i64,
    /// The coupon used and what it took off the items' total.
    pub coupon_code: Option<String>,
    pub coupon_discount: Money,
    /// The bonus credit spent on it.
    pub bonus_used: Money,
    pub items: Vec<SaleItemView>,
}

#[derive(Clone, Debug, Serialize)]
pub struct SaleItemView {
    /// None for a free line of an invoiced order (a service, freight).
    pub product_id: Option<Uuid>,
    pub product_code: Option<String>,
    pub description: String,
    pub quantity_milli: i64,
    pub unit_price: Money,
    pub discount: Money,
    pub total: Money,
}

impl SaleView {
    fn of(row: SaleRow, items: Vec<SaleItemView>) -> Result<SaleView, AppError> {
        Ok(SaleView {
            id: row.id,
            party_id: row.party_id,
            store_id: row.store_id,
            store_name: row.store_name,
            seller_id: row.seller_id,
            seller_name: row.seller_name,
            seller_code: row.seller_code,
            sold_at: row.sold_at,
            total: Money(row.total),
            payment: PaymentForm::parse(&row.payment).map_err(|e| AppError::Internal(e.into()))?,
            fiscal_number: row.fiscal_number,
            fiscal_key: row.fiscal_key,
            external_id: row.external_id,
            cancelled_at: row.cancelled_at,
            cancel_reason: row.cancel_reason,
            recorded_by: row.created_by_label,
            version: row.version,
            coupon_code: row.coupon_code,
            coupon_discount: Money(row.coupon_discount),
            bonus_used: Money(row.bonus_used),
            items,
        })
    }
}

impl From<ItemRow> for SaleItemView {
    fn from(row: ItemRow) -> Self {
        SaleItemView {
            product_id: row.product_id,
            product_code: row.product_code,
            description: row.description,
            quantity_milli: row.quantity_milli,
            unit_price: Money(row.unit_price),
            discount: Money(row.discount),
            total: Money(row.total),
        }
    }
}

/// A page of a party's sales, newest first.
pub struct SalePage {
    pub sales: Vec<SaleView>,
    /// Where the next page starts: the last sale's time and id.
    pub next: Option<(DateTime<Utc>, Uuid)>,
}

pub const SALES_PER_PAGE: u32 = 20;

/// A party's purchases in figures; the credit figures only for those with
/// the financial right.
#[derive(Clone, Debug, Serialize)]
pub struct PurchaseFigures {
    pub purchase_count: i64,
    pub total_bought: Money,
    pub largest_purchase: Money,
    pub average_ticket: Money,
    pub first_purchase_at: Option<DateTime<Utc>>,
    pub last_purchase_at: Option<DateTime<Utc>>,
    pub last_store: Option<String>,
    /// Bought in the last twelve months.
    pub revenue_12_months: Money,
    pub credit: Option<CreditFigures>,
}

#[derive(Clone, Debug, Serialize)]
pub struct CreditFigures {
    pub open_balance: Money,
    /// Days since the oldest open installment fell due (0 when none is late).
    pub days_overdue: i64,
    /// How late, on average, paid installments were paid (none paid yet: none).
    pub average_delay_days: Option<f64>,
    pub revolving_credit_limit: Option<Money>,
    /// The limit less the open balance, when there is a limit.
    pub available_credit: Option<Money>,
    pub credit_bureau_status: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct InstallmentView {
    pub id: Uuid,
    pub sale_id: Uuid,
    pub party_id: Uuid,
    pub number: i32,
    pub due_on: NaiveDate,
    pub amount: Money,
    pub paid: Money,
    pub paid_on: Option<NaiveDate>,
    pub cancelled: bool,
    /// Closed by a renegotiation that replaced it.
    pub replaced: bool,
    /// The renegotiation that created it.
    pub renegotiation_id: Option<Uuid>,
    /// Open and past its due date today.
    pub overdue: bool,
    pub version: i64,
}

impl InstallmentView {
    fn of(row: InstallmentRow, today: NaiveDate) -> InstallmentView {
        InstallmentView {
            overdue: !row.cancelled && row.paid < row.amount && row.due_on < today,
            id: row.id,
            sale_id: row.sale_id,
            party_id: row.party_id,
            number: row.number,
            due_on: row.due_on,
            amount: Money(row.amount),
            paid: Money(row.paid),
            paid_on: row.paid_on,
            cancelled: row.cancelled,
            replaced: row.replaced,
            renegotiation_id: row.renegotiation_id,
            version: row.version,
        }
    }

    /// Something is left to pay on it.
    pub fn is_open(&self) -> bool {
        !self.cancelled && self.paid < self.amount
    }
}

/// A renegotiation done: what was open, the charge and the new installments.
#[derive(Clone, Debug, Serialize)]
pub struct RenegotiationView {
    pub id: Uuid,
    pub sale_id: Uuid,
    pub party_id: Uuid,
    pub open_before: Money,
    pub charge: Money,
    pub installments: Vec<InstallmentView>,
}

/// A sale with its installments and what is open on them.
#[derive(Clone, Debug)]
pub struct OpenOnSale {
    pub sale: SaleView,
    pub installments: Vec<InstallmentView>,
    pub open: Money,
}

/// One row of a batch from the ERP.
#[derive(Clone, Debug)]
pub struct BulkSale {
    pub external_id: String,
    pub party_id: PartyId,
    pub sale: SaleDraft,
}

/// What became of one row of a batch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BulkOutcome {
    Created(SaleId),
    /// The ERP's id was recorded before: nothing changed.
    Unchanged(SaleId),
    Refused(ValidationErrors),
}

/// The most rows one batch may carry.
pub const MAX_BULK_SALES: usize = 5_000;

impl Sales<'_> {
    /// Records a sale made by the actor (the seller) to a party.
    #[tracing::instrument(skip_all)]
    pub async fn record_sale(
        &self,
        actor: &Actor,
        party: PartyId,
        draft: &SaleDraft,
    ) -> Result<SaleView, AppError> {
        let reached = self.access().guard_party(actor, party, Some(Permission::PartiesEdit)).await?;
        let mut change = self.change(actor).await?;
        let lookups = Lookups::load(&mut change, actor, std::iter::once((reached.id(), draft))).await?;
        let sale = lookups.judge(reached.id(), draft, change.at, actor.time_zone)?;
        let bonus_taken = claim(&mut change, actor, reached.id(), &sale).await??;
        let id = SaleId::new();
        let after = serde_json::json!({ "party": party.to_string(), "total": sale.total.0, "payment": sale.payment.as_str() });
        let seller = match sale.seller_code.as_str() {
            "" => Some(actor.user_id),
            code => lookups.sellers.get(code).copied(),
        };
        let new = Judged { id, party: reached.id(), sale, seller, external_id: None, bonus_taken };
        write_sales(&mut change, actor, &lookups, &[new]).await?;
        change.audit_created(AuditEntity::Sale, id, after).await?;
        change.commit().await?;
        self.sale(actor, id).await
    }

    /// Records a batch from the ERP in one transaction: a row whose id was
    /// recorded before changes nothing, a row that does not hold is refused
    /// with its reasons, and the others are recorded. The batch is read and
    /// written set by set (parties, keys, products, then each table and the
    /// summaries in multi-row statements), not sale by sale.
    #[tracing::instrument(skip_all)]
    pub async fn record_bulk(&self, actor: &Actor, rows: &[BulkSale]) -> Result<Vec<BulkOutcome>, AppError> {
        actor.require_change(Permission::PartiesEdit)?;
        if rows.len() > MAX_BULK_SALES {
            return Err(ValidationErrors::single("sales", "error-sales-batch-too-many").into());
        }
        let party_ids: Vec<PartyId> =
            rows.iter().map(|row| row.party_id).collect::<HashSet<_>>().into_iter().collect();
        let reached = self.access().guard_parties(actor, &party_ids, Permission::PartiesEdit).await?;
        // Every row a sale refers to is read below in the same transaction
        // (the stores, products, sellers, coupons and bonus lots by the
        // lookups; the parties by the update of their figures, which fails
        // on one missing), and none is ever deleted.
        let mut change = self.change_of_read_references(actor).await?;
        let keys: Vec<&str> = rows.iter().map(|row| row.external_id.trim()).collect();
        let recorded = repo::by_external_ids(&mut change.tx, actor.org_id, &keys).await?;
        let lookups =
            Lookups::load(&mut change, actor, rows.iter().map(|row| (row.party_id, &row.sale))).await?;
        let mut outcomes = Vec::with_capacity(rows.len());
        let mut seen: HashMap<&str, SaleId> = HashMap::new();
        let mut judged = Vec::with_capacity(rows.len());
        for (row, external_id) in rows.iter().zip(keys) {
            if external_id.is_empty() || external_id.chars().count() > 80 {
                outcomes
                    .push(BulkOutcome::Refused(ValidationErrors::single("external_id", "error-required")));
                continue;
            }
            if let Some(id) = seen.get(external_id).or_else(|| recorded.get(external_id)) {
                outcomes.push(BulkOutcome::Unchanged(*id));
                continue;
            }
            let Some(party) = reached.get(&row.party_id) else {
                outcomes.push(BulkOutcome::Refused(ValidationErrors::single("party_id", "error-not-found")));
                continue;
            };
            let sale = match lookups.judge(party.id(), &row.sale, change.at, actor.time_zone) {
                Ok(sale) => sale,
                Err(errors) => {
                    outcomes.push(BulkOutcome::Refused(errors));
                    continue;
                }
            };
            let bonus_taken = match claim(&mut change, actor, party.id(), &sale).await? {
                Ok(taken) => taken,
                Err(errors) => {
                    outcomes.push(BulkOutcome::Refused(errors));
                    continue;
                }
            };
            let id = SaleId::new();
            seen.insert(external_id, id);
            outcomes.push(BulkOutcome::Created(id));
            let seller = lookups.sellers.get(&sale.seller_code).copied();
            judged.push(Judged {
                id,
                party: party.id(),
                sale,
                seller,
                external_id: Some(external_id),
                bonus_taken,
            });
        }
        if !judged.is_empty() {
            write_sales(&mut change, actor, &lookups, &judged).await?;
            let unchanged = outcomes.iter().filter(|o| matches!(o, BulkOutcome::Unchanged(_))).count();
            let after =
                serde_json::json!({ "created": judged.len(), "unchanged": unchanged, "rows": rows.len() });
            change.audit(AuditAction::Create, AuditEntity::SaleBatch, None, None, Some(after)).await?;
        }
        change.commit().await?;
        Ok(outcomes)
    }

    /// Cancels a sale: kept and marked, its installments closed, the
    /// party's figures recomputed without it.
    #[tracing::instrument(skip_all)]
    pub async fn cancel_sale(
        &self,
        actor: &Actor,
        id: SaleId,
        version: i64,
        reason: &str,
    ) -> Result<SaleView, AppError> {
        let before = repo::get(&self.db, actor.org_id, id).await?.ok_or(AppError::NotFound)?;
        let party = PartyId(before.party_id);
        self.access().guard_party(actor, party, Some(Permission::PartiesEdit)).await?;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(ValidationErrors::single("reason", "error-required").into());
        }
        if before.cancelled_at.is_some() {
            return Err(ValidationErrors::single("reason", "error-sale-cancelled-already").into());
        }
        let mut change = self.change(actor).await?;
        let at = change.at;
        if !repo::cancel(&mut change.tx, actor.org_id, id, version, reason, at).await? {
            drop(change);
            return Err(AppError::Conflict {
                by: String::new(),
                at: before.cancelled_at.unwrap_or(before.sold_at),
            });
        }
        repo::refresh_summary(&mut change.tx, actor.org_id, party).await?;
        if let Some(coupon) = db::repo::loyalty::coupon_of_sale(&mut change.tx, actor.org_id, id.0).await? {
            db::repo::loyalty::release_coupon(&mut change.tx, actor.org_id, coupon).await?;
        }
        self.loyalty().reverse_for_sale(&mut change, actor, party, id.0).await?;
        let undone = db::repo::bonus::undo_sale(&mut change.tx, actor.org_id, id.0).await?;
        for (amount, action) in
            [(undone.given_back, "timeline-bonus-returned"), (-undone.lost, "timeline-bonus-lost")]
        {
            if amount != 0 {
                let detail =
                    format!("{}{} · ", if amount > 0 { "+" } else { "" }, Money(amount).format_plain());
                change.history(party, Event::new(EventKind::Loyalty, action, detail, Some(id.0))).await?;
            }
        }
        let detail = format!("{} · {}", Money(before.total).format_plain(), before.store_name);
        change
            .history(party, Event::new(EventKind::Sale, "timeline-sale-cancelled", detail, Some(id.0)))
            .await?;
        change
            .audit_changed(
                AuditEntity::Sale,
                id,
                serde_json::json!({ "cancelled": false }),
                serde_json::json!({ "cancelled": true, "reason": reason }),
            )
            .await?;
        change.commit().await?;
        self.sale(actor, id).await
    }

    /// A sale, if the actor may open its party.
    pub async fn sale(&self, actor: &Actor, id: SaleId) -> Result<SaleView, AppError> {
        let row = repo::get(&self.db, actor.org_id, id).await?.ok_or(AppError::NotFound)?;
        self.access().guard_party(actor, PartyId(row.party_id), None).await?;
        let items = repo::items_of(&self.db, actor.org_id, &[row.id]).await?;
        SaleView::of(row, items.into_iter().map(Into::into).collect())
    }

    pub async fn sales_of(
        &self,
        actor: &Actor,
        party: PartyId,
        before: Option<(DateTime<Utc>, Uuid)>,
    ) -> Result<SalePage, AppError> {
        let party = self.access().guard_party(actor, party, None).await?;
        self.sales_of_reached(actor, party, before).await
    }

    pub(crate) async fn sales_of_reached(
        &self,
        actor: &Actor,
        party: ReachedParty,
        before: Option<(DateTime<Utc>, Uuid)>,
    ) -> Result<SalePage, AppError> {
        let mut rows = repo::of_party(&self.db, actor.org_id, party.id(), before, SALES_PER_PAGE + 1).await?;
        let next = if rows.len() > SALES_PER_PAGE as usize {
            rows.truncate(SALES_PER_PAGE as usize);
            rows.last().map(|r| (r.sold_at, r.id))
        } else {
            None
        };
        let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
        let mut items: HashMap<Uuid, Vec<SaleItemView>> = HashMap::new();
        for item in repo::items_of(&self.db, actor.org_id, &ids).await? {
            items.entry(item.sale_id).or_default().push(item.into());
        }
        let sales = rows
            .into_iter()
            .map(|row| {
                let own = items.remove(&row.id).unwrap_or_default();
                SaleView::of(row, own)
            })
            .collect::<Result<_, _>>()?;
        Ok(SalePage { sales, next })
    }

    /// The party's purchase figures as kept with every movement.
    pub async fn figures(&self, actor: &Actor, party: PartyId) -> Result<PurchaseFigures, AppError> {
        let party = self.access().guard_party(actor, party, None).await?;
        self.figures_of_reached(actor, party).await
    }

    pub(crate) async fn figures_of_reached(
        &self,
        actor: &Actor,
        party: ReachedParty,
    ) -> Result<PurchaseFigures, AppError> {
        let year_ago = self.now() - chrono::Duration::days(365);
        let row =
            repo::summary(&self.db, actor.org_id, party.id(), year_ago).await?.ok_or(AppError::NotFound)?;
        let today = self.today(actor);
        let credit = actor.can(Permission::FinancialFields).then(|| CreditFigures {
            open_balance: Money(row.open_balance),
            days_overdue: row.oldest_open_due.map_or(0, |due| (today - due).num_days().max(0)),
            average_delay_days: (row.paid_installments > 0)
                .then(|| row.delay_days_total as f64 / row.paid_installments as f64),
            revolving_credit_limit: row.revolving_credit_limit.map(Money),
            available_credit: row.revolving_credit_limit.map(|limit| Money(limit - row.open_balance)),
            credit_bureau_status: row.credit_bureau_status.clone(),
        });
        Ok(PurchaseFigures {
            purchase_count: row.purchase_count,
            total_bought: Money(row.total_bought),
            largest_purchase: Money(row.largest_purchase),
            average_ticket: Money(if row.purchase_count > 0 {
                row.total_bought / row.purchase_count
            } else {
                0
            }),
            first_purchase_at: row.first_purchase_at,
            last_purchase_at: row.last_purchase_at,
            last_store: row.last_store_name,
            revenue_12_months: Money(row.bought_since),
            credit,
        })
    }

    /// The party's installments, for those with the financial right.
    pub async fn installments(
        &self,
        actor: &Actor,
        party: PartyId,
    ) -> Result<Vec<InstallmentView>, AppError> {
        let party = self.access().guard_party(actor, party, None).await?;
        self.installments_of_reached(actor, party).await
    }

    pub(crate) async fn installments_of_reached(
        &self,
        actor: &Actor,
        party: ReachedParty,
    ) -> Result<Vec<InstallmentView>, AppError> {
        actor.require(Permission::FinancialFields)?;
        let today = self.today(actor);
        Ok(repo::installments_of(&self.db, actor.org_id, party.id())
            .await?
            .into_iter()
            .map(|row| InstallmentView::of(row, today))
            .collect())
    }

    /// Records a payment of an installment (partial allowed; empty amount:
    /// all that is open; empty day: today), refused if the installment
    /// changed since `version`. The party's balance, days overdue and
    /// average delay move in the same transaction.
    #[tracing::instrument(skip_all)]
    pub async fn pay_installment(
        &self,
        actor: &Actor,
        id: Uuid,
        version: i64,
        amount: &str,
        paid_on: &str,
    ) -> Result<InstallmentView, AppError> {
        actor.require(Permission::FinancialFields)?;
        let before = repo::installment(&self.db, actor.org_id, id).await?.ok_or(AppError::NotFound)?;
        let party = PartyId(before.party_id);
        self.access().guard_party(actor, party, Some(Permission::PartiesEdit)).await?;
        if before.cancelled || before.paid >= before.amount {
            return Err(ValidationErrors::single("amount", "error-installment-closed").into());
        }
        let today = self.today(actor);
        let (amount, paid_on) =
            domain::sale::check_payment(amount, paid_on, Money(before.amount - before.paid), today)?;
        let closes = before.paid + amount.0 == before.amount;
        let payment = repo::Payment {
            amount: amount.0,
            paid_on,
            closing_delay: closes.then(|| domain::sale::delay_days(before.due_on, paid_on)),
            by: &actor.display_name,
        };
        let mut change = self.change(actor).await?;
        let at = change.at;
        if !repo::pay(&mut change.tx, actor.org_id, id, version, &payment, at).await? {
            drop(change);
            return Err(AppError::Conflict { by: String::new(), at });
        }
        repo::refresh_summary(&mut change.tx, actor.org_id, party).await?;
        let detail = format!("{} · {}", before.number, amount.format_plain());
        change
            .history(
                party,
                Event::new(EventKind::Sale, "timeline-installment-paid", detail, Some(before.sale_id)),
            )
            .await?;
        change
            .audit_changed(
                AuditEntity::Installment,
                id,
                serde_json::json!({ "paid": before.paid }),
                serde_json::json!({ "paid": before.paid + amount.0, "paid_on": paid_on }),
            )
            .await?;
        change.commit().await?;
        let row = repo::installment(&self.db, actor.org_id, id).await?.ok_or(AppError::NotFound)?;
        Ok(InstallmentView::of(row, today))
    }

    /// Renegotiates what is still open on a credit sale [renegociação]:
    /// its open installments close as replaced (kept), and what they left
    /// plus the charge agreed is split into new installments of the sale.
    /// Refused if the sale changed since `version` or payments moved what
    /// is open away from `open` (what the user saw). The party's balance
    /// and days overdue move in the same transaction.
    #[tracing::instrument(skip_all)]
    pub async fn renegotiate(
        &self,
        actor: &Actor,
        id: SaleId,
        version: i64,
        open: Money,
        draft: &RenegotiationDraft,
    ) -> Result<RenegotiationView, AppError> {
        actor.require(Permission::FinancialFields)?;
        let sale = repo::get(&self.db, actor.org_id, id).await?.ok_or(AppError::NotFound)?;
        let party = PartyId(sale.party_id);
        self.access().guard_party(actor, party, Some(Permission::PartiesEdit)).await?;
        if sale.cancelled_at.is_some() {
            return Err(ValidationErrors::single("installments", "error-sale-cancelled-already").into());
        }
        let today = self.today(actor);
        let mut change = self.change(actor).await?;
        let at = change.at;
        let conflict = AppError::Conflict { by: String::new(), at };
        if !repo::claim(&mut change.tx, actor.org_id, id, version).await? {
            return Err(conflict);
        }
        let installments = repo::installments_of_sale_in(&mut change.tx, actor.org_id, id.0).await?;
        let replaced: Vec<&InstallmentRow> =
            installments.iter().filter(|i| !i.cancelled && i.paid < i.amount).collect();
        let open_now = Money(replaced.iter().map(|i| i.amount - i.paid).sum());
        if open_now != open {
            return Err(conflict);
        }
        let deal = draft.validate(open_now, today)?;
        let renegotiation = Uuid::now_v7();
        let replaces: Vec<(Uuid, i64)> = replaced.iter().map(|i| (i.id, i.version)).collect();
        let schedule: Vec<(NaiveDate, i64)> = deal.installments.iter().map(|(d, m)| (*d, m.0)).collect();
        let new = repo::NewRenegotiation {
            id: renegotiation,
            sale_id: id.0,
            party,
            replaces: &replaces,
            open_before: open_now.0,
            charge: deal.charge.0,
            reason: &deal.reason,
            installments: &schedule,
            first_number: installments.iter().map(|i| i.number).max().unwrap_or(0) + 1,
        };
        if !repo::renegotiate(&mut change.tx, actor.org_id, &new, &actor.display_name, at).await? {
            return Err(conflict);
        }
        repo::refresh_summary(&mut change.tx, actor.org_id, party).await?;
        let detail = format!(
            "{} → {} × {}",
            Money(open_now.0 + deal.charge.0).format_plain(),
            schedule.len(),
            deal.installments.last().map(|(_, m)| m.format_plain()).unwrap_or_default()
        );
        change
            .history(
                party,
                Event::new(EventKind::Sale, "timeline-installments-renegotiated", detail, Some(id.0)),
            )
            .await?;
        change
            .audit(
                AuditAction::Update,
                AuditEntity::Sale,
                Some(id.to_string()),
                Some(serde_json::json!({
                    "open": open_now.0,
                    "installments": replaced.iter().map(|i| i.number).collect::<Vec<_>>(),
                })),
                Some(serde_json::json!({
                    "renegotiation": renegotiation,
                    "charge": deal.charge.0,
                    "reason": deal.reason,
                    "installments": schedule.iter().map(|(due, amount)| serde_json::json!({ "due_on": due, "amount": amount })).collect::<Vec<_>>(),
                })),
            )
            .await?;
        change.commit().await?;
        let installments = repo::installments_of(&self.db, actor.org_id, party)
            .await?
            .into_iter()
            .filter(|row| row.renegotiation_id == Some(renegotiation))
            .map(|row| InstallmentView::of(row, today))
            .collect();
        Ok(RenegotiationView {
            id: renegotiation,
            sale_id: id.0,
            party_id: party.0,
            open_before: open_now,
            charge: deal.charge,
            installments,
        })
    }

    /// A sale's installments with what is open on it, to renegotiate.
    pub async fn open_on_sale(&self, actor: &Actor, id: SaleId) -> Result<OpenOnSale, AppError> {
        actor.require(Permission::FinancialFields)?;
        let sale = self.sale(actor, id).await?;
        let today = self.today(actor);
        let installments: Vec<InstallmentView> = repo::installments_of_sale(&self.db, actor.org_id, id.0)
            .await?
            .into_iter()
            .map(|row| InstallmentView::of(row, today))
            .collect();
        let open = Money(installments.iter().filter(|i| i.is_open()).map(|i| i.amount.0 - i.paid.0).sum());
        Ok(OpenOnSale { sale, installments, open })
    }

    /// The party an installment is of, if the actor may open it.
    pub async fn installment_party(&self, actor: &Actor, id: Uuid) -> Result<Uuid, AppError> {
        let row = repo::installment(&self.db, actor.org_id, id).await?.ok_or(AppError::NotFound)?;
        self.access().guard_party(actor, PartyId(row.party_id), None).await?;
        Ok(row.party_id)
    }

    /// The summary recomputed from the whole history, to check the one kept.
    pub async fn recomputed_summary(
        &self,
        actor: &Actor,
        party: PartyId,
    ) -> Result<domain::sale::PurchaseSummary, AppError> {
        self.access().guard_party(actor, party, None).await?;
        let sales: Vec<domain::sale::SaleFigures> = repo::figures_of(&self.db, actor.org_id, party)
            .await?
            .into_iter()
            .map(|(id, sold_at, total, store, cancelled)| domain::sale::SaleFigures {
                id: SaleId(id),
                sold_at,
                total: Money(total),
                store_id: StoreId(store),
                cancelled,
            })
            .collect();
        let installments: Vec<domain::sale::InstallmentFigures> =
            repo::installments_of(&self.db, actor.org_id, party)
                .await?
                .into_iter()
                .map(|row| domain::sale::InstallmentFigures {
                    due_on: row.due_on,
                    amount: Money(row.amount),
                    paid: Money(row.paid),
                    cancelled: row.cancelled,
                })
                .collect();
        let points: Vec<i64> = db::repo::loyalty::entries_of(&self.db, actor.org_id, party, u32::MAX)
            .await?
            .into_iter()
            .map(|entry| entry.points)
            .collect();
        Ok(domain::sale::PurchaseSummary::of(&sales, &installments, &points))
    }

    /// The summary as kept on the party.
    pub async fn kept_summary(
        &self,
        actor: &Actor,
        party: PartyId,
    ) -> Result<domain::sale::PurchaseSummary, AppError> {
        self.access().guard_party(actor, party, None).await?;
        // Only the figures kept are wanted: nothing was bought since now.
        let row =
            repo::summary(&self.db, actor.org_id, party, self.now()).await?.ok_or(AppError::NotFound)?;
        Ok(domain::sale::PurchaseSummary {
            purchase_count: row.purchase_count,
            total_bought: Money(row.total_bought),
            largest_purchase: Money(row.largest_purchase),
            first_purchase_at: row.first_purchase_at,
            last_purchase_at: row.last_purchase_at,
            last_store_id: row.last_store_id.map(StoreId),
            open_balance: Money(row.open_balance),
            oldest_open_due: row.oldest_open_due,
            points_balance: row.points_balance,
        })
    }
}

/// Records, in the caller's change, the sale an order became when
/// invoiced: it earns points and bonus and moves the party's figures
/// like any sale. `codes` are the catalogue codes its items name.
pub(crate) async fn record_invoiced(
    change: &mut Change<'_>,
    actor: &Actor,
    party: PartyId,
    id: SaleId,
    sale: ValidSale,
    seller: Option<UserId>,
    codes: &[String],
) -> Result<(), AppError> {
    let mut lookups = Lookups::load(change, actor, std::iter::empty()).await?;
    lookups.groups = catalogue_repo::products_by_code(&mut change.tx, actor.org_id, codes)
        .await?
        .into_iter()
        .map(|product| (ProductId(product.id), product.group_id))
        .collect();
    let after = serde_json::json!({ "party": party.to_string(), "total": sale.total.0, "payment": sale.payment.as_str() });
    let judged = Judged { id, party, sale, seller, external_id: None, bonus_taken: Vec::new() };
    write_sales(change, actor, &lookups, &[judged]).await?;
    change.audit_created(AuditEntity::Sale, id, after).await?;
    Ok(())
}

/// What a set of drafts names — stores, products, coupons — and the
/// points program, read once in the transaction that records them, so
/// judging each draft is a lookup.
struct Lookups {
    /// Every store code, an inactive store's mapped to none.
    stores: HashMap<String, Option<StoreId>>,
    products: HashMap<String, Option<CatalogueProduct>>,
    coupons: HashMap<String, Option<CouponTerms>>,
    program: Option<Program>,
    /// The program's rates at stores and for product groups.
    rates: Vec<PointsRate>,
    /// The group each product named is filed under.
    groups: HashMap<ProductId, Option<Uuid>>,
    /// The bonus credit left to the parties whose sales spend some, lot by
    /// lot: the last valid day and what is left.
    bonus_left: HashMap<PartyId, Vec<(Option<NaiveDate>, i64)>>,
    bonus_rule: Option<BonusRule>,
    /// The ERP's seller codes and the users they map to.
    sellers: HashMap<String, UserId>,
}

impl Lookups {
    async fn load<'d>(
        change: &mut Change<'_>,
        actor: &Actor,
        drafts: impl Iterator<Item = (PartyId, &'d SaleDraft)>,
    ) -> Result<Lookups, AppError> {
        let stores = catalogue_repo::stores_in(&mut change.tx, actor.org_id)
            .await?
            .into_iter()
            .map(|s| (s.code, s.active.then_some(StoreId(s.id))))
            .collect();
        let (mut codes, mut coupon_codes) = (HashSet::new(), HashSet::new());
        let mut spenders = HashSet::new();
        for (party, draft) in drafts {
            if !draft.bonus.trim().is_empty() {
                spenders.insert(party);
            }
            codes.extend(draft.items.iter().map(|i| i.product.trim().to_string()).filter(|c| !c.is_empty()));
            if !draft.coupon.trim().is_empty() {
                coupon_codes.insert(draft.coupon.trim().to_uppercase());
            }
        }
        let wanted: Vec<String> = codes.into_iter().collect();
        let found = catalogue_repo::products_by_code(&mut change.tx, actor.org_id, &wanted).await?;
        let mut products: HashMap<String, Option<CatalogueProduct>> =
            wanted.into_iter().map(|code| (code, None)).collect();
        let mut groups = HashMap::with_capacity(found.len());
        for p in found {
            groups.insert(ProductId(p.id), p.group_id);
            let product = CatalogueProduct {
                id: ProductId(p.id),
                name: p.name,
                price: Money(p.price),
                active: p.active,
            };
            products.insert(p.code, Some(product));
        }
        let mut coupons = HashMap::new();
        for code in coupon_codes {
            let terms = crate::Loyalty::coupon_terms(change, actor.org_id, &code).await?;
            coupons.insert(code, terms);
        }
        let program = crate::Loyalty::program_in(change, actor.org_id).await?;
        let rates = match program {
            Some(_) => crate::Loyalty::rates_in(change, actor.org_id).await?,
            None => Vec::new(),
        };
        let sellers = catalogue_repo::seller_codes_in(&mut change.tx, actor.org_id)
            .await?
            .into_iter()
            .map(|(code, user)| (code, UserId(user)))
            .collect();
        let spenders: Vec<PartyId> = spenders.into_iter().collect();
        let bonus_left = db::repo::bonus::left_in(&mut change.tx, actor.org_id, &spenders).await?;
        let bonus_rule = db::repo::bonus::rule_in(&mut change.tx, actor.org_id).await?.map(|row| row.rule());
        Ok(Lookups { stores, products, coupons, program, rates, groups, bonus_left, bonus_rule, sellers })
    }

    /// The points a sale earns, each item at the rate of its store and group.
    fn points(&self, program: &Program, sale: &ValidSale) -> i64 {
        let items: Vec<(Option<Uuid>, Money)> = sale
            .items
            .iter()
            .map(|item| (item.product_id.and_then(|id| self.groups.get(&id).copied().flatten()), item.total))
            .collect();
        program.points_for_items(&self.rates, sale.store_id, &items, sale.total)
    }

    /// The draft judged against what was read: the sale, or why it does
    /// not hold (an inactive store takes no sale).
    fn judge(
        &self,
        party: PartyId,
        draft: &SaleDraft,
        now: DateTime<Utc>,
        zone: chrono_tz::Tz,
    ) -> Result<ValidSale, ValidationErrors> {
        let store = |code: &str| self.stores.get(code).copied().flatten();
        let product = |code: &str| self.products.get(code).cloned().flatten();
        let coupon_off =
            |code: &str, gross: Money, day: NaiveDate| match self.coupons.get(&code.trim().to_uppercase()) {
                Some(Some(terms)) => terms.discount(party, day, gross).map(|off| (terms.id, off)),
                _ => Err("error-coupon-unknown"),
            };
        let lots = self.bonus_left.get(&party).map(Vec::as_slice).unwrap_or_default();
        let bonus = |day: NaiveDate| {
            Money(lots.iter().filter(|(until, _)| until.is_none_or(|u| u >= day)).map(|(_, left)| left).sum())
        };
        let context =
            SaleContext { store: &store, product: &product, coupon: &coupon_off, bonus: &bonus, now, zone };
        draft.validate(&context).map_err(|mut errors| {
            if self.stores.get(draft.store.trim()).is_some_and(Option::is_none) {
                errors.0.retain(|e| e.field != "store");
                errors
                    .0
                    .insert(0, domain::FieldError { field: "store".into(), message: "error-store-inactive" });
            }
            errors
        })
    }
}

/// Takes a use of the sale's coupon; false when another sale took the
/// single-use coupon meanwhile (or earlier in the same batch).
/// Claims what a judged sale spends that others may be spending too: a
/// single-use coupon's one use and the party's bonus credit, the lots it
/// comes from. A refusal leaves both as they were.
async fn claim(
    change: &mut Change<'_>,
    actor: &Actor,
    party: PartyId,
    sale: &ValidSale,
) -> Result<Result<Vec<(Uuid, i64)>, ValidationErrors>, AppError> {
    let org = actor.org_id;
    if let Some((coupon, _)) = sale.coupon
        && !db::repo::loyalty::use_coupon(&mut change.tx, org, coupon).await?
    {
        return Ok(Err(ValidationErrors::single("coupon", "error-coupon-used")));
    }
    if sale.bonus.0 == 0 {
        return Ok(Ok(Vec::new()));
    }
    let day = sale.sold_at.with_timezone(&actor.time_zone).date_naive();
    match db::repo::bonus::take(&mut change.tx, org, party, sale.bonus.0, day).await? {
        Some(taken) => Ok(Ok(taken)),
        None => {
            if let Some((coupon, _)) = sale.coupon {
                db::repo::loyalty::release_coupon(&mut change.tx, org, coupon).await?;
            }
            Ok(Err(ValidationErrors::single("bonus", "error-bonus-above-available")))
        }
    }
}

/// A sale judged and ready to write.
struct Judged<'a> {
    id: SaleId,
    party: PartyId,
    sale: ValidSale,
    seller: Option<UserId>,
    external_id: Option<&'a str>,
    /// The bonus lots it spends from, and how much of each.
    bonus_taken: Vec<(Uuid, i64)>,
}

/// Writes the sales with their items and installments, the points they
/// earn, each party's figures and the history, in a few multi-row
/// statements whatever the number of sales.
async fn write_sales(
    change: &mut Change<'_>,
    actor: &Actor,
    lookups: &Lookups,
    sales: &[Judged<'_>],
) -> Result<(), AppError> {
    let at = change.at;
    let new: Vec<NewSale<'_>> = sales
        .iter()
        .map(|j| NewSale {
            id: j.id,
            party: j.party,
            sale: &j.sale,
            seller_id: j.seller,
            external_id: j.external_id,
        })
        .collect();
    repo::insert_many(&mut change.tx, actor.org_id, &new, &actor.display_name, at).await?;
    let program = lookups.program.as_ref();
    let mut lots = Vec::new();
    let mut deltas: Vec<(PartyId, PurchaseDelta)> = Vec::new();
    let mut delta_of: HashMap<PartyId, usize> = HashMap::new();
    let mut events = Vec::with_capacity(sales.len() * 2);
    for judged in sales {
        let sale = &judged.sale;
        let points = program.map_or(0, |p| lookups.points(p, sale));
        let slot = *delta_of.entry(judged.party).or_insert_with(|| {
            deltas.push((judged.party, PurchaseDelta::default()));
            deltas.len() - 1
        });
        deltas[slot].1.add(sale, points);
        let detail = format!(
            "{} · {}",
            sale.total.format_plain(),
            sale.items.iter().map(|i| i.description.as_str()).collect::<Vec<_>>().join(", ")
        );
        events.push((
            judged.party,
            Event::new(EventKind::Sale, "timeline-sale-recorded", detail, Some(judged.id.0)),
        ));
        if let (Some(program), true) = (program, points > 0) {
            let sold_on = sale.sold_at.with_timezone(&actor.time_zone).date_naive();
            lots.push(NewEntry {
                party: judged.party,
                kind: PointsKind::Earned.as_str(),
                points,
                remaining: points,
                expires_on: program.expires_on(sold_on),
                sale_id: Some(judged.id.0),
                reason: "",
                by: &actor.display_name,
            });
            let detail = format!("{points:+} · ");
            events.push((
                judged.party,
                Event::new(EventKind::Loyalty, "timeline-points-earned", detail, Some(judged.id.0)),
            ));
        }
    }
    db::repo::loyalty::insert_entries(&mut change.tx, actor.org_id, &lots, at).await?;
    let uses: Vec<(Uuid, Uuid, i64)> = sales
        .iter()
        .flat_map(|j| j.bonus_taken.iter().map(move |(lot, amount)| (*lot, j.id.0, *amount)))
        .collect();
    db::repo::bonus::record_uses(&mut change.tx, actor.org_id, &uses, at).await?;
    let earned: Vec<db::repo::bonus::NewBonus<'_>> = match lookups.bonus_rule {
        Some(rule) => sales
            .iter()
            .filter_map(|j| {
                let sold_on = j.sale.sold_at.with_timezone(&actor.time_zone).date_naive();
                rule.earned(j.sale.total, sold_on).map(|(amount, until)| db::repo::bonus::NewBonus {
                    party: j.party,
                    amount: amount.0,
                    valid_until: Some(until),
                    earned_on_sale: Some(j.id.0),
                    reason: "",
                })
            })
            .collect(),
        None => Vec::new(),
    };
    db::repo::bonus::grant_many(&mut change.tx, actor.org_id, &earned, &actor.display_name, at).await?;
    for lot in &earned {
        let detail = format!("+{} · ", Money(lot.amount).format_plain());
        events.push((
            lot.party,
            Event::new(EventKind::Loyalty, "timeline-bonus-earned", detail, lot.earned_on_sale),
        ));
    }
    for judged in sales.iter().filter(|j| j.sale.bonus.0 > 0) {
        let detail = format!("-{} · ", judged.sale.bonus.format_plain());
        events.push((
            judged.party,
            Event::new(EventKind::Loyalty, "timeline-bonus-spent", detail, Some(judged.id.0)),
        ));
    }
    repo::add_to_summaries(&mut change.tx, actor.org_id, &deltas).await?;
    let events: Vec<(PartyId, &Event)> = events.iter().map(|(party, event)| (*party, event)).collect();
    change.histories(&events).await?;
    Ok(())
}
