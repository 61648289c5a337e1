//! Call lists: customers handed to an agent to call in order.
use crate::{Db, DbError, Tx, on_db, on_tx};
use chrono::{DateTime, Utc};
use domain::{OrgId, PartyId, UserId};
use uuid::Uuid;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct CallListRow {
    pub id: Uuid,
    pub name: String,
    pub agent_id: Uuid,
    pub agent_name: String,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
    pub total: i64,
    pub called: i64,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct EntryRow {
    pub position: i64,
    pub party_id: Uuid,
    pub full_name: String,
    pub called_at: Option<DateTime<Utc>>,
}

const LIST_COLUMNS: &str = "l.id, l.name, l.agent_id, u.display_name AS agent_name, l.created_by, l.created_at, \
    (SELECT COUNT(*) FROM call_list_entries e WHERE e.list_id = l.id) AS total, \
    (SELECT COUNT(*) FROM call_list_entries e WHERE e.list_id = l.id AND e.called_at IS NOT NULL) AS called";

/// The organisation's lists, newest first; only those given to or made by
/// `user` when named.
#[tracing::instrument(skip_all)]
pub async fn lists(db: &Db, org: OrgId, user: Option<UserId>) -> Result<Vec<CallListRow>, DbError> {
    let sql = format!(
        "SELECT {LIST_COLUMNS} FROM call_lists l JOIN users u ON u.id = l.agent_id
         WHERE l.org_id = $1 AND ($2 IS NULL OR l.agent_id = $2 OR l.created_by = $2)
         ORDER BY l.created_at DESC, l.id DESC LIMIT 200"
    );
    Ok(on_db!(db, pool => {
        sqlx::query_as(&sql).bind(org.0).bind(user.map(|u| u.0)).fetch_all(pool).await?
    }))
}

#[tracing::instrument(skip_all)]
pub async fn get(db: &Db, org: OrgId, id: Uuid) -> Result<Option<CallListRow>, DbError> {
    let sql = format!(
        "SELECT {LIST_COLUMNS} FROM call_lists l JOIN users u ON u.id = l.agent_id
         WHERE l.org_id = $1 AND l.id = $2"
    );
    Ok(on_db!(db, pool => {
        sqlx::query_as(&sql).bind(org.0).bind(id).fetch_optional(pool).await?
    }))
}

/// A list's customers in their order.
#[tracing::instrument(skip_all)]
pub async fn entries(db: &Db, org: OrgId, list: Uuid) -> Result<Vec<EntryRow>, DbError> {
    Ok(on_db!(db, pool => {
        sqlx::query_as(
            "SELECT e.position, e.party_id, p.full_name, e.called_at
             FROM call_list_entries e JOIN parties p ON p.id = e.party_id
             WHERE e.org_id = $1 AND e.list_id = $2 ORDER BY e.position",
        )
        .bind(org.0)
        .bind(list)
        .fetch_all(pool)
        .await?
    }))
}

pub struct NewCallList<'a> {
    pub id: Uuid,
    pub org_id: OrgId,
    pub name: &'a str,
    pub agent: UserId,
    pub by: UserId,
    pub at: DateTime<Utc>,
    pub parties: &'a [PartyId],
}

#[tracing::instrument(skip_all)]
pub async fn insert(tx: &mut Tx, list: &NewCallList<'_>) -> Result<(), DbError> {
    on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO call_lists (id, org_id, name, agent_id, created_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(list.id)
        .bind(list.org_id.0)
        .bind(list.name)
        .bind(list.agent.0)
        .bind(list.by.0)
        .bind(list.at)
        .execute(&mut *conn)
        .await?;
        for (position, party) in list.parties.iter().enumerate() {
            sqlx::query(
                "INSERT INTO call_list_entries (id, org_id, list_id, position, party_id)
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(Uuid::now_v7())
            .bind(list.org_id.0)
            .bind(list.id)
            .bind(position as i64)
            .bind(party.0)
            .execute(&mut *conn)
            .await?;
        }
    });
    Ok(())
}

/// Marks the party's entry of the list called by this occurrence; false
/// when the party is not on the list.
#[tracing::instrument(skip_all)]
pub async fn mark_called(
    tx: &mut Tx,
    org: OrgId,
    list: Uuid,
    party: PartyId,
    occurrence: Uuid,
    at: DateTime<Utc>,
) -> Result<bool, DbError> {
    Ok(on_tx!(tx, conn => {
        sqlx::query(
            "UPDATE call_list_entries SET called_at = $5, occurrence_id = $4
             WHERE org_id = $1 AND list_id = $2 AND party_id = $3",
        )
        .bind(org.0)
        .bind(list)
        .bind(party.0)
        .bind(occurrence)
        .bind(at)
        .execute(&mut *conn)
        .await?
        .rows_affected()
            > 0
    }))
}
