//! Vendas: recording what a party bought (by hand at a store, or sent by
//! the ERP in batches keyed by its own ids), cancelling a sale, and the
//! purchase and credit figures every screen reads. Each movement updates
//! the party's summary in its own transaction.
use crate::access::ReachedParty;
use crate::change::Change;
use crate::{Actor, App, AppError, Sales};
use chrono::{DateTime, NaiveDate, Utc};
use db::repo::catalogue as catalogue_repo;
use db::repo::sale::{self as repo, InstallmentRow, ItemRow, SaleOrigin, SaleRow};
use domain::access::Permission;
use domain::audit::{AuditAction, AuditEntity};
use domain::sale::{CatalogueProduct, PaymentForm, SaleContext, SaleDraft, ValidSale};
use domain::timeline::{Event, EventKind};
use domain::{Money, PartyId, ProductId, SaleId, StoreId, UserId, ValidationErrors};
use serde::Serialize;
use std::collections::HashMap;
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
    pub items: Vec<SaleItemView>,
}

#[derive(Clone, Debug, Serialize)]
pub struct SaleItemView {
    pub product_id: Uuid,
    pub product_code: String,
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
            version: row.version,
        }
    }
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
        let stores = store_codes(&mut change, actor).await?;
        let mut products = HashMap::new();
        let sale = judge(&mut change, actor, party, draft, &stores, &mut products).await??;
        let seller = draft.seller_code.trim().is_empty().then_some(actor.user_id);
        let id = write_sale(self, &mut change, actor, reached.id(), &sale, seller, None).await?;
        let after = serde_json::json!({ "party": party.to_string(), "total": sale.total.0, "payment": sale.payment.as_str() });
        change.audit(AuditAction::Create, AuditEntity::Sale, Some(id.to_string()), None, Some(after)).await?;
        change.commit().await?;
        self.sale(actor, id).await
    }

    /// Records a batch from the ERP in one transaction: a row whose id was
    /// recorded before changes nothing, a row that does not hold is refused
    /// with its reasons, and the others are recorded.
    #[tracing::instrument(skip_all)]
    pub async fn record_bulk(&self, actor: &Actor, rows: &[BulkSale]) -> Result<Vec<BulkOutcome>, AppError> {
        actor.require_change(Permission::PartiesEdit)?;
        if rows.len() > MAX_BULK_SALES {
            return Err(ValidationErrors::single("sales", "error-sales-batch-too-many").into());
        }
        let mut reached: HashMap<PartyId, Result<ReachedParty, ()>> = HashMap::new();
        for row in rows {
            if let std::collections::hash_map::Entry::Vacant(slot) = reached.entry(row.party_id) {
                let guard =
                    self.access().guard_party(actor, row.party_id, Some(Permission::PartiesEdit)).await;
                slot.insert(match guard {
                    Ok(party) => Ok(party),
                    Err(AppError::NotFound | AppError::Forbidden | AppError::Merged { .. }) => Err(()),
                    Err(other) => return Err(other),
                });
            }
        }
        let mut change = self.change(actor).await?;
        let stores = store_codes(&mut change, actor).await?;
        let mut products: HashMap<String, Option<CatalogueProduct>> = HashMap::new();
        let mut outcomes = Vec::with_capacity(rows.len());
        let mut seen: HashMap<&str, SaleId> = HashMap::new();
        let (mut created, mut unchanged) = (0_usize, 0_usize);
        for row in rows {
            let external_id = row.external_id.trim();
            if external_id.is_empty() || external_id.chars().count() > 80 {
                outcomes
                    .push(BulkOutcome::Refused(ValidationErrors::single("external_id", "error-required")));
                continue;
            }
            if let Some(id) = seen.get(external_id) {
                outcomes.push(BulkOutcome::Unchanged(*id));
                continue;
            }
            if let Some(id) = repo::by_external_id(&mut change.tx, actor.org_id, external_id).await? {
                unchanged += 1;
                outcomes.push(BulkOutcome::Unchanged(id));
                continue;
            }
            let Some(Ok(party)) = reached.get(&row.party_id) else {
                outcomes.push(BulkOutcome::Refused(ValidationErrors::single("party_id", "error-not-found")));
                continue;
            };
            match judge(&mut change, actor, party.id(), &row.sale, &stores, &mut products).await? {
                Ok(sale) => {
                    let id = write_sale(self, &mut change, actor, party.id(), &sale, None, Some(external_id))
                        .await?;
                    seen.insert(external_id, id);
                    created += 1;
                    outcomes.push(BulkOutcome::Created(id));
                }
                Err(errors) => outcomes.push(BulkOutcome::Refused(errors)),
            }
        }
        if created > 0 {
            let after = serde_json::json!({ "created": created, "unchanged": unchanged, "rows": rows.len() });
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
        let detail = format!("{} · {}", Money(before.total).format_plain(), before.store_name);
        change
            .history(party, Event::new(EventKind::Sale, "timeline-sale-cancelled", detail, Some(id.0)))
            .await?;
        change
            .audit(
                AuditAction::Update,
                AuditEntity::Sale,
                Some(id.to_string()),
                Some(serde_json::json!({ "cancelled": false })),
                Some(serde_json::json!({ "cancelled": true, "reason": reason })),
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
        let (row, revenue) = tokio::try_join!(
            repo::summary(&self.db, actor.org_id, party.id()),
            repo::total_since(&self.db, actor.org_id, party.id(), year_ago),
        )?;
        let row = row.ok_or(AppError::NotFound)?;
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
            revenue_12_months: Money(revenue),
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
            .audit(
                AuditAction::Update,
                AuditEntity::Installment,
                Some(id.to_string()),
                Some(serde_json::json!({ "paid": before.paid })),
                Some(serde_json::json!({ "paid": before.paid + amount.0, "paid_on": paid_on })),
            )
            .await?;
        change.commit().await?;
        let row = repo::installment(&self.db, actor.org_id, id).await?.ok_or(AppError::NotFound)?;
        Ok(InstallmentView::of(row, today))
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
        Ok(domain::sale::PurchaseSummary::of(&sales))
    }

    /// The summary as kept on the party.
    pub async fn kept_summary(
        &self,
        actor: &Actor,
        party: PartyId,
    ) -> Result<domain::sale::PurchaseSummary, AppError> {
        self.access().guard_party(actor, party, None).await?;
        let row = repo::summary(&self.db, actor.org_id, party).await?.ok_or(AppError::NotFound)?;
        Ok(domain::sale::PurchaseSummary {
            purchase_count: row.purchase_count,
            total_bought: Money(row.total_bought),
            largest_purchase: Money(row.largest_purchase),
            first_purchase_at: row.first_purchase_at,
            last_purchase_at: row.last_purchase_at,
            last_store_id: row.last_store_id.map(StoreId),
        })
    }
}

/// The draft judged against the stores, products and coupon as they are
/// in the transaction: the sale, or why it does not hold (an inactive
/// store takes no sale).
async fn judge(
    change: &mut Change<'_>,
    actor: &Actor,
    party: PartyId,
    draft: &SaleDraft,
    stores: &HashMap<String, Option<StoreId>>,
    products: &mut HashMap<String, Option<CatalogueProduct>>,
) -> Result<Result<ValidSale, ValidationErrors>, AppError> {
    load_products(change, actor, draft, products).await?;
    let coupon = match draft.coupon.trim() {
        "" => None,
        code => crate::Loyalty::coupon_terms(change, actor.org_id, code).await?,
    };
    let store = |code: &str| stores.get(code).copied().flatten();
    let product = |code: &str| products.get(code).cloned().flatten();
    let coupon_off = |_: &str, gross: Money, day: NaiveDate| match &coupon {
        Some(terms) => terms.discount(party, day, gross).map(|off| (terms.id, off)),
        None => Err("error-coupon-unknown"),
    };
    let context = SaleContext {
        store: &store,
        product: &product,
        coupon: &coupon_off,
        now: change.at,
        zone: actor.time_zone,
    };
    Ok(draft.validate(&context).map_err(|mut errors| {
        if stores.get(draft.store.trim()).is_some_and(Option::is_none) {
            errors.0.retain(|e| e.field != "store");
            errors.0.insert(0, domain::FieldError { field: "store".into(), message: "error-store-inactive" });
        }
        errors
    }))
}

/// Every store code, an inactive store's mapped to none.
async fn store_codes(
    change: &mut Change<'_>,
    actor: &Actor,
) -> Result<HashMap<String, Option<StoreId>>, AppError> {
    let rows = catalogue_repo::stores_in(&mut change.tx, actor.org_id).await?;
    Ok(rows.into_iter().map(|s| (s.code, s.active.then_some(StoreId(s.id)))).collect())
}

/// The products the draft names that are not loaded yet.
async fn load_products(
    change: &mut Change<'_>,
    actor: &Actor,
    draft: &SaleDraft,
    products: &mut HashMap<String, Option<CatalogueProduct>>,
) -> Result<(), AppError> {
    let wanted: Vec<String> = draft
        .items
        .iter()
        .map(|i| i.product.trim().to_string())
        .filter(|code| !code.is_empty() && !products.contains_key(code))
        .collect();
    if wanted.is_empty() {
        return Ok(());
    }
    let found = catalogue_repo::products_by_code(&mut change.tx, actor.org_id, &wanted).await?;
    for code in wanted {
        let product = found.iter().find(|p| p.code == code).map(|p| CatalogueProduct {
            id: ProductId(p.id),
            name: p.name.clone(),
            price: Money(p.price),
            active: p.active,
        });
        products.insert(code, product);
    }
    Ok(())
}

/// Writes the sale with its items and installments, the party's figures
/// and its history.
async fn write_sale(
    app: &App,
    change: &mut Change<'_>,
    actor: &Actor,
    party: PartyId,
    sale: &ValidSale,
    seller: Option<UserId>,
    external_id: Option<&str>,
) -> Result<SaleId, AppError> {
    let at = change.at;
    let origin = SaleOrigin { seller_id: seller, external_id, by: &actor.display_name };
    let id = repo::insert(&mut change.tx, actor.org_id, party, sale, &origin, at).await?;
    if let Some((coupon, _)) = sale.coupon
        && !db::repo::loyalty::use_coupon(&mut change.tx, actor.org_id, coupon).await?
    {
        // Another sale took the single-use coupon meanwhile.
        return Err(ValidationErrors::single("coupon", "error-coupon-used").into());
    }
    repo::refresh_summary(&mut change.tx, actor.org_id, party).await?;
    let sold_on = sale.sold_at.with_timezone(&actor.time_zone).date_naive();
    app.loyalty().earn_for_sale(change, actor, party, id.0, sale.total, sold_on).await?;
    let detail = format!(
        "{} · {}",
        sale.total.format_plain(),
        sale.items.iter().map(|i| i.description.as_str()).collect::<Vec<_>>().join(", ")
    );
    change.history(party, Event::new(EventKind::Sale, "timeline-sale-recorded", detail, Some(id.0))).await?;
    Ok(id)
}
