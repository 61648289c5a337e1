//! The organisation's discount policy: its rules in the order written.
use crate::{Db, DbError, Tx, on_db, on_tx};
use domain::OrgId;
use uuid::Uuid;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct RuleRow {
    pub name: String,
    pub min_bought: Option<i64>,
    pub customer_status: Option<String>,
    /// The product group's name.
    pub group_name: Option<String>,
    pub max_percent: i64,
}

/// A rule to write, its group by id.
pub struct NewRule<'a> {
    pub name: &'a str,
    pub min_bought: Option<i64>,
    pub customer_status: Option<&'a str>,
    pub group_id: Option<Uuid>,
    pub max_percent: i64,
}

pub async fn rules(db: &Db, org_id: OrgId) -> Result<Vec<RuleRow>, DbError> {
    Ok(on_db!(db, pool => {
        sqlx::query_as(
            "SELECT r.name, r.min_bought, r.customer_status, g.name AS group_name, r.max_percent
             FROM discount_rules r LEFT JOIN catalogue_lists g ON g.id = r.group_id
             WHERE r.org_id = $1 ORDER BY r.position",
        )
        .bind(org_id.0)
        .fetch_all(pool)
        .await?
    }))
}

/// Replaces the policy's rules with these, in this order.
pub async fn replace(tx: &mut Tx, org_id: OrgId, rules: &[NewRule<'_>]) -> Result<(), DbError> {
    on_tx!(tx, conn => {
        sqlx::query("DELETE FROM discount_rules WHERE org_id = $1").bind(org_id.0).execute(&mut *conn).await?;
        for (position, rule) in rules.iter().enumerate() {
            sqlx::query(
                "INSERT INTO discount_rules (id, org_id, position, name, min_bought, customer_status, group_id, max_percent)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(Uuid::now_v7())
            .bind(org_id.0)
            .bind(position as i32)
            .bind(rule.name)
            .bind(rule.min_bought)
            .bind(rule.customer_status)
            .bind(rule.group_id)
            .bind(rule.max_percent)
            .execute(&mut *conn)
            .await?;
        }
    });
    Ok(())
}

/// The party's customer status, which rules may name.
pub async fn customer_status(
    db: &Db,
    org_id: OrgId,
    party: domain::PartyId,
) -> Result<Option<String>, DbError> {
    let found: Option<Option<String>> = on_db!(db, pool => {
        sqlx::query_scalar("SELECT customer_status FROM parties WHERE org_id = $1 AND id = $2")
            .bind(org_id.0)
            .bind(party.0)
            .fetch_optional(pool)
            .await?
    });
    Ok(found.flatten())
}
