//! Sales, their items and installments, and each party's purchase summary
//! kept beside them.
use crate::{Db, DbError, Tx, on_db, on_tx};
use chrono::{DateTime, NaiveDate, Utc};
use domain::sale::ValidSale;
use domain::{OrgId, PartyId, SaleId, UserId};
use uuid::Uuid;

/// Who recorded a sale and from where: the ERP's key makes a batch sent
/// again the same sale.
pub struct SaleOrigin<'a> {
    pub seller_id: Option<UserId>,
    pub external_id: Option<&'a str>,
    pub by: &'a str,
}

#[tracing::instrument(skip_all)]
pub async fn insert(
    tx: &mut Tx,
    org_id: OrgId,
    party: PartyId,
    sale: &ValidSale,
    origin: &SaleOrigin<'_>,
    now: DateTime<Utc>,
) -> Result<SaleId, DbError> {
    let id = SaleId::new();
    on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO sales (id, org_id, party_id, store_id, seller_id, seller_code, sold_at, total, payment,
             fiscal_number, fiscal_key, external_id, created_at, created_by_label, version, coupon_id, coupon_discount)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 1, $15, $16)",
        )
        .bind(id.0)
        .bind(org_id.0)
        .bind(party.0)
        .bind(sale.store_id.0)
        .bind(origin.seller_id.map(|u| u.0))
        .bind(&sale.seller_code)
        .bind(sale.sold_at)
        .bind(sale.total.0)
        .bind(sale.payment.as_str())
        .bind(&sale.fiscal_number)
        .bind(&sale.fiscal_key)
        .bind(origin.external_id)
        .bind(now)
        .bind(origin.by)
        .bind(sale.coupon.map(|(id, _)| id))
        .bind(sale.coupon.map_or(0, |(_, off)| off.0))
        .execute(&mut *conn)
        .await?;
        for (position, item) in sale.items.iter().enumerate() {
            sqlx::query(
                "INSERT INTO sale_items (id, org_id, sale_id, position, product_id, description, quantity_milli, unit_price, discount, total)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(Uuid::now_v7())
            .bind(org_id.0)
            .bind(id.0)
            .bind(position as i32)
            .bind(item.product_id.0)
            .bind(&item.description)
            .bind(item.quantity_milli)
            .bind(item.unit_price.0)
            .bind(item.discount.0)
            .bind(item.total.0)
            .execute(&mut *conn)
            .await?;
        }
        for (number, (due_on, amount)) in sale.installments.iter().enumerate() {
            sqlx::query(
                "INSERT INTO installments (id, org_id, sale_id, party_id, number, due_on, amount, paid, cancelled, version)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, 0, FALSE, 1)",
            )
            .bind(Uuid::now_v7())
            .bind(org_id.0)
            .bind(id.0)
            .bind(party.0)
            .bind(number as i32 + 1)
            .bind(due_on)
            .bind(amount.0)
            .execute(&mut *conn)
            .await?;
        }
    });
    Ok(id)
}

/// The sale already recorded under the ERP's key, if any.
pub async fn by_external_id(
    tx: &mut Tx,
    org_id: OrgId,
    external_id: &str,
) -> Result<Option<SaleId>, DbError> {
    let found: Option<Uuid> = on_tx!(tx, conn => {
        sqlx::query_scalar("SELECT id FROM sales WHERE org_id = $1 AND external_id = $2")
            .bind(org_id.0)
            .bind(external_id)
            .fetch_optional(&mut *conn)
            .await?
    });
    Ok(found.map(SaleId))
}

/// Marks the sale cancelled and its open installments with it; false when
/// it was cancelled already or changed since `version`.
#[tracing::instrument(skip_all)]
pub async fn cancel(
    tx: &mut Tx,
    org_id: OrgId,
    id: SaleId,
    version: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    Ok(on_tx!(tx, conn => {
        let updated = sqlx::query(
            "UPDATE sales SET cancelled_at = $4, cancel_reason = $5, version = version + 1
             WHERE org_id = $1 AND id = $2 AND version = $3 AND cancelled_at IS NULL",
        )
        .bind(org_id.0)
        .bind(id.0)
        .bind(version)
        .bind(now)
        .bind(reason)
        .execute(&mut *conn)
        .await?
        .rows_affected();
        if updated == 1 {
            sqlx::query("UPDATE installments SET cancelled = TRUE, version = version + 1 WHERE org_id = $1 AND sale_id = $2")
                .bind(org_id.0)
                .bind(id.0)
                .execute(&mut *conn)
                .await?;
        }
        updated == 1
    }))
}

/// Sets the party's purchase figures from its sales and installments, in
/// the transaction that changed them.
#[tracing::instrument(skip_all)]
pub async fn refresh_summary(tx: &mut Tx, org_id: OrgId, party: PartyId) -> Result<(), DbError> {
    on_tx!(tx, conn => {
        sqlx::query(
            "UPDATE parties SET
               purchase_count = (SELECT COUNT(*) FROM sales s WHERE s.org_id = $1 AND s.party_id = $2 AND s.cancelled_at IS NULL),
               total_bought = (SELECT COALESCE(SUM(s.total), 0) FROM sales s WHERE s.org_id = $1 AND s.party_id = $2 AND s.cancelled_at IS NULL),
               largest_purchase = (SELECT COALESCE(MAX(s.total), 0) FROM sales s WHERE s.org_id = $1 AND s.party_id = $2 AND s.cancelled_at IS NULL),
               first_purchase_at = (SELECT MIN(s.sold_at) FROM sales s WHERE s.org_id = $1 AND s.party_id = $2 AND s.cancelled_at IS NULL),
               last_purchase_at = (SELECT MAX(s.sold_at) FROM sales s WHERE s.org_id = $1 AND s.party_id = $2 AND s.cancelled_at IS NULL),
               last_store_id = (SELECT s.store_id FROM sales s WHERE s.org_id = $1 AND s.party_id = $2 AND s.cancelled_at IS NULL
                                ORDER BY s.sold_at DESC, s.id DESC LIMIT 1),
               open_balance = (SELECT COALESCE(SUM(i.amount - i.paid), 0) FROM installments i
                               WHERE i.org_id = $1 AND i.party_id = $2 AND NOT i.cancelled),
               oldest_open_due = (SELECT MIN(i.due_on) FROM installments i
                                  WHERE i.org_id = $1 AND i.party_id = $2 AND NOT i.cancelled AND i.paid < i.amount),
               paid_installments = (SELECT COUNT(*) FROM installments i
                                    WHERE i.org_id = $1 AND i.party_id = $2 AND NOT i.cancelled AND i.delay_days IS NOT NULL),
               delay_days_total = (SELECT COALESCE(SUM(i.delay_days), 0) FROM installments i
                                   WHERE i.org_id = $1 AND i.party_id = $2 AND NOT i.cancelled AND i.delay_days IS NOT NULL)
             WHERE org_id = $1 AND id = $2",
        )
        .bind(org_id.0)
        .bind(party.0)
        .execute(&mut *conn)
        .await?;
    });
    Ok(())
}

/// A party's purchase figures as kept.
#[derive(Clone, Debug, Default, sqlx::FromRow)]
pub struct SummaryRow {
    pub purchase_count: i64,
    pub total_bought: i64,
    pub largest_purchase: i64,
    pub first_purchase_at: Option<DateTime<Utc>>,
    pub last_purchase_at: Option<DateTime<Utc>>,
    pub last_store_id: Option<Uuid>,
    pub last_store_name: Option<String>,
    pub open_balance: i64,
    pub oldest_open_due: Option<NaiveDate>,
    pub paid_installments: i64,
    pub delay_days_total: i64,
    pub revolving_credit_limit: Option<i64>,
    pub credit_bureau_status: Option<String>,
}

pub async fn summary(db: &Db, org_id: OrgId, party: PartyId) -> Result<Option<SummaryRow>, DbError> {
    Ok(on_db!(db, pool => {
        sqlx::query_as(
            "SELECT p.purchase_count, p.total_bought, p.largest_purchase, p.first_purchase_at, p.last_purchase_at,
                    p.last_store_id, st.name AS last_store_name, p.open_balance, p.oldest_open_due,
                    p.paid_installments, p.delay_days_total,
                    p.revolving_credit_limit, p.credit_bureau_status
             FROM parties p LEFT JOIN stores st ON st.id = p.last_store_id WHERE p.org_id = $1 AND p.id = $2",
        )
        .bind(org_id.0)
        .bind(party.0)
        .fetch_optional(pool)
        .await?
    }))
}

/// What a party bought since an instant (cancelled sales left out), for
/// the revenue of a period.
pub async fn total_since(
    db: &Db,
    org_id: OrgId,
    party: PartyId,
    since: DateTime<Utc>,
) -> Result<i64, DbError> {
    Ok(on_db!(db, pool => {
        sqlx::query_scalar(
            "SELECT CAST(COALESCE(SUM(total), 0) AS BIGINT) FROM sales
             WHERE org_id = $1 AND party_id = $2 AND cancelled_at IS NULL AND sold_at >= $3",
        )
        .bind(org_id.0)
        .bind(party.0)
        .bind(since)
        .fetch_one(pool)
        .await?
    }))
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SaleRow {
    pub id: Uuid,
    pub party_id: Uuid,
    pub store_id: Uuid,
    pub store_name: String,
    pub seller_id: Option<Uuid>,
    pub seller_name: Option<String>,
    pub seller_code: String,
    pub sold_at: DateTime<Utc>,
    pub total: i64,
    pub payment: String,
    pub fiscal_number: String,
    pub fiscal_key: String,
    pub external_id: Option<String>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub cancel_reason: Option<String>,
    pub created_by_label: String,
    pub version: i64,
    pub coupon_code: Option<String>,
    pub coupon_discount: i64,
}

const SALE_SELECT: &str = "SELECT s.id, s.party_id, s.store_id, st.name AS store_name, s.seller_id,
    u.display_name AS seller_name, s.seller_code, s.sold_at, s.total, s.payment, s.fiscal_number, s.fiscal_key,
    s.external_id, s.cancelled_at, s.cancel_reason, s.created_by_label, s.version, c.code AS coupon_code, s.coupon_discount
    FROM sales s JOIN stores st ON st.id = s.store_id LEFT JOIN users u ON u.id = s.seller_id
    LEFT JOIN coupons c ON c.id = s.coupon_id";

pub async fn get(db: &Db, org_id: OrgId, id: SaleId) -> Result<Option<SaleRow>, DbError> {
    Ok(on_db!(db, pool => {
        sqlx::query_as(&format!("{SALE_SELECT} WHERE s.org_id = $1 AND s.id = $2"))
            .bind(org_id.0)
            .bind(id.0)
            .fetch_optional(pool)
            .await?
    }))
}

/// A party's sales, newest first, a page at a time (before a sale's time
/// and id when given).
pub async fn of_party(
    db: &Db,
    org_id: OrgId,
    party: PartyId,
    before: Option<(DateTime<Utc>, Uuid)>,
    limit: u32,
) -> Result<Vec<SaleRow>, DbError> {
    let (at, id) = before.map_or((None, None), |(at, id)| (Some(at), Some(id)));
    Ok(on_db!(db, pool => {
        sqlx::query_as(&format!(
            "{SALE_SELECT} WHERE s.org_id = $1 AND s.party_id = $2
             AND ($3 IS NULL OR s.sold_at < $3 OR (s.sold_at = $3 AND s.id < $4))
             ORDER BY s.sold_at DESC, s.id DESC LIMIT $5"
        ))
        .bind(org_id.0)
        .bind(party.0)
        .bind(at)
        .bind(id)
        .bind(i64::from(limit))
        .fetch_all(pool)
        .await?
    }))
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ItemRow {
    pub sale_id: Uuid,
    pub product_id: Uuid,
    pub product_code: String,
    pub description: String,
    pub quantity_milli: i64,
    pub unit_price: i64,
    pub discount: i64,
    pub total: i64,
}

/// The items of these sales, in each sale's order.
pub async fn items_of(db: &Db, org_id: OrgId, sales: &[Uuid]) -> Result<Vec<ItemRow>, DbError> {
    if sales.is_empty() {
        return Ok(Vec::new());
    }
    let mut found = Vec::new();
    for chunk in sales.chunks(100) {
        let marks: Vec<String> = (0..chunk.len()).map(|n| format!("${}", n + 2)).collect();
        let sql = format!(
            "SELECT i.sale_id, i.product_id, p.code AS product_code, i.description, i.quantity_milli, i.unit_price,
                    i.discount, i.total
             FROM sale_items i JOIN products p ON p.id = i.product_id
             WHERE i.org_id = $1 AND i.sale_id IN ({}) ORDER BY i.sale_id, i.position",
            marks.join(", ")
        );
        let rows: Vec<ItemRow> = on_db!(db, pool => {
            let mut query = sqlx::query_as(&sql).bind(org_id.0);
            for id in chunk {
                query = query.bind(*id);
            }
            query.fetch_all(pool).await?
        });
        found.extend(rows);
    }
    Ok(found)
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct InstallmentRow {
    pub id: Uuid,
    pub sale_id: Uuid,
    pub party_id: Uuid,
    pub number: i32,
    pub due_on: NaiveDate,
    pub amount: i64,
    pub paid: i64,
    pub paid_on: Option<NaiveDate>,
    pub cancelled: bool,
    pub version: i64,
}

/// A party's installments by due date.
pub async fn installments_of(db: &Db, org_id: OrgId, party: PartyId) -> Result<Vec<InstallmentRow>, DbError> {
    Ok(on_db!(db, pool => {
        sqlx::query_as(
            "SELECT id, sale_id, party_id, number, due_on, amount, paid, paid_on, cancelled, version FROM installments
             WHERE org_id = $1 AND party_id = $2 ORDER BY due_on, sale_id, number",
        )
        .bind(org_id.0)
        .bind(party.0)
        .fetch_all(pool)
        .await?
    }))
}

/// Every sale of a party as the summary sees it, to check the summary.
pub async fn figures_of(
    db: &Db,
    org_id: OrgId,
    party: PartyId,
) -> Result<Vec<(Uuid, DateTime<Utc>, i64, Uuid, bool)>, DbError> {
    Ok(on_db!(db, pool => {
        sqlx::query_as(
            "SELECT id, sold_at, total, store_id, cancelled_at IS NOT NULL FROM sales WHERE org_id = $1 AND party_id = $2",
        )
        .bind(org_id.0)
        .bind(party.0)
        .fetch_all(pool)
        .await?
    }))
}

pub async fn installment(db: &Db, org_id: OrgId, id: Uuid) -> Result<Option<InstallmentRow>, DbError> {
    Ok(on_db!(db, pool => {
        sqlx::query_as(
            "SELECT id, sale_id, party_id, number, due_on, amount, paid, paid_on, cancelled, version FROM installments
             WHERE org_id = $1 AND id = $2",
        )
        .bind(org_id.0)
        .bind(id)
        .fetch_optional(pool)
        .await?
    }))
}

/// A payment of an installment.
pub struct Payment<'a> {
    pub amount: i64,
    pub paid_on: NaiveDate,
    /// Set when the payment closes the installment: how late it came.
    pub closing_delay: Option<i64>,
    pub by: &'a str,
}

/// Adds a payment to an open installment unchanged since `version`;
/// false when it changed, was cancelled or would be paid beyond its amount.
#[tracing::instrument(skip_all)]
pub async fn pay(
    tx: &mut Tx,
    org_id: OrgId,
    id: Uuid,
    version: i64,
    payment: &Payment<'_>,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let closing_day = payment.closing_delay.map(|_| payment.paid_on);
    Ok(on_tx!(tx, conn => {
        let updated = sqlx::query(
            "UPDATE installments SET paid = paid + $4, paid_on = $5, delay_days = $6, version = version + 1
             WHERE org_id = $1 AND id = $2 AND version = $3 AND NOT cancelled AND paid + $4 <= amount",
        )
        .bind(org_id.0)
        .bind(id)
        .bind(version)
        .bind(payment.amount)
        .bind(closing_day)
        .bind(payment.closing_delay.map(|d| d as i32))
        .execute(&mut *conn)
        .await?
        .rows_affected();
        if updated == 1 {
            sqlx::query(
                "INSERT INTO installment_payments (id, org_id, installment_id, paid_on, amount, created_at, created_by_label)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(Uuid::now_v7())
            .bind(org_id.0)
            .bind(id)
            .bind(payment.paid_on)
            .bind(payment.amount)
            .bind(now)
            .bind(payment.by)
            .execute(&mut *conn)
            .await?;
        }
        updated == 1
    }))
}

/// A sale's installments, inside its transaction.
pub async fn installments_of_sale(
    tx: &mut Tx,
    org_id: OrgId,
    sale: Uuid,
) -> Result<Vec<InstallmentRow>, DbError> {
    Ok(on_tx!(tx, conn => {
        sqlx::query_as(
            "SELECT id, sale_id, party_id, number, due_on, amount, paid, paid_on, cancelled, version FROM installments
             WHERE org_id = $1 AND sale_id = $2 ORDER BY number",
        )
        .bind(org_id.0)
        .bind(sale)
        .fetch_all(&mut *conn)
        .await?
    }))
}
