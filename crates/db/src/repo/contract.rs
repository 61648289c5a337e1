//! Contracts and their files. Lists never read a file's bytes; only
//! [`file`] does.
use super::StoredFile;
use super::by_id;
use super::stored_file::{self, FileHolder};
use super::versioned::{Columns, Record};
use crate::direct::{Cost, direct_row};
use crate::{Db, DbError, Tx, on_db, on_tx};
use chrono::{DateTime, NaiveDate, Utc};
use domain::{ContractId, OrgId, PartyId};
use uuid::Uuid;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ContractRow {
    pub id: Uuid,
    pub party_id: Uuid,
    pub party_name: String,
    pub number: String,
    pub kind: String,
    pub status: String,
    pub starts_on: NaiveDate,
    pub expires_on: Option<NaiveDate>,
    pub renews_on: Option<NaiveDate>,
    pub quote_id: Option<Uuid>,
    pub quote_number: Option<i64>,
    pub order_id: Option<Uuid>,
    pub owner_id: Option<Uuid>,
    pub owner_name: Option<String>,
    pub notes: String,
    pub file_name: String,
    pub content_type: String,
    pub file_size: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

// In [`SELECT`]'s order.
direct_row!(ContractRow {
    id,
    party_id,
    party_name,
    number,
    kind,
    status,
    starts_on,
    expires_on,
    renews_on,
    quote_id,
    quote_number,
    order_id,
    owner_id,
    owner_name,
    notes,
    file_name,
    content_type,
    file_size,
    created_at,
    updated_at,
    version,
});

const SELECT: &str =
    "SELECT c.id, c.party_id, p.full_name AS party_name, c.number, c.kind, c.status, c.starts_on,
        c.expires_on, c.renews_on, c.quote_id, q.number AS quote_number, c.order_id, c.owner_id,
        u.display_name AS owner_name, c.notes, c.file_name, c.content_type, c.file_size, c.created_at,
        c.updated_at, c.version
    FROM contracts c JOIN parties p ON p.id = c.party_id
    LEFT JOIN quotes q ON q.id = c.quote_id LEFT JOIN users u ON u.id = c.owner_id";

/// What a contract says, as written.
pub struct ContractFields<'a> {
    pub number: &'a str,
    pub kind: &'a str,
    pub status: &'a str,
    pub starts_on: NaiveDate,
    pub expires_on: Option<NaiveDate>,
    pub renews_on: Option<NaiveDate>,
    pub quote_id: Option<Uuid>,
    pub order_id: Option<Uuid>,
    pub notes: &'a str,
    /// The number and the party's name, folded, for the search box.
    pub search_text: &'a str,
}

impl ContractFields<'_> {
    fn columns(&self) -> Columns {
        vec![
            ("number", self.number.into()),
            ("kind", self.kind.into()),
            ("status", self.status.into()),
            ("starts_on", self.starts_on.into()),
            ("expires_on", self.expires_on.into()),
            ("renews_on", self.renews_on.into()),
            ("quote_id", self.quote_id.into()),
            ("order_id", self.order_id.into()),
            ("notes", self.notes.into()),
            ("search_text", self.search_text.into()),
        ]
    }
}

/// Which contract is attached to whom, by whom.
pub struct Attached {
    pub id: ContractId,
    pub party: PartyId,
    pub by: Uuid,
}

pub async fn insert(
    tx: &mut Tx,
    org_id: OrgId,
    attached: &Attached,
    fields: &ContractFields<'_>,
    file: &StoredFile<'_>,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let mut columns: Columns = vec![
        ("party_id", attached.party.0.into()),
        ("owner_id", attached.by.into()),
        ("created_by", attached.by.into()),
        ("file_name", file.file_name.into()),
        ("content_type", file.content_type.into()),
        ("file_size", file.size().into()),
        ("content", file.content.to_vec().into()),
    ];
    columns.extend(fields.columns());
    Record::of("contracts", org_id, attached.id.0).insert(tx, columns, now).await?;
    Ok(())
}

/// Writes the contract (and its new file, when one is given) if it is
/// still at `version`; false when someone saved in between.
pub async fn update(
    tx: &mut Tx,
    org_id: OrgId,
    id: ContractId,
    version: i64,
    fields: &ContractFields<'_>,
    file: Option<&StoredFile<'_>>,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    if !Record::of("contracts", org_id, id.0).update(tx, version, fields.columns(), now).await? {
        return Ok(false);
    }
    if let Some(file) = file {
        stored_file::replace(tx, FileHolder::Contracts, org_id, id.0, file).await?;
    }
    Ok(true)
}

/// Whether another contract of the organisation has this number.
pub async fn number_taken(
    tx: &mut Tx,
    org_id: OrgId,
    number: &str,
    except: Option<ContractId>,
) -> Result<bool, DbError> {
    let found: Option<Uuid> = on_tx!(tx, conn => {
        sqlx::query_scalar(
            "SELECT id FROM contracts WHERE org_id = $1 AND LOWER(number) = LOWER($2) AND ($3 IS NULL OR id <> $3) LIMIT 1",
        )
        .bind(org_id.0)
        .bind(number)
        .bind(except.map(|id| id.0))
        .fetch_optional(&mut *conn)
        .await?
    });
    Ok(found.is_some())
}

pub async fn get(db: &Db, org_id: OrgId, id: ContractId) -> Result<Option<ContractRow>, DbError> {
    let sql = format!("{SELECT} WHERE c.org_id = $1 AND c.id = $2");
    by_id::row(db, &sql, org_id, id.0).await
}

/// The party's contracts, the latest started first.
pub async fn of_party(db: &Db, org_id: OrgId, party: PartyId) -> Result<Vec<ContractRow>, DbError> {
    let sql = format!("{SELECT} WHERE c.org_id = $1 AND c.party_id = $2 ORDER BY c.starts_on DESC, c.number");
    Ok(on_db!(db, pool => sqlx::query_as(&sql).bind(org_id.0).bind(party.0).fetch_all(pool).await?))
}

/// The organisation's contracts: those whose folded number or party name
/// holds `text`, those active expiring by `until` (soonest first), at most
/// `limit`.
pub async fn find(
    db: &Db,
    org_id: OrgId,
    text: Option<&str>,
    until: Option<NaiveDate>,
    limit: u32,
) -> Result<Vec<ContractRow>, DbError> {
    let pattern =
        text.map(|t| format!("%{}%", t.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")));
    let sql = format!(
        "{SELECT} WHERE c.org_id = $1 AND ($2 IS NULL OR c.search_text LIKE $2 ESCAPE '\\')
             AND ($3 IS NULL OR (c.status = 'active' AND c.expires_on IS NOT NULL AND c.expires_on <= $3))
         ORDER BY CASE WHEN c.expires_on IS NULL THEN 1 ELSE 0 END, c.expires_on, c.number LIMIT $4"
    );
    // The search box asks on every key: on SQLite through rusqlite. The
    // text is looked for anywhere in each contract's number and customer.
    let values = vec![org_id.0.into(), pattern.into(), until.into(), i64::from(limit).into()];
    super::fetch_direct_sql(db, &sql, values, Cost::MayScan).await
}

/// The contract's file: its name, type and bytes.
pub async fn file(
    db: &Db,
    org_id: OrgId,
    id: ContractId,
) -> Result<Option<(String, String, Vec<u8>)>, DbError> {
    stored_file::read(db, FileHolder::Contracts, org_id, id.0).await
}

/// The party's quote of this number, and the order it became if any: where
/// a contract came from.
pub async fn origin(
    db: &Db,
    org_id: OrgId,
    party: PartyId,
    quote_number: i64,
) -> Result<Option<(Uuid, Option<Uuid>)>, DbError> {
    Ok(on_db!(db, pool => {
        sqlx::query_as(
            "SELECT q.id, o.id FROM quotes q LEFT JOIN orders o ON o.quote_id = q.id
             WHERE q.org_id = $1 AND q.party_id = $2 AND q.number = $3",
        )
        .bind(org_id.0)
        .bind(party.0)
        .bind(quote_number)
        .fetch_optional(pool)
        .await?
    }))
}

/// The contract as written in this transaction, to answer and audit it.
pub async fn get_in(tx: &mut Tx, org_id: OrgId, id: ContractId) -> Result<Option<ContractRow>, DbError> {
    let sql = format!("{SELECT} WHERE c.org_id = $1 AND c.id = $2");
    by_id::row_in(tx, &sql, org_id, id.0).await
}

/// An active contract whose owner is to be told it expires soon.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ReminderRow {
    pub id: Uuid,
    pub number: String,
    pub party_name: String,
    pub expires_on: NaiveDate,
    pub owner_email: String,
    pub owner_name: String,
    pub owner_locale: String,
}

/// The organisation's active contracts expiring from `today` to `until`
/// whose owner (an active user) was not told since `told_after`.
pub async fn due_reminders(
    db: &Db,
    org_id: OrgId,
    today: NaiveDate,
    until: NaiveDate,
    told_after: NaiveDate,
) -> Result<Vec<ReminderRow>, DbError> {
    Ok(on_db!(db, pool => {
        sqlx::query_as(
            "SELECT c.id, c.number, p.full_name AS party_name, c.expires_on, u.email AS owner_email,
                    u.display_name AS owner_name, u.locale AS owner_locale
             FROM contracts c JOIN parties p ON p.id = c.party_id JOIN users u ON u.id = c.owner_id
             WHERE c.org_id = $1 AND c.status = 'active' AND c.expires_on >= $2 AND c.expires_on <= $3
               AND (c.reminded_on IS NULL OR c.reminded_on <= $4) AND u.active
             ORDER BY u.email, c.expires_on, c.number",
        )
        .bind(org_id.0)
        .bind(today)
        .bind(until)
        .bind(told_after)
        .fetch_all(pool)
        .await?
    }))
}

/// Notes that the contracts' owners were told on `today`.
pub async fn mark_reminded(
    tx: &mut Tx,
    org_id: OrgId,
    ids: &[Uuid],
    today: NaiveDate,
) -> Result<(), DbError> {
    for id in ids {
        on_tx!(tx, conn => {
            sqlx::query("UPDATE contracts SET reminded_on = $3 WHERE org_id = $1 AND id = $2")
                .bind(org_id.0)
                .bind(id)
                .bind(today)
                .execute(&mut *conn)
                .await?;
        });
    }
    Ok(())
}
