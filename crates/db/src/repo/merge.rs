//! Merging duplicate parties [mesclar cadastros], and undoing a merge.
use super::by_id;
use crate::{DbError, Tx, on_tx};
use chrono::{DateTime, Utc};
use domain::party::Channel;
use domain::{OrgId, PartyId, UserId};
use serde_json::{Value, json};
use uuid::Uuid;

/// Every (table, column) that points at a party. Capabilities that add a
/// table referring to parties add it here, and merges carry it along.
pub const PARTY_REFERENCES: &[(&str, &str)] = &[
    ("party_phones", "party_id"),
    ("party_emails", "party_id"),
    ("party_addresses", "party_id"),
    ("consent_events", "party_id"),
    ("party_notes", "party_id"),
    ("party_relationships", "party_id"),
    ("party_relationships", "related_party_id"),
    ("vehicles", "party_id"),
    ("vehicle_interests", "party_id"),
    ("interactions", "party_id"),
    ("appointments", "party_id"),
    ("party_events", "party_id"),
    ("messages", "party_id"),
    ("sales", "party_id"),
    ("installments", "party_id"),
    ("renegotiations", "party_id"),
    ("bonus_credits", "party_id"),
    ("points_entries", "party_id"),
    ("coupons", "party_id"),
    ("call_list_entries", "party_id"),
    ("quotes", "party_id"),
    ("orders", "party_id"),
    ("contracts", "party_id"),
    ("sales_contacts", "party_id"),
    ("document_send_recipients", "party_id"),
];

/// Tables whose rows a merge copies to the survivor where it lacks them
/// (a tag, a custom value) instead of moving, and an undo deletes again.
pub const PARTY_COPIES: &[&str] = &["party_tags", "party_custom_values"];

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct MergeRow {
    pub id: Uuid,
    pub survivor_id: Uuid,
    pub merged_id: Uuid,
    pub moved: sqlx::types::Json<Value>,
    pub at: DateTime<Utc>,
    pub undone_at: Option<DateTime<Utc>>,
}

/// Moves everything of `merged` to `survivor`, hides `merged`, and keeps
/// a record of what moved. Returns the merge's id.
pub async fn merge(
    tx: &mut Tx,
    org_id: OrgId,
    survivor: PartyId,
    merged: PartyId,
    by: Option<UserId>,
    now: DateTime<Utc>,
) -> Result<Uuid, DbError> {
    let mut moved = serde_json::Map::new();
    on_tx!(tx, conn => {
        for (table, column) in PARTY_REFERENCES {
            let ids: Vec<Uuid> = sqlx::query_scalar(&format!(
                "UPDATE {table} SET {column} = $1 WHERE org_id = $2 AND {column} = $3 RETURNING id"
            ))
            .bind(survivor.0)
            .bind(org_id.0)
            .bind(merged.0)
            .fetch_all(&mut *conn)
            .await?;
            moved.insert(format!("{table}.{column}"), json!(ids));
        }
        let tags: Vec<String> = sqlx::query_scalar(
            "SELECT tag FROM party_tags WHERE party_id = $1
             AND tag NOT IN (SELECT tag FROM party_tags WHERE party_id = $2)",
        )
        .bind(merged.0)
        .bind(survivor.0)
        .fetch_all(&mut *conn)
        .await?;
        for tag in &tags {
            sqlx::query("INSERT INTO party_tags (org_id, party_id, tag) VALUES ($1, $2, $3)")
                .bind(org_id.0).bind(survivor.0).bind(tag).execute(&mut *conn).await?;
        }
        moved.insert("tags_added".into(), json!(tags));
        let custom: Vec<Uuid> = sqlx::query_scalar(
            "SELECT field_id FROM party_custom_values WHERE party_id = $1
             AND field_id NOT IN (SELECT field_id FROM party_custom_values WHERE party_id = $2)",
        )
        .bind(merged.0)
        .bind(survivor.0)
        .fetch_all(&mut *conn)
        .await?;
        for field in &custom {
            sqlx::query(
                "INSERT INTO party_custom_values (org_id, party_id, field_id, value)
                 SELECT org_id, $2, field_id, value FROM party_custom_values WHERE party_id = $1 AND field_id = $3",
            )
            .bind(merged.0).bind(survivor.0).bind(field).execute(&mut *conn).await?;
        }
        moved.insert("custom_added".into(), json!(custom));
        let survivor_text: String = sqlx::query_scalar("SELECT search_text FROM parties WHERE id = $1")
            .bind(survivor.0).fetch_one(&mut *conn).await?;
        moved.insert("survivor_search_text".into(), json!(survivor_text));
        // The survivor is found by the merged party's phones and e-mails too.
        sqlx::query(
            "UPDATE parties SET search_text = search_text || (SELECT m.search_text FROM parties m WHERE m.id = $2),
                updated_at = $3, updated_by = $4, version = version + 1 WHERE id = $1",
        )
        .bind(survivor.0).bind(merged.0).bind(now).bind(by.map(|u| u.0)).execute(&mut *conn).await?;
        sqlx::query("UPDATE parties SET merged_into = $2, updated_at = $3, updated_by = $4, version = version + 1 WHERE id = $1")
            .bind(merged.0).bind(survivor.0).bind(now).bind(by.map(|u| u.0)).execute(&mut *conn).await?;
    });
    recompute_consent(tx, org_id, survivor).await?;
    refresh_first_contacts(tx, survivor).await?;
    refresh_first_contacts(tx, merged).await?;
    super::sale::refresh_summary(tx, org_id, survivor).await?;
    super::sale::refresh_summary(tx, org_id, merged).await?;
    super::loyalty::refresh_balance(tx, org_id, survivor).await?;
    super::loyalty::refresh_balance(tx, org_id, merged).await?;
    let id = Uuid::now_v7();
    on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO party_merges (id, org_id, survivor_id, merged_id, moved, at, by_id) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id).bind(org_id.0).bind(survivor.0).bind(merged.0)
        .bind(sqlx::types::Json(Value::Object(moved))).bind(now).bind(by.map(|u| u.0))
        .execute(&mut *conn).await?;
    });
    Ok(id)
}

pub async fn find(tx: &mut Tx, org_id: OrgId, merge_id: Uuid) -> Result<Option<MergeRow>, DbError> {
    by_id::row_in(tx, "SELECT id, survivor_id, merged_id, moved, at, undone_at FROM party_merges WHERE org_id = $1 AND id = $2", org_id, merge_id).await
}

/// Merges into this party that can still be undone, newest first.
pub async fn open_merges_into(
    db: &crate::Db,
    org_id: OrgId,
    survivor: PartyId,
) -> Result<Vec<(Uuid, Uuid, String, DateTime<Utc>)>, DbError> {
    Ok(crate::on_db!(db, pool => {
        sqlx::query_as(
            "SELECT m.id, m.merged_id, p.full_name, m.at FROM party_merges m JOIN parties p ON p.id = m.merged_id
             WHERE m.org_id = $1 AND m.survivor_id = $2 AND m.undone_at IS NULL ORDER BY m.id DESC",
        )
        .bind(org_id.0).bind(survivor.0).fetch_all(pool).await?
    }))
}

/// Puts every moved row back and shows the merged party again.
pub async fn undo(
    tx: &mut Tx,
    org_id: OrgId,
    merge: &MergeRow,
    by: Option<UserId>,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let moved = &merge.moved.0;
    on_tx!(tx, conn => {
        for (table, column) in PARTY_REFERENCES {
            let ids: Vec<Uuid> = moved
                .get(format!("{table}.{column}"))
                .and_then(Value::as_array)
                .map(|ids| ids.iter().filter_map(|v| v.as_str()?.parse().ok()).collect())
                .unwrap_or_default();
            for id in ids {
                sqlx::query(&format!("UPDATE {table} SET {column} = $1 WHERE org_id = $2 AND id = $3"))
                    .bind(merge.merged_id).bind(org_id.0).bind(id).execute(&mut *conn).await?;
            }
        }
        let tags: Vec<String> = moved.get("tags_added").and_then(Value::as_array)
            .map(|t| t.iter().filter_map(|v| v.as_str().map(str::to_string)).collect()).unwrap_or_default();
        for tag in tags {
            sqlx::query("DELETE FROM party_tags WHERE party_id = $1 AND tag = $2")
                .bind(merge.survivor_id).bind(tag).execute(&mut *conn).await?;
        }
        let custom: Vec<Uuid> = moved.get("custom_added").and_then(Value::as_array)
            .map(|t| t.iter().filter_map(|v| v.as_str()?.parse().ok()).collect()).unwrap_or_default();
        for field in custom {
            sqlx::query("DELETE FROM party_custom_values WHERE party_id = $1 AND field_id = $2")
                .bind(merge.survivor_id).bind(field).execute(&mut *conn).await?;
        }
        if let Some(text) = moved.get("survivor_search_text").and_then(Value::as_str) {
            sqlx::query("UPDATE parties SET search_text = $2, updated_at = $3, updated_by = $4, version = version + 1 WHERE id = $1")
                .bind(merge.survivor_id).bind(text).bind(now).bind(by.map(|u| u.0)).execute(&mut *conn).await?;
        }
        sqlx::query("UPDATE parties SET merged_into = NULL, updated_at = $2, updated_by = $3, version = version + 1 WHERE id = $1")
            .bind(merge.merged_id).bind(now).bind(by.map(|u| u.0)).execute(&mut *conn).await?;
        sqlx::query("UPDATE party_merges SET undone_at = $2 WHERE id = $1").bind(merge.id).bind(now).execute(&mut *conn).await?;
    });
    recompute_consent(tx, org_id, PartyId(merge.survivor_id)).await?;
    recompute_consent(tx, org_id, PartyId(merge.merged_id)).await?;
    refresh_first_contacts(tx, PartyId(merge.survivor_id)).await?;
    refresh_first_contacts(tx, PartyId(merge.merged_id)).await?;
    super::sale::refresh_summary(tx, org_id, PartyId(merge.survivor_id)).await?;
    super::sale::refresh_summary(tx, org_id, PartyId(merge.merged_id)).await?;
    super::loyalty::refresh_balance(tx, org_id, PartyId(merge.survivor_id)).await?;
    super::loyalty::refresh_balance(tx, org_id, PartyId(merge.merged_id)).await?;
    Ok(())
}

/// Sets the phone and e-mail a list shows from the party's phones and
/// e-mails, which a merge and its undo move between parties.
async fn refresh_first_contacts(tx: &mut Tx, party: PartyId) -> Result<(), DbError> {
    on_tx!(tx, conn => {
        sqlx::query(
            "UPDATE parties SET
                first_phone = (SELECT ph.e164 FROM party_phones ph WHERE ph.party_id = $1 ORDER BY ph.position LIMIT 1),
                first_email = (SELECT em.email FROM party_emails em WHERE em.party_id = $1 ORDER BY em.position LIMIT 1)
             WHERE id = $1",
        )
        .bind(party.0)
        .execute(&mut *conn)
        .await?;
    });
    Ok(())
}

/// Sets a party's current consent from the latest ledger event per channel.
pub async fn recompute_consent(tx: &mut Tx, org_id: OrgId, party: PartyId) -> Result<(), DbError> {
    for channel in Channel::ALL {
        let column = match channel {
            Channel::SmsWhatsapp => "consent_sms_whatsapp",
            Channel::Email => "consent_email",
            Channel::Phone => "consent_phone",
            Channel::Letter => "consent_letter",
        };
        on_tx!(tx, conn => {
            let latest: Option<bool> = sqlx::query_scalar(
                "SELECT granted FROM consent_events WHERE org_id = $1 AND party_id = $2 AND channel = $3 ORDER BY at DESC, id DESC LIMIT 1",
            )
            .bind(org_id.0).bind(party.0).bind(channel.as_str()).fetch_optional(&mut *conn).await?;
            sqlx::query(&format!("UPDATE parties SET {column} = $2 WHERE id = $1"))
                .bind(party.0).bind(latest.unwrap_or(false)).execute(&mut *conn).await?;
        });
    }
    Ok(())
}
