//! Notes [pareceres] on sales contacts. Lists never read an attachment's
//! bytes; only [`attachment`] does.
use super::super::StoredFile;
use super::super::by_id;
use super::super::stored_file::{self, FileHolder};
use crate::{Db, DbError, Tx, on_db, on_tx};
use chrono::{DateTime, Utc};
use domain::{ContactNoteId, OrgId, SalesContactId, UserId};
use uuid::Uuid;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct NoteRow {
    pub id: Uuid,
    pub contact_id: Uuid,
    pub author_id: Option<Uuid>,
    pub author_name: Option<String>,
    pub body: String,
    pub source: String,
    pub draft: bool,
    pub file_name: Option<String>,
    pub file_size: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

const SELECT: &str =
    "SELECT n.id, n.contact_id, n.author_id, u.display_name AS author_name, n.body, n.source,
        n.draft, n.file_name, n.file_size, n.created_at, n.updated_at, n.version
    FROM sales_contact_notes n LEFT JOIN users u ON u.id = n.author_id";

/// A note as written.
pub struct NoteFields<'a> {
    pub body: &'a str,
    pub source: &'a str,
    pub draft: bool,
}

/// Which note, on which contact, by whom (none: written by the system).
pub struct Written {
    pub id: ContactNoteId,
    pub contact: SalesContactId,
    pub author: Option<UserId>,
}

pub async fn insert(
    tx: &mut Tx,
    org_id: OrgId,
    written: &Written,
    fields: &NoteFields<'_>,
    file: Option<&StoredFile<'_>>,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO sales_contact_notes (id, org_id, contact_id, author_id, body, source, draft, file_name,
                 content_type, file_size, content, created_at, updated_at, version)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, 1)",
        )
        .bind(written.id.0)
        .bind(org_id.0)
        .bind(written.contact.0)
        .bind(written.author.map(|a| a.0))
        .bind(fields.body)
        .bind(fields.source)
        .bind(fields.draft)
        .bind(file.map(|f| f.file_name))
        .bind(file.map(|f| f.content_type))
        .bind(file.map(StoredFile::size))
        .bind(file.map(|f| f.content))
        .bind(now)
        .execute(&mut *conn)
        .await?;
    });
    Ok(())
}

/// Writes a draft again (still a draft, or confirmed) if it is still at
/// `version` and its author's; a new file replaces the old.
pub async fn update_draft(
    tx: &mut Tx,
    org_id: OrgId,
    written: &Written,
    version: i64,
    fields: &NoteFields<'_>,
    file: Option<&StoredFile<'_>>,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let updated = on_tx!(tx, conn => {
        sqlx::query(
            "UPDATE sales_contact_notes SET body = $5, source = $6, draft = $7, created_at = $8, updated_at = $8,
                 version = version + 1
             WHERE org_id = $1 AND id = $2 AND author_id = $3 AND version = $4 AND draft",
        )
        .bind(org_id.0)
        .bind(written.id.0)
        .bind(written.author.map(|a| a.0))
        .bind(version)
        .bind(fields.body)
        .bind(fields.source)
        .bind(fields.draft)
        .bind(now)
        .execute(&mut *conn)
        .await?
        .rows_affected()
    });
    if updated != 1 {
        return Ok(false);
    }
    if let Some(file) = file {
        stored_file::replace(tx, FileHolder::ContactNotes, org_id, written.id.0, file).await?;
    }
    Ok(true)
}

pub async fn get_in(tx: &mut Tx, org_id: OrgId, id: ContactNoteId) -> Result<Option<NoteRow>, DbError> {
    let sql = format!("{SELECT} WHERE n.org_id = $1 AND n.id = $2");
    by_id::row_in(tx, &sql, org_id, id.0).await
}

pub async fn get(db: &Db, org_id: OrgId, id: ContactNoteId) -> Result<Option<NoteRow>, DbError> {
    let sql = format!("{SELECT} WHERE n.org_id = $1 AND n.id = $2");
    by_id::row(db, &sql, org_id, id.0).await
}

/// The contact's notes the reader may see (every confirmed one, and his own
/// drafts), the latest first; only those from a standard text when asked.
pub async fn of_contact(
    db: &Db,
    org_id: OrgId,
    contact: SalesContactId,
    reader: UserId,
    standard_only: bool,
) -> Result<Vec<NoteRow>, DbError> {
    let sql = format!(
        "{SELECT} WHERE n.org_id = $1 AND n.contact_id = $2 AND (NOT n.draft OR n.author_id = $3)
             AND (n.source = 'standard' OR NOT $4)
         ORDER BY n.created_at DESC, n.id DESC"
    );
    Ok(on_db!(db, pool => {
        sqlx::query_as(&sql).bind(org_id.0).bind(contact.0).bind(reader.0).bind(standard_only).fetch_all(pool).await?
    }))
}

/// A draft note with the contact and customer it is for.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PendingRow {
    #[sqlx(flatten)]
    pub note: NoteRow,
    pub contact_name: String,
    pub party_id: Uuid,
    pub party_name: String,
}

/// The author's drafts [pareceres pendentes], the oldest first.
pub async fn pending(db: &Db, org_id: OrgId, author: UserId) -> Result<Vec<PendingRow>, DbError> {
    let sql = "SELECT n.id, n.contact_id, n.author_id, u.display_name AS author_name, n.body, n.source,
            n.draft, n.file_name, n.file_size, n.created_at, n.updated_at, n.version,
            c.name AS contact_name, c.party_id, p.full_name AS party_name
        FROM sales_contact_notes n LEFT JOIN users u ON u.id = n.author_id
        JOIN sales_contacts c ON c.id = n.contact_id JOIN parties p ON p.id = c.party_id
        WHERE n.org_id = $1 AND n.author_id = $2 AND n.draft ORDER BY n.created_at, n.id";
    Ok(on_db!(db, pool => sqlx::query_as(sql).bind(org_id.0).bind(author.0).fetch_all(pool).await?))
}

/// The note's file: its name, type and bytes.
pub async fn attachment(
    db: &Db,
    org_id: OrgId,
    id: ContactNoteId,
) -> Result<Option<(String, String, Vec<u8>)>, DbError> {
    stored_file::read(db, FileHolder::ContactNotes, org_id, id.0).await
}
