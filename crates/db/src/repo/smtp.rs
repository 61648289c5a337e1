//! The organisation's mail server [servidor de e-mail].
use crate::{Db, DbError, Tx, on_db, on_tx};
use chrono::{DateTime, Utc};
use domain::OrgId;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SmtpRow {
    pub host: String,
    pub port: i32,
    pub tls: String,
    pub username: String,
    pub password: String,
    pub sender_name: String,
    pub sender_address: String,
    pub reply_to: String,
    pub version: i64,
    pub updated_at: DateTime<Utc>,
}

#[tracing::instrument(skip_all)]
pub async fn get(db: &Db, org_id: OrgId) -> Result<Option<SmtpRow>, DbError> {
    Ok(on_db!(db, pool => {
        sqlx::query_as(
            "SELECT host, port, tls, username, password, sender_name, sender_address, reply_to, version, updated_at
             FROM smtp_settings WHERE org_id = $1",
        )
        .bind(org_id.0)
        .fetch_optional(pool)
        .await?
    }))
}

/// Writes the settings if they are still at `version` (0: none yet).
/// False when someone saved in between. `keep_password` leaves the stored
/// password as it is (the form never carries it back).
#[tracing::instrument(skip_all)]
pub async fn save(
    tx: &mut Tx,
    org_id: OrgId,
    row: &SmtpRow,
    keep_password: bool,
    version: i64,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let updated = on_tx!(tx, conn => {
        if version == 0 {
            sqlx::query(
                "INSERT INTO smtp_settings (org_id, host, port, tls, username, password, sender_name,
                     sender_address, reply_to, version, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, $10)
                 ON CONFLICT (org_id) DO NOTHING",
            )
            .bind(org_id.0)
            .bind(&row.host)
            .bind(row.port)
            .bind(&row.tls)
            .bind(&row.username)
            .bind(&row.password)
            .bind(&row.sender_name)
            .bind(&row.sender_address)
            .bind(&row.reply_to)
            .bind(now)
            .execute(&mut *conn)
            .await?
            .rows_affected()
        } else {
            sqlx::query(
                "UPDATE smtp_settings SET host = $3, port = $4, tls = $5, username = $6,
                     password = CASE WHEN $7 THEN password ELSE $8 END, sender_name = $9,
                     sender_address = $10, reply_to = $11, version = version + 1, updated_at = $12
                 WHERE org_id = $1 AND version = $2",
            )
            .bind(org_id.0)
            .bind(version)
            .bind(&row.host)
            .bind(row.port)
            .bind(&row.tls)
            .bind(&row.username)
            .bind(keep_password)
            .bind(&row.password)
            .bind(&row.sender_name)
            .bind(&row.sender_address)
            .bind(&row.reply_to)
            .bind(now)
            .execute(&mut *conn)
            .await?
            .rows_affected()
        }
    });
    Ok(updated == 1)
}
