//! The organisation's message gateway [gateway de SMS/WhatsApp].
use super::by_id;
use crate::{Db, DbError, Tx, on_tx};
use chrono::{DateTime, Utc};
use domain::OrgId;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct GatewayRow {
    pub url: String,
    pub secret: String,
    pub sms: bool,
    pub whatsapp: bool,
    pub version: i64,
    pub updated_at: DateTime<Utc>,
}

#[tracing::instrument(skip_all)]
pub async fn get(db: &Db, org_id: OrgId) -> Result<Option<GatewayRow>, DbError> {
    let sql =
        "SELECT url, secret, sms, whatsapp, version, updated_at FROM message_gateways WHERE org_id = $1";
    by_id::org_row(db, sql, org_id).await
}

/// Writes the settings if they are still at `version` (0: none yet), in
/// one statement either way; false when someone saved in between. An
/// empty `row.secret` keeps the stored one.
#[tracing::instrument(skip_all)]
pub async fn save(
    tx: &mut Tx,
    org_id: OrgId,
    row: &GatewayRow,
    version: i64,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let saved = on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO message_gateways (org_id, url, secret, sms, whatsapp, version, updated_at)
             VALUES ($1, $2, $3, $4, $5, 1, $6)
             ON CONFLICT (org_id) DO UPDATE SET url = excluded.url,
                 secret = CASE WHEN excluded.secret = '' THEN message_gateways.secret ELSE excluded.secret END,
                 sms = excluded.sms, whatsapp = excluded.whatsapp,
                 version = message_gateways.version + 1, updated_at = excluded.updated_at
             WHERE message_gateways.version = $7",
        )
        .bind(org_id.0)
        .bind(&row.url)
        .bind(&row.secret)
        .bind(row.sms)
        .bind(row.whatsapp)
        .bind(now)
        .bind(version)
        .execute(&mut *conn)
        .await?
        .rows_affected()
    });
    Ok(saved == 1)
}
