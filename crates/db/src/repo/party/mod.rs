//! Parties [Cadastro de Pessoa] and everything attached to them.
use super::by_id;
use super::{fetch_all, fetch_direct, fetch_optional};
use crate::{Db, DbError, Tx, on_db, on_tx};
use chrono::{DateTime, NaiveDate, Utc};
use domain::access::{Portfolio, Reach};
use domain::address::Address;
use domain::document::{Document, DocumentKind};
use domain::party::{ConsentState, ValidParty, search_text, sort_name};
use domain::phone::Country;
use domain::{BranchId, OrgId, PartyId, UserId};
use sea_query::{Alias, Expr, Query, SelectStatement, SimpleExpr};
use uuid::Uuid;

mod bulk;
mod ledger;
mod list;

pub use bulk::*;
pub use ledger::*;
pub use list::{
    BulkTarget, Keyset, PartyFilter, PartySort, PartySummary, SearchCandidate, bulk_chosen, bulk_matching,
    count, list, search, summaries,
};

pub(crate) fn col(name: &str) -> Alias {
    Alias::new(name)
}

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
    pub negotiation_stage: String,
}

const COLUMNS: &str = "id, kind, lifecycle, prospect_state, customer_status, full_name, trade_name, document_kind, \
    document, birth_date, sex, profession, football_team, shoe_size, spouse_name, spouse_birth_date, seller_id, \
    branch_id, credit_bureau_status, agreement, credit_complement, revolving_credit_limit, company_sector, city, state, \
    consent_sms_whatsapp, consent_email, consent_phone, consent_letter, merged_into, archived_at, created_at, \
    updated_at, updated_by, version, negotiation_stage";

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

#[derive(Clone, Debug, serde::Serialize, sqlx::FromRow)]
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
            .bind(first_phone(party))
            .bind(first_email(party))
    }};
}

/// A new party, in the branch of its portfolio, with its phones, e-mails,
/// address and tags.
#[tracing::instrument(skip_all)]
pub async fn insert(
    tx: &mut Tx,
    org_id: OrgId,
    id: PartyId,
    party: &ValidParty,
    branch: Option<BranchId>,
    by: Option<UserId>,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let (city, city_key, state) = place(party);
    on_tx!(tx, conn => {
        let query = sqlx::query(
            "INSERT INTO parties (id, org_id, kind, lifecycle, prospect_state, customer_status, full_name, trade_name,
                sort_name, document_kind, document, birth_date, sex, profession, football_team, shoe_size,
                spouse_name, spouse_birth_date, seller_id, credit_bureau_status, agreement, credit_complement,
                revolving_credit_limit, company_sector, city, city_key, state, search_text, first_phone, first_email,
                search_rowid, created_at, created_by, updated_at, updated_by, version, branch_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,
                $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $32, $33, 1, $34)",
        )
        .bind(id.0)
        .bind(org_id.0);
        let query = bind_registration!(query, party, city, city_key, state);
        query
        .bind(search_rowid(id))
        .bind(now)
        .bind(by.map(|u| u.0))
        .bind(branch.map(|b| b.0))
        .execute(&mut *conn)
        .await?;
    });
    insert_children(tx, org_id, id, party).await
}

/// The phone and e-mail a list shows for the party, kept on its row.
pub(crate) fn first_phone(party: &ValidParty) -> Option<&str> {
    party.phones.first().map(|phone| phone.phone.e164())
}

pub(crate) fn first_email(party: &ValidParty) -> Option<&str> {
    party.emails.first().map(|email| email.as_str())
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
    });
    insert_children(tx, org_id, id, party).await
}

async fn insert_children(tx: &mut Tx, org_id: OrgId, id: PartyId, party: &ValidParty) -> Result<(), DbError> {
    on_tx!(tx, conn => {
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
                search_text = $29, first_phone = $30, first_email = $31, updated_at = $32, updated_by = $33,
                version = version + 1
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

/// A change of one part of a party's row, made only if the row is still
/// at the version its reader saw; the version moves, and who and when.
#[derive(Clone, Copy, Debug)]
pub enum RowChange<'a> {
    /// Soft delete [arquivar] (`Some`) or restore (`None`): the row stays
    /// for history, out of lists and search.
    Archived(Option<DateTime<Utc>>),
    /// Another portfolio (a bulk transfer).
    Portfolio(Portfolio),
    /// A tag it may not have yet (a bulk action); the version moves either
    /// way, as the party was part of a change.
    Tag(&'a str),
    /// Another stage of a prospect's negotiation (`domain::pipeline`).
    NegotiationStage(&'a str),
}

/// Applies `change` to the party if it is still at `expected_version`.
/// Returns false when someone changed it first.
pub async fn change_row(
    tx: &mut Tx,
    org_id: OrgId,
    id: PartyId,
    expected_version: i64,
    change: RowChange<'_>,
    by: Option<UserId>,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let (archived, portfolio, stage) = match change {
        RowChange::Archived(at) => (Some(at), None, None),
        RowChange::Portfolio(portfolio) => (None, Some(portfolio), None),
        RowChange::Tag(_) => (None, None, None),
        RowChange::NegotiationStage(stage) => (None, None, Some(stage)),
    };
    Ok(on_tx!(tx, conn => {
        // One statement for every part: a part not changed keeps its value.
        let moved = sqlx::query(
            "UPDATE parties SET
                archived_at = CASE WHEN $4 THEN $5 ELSE archived_at END,
                seller_id = CASE WHEN $6 THEN $7 ELSE seller_id END,
                branch_id = CASE WHEN $6 THEN $8 ELSE branch_id END,
                negotiation_stage = COALESCE($11, negotiation_stage),
                updated_at = $9, updated_by = $10, version = version + 1
             WHERE org_id = $1 AND id = $2 AND version = $3 AND merged_into IS NULL",
        )
        .bind(org_id.0)
        .bind(id.0)
        .bind(expected_version)
        .bind(archived.is_some())
        .bind(archived.flatten())
        .bind(portfolio.is_some())
        .bind(portfolio.and_then(|p| p.owner).map(|u| u.0))
        .bind(portfolio.and_then(|p| p.branch).map(|b| b.0))
        .bind(now)
        .bind(by.map(|u| u.0))
        .bind(stage)
        .execute(&mut *conn)
        .await?
        .rows_affected()
            == 1;
        if let (true, RowChange::Tag(tag)) = (moved, change) {
            sqlx::query(
                "INSERT INTO party_tags (org_id, party_id, tag) VALUES ($1, $2, $3)
                 ON CONFLICT (party_id, tag) DO NOTHING",
            )
            .bind(org_id.0)
            .bind(id.0)
            .bind(tag)
            .execute(&mut *conn)
            .await?;
        }
        moved
    }))
}

/// How a party's phones, e-mails, addresses and tags are read, inside a
/// transaction ([`get_in_tx`]) or side by side ([`with_children`]). Each
/// statement costs PostgreSQL and the server more than reading its few
/// rows, so the phones, e-mails and tags come in one: a row per item,
/// named by `child` ([`ContactOrTag`]), each kind in the party's order.
const CONTACTS_AND_TAGS_OF: &str = "
    SELECT 'phone' AS child, position, e164 AS value, kind AS phone_kind, carrier
    FROM party_phones WHERE party_id = $1
    UNION ALL SELECT 'email', position, email, NULL, NULL FROM party_emails WHERE party_id = $1
    UNION ALL SELECT 'tag', 0, tag, NULL, NULL FROM party_tags WHERE party_id = $1
    ORDER BY child, position, value";
const ADDRESSES_OF: &str =
    "SELECT street, number, complement, neighbourhood, city, state, postal_code, country
    FROM party_addresses WHERE party_id = $1 ORDER BY position";

/// A row of [`CONTACTS_AND_TAGS_OF`].
#[derive(sqlx::FromRow)]
struct ContactOrTag {
    child: String,
    value: String,
    phone_kind: Option<String>,
    carrier: Option<String>,
}

/// The party's phones, e-mails and tags out of [`CONTACTS_AND_TAGS_OF`].
fn contacts_and_tags(rows: Vec<ContactOrTag>) -> (Vec<PhoneRow>, Vec<String>, Vec<String>) {
    let (mut phones, mut emails, mut tags) = (Vec::new(), Vec::new(), Vec::new());
    for row in rows {
        match row.child.as_str() {
            "phone" => phones.push(PhoneRow {
                e164: row.value,
                kind: row.phone_kind.unwrap_or_default(),
                carrier: row.carrier,
            }),
            "email" => emails.push(row.value),
            _ => tags.push(row.value),
        }
    }
    (phones, emails, tags)
}

/// The party's phones, e-mails, addresses and tags, the two statements
/// side by side (each on its own connection of the pool).
pub async fn with_children(db: &Db, row: PartyRow) -> Result<PartyRecord, DbError> {
    let id = row.id;
    let (children, addresses) = on_db!(db, pool => {
        tokio::try_join!(
            sqlx::query_as::<_, ContactOrTag>(CONTACTS_AND_TAGS_OF).bind(id).fetch_all(pool),
            sqlx::query_as::<_, AddressRow>(ADDRESSES_OF).bind(id).fetch_all(pool),
        )?
    });
    let (phones, emails, tags) = contacts_and_tags(children);
    Ok(PartyRecord { row, phones, emails, addresses, tags })
}

/// The whole party as the transaction sees it, so that an audit entry's
/// before and after are read the same way.
pub async fn get_in_tx(tx: &mut Tx, org_id: OrgId, id: PartyId) -> Result<Option<PartyRecord>, DbError> {
    let Some(row) = get_row_in_tx(tx, org_id, id).await? else {
        return Ok(None);
    };
    let id = id.0;
    let (children, addresses) = on_tx!(tx, conn => {
        let children: Vec<ContactOrTag> = sqlx::query_as(CONTACTS_AND_TAGS_OF).bind(id).fetch_all(&mut *conn).await?;
        let addresses: Vec<AddressRow> = sqlx::query_as(ADDRESSES_OF).bind(id).fetch_all(&mut *conn).await?;
        (children, addresses)
    });
    let (phones, emails, tags) = contacts_and_tags(children);
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

#[tracing::instrument(skip_all)]
pub async fn get(db: &Db, scope: &Scope, id: PartyId) -> Result<Option<PartyRecord>, DbError> {
    match get_row(db, scope, id).await? {
        Some(row) => Ok(Some(with_children(db, row).await?)),
        None => Ok(None),
    }
}

/// The party's own row, if the scope reaches it; [`with_children`] adds
/// the rest.
#[tracing::instrument(skip_all)]
pub async fn get_row(db: &Db, scope: &Scope, id: PartyId) -> Result<Option<PartyRow>, DbError> {
    fetch_optional(db, select_in_scope(scope, id).expr(Expr::cust(COLUMNS))).await
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

/// Id, owner, branch, survivor.
type StandingRow = (Uuid, Option<Uuid>, Option<Uuid>, Option<Uuid>);

/// The standing of each of these parties the scope reaches, read a
/// thousand at a time (a batch of sales names many parties).
pub async fn standings(db: &Db, scope: &Scope, ids: &[PartyId]) -> Result<Vec<(PartyId, Standing)>, DbError> {
    let mut found = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(1_000) {
        let mut query = Query::select();
        query
            .from(col("parties"))
            .columns([
                (col("parties"), col("id")),
                (col("parties"), col("seller_id")),
                (col("parties"), col("branch_id")),
                (col("parties"), col("merged_into")),
            ])
            .and_where(Expr::col((col("parties"), col("org_id"))).eq(scope.org_id.0))
            .and_where(Expr::col((col("parties"), col("id"))).is_in(chunk.iter().map(|id| id.0)));
        if let Some(condition) = reach_condition(scope.reach) {
            query.and_where(condition);
        }
        let rows: Vec<StandingRow> = fetch_all(db, &query).await?;
        found.extend(rows.into_iter().map(|(id, owner, branch, merged_into)| {
            let portfolio = Portfolio { owner: owner.map(UserId), branch: branch.map(BranchId) };
            (PartyId(id), Standing { portfolio, merged_into: merged_into.map(PartyId) })
        }));
    }
    Ok(found)
}

/// A party's name: a form's heading, the search text of his contracts.
pub async fn name(db: &Db, org_id: OrgId, id: PartyId) -> Result<Option<String>, DbError> {
    Ok(on_db!(db, pool => {
        sqlx::query_scalar("SELECT full_name FROM parties WHERE org_id = $1 AND id = $2")
            .bind(org_id.0)
            .bind(id.0)
            .fetch_optional(pool)
            .await?
    }))
}

/// The row as the transaction sees it (for before/after in the audit).
pub async fn get_row_in_tx(tx: &mut Tx, org_id: OrgId, id: PartyId) -> Result<Option<PartyRow>, DbError> {
    let sql = format!("SELECT {COLUMNS} FROM parties WHERE org_id = $1 AND id = $2");
    by_id::row_in(tx, &sql, org_id, id.0).await
}

/// Who last changed a party, for the "changed by X at T" message.
pub async fn last_change(
    tx: &mut Tx,
    org_id: OrgId,
    id: PartyId,
) -> Result<Option<(String, DateTime<Utc>)>, DbError> {
    by_id::row_in(
        tx,
        "SELECT COALESCE(u.display_name, '?'), p.updated_at FROM parties p
             LEFT JOIN users u ON u.id = p.updated_by WHERE p.org_id = $1 AND p.id = $2",
        org_id,
        id.0,
    )
    .await
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

/// The parties a query may return: one organisation's, within the
/// user's reach. Every read of parties takes one, so no list, count,
/// search, export or sheet can return a row its reader may not see.
#[derive(Clone, Copy, Debug)]
pub struct Scope {
    pub org_id: OrgId,
    pub reach: Reach,
}

/// The parties a reader reaches: his organisation's, not merged away, within
/// his reach. Lists of other things about parties (interactions, figures)
/// join parties under this; the customer list also leaves out archived ones.
pub(crate) fn reachable(scope: &Scope) -> sea_query::Condition {
    sea_query::Condition::all()
        .add(Expr::col((col("parties"), col("org_id"))).eq(scope.org_id.0))
        .add(Expr::col((col("parties"), col("merged_into"))).is_null())
        .add_option(reach_condition(scope.reach))
}

/// The SQL side of [`Reach::covers`].
pub(crate) fn reach_condition(reach: Reach) -> Option<SimpleExpr> {
    match reach {
        Reach::Everything => None,
        Reach::Branch(branch) => Some(Expr::col((col("parties"), col("branch_id"))).eq(branch.0)),
        Reach::OwnedBy(user) => Some(Expr::col((col("parties"), col("seller_id"))).eq(user.0)),
    }
}
