//! The outbox [caixa de saída]: messages to parties and what became of them.
use super::by_id;
use crate::{Db, DbError, Tx, on_db, on_tx};
use chrono::{DateTime, Utc};
use domain::ids::MessageId;
use domain::message::{MessageChannel, MessageState};
use domain::{OrgId, PartyId, UserId};
use uuid::Uuid;

pub struct NewMessage<'a> {
    pub id: MessageId,
    pub org_id: OrgId,
    pub party_id: PartyId,
    pub channel: &'a str,
    pub recipient: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
    /// The HTML of a message made from a template ('' for plain text).
    pub body_html: &'a str,
    pub template_id: Option<Uuid>,
    pub queued_by: UserId,
    pub queued_by_name: &'a str,
    /// Typed by someone with the right to, not one of the party's.
    pub address_typed: bool,
}

#[tracing::instrument(skip_all)]
pub async fn insert(tx: &mut Tx, message: &NewMessage<'_>, now: DateTime<Utc>) -> Result<(), DbError> {
    on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO messages (id, org_id, party_id, channel, recipient, subject, body, state,
                 queued_by, queued_by_name, created_at, updated_at, body_html, template_id, address_typed)
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'queued', $8, $9, $10, $10, $11, $12, $13)",
        )
        .bind(message.id.0)
        .bind(message.org_id.0)
        .bind(message.party_id.0)
        .bind(message.channel)
        .bind(message.recipient)
        .bind(message.subject)
        .bind(message.body)
        .bind(message.queued_by.0)
        .bind(message.queued_by_name)
        .bind(now)
        .bind(message.body_html)
        .bind(message.template_id)
        .bind(message.address_typed)
        .execute(&mut *conn)
        .await?;
    });
    Ok(())
}

const MESSAGE_COLUMNS: &str =
    "m.id, m.party_id, p.full_name AS party_name, m.channel, m.recipient, m.subject,
     m.body, m.state, m.attempts, m.answer, m.queued_by_name, m.created_at, m.updated_at, m.sent_at,
     (SELECT COUNT(*) FROM message_attachments a WHERE a.message_id = m.id) AS attachment_count";

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct MessageRow {
    pub id: Uuid,
    pub party_id: Uuid,
    pub party_name: String,
    pub channel: String,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub state: String,
    pub attempts: i32,
    pub answer: String,
    pub queued_by_name: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub attachment_count: i64,
}

/// Which messages a list shows: the newest first, a page at a time after
/// the last one seen (ids are time-ordered).
#[derive(Clone, Debug, Default)]
pub struct MessageFilter {
    pub state: Option<MessageState>,
    pub channel: Option<MessageChannel>,
    pub party_id: Option<PartyId>,
    pub before: Option<Uuid>,
    pub limit: u32,
}

#[tracing::instrument(skip_all)]
pub async fn list(db: &Db, org_id: OrgId, filter: &MessageFilter) -> Result<Vec<MessageRow>, DbError> {
    let sql = format!(
        "SELECT {MESSAGE_COLUMNS} FROM messages m JOIN parties p ON p.id = m.party_id
         WHERE m.org_id = $1 AND ($2 IS NULL OR m.state = $2) AND ($3 IS NULL OR m.party_id = $3)
           AND ($4 IS NULL OR m.id < $4) AND ($6 IS NULL OR m.channel = $6)
         ORDER BY m.id DESC LIMIT $5"
    );
    Ok(on_db!(db, pool => {
        sqlx::query_as(&sql)
            .bind(org_id.0)
            .bind(filter.state.map(MessageState::as_str))
            .bind(filter.party_id.map(|id| id.0))
            .bind(filter.before)
            .bind(filter.limit as i64)
            .bind(filter.channel.map(MessageChannel::as_str))
            .fetch_all(pool)
            .await?
    }))
}

#[tracing::instrument(skip_all)]
pub async fn get(db: &Db, org_id: OrgId, id: MessageId) -> Result<Option<MessageRow>, DbError> {
    let sql = format!(
        "SELECT {MESSAGE_COLUMNS} FROM messages m JOIN parties p ON p.id = m.party_id
         WHERE m.org_id = $1 AND m.id = $2"
    );
    by_id::row(db, &sql, org_id, id.0).await
}

/// A message as the worker sees it when it is time to send: its party's
/// consent for the channel and whether the address is still the party's,
/// read in the transaction that takes it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Outgoing {
    pub id: Uuid,
    pub org_id: Uuid,
    pub party_id: Uuid,
    pub channel: String,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub body_html: String,
    pub state: String,
    pub attempts: i32,
    pub queued_by_name: String,
    pub consent_sms_whatsapp: bool,
    pub consent_email: bool,
    pub consent_phone: bool,
    pub consent_letter: bool,
    pub address_is_the_partys: bool,
    pub has_attachments: bool,
}

const OUTGOING: &str =
    "SELECT m.id, m.org_id, m.party_id, m.channel, m.recipient, m.subject, m.body, m.body_html, m.state,
         m.attempts, m.queued_by_name, p.consent_sms_whatsapp, p.consent_email, p.consent_phone,
         p.consent_letter,
         m.address_typed OR CASE m.channel
             WHEN 'email' THEN EXISTS (SELECT 1 FROM party_emails e
                                       WHERE e.party_id = m.party_id AND e.email = m.recipient)
             WHEN 'letter' THEN TRUE
             ELSE EXISTS (SELECT 1 FROM party_phones ph WHERE ph.party_id = m.party_id AND ph.e164 = m.recipient)
         END AS address_is_the_partys,
         EXISTS (SELECT 1 FROM message_attachments a WHERE a.message_id = m.id) AS has_attachments
     FROM messages m JOIN parties p ON p.id = m.party_id
     WHERE m.id = $1";

/// Reads a message to send and holds it (and its party's consent) until
/// the transaction ends: on PostgreSQL by locking both rows, so consent
/// withdrawn meanwhile waits for this decision and is seen by the next.
#[tracing::instrument(skip_all)]
pub async fn take_outgoing(tx: &mut Tx, id: MessageId) -> Result<Option<Outgoing>, DbError> {
    Ok(match tx {
        Tx::Sqlite(conn) => sqlx::query_as(OUTGOING).bind(id.0).fetch_optional(&mut **conn).await?,
        Tx::Postgres(conn) => {
            sqlx::query_as(&format!("{OUTGOING} FOR UPDATE OF m, p"))
                .bind(id.0)
                .fetch_optional(&mut **conn)
                .await?
        }
    })
}

/// Moves a message to a state with the server's (or the rule's) answer.
#[tracing::instrument(skip_all)]
pub async fn set_state(
    tx: &mut Tx,
    id: MessageId,
    state: MessageState,
    answer: &str,
    attempts: i32,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let sent_at = (state == MessageState::Sent).then_some(now);
    on_tx!(tx, conn => {
        sqlx::query(
            "UPDATE messages SET state = $2, answer = $3, attempts = $4, updated_at = $5,
                 sent_at = COALESCE($6, sent_at)
             WHERE id = $1",
        )
        .bind(id.0)
        .bind(state.as_str())
        .bind(answer)
        .bind(attempts)
        .bind(now)
        .bind(sent_at)
        .execute(&mut *conn)
        .await?;
    });
    Ok(())
}

/// Moves a message from one of `from` to `to`; false when it was in none
/// of them (someone else moved it first).
#[tracing::instrument(skip_all)]
pub async fn move_state(
    tx: &mut Tx,
    org_id: OrgId,
    id: MessageId,
    from: &[MessageState],
    to: MessageState,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let from: Vec<&str> = from.iter().map(|s| s.as_str()).collect();
    let placeholders: Vec<String> = (0..from.len()).map(|i| format!("${}", i + 5)).collect();
    let sql = format!(
        "UPDATE messages SET state = $3, updated_at = $4 WHERE org_id = $1 AND id = $2 AND state IN ({})",
        placeholders.join(", ")
    );
    let updated = on_tx!(tx, conn => {
        let mut query = sqlx::query(&sql).bind(org_id.0).bind(id.0).bind(to.as_str()).bind(now);
        for state in &from {
            query = query.bind(*state);
        }
        query.execute(&mut *conn).await?.rows_affected()
    });
    Ok(updated == 1)
}

/// Where a party may be written to: its e-mail addresses, phones and
/// postal addresses, and the channels it allows now.
#[derive(Clone, Debug, Default)]
pub struct Reachable {
    pub name: String,
    pub emails: Vec<String>,
    /// E.164.
    pub phones: Vec<String>,
    pub addresses: Vec<domain::address::Address>,
    pub consent: domain::party::ConsentState,
    pub city: String,
    pub state: String,
}

#[derive(sqlx::FromRow, Default)]
struct ReachableParty {
    full_name: String,
    consent_sms_whatsapp: bool,
    consent_email: bool,
    consent_phone: bool,
    consent_letter: bool,
    city: String,
    state: String,
}

#[tracing::instrument(skip_all)]
pub async fn reachable(db: &Db, party: PartyId) -> Result<Reachable, DbError> {
    let (emails, phones, addresses, found) = on_db!(db, pool => {
        tokio::try_join!(
            sqlx::query_scalar::<_, String>("SELECT email FROM party_emails WHERE party_id = $1 ORDER BY position")
                .bind(party.0)
                .fetch_all(pool),
            sqlx::query_scalar::<_, String>("SELECT e164 FROM party_phones WHERE party_id = $1 ORDER BY position")
                .bind(party.0)
                .fetch_all(pool),
            sqlx::query_as::<_, super::party::AddressRow>(
                "SELECT street, number, complement, neighbourhood, city, state, postal_code, country
                 FROM party_addresses WHERE party_id = $1 ORDER BY position"
            )
            .bind(party.0)
            .fetch_all(pool),
            sqlx::query_as::<_, ReachableParty>(
                "SELECT full_name, consent_sms_whatsapp, consent_email, consent_phone, consent_letter, city, state
                 FROM parties WHERE id = $1"
            )
            .bind(party.0)
            .fetch_optional(pool),
        )?
    });
    let found = found.unwrap_or_default();
    Ok(Reachable {
        name: found.full_name,
        emails,
        phones,
        addresses: addresses.into_iter().map(super::party::AddressRow::into_address).collect(),
        consent: domain::party::ConsentState {
            sms_whatsapp: found.consent_sms_whatsapp,
            email: found.consent_email,
            phone: found.consent_phone,
            letter: found.consent_letter,
        },
        city: found.city,
        state: found.state,
    })
}

/// The letters waiting for a batch, oldest first, at most `limit`.
#[tracing::instrument(skip_all)]
pub async fn waiting_letters(tx: &mut Tx, org_id: OrgId, limit: u32) -> Result<Vec<Uuid>, DbError> {
    Ok(on_tx!(tx, conn => {
        sqlx::query_scalar(
            "SELECT id FROM messages WHERE org_id = $1 AND channel = 'letter' AND state = 'queued'
             ORDER BY id LIMIT $2",
        )
        .bind(org_id.0)
        .bind(i64::from(limit))
        .fetch_all(&mut *conn)
        .await?
    }))
}

/// A letter printed in `batch`: sent, by hand.
#[tracing::instrument(skip_all)]
pub async fn mark_printed(
    tx: &mut Tx,
    id: MessageId,
    batch: Uuid,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    on_tx!(tx, conn => {
        sqlx::query(
            "UPDATE messages SET state = 'sent', print_batch = $2, attempts = attempts + 1, answer = '',
                 updated_at = $3, sent_at = $3
             WHERE id = $1",
        )
        .bind(id.0)
        .bind(batch)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    });
    Ok(())
}

/// The letters of a printed batch, in the order they were queued.
#[tracing::instrument(skip_all)]
pub async fn printed(db: &Db, org_id: OrgId, batch: Uuid) -> Result<Vec<MessageRow>, DbError> {
    let sql = format!(
        "SELECT {MESSAGE_COLUMNS} FROM messages m JOIN parties p ON p.id = m.party_id
         WHERE m.org_id = $1 AND m.print_batch = $2 ORDER BY m.id"
    );
    Ok(on_db!(db, pool => {
        sqlx::query_as(&sql).bind(org_id.0).bind(batch).fetch_all(pool).await?
    }))
}

/// A file sent with a message, in the message's own transaction.
#[tracing::instrument(skip_all)]
pub async fn insert_attachment(
    tx: &mut Tx,
    org_id: OrgId,
    message: MessageId,
    file: &domain::message::Attachment,
) -> Result<(), DbError> {
    on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO message_attachments (id, org_id, message_id, file_name, content_type, content)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(Uuid::now_v7())
        .bind(org_id.0)
        .bind(message.0)
        .bind(&file.file_name)
        .bind(&file.content_type)
        .bind(&file.content)
        .execute(&mut *conn)
        .await?;
    });
    Ok(())
}

#[derive(sqlx::FromRow)]
struct AttachmentRow {
    file_name: String,
    content_type: String,
    content: Vec<u8>,
}

/// The files of a message, in the order they were added.
#[tracing::instrument(skip_all)]
pub async fn attachments(db: &Db, message: MessageId) -> Result<Vec<domain::message::Attachment>, DbError> {
    let rows: Vec<AttachmentRow> = on_db!(db, pool => {
        sqlx::query_as(
            "SELECT file_name, content_type, content FROM message_attachments WHERE message_id = $1 ORDER BY id",
        )
        .bind(message.0)
        .fetch_all(pool)
        .await?
    });
    Ok(rows
        .into_iter()
        .map(|r| domain::message::Attachment {
            file_name: r.file_name,
            content_type: r.content_type,
            content: r.content,
        })
        .collect())
}

/// A printed batch as listed: when it was printed and how many letters.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct BatchRow {
    pub id: Uuid,
    pub printed_at: DateTime<Utc>,
    pub letters: i64,
}

/// The organisation's latest printed batches, newest first.
#[tracing::instrument(skip_all)]
pub async fn batches(db: &Db, org_id: OrgId, limit: u32) -> Result<Vec<BatchRow>, DbError> {
    Ok(on_db!(db, pool => {
        sqlx::query_as(
            "SELECT print_batch AS id, MAX(sent_at) AS printed_at, COUNT(*) AS letters FROM messages
             WHERE org_id = $1 AND print_batch IS NOT NULL
             GROUP BY print_batch ORDER BY MAX(sent_at) DESC LIMIT $2",
        )
        .bind(org_id.0)
        .bind(i64::from(limit))
        .fetch_all(pool)
        .await?
    }))
}
