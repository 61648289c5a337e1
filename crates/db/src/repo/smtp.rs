//! The organisation's mail server [servidor de e-mail].
use super::by_id;
use crate::{Db, DbError, Tx, on_tx};
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
    let sql = "SELECT host, port, tls, username, password, sender_name, sender_address, reply_to, version, updated_at
             FROM smtp_settings WHERE org_id = $1";
    by_id::org_row(db, sql, org_id).await
}

/// Writes the settings if they are still at `version` (0: none yet), in
/// one statement either way; false when someone saved in between.
/// `keep_password` leaves the stored password as it is (the form never
/// carries it back).
#[tracing::instrument(skip_all)]
pub async fn save(
    tx: &mut Tx,
    org_id: OrgId,
    row: &SmtpRow,
    keep_password: bool,
    version: i64,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let saved = on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO smtp_settings (org_id, host, port, tls, username, password, sender_name,
                 sender_address, reply_to, version, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, $10)
             ON CONFLICT (org_id) DO UPDATE SET host = excluded.host, port = excluded.port,
                 tls = excluded.tls, username = excluded.username,
                 password = CASE WHEN $11 THEN smtp_settings.password ELSE excluded.password END,
                 sender_name = excluded.sender_name, sender_address = excluded.sender_address,
                 reply_to = excluded.reply_to, version = smtp_settings.version + 1,
                 updated_at = excluded.updated_at
             WHERE smtp_settings.version = $12",
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
        .bind(keep_password)
        .bind(version)
        .execute(&mut *conn)
        .await?
        .rows_affected()
    });
    Ok(saved == 1)
}
