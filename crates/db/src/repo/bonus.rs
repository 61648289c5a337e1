//! CRM Bônus: the organisation's rule, each party's lots of bonus credit
//! (granted by hand or earned on a sale) and what sales spent of them.
use super::by_id;
use super::versioned;
use crate::rows::Rows;
use crate::{Db, DbError, Tx, on_db, on_tx};
use chrono::{DateTime, NaiveDate, Utc};
use domain::loyalty::BonusRule;
use domain::{Money, OrgId, PartyId};
use std::collections::HashMap;
use uuid::Uuid;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct RuleRow {
    pub percent: i64,
    pub minimum_sale: i64,
    pub valid_days: i32,
    pub active: bool,
    pub version: i64,
}

impl RuleRow {
    pub fn rule(&self) -> BonusRule {
        BonusRule {
            percent: self.percent,
            minimum_sale: Money(self.minimum_sale),
            valid_days: self.valid_days.max(0) as u32,
            active: self.active,
        }
    }
}

const RULE_SELECT: &str =
    "SELECT percent, minimum_sale, valid_days, active, version FROM bonus_rules WHERE org_id = $1";

pub async fn rule(db: &Db, org_id: OrgId) -> Result<Option<RuleRow>, DbError> {
    let sql = RULE_SELECT;
    by_id::org_row(db, sql, org_id).await
}

/// The rule as it is inside a sale's transaction.
pub async fn rule_in(tx: &mut Tx, org_id: OrgId) -> Result<Option<RuleRow>, DbError> {
    let sql = RULE_SELECT;
    by_id::org_row_in(tx, sql, org_id).await
}

/// Saves the rule if nobody changed it since `version` (0: none yet);
/// false otherwise.
pub async fn save_rule(
    tx: &mut Tx,
    org_id: OrgId,
    version: i64,
    rule: &BonusRule,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let columns = vec![
        ("percent", rule.percent.into()),
        ("minimum_sale", rule.minimum_sale.0.into()),
        ("valid_days", (rule.valid_days as i32).into()),
        ("active", rule.active.into()),
    ];
    versioned::save_settings(tx, "bonus_rules", org_id, version, columns, now).await
}

/// A lot of bonus credit to write.
pub struct NewBonus<'a> {
    pub party: PartyId,
    pub amount: i64,
    pub valid_until: Option<NaiveDate>,
    pub earned_on_sale: Option<Uuid>,
    pub reason: &'a str,
}

/// Writes lots of bonus credit.
pub async fn grant_many(
    tx: &mut Tx,
    org_id: OrgId,
    lots: &[NewBonus<'_>],
    by: &str,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let mut rows = Rows::new(
        "bonus_credits",
        &[
            "id",
            "org_id",
            "party_id",
            "amount",
            "remaining",
            "valid_until",
            "earned_on_sale",
            "cancelled",
            "reason",
            "created_at",
            "created_by_label",
        ],
    );
    for lot in lots {
        rows.push([
            Uuid::now_v7().into(),
            org_id.0.into(),
            lot.party.0.into(),
            lot.amount.into(),
            lot.amount.into(),
            lot.valid_until.into(),
            lot.earned_on_sale.into(),
            false.into(),
            lot.reason.into(),
            now.into(),
            by.into(),
        ]);
    }
    rows.insert(tx).await
}

/// What each of these parties has left, lot by lot: the last valid day
/// (none: it lasts) and the credit left.
pub async fn left_in(
    tx: &mut Tx,
    org_id: OrgId,
    parties: &[PartyId],
) -> Result<HashMap<PartyId, Vec<(Option<NaiveDate>, i64)>>, DbError> {
    let mut left: HashMap<PartyId, Vec<(Option<NaiveDate>, i64)>> = HashMap::new();
    for party in parties {
        let rows: Vec<(Option<NaiveDate>, i64)> = on_tx!(tx, conn => {
            sqlx::query_as(
                "SELECT valid_until, remaining FROM bonus_credits
                 WHERE org_id = $1 AND party_id = $2 AND NOT cancelled AND remaining > 0",
            )
            .bind(org_id.0)
            .bind(party.0)
            .fetch_all(&mut *conn)
            .await?
        });
        left.insert(*party, rows);
    }
    Ok(left)
}

/// Takes `amount` from the party's lots valid on `day`, the one ending
/// first first: what each lot gave; none when they hold less.
pub async fn take(
    tx: &mut Tx,
    org_id: OrgId,
    party: PartyId,
    amount: i64,
    day: NaiveDate,
) -> Result<Option<Vec<(Uuid, i64)>>, DbError> {
    let lots: Vec<(Uuid, i64)> = on_tx!(tx, conn => {
        sqlx::query_as(
            "SELECT id, remaining FROM bonus_credits
             WHERE org_id = $1 AND party_id = $2 AND NOT cancelled AND remaining > 0
               AND (valid_until IS NULL OR valid_until >= $3)
             ORDER BY valid_until IS NULL, valid_until, created_at",
        )
        .bind(org_id.0)
        .bind(party.0)
        .bind(day)
        .fetch_all(&mut *conn)
        .await?
    });
    let taken = domain::loyalty::take_oldest_first(&lots, amount);
    if taken.iter().map(|(_, n)| n).sum::<i64>() < amount {
        return Ok(None);
    }
    for (id, n) in &taken {
        let moved = on_tx!(tx, conn => {
            sqlx::query("UPDATE bonus_credits SET remaining = remaining - $3 WHERE org_id = $1 AND id = $2 AND remaining >= $3")
                .bind(org_id.0)
                .bind(id)
                .bind(n)
                .execute(&mut *conn)
                .await?
                .rows_affected()
        });
        if moved != 1 {
            return Ok(None);
        }
    }
    Ok(Some(taken))
}

/// Records what sales spent, lot by lot, once the sales are written.
pub async fn record_uses(
    tx: &mut Tx,
    org_id: OrgId,
    uses: &[(Uuid, Uuid, i64)],
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let mut rows = Rows::new("bonus_uses", &["id", "org_id", "bonus_id", "sale_id", "amount", "at"]);
    for (bonus, sale, amount) in uses {
        rows.push([
            Uuid::now_v7().into(),
            org_id.0.into(),
            (*bonus).into(),
            (*sale).into(),
            (*amount).into(),
            now.into(),
        ]);
    }
    rows.insert(tx).await
}

/// What a cancelled sale did to bonus credit: given back, and earned
/// credit lost while still unspent.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Undone {
    pub given_back: i64,
    pub lost: i64,
}

/// A cancelled sale gives back what it spent, to the lots it came from,
/// and loses what it earned.
pub async fn undo_sale(tx: &mut Tx, org_id: OrgId, sale: Uuid) -> Result<Undone, DbError> {
    let uses: Vec<(Uuid, i64)> = on_tx!(tx, conn => {
        sqlx::query_as("SELECT bonus_id, amount FROM bonus_uses WHERE org_id = $1 AND sale_id = $2")
            .bind(org_id.0)
            .bind(sale)
            .fetch_all(&mut *conn)
            .await?
    });
    for (bonus, amount) in &uses {
        on_tx!(tx, conn => {
            sqlx::query("UPDATE bonus_credits SET remaining = remaining + $3 WHERE org_id = $1 AND id = $2")
                .bind(org_id.0)
                .bind(bonus)
                .bind(amount)
                .execute(&mut *conn)
                .await?;
        });
    }
    let lost: Option<i64> = on_tx!(tx, conn => {
        sqlx::query_scalar(
            "SELECT CAST(SUM(remaining) AS BIGINT) FROM bonus_credits
             WHERE org_id = $1 AND earned_on_sale = $2 AND NOT cancelled",
        )
        .bind(org_id.0)
        .bind(sale)
        .fetch_one(&mut *conn)
        .await?
    });
    by_id::write(tx, "DELETE FROM bonus_uses WHERE org_id = $1 AND sale_id = $2", org_id, sale).await?;
    let lose =
        "UPDATE bonus_credits SET cancelled = TRUE, remaining = 0 WHERE org_id = $1 AND earned_on_sale = $2";
    by_id::write(tx, lose, org_id, sale).await?;
    Ok(Undone { given_back: uses.iter().map(|(_, amount)| amount).sum(), lost: lost.unwrap_or(0) })
}

/// A lot of a party's bonus credit, as the loyalty tab lists it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct BonusRow {
    pub id: Uuid,
    pub amount: i64,
    pub remaining: i64,
    pub valid_until: Option<NaiveDate>,
    pub earned_on_sale: Option<Uuid>,
    pub cancelled: bool,
    pub reason: String,
    pub created_at: DateTime<Utc>,
    pub created_by_label: String,
}

/// The party's lots, newest first.
pub async fn of_party(db: &Db, org_id: OrgId, party: PartyId) -> Result<Vec<BonusRow>, DbError> {
    Ok(on_db!(db, pool => {
        sqlx::query_as(
            "SELECT id, amount, remaining, valid_until, earned_on_sale, cancelled, reason, created_at, created_by_label
             FROM bonus_credits WHERE org_id = $1 AND party_id = $2 ORDER BY created_at DESC, id DESC LIMIT 100",
        )
        .bind(org_id.0)
        .bind(party.0)
        .fetch_all(pool)
        .await?
    }))
}

/// What the party may spend on `day`.
pub async fn available(db: &Db, org_id: OrgId, party: PartyId, day: NaiveDate) -> Result<i64, DbError> {
    Ok(on_db!(db, pool => {
        sqlx::query_scalar::<_, Option<i64>>(
            "SELECT CAST(SUM(remaining) AS BIGINT) FROM bonus_credits WHERE org_id = $1 AND party_id = $2 AND NOT cancelled
             AND (valid_until IS NULL OR valid_until >= $3)",
        )
        .bind(org_id.0)
        .bind(party.0)
        .bind(day)
        .fetch_one(pool)
        .await?
        .unwrap_or(0)
    }))
}
