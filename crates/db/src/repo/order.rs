//! Orders and the steps each took.
use super::by_id;
use super::versioned::Record;
use crate::{Db, DbError, Tx, on_db, on_tx};
use chrono::{DateTime, Utc};
use domain::{OrderId, OrgId, PartyId, QuoteId, SaleId};
use uuid::Uuid;

pub struct NewOrder<'a> {
    pub id: OrderId,
    pub party: PartyId,
    pub quote: QuoteId,
    pub number: i64,
    pub destination: &'a str,
}

/// Writes the order as received; false when the quote has one already.
pub async fn insert(
    tx: &mut Tx,
    org_id: OrgId,
    new: &NewOrder<'_>,
    by: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let inserted = on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO orders (id, org_id, party_id, quote_id, number, destination, state, created_at, updated_at, version)
             VALUES ($1, $2, $3, $4, $5, $6, 'received', $7, $7, 1) ON CONFLICT (quote_id) DO NOTHING",
        )
        .bind(new.id.0)
        .bind(org_id.0)
        .bind(new.party.0)
        .bind(new.quote.0)
        .bind(new.number)
        .bind(new.destination)
        .bind(now)
        .execute(&mut *conn)
        .await?
        .rows_affected()
    });
    if inserted == 0 {
        return Ok(false);
    }
    add_step(tx, org_id, new.id, "received", by, now).await?;
    Ok(true)
}

async fn add_step(
    tx: &mut Tx,
    org_id: OrgId,
    id: OrderId,
    state: &str,
    by: &str,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    on_tx!(tx, conn => {
        sqlx::query("INSERT INTO order_steps (id, org_id, order_id, state, at, by_name) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(Uuid::now_v7())
            .bind(org_id.0)
            .bind(id.0)
            .bind(state)
            .bind(now)
            .bind(by)
            .execute(&mut *conn)
            .await?;
    });
    Ok(())
}

/// Moves the order from `from` to `to` if nobody changed it since
/// `version`, noting the step; false otherwise.
#[allow(clippy::too_many_arguments)]
pub async fn set_state(
    tx: &mut Tx,
    org_id: OrgId,
    id: OrderId,
    version: i64,
    from: &str,
    to: &str,
    by: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let state = vec![("state", to.into())];
    if !Record::of("orders", org_id, id.0).in_state(from).update(tx, version, state, now).await? {
        return Ok(false);
    }
    add_step(tx, org_id, id, to, by, now).await?;
    Ok(true)
}

/// Notes the sale an order became when invoiced.
pub async fn set_sale(tx: &mut Tx, org_id: OrgId, id: OrderId, sale: SaleId) -> Result<(), DbError> {
    on_tx!(tx, conn => {
        sqlx::query("UPDATE orders SET sale_id = $3 WHERE org_id = $1 AND id = $2")
            .bind(org_id.0)
            .bind(id.0)
            .bind(sale.0)
            .execute(&mut *conn)
            .await?;
    });
    Ok(())
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct OrderRow {
    pub id: Uuid,
    pub party_id: Uuid,
    pub party_name: String,
    pub quote_id: Uuid,
    pub quote_number: i64,
    pub number: i64,
    pub destination: String,
    pub state: String,
    pub currency: String,
    pub total: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
    /// The sale it became when invoiced.
    pub sale_id: Option<Uuid>,
    /// Who wrote the quote: the seller of the sale it becomes.
    pub quote_author: Option<Uuid>,
    pub payment_terms: String,
    pub installments: i32,
}

const ORDER_SELECT: &str =
    "SELECT o.id, o.party_id, p.full_name AS party_name, o.quote_id, q.number AS quote_number,
    o.number, o.destination, o.state, q.currency, q.total, o.created_at, o.updated_at, o.version, o.sale_id,
    q.created_by AS quote_author, q.payment_terms, q.installments
    FROM orders o JOIN quotes q ON q.id = o.quote_id JOIN parties p ON p.id = o.party_id";

pub async fn get(db: &Db, org_id: OrgId, id: OrderId) -> Result<Option<OrderRow>, DbError> {
    by_id::row(db, &format!("{ORDER_SELECT} WHERE o.org_id = $1 AND o.id = $2"), org_id, id.0).await
}

/// The order a quote became, if any.
pub async fn of_quote(db: &Db, org_id: OrgId, quote: QuoteId) -> Result<Option<OrderRow>, DbError> {
    by_id::row(db, &format!("{ORDER_SELECT} WHERE o.org_id = $1 AND o.quote_id = $2"), org_id, quote.0).await
}

/// A party's orders, the latest number first.
pub async fn of_party(db: &Db, org_id: OrgId, party: PartyId, limit: u32) -> Result<Vec<OrderRow>, DbError> {
    Ok(on_db!(db, pool => {
        sqlx::query_as(&format!("{ORDER_SELECT} WHERE o.org_id = $1 AND o.party_id = $2 ORDER BY o.number DESC LIMIT $3"))
            .bind(org_id.0)
            .bind(party.0)
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await?
    }))
}

/// A destination's queue: its orders in `states` numbered after `after`,
/// oldest number first (the caller keeps those of parties the reader may
/// see).
pub async fn queue(
    db: &Db,
    org_id: OrgId,
    destination: &str,
    states: &[&str],
    after: i64,
    limit: u32,
) -> Result<Vec<OrderRow>, DbError> {
    let marks = super::placeholders(4, states.len());
    let sql = format!(
        "{ORDER_SELECT} WHERE o.org_id = $1 AND o.destination = $2 AND o.number > $3 AND o.state IN ({marks})
         ORDER BY o.number LIMIT ${}",
        states.len() + 4
    );
    Ok(on_db!(db, pool => {
        let mut query = sqlx::query_as(&sql).bind(org_id.0).bind(destination).bind(after);
        for state in states {
            query = query.bind(*state);
        }
        query.bind(i64::from(limit)).fetch_all(pool).await?
    }))
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct StepRow {
    pub state: String,
    pub at: DateTime<Utc>,
    pub by_name: String,
}

pub async fn steps(db: &Db, org_id: OrgId, id: OrderId) -> Result<Vec<StepRow>, DbError> {
    Ok(on_db!(db, pool => {
        sqlx::query_as("SELECT state, at, by_name FROM order_steps WHERE org_id = $1 AND order_id = $2 ORDER BY at, id")
            .bind(org_id.0)
            .bind(id.0)
            .fetch_all(pool)
            .await?
    }))
}

/// The product groups whose orders go to production, by name.
pub async fn production_groups(db: &Db, org_id: OrgId) -> Result<Vec<String>, DbError> {
    Ok(on_db!(db, pool => {
        sqlx::query_scalar(
            "SELECT l.name FROM production_groups g JOIN catalogue_lists l ON l.id = g.group_id
             WHERE g.org_id = $1 ORDER BY l.name",
        )
        .bind(org_id.0)
        .fetch_all(pool)
        .await?
    }))
}

/// Replaces the groups whose orders go to production.
pub async fn set_production_groups(tx: &mut Tx, org_id: OrgId, groups: &[Uuid]) -> Result<(), DbError> {
    on_tx!(tx, conn => {
        sqlx::query("DELETE FROM production_groups WHERE org_id = $1").bind(org_id.0).execute(&mut *conn).await?;
        for group in groups {
            sqlx::query("INSERT INTO production_groups (org_id, group_id) VALUES ($1, $2)")
                .bind(org_id.0)
                .bind(*group)
                .execute(&mut *conn)
                .await?;
        }
    });
    Ok(())
}

/// Whether a line of the quote is a product of a group that production makes.
pub async fn made_in_production(db: &Db, org_id: OrgId, quote: QuoteId) -> Result<bool, DbError> {
    Ok(on_db!(db, pool => {
        sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM quote_lines l JOIN products p ON p.id = l.product_id
                 JOIN production_groups g ON g.org_id = l.org_id AND g.group_id = p.group_id
             WHERE l.org_id = $1 AND l.quote_id = $2)",
        )
        .bind(org_id.0)
        .bind(quote.0)
        .fetch_one(pool)
        .await?
    }))
}
