//! The one file a contract or a sales-contact note may carry, kept in the
//! row itself (its name, type, size and bytes) and read only when asked.
use super::by_id;
use crate::{Db, DbError, Tx, on_tx};
use domain::OrgId;
use uuid::Uuid;

/// A file kept in a row (a contract's, a note's), as stored.
pub struct StoredFile<'a> {
    pub file_name: &'a str,
    pub content_type: &'a str,
    pub content: &'a [u8],
}

impl StoredFile<'_> {
    /// Its size in bytes, as the `file_size` column keeps it.
    pub(crate) fn size(&self) -> i64 {
        i64::try_from(self.content.len()).unwrap_or(i64::MAX)
    }
}

/// The tables whose rows carry a stored file.
#[derive(Clone, Copy)]
pub(crate) enum FileHolder {
    Contracts,
    ContactNotes,
}

impl FileHolder {
    fn table(self) -> &'static str {
        match self {
            FileHolder::Contracts => "contracts",
            FileHolder::ContactNotes => "sales_contact_notes",
        }
    }
}

/// Puts `file` in place of the file of the row `id`.
pub(crate) async fn replace(
    tx: &mut Tx,
    holder: FileHolder,
    org_id: OrgId,
    id: Uuid,
    file: &StoredFile<'_>,
) -> Result<(), DbError> {
    let sql = format!(
        "UPDATE {} SET file_name = $3, content_type = $4, file_size = $5, content = $6 WHERE org_id = $1 AND id = $2",
        holder.table()
    );
    on_tx!(tx, conn => {
        sqlx::query(&sql)
            .bind(org_id.0)
            .bind(id)
            .bind(file.file_name)
            .bind(file.content_type)
            .bind(file.size())
            .bind(file.content)
            .execute(&mut *conn)
            .await?;
    });
    Ok(())
}

/// The file of the row `id`: its name, type and bytes (none: no such row,
/// or a row without a file).
pub(crate) async fn read(
    db: &Db,
    holder: FileHolder,
    org_id: OrgId,
    id: Uuid,
) -> Result<Option<(String, String, Vec<u8>)>, DbError> {
    let sql = format!(
        "SELECT file_name, content_type, content FROM {} WHERE org_id = $1 AND id = $2 AND content IS NOT NULL",
        holder.table()
    );
    by_id::row(db, &sql, org_id, id).await
}
