//! Documents sent to customers [envio para clientes] and what became of
//! each customer of a sending.
use super::super::by_id;
use crate::{Db, DbError, Tx, on_db, on_tx};
use chrono::{DateTime, NaiveDate, Utc};
use domain::{DocumentSendId, OrgId, UserId};
use uuid::Uuid;

pub struct NewSending<'a> {
    pub id: DocumentSendId,
    pub org_id: OrgId,
    pub template_id: Uuid,
    pub template_name: &'a str,
    pub header: &'a str,
    pub company: &'a str,
    pub ordering: &'a str,
    pub sent_by: UserId,
    pub sent_by_name: &'a str,
}

pub struct NewRecipient<'a> {
    pub contact_id: Uuid,
    pub party_id: Uuid,
    pub party_name: &'a str,
    pub city: &'a str,
    pub next_return_on: Option<NaiveDate>,
    pub recipient: &'a str,
    pub outcome: &'a str,
    pub message_id: Option<Uuid>,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SendingRow {
    pub id: Uuid,
    pub template_id: Uuid,
    pub template_name: String,
    pub header: String,
    pub company: String,
    pub ordering: String,
    pub sent_by_name: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct RecipientRow {
    pub contact_id: Uuid,
    pub party_id: Uuid,
    pub party_name: String,
    pub city: String,
    pub next_return_on: Option<NaiveDate>,
    pub recipient: String,
    pub outcome: String,
    pub message_id: Option<Uuid>,
}

pub async fn insert(
    tx: &mut Tx,
    sending: &NewSending<'_>,
    recipients: &[NewRecipient<'_>],
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO document_sends (id, org_id, template_id, template_name, header, company, ordering, sent_by,
             sent_by_name, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(sending.id.0)
        .bind(sending.org_id.0)
        .bind(sending.template_id)
        .bind(sending.template_name)
        .bind(sending.header)
        .bind(sending.company)
        .bind(sending.ordering)
        .bind(sending.sent_by.0)
        .bind(sending.sent_by_name)
        .bind(now)
        .execute(&mut *conn)
        .await?;
        for r in recipients {
            sqlx::query(
                "INSERT INTO document_send_recipients (id, org_id, send_id, contact_id, party_id, party_name, city,
                 next_return_on, recipient, outcome, message_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            )
            .bind(Uuid::now_v7())
            .bind(sending.org_id.0)
            .bind(sending.id.0)
            .bind(r.contact_id)
            .bind(r.party_id)
            .bind(r.party_name)
            .bind(r.city)
            .bind(r.next_return_on)
            .bind(r.recipient)
            .bind(r.outcome)
            .bind(r.message_id)
            .execute(&mut *conn)
            .await?;
        }
    });
    Ok(())
}

pub async fn get(db: &Db, org_id: OrgId, id: DocumentSendId) -> Result<Option<SendingRow>, DbError> {
    by_id::row(
        db,
        "SELECT id, template_id, template_name, header, company, ordering, sent_by_name, created_at
             FROM document_sends WHERE org_id = $1 AND id = $2",
        org_id,
        id.0,
    )
    .await
}

pub async fn recipients(db: &Db, org_id: OrgId, id: DocumentSendId) -> Result<Vec<RecipientRow>, DbError> {
    Ok(on_db!(db, pool => {
        sqlx::query_as(
            "SELECT contact_id, party_id, party_name, city, next_return_on, recipient, outcome, message_id
             FROM document_send_recipients WHERE org_id = $1 AND send_id = $2",
        )
        .bind(org_id.0)
        .bind(id.0)
        .fetch_all(pool)
        .await?
    }))
}
