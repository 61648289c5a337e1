//! Interactions [atendimentos] and the organisation's lists of natures and
//! statuses.
use super::by_id;
use super::versioned::{Columns, Record};
use crate::{Db, DbError, Tx, on_db, on_tx};
use chrono::{DateTime, NaiveDate, Utc};
use domain::interaction::ValidInteraction;
use domain::{InteractionId, OrgId, PartyId, UserId, VehicleId};
use uuid::Uuid;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct OptionRow {
    /// `nature`, `status` or `result`.
    pub list: String,
    pub code: String,
    pub label: String,
}

/// The organisation's own options of every list, each list in its order;
/// none until the organisation adds one. A page that labels interactions
/// needs all three lists: one statement instead of three.
pub async fn options(db: &Db, org_id: OrgId) -> Result<Vec<OptionRow>, DbError> {
    Ok(on_db!(db, pool => {
        sqlx::query_as(
            "SELECT list, code, label FROM interaction_options WHERE org_id = $1 ORDER BY list, position, code",
        )
        .bind(org_id.0)
        .fetch_all(pool)
        .await?
    }))
}

pub async fn insert_option(
    tx: &mut Tx,
    org_id: OrgId,
    list: &str,
    code: &str,
    label: &str,
) -> Result<(), DbError> {
    on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO interaction_options (org_id, list, code, label, position)
             VALUES ($1, $2, $3, $4, (SELECT COALESCE(MAX(position), 0) + 1 FROM interaction_options WHERE org_id = $1 AND list = $2))",
        )
        .bind(org_id.0)
        .bind(list)
        .bind(code)
        .bind(label)
        .execute(&mut *conn)
        .await?;
    });
    Ok(())
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct InteractionRow {
    pub id: Uuid,
    pub party_id: Uuid,
    pub nature: String,
    pub channel: String,
    pub status: String,
    pub responsible_id: Uuid,
    pub responsible_name: String,
    pub due_on: Option<NaiveDate>,
    pub description: String,
    pub vehicle_id: Option<Uuid>,
    pub vehicle_plate: Option<String>,
    pub created_at: DateTime<Utc>,
    pub created_by_label: String,
    pub updated_at: DateTime<Utc>,
    pub updated_by_label: String,
    pub version: i64,
    /// How a telemarketing occurrence went; none for other interactions.
    pub result: Option<String>,
}

const SELECT: &str = "SELECT i.id, i.party_id, i.nature, i.channel, i.status, i.responsible_id, u.display_name AS responsible_name,
    i.due_on, i.description, i.vehicle_id, v.plate AS vehicle_plate, i.created_at, i.created_by_label, i.updated_at,
    i.updated_by_label, i.version, i.result
    FROM interactions i JOIN users u ON u.id = i.responsible_id LEFT JOIN vehicles v ON v.id = i.vehicle_id";

pub struct NewInteraction<'a> {
    pub org_id: OrgId,
    pub party: PartyId,
    pub interaction: &'a ValidInteraction,
    pub responsible: UserId,
    pub vehicle: Option<VehicleId>,
    /// A telemarketing occurrence's result.
    pub result: Option<&'a str>,
    pub by: &'a str,
}

impl NewInteraction<'_> {
    /// What the interaction's form writes, and who wrote it.
    fn columns(&self) -> Columns {
        let i = self.interaction;
        vec![
            ("nature", i.nature.as_str().into()),
            ("channel", i.channel.as_str().into()),
            ("status", i.status.as_str().into()),
            ("responsible_id", self.responsible.0.into()),
            ("due_on", i.due_on.into()),
            ("description", i.description.as_str().into()),
            ("vehicle_id", self.vehicle.map(|v| v.0).into()),
            ("updated_by_label", self.by.into()),
        ]
    }
}

pub async fn insert(
    tx: &mut Tx,
    new: &NewInteraction<'_>,
    now: DateTime<Utc>,
) -> Result<InteractionId, DbError> {
    let id = InteractionId::new();
    let mut columns = new.columns();
    columns.extend([
        ("party_id", new.party.0.into()),
        ("created_by_label", new.by.into()),
        ("result", new.result.into()),
    ]);
    Record::of("interactions", new.org_id, id.0).insert(tx, columns, now).await?;
    Ok(id)
}

/// Saves the interaction if nobody changed it since `version`.
pub async fn update(
    tx: &mut Tx,
    org_id: OrgId,
    id: InteractionId,
    version: i64,
    change: &NewInteraction<'_>,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    Record::of("interactions", org_id, id.0).update(tx, version, change.columns(), now).await
}

pub async fn get(db: &Db, org_id: OrgId, id: InteractionId) -> Result<Option<InteractionRow>, DbError> {
    by_id::row(db, &format!("{SELECT} WHERE i.org_id = $1 AND i.id = $2"), org_id, id.0).await
}

/// A party's interactions, newest first; `vehicle` narrows to one vehicle's.
pub async fn of_party(
    db: &Db,
    org_id: OrgId,
    party: PartyId,
    vehicle: Option<VehicleId>,
    limit: i64,
) -> Result<Vec<InteractionRow>, DbError> {
    Ok(on_db!(db, pool => {
        sqlx::query_as(&format!(
            "{SELECT} WHERE i.org_id = $1 AND i.party_id = $2 AND ($3 IS NULL OR i.vehicle_id = $3)
             ORDER BY i.created_at DESC, i.id DESC LIMIT $4"
        ))
        .bind(org_id.0)
        .bind(party.0)
        .bind(vehicle.map(|v| v.0))
        .bind(limit)
        .fetch_all(pool)
        .await?
    }))
}

/// Interactions (as `i`) joined to their parties, as far as the scope
/// reaches: what every list and count of interactions across customers
/// (the work queue, the home's chart) starts from.
pub(crate) fn reachable_interactions(scope: &super::party::Scope) -> sea_query::SelectStatement {
    use sea_query::{Alias, Expr, Query};
    let mut query = Query::select();
    query
        .from_as(Alias::new("interactions"), Alias::new("i"))
        .inner_join(
            Alias::new("parties"),
            Expr::col((Alias::new("parties"), Alias::new("id")))
                .equals((Alias::new("i"), Alias::new("party_id"))),
        )
        .and_where(Expr::col((Alias::new("i"), Alias::new("org_id"))).eq(scope.org_id.0))
        .cond_where(super::party::reachable(scope));
    query
}
