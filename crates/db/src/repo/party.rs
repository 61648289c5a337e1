//! Parties [Cadastro de Pessoa] and everything attached to them.
use crate::{Db, DbError, Tx, on_db, on_tx};
use chrono::{DateTime, NaiveDate, Utc};
use domain::access::{Portfolio, Reach};
use domain::address::Address;
use domain::document::{Document, DocumentKind};
use domain::party::{Channel, ConsentState, ValidParty, search_text, sort_name};
use domain::phone::Country;
use domain::{BranchId, OrgId, PartyId, UserId};
use sea_query::{
    Alias, Condition, Expr, Order, PostgresQueryBuilder, Query, SelectStatement, SimpleExpr,
    SqliteQueryBuilder,
};
use sea_query_binder::SqlxBinder;
use uuid::Uuid;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PartyRow {
    pub id: Uuid,
    pub kind: String,
    pub lifecycle: String,
    pub prospect_state: Option<String>,
    pub customer_status: Option<String>,
    pub full_name: String,
    pub trade_name: Option<String>,
    pub document_kind: Option<String>,
    pub document: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub sex: Option<String>,
    pub profession: Option<String>,
    pub football_team: Option<String>,
    pub shoe_size: Option<i64>,
    pub spouse_name: Option<String>,
    pub spouse_birth_date: Option<NaiveDate>,
    pub seller_id: Option<Uuid>,
    pub branch_id: Option<Uuid>,
    pub credit_bureau_status: Option<String>,
    pub agreement: Option<String>,
    pub credit_complement: Option<String>,
    pub revolving_credit_limit: Option<i64>,
    pub company_sector: Option<String>,
    pub city: String,
    pub state: String,
    pub consent_sms_whatsapp: bool,
    pub consent_email: bool,
    pub consent_phone: bool,
    pub consent_letter: bool,
    pub merged_into: Option<Uuid>,
    pub archived_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub updated_by: Option<Uuid>,
    pub version: i64,
}

const COLUMNS: &str = "id, kind, lifecycle, prospect_state, customer_status, full_name, trade_name, document_kind, \
    document, birth_date, sex, profession, football_team, shoe_size, spouse_name, spouse_birth_date, seller_id, \
    branch_id, credit_bureau_status, agreement, credit_complement, revolving_credit_limit, company_sector, city, state, \
    consent_sms_whatsapp, consent_email, consent_phone, consent_letter, merged_into, archived_at, created_at, \
    updated_at, updated_by, version";

/// The consent and document columns, read the same way for a full row
/// and for a list row.
fn consent_of(sms_whatsapp: bool, email: bool, phone: bool, letter: bool) -> ConsentState {
    ConsentState { sms_whatsapp, email, phone, letter }
}

fn document_of(kind: Option<&str>, value: Option<&String>) -> Option<Document> {
    Some(Document { kind: DocumentKind::parse(kind?)?, value: value?.clone() })
}

impl PartyRow {
    pub fn consent(&self) -> ConsentState {
        consent_of(self.consent_sms_whatsapp, self.consent_email, self.consent_phone, self.consent_letter)
    }

    pub fn document(&self) -> Option<Document> {
        document_of(self.document_kind.as_deref(), self.document.as_ref())
    }
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PhoneRow {
    pub e164: String,
    pub kind: String,
    pub carrier: Option<String>,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AddressRow {
    pub street: String,
    pub number: String,
    pub complement: String,
    pub neighbourhood: String,
    pub city: String,
    pub state: String,
    pub postal_code: String,
    pub country: String,
}

impl AddressRow {
    pub fn into_address(self) -> Address {
        Address {
            street: self.street,
            number: self.number,
            complement: self.complement,
            neighbourhood: self.neighbourhood,
            city: self.city,
            state: self.state,
            postal_code: self.postal_code,
            country: Country::parse(&self.country).unwrap_or_default(),
        }
    }
}

/// A party with its child rows, as the registration sheet shows it.
#[derive(Clone, Debug)]
pub struct PartyRecord {
    pub row: PartyRow,
    pub phones: Vec<PhoneRow>,
    pub emails: Vec<String>,
    pub addresses: Vec<AddressRow>,
    pub tags: Vec<String>,
}

/// A stable 64-bit key for SQLite's full-text index, from the id's random
/// tail (UUID v7: 62 random bits there).
pub fn search_rowid(id: PartyId) -> i64 {
    let bytes = id.0.as_bytes();
    let mut tail = [0u8; 8];
    tail.copy_from_slice(&bytes[8..16]);
    i64::from_be_bytes(tail)
}

/// Binds the 26 registration columns, kind through search_text, in the
/// order both `insert` and `update` list them.
macro_rules! bind_registration {
    ($query:expr, $party:expr, $city:expr, $city_key:expr, $state:expr) => {{
        let party = $party;
        $query
            .bind(party.kind.as_str())
            .bind(party.lifecycle.as_str())
            .bind(party.prospect_state.map(|s| s.as_str()))
            .bind(party.customer_status.as_deref())
            .bind(&party.full_name)
            .bind(party.trade_name.as_deref())
            .bind(sort_name(&party.full_name))
            .bind(party.document.as_ref().map(|d| d.kind.as_str()))
            .bind(party.document.as_ref().map(|d| d.value.as_str()))
            .bind(party.birth_date)
            .bind(party.sex.map(|s| s.as_str()))
            .bind(party.profession.as_deref())
            .bind(party.football_team.as_deref())
            .bind(party.shoe_size)
            .bind(party.spouse_name.as_deref())
            .bind(party.spouse_birth_date)
            .bind(party.seller_id.map(|u| u.0))
            .bind(party.credit_bureau_status.as_deref())
            .bind(party.agreement.as_deref())
            .bind(party.credit_complement.as_deref())
            .bind(party.revolving_credit_limit.map(|m| m.0))
            .bind(party.company_sector.as_deref())
            .bind(&$city)
            .bind(&$city_key)
            .bind(&$state)
            .bind(search_text(party))
    }};
}

#[tracing::instrument(skip_all)]
pub async fn insert(
    tx: &mut Tx,
    org_id: OrgId,
    id: PartyId,
    party: &ValidParty,
    by: Option<UserId>,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let (city, city_key, state) = place(party);
    on_tx!(tx, conn => {
        let query = sqlx::query(
            "INSERT INTO parties (id, org_id, kind, lifecycle, prospect_state, customer_status, full_name, trade_name,
                sort_name, document_kind, document, birth_date, sex, profession, football_team, shoe_size,
                spouse_name, spouse_birth_date, seller_id, credit_bureau_status, agreement, credit_complement,
                revolving_credit_limit, company_sector, city, city_key, state, search_text, search_rowid,
                created_at, created_by, updated_at, updated_by, version)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,
                $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $30, $31, 1)",
        )
        .bind(id.0)
        .bind(org_id.0);
        let query = bind_registration!(query, party, city, city_key, state);
        query
        .bind(search_rowid(id))
        .bind(now)
        .bind(by.map(|u| u.0))
        .execute(&mut *conn)
        .await?;
    });
    replace_children(tx, org_id, id, party).await
}

pub(crate) fn place(party: &ValidParty) -> (String, String, String) {
    match &party.address {
        Some(address) => (address.city.clone(), domain::search::fold(&address.city), address.state.clone()),
        None => (String::new(), String::new(), String::new()),
    }
}

/// Replaces phones, e-mails, the address and tags with the party's.
async fn replace_children(
    tx: &mut Tx,
    org_id: OrgId,
    id: PartyId,
    party: &ValidParty,
) -> Result<(), DbError> {
    on_tx!(tx, conn => {
        for table in ["party_phones", "party_emails", "party_addresses", "party_tags"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE party_id = $1")).bind(id.0).execute(&mut *conn).await?;
        }
        for (position, phone) in party.phones.iter().enumerate() {
            sqlx::query("INSERT INTO party_phones (id, org_id, party_id, position, e164, kind, carrier) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                .bind(Uuid::now_v7())
                .bind(org_id.0)
                .bind(id.0)
                .bind(position as i64)
                .bind(phone.phone.e164())
                .bind(phone.kind.as_str())
                .bind(phone.carrier.as_deref())
                .execute(&mut *conn)
                .await?;
        }
        for (position, email) in party.emails.iter().enumerate() {
            sqlx::query("INSERT INTO party_emails (id, org_id, party_id, position, email) VALUES ($1, $2, $3, $4, $5)")
                .bind(Uuid::now_v7())
                .bind(org_id.0)
                .bind(id.0)
                .bind(position as i64)
                .bind(email.as_str())
                .execute(&mut *conn)
                .await?;
        }
        if let Some(a) = &party.address {
            sqlx::query(
                "INSERT INTO party_addresses (id, org_id, party_id, position, street, number, complement, neighbourhood,
                    city, state, postal_code, country) VALUES ($1, $2, $3, 0, $4, $5, $6, $7, $8, $9, $10, $11)",
            )
            .bind(Uuid::now_v7())
            .bind(org_id.0)
            .bind(id.0)
            .bind(&a.street)
            .bind(&a.number)
            .bind(&a.complement)
            .bind(&a.neighbourhood)
            .bind(&a.city)
            .bind(&a.state)
            .bind(&a.postal_code)
            .bind(a.country.code())
            .execute(&mut *conn)
            .await?;
        }
        for tag in &party.tags {
            sqlx::query("INSERT INTO party_tags (org_id, party_id, tag) VALUES ($1, $2, $3)")
                .bind(org_id.0)
                .bind(id.0)
                .bind(tag)
                .execute(&mut *conn)
                .await?;
        }
    });
    Ok(())
}

/// Rewrites the registration data if the row is still at
/// `expected_version`; false when someone saved first.
#[tracing::instrument(skip_all)]
pub async fn update(
    tx: &mut Tx,
    org_id: OrgId,
    id: PartyId,
    expected_version: i64,
    party: &ValidParty,
    by: Option<UserId>,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let (city, city_key, state) = place(party);
    let changed = on_tx!(tx, conn => {
        let query = sqlx::query(
            "UPDATE parties SET kind = $4, lifecycle = $5, prospect_state = $6, customer_status = $7, full_name = $8,
                trade_name = $9, sort_name = $10, document_kind = $11, document = $12, birth_date = $13, sex = $14,
                profession = $15, football_team = $16, shoe_size = $17, spouse_name = $18, spouse_birth_date = $19,
                seller_id = $20, credit_bureau_status = $21, agreement = $22, credit_complement = $23,
                revolving_credit_limit = $24, company_sector = $25, city = $26, city_key = $27, state = $28,
                search_text = $29, updated_at = $30, updated_by = $31, version = version + 1
             WHERE org_id = $1 AND id = $2 AND version = $3 AND merged_into IS NULL",
        )
        .bind(org_id.0)
        .bind(id.0)
        .bind(expected_version);
        let query = bind_registration!(query, party, city, city_key, state);
        query
        .bind(now)
        .bind(by.map(|u| u.0))
        .execute(&mut *conn)
        .await?
        .rows_affected()
            == 1
    });
    if changed {
        replace_children(tx, org_id, id, party).await?;
    }
    Ok(changed)
}

/// Bumps the version and stamps who changed the party, for changes that
/// live in other tables (consent, notes, merges).
pub async fn touch(
    tx: &mut Tx,
    org_id: OrgId,
    id: PartyId,
    by: Option<UserId>,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    on_tx!(tx, conn => {
        sqlx::query("UPDATE parties SET updated_at = $3, updated_by = $4, version = version + 1 WHERE org_id = $1 AND id = $2")
            .bind(org_id.0)
            .bind(id.0)
            .bind(now)
            .bind(by.map(|u| u.0))
            .execute(&mut *conn)
            .await?;
    });
    Ok(())
}

/// Soft delete [arquivar]: the row stays for history, out of lists and search.
pub async fn set_archived(
    tx: &mut Tx,
    org_id: OrgId,
    id: PartyId,
    expected_version: i64,
    archived_at: Option<DateTime<Utc>>,
    by: Option<UserId>,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    Ok(on_tx!(tx, conn => {
        sqlx::query(
            "UPDATE parties SET archived_at = $4, updated_at = $5, updated_by = $6, version = version + 1
             WHERE org_id = $1 AND id = $2 AND version = $3 AND merged_into IS NULL",
        )
        .bind(org_id.0)
        .bind(id.0)
        .bind(expected_version)
        .bind(archived_at)
        .bind(now)
        .bind(by.map(|u| u.0))
        .execute(&mut *conn)
        .await?
        .rows_affected()
            == 1
    }))
}

/// A party's phones, e-mails, addresses and tags, read the same way
/// through a pool or inside a transaction (`$exec`).
macro_rules! fetch_children {
    ($id:expr, $exec:expr) => {{
        let phones: Vec<PhoneRow> = sqlx::query_as(
            "SELECT e164, kind, carrier FROM party_phones WHERE party_id = $1 ORDER BY position",
        )
        .bind($id)
        .fetch_all($exec)
        .await?;
        let emails: Vec<String> =
            sqlx::query_scalar("SELECT email FROM party_emails WHERE party_id = $1 ORDER BY position")
                .bind($id)
                .fetch_all($exec)
                .await?;
        let addresses: Vec<AddressRow> = sqlx::query_as(
            "SELECT street, number, complement, neighbourhood, city, state, postal_code, country
             FROM party_addresses WHERE party_id = $1 ORDER BY position",
        )
        .bind($id)
        .fetch_all($exec)
        .await?;
        let tags: Vec<String> =
            sqlx::query_scalar("SELECT tag FROM party_tags WHERE party_id = $1 ORDER BY tag")
                .bind($id)
                .fetch_all($exec)
                .await?;
        (phones, emails, addresses, tags)
    }};
}

async fn load_children_db(db: &Db, row: PartyRow) -> Result<PartyRecord, DbError> {
    let id = row.id;
    let (phones, emails, addresses, tags) = on_db!(db, pool => fetch_children!(id, pool));
    Ok(PartyRecord { row, phones, emails, addresses, tags })
}

/// The whole party as the transaction sees it, so that an audit entry's
/// before and after are read the same way.
pub async fn get_in_tx(tx: &mut Tx, org_id: OrgId, id: PartyId) -> Result<Option<PartyRecord>, DbError> {
    let Some(row) = get_row_in_tx(tx, org_id, id).await? else {
        return Ok(None);
    };
    let (phones, emails, addresses, tags) = on_tx!(tx, conn => fetch_children!(id.0, &mut *conn));
    Ok(Some(PartyRecord { row, phones, emails, addresses, tags }))
}

/// One party of the organisation, by id, if the scope reaches it.
fn select_in_scope(scope: &Scope, id: PartyId) -> SelectStatement {
    let mut query = Query::select();
    query
        .from(col("parties"))
        .and_where(Expr::col((col("parties"), col("org_id"))).eq(scope.org_id.0))
        .and_where(Expr::col((col("parties"), col("id"))).eq(id.0));
    if let Some(condition) = reach_condition(scope.reach) {
        query.and_where(condition);
    }
    query
}

async fn fetch_optional<T>(db: &Db, query: &SelectStatement) -> Result<Option<T>, DbError>
where
    T: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
        + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>
        + Send
        + Unpin,
{
    Ok(match db {
        Db::Sqlite(sqlite) => {
            let (sql, values) = query.build_sqlx(SqliteQueryBuilder);
            sqlx::query_as_with(&sql, values).fetch_optional(&sqlite.reader()).await?
        }
        Db::Postgres(pg) => {
            let (sql, values) = query.build_sqlx(PostgresQueryBuilder);
            sqlx::query_as_with(&sql, values).fetch_optional(pg).await?
        }
    })
}

#[tracing::instrument(skip_all)]
pub async fn get(db: &Db, scope: &Scope, id: PartyId) -> Result<Option<PartyRecord>, DbError> {
    let row: Option<PartyRow> =
        fetch_optional(db, select_in_scope(scope, id).expr(Expr::cust(COLUMNS))).await?;
    match row {
        Some(row) => Ok(Some(load_children_db(db, row).await?)),
        None => Ok(None),
    }
}

/// Where a party stands, for access checks: its portfolio, and the
/// survivor when it was merged.
#[derive(Clone, Copy, Debug)]
pub struct Standing {
    pub portfolio: Portfolio,
    pub merged_into: Option<PartyId>,
}

/// A party's standing, if the scope reaches it.
pub async fn standing(db: &Db, scope: &Scope, id: PartyId) -> Result<Option<Standing>, DbError> {
    let mut query = select_in_scope(scope, id);
    query.columns([
        (col("parties"), col("seller_id")),
        (col("parties"), col("branch_id")),
        (col("parties"), col("merged_into")),
    ]);
    let row: Option<(Option<Uuid>, Option<Uuid>, Option<Uuid>)> = fetch_optional(db, &query).await?;
    Ok(row.map(|(owner, branch, merged_into)| Standing {
        portfolio: Portfolio { owner: owner.map(UserId), branch: branch.map(BranchId) },
        merged_into: merged_into.map(PartyId),
    }))
}

/// The row as the transaction sees it (for before/after in the audit).
pub async fn get_row_in_tx(tx: &mut Tx, org_id: OrgId, id: PartyId) -> Result<Option<PartyRow>, DbError> {
    let sql = format!("SELECT {COLUMNS} FROM parties WHERE org_id = $1 AND id = $2");
    Ok(on_tx!(tx, conn => {
        sqlx::query_as(&sql).bind(org_id.0).bind(id.0).fetch_optional(&mut *conn).await?
    }))
}

/// Who last changed a party, for the "changed by X at T" message.
pub async fn last_change(
    tx: &mut Tx,
    org_id: OrgId,
    id: PartyId,
) -> Result<Option<(String, DateTime<Utc>)>, DbError> {
    Ok(on_tx!(tx, conn => {
        sqlx::query_as(
            "SELECT COALESCE(u.display_name, '?'), p.updated_at FROM parties p
             LEFT JOIN users u ON u.id = p.updated_by WHERE p.org_id = $1 AND p.id = $2",
        )
        .bind(org_id.0)
        .bind(id.0)
        .fetch_optional(&mut *conn)
        .await?
    }))
}

/// A live party holding this document, other than `except`.
pub async fn find_by_document(
    tx: &mut Tx,
    org_id: OrgId,
    document: &str,
    except: Option<PartyId>,
) -> Result<Option<(Uuid, String)>, DbError> {
    Ok(on_tx!(tx, conn => {
        sqlx::query_as(
            "SELECT id, full_name FROM parties WHERE org_id = $1 AND document = $2 AND merged_into IS NULL AND id <> $3",
        )
        .bind(org_id.0)
        .bind(document)
        .bind(except.map(|p| p.0).unwrap_or(Uuid::nil()))
        .fetch_optional(&mut *conn)
        .await?
    }))
}

/// Live parties sharing any of these e-mails or phones (duplicate warnings).
pub async fn find_sharing_contacts(
    db: &Db,
    org_id: OrgId,
    emails: &[String],
    phones: &[String],
    except: Option<PartyId>,
) -> Result<Vec<(Uuid, String)>, DbError> {
    let except = except.map(|p| p.0).unwrap_or(Uuid::nil());
    let mut found: Vec<(Uuid, String)> = Vec::new();
    for (table, column, values) in [("party_emails", "email", emails), ("party_phones", "e164", phones)] {
        for value in values {
            let sql = format!(
                "SELECT p.id, p.full_name FROM {table} c JOIN parties p ON p.id = c.party_id
                 WHERE c.org_id = $1 AND c.{column} = $2 AND p.id <> $3 AND p.merged_into IS NULL AND p.archived_at IS NULL
                 LIMIT 5"
            );
            let rows: Vec<(Uuid, String)> = on_db!(db, pool => {
                sqlx::query_as(&sql).bind(org_id.0).bind(value).bind(except).fetch_all(pool).await?
            });
            for row in rows {
                if !found.iter().any(|(id, _)| *id == row.0) {
                    found.push(row);
                }
            }
        }
    }
    Ok(found)
}

/// A row of the customer list and of search results.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PartySummary {
    pub id: Uuid,
    pub kind: String,
    pub lifecycle: String,
    pub prospect_state: Option<String>,
    pub customer_status: Option<String>,
    pub full_name: String,
    pub trade_name: Option<String>,
    pub sort_name: String,
    pub document_kind: Option<String>,
    pub document: Option<String>,
    pub city: String,
    pub state: String,
    pub seller_id: Option<Uuid>,
    pub branch_id: Option<Uuid>,
    pub consent_sms_whatsapp: bool,
    pub consent_email: bool,
    pub consent_phone: bool,
    pub consent_letter: bool,
    pub created_at: DateTime<Utc>,
    pub first_phone: Option<String>,
    pub first_email: Option<String>,
}

impl PartySummary {
    pub fn consent(&self) -> ConsentState {
        consent_of(self.consent_sms_whatsapp, self.consent_email, self.consent_phone, self.consent_letter)
    }

    pub fn document(&self) -> Option<Document> {
        document_of(self.document_kind.as_deref(), self.document.as_ref())
    }
}

/// Columns a list may be sorted by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum PartySort {
    #[default]
    Name,
    City,
    State,
    Newest,
}

#[derive(Clone, Debug, Default)]
pub struct PartyListFilter {
    pub kind: Option<String>,
    pub lifecycle: Option<String>,
    pub customer_status: Option<String>,
    pub prospect_state: Option<String>,
    pub city_key: Option<String>,
    pub state: Option<String>,
    pub seller_id: Option<Uuid>,
    pub tag: Option<String>,
    /// Owners of a vehicle with this plate (seven characters, normalised).
    pub plate: Option<String>,
    pub include_archived: bool,
}

/// Where the previous page ended: the sort value and the id.
#[derive(Clone, Debug)]
pub struct Keyset {
    pub value: String,
    pub id: Uuid,
}

fn col(name: &str) -> Alias {
    Alias::new(name)
}

/// The columns of a list row; shared by the sea-query list and the
/// hand-written SQLite search so both return the same shape.
const SUMMARY_COLUMNS: &str = "parties.id, parties.kind, parties.lifecycle, parties.prospect_state, \
    parties.customer_status, parties.full_name, parties.trade_name, parties.sort_name, parties.document_kind, \
    parties.document, parties.city, parties.state, parties.seller_id, parties.branch_id, \
    parties.consent_sms_whatsapp, \
    parties.consent_email, parties.consent_phone, parties.consent_letter, parties.created_at, \
    (SELECT ph.e164 FROM party_phones ph WHERE ph.party_id = parties.id ORDER BY ph.position LIMIT 1) AS first_phone, \
    (SELECT em.email FROM party_emails em WHERE em.party_id = parties.id ORDER BY em.position LIMIT 1) AS first_email";

/// The parties a query may return: one organisation's, within the
/// user's reach. Every read of parties takes one, so no list, count,
/// search, export or sheet can return a row its reader may not see.
#[derive(Clone, Copy, Debug)]
pub struct Scope {
    pub org_id: OrgId,
    pub reach: Reach,
}

/// The SQL side of [`Reach::covers`].
fn reach_condition(reach: Reach) -> Option<SimpleExpr> {
    match reach {
        Reach::Everything => None,
        Reach::Branch(branch) => Some(Expr::col((col("parties"), col("branch_id"))).eq(branch.0)),
        Reach::OwnedBy(user) => Some(Expr::col((col("parties"), col("seller_id"))).eq(user.0)),
    }
}

fn summary_select(scope: &Scope, filter: &PartyListFilter) -> SelectStatement {
    let mut query = Query::select();
    query
        .expr(Expr::cust(SUMMARY_COLUMNS))
        .from(col("parties"))
        .and_where(Expr::col((col("parties"), col("org_id"))).eq(scope.org_id.0))
        .and_where(Expr::col((col("parties"), col("merged_into"))).is_null());
    if let Some(condition) = reach_condition(scope.reach) {
        query.and_where(condition);
    }
    if !filter.include_archived {
        query.and_where(Expr::col((col("parties"), col("archived_at"))).is_null());
    }
    let equals = [
        ("kind", &filter.kind),
        ("lifecycle", &filter.lifecycle),
        ("customer_status", &filter.customer_status),
        ("prospect_state", &filter.prospect_state),
        ("city_key", &filter.city_key),
        ("state", &filter.state),
    ];
    for (column, value) in equals {
        if let Some(value) = value {
            query.and_where(Expr::col((col("parties"), col(column))).eq(value.as_str()));
        }
    }
    if let Some(seller) = filter.seller_id {
        query.and_where(Expr::col((col("parties"), col("seller_id"))).eq(seller));
    }
    if let Some(plate) = &filter.plate {
        query.and_where(
            Expr::col((col("parties"), col("id"))).in_subquery(
                Query::select()
                    .column(col("party_id"))
                    .from(col("vehicles"))
                    .and_where(Expr::col(col("org_id")).eq(scope.org_id.0))
                    .and_where(Expr::col(col("plate")).eq(plate.as_str()))
                    .to_owned(),
            ),
        );
    }
    if let Some(tag) = &filter.tag {
        query.and_where(Expr::exists(
            Query::select()
                .expr(Expr::val(1))
                .from(col("party_tags"))
                .and_where(
                    Expr::col((col("party_tags"), col("party_id"))).equals((col("parties"), col("id"))),
                )
                .and_where(Expr::col((col("party_tags"), col("tag"))).eq(tag.as_str()))
                .to_owned(),
        ));
    }
    query
}

/// One page of the list, in keyset order: `limit` rows after `after`.
#[tracing::instrument(skip_all)]
pub async fn list(
    db: &Db,
    scope: &Scope,
    filter: &PartyListFilter,
    sort: PartySort,
    descending: bool,
    after: Option<&Keyset>,
    limit: u32,
) -> Result<Vec<PartySummary>, DbError> {
    let mut query = summary_select(scope, filter);
    let sort_column = match sort {
        PartySort::Name => "sort_name",
        PartySort::City => "city_key",
        PartySort::State => "state",
        PartySort::Newest => "id",
    };
    let order = if descending { Order::Desc } else { Order::Asc };
    if let Some(keyset) = after {
        // A row-value comparison lets both databases seek the index to the
        // cursor; the equivalent OR makes SQLite scan from the start.
        let (columns, values) = if sort == PartySort::Newest {
            (
                Expr::tuple([Expr::col((col("parties"), col("id"))).into()]),
                Expr::tuple([Expr::val(keyset.id).into()]),
            )
        } else {
            (
                Expr::tuple([
                    Expr::col((col("parties"), col(sort_column))).into(),
                    Expr::col((col("parties"), col("id"))).into(),
                ]),
                Expr::tuple([Expr::val(keyset.value.clone()).into(), Expr::val(keyset.id).into()]),
            )
        };
        query.and_where(if descending { columns.lt(values) } else { columns.gt(values) });
    }
    if sort != PartySort::Newest {
        query.order_by((col("parties"), col(sort_column)), order.clone());
    }
    query.order_by((col("parties"), col("id")), order).limit(u64::from(limit));
    fetch_summaries(db, &query).await
}

async fn fetch_summaries(db: &Db, query: &SelectStatement) -> Result<Vec<PartySummary>, DbError> {
    Ok(match db {
        Db::Sqlite(sqlite) => {
            let (sql, values) = query.build_sqlx(SqliteQueryBuilder);
            sqlx::query_as_with(&sql, values).fetch_all(&sqlite.reader()).await?
        }
        Db::Postgres(pg) => {
            let (sql, values) = query.build_sqlx(PostgresQueryBuilder);
            sqlx::query_as_with(&sql, values).fetch_all(pg).await?
        }
    })
}

/// Counts what the filter selects, up to `cap`: past a few thousand a
/// person reads "10.000+", and an exact count of a million rows costs
/// seconds on every page view.
#[tracing::instrument(skip_all)]
pub async fn count(db: &Db, scope: &Scope, filter: &PartyListFilter, cap: u64) -> Result<i64, DbError> {
    let mut inner = summary_select(scope, filter);
    inner.clear_selects();
    inner.expr(Expr::val(1)).limit(cap);
    let mut query = Query::select();
    query.expr(Expr::cust("COUNT(*)")).from_subquery(inner, col("capped"));
    Ok(match db {
        Db::Sqlite(sqlite) => {
            let (sql, values) = query.build_sqlx(SqliteQueryBuilder);
            sqlx::query_scalar_with(&sql, values).fetch_one(&sqlite.reader()).await?
        }
        Db::Postgres(pg) => {
            let (sql, values) = query.build_sqlx(PostgresQueryBuilder);
            sqlx::query_scalar_with(&sql, values).fetch_one(pg).await?
        }
    })
}

/// With this many whole-word matches a prefix search adds nothing a
/// person would scroll to.
const ENOUGH_EXACT_HITS: usize = 50;

/// Candidates for a search, unranked; the app ranks them. Each term must
/// start a word of the folded search text.
#[tracing::instrument(skip_all)]
pub async fn search(
    db: &Db,
    scope: &Scope,
    terms: &[String],
    limit: u32,
) -> Result<Vec<PartySummary>, DbError> {
    if terms.is_empty() {
        return Ok(Vec::new());
    }
    // Candidates come from the whole organisation's index; a user who sees
    // a branch needs more of them to find his among the others.
    let candidates: u32 = if scope.reach == Reach::Everything { 200 } else { 5000 };
    match db {
        Db::Sqlite(sqlite) => {
            let (reach, reach_value) = match scope.reach {
                Reach::Everything => ("", None),
                Reach::Branch(branch) => ("AND parties.branch_id = $5", Some(branch.0)),
                Reach::OwnedBy(user) => ("AND parties.seller_id = $5", Some(user.0)),
            };
            // FTS first, then each hit's party by its unique key: the
            // CROSS JOIN pins that order, which the planner could otherwise
            // swap for a walk over the organisation's index.
            let sql = format!(
                "SELECT {SUMMARY_COLUMNS} FROM
                    (SELECT rowid AS hit FROM search_fts_parties WHERE search_fts_parties MATCH $1 LIMIT $4) hits
                 CROSS JOIN parties ON parties.search_rowid = hits.hit
                 WHERE parties.org_id = $2 AND parties.merged_into IS NULL AND parties.archived_at IS NULL {reach}
                 LIMIT $3"
            );
            let quoted: Vec<String> = terms.iter().map(|t| format!("\"{}\"", t.replace('"', ""))).collect();
            // Whole words first: FTS5 reads a word's doclist lazily and stops
            // at the limit, but expands a prefix into one merged list first,
            // which for "silva*" among millions costs tens of milliseconds.
            let reader = sqlite.reader();
            let run = |query: String| {
                let mut statement = sqlx::query_as::<_, PartySummary>(&sql)
                    .bind(query)
                    .bind(scope.org_id.0)
                    .bind(i64::from(limit))
                    .bind(i64::from(candidates));
                if let Some(value) = reach_value {
                    statement = statement.bind(value);
                }
                statement.fetch_all(&reader)
            };
            let exact = run(quoted.join(" ")).await?;
            if exact.len() >= ENOUGH_EXACT_HITS {
                return Ok(exact);
            }
            // Only the word being typed is a prefix; a single letter would
            // expand to most of the index and narrows nothing, so it waits.
            let (typing, complete) = quoted.split_last().unwrap_or((&quoted[0], &[]));
            let typed_chars = typing.chars().count().saturating_sub(2);
            let mut words: Vec<String> = complete.to_vec();
            if typed_chars >= 2 || complete.is_empty() {
                words.push(format!("{typing}*"));
            }
            let prefixed = words.join(" ");
            let mut found = run(prefixed).await?;
            for row in exact {
                if !found.iter().any(|f| f.id == row.id) {
                    found.push(row);
                }
            }
            Ok(found)
        }
        Db::Postgres(_) => {
            // A name typed from its start is an index range on the folded
            // name, and those names rank first anyway.
            let mut by_name = summary_select(scope, &PartyListFilter::default());
            by_name
                .and_where(starts_with(Expr::col((col("parties"), col("sort_name"))), &terms.join(" ")))
                .order_by((col("parties"), col("sort_name")), Order::Asc)
                .limit(u64::from(limit));
            let mut found = fetch_summaries(db, &by_name).await?;
            if found.len() >= ENOUGH_EXACT_HITS {
                return Ok(found);
            }
            // Whole-organisation searches already hold the best-ranked
            // names; the words only fill up the list.
            let word_hits =
                if scope.reach == Reach::Everything { ENOUGH_EXACT_HITS as u32 } else { candidates };
            let Some(words) = search_words_postgres(scope.org_id, terms, word_hits) else {
                return Ok(found);
            };
            let mut by_words = summary_select(scope, &PartyListFilter::default());
            by_words
                .and_where(Expr::col((col("parties"), col("id"))).in_subquery(words))
                .limit(u64::from(limit));
            for row in fetch_summaries(db, &by_words).await? {
                if !found.iter().any(|f| f.id == row.id) {
                    found.push(row);
                }
            }
            Ok(found)
        }
    }
}

/// `column` starts with `prefix`, as a range a byte-wise ("C") index
/// answers even in a generic prepared plan, where `LIKE $1` could not.
fn starts_with(column: Expr, prefix: &str) -> SimpleExpr {
    let above = format!("{prefix}{}", char::MAX);
    column.clone().gte(prefix).and(column.lt(above))
}

/// The ids of parties whose words match the terms, from PostgreSQL's word
/// index: the words typed before the last are whole words, intersected by
/// a merge join on party_id (the longest, likely the rarest, drives); the
/// word being typed is a prefix. As on SQLite, a one-letter prefix after
/// whole words narrows nothing and waits.
fn search_words_postgres(org_id: OrgId, terms: &[String], limit: u32) -> Option<SelectStatement> {
    let (typing, complete) = terms.split_last()?;
    let mut whole: Vec<&String> = complete.iter().collect();
    whole.sort_by_key(|word| std::cmp::Reverse(word.len()));
    let prefix = (typing.chars().count() >= 2 || whole.is_empty()).then_some(typing.as_str());
    let word = |alias: &str| Expr::col((col(alias), col("word")));
    let mut query = Query::select();
    query
        .column((col("w0"), col("party_id")))
        .from_as(col("search_words_parties"), col("w0"))
        .and_where(Expr::col((col("w0"), col("org_id"))).eq(org_id.0))
        .limit(u64::from(limit));
    match whole.split_first() {
        None => {
            query.and_where(starts_with(word("w0"), prefix?));
        }
        Some((driver, others)) => {
            query.and_where(word("w0").eq(driver.as_str()));
            for (index, other) in others.iter().enumerate() {
                let alias = format!("w{}", index + 1);
                query.join_as(
                    sea_query::JoinType::InnerJoin,
                    col("search_words_parties"),
                    col(&alias),
                    Condition::all()
                        .add(Expr::col((col(&alias), col("org_id"))).equals((col("w0"), col("org_id"))))
                        .add(word(&alias).eq(other.as_str()))
                        .add(Expr::col((col(&alias), col("party_id"))).equals((col("w0"), col("party_id")))),
                );
            }
            if let Some(prefix) = prefix {
                query.and_where(Expr::exists(
                    Query::select()
                        .expr(Expr::val(1))
                        .from_as(col("search_words_parties"), col("wp"))
                        .and_where(
                            Expr::col((col("wp"), col("party_id"))).equals((col("w0"), col("party_id"))),
                        )
                        .and_where(starts_with(word("wp"), prefix))
                        .take(),
                ));
            }
        }
    }
    Some(query)
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ConsentEventRow {
    pub id: Uuid,
    pub channel: String,
    pub granted: bool,
    pub at: DateTime<Utc>,
    pub source: String,
    pub wording: String,
    pub recorded_by_label: String,
}

pub struct NewConsentEvent<'a> {
    pub org_id: OrgId,
    pub party_id: PartyId,
    pub channel: Channel,
    pub granted: bool,
    pub source: &'a str,
    pub wording: &'a str,
    pub recorded_by: Option<UserId>,
    pub recorded_by_label: &'a str,
}

/// Appends to the ledger and updates the derived current state in the
/// same transaction.
pub async fn record_consent(
    tx: &mut Tx,
    event: &NewConsentEvent<'_>,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let column = match event.channel {
        Channel::SmsWhatsapp => "consent_sms_whatsapp",
        Channel::Email => "consent_email",
        Channel::Phone => "consent_phone",
        Channel::Letter => "consent_letter",
    };
    on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO consent_events (id, org_id, party_id, channel, granted, at, source, wording, recorded_by, recorded_by_label)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(Uuid::now_v7())
        .bind(event.org_id.0)
        .bind(event.party_id.0)
        .bind(event.channel.as_str())
        .bind(event.granted)
        .bind(now)
        .bind(event.source)
        .bind(event.wording)
        .bind(event.recorded_by.map(|u| u.0))
        .bind(event.recorded_by_label)
        .execute(&mut *conn)
        .await?;
        sqlx::query(&format!("UPDATE parties SET {column} = $3 WHERE org_id = $1 AND id = $2"))
            .bind(event.org_id.0)
            .bind(event.party_id.0)
            .bind(event.granted)
            .execute(&mut *conn)
            .await?;
    });
    Ok(())
}

pub async fn consent_history(
    db: &Db,
    org_id: OrgId,
    party_id: PartyId,
) -> Result<Vec<ConsentEventRow>, DbError> {
    Ok(on_db!(db, pool => {
        sqlx::query_as(
            "SELECT id, channel, granted, at, source, wording, recorded_by_label FROM consent_events
             WHERE org_id = $1 AND party_id = $2 ORDER BY id DESC",
        )
        .bind(org_id.0)
        .bind(party_id.0)
        .fetch_all(pool)
        .await?
    }))
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct NoteRow {
    pub id: Uuid,
    pub body: String,
    pub author_label: String,
    pub created_at: DateTime<Utc>,
}

pub async fn insert_note(
    tx: &mut Tx,
    org_id: OrgId,
    party_id: PartyId,
    body: &str,
    author: Option<UserId>,
    author_label: &str,
    now: DateTime<Utc>,
) -> Result<Uuid, DbError> {
    let id = Uuid::now_v7();
    on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO party_notes (id, org_id, party_id, body, author_id, author_label, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id)
        .bind(org_id.0)
        .bind(party_id.0)
        .bind(body)
        .bind(author.map(|u| u.0))
        .bind(author_label)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    });
    Ok(id)
}

/// The latest `limit` notes, newest first.
pub async fn notes(db: &Db, org_id: OrgId, party_id: PartyId, limit: i64) -> Result<Vec<NoteRow>, DbError> {
    Ok(on_db!(db, pool => {
        sqlx::query_as(
            "SELECT id, body, author_label, created_at FROM party_notes WHERE org_id = $1 AND party_id = $2 ORDER BY id DESC LIMIT $3",
        )
        .bind(org_id.0)
        .bind(party_id.0)
        .bind(limit)
        .fetch_all(pool)
        .await?
    }))
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct RelationshipRow {
    pub id: Uuid,
    pub kind: String,
    pub other_id: Uuid,
    pub other_name: String,
}

pub async fn insert_relationship(
    tx: &mut Tx,
    org_id: OrgId,
    party_id: PartyId,
    related: PartyId,
    kind: &str,
    now: DateTime<Utc>,
) -> Result<Uuid, DbError> {
    let id = Uuid::now_v7();
    on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO party_relationships (id, org_id, party_id, related_party_id, kind, created_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(org_id.0)
        .bind(party_id.0)
        .bind(related.0)
        .bind(kind)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    });
    Ok(id)
}

pub async fn delete_relationship(
    tx: &mut Tx,
    org_id: OrgId,
    party_id: PartyId,
    id: Uuid,
) -> Result<bool, DbError> {
    Ok(on_tx!(tx, conn => {
        sqlx::query("DELETE FROM party_relationships WHERE org_id = $1 AND id = $2 AND (party_id = $3 OR related_party_id = $3)")
            .bind(org_id.0)
            .bind(id)
            .bind(party_id.0)
            .execute(&mut *conn)
            .await?
            .rows_affected()
            == 1
    }))
}

/// Relationships in both directions, with the other party's name.
pub async fn relationships(
    db: &Db,
    org_id: OrgId,
    party_id: PartyId,
) -> Result<Vec<RelationshipRow>, DbError> {
    Ok(on_db!(db, pool => {
        sqlx::query_as(
            "SELECT r.id, r.kind, p.id AS other_id, p.full_name AS other_name
             FROM party_relationships r JOIN parties p ON p.id = r.related_party_id
             WHERE r.org_id = $1 AND r.party_id = $2
             UNION ALL
             SELECT r.id, r.kind, p.id AS other_id, p.full_name AS other_name
             FROM party_relationships r JOIN parties p ON p.id = r.party_id
             WHERE r.org_id = $1 AND r.related_party_id = $2
             ORDER BY 1",
        )
        .bind(org_id.0)
        .bind(party_id.0)
        .fetch_all(pool)
        .await?
    }))
}

/// A party of a bulk load (demo data, imports): the registration data and
/// the channels it allows from the start.
pub struct BulkParty {
    pub id: PartyId,
    pub party: ValidParty,
    pub consent: ConsentState,
    /// The branch whose portfolio holds it (the owner is `party.seller_id`).
    pub branch: Option<BranchId>,
}

/// Inserts many parties with multi-row statements: the bulk path for demo
/// data and imports, same rows as [`insert`] plus one consent event per
/// allowed channel.
#[tracing::instrument(skip_all)]
pub async fn insert_bulk(
    tx: &mut Tx,
    org_id: OrgId,
    parties: &[BulkParty],
    source: &str,
    by_label: &str,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    use sea_query::InsertStatement;
    const ROWS_PER_STATEMENT: usize = 200;
    let mut statements: Vec<InsertStatement> = Vec::new();
    for chunk in parties.chunks(ROWS_PER_STATEMENT) {
        let mut main = Query::insert();
        main.into_table(col("parties")).columns(
            [
                "id",
                "org_id",
                "kind",
                "lifecycle",
                "prospect_state",
                "customer_status",
                "full_name",
                "trade_name",
                "sort_name",
                "document_kind",
                "document",
                "birth_date",
                "sex",
                "profession",
                "football_team",
                "shoe_size",
                "spouse_name",
                "spouse_birth_date",
                "credit_bureau_status",
                "agreement",
                "credit_complement",
                "revolving_credit_limit",
                "company_sector",
                "seller_id",
                "branch_id",
                "city",
                "city_key",
                "state",
                "consent_sms_whatsapp",
                "consent_email",
                "consent_phone",
                "consent_letter",
                "search_text",
                "search_rowid",
                "created_at",
                "updated_at",
                "version",
            ]
            .map(col),
        );
        let mut phones = Query::insert();
        phones
            .into_table(col("party_phones"))
            .columns(["id", "org_id", "party_id", "position", "e164", "kind", "carrier"].map(col));
        let mut emails = Query::insert();
        emails
            .into_table(col("party_emails"))
            .columns(["id", "org_id", "party_id", "position", "email"].map(col));
        let mut addresses = Query::insert();
        addresses.into_table(col("party_addresses")).columns(
            [
                "id",
                "org_id",
                "party_id",
                "position",
                "street",
                "number",
                "complement",
                "neighbourhood",
                "city",
                "state",
                "postal_code",
                "country",
            ]
            .map(col),
        );
        let mut tags = Query::insert();
        tags.into_table(col("party_tags")).columns(["org_id", "party_id", "tag"].map(col));
        let mut consents = Query::insert();
        consents.into_table(col("consent_events")).columns(
            [
                "id",
                "org_id",
                "party_id",
                "channel",
                "granted",
                "at",
                "source",
                "wording",
                "recorded_by_label",
            ]
            .map(col),
        );
        let (mut has_phones, mut has_emails, mut has_addresses, mut has_tags, mut has_consents) =
            (false, false, false, false, false);
        for bulk in chunk {
            let p = &bulk.party;
            let (city, city_key, state) = place(p);
            let values: Vec<SimpleExpr> = vec![
                bulk.id.0.into(),
                org_id.0.into(),
                p.kind.as_str().into(),
                p.lifecycle.as_str().into(),
                p.prospect_state.map(|s| s.as_str()).into(),
                p.customer_status.clone().into(),
                p.full_name.clone().into(),
                p.trade_name.clone().into(),
                sort_name(&p.full_name).into(),
                p.document.as_ref().map(|d| d.kind.as_str()).into(),
                p.document.as_ref().map(|d| d.value.clone()).into(),
                p.birth_date.into(),
                p.sex.map(|s| s.as_str()).into(),
                p.profession.clone().into(),
                p.football_team.clone().into(),
                p.shoe_size.into(),
                p.spouse_name.clone().into(),
                p.spouse_birth_date.into(),
                p.credit_bureau_status.clone().into(),
                p.agreement.clone().into(),
                p.credit_complement.clone().into(),
                p.revolving_credit_limit.map(|m| m.0).into(),
                p.company_sector.clone().into(),
                p.seller_id.map(|s| s.0).into(),
                bulk.branch.map(|b| b.0).into(),
                city.into(),
                city_key.into(),
                state.into(),
                bulk.consent.sms_whatsapp.into(),
                bulk.consent.email.into(),
                bulk.consent.phone.into(),
                bulk.consent.letter.into(),
                search_text(p).into(),
                search_rowid(bulk.id).into(),
                now.into(),
                now.into(),
                1i64.into(),
            ];
            main.values_panic(values);
            for (position, phone) in p.phones.iter().enumerate() {
                has_phones = true;
                phones.values_panic([
                    Uuid::now_v7().into(),
                    org_id.0.into(),
                    bulk.id.0.into(),
                    (position as i64).into(),
                    phone.phone.e164().into(),
                    phone.kind.as_str().into(),
                    phone.carrier.clone().into(),
                ]);
            }
            for (position, email) in p.emails.iter().enumerate() {
                has_emails = true;
                emails.values_panic([
                    Uuid::now_v7().into(),
                    org_id.0.into(),
                    bulk.id.0.into(),
                    (position as i64).into(),
                    email.as_str().into(),
                ]);
            }
            if let Some(a) = &p.address {
                has_addresses = true;
                addresses.values_panic([
                    Uuid::now_v7().into(),
                    org_id.0.into(),
                    bulk.id.0.into(),
                    0i64.into(),
                    a.street.clone().into(),
                    a.number.clone().into(),
                    a.complement.clone().into(),
                    a.neighbourhood.clone().into(),
                    a.city.clone().into(),
                    a.state.clone().into(),
                    a.postal_code.clone().into(),
                    a.country.code().into(),
                ]);
            }
            for tag in &p.tags {
                has_tags = true;
                tags.values_panic([org_id.0.into(), bulk.id.0.into(), tag.clone().into()]);
            }
            for channel in Channel::ALL {
                if bulk.consent.allows(*channel) {
                    has_consents = true;
                    consents.values_panic([
                        Uuid::now_v7().into(),
                        org_id.0.into(),
                        bulk.id.0.into(),
                        channel.as_str().into(),
                        true.into(),
                        now.into(),
                        source.into(),
                        "".into(),
                        by_label.into(),
                    ]);
                }
            }
        }
        statements.push(main);
        for (present, statement) in [
            (has_phones, phones),
            (has_emails, emails),
            (has_addresses, addresses),
            (has_tags, tags),
            (has_consents, consents),
        ] {
            if present {
                statements.push(statement);
            }
        }
    }
    for statement in statements {
        match &mut *tx {
            Tx::Sqlite(conn) => {
                let (sql, values) = statement.build_sqlx(SqliteQueryBuilder);
                sqlx::query_with(&sql, values).execute(&mut **conn).await?;
            }
            Tx::Postgres(conn) => {
                let (sql, values) = statement.build_sqlx(PostgresQueryBuilder);
                sqlx::query_with(&sql, values).execute(&mut **conn).await?;
            }
        }
    }
    Ok(())
}

/// How many live parties an organisation has.
pub async fn count_all(db: &Db, org_id: OrgId) -> Result<i64, DbError> {
    Ok(on_db!(db, pool => {
        sqlx::query_scalar("SELECT COUNT(*) FROM parties WHERE org_id = $1 AND merged_into IS NULL")
            .bind(org_id.0)
            .fetch_one(pool)
            .await?
    }))
}
