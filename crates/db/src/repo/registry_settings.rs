//! How an organisation shapes its registry: its own fields [campos
//! personalizados] and its customer statuses.
use super::by_id;
use super::fetch_direct_sql;
use crate::direct::{Cost, direct_row};
use crate::{Db, DbError, Tx, on_db, on_tx};
use chrono::{DateTime, Utc};
use domain::party::{CustomFieldDef, CustomFieldKind};
use domain::{OrgId, PartyId};
use sqlx::types::Json;
use uuid::Uuid;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct CustomFieldRow {
    pub id: Uuid,
    pub key: String,
    pub label: String,
    pub kind: String,
    pub choices: Json<Vec<String>>,
    pub position: i64,
}

impl CustomFieldRow {
    pub fn def(&self) -> CustomFieldDef {
        CustomFieldDef {
            key: self.key.clone(),
            label: self.label.clone(),
            kind: CustomFieldKind::parse(&self.kind).unwrap_or(CustomFieldKind::Text),
            choices: self.choices.0.clone(),
        }
    }
}

pub async fn custom_fields(db: &Db, org_id: OrgId) -> Result<Vec<CustomFieldRow>, DbError> {
    Ok(on_db!(db, pool => {
        sqlx::query_as("SELECT id, key, label, kind, choices, position FROM custom_fields WHERE org_id = $1 ORDER BY position, id")
            .bind(org_id.0)
            .fetch_all(pool)
            .await?
    }))
}

pub async fn insert_custom_field(
    tx: &mut Tx,
    org_id: OrgId,
    id: Uuid,
    def: &CustomFieldDef,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO custom_fields (id, org_id, key, label, kind, choices, position, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, (SELECT COALESCE(MAX(position), 0) + 1 FROM custom_fields WHERE org_id = $2), $7)",
        )
        .bind(id)
        .bind(org_id.0)
        .bind(&def.key)
        .bind(&def.label)
        .bind(def.kind.as_str())
        .bind(Json(&def.choices))
        .bind(now)
        .execute(&mut *conn)
        .await?;
    });
    Ok(())
}

/// Deletes a field and every party's value for it.
pub async fn delete_custom_field(tx: &mut Tx, org_id: OrgId, id: Uuid) -> Result<bool, DbError> {
    by_id::write(tx, "DELETE FROM party_custom_values WHERE org_id = $1 AND field_id = $2", org_id, id)
        .await?;
    Ok(by_id::write(tx, "DELETE FROM custom_fields WHERE org_id = $1 AND id = $2", org_id, id).await? == 1)
}

/// A party's values, as (key, value), in the fields' order.
const CUSTOM_VALUES: &str =
    "SELECT f.key, v.value FROM party_custom_values v JOIN custom_fields f ON f.id = v.field_id
     WHERE v.org_id = $1 AND v.party_id = $2 ORDER BY f.position, f.id";

pub async fn custom_values(db: &Db, org_id: OrgId, party: PartyId) -> Result<Vec<(String, String)>, DbError> {
    Ok(on_db!(db, pool => {
        sqlx::query_as(CUSTOM_VALUES).bind(org_id.0).bind(party.0).fetch_all(pool).await?
    }))
}

/// A party's custom values as the transaction sees them.
pub async fn custom_values_in_tx(
    tx: &mut Tx,
    org_id: OrgId,
    party: PartyId,
) -> Result<Vec<(String, String)>, DbError> {
    Ok(on_tx!(tx, conn => {
        sqlx::query_as(CUSTOM_VALUES).bind(org_id.0).bind(party.0).fetch_all(&mut *conn).await?
    }))
}

pub async fn replace_custom_values(
    tx: &mut Tx,
    org_id: OrgId,
    party: PartyId,
    values: &[(Uuid, String)],
) -> Result<(), DbError> {
    on_tx!(tx, conn => {
        sqlx::query("DELETE FROM party_custom_values WHERE org_id = $1 AND party_id = $2").bind(org_id.0).bind(party.0).execute(&mut *conn).await?;
        for (field_id, value) in values {
            sqlx::query("INSERT INTO party_custom_values (org_id, party_id, field_id, value) VALUES ($1, $2, $3, $4)")
                .bind(org_id.0)
                .bind(party.0)
                .bind(field_id)
                .bind(value)
                .execute(&mut *conn)
                .await?;
        }
    });
    Ok(())
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct StatusRow {
    pub code: String,
    pub label: String,
}

direct_row!(StatusRow { code, label });

/// The organisation's customer statuses; empty until it changes the defaults.
pub async fn customer_statuses(db: &Db, org_id: OrgId) -> Result<Vec<StatusRow>, DbError> {
    let sql = "SELECT code, label FROM customer_statuses WHERE org_id = $1 ORDER BY position, code";
    fetch_direct_sql(db, sql, vec![org_id.0.into()], Cost::Bounded).await
}

pub async fn insert_customer_status(
    tx: &mut Tx,
    org_id: OrgId,
    code: &str,
    label: &str,
) -> Result<(), DbError> {
    on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO customer_statuses (org_id, code, label, position)
             VALUES ($1, $2, $3, (SELECT COALESCE(MAX(position), 0) + 1 FROM customer_statuses WHERE org_id = $1))",
        )
        .bind(org_id.0)
        .bind(code)
        .bind(label)
        .execute(&mut *conn)
        .await?;
    });
    Ok(())
}
