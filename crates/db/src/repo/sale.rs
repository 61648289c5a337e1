//! Sales, their items and installments, and each party's purchase summary
//! kept beside them.
use super::by_id;
use crate::rows::{ROWS_PER_INSERT, Rows};
use crate::{Db, DbError, Tx, on_db, on_tx};
use chrono::{DateTime, NaiveDate, Utc};
use domain::sale::{PurchaseDelta, ValidSale};
use domain::{OrgId, PartyId, SaleId, UserId};
use sea_query::{Alias, Expr, PostgresQueryBuilder, Query, SqliteQueryBuilder};
use sea_query_binder::SqlxBinder;
use std::collections::HashMap;
use uuid::Uuid;

/// The columns of a sale's item, as every writer of items names them.
pub(crate) const ITEM_COLUMNS: &[&str] = &[
    "id",
    "org_id",
    "sale_id",
    "position",
    "product_id",
    "description",
    "quantity_milli",
    "unit_price",
    "discount",
    "total",
];

/// A sale to write: who it is for, who made it and, from the ERP, its key
/// (a batch sent again is then the same sale).
pub struct NewSale<'a> {
    pub id: SaleId,
    pub party: PartyId,
    pub sale: &'a ValidSale,
    pub seller_id: Option<UserId>,
    pub external_id: Option<&'a str>,
}

/// The columns of a sale as written when it is recorded.
const SALE_COLUMNS: &[&str] = &[
    "id",
    "org_id",
    "party_id",
    "store_id",
    "seller_id",
    "seller_code",
    "sold_at",
    "total",
    "payment",
    "fiscal_number",
    "fiscal_key",
    "external_id",
    "created_at",
    "created_by_label",
    "version",
    "coupon_id",
    "coupon_discount",
    "bonus_used",
];

/// Writes sales with their items and installments, `by` recording them.
#[tracing::instrument(skip_all)]
pub async fn insert_many(
    tx: &mut Tx,
    org_id: OrgId,
    sales: &[NewSale<'_>],
    by: &str,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let mut rows = Rows::new("sales", SALE_COLUMNS);
    for new in sales {
        let sale = new.sale;
        rows.push([
            new.id.0.into(),
            org_id.0.into(),
            new.party.0.into(),
            sale.store_id.0.into(),
            new.seller_id.map(|u| u.0).into(),
            sale.seller_code.as_str().into(),
            sale.sold_at.into(),
            sale.total.0.into(),
            sale.payment.as_str().into(),
            sale.fiscal_number.as_str().into(),
            sale.fiscal_key.as_str().into(),
            new.external_id.into(),
            now.into(),
            by.into(),
            1i64.into(),
            sale.coupon.map(|(id, _)| id).into(),
            sale.coupon.map_or(0, |(_, off)| off.0).into(),
            sale.bonus.0.into(),
        ]);
    }
    rows.insert(tx).await?;
    let mut items = Rows::new("sale_items", ITEM_COLUMNS);
    for new in sales {
        for (position, item) in new.sale.items.iter().enumerate() {
            items.push([
                Uuid::now_v7().into(),
                org_id.0.into(),
                new.id.0.into(),
                (position as i64).into(),
                item.product_id.map(|p| p.0).into(),
                item.description.as_str().into(),
                item.quantity_milli.into(),
                item.unit_price.0.into(),
                item.discount.0.into(),
                item.total.0.into(),
            ]);
        }
    }
    items.insert(tx).await?;
    let installments: Vec<NewInstallment> = sales
        .iter()
        .flat_map(|new| {
            new.sale.installments.iter().enumerate().map(move |(n, (due, amount))| NewInstallment {
                sale_id: new.id.0,
                party: new.party,
                number: n as i32 + 1,
                due_on: *due,
                amount: amount.0,
                renegotiation_id: None,
            })
        })
        .collect();
    insert_installments(tx, org_id, &installments).await?;
    Ok(())
}

/// The sales already recorded under these ERP keys.
pub async fn by_external_ids(
    tx: &mut Tx,
    org_id: OrgId,
    external_ids: &[&str],
) -> Result<HashMap<String, SaleId>, DbError> {
    let mut found = HashMap::new();
    for chunk in external_ids.chunks(ROWS_PER_INSERT) {
        let mut query = Query::select();
        query
            .columns([Alias::new("external_id"), Alias::new("id")])
            .from(Alias::new("sales"))
            .and_where(Expr::col(Alias::new("org_id")).eq(org_id.0))
            .and_where(Expr::col(Alias::new("external_id")).is_in(chunk.iter().copied()));
        let rows: Vec<(String, Uuid)> = match tx {
            Tx::Sqlite(conn) => {
                let (sql, values) = query.build_sqlx(SqliteQueryBuilder);
                sqlx::query_as_with(&sql, values).fetch_all(&mut **conn).await?
            }
            Tx::Postgres(conn) => {
                let (sql, values) = query.build_sqlx(PostgresQueryBuilder);
                sqlx::query_as_with(&sql, values).fetch_all(&mut **conn).await?
            }
        };
        found.extend(rows.into_iter().map(|(key, id)| (key, SaleId(id))));
    }
    Ok(found)
}

/// Adds what new sales bring to each party's kept figures, in one
/// statement per thousand parties. The increments are applied to the row
/// as the statement finds it, so two batches touching one party add up.
/// Each party once in `deltas`; one not in the organisation fails the
/// whole, so that the sales written for it are not kept either.
#[tracing::instrument(skip_all)]
pub async fn add_to_summaries(
    tx: &mut Tx,
    org_id: OrgId,
    deltas: &[(PartyId, PurchaseDelta)],
) -> Result<(), DbError> {
    for chunk in deltas.chunks(ROWS_PER_INSERT) {
        let updated = match tx {
            Tx::Sqlite(conn) => {
                // SQLite names a VALUES list's columns column1, column2, …
                let rows = vec!["(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"; chunk.len()].join(", ");
                let sql = format!(
                    "UPDATE parties SET
                       purchase_count = purchase_count + v.column2,
                       total_bought = total_bought + v.column3,
                       largest_purchase = MAX(largest_purchase, v.column4),
                       first_purchase_at = CASE WHEN first_purchase_at IS NULL OR v.column5 < first_purchase_at
                                           THEN v.column5 ELSE first_purchase_at END,
                       last_store_id = CASE WHEN last_purchase_at IS NULL OR v.column6 >= last_purchase_at
                                       THEN v.column7 ELSE last_store_id END,
                       last_purchase_at = CASE WHEN last_purchase_at IS NULL OR v.column6 >= last_purchase_at
                                          THEN v.column6 ELSE last_purchase_at END,
                       open_balance = open_balance + v.column8,
                       oldest_open_due = CASE WHEN v.column9 IS NOT NULL AND (oldest_open_due IS NULL OR v.column9 < oldest_open_due)
                                         THEN v.column9 ELSE oldest_open_due END,
                       points_balance = points_balance + v.column10
                     FROM (VALUES {rows}) AS v
                     WHERE parties.org_id = v.column11 AND parties.id = v.column1"
                );
                let mut query = sqlx::query(&sql);
                for (party, delta) in chunk {
                    let (last_at, last_store) = delta.last.unzip();
                    query = query
                        .bind(party.0)
                        .bind(delta.count)
                        .bind(delta.total.0)
                        .bind(delta.largest.0)
                        .bind(delta.first_at)
                        .bind(last_at)
                        .bind(last_store.map(|s| s.0))
                        .bind(delta.credit.0)
                        .bind(delta.earliest_due)
                        .bind(delta.points)
                        .bind(org_id.0);
                }
                query.execute(&mut **conn).await?.rows_affected()
            }
            Tx::Postgres(conn) => {
                let column =
                    |f: &dyn Fn(&PurchaseDelta) -> i64| chunk.iter().map(|(_, d)| f(d)).collect::<Vec<_>>();
                sqlx::query(
                    "UPDATE parties p SET
                       purchase_count = p.purchase_count + v.count,
                       total_bought = p.total_bought + v.total,
                       largest_purchase = GREATEST(p.largest_purchase, v.largest),
                       first_purchase_at = LEAST(p.first_purchase_at, v.first_at),
                       last_store_id = CASE WHEN p.last_purchase_at IS NULL OR v.last_at >= p.last_purchase_at
                                       THEN v.last_store ELSE p.last_store_id END,
                       last_purchase_at = GREATEST(p.last_purchase_at, v.last_at),
                       open_balance = p.open_balance + v.credit,
                       oldest_open_due = LEAST(p.oldest_open_due, v.earliest_due),
                       points_balance = p.points_balance + v.points
                     FROM UNNEST($2::uuid[], $3::bigint[], $4::bigint[], $5::bigint[], $6::timestamptz[],
                                 $7::timestamptz[], $8::uuid[], $9::bigint[], $10::date[], $11::bigint[])
                          AS v (id, count, total, largest, first_at, last_at, last_store, credit, earliest_due, points)
                     WHERE p.org_id = $1 AND p.id = v.id",
                )
                .bind(org_id.0)
                .bind(chunk.iter().map(|(party, _)| party.0).collect::<Vec<_>>())
                .bind(column(&|d| d.count))
                .bind(column(&|d| d.total.0))
                .bind(column(&|d| d.largest.0))
                .bind(chunk.iter().map(|(_, d)| d.first_at).collect::<Vec<_>>())
                .bind(chunk.iter().map(|(_, d)| d.last.map(|(at, _)| at)).collect::<Vec<_>>())
                .bind(chunk.iter().map(|(_, d)| d.last.map(|(_, store)| store.0)).collect::<Vec<_>>())
                .bind(column(&|d| d.credit.0))
                .bind(chunk.iter().map(|(_, d)| d.earliest_due).collect::<Vec<_>>())
                .bind(column(&|d| d.points))
                .execute(&mut **conn)
                .await?
                .rows_affected()
            }
        };
        if updated != chunk.len() as u64 {
            return Err(sqlx::Error::RowNotFound.into());
        }
    }
    Ok(())
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
    by_id::write(tx, "UPDATE parties SET
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
             WHERE org_id = $1 AND id = $2", org_id, party.0).await?;
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
    pub points_balance: i64,
    pub revolving_credit_limit: Option<i64>,
    pub credit_bureau_status: Option<String>,
    /// What the party bought since the instant asked for, cancelled sales
    /// left out ([`total_since`]).
    pub bought_since: i64,
}

/// What a party bought since an instant, cancelled sales left out: on
/// its own ([`total_since`]) and beside the figures kept on him
/// ([`summary`]). Its columns are the sales table's own. A macro, so that
/// both statements are texts fixed at compile time, not formatted per page.
macro_rules! bought_since {
    () => {
        "SELECT CAST(COALESCE(SUM(total), 0) AS BIGINT) FROM sales
    WHERE org_id = $1 AND party_id = $2 AND cancelled_at IS NULL AND sold_at >= $3"
    };
}

/// The figures kept on the party, with what he bought since `since` read
/// in the same statement (a customer's page shows both).
pub async fn summary(
    db: &Db,
    org_id: OrgId,
    party: PartyId,
    since: DateTime<Utc>,
) -> Result<Option<SummaryRow>, DbError> {
    // Inside the sub-select the unqualified columns are the sales'.
    const SUMMARY: &str = concat!(
        "SELECT p.purchase_count, p.total_bought, p.largest_purchase, p.first_purchase_at, p.last_purchase_at,
                p.last_store_id, st.name AS last_store_name, p.open_balance, p.oldest_open_due,
                p.paid_installments, p.delay_days_total, p.points_balance,
                p.revolving_credit_limit, p.credit_bureau_status, (",
        bought_since!(),
        ") AS bought_since
         FROM parties p LEFT JOIN stores st ON st.id = p.last_store_id WHERE p.org_id = $1 AND p.id = $2"
    );
    Ok(on_db!(db, pool => {
        sqlx::query_as(SUMMARY)
            .bind(org_id.0)
            .bind(party.0)
            .bind(since)
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
        sqlx::query_scalar(bought_since!())
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
    pub bonus_used: i64,
}

const SALE_SELECT: &str = "SELECT s.id, s.party_id, s.store_id, st.name AS store_name, s.seller_id,
    u.display_name AS seller_name, s.seller_code, s.sold_at, s.total, s.payment, s.fiscal_number, s.fiscal_key,
    s.external_id, s.cancelled_at, s.cancel_reason, s.created_by_label, s.version, c.code AS coupon_code, s.coupon_discount, s.bonus_used
    FROM sales s JOIN stores st ON st.id = s.store_id LEFT JOIN users u ON u.id = s.seller_id
    LEFT JOIN coupons c ON c.id = s.coupon_id";

pub async fn get(db: &Db, org_id: OrgId, id: SaleId) -> Result<Option<SaleRow>, DbError> {
    by_id::row(db, &format!("{SALE_SELECT} WHERE s.org_id = $1 AND s.id = $2"), org_id, id.0).await
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
    /// None for a free line of an invoiced order.
    pub product_id: Option<Uuid>,
    pub product_code: Option<String>,
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
             FROM sale_items i LEFT JOIN products p ON p.id = i.product_id
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

/// An installment's columns as `InstallmentRow` reads them.
macro_rules! installment_select {
    () => {
        "SELECT id, sale_id, party_id, number, due_on, amount, paid, paid_on, cancelled, version,
                replaced_by IS NOT NULL AS replaced, renegotiation_id FROM installments"
    };
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
    /// Closed by a renegotiation (then also `cancelled`: nothing left to pay on it).
    pub replaced: bool,
    /// The renegotiation that created it.
    pub renegotiation_id: Option<Uuid>,
    pub cancelled: bool,
    pub version: i64,
}

/// A party's installments by due date.
pub async fn installments_of(db: &Db, org_id: OrgId, party: PartyId) -> Result<Vec<InstallmentRow>, DbError> {
    Ok(on_db!(db, pool => {
        sqlx::query_as(concat!(
            installment_select!(),
            "
             WHERE org_id = $1 AND party_id = $2 ORDER BY due_on, sale_id, number"
        ))
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
        sqlx::query_as(concat!(
            installment_select!(),
            "
             WHERE org_id = $1 AND id = $2"
        ))
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

/// Moves a sale not cancelled on from `version`, holding it for the rest
/// of the transaction; false when it changed meanwhile or was cancelled.
pub async fn claim(tx: &mut Tx, org_id: OrgId, id: SaleId, version: i64) -> Result<bool, DbError> {
    Ok(on_tx!(tx, conn => {
        sqlx::query(
            "UPDATE sales SET version = version + 1
             WHERE org_id = $1 AND id = $2 AND version = $3 AND cancelled_at IS NULL",
        )
        .bind(org_id.0)
        .bind(id.0)
        .bind(version)
        .execute(&mut *conn)
        .await?
        .rows_affected()
            == 1
    }))
}

/// An installment to write, nothing paid on it yet.
struct NewInstallment {
    sale_id: Uuid,
    party: PartyId,
    number: i32,
    due_on: NaiveDate,
    amount: i64,
    /// The renegotiation that creates it; none for a sale's own.
    renegotiation_id: Option<Uuid>,
}

/// Writes new installments: the one writer of installments for sales and
/// renegotiations alike.
async fn insert_installments(
    tx: &mut Tx,
    org_id: OrgId,
    installments: &[NewInstallment],
) -> Result<(), DbError> {
    let mut rows = Rows::new(
        "installments",
        &[
            "id",
            "org_id",
            "sale_id",
            "party_id",
            "number",
            "due_on",
            "amount",
            "paid",
            "cancelled",
            "version",
            "renegotiation_id",
        ],
    );
    for new in installments {
        rows.push([
            Uuid::now_v7().into(),
            org_id.0.into(),
            new.sale_id.into(),
            new.party.0.into(),
            new.number.into(),
            new.due_on.into(),
            new.amount.into(),
            0i64.into(),
            false.into(),
            1i64.into(),
            new.renegotiation_id.into(),
        ]);
    }
    rows.insert(tx).await
}

/// A renegotiation of a sale's open installments to write.
pub struct NewRenegotiation<'a> {
    pub id: Uuid,
    pub sale_id: Uuid,
    pub party: PartyId,
    /// The open installments it closes, each at the version it was read.
    pub replaces: &'a [(Uuid, i64)],
    pub open_before: i64,
    pub charge: i64,
    pub reason: &'a str,
    /// The new installments, numbered on from `first_number`.
    pub installments: &'a [(NaiveDate, i64)],
    pub first_number: i32,
}

/// Closes the installments a renegotiation replaces and writes the new
/// ones; false when one of those replaced changed since it was read (the
/// caller drops the transaction).
#[tracing::instrument(skip_all)]
pub async fn renegotiate(
    tx: &mut Tx,
    org_id: OrgId,
    new: &NewRenegotiation<'_>,
    by: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let mut record = Rows::new(
        "renegotiations",
        &[
            "id",
            "org_id",
            "sale_id",
            "party_id",
            "open_before",
            "charge",
            "installments",
            "reason",
            "created_at",
            "created_by_label",
        ],
    );
    record.push([
        new.id.into(),
        org_id.0.into(),
        new.sale_id.into(),
        new.party.0.into(),
        new.open_before.into(),
        new.charge.into(),
        (new.installments.len() as i32).into(),
        new.reason.into(),
        now.into(),
        by.into(),
    ]);
    record.insert(tx).await?;
    for (id, version) in new.replaces {
        let closed = on_tx!(tx, conn => {
            sqlx::query(
                "UPDATE installments SET cancelled = TRUE, replaced_by = $4, version = version + 1
                 WHERE org_id = $1 AND id = $2 AND version = $3 AND NOT cancelled AND paid < amount",
            )
            .bind(org_id.0)
            .bind(id)
            .bind(version)
            .bind(new.id)
            .execute(&mut *conn)
            .await?
            .rows_affected()
        });
        if closed != 1 {
            return Ok(false);
        }
    }
    let installments: Vec<NewInstallment> = new
        .installments
        .iter()
        .enumerate()
        .map(|(n, (due_on, amount))| NewInstallment {
            sale_id: new.sale_id,
            party: new.party,
            number: new.first_number + n as i32,
            due_on: *due_on,
            amount: *amount,
            renegotiation_id: Some(new.id),
        })
        .collect();
    insert_installments(tx, org_id, &installments).await?;
    Ok(true)
}

/// A sale's installments in the order they are numbered.
const SALE_INSTALLMENTS: &str = concat!(
    installment_select!(),
    "
     WHERE org_id = $1 AND sale_id = $2 ORDER BY number"
);

/// A sale's installments.
pub async fn installments_of_sale(
    db: &Db,
    org_id: OrgId,
    sale: Uuid,
) -> Result<Vec<InstallmentRow>, DbError> {
    Ok(on_db!(db, pool => {
        sqlx::query_as(SALE_INSTALLMENTS).bind(org_id.0).bind(sale).fetch_all(pool).await?
    }))
}

/// A sale's installments, inside its transaction.
pub async fn installments_of_sale_in(
    tx: &mut Tx,
    org_id: OrgId,
    sale: Uuid,
) -> Result<Vec<InstallmentRow>, DbError> {
    Ok(on_tx!(tx, conn => {
        sqlx::query_as(SALE_INSTALLMENTS).bind(org_id.0).bind(sale).fetch_all(&mut *conn).await?
    }))
}

/// The organisation's live parties that bought nothing yet, in id order
/// (the order a bulk load of their purchases writes them in).
pub async fn parties_without_purchases(db: &Db, org_id: OrgId) -> Result<Vec<PartyId>, DbError> {
    let ids: Vec<Uuid> = on_db!(db, pool => {
        sqlx::query_scalar(
            "SELECT id FROM parties WHERE org_id = $1 AND merged_into IS NULL AND purchase_count = 0 ORDER BY id",
        )
        .bind(org_id.0)
        .fetch_all(pool)
        .await?
    });
    Ok(ids.into_iter().map(PartyId).collect())
}
