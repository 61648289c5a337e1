//! Vehicles owned [veículos] and of interest [interesse veículo].
use super::by_id;
use super::versioned::{Columns, Record};
use crate::{Db, DbError, Tx, on_db, on_tx};
use chrono::{DateTime, Utc};
use domain::vehicle::{ValidVehicle, ValidVehicleInterest};
use domain::{OrgId, PartyId, VehicleId};
use uuid::Uuid;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct VehicleRow {
    pub id: Uuid,
    pub party_id: Uuid,
    pub plate: Option<String>,
    pub vin: Option<String>,
    pub make: String,
    pub model: String,
    pub model_year: Option<i64>,
    pub colour: String,
    pub mileage_km: Option<i64>,
    pub bought_here: bool,
    pub updated_at: DateTime<Utc>,
    pub updated_by_label: String,
    pub version: i64,
}

const COLUMNS: &str = "id, party_id, plate, vin, make, model, model_year, colour, mileage_km, bought_here, updated_at, updated_by_label, version";

pub async fn insert(
    tx: &mut Tx,
    org_id: OrgId,
    party: PartyId,
    vehicle: &ValidVehicle,
    by: &str,
    now: DateTime<Utc>,
) -> Result<VehicleId, DbError> {
    let id = VehicleId::new();
    let mut columns = vec![("party_id", party.0.into())];
    columns.extend(vehicle_columns(vehicle, by));
    Record::of("vehicles", org_id, id.0).insert(tx, columns, now).await?;
    Ok(id)
}

/// What the vehicle's form writes, and who wrote it.
fn vehicle_columns(vehicle: &ValidVehicle, by: &str) -> Columns {
    vec![
        ("plate", vehicle.plate.as_ref().map(|p| p.as_str()).into()),
        ("vin", vehicle.vin.as_ref().map(|v| v.as_str()).into()),
        ("make", vehicle.make.as_str().into()),
        ("model", vehicle.model.as_str().into()),
        ("model_year", vehicle.year.map(i64::from).into()),
        ("colour", vehicle.colour.as_str().into()),
        ("mileage_km", vehicle.mileage_km.into()),
        ("bought_here", vehicle.bought_here.into()),
        ("updated_by_label", by.into()),
    ]
}

/// Saves the vehicle if nobody changed it since `version`; false otherwise.
pub async fn update(
    tx: &mut Tx,
    org_id: OrgId,
    id: VehicleId,
    version: i64,
    vehicle: &ValidVehicle,
    by: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    Record::of("vehicles", org_id, id.0).update(tx, version, vehicle_columns(vehicle, by), now).await
}

pub async fn get(db: &Db, org_id: OrgId, id: VehicleId) -> Result<Option<VehicleRow>, DbError> {
    by_id::row(db, &format!("SELECT {COLUMNS} FROM vehicles WHERE org_id = $1 AND id = $2"), org_id, id.0)
        .await
}

pub async fn of_party(db: &Db, org_id: OrgId, party: PartyId) -> Result<Vec<VehicleRow>, DbError> {
    Ok(on_db!(db, pool => {
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM vehicles WHERE org_id = $1 AND party_id = $2 ORDER BY id"))
            .bind(org_id.0)
            .bind(party.0)
            .fetch_all(pool)
            .await?
    }))
}

pub async fn delete(tx: &mut Tx, org_id: OrgId, id: VehicleId) -> Result<bool, DbError> {
    // Interactions and appointments keep their history, without the link.
    for unlink in [
        "UPDATE interactions SET vehicle_id = NULL WHERE org_id = $1 AND vehicle_id = $2",
        "UPDATE appointments SET vehicle_id = NULL WHERE org_id = $1 AND vehicle_id = $2",
    ] {
        by_id::write(tx, unlink, org_id, id.0).await?;
    }
    Ok(by_id::write(tx, "DELETE FROM vehicles WHERE org_id = $1 AND id = $2", org_id, id.0).await? == 1)
}

#[derive(Clone, Debug, serde::Serialize, sqlx::FromRow)]
pub struct InterestRow {
    pub id: Uuid,
    pub party_id: Uuid,
    pub make: String,
    pub model: String,
    pub year_from: Option<i64>,
    pub year_to: Option<i64>,
    /// In cents.
    pub price_min: Option<i64>,
    /// In cents.
    pub price_max: Option<i64>,
    pub created_at: DateTime<Utc>,
}

pub async fn insert_interest(
    tx: &mut Tx,
    org_id: OrgId,
    party: PartyId,
    interest: &ValidVehicleInterest,
    now: DateTime<Utc>,
) -> Result<Uuid, DbError> {
    let id = Uuid::now_v7();
    on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO vehicle_interests (id, org_id, party_id, make, model, year_from, year_to, price_min, price_max, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(id)
        .bind(org_id.0)
        .bind(party.0)
        .bind(&interest.make)
        .bind(&interest.model)
        .bind(interest.year_from.map(i64::from))
        .bind(interest.year_to.map(i64::from))
        .bind(interest.price_min)
        .bind(interest.price_max)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    });
    Ok(id)
}

pub async fn interests_of(db: &Db, org_id: OrgId, party: PartyId) -> Result<Vec<InterestRow>, DbError> {
    Ok(on_db!(db, pool => {
        sqlx::query_as(
            "SELECT id, party_id, make, model, year_from, year_to, price_min, price_max, created_at
             FROM vehicle_interests WHERE org_id = $1 AND party_id = $2 ORDER BY id",
        )
        .bind(org_id.0)
        .bind(party.0)
        .fetch_all(pool)
        .await?
    }))
}

pub async fn interest(db: &Db, org_id: OrgId, id: Uuid) -> Result<Option<InterestRow>, DbError> {
    by_id::row(
        db,
        "SELECT id, party_id, make, model, year_from, year_to, price_min, price_max, created_at
             FROM vehicle_interests WHERE org_id = $1 AND id = $2",
        org_id,
        id,
    )
    .await
}

pub async fn delete_interest(tx: &mut Tx, org_id: OrgId, id: Uuid) -> Result<bool, DbError> {
    Ok(by_id::write(tx, "DELETE FROM vehicle_interests WHERE org_id = $1 AND id = $2", org_id, id).await?
        == 1)
}
