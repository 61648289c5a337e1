//! What is kept of a party besides its registration: the consent
//! ledger, notes and relationships.
use crate::{Db, DbError, Tx, on_db, on_tx};
use chrono::{DateTime, Utc};
use domain::party::Channel;
use domain::{OrgId, PartyId, UserId};
use uuid::Uuid;

#[derive(Clone, Debug, serde::Serialize, sqlx::FromRow)]
pub struct ConsentEventRow {
    pub id: Uuid,
    pub channel: String,
    pub granted: bool,
    pub at: DateTime<Utc>,
    pub source: String,
    pub wording: String,
    #[sqlx(rename = "recorded_by_label")]
    pub recorded_by: String,
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

#[derive(Clone, Debug, serde::Serialize, sqlx::FromRow)]
pub struct NoteRow {
    pub id: Uuid,
    pub body: String,
    #[sqlx(rename = "author_label")]
    pub author: String,
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

#[derive(Clone, Debug, serde::Serialize, sqlx::FromRow)]
pub struct RelationshipRow {
    pub id: Uuid,
    /// `spouse`, `holder`, `company_contact`, `other`
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
