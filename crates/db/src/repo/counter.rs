//! The numbers an organisation gives its documents (quotes, orders): one
//! counter row per kind, taken in the transaction that uses the number.
use crate::{DbError, Tx, on_tx};
use domain::OrgId;

/// The next number of a kind of document (`quote`), taken in the
/// transaction that uses it: a rollback gives it back, and a concurrent
/// taker waits for this transaction's row.
pub async fn next_number(tx: &mut Tx, org_id: OrgId, kind: &str) -> Result<i64, DbError> {
    Ok(on_tx!(tx, conn => {
        sqlx::query_scalar(
            "INSERT INTO document_counters (org_id, kind, last_number) VALUES ($1, $2, 1)
             ON CONFLICT (org_id, kind) DO UPDATE SET last_number = document_counters.last_number + 1
             RETURNING last_number",
        )
        .bind(org_id.0)
        .bind(kind)
        .fetch_one(&mut *conn)
        .await?
    }))
}

/// The last number given of a kind of document, if any was.
pub async fn last_number(tx: &mut Tx, org_id: OrgId, kind: &str) -> Result<Option<i64>, DbError> {
    Ok(on_tx!(tx, conn => {
        sqlx::query_scalar("SELECT last_number FROM document_counters WHERE org_id = $1 AND kind = $2")
            .bind(org_id.0)
            .bind(kind)
            .fetch_optional(&mut *conn)
            .await?
    }))
}
