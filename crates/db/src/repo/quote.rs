//! Quotes [orçamentos] with their lines, and the numbers an organisation
//! gives its documents.
use super::by_id;
use super::versioned::{Columns, Record};
use crate::rows::Rows;
use crate::{Db, DbError, Tx, on_db, on_tx};
use chrono::{DateTime, NaiveDate, Utc};
use domain::quote::ValidQuote;
use domain::{OrgId, PartyId, QuoteId, UserId};
use sea_query::{Alias, Expr};
use uuid::Uuid;

pub struct NewQuote<'a> {
    pub id: QuoteId,
    pub party: PartyId,
    pub number: i64,
    pub issued_on: NaiveDate,
    pub currency: &'a str,
    pub quote: &'a ValidQuote,
    pub created_by: UserId,
    /// The sales contact it was proposed from (seed 002, "Proposta").
    pub sales_contact: Option<Uuid>,
}

const LINE_COLUMNS: &[&str] = &[
    "id",
    "org_id",
    "quote_id",
    "position",
    "product_id",
    "description",
    "unit",
    "quantity_milli",
    "unit_price",
    "discount_percent",
    "total",
];

#[tracing::instrument(skip_all)]
pub async fn insert(
    tx: &mut Tx,
    org_id: OrgId,
    new: &NewQuote<'_>,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let quote = new.quote;
    let mut columns = content_columns(quote);
    columns.extend([
        ("party_id", new.party.0.into()),
        ("number", new.number.into()),
        ("state", "draft".into()),
        ("issued_on", new.issued_on.into()),
        ("currency", new.currency.into()),
        ("created_by", new.created_by.0.into()),
        ("sales_contact_id", new.sales_contact.into()),
    ]);
    Record::of("quotes", org_id, new.id.0).insert(tx, columns, now).await?;
    insert_lines(tx, org_id, new.id, quote).await
}

/// What a quote's form writes: its terms and totals.
fn content_columns(quote: &ValidQuote) -> Columns {
    vec![
        ("valid_until", quote.valid_until.into()),
        ("payment_terms", quote.payment_terms.as_str().into()),
        ("installments", i64::from(quote.installments).into()),
        ("delivery_terms", quote.delivery_terms.as_str().into()),
        ("notes", quote.notes.as_str().into()),
        ("discount_percent", quote.discount_percent.into()),
        ("subtotal", quote.totals.subtotal.0.into()),
        ("discount", quote.totals.discount.0.into()),
        ("freight", quote.totals.freight.0.into()),
        ("total", quote.totals.total.0.into()),
    ]
}

async fn insert_lines(tx: &mut Tx, org_id: OrgId, id: QuoteId, quote: &ValidQuote) -> Result<(), DbError> {
    let mut rows = Rows::new("quote_lines", LINE_COLUMNS);
    for (position, line) in quote.lines.iter().enumerate() {
        rows.push([
            Uuid::now_v7().into(),
            org_id.0.into(),
            id.0.into(),
            (position as i64).into(),
            line.product_id.map(|p| p.0).into(),
            line.description.as_str().into(),
            line.unit.as_str().into(),
            line.quantity_milli.into(),
            line.unit_price.0.into(),
            line.discount_percent.into(),
            line.total.0.into(),
        ]);
    }
    rows.insert(tx).await
}

/// Saves a draft's new content if nobody changed it since `version` and it
/// is still a draft; false otherwise.
#[tracing::instrument(skip_all)]
pub async fn replace(
    tx: &mut Tx,
    org_id: OrgId,
    id: QuoteId,
    version: i64,
    quote: &ValidQuote,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let mut columns = content_columns(quote);
    columns.push(("revision", Expr::col(Alias::new("revision")).add(1)));
    if !Record::of("quotes", org_id, id.0).in_state("draft").update(tx, version, columns, now).await? {
        return Ok(false);
    }
    by_id::write(tx, "DELETE FROM quote_lines WHERE org_id = $1 AND quote_id = $2", org_id, id.0).await?;
    insert_lines(tx, org_id, id, quote).await?;
    Ok(true)
}

/// Moves the quote from `from` to `to` if nobody changed it since
/// `version`; false otherwise.
pub async fn set_state(
    tx: &mut Tx,
    org_id: OrgId,
    id: QuoteId,
    version: i64,
    from: &str,
    to: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    Record::of("quotes", org_id, id.0)
        .in_state(from)
        .update(tx, version, vec![("state", to.into())], now)
        .await
}

/// A quote the daily task expired.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ExpiredQuote {
    pub id: Uuid,
    pub party_id: Uuid,
    pub number: i64,
    pub currency: String,
    pub total: i64,
}

/// Expires the open quotes (drafts and sent) valid only before `today`.
pub async fn expire_before(
    tx: &mut Tx,
    org_id: OrgId,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Vec<ExpiredQuote>, DbError> {
    Ok(on_tx!(tx, conn => {
        sqlx::query_as(
            "UPDATE quotes SET state = 'expired', updated_at = $3, version = version + 1
             WHERE org_id = $1 AND state IN ('draft', 'sent') AND valid_until < $2
             RETURNING id, party_id, number, currency, total",
        )
        .bind(org_id.0)
        .bind(today)
        .bind(now)
        .fetch_all(&mut *conn)
        .await?
    }))
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct QuoteRow {
    pub id: Uuid,
    pub party_id: Uuid,
    pub party_name: String,
    pub number: i64,
    pub state: String,
    pub issued_on: NaiveDate,
    pub valid_until: NaiveDate,
    pub currency: String,
    pub payment_terms: String,
    pub installments: i64,
    pub delivery_terms: String,
    pub notes: String,
    pub discount_percent: i64,
    pub subtotal: i64,
    pub discount: i64,
    pub freight: i64,
    pub total: i64,
    pub created_by_name: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub revision: i64,
    pub version: i64,
}

const QUOTE_SELECT: &str = "SELECT q.id, q.party_id, p.full_name AS party_name, q.number, q.state, q.issued_on,
    q.valid_until, q.currency, q.payment_terms, CAST(q.installments AS BIGINT) AS installments, q.delivery_terms,
    q.notes, q.discount_percent, q.subtotal, q.discount, q.freight, q.total, u.display_name AS created_by_name,
    q.created_at, q.updated_at, CAST(q.revision AS BIGINT) AS revision, q.version
    FROM quotes q JOIN parties p ON p.id = q.party_id LEFT JOIN users u ON u.id = q.created_by";

pub async fn get(db: &Db, org_id: OrgId, id: QuoteId) -> Result<Option<QuoteRow>, DbError> {
    by_id::row(db, &format!("{QUOTE_SELECT} WHERE q.org_id = $1 AND q.id = $2"), org_id, id.0).await
}

/// A party's quotes, the latest number first.
pub async fn of_party(db: &Db, org_id: OrgId, party: PartyId, limit: u32) -> Result<Vec<QuoteRow>, DbError> {
    Ok(on_db!(db, pool => {
        sqlx::query_as(&format!(
            "{QUOTE_SELECT} WHERE q.org_id = $1 AND q.party_id = $2 ORDER BY q.number DESC LIMIT $3"
        ))
        .bind(org_id.0)
        .bind(party.0)
        .bind(i64::from(limit))
        .fetch_all(pool)
        .await?
    }))
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct LineRow {
    pub product_id: Option<Uuid>,
    pub product_code: Option<String>,
    pub description: String,
    pub unit: String,
    pub quantity_milli: i64,
    pub unit_price: i64,
    pub discount_percent: i64,
    pub total: i64,
}

pub async fn lines_of(db: &Db, org_id: OrgId, id: QuoteId) -> Result<Vec<LineRow>, DbError> {
    Ok(on_db!(db, pool => {
        sqlx::query_as(
            "SELECT l.product_id, p.code AS product_code, l.description, l.unit, l.quantity_milli, l.unit_price,
                    l.discount_percent, l.total
             FROM quote_lines l LEFT JOIN products p ON p.id = l.product_id
             WHERE l.org_id = $1 AND l.quote_id = $2 ORDER BY l.position",
        )
        .bind(org_id.0)
        .bind(id.0)
        .fetch_all(pool)
        .await?
    }))
}

/// Keeps what revision `revision` of a quote said (`content`, JSON) as it
/// is replaced.
pub async fn keep_revision(
    tx: &mut Tx,
    org_id: OrgId,
    id: QuoteId,
    revision: i64,
    content: &str,
    by: &str,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO quote_revisions (id, org_id, quote_id, revision, content, replaced_at, replaced_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(Uuid::now_v7())
        .bind(org_id.0)
        .bind(id.0)
        .bind(revision)
        .bind(content)
        .bind(now)
        .bind(by)
        .execute(&mut *conn)
        .await?;
    });
    Ok(())
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct RevisionRow {
    pub revision: i64,
    pub content: String,
    pub replaced_at: DateTime<Utc>,
    pub replaced_by: String,
}

/// A quote's earlier revisions, the latest first.
pub async fn revisions(db: &Db, org_id: OrgId, id: QuoteId) -> Result<Vec<RevisionRow>, DbError> {
    Ok(on_db!(db, pool => {
        sqlx::query_as(
            "SELECT CAST(revision AS BIGINT) AS revision, content, replaced_at, replaced_by FROM quote_revisions
             WHERE org_id = $1 AND quote_id = $2 ORDER BY revision DESC",
        )
        .bind(org_id.0)
        .bind(id.0)
        .fetch_all(pool)
        .await?
    }))
}

/// The most parties one estimate query names.
const ESTIMATE_PARTIES: usize = 200;

/// What the revenue estimate reads of a set of parties.
#[derive(Default)]
pub struct EstimateInputs {
    /// Each party's sales total.
    pub sales: Vec<(Uuid, i64)>,
    /// Each party's open quotes' total by state.
    pub open_quotes: Vec<(Uuid, String, i64)>,
}

/// What the revenue estimate reads of these parties: the total of each
/// one's sales since `since` (cancelled ones aside), and the totals of his
/// quotes still open by state — drafts, sent, and accepted ones whose order
/// is neither invoiced (then a sale) nor cancelled.
pub async fn estimate_inputs(
    db: &Db,
    org_id: OrgId,
    parties: &[Uuid],
    since: DateTime<Utc>,
) -> Result<EstimateInputs, DbError> {
    let mut inputs = EstimateInputs::default();
    for chunk in parties.chunks(ESTIMATE_PARTIES) {
        let marks = super::placeholders(3, chunk.len());
        let sales_sql = format!(
            "SELECT party_id, CAST(SUM(total) AS BIGINT) FROM sales
             WHERE org_id = $1 AND cancelled_at IS NULL AND sold_at >= $2 AND party_id IN ({marks})
             GROUP BY party_id"
        );
        let sales: Vec<(Uuid, i64)> = on_db!(db, pool => {
            let mut query = sqlx::query_as(&sales_sql).bind(org_id.0).bind(since);
            for party in chunk {
                query = query.bind(*party);
            }
            query.fetch_all(pool).await?
        });
        inputs.sales.extend(sales);
        inputs.open_quotes.extend(open_quote_totals(db, org_id, chunk).await?);
    }
    Ok(inputs)
}

/// The totals of these parties' quotes still open, by party and state
/// (see [`estimate_inputs`]), at most [`ESTIMATE_PARTIES`] parties.
pub async fn open_quote_totals(
    db: &Db,
    org_id: OrgId,
    parties: &[Uuid],
) -> Result<Vec<(Uuid, String, i64)>, DbError> {
    let marks = super::placeholders(2, parties.len());
    let sql = format!(
        "SELECT q.party_id, q.state, CAST(SUM(q.total) AS BIGINT) FROM quotes q
         LEFT JOIN orders o ON o.quote_id = q.id
         WHERE q.org_id = $1 AND q.state IN ('draft', 'sent', 'accepted')
           AND (o.id IS NULL OR o.state NOT IN ('invoiced', 'cancelled')) AND q.party_id IN ({marks})
         GROUP BY q.party_id, q.state"
    );
    Ok(on_db!(db, pool => {
        let mut query = sqlx::query_as(&sql).bind(org_id.0);
        for party in parties {
            query = query.bind(*party);
        }
        query.fetch_all(pool).await?
    }))
}
