//! Vehicles a party owns and would like (seed 000): registered from the
//! profile, found by plate, the start of after-sale interactions and
//! workshop bookings.
use crate::Vehicles;
use crate::access::ReachedParty;
use crate::{Actor, AppError};
use chrono::{DateTime, Datelike, Utc};
use db::repo::vehicle::{self as repo, InterestRow, VehicleRow};
use domain::access::Permission;
use domain::audit::{AuditAction, AuditEntity};
use domain::timeline::{Event, EventKind};
use domain::vehicle::{Plate, VehicleDraft, VehicleInterestDraft};
use domain::{PartyId, VehicleId};
use serde::Serialize;
use uuid::Uuid;

#[derive(Clone, Debug, Serialize)]
pub struct VehicleView {
    pub id: Uuid,
    pub party_id: Uuid,
    /// As written on the plate: `ABC-1234` or `ABC1D23`.
    pub plate: Option<String>,
    pub vin: Option<String>,
    pub make: String,
    pub model: String,
    pub year: Option<i64>,
    pub colour: String,
    pub mileage_km: Option<i64>,
    pub bought_here: bool,
    pub updated_at: DateTime<Utc>,
    pub updated_by: String,
    pub version: i64,
}

impl VehicleView {
    /// "Onix LT 2024 · ABC1D23", for lists and the history.
    pub fn label(&self) -> String {
        let mut label = [self.make.as_str(), self.model.as_str()].join(" ").trim().to_string();
        if let Some(year) = self.year {
            label.push_str(&format!(" {year}"));
        }
        if let Some(plate) = &self.plate {
            label.push_str(&format!(" · {plate}"));
        }
        label
    }
}

impl From<VehicleRow> for VehicleView {
    fn from(row: VehicleRow) -> Self {
        VehicleView {
            id: row.id,
            party_id: row.party_id,
            plate: row.plate.as_deref().and_then(|p| Plate::parse(p).ok()).map(|p| p.to_string()),
            vin: row.vin,
            make: row.make,
            model: row.model,
            year: row.model_year,
            colour: row.colour,
            mileage_km: row.mileage_km,
            bought_here: row.bought_here,
            updated_at: row.updated_at,
            updated_by: row.updated_by_label,
            version: row.version,
        }
    }
}

/// A vehicle a party would like, as stored.
pub type VehicleInterestView = InterestRow;

impl Vehicles<'_> {
    /// A vehicle, if the actor may open its owner.
    pub async fn vehicle(&self, actor: &Actor, id: VehicleId) -> Result<VehicleView, AppError> {
        let row = repo::get(&self.db, actor.org_id, id).await?.ok_or(AppError::NotFound)?;
        self.access().guard_party(actor, PartyId(row.party_id), None).await?;
        Ok(row.into())
    }

    pub async fn vehicles_of(&self, actor: &Actor, party: PartyId) -> Result<Vec<VehicleView>, AppError> {
        let party = self.access().guard_party(actor, party, None).await?;
        self.vehicles_of_reached(actor, party).await
    }

    pub(crate) async fn vehicles_of_reached(
        &self,
        actor: &Actor,
        party: ReachedParty,
    ) -> Result<Vec<VehicleView>, AppError> {
        Ok(repo::of_party(&self.db, actor.org_id, party.id()).await?.into_iter().map(Into::into).collect())
    }

    #[tracing::instrument(skip_all)]
    pub async fn add_vehicle(
        &self,
        actor: &Actor,
        party: PartyId,
        draft: &VehicleDraft,
    ) -> Result<VehicleView, AppError> {
        self.access().guard_party(actor, party, Some(Permission::PartiesEdit)).await?;
        let vehicle = draft.validate(self.today(actor).year())?;
        let mut change = self.change(actor).await?;
        let at = change.at;
        let id = repo::insert(&mut change.tx, actor.org_id, party, &vehicle, &actor.display_name, at).await?;
        let view = VehicleView::from(VehicleRow {
            id: id.0,
            party_id: party.0,
            plate: vehicle.plate.as_ref().map(|p| p.as_str().to_string()),
            vin: vehicle.vin.as_ref().map(|v| v.as_str().to_string()),
            make: vehicle.make.clone(),
            model: vehicle.model.clone(),
            model_year: vehicle.year.map(i64::from),
            colour: vehicle.colour.clone(),
            mileage_km: vehicle.mileage_km,
            bought_here: vehicle.bought_here,
            updated_at: at,
            updated_by_label: actor.display_name.clone(),
            version: 1,
        });
        change
            .history(
                party,
                Event::new(EventKind::Vehicle, "timeline-vehicle-added", view.label(), Some(id.0)),
            )
            .await?;
        change
            .audit_created(
                AuditEntity::Vehicle,
                id,
                serde_json::json!({ "party": party.to_string(), "vehicle": view.label() }),
            )
            .await?;
        change.commit().await?;
        Ok(view)
    }

    /// Saves a changed vehicle; refused if someone saved it since `version`.
    #[tracing::instrument(skip_all)]
    pub async fn update_vehicle(
        &self,
        actor: &Actor,
        id: VehicleId,
        version: i64,
        draft: &VehicleDraft,
    ) -> Result<VehicleView, AppError> {
        let before = repo::get(&self.db, actor.org_id, id).await?.ok_or(AppError::NotFound)?;
        let party = PartyId(before.party_id);
        self.access().guard_party(actor, party, Some(Permission::PartiesEdit)).await?;
        let vehicle = draft.validate(self.today(actor).year())?;
        let mut change = self.change(actor).await?;
        let at = change.at;
        if !repo::update(&mut change.tx, actor.org_id, id, version, &vehicle, &actor.display_name, at).await?
        {
            drop(change);
            let current = repo::get(&self.db, actor.org_id, id).await?.ok_or(AppError::NotFound)?;
            return Err(AppError::Conflict { by: current.updated_by_label, at: current.updated_at });
        }
        let label = VehicleView::from(before.clone()).label();
        change
            .history(party, Event::new(EventKind::Vehicle, "timeline-vehicle-updated", label, Some(id.0)))
            .await?;
        change.audit_changed(AuditEntity::Vehicle, id, serde_json::json!({ "plate": before.plate, "mileage_km": before.mileage_km, "version": before.version }), serde_json::json!({ "plate": vehicle.plate.as_ref().map(|p| p.as_str()), "mileage_km": vehicle.mileage_km }))
        .await?;
        change.commit().await?;
        self.vehicle(actor, id).await
    }

    pub async fn remove_vehicle(&self, actor: &Actor, id: VehicleId) -> Result<(), AppError> {
        let before = repo::get(&self.db, actor.org_id, id).await?.ok_or(AppError::NotFound)?;
        let party = PartyId(before.party_id);
        self.access().guard_party(actor, party, Some(Permission::PartiesEdit)).await?;
        let label = VehicleView::from(before).label();
        let mut change = self.change(actor).await?;
        if !repo::delete(&mut change.tx, actor.org_id, id).await? {
            return Err(AppError::NotFound);
        }
        change
            .history(party, Event::new(EventKind::Vehicle, "timeline-vehicle-removed", label.clone(), None))
            .await?;
        change.audit_deleted(AuditEntity::Vehicle, id, serde_json::json!({ "vehicle": label })).await?;
        change.commit().await?;
        Ok(())
    }

    pub async fn vehicle_interests(
        &self,
        actor: &Actor,
        party: PartyId,
    ) -> Result<Vec<VehicleInterestView>, AppError> {
        let party = self.access().guard_party(actor, party, None).await?;
        self.vehicle_interests_of_reached(actor, party).await
    }

    pub(crate) async fn vehicle_interests_of_reached(
        &self,
        actor: &Actor,
        party: ReachedParty,
    ) -> Result<Vec<VehicleInterestView>, AppError> {
        Ok(repo::interests_of(&self.db, actor.org_id, party.id()).await?)
    }

    pub async fn add_vehicle_interest(
        &self,
        actor: &Actor,
        party: PartyId,
        draft: &VehicleInterestDraft,
    ) -> Result<VehicleInterestView, AppError> {
        self.access().guard_party(actor, party, Some(Permission::PartiesEdit)).await?;
        let interest = draft.validate(self.today(actor).year())?;
        let mut change = self.change(actor).await?;
        let at = change.at;
        let id = repo::insert_interest(&mut change.tx, actor.org_id, party, &interest, at).await?;
        let label = [interest.make.as_str(), interest.model.as_str()].join(" ").trim().to_string();
        change
            .history(
                party,
                Event::new(EventKind::Vehicle, "timeline-interest-added", label.clone(), Some(id)),
            )
            .await?;
        change
            .audit_created(
                AuditEntity::VehicleInterest,
                id,
                serde_json::json!({ "party": party.to_string(), "interest": label }),
            )
            .await?;
        change.commit().await?;
        Ok(VehicleInterestView {
            id,
            party_id: party.0,
            make: interest.make,
            model: interest.model,
            year_from: interest.year_from.map(i64::from),
            year_to: interest.year_to.map(i64::from),
            price_min: interest.price_min,
            price_max: interest.price_max,
            created_at: at,
        })
    }

    /// Returns the party the interest was of.
    pub async fn remove_vehicle_interest(&self, actor: &Actor, id: Uuid) -> Result<PartyId, AppError> {
        let row = repo::interest(&self.db, actor.org_id, id).await?.ok_or(AppError::NotFound)?;
        let party = PartyId(row.party_id);
        self.access().guard_party(actor, party, Some(Permission::PartiesEdit)).await?;
        let mut change = self.change(actor).await?;
        repo::delete_interest(&mut change.tx, actor.org_id, id).await?;
        let label = [row.make.as_str(), row.model.as_str()].join(" ").trim().to_string();
        change
            .history(party, Event::new(EventKind::Vehicle, "timeline-interest-removed", label, None))
            .await?;
        change
            .audit(AuditAction::Delete, AuditEntity::VehicleInterest, Some(id.to_string()), None, None)
            .await?;
        change.commit().await?;
        Ok(party)
    }
}
