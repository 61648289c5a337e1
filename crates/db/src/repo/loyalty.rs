//! The loyalty program, each party's points ledger with its lots, and
//! discount coupons with their uses.
use super::by_id;
use super::versioned;
use crate::rows::Rows;
use crate::{Db, DbError, Tx, on_db, on_tx};
use chrono::{DateTime, NaiveDate, Utc};
use domain::loyalty::{PointsRate, Program, ValidCoupon};
use domain::{OrgId, PartyId, StoreId};
use uuid::Uuid;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ProgramRow {
    pub points_per_unit: i64,
    pub expiry_months: i32,
    pub minimum_redeem: i64,
    pub active: bool,
    pub version: i64,
    pub updated_at: DateTime<Utc>,
}

pub async fn program(db: &Db, org_id: OrgId) -> Result<Option<ProgramRow>, DbError> {
    let sql = "SELECT points_per_unit, expiry_months, minimum_redeem, active, version, updated_at FROM loyalty_programs WHERE org_id = $1";
    by_id::org_row(db, sql, org_id).await
}

/// The program as it is inside a sale's transaction.
pub async fn program_in(tx: &mut Tx, org_id: OrgId) -> Result<Option<ProgramRow>, DbError> {
    let sql = "SELECT points_per_unit, expiry_months, minimum_redeem, active, version, updated_at FROM loyalty_programs WHERE org_id = $1";
    by_id::org_row_in(tx, sql, org_id).await
}

/// Saves the program if nobody changed it since `version` (0: none yet);
/// false otherwise.
pub async fn save_program(
    tx: &mut Tx,
    org_id: OrgId,
    version: i64,
    program: &Program,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let columns = vec![
        ("points_per_unit", program.points_per_unit.into()),
        ("expiry_months", (program.expiry_months as i32).into()),
        ("minimum_redeem", program.minimum_redeem.into()),
        ("active", program.active.into()),
    ];
    versioned::save_settings(tx, "loyalty_programs", org_id, version, columns, now).await
}

/// One movement of a party's points.
pub struct NewEntry<'a> {
    pub party: PartyId,
    pub kind: &'a str,
    pub points: i64,
    /// What of it is left to spend: an earned or added lot's points, else 0.
    pub remaining: i64,
    pub expires_on: Option<NaiveDate>,
    pub sale_id: Option<Uuid>,
    pub reason: &'a str,
    pub by: &'a str,
}

/// The columns of a ledger entry, as every writer of entries names them.
pub(crate) const ENTRY_COLUMNS: &[&str] = &[
    "id",
    "org_id",
    "party_id",
    "kind",
    "points",
    "remaining",
    "expires_on",
    "sale_id",
    "reason",
    "at",
    "by_label",
];

/// Writes ledger entries.
pub async fn insert_entries(
    tx: &mut Tx,
    org_id: OrgId,
    entries: &[NewEntry<'_>],
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let mut rows = Rows::new("points_entries", ENTRY_COLUMNS);
    for entry in entries {
        rows.push([
            Uuid::now_v7().into(),
            org_id.0.into(),
            entry.party.0.into(),
            entry.kind.into(),
            entry.points.into(),
            entry.remaining.into(),
            entry.expires_on.into(),
            entry.sale_id.into(),
            entry.reason.into(),
            now.into(),
            entry.by.into(),
        ]);
    }
    rows.insert(tx).await
}

/// A party's lots with points left, the one of `first` (a sale) first,
/// then oldest expiry first (lots that never expire last).
pub async fn open_lots(
    tx: &mut Tx,
    org_id: OrgId,
    party: PartyId,
    first: Option<Uuid>,
) -> Result<Vec<(Uuid, i64)>, DbError> {
    Ok(on_tx!(tx, conn => {
        sqlx::query_as(
            "SELECT id, remaining FROM points_entries WHERE org_id = $1 AND party_id = $2 AND remaining > 0
             ORDER BY CASE WHEN sale_id = $3 THEN 0 ELSE 1 END, CASE WHEN expires_on IS NULL THEN 1 ELSE 0 END, expires_on, at, id",
        )
        .bind(org_id.0)
        .bind(party.0)
        .bind(first)
        .fetch_all(&mut *conn)
        .await?
    }))
}

/// Takes points off a lot.
pub async fn take_from_lot(tx: &mut Tx, id: Uuid, points: i64) -> Result<(), DbError> {
    on_tx!(tx, conn => {
        sqlx::query("UPDATE points_entries SET remaining = remaining - $2 WHERE id = $1")
            .bind(id)
            .bind(points)
            .execute(&mut *conn)
            .await?;
    });
    Ok(())
}

/// The lots whose day has come (on or before `today`) with points left.
pub async fn expiring_lots(
    tx: &mut Tx,
    org_id: OrgId,
    today: NaiveDate,
) -> Result<Vec<(Uuid, Uuid, i64, NaiveDate)>, DbError> {
    Ok(on_tx!(tx, conn => {
        sqlx::query_as(
            "SELECT id, party_id, remaining, expires_on FROM points_entries
             WHERE org_id = $1 AND remaining > 0 AND expires_on <= $2 ORDER BY party_id, expires_on",
        )
        .bind(org_id.0)
        .bind(today)
        .fetch_all(&mut *conn)
        .await?
    }))
}

/// The points a sale earned, and what is left of them.
pub async fn earned_on(tx: &mut Tx, org_id: OrgId, sale: Uuid) -> Result<Option<i64>, DbError> {
    Ok(on_tx!(tx, conn => {
        sqlx::query_scalar("SELECT points FROM points_entries WHERE org_id = $1 AND sale_id = $2 AND kind = 'earned'")
            .bind(org_id.0)
            .bind(sale)
            .fetch_optional(&mut *conn)
            .await?
    }))
}

/// Sets the party's balance from its ledger, in the movement's transaction.
pub async fn refresh_balance(tx: &mut Tx, org_id: OrgId, party: PartyId) -> Result<(), DbError> {
    by_id::write(
        tx,
        "UPDATE parties SET points_balance =
               (SELECT COALESCE(SUM(points), 0) FROM points_entries WHERE org_id = $1 AND party_id = $2)
             WHERE org_id = $1 AND id = $2",
        org_id,
        party.0,
    )
    .await?;
    Ok(())
}

pub async fn balance(db: &Db, org_id: OrgId, party: PartyId) -> Result<i64, DbError> {
    Ok(on_db!(db, pool => {
        sqlx::query_scalar("SELECT points_balance FROM parties WHERE org_id = $1 AND id = $2")
            .bind(org_id.0)
            .bind(party.0)
            .fetch_one(pool)
            .await?
    }))
}

/// Points of the party that expire from `from` to `until`, both included.
pub async fn expiring_between(
    db: &Db,
    org_id: OrgId,
    party: PartyId,
    from: NaiveDate,
    until: NaiveDate,
) -> Result<i64, DbError> {
    Ok(on_db!(db, pool => {
        sqlx::query_scalar(
            "SELECT CAST(COALESCE(SUM(remaining), 0) AS BIGINT) FROM points_entries
             WHERE org_id = $1 AND party_id = $2 AND remaining > 0 AND expires_on >= $3 AND expires_on <= $4",
        )
        .bind(org_id.0)
        .bind(party.0)
        .bind(from)
        .bind(until)
        .fetch_one(pool)
        .await?
    }))
}

/// Points the party lost to expiry from `from` to `until`.
pub async fn expired_between(
    db: &Db,
    org_id: OrgId,
    party: PartyId,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<i64, DbError> {
    Ok(on_db!(db, pool => {
        sqlx::query_scalar(
            "SELECT CAST(COALESCE(-SUM(points), 0) AS BIGINT) FROM points_entries
             WHERE org_id = $1 AND party_id = $2 AND kind = 'expired' AND at >= $3 AND at < $4",
        )
        .bind(org_id.0)
        .bind(party.0)
        .bind(from)
        .bind(until)
        .fetch_one(pool)
        .await?
    }))
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct EntryRow {
    pub id: Uuid,
    pub kind: String,
    pub points: i64,
    pub remaining: i64,
    pub expires_on: Option<NaiveDate>,
    pub sale_id: Option<Uuid>,
    pub reason: String,
    pub at: DateTime<Utc>,
    pub by_label: String,
}

/// The party's latest movements, newest first.
pub async fn entries_of(
    db: &Db,
    org_id: OrgId,
    party: PartyId,
    limit: u32,
) -> Result<Vec<EntryRow>, DbError> {
    Ok(on_db!(db, pool => {
        sqlx::query_as(
            "SELECT id, kind, points, remaining, expires_on, sale_id, reason, at, by_label FROM points_entries
             WHERE org_id = $1 AND party_id = $2 ORDER BY at DESC, id DESC LIMIT $3",
        )
        .bind(org_id.0)
        .bind(party.0)
        .bind(i64::from(limit))
        .fetch_all(pool)
        .await?
    }))
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct CouponRow {
    pub id: Uuid,
    pub code: String,
    pub kind: String,
    pub value: i64,
    pub valid_from: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    pub single_use: bool,
    pub party_id: Option<Uuid>,
    pub party_name: Option<String>,
    pub uses: i64,
    pub active: bool,
}

const COUPON_SELECT: &str =
    "SELECT c.id, c.code, c.kind, c.value, c.valid_from, c.valid_until, c.single_use, c.party_id,
    p.full_name AS party_name, c.uses, c.active FROM coupons c LEFT JOIN parties p ON p.id = c.party_id";

/// A code already taken answers `DbError::Duplicate`.
pub async fn insert_coupon(
    tx: &mut Tx,
    org_id: OrgId,
    coupon: &ValidCoupon,
    now: DateTime<Utc>,
) -> Result<Uuid, DbError> {
    let id = Uuid::now_v7();
    on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO coupons (id, org_id, code, kind, value, valid_from, valid_until, single_use, party_id, uses, active, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, TRUE, $10)",
        )
        .bind(id)
        .bind(org_id.0)
        .bind(&coupon.code)
        .bind(coupon.kind.as_str())
        .bind(coupon.value)
        .bind(coupon.valid_from)
        .bind(coupon.valid_until)
        .bind(coupon.single_use)
        .bind(coupon.party_id.map(|p| p.0))
        .bind(now)
        .execute(&mut *conn)
        .await?;
    });
    Ok(id)
}

/// The organisation's coupons, newest first; one party's (and anyone's) when given.
pub async fn coupons(
    db: &Db,
    org_id: OrgId,
    party: Option<PartyId>,
    limit: u32,
) -> Result<Vec<CouponRow>, DbError> {
    Ok(on_db!(db, pool => {
        sqlx::query_as(&format!(
            "{COUPON_SELECT} WHERE c.org_id = $1 AND ($2 IS NULL OR c.party_id = $2) ORDER BY c.id DESC LIMIT $3"
        ))
        .bind(org_id.0)
        .bind(party.map(|p| p.0))
        .bind(i64::from(limit))
        .fetch_all(pool)
        .await?
    }))
}

pub async fn coupon(db: &Db, org_id: OrgId, id: Uuid) -> Result<Option<CouponRow>, DbError> {
    by_id::row(db, &format!("{COUPON_SELECT} WHERE c.org_id = $1 AND c.id = $2"), org_id, id).await
}

pub async fn coupon_by_code(tx: &mut Tx, org_id: OrgId, code: &str) -> Result<Option<CouponRow>, DbError> {
    Ok(on_tx!(tx, conn => {
        sqlx::query_as(&format!("{COUPON_SELECT} WHERE c.org_id = $1 AND c.code = $2"))
            .bind(org_id.0)
            .bind(code)
            .fetch_optional(&mut *conn)
            .await?
    }))
}

/// Counts a use of the coupon; false when a single-use coupon was used
/// meanwhile (two sales racing for it: one wins).
pub async fn use_coupon(tx: &mut Tx, org_id: OrgId, id: Uuid) -> Result<bool, DbError> {
    let sql =
        "UPDATE coupons SET uses = uses + 1 WHERE org_id = $1 AND id = $2 AND (NOT single_use OR uses = 0)";
    Ok(by_id::write(tx, sql, org_id, id).await? == 1)
}

/// Gives a use back (its sale was cancelled).
pub async fn release_coupon(tx: &mut Tx, org_id: OrgId, id: Uuid) -> Result<(), DbError> {
    let sql = "UPDATE coupons SET uses = uses - 1 WHERE org_id = $1 AND id = $2 AND uses > 0";
    by_id::write(tx, sql, org_id, id).await?;
    Ok(())
}

/// The coupon a sale used, if any.
pub async fn coupon_of_sale(tx: &mut Tx, org_id: OrgId, sale: Uuid) -> Result<Option<Uuid>, DbError> {
    Ok(on_tx!(tx, conn => {
        sqlx::query_scalar::<_, Option<Uuid>>("SELECT coupon_id FROM sales WHERE org_id = $1 AND id = $2")
            .bind(org_id.0)
            .bind(sale)
            .fetch_optional(&mut *conn)
            .await?
            .flatten()
    }))
}

/// A rate of points as listed: with its store's and group's names.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct RateRow {
    pub id: Uuid,
    pub store_id: Option<Uuid>,
    pub store_code: Option<String>,
    pub store_name: Option<String>,
    pub group_id: Option<Uuid>,
    pub group_name: Option<String>,
    pub points_per_unit: i64,
}

/// The organisation's rates of points, by store and group name.
pub async fn rates(db: &Db, org_id: OrgId) -> Result<Vec<RateRow>, DbError> {
    Ok(on_db!(db, pool => {
        sqlx::query_as(
            "SELECT r.id, r.store_id, s.code AS store_code, s.name AS store_name, r.group_id, g.name AS group_name, r.points_per_unit
             FROM points_rates r
             LEFT JOIN stores s ON s.id = r.store_id
             LEFT JOIN catalogue_lists g ON g.id = r.group_id
             WHERE r.org_id = $1 ORDER BY s.name, g.name",
        )
        .bind(org_id.0)
        .fetch_all(pool)
        .await?
    }))
}

/// The rates as they are inside a sale's transaction.
pub async fn rates_in(tx: &mut Tx, org_id: OrgId) -> Result<Vec<PointsRate>, DbError> {
    let rows: Vec<(Option<Uuid>, Option<Uuid>, i64)> = on_tx!(tx, conn => {
        sqlx::query_as("SELECT store_id, group_id, points_per_unit FROM points_rates WHERE org_id = $1")
            .bind(org_id.0)
            .fetch_all(&mut *conn)
            .await?
    });
    Ok(rows
        .into_iter()
        .map(|(store, group, points_per_unit)| PointsRate {
            store_id: store.map(StoreId),
            group_id: group,
            points_per_unit,
        })
        .collect())
}

/// Adds a rate; false when one for the same store and group exists.
pub async fn insert_rate(
    tx: &mut Tx,
    org_id: OrgId,
    id: Uuid,
    rate: &PointsRate,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    Ok(on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO points_rates (id, org_id, store_id, group_id, points_per_unit, created_at)
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
        )
        .bind(id)
        .bind(org_id.0)
        .bind(rate.store_id.map(|s| s.0))
        .bind(rate.group_id)
        .bind(rate.points_per_unit)
        .bind(now)
        .execute(&mut *conn)
        .await?
        .rows_affected()
            == 1
    }))
}

/// Removes a rate; false when there was none.
pub async fn delete_rate(tx: &mut Tx, org_id: OrgId, id: Uuid) -> Result<bool, DbError> {
    Ok(by_id::write(tx, "DELETE FROM points_rates WHERE org_id = $1 AND id = $2", org_id, id).await? == 1)
}
