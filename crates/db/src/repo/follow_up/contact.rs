//! Sales contacts, their products, and the follow-up list across
//! customers.
use super::super::by_id;
use super::super::party::Scope;
use super::super::versioned::{Columns, Record};
use super::super::{count_capped, fetch_all, fetch_optional, placeholders};
use crate::{Db, DbError, Tx, on_db, on_tx};
use chrono::{DateTime, NaiveDate, Utc};
use domain::access::Reach;
use domain::follow_up::{FollowUpScope, FollowUpSort, Legend};
use domain::{OrgId, PartyId, SalesContactId, UserId};
use sea_query::{Alias, Cond, Expr, Func, JoinType, Order, Query, SelectStatement, SimpleExpr};
use uuid::Uuid;

fn col(name: &str) -> Alias {
    Alias::new(name)
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ContactRow {
    pub id: Uuid,
    pub party_id: Uuid,
    pub party_name: String,
    pub contacted_on: NaiveDate,
    pub name: String,
    pub attendance_type_id: Uuid,
    pub attendance_type_name: String,
    pub status: String,
    pub outcome: Option<String>,
    pub next_return_on: Option<NaiveDate>,
    pub internal_on: Option<NaiveDate>,
    pub centre_id: Option<Uuid>,
    pub centre_name: Option<String>,
    pub responsible_id: Uuid,
    pub responsible_name: String,
    pub workflow_node: Option<i32>,
    pub closed_at: Option<DateTime<Utc>>,
    pub reopen_requested_by: Option<Uuid>,
    pub reopen_requester_name: Option<String>,
    pub reopen_reason: Option<String>,
    pub reopen_requested_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

const SELECT: &str = "SELECT c.id, c.party_id, p.full_name AS party_name, c.contacted_on, c.name,
        c.attendance_type_id, t.name AS attendance_type_name, c.status, c.outcome, c.next_return_on,
        c.internal_on, c.centre_id, rc.name AS centre_name, c.responsible_id, u.display_name AS responsible_name,
        c.workflow_node, c.closed_at, c.reopen_requested_by, ru.display_name AS reopen_requester_name,
        c.reopen_reason, c.reopen_requested_at, c.created_at, c.updated_at, c.version
    FROM sales_contacts c JOIN parties p ON p.id = c.party_id
    JOIN attendance_types t ON t.id = c.attendance_type_id JOIN users u ON u.id = c.responsible_id
    LEFT JOIN responsibility_centres rc ON rc.id = c.centre_id
    LEFT JOIN users ru ON ru.id = c.reopen_requested_by";

/// What a contact says, as written.
pub struct ContactFields<'a> {
    pub contacted_on: NaiveDate,
    pub name: &'a str,
    pub attendance_type: Uuid,
    pub next_return_on: Option<NaiveDate>,
    pub internal_on: Option<NaiveDate>,
    pub centre: Option<Uuid>,
    pub responsible: Uuid,
}

impl ContactFields<'_> {
    fn columns(&self) -> Columns {
        vec![
            ("contacted_on", self.contacted_on.into()),
            ("name", self.name.into()),
            ("attendance_type_id", self.attendance_type.into()),
            ("next_return_on", self.next_return_on.into()),
            ("internal_on", self.internal_on.into()),
            ("centre_id", self.centre.into()),
            ("responsible_id", self.responsible.into()),
        ]
    }
}

pub async fn insert(
    tx: &mut Tx,
    org_id: OrgId,
    id: SalesContactId,
    party: PartyId,
    fields: &ContactFields<'_>,
    by: UserId,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let mut columns = fields.columns();
    columns.extend([("party_id", party.0.into()), ("status", "open".into()), ("created_by", by.0.into())]);
    Record::of("sales_contacts", org_id, id.0).insert(tx, columns, now).await?;
    Ok(())
}

/// Writes the contact if it is still at `version`; false when someone
/// saved in between.
pub async fn update(
    tx: &mut Tx,
    org_id: OrgId,
    id: SalesContactId,
    version: i64,
    fields: &ContactFields<'_>,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    Record::of("sales_contacts", org_id, id.0).update(tx, version, fields.columns(), now).await
}

/// Claims the contact at `version` for a change that is not its form's (a
/// note's workflow step, a closing, a reopening): false when someone saved
/// in between.
pub async fn claim(
    tx: &mut Tx,
    org_id: OrgId,
    id: SalesContactId,
    version: i64,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    Ok(on_tx!(tx, conn => {
        sqlx::query(
            "UPDATE sales_contacts SET updated_at = $4, version = version + 1
             WHERE org_id = $1 AND id = $2 AND version = $3",
        )
        .bind(org_id.0)
        .bind(id.0)
        .bind(version)
        .bind(now)
        .execute(&mut *conn)
        .await?
        .rows_affected()
            == 1
    }))
}

pub async fn get(db: &Db, org_id: OrgId, id: SalesContactId) -> Result<Option<ContactRow>, DbError> {
    let sql = format!("{SELECT} WHERE c.org_id = $1 AND c.id = $2");
    by_id::row(db, &sql, org_id, id.0).await
}

pub async fn get_in(tx: &mut Tx, org_id: OrgId, id: SalesContactId) -> Result<Option<ContactRow>, DbError> {
    let sql = format!("{SELECT} WHERE c.org_id = $1 AND c.id = $2");
    by_id::row_in(tx, &sql, org_id, id.0).await
}

/// These contacts of the organisation, in no particular order.
pub async fn get_many(db: &Db, org_id: OrgId, ids: &[Uuid]) -> Result<Vec<ContactRow>, DbError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!("{SELECT} WHERE c.org_id = $1 AND c.id IN ({})", placeholders(2, ids.len()));
    Ok(on_db!(db, pool => {
        let mut query = sqlx::query_as(&sql).bind(org_id.0);
        for id in ids {
            query = query.bind(*id);
        }
        query.fetch_all(pool).await?
    }))
}

/// The party's contacts, the open ones first, the latest first.
pub async fn of_party(
    db: &Db,
    org_id: OrgId,
    party: PartyId,
    open_only: bool,
) -> Result<Vec<ContactRow>, DbError> {
    let sql = format!(
        "{SELECT} WHERE c.org_id = $1 AND c.party_id = $2 AND (c.status = 'open' OR NOT $3)
         ORDER BY CASE WHEN c.status = 'open' THEN 0 ELSE 1 END, c.contacted_on DESC, c.created_at DESC"
    );
    Ok(
        on_db!(db, pool => sqlx::query_as(&sql).bind(org_id.0).bind(party.0).bind(open_only).fetch_all(pool).await?),
    )
}

/// One product of a contact.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ContactProductRow {
    pub product_id: Uuid,
    pub code: String,
    pub name: String,
    pub surplus: bool,
}

pub async fn products(db: &Db, contact: SalesContactId) -> Result<Vec<ContactProductRow>, DbError> {
    Ok(on_db!(db, pool => {
        sqlx::query_as(
            "SELECT cp.product_id, p.code, p.name, cp.surplus FROM sales_contact_products cp
             JOIN products p ON p.id = cp.product_id WHERE cp.contact_id = $1 ORDER BY cp.added_at, p.code",
        )
        .bind(contact.0)
        .fetch_all(pool)
        .await?
    }))
}

/// The products of all the party's contacts, by contact: one read for
/// the customer's tab.
pub async fn products_of_party(
    db: &Db,
    org_id: OrgId,
    party: PartyId,
) -> Result<std::collections::HashMap<Uuid, Vec<ContactProductRow>>, DbError> {
    let rows: Vec<(Uuid, Uuid, String, String, bool)> = on_db!(db, pool => {
        sqlx::query_as(
            "SELECT cp.contact_id, cp.product_id, p.code, p.name, cp.surplus FROM sales_contact_products cp
             JOIN products p ON p.id = cp.product_id JOIN sales_contacts c ON c.id = cp.contact_id
             WHERE c.org_id = $1 AND c.party_id = $2 ORDER BY cp.added_at, p.code",
        )
        .bind(org_id.0)
        .bind(party.0)
        .fetch_all(pool)
        .await?
    });
    let mut by_contact: std::collections::HashMap<Uuid, Vec<ContactProductRow>> = Default::default();
    for (contact, product_id, code, name, surplus) in rows {
        by_contact.entry(contact).or_default().push(ContactProductRow { product_id, code, name, surplus });
    }
    Ok(by_contact)
}

/// The products of these contacts, by contact, in one read.
pub async fn products_of_contacts(
    db: &Db,
    ids: &[Uuid],
) -> Result<std::collections::HashMap<Uuid, Vec<ContactProductRow>>, DbError> {
    let mut by_contact: std::collections::HashMap<Uuid, Vec<ContactProductRow>> = Default::default();
    if ids.is_empty() {
        return Ok(by_contact);
    }
    let sql = format!(
        "SELECT cp.contact_id, cp.product_id, p.code, p.name, cp.surplus FROM sales_contact_products cp
         JOIN products p ON p.id = cp.product_id WHERE cp.contact_id IN ({}) ORDER BY cp.added_at, p.code",
        placeholders(1, ids.len())
    );
    let rows: Vec<(Uuid, Uuid, String, String, bool)> = on_db!(db, pool => {
        let mut query = sqlx::query_as(&sql);
        for id in ids {
            query = query.bind(*id);
        }
        query.fetch_all(pool).await?
    });
    for (contact, product_id, code, name, surplus) in rows {
        by_contact.entry(contact).or_default().push(ContactProductRow { product_id, code, name, surplus });
    }
    Ok(by_contact)
}

pub async fn products_in(tx: &mut Tx, contact: SalesContactId) -> Result<Vec<ContactProductRow>, DbError> {
    Ok(on_tx!(tx, conn => {
        sqlx::query_as(
            "SELECT cp.product_id, p.code, p.name, cp.surplus FROM sales_contact_products cp
             JOIN products p ON p.id = cp.product_id WHERE cp.contact_id = $1 ORDER BY cp.added_at, p.code",
        )
        .bind(contact.0)
        .fetch_all(&mut *conn)
        .await?
    }))
}

/// Adds a product to the contact (a surplus one: sold after it opened).
pub async fn add_product(
    tx: &mut Tx,
    org_id: OrgId,
    contact: SalesContactId,
    product: Uuid,
    surplus: bool,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO sales_contact_products (org_id, contact_id, product_id, surplus, added_at)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(org_id.0)
        .bind(contact.0)
        .bind(product)
        .bind(surplus)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    });
    Ok(())
}

pub async fn remove_product(tx: &mut Tx, contact: SalesContactId, product: Uuid) -> Result<(), DbError> {
    on_tx!(tx, conn => {
        sqlx::query("DELETE FROM sales_contact_products WHERE contact_id = $1 AND product_id = $2")
            .bind(contact.0)
            .bind(product)
            .execute(&mut *conn)
            .await?;
    });
    Ok(())
}

/// Which contacts the follow-up list shows: always one organisation's, of
/// parties within `reach`; the rest narrows.
#[derive(Clone, Debug)]
pub struct FollowUpFilter {
    pub org_id: OrgId,
    pub reach: Reach,
    pub scope: FollowUpScope,
    /// The reader: "mine" are those he answers for, "centre" those at the
    /// centres he belongs to.
    pub user: UserId,
    pub open_only: bool,
    pub legend: Option<Legend>,
    /// The organisation's day, for "today" and "overdue".
    pub today: NaiveDate,
}

fn is_open() -> SimpleExpr {
    Expr::col((col("c"), col("status"))).eq("open")
}

/// The SQL side of [`Legend::of`].
fn legend_condition(legend: Legend, today: NaiveDate) -> Cond {
    let next = || Expr::col((col("c"), col("next_return_on")));
    let not_due = || Cond::any().add(next().is_null()).add(next().gt(today));
    let internal = || Expr::col((col("c"), col("internal_on")));
    match legend {
        Legend::Closed => Cond::all().add(Expr::col((col("c"), col("status"))).eq("closed")),
        Legend::Today => Cond::all().add(is_open()).add(next().eq(today)),
        Legend::Overdue => Cond::all().add(is_open()).add(next().lt(today)),
        Legend::Internal => Cond::all().add(is_open()).add(not_due()).add(internal().is_not_null()),
        Legend::Open => Cond::all().add(is_open()).add(not_due()).add(internal().is_null()),
    }
}

/// How a query over the contacts takes their customers in.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Customers {
    /// Only where the reader's reach depends on them.
    WhereReachNeeds,
    /// Always (their names are shown).
    Joined,
    /// Always, and the query is read from them: the organisation is checked
    /// on the customers alone. Checked on the contacts too, SQLite's sampled
    /// statistics take the organisation for a narrow filter and sort all of
    /// its contacts (68 ms for a team's 50,000) instead of walking the
    /// customers' name index; a contact's customer is always of its
    /// organisation.
    Leading,
}

/// The contacts the filter selects (a merge moves a merged customer's
/// contacts, so no contact is left on one).
fn selected(filter: &FollowUpFilter, customers: Customers) -> SelectStatement {
    let mut query = Query::select();
    query.from_as(col("sales_contacts"), col("c"));
    if customers != Customers::Leading {
        query.and_where(Expr::col((col("c"), col("org_id"))).eq(filter.org_id.0));
    }
    if customers != Customers::WhereReachNeeds || filter.reach != Reach::Everything {
        query
            .inner_join(
                col("parties"),
                Expr::col((col("parties"), col("id"))).equals((col("c"), col("party_id"))),
            )
            .cond_where(super::super::party::reachable(&Scope {
                org_id: filter.org_id,
                reach: filter.reach,
            }));
    }
    match filter.scope {
        FollowUpScope::Mine => {
            query.and_where(Expr::col((col("c"), col("responsible_id"))).eq(filter.user.0));
        }
        FollowUpScope::Centre => {
            query.and_where(Expr::col((col("c"), col("centre_id"))).in_subquery(centres_of(filter.user)));
        }
        FollowUpScope::Team => {}
    }
    if filter.open_only {
        query.and_where(is_open());
    }
    if let Some(legend) = filter.legend {
        query.cond_where(legend_condition(legend, filter.today));
    }
    query
}

/// The centres the user belongs to.
fn centres_of(user: UserId) -> SelectStatement {
    let mut centres = Query::select();
    centres
        .column(col("centre_id"))
        .from(col("responsibility_centre_members"))
        .and_where(Expr::col(col("user_id")).eq(user.0));
    centres
}

/// A row of the follow-up list.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct FollowUpRow {
    pub id: Uuid,
    pub party_id: Uuid,
    pub party_name: String,
    pub contacted_on: NaiveDate,
    pub name: String,
    pub attendance_type_name: String,
    pub status: String,
    pub next_return_on: Option<NaiveDate>,
    pub internal_on: Option<NaiveDate>,
    pub centre_name: Option<String>,
    pub responsible_name: String,
}

/// One page of the list in the order asked; undated returns after dated.
/// Soonest return first (the daily routine's order) is read in two parts,
/// each in an index's order (migration 0048): the dated contacts by their
/// return, those of one day newest contact first, then the undated ones,
/// newest contact first.
#[tracing::instrument(skip_all)]
pub async fn page(
    db: &Db,
    filter: &FollowUpFilter,
    sort: FollowUpSort,
    offset: u64,
    limit: u64,
) -> Result<Vec<FollowUpRow>, DbError> {
    let c = |name: &str| (col("c"), col(name));
    let next = || Expr::col(c("next_return_on"));
    match sort {
        FollowUpSort::NextReturn => {
            let mut dated = listed(filter, Customers::Joined);
            dated.and_where(next().is_not_null()).order_by(c("next_return_on"), Order::Asc);
            dated.order_by(c("contacted_on"), Order::Desc);
            dated.order_by(c("id"), Order::Asc).limit(limit).offset(offset);
            let mut rows: Vec<FollowUpRow> = fetch_all(db, &dated).await?;
            if rows.len() as u64 == limit {
                return Ok(rows);
            }
            // Past the dated ones: how far into the undated this page starts.
            let skip = if rows.is_empty() {
                let mut all_dated = selected(filter, Customers::WhereReachNeeds);
                all_dated.and_where(next().is_not_null());
                offset.saturating_sub(count_capped(db, all_dated, offset).await? as u64)
            } else {
                0
            };
            let mut undated = listed(filter, Customers::Joined);
            // All of them have no return; ordered by it too, PostgreSQL
            // sees the index's order (an IS NULL is not an equality to it)
            // instead of sorting the seller's every undated contact.
            undated.and_where(next().is_null()).order_by(c("next_return_on"), Order::Asc);
            undated.order_by(c("contacted_on"), Order::Desc);
            undated.order_by(c("id"), Order::Asc).limit(limit - rows.len() as u64).offset(skip);
            rows.extend(fetch_all::<FollowUpRow>(db, &undated).await?);
            Ok(rows)
        }
        FollowUpSort::ContactedOn => {
            let mut query = listed(filter, Customers::Joined);
            query.order_by(c("contacted_on"), Order::Desc);
            query.order_by(c("id"), Order::Asc).limit(limit).offset(offset);
            fetch_all(db, &query).await
        }
        FollowUpSort::Party => {
            // A seller's or a centre's contacts are few enough to sort.
            let customers = match filter.scope {
                FollowUpScope::Team => Customers::Leading,
                FollowUpScope::Mine | FollowUpScope::Centre => Customers::Joined,
            };
            let mut query = listed(filter, customers);
            // The customers' index order (name, then id) lets a page be read
            // customer by customer instead of sorting all in reach.
            query
                .order_by((col("parties"), col("sort_name")), Order::Asc)
                .order_by((col("parties"), col("id")), Order::Asc);
            query.order_by(c("id"), Order::Asc).limit(limit).offset(offset);
            fetch_all(db, &query).await
        }
        FollowUpSort::Responsible => {
            let mut query = listed(filter, Customers::Joined);
            query
                .order_by((col("u"), col("display_name")), Order::Asc)
                .order_by_expr(next().is_null(), Order::Asc)
                .order_by(c("next_return_on"), Order::Asc);
            query.order_by(c("id"), Order::Asc).limit(limit).offset(offset);
            fetch_all(db, &query).await
        }
    }
}

/// The filter's contacts with what a row of the list shows.
fn listed(filter: &FollowUpFilter, customers: Customers) -> SelectStatement {
    let mut query = selected(filter, customers);
    let c = |name: &str| (col("c"), col(name));
    query
        .columns(["id", "party_id", "contacted_on", "name", "status", "next_return_on", "internal_on"].map(c))
        .expr_as(Expr::col((col("parties"), col("full_name"))), col("party_name"))
        .expr_as(Expr::col((col("t"), col("name"))), col("attendance_type_name"))
        .expr_as(Expr::col((col("rc"), col("name"))), col("centre_name"))
        .expr_as(Expr::col((col("u"), col("display_name"))), col("responsible_name"))
        .join_as(
            JoinType::InnerJoin,
            col("attendance_types"),
            col("t"),
            Expr::col((col("t"), col("id"))).equals(c("attendance_type_id")),
        )
        .join_as(
            JoinType::InnerJoin,
            col("users"),
            col("u"),
            Expr::col((col("u"), col("id"))).equals(c("responsible_id")),
        )
        .join_as(
            JoinType::LeftJoin,
            col("responsibility_centres"),
            col("rc"),
            Expr::col((col("rc"), col("id"))).equals(c("centre_id")),
        );
    query
}

/// How many the filter selects, up to `cap`. The open ones of a reader
/// who sees every customer are read from their summary, as the tally is.
#[tracing::instrument(skip_all)]
pub async fn count(db: &Db, filter: &FollowUpFilter, cap: u64) -> Result<i64, DbError> {
    if filter.open_only && filter.reach == Reach::Everything {
        let tally = counted_tally(db, filter).await?;
        let counted = match filter.legend {
            None => tally.today + tally.overdue + tally.open + tally.internal,
            Some(Legend::Today) => tally.today,
            Some(Legend::Overdue) => tally.overdue,
            Some(Legend::Open) => tally.open,
            Some(Legend::Internal) => tally.internal,
            Some(Legend::Closed) => 0,
        };
        return Ok(counted.min(cap as i64));
    }
    count_capped(db, selected(filter, Customers::WhereReachNeeds), cap).await
}

/// How many open contacts stand under each colour of the legend.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct Tally {
    pub today: i64,
    pub overdue: i64,
    pub open: i64,
    pub internal: i64,
}

/// The tally of the filter's scope. A reader who sees every customer gets
/// it from the open contacts' summary (migration 0047), a few rows per
/// responsible and day; one whose reach depends on the customers (a
/// branch's, his own) has it counted over the contacts he may see, which
/// the summary does not know.
#[tracing::instrument(skip_all)]
pub async fn tally(db: &Db, filter: &FollowUpFilter) -> Result<Tally, DbError> {
    if filter.reach == Reach::Everything {
        return counted_tally(db, filter).await;
    }
    let open = FollowUpFilter { open_only: true, legend: None, ..filter.clone() };
    let mut query = selected(&open, Customers::WhereReachNeeds);
    // COUNT skips the NULL a CASE without ELSE gives, and is a bigint on
    // both backends (SUM is NUMERIC on PostgreSQL).
    let count_when = |legend: Legend| {
        let one_if: SimpleExpr = Expr::case(legend_condition(legend, filter.today), Expr::val(1i64)).into();
        Func::count(one_if)
    };
    query
        .expr_as(count_when(Legend::Today), col("today"))
        .expr_as(count_when(Legend::Overdue), col("overdue"))
        .expr_as(count_when(Legend::Open), col("open"))
        .expr_as(count_when(Legend::Internal), col("internal"));
    Ok(fetch_optional(db, &query).await?.unwrap_or_default())
}

/// The tally summed over the summary's rows in the filter's scope. Its
/// rows key an undated contact under 9999-12-31, after every day, so the
/// legend's "not due" is a later return key (as [`Legend::of`] reads it).
async fn counted_tally(db: &Db, filter: &FollowUpFilter) -> Result<Tally, DbError> {
    let column = |name: &str| Expr::col((col("n"), col(name)));
    let mut query = Query::select();
    query.from_as(col("sales_contact_open_counts"), col("n")).and_where(column("org_id").eq(filter.org_id.0));
    match filter.scope {
        FollowUpScope::Mine => {
            query.and_where(column("responsible_id").eq(filter.user.0));
        }
        FollowUpScope::Centre => {
            query.and_where(column("centre_key").in_subquery(centres_of(filter.user)));
        }
        FollowUpScope::Team => {}
    }
    let today = filter.today;
    let not_due = || column("return_key").gt(today);
    let sum_when = |condition: SimpleExpr| {
        let contacts: SimpleExpr = Expr::case(condition, column("contacts")).finally(0i64).into();
        // SUM is NUMERIC on PostgreSQL, and NULL over no rows; the tally
        // is a bigint on both.
        Func::cast_as(Func::coalesce([Func::sum(contacts).into(), Expr::val(0i64).into()]), col("BIGINT"))
    };
    query
        .expr_as(sum_when(column("return_key").eq(today)), col("today"))
        .expr_as(sum_when(column("return_key").lt(today)), col("overdue"))
        .expr_as(sum_when(not_due().and(column("with_internal").eq(false))), col("open"))
        .expr_as(sum_when(not_due().and(column("with_internal").eq(true))), col("internal"));
    Ok(fetch_optional(db, &query).await?.unwrap_or_default())
}

/// Where a contact's work stands after a workflow step: the decision to ask
/// next (none: nothing pending), its next return and its centre.
pub struct Progress {
    pub workflow_node: Option<i32>,
    pub next_return_on: Option<NaiveDate>,
    pub centre: Option<Uuid>,
}

/// Writes the contact's progress if it is still at `version`.
pub async fn set_progress(
    tx: &mut Tx,
    org_id: OrgId,
    id: SalesContactId,
    version: i64,
    progress: &Progress,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    Ok(on_tx!(tx, conn => {
        sqlx::query(
            "UPDATE sales_contacts SET workflow_node = $4, next_return_on = $5, centre_id = $6, updated_at = $7,
                 version = version + 1
             WHERE org_id = $1 AND id = $2 AND version = $3",
        )
        .bind(org_id.0)
        .bind(id.0)
        .bind(version)
        .bind(progress.workflow_node)
        .bind(progress.next_return_on)
        .bind(progress.centre)
        .bind(now)
        .execute(&mut *conn)
        .await?
        .rows_affected()
            == 1
    }))
}

/// Closes the contact (at the version its change claimed) with its outcome.
pub async fn close(
    tx: &mut Tx,
    org_id: OrgId,
    id: SalesContactId,
    outcome: &str,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    on_tx!(tx, conn => {
        sqlx::query(
            "UPDATE sales_contacts SET status = 'closed', outcome = $3, closed_at = $4, workflow_node = NULL,
                 reopen_requested_by = NULL, reopen_reason = NULL, reopen_requested_at = NULL
             WHERE org_id = $1 AND id = $2",
        )
        .bind(org_id.0)
        .bind(id.0)
        .bind(outcome)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    });
    Ok(())
}

/// Opens a closed contact again, forgetting how it ended and any request.
pub async fn reopen(tx: &mut Tx, org_id: OrgId, id: SalesContactId) -> Result<(), DbError> {
    by_id::write(
        tx,
        "UPDATE sales_contacts SET status = 'open', outcome = NULL, closed_at = NULL, workflow_node = NULL,
                 reopen_requested_by = NULL, reopen_reason = NULL, reopen_requested_at = NULL
             WHERE org_id = $1 AND id = $2",
        org_id,
        id.0,
    )
    .await?;
    Ok(())
}

/// Keeps a reopening asked by someone without the right, for a supervisor.
pub async fn request_reopen(
    tx: &mut Tx,
    org_id: OrgId,
    id: SalesContactId,
    by: UserId,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    on_tx!(tx, conn => {
        sqlx::query(
            "UPDATE sales_contacts SET reopen_requested_by = $3, reopen_reason = $4, reopen_requested_at = $5
             WHERE org_id = $1 AND id = $2",
        )
        .bind(org_id.0)
        .bind(id.0)
        .bind(by.0)
        .bind(reason)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    });
    Ok(())
}

/// Whether an order was made from a quote proposed on the contact.
pub async fn has_order(tx: &mut Tx, org_id: OrgId, id: SalesContactId) -> Result<bool, DbError> {
    let found: Option<Uuid> = on_tx!(tx, conn => {
        sqlx::query_scalar(
            "SELECT o.id FROM orders o JOIN quotes q ON q.id = o.quote_id
             WHERE q.org_id = $1 AND q.sales_contact_id = $2 LIMIT 1",
        )
        .bind(org_id.0)
        .bind(id.0)
        .fetch_optional(&mut *conn)
        .await?
    });
    Ok(found.is_some())
}

/// The closed contacts whose reopening waits for a supervisor, within the
/// reader's reach, the oldest request first (at most 200).
pub async fn reopen_requests(db: &Db, org_id: OrgId, reach: Reach) -> Result<Vec<Uuid>, DbError> {
    let mut query = Query::select();
    query
        .from_as(col("sales_contacts"), col("c"))
        .inner_join(
            col("parties"),
            Expr::col((col("parties"), col("id"))).equals((col("c"), col("party_id"))),
        )
        .column((col("c"), col("id")))
        .and_where(Expr::col((col("c"), col("org_id"))).eq(org_id.0))
        .and_where(Expr::col((col("c"), col("status"))).eq("closed"))
        .and_where(Expr::col((col("c"), col("reopen_requested_at"))).is_not_null())
        .cond_where(super::super::party::reachable(&Scope { org_id, reach }))
        .order_by((col("c"), col("reopen_requested_at")), Order::Asc)
        .limit(200);
    let rows: Vec<(Uuid,)> = fetch_all(db, &query).await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// The contact's answers to its cycle: (question key, answer).
pub async fn answers(
    db: &Db,
    org_id: OrgId,
    contact: SalesContactId,
) -> Result<Vec<(String, String)>, DbError> {
    Ok(on_db!(db, pool => {
        sqlx::query_as("SELECT question, answer FROM sales_contact_answers WHERE org_id = $1 AND contact_id = $2")
            .bind(org_id.0)
            .bind(contact.0)
            .fetch_all(pool)
            .await?
    }))
}

/// Writes the contact's answer to one question (none: takes it back).
pub async fn set_answer(
    tx: &mut Tx,
    org_id: OrgId,
    contact: SalesContactId,
    question: &str,
    answer: Option<&str>,
    by: UserId,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    on_tx!(tx, conn => {
        sqlx::query("DELETE FROM sales_contact_answers WHERE org_id = $1 AND contact_id = $2 AND question = $3")
            .bind(org_id.0)
            .bind(contact.0)
            .bind(question)
            .execute(&mut *conn)
            .await?;
        if let Some(answer) = answer {
            sqlx::query(
                "INSERT INTO sales_contact_answers (org_id, contact_id, question, answer, answered_by, answered_at)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(org_id.0)
            .bind(contact.0)
            .bind(question)
            .bind(answer)
            .bind(by.0)
            .bind(now)
            .execute(&mut *conn)
            .await?;
        }
    });
    Ok(())
}

/// Every answer given on the type's contacts within the reader's reach,
/// counted: (question key, answer, how many).
pub async fn answer_counts(
    db: &Db,
    org_id: OrgId,
    attendance_type: Uuid,
    reach: Reach,
) -> Result<Vec<(String, String, i64)>, DbError> {
    let mut query = Query::select();
    query
        .from_as(col("sales_contact_answers"), col("a"))
        .inner_join(
            col("sales_contacts"),
            Expr::col((col("sales_contacts"), col("id"))).equals((col("a"), col("contact_id"))),
        )
        .inner_join(
            col("parties"),
            Expr::col((col("parties"), col("id"))).equals((col("sales_contacts"), col("party_id"))),
        )
        .column((col("a"), col("question")))
        .column((col("a"), col("answer")))
        .expr(Expr::cust("COUNT(*)"))
        .and_where(Expr::col((col("a"), col("org_id"))).eq(org_id.0))
        .and_where(Expr::col((col("sales_contacts"), col("attendance_type_id"))).eq(attendance_type))
        .cond_where(super::super::party::reachable(&Scope { org_id, reach }))
        .group_by_col((col("a"), col("question")))
        .group_by_col((col("a"), col("answer")))
        .order_by((col("a"), col("question")), Order::Asc)
        .order_by((col("a"), col("answer")), Order::Asc);
    fetch_all(db, &query).await
}

/// A confirmed note on an open contact whose type has a workflow: its
/// first decision is now asked, unless one is already waiting.
pub async fn start_workflow(
    tx: &mut Tx,
    org_id: OrgId,
    id: SalesContactId,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    on_tx!(tx, conn => {
        sqlx::query(
            "UPDATE sales_contacts SET workflow_node = 0, updated_at = $3, version = version + 1
             WHERE org_id = $1 AND id = $2 AND status = 'open' AND workflow_node IS NULL",
        )
        .bind(org_id.0)
        .bind(id.0)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    });
    Ok(())
}
