//! The organisation's time zone and working hours.
use crate::Agenda;
use crate::registry_settings::StatusView;
use crate::{Actor, AppError};
use db::repo::organisation;
use domain::ValidationErrors;
use domain::access::Permission;
use domain::agenda::WorkingHours;
use domain::audit::{AuditAction, AuditEntity};
use domain::money::Currency;
use domain::phone::Country;

/// Where the organisation is: its working hours (with its time zone), its
/// currency and its country.
pub(crate) struct Locality {
    pub hours: WorkingHours,
    pub currency: Currency,
    pub country: Country,
}

impl Locality {
    /// A value edited by hand into something unreadable falls back to the
    /// defaults rather than lock everyone out.
    pub(crate) fn from_row(row: &organisation::WorkingHoursRow) -> Locality {
        Locality {
            hours: WorkingHours::parse(&row.time_zone, &row.work_opens, &row.work_closes, &row.work_days)
                .unwrap_or_default(),
            currency: Currency::parse(&row.currency).unwrap_or(Currency::Brl),
            country: Country::parse(&row.country).unwrap_or_default(),
        }
    }
}

impl Agenda<'_> {
    /// The organisation's time zone and working hours.
    pub async fn working_hours(&self, actor: &Actor) -> Result<WorkingHours, AppError> {
        self.hours_of(actor.org_id).await
    }

    pub(crate) async fn hours_of(&self, org_id: domain::OrgId) -> Result<WorkingHours, AppError> {
        Ok(self.locality_of(org_id).await?.hours)
    }

    /// The organisation's working hours, currency and country, read
    /// together: every request's actor carries them.
    pub(crate) async fn locality_of(&self, org_id: domain::OrgId) -> Result<Locality, AppError> {
        let row = organisation::working_hours(&self.db, org_id).await?.ok_or(AppError::NotFound)?;
        Ok(Locality::from_row(&row))
    }

    /// What the page where administrators shape the agenda shows: the
    /// working hours and the interaction natures and statuses.
    pub async fn agenda_settings(
        &self,
        actor: &Actor,
    ) -> Result<(WorkingHours, Vec<StatusView>, Vec<StatusView>), AppError> {
        actor.require_change(Permission::Administer)?;
        let lists = self.interactions().interaction_lists(actor).await?;
        Ok((self.working_hours(actor).await?, lists.natures, lists.statuses))
    }

    pub async fn set_working_hours(
        &self,
        actor: &Actor,
        time_zone: &str,
        opens: &str,
        closes: &str,
        days: &str,
    ) -> Result<WorkingHours, AppError> {
        actor.require_change(Permission::Administer)?;
        let hours = WorkingHours::parse(time_zone, opens, closes, days)
            .map_err(|(field, message)| ValidationErrors::single(field, message))?;
        let row = organisation::WorkingHoursRow {
            time_zone: hours.time_zone.name().to_string(),
            work_opens: hours.opens.format("%H:%M").to_string(),
            work_closes: hours.closes.format("%H:%M").to_string(),
            currency: String::new(),
            country: String::new(),
            work_days: hours.days_text(),
        };
        let mut change = self.change(actor).await?;
        organisation::set_working_hours(&mut change.tx, actor.org_id, &row).await?;
        change.audit(AuditAction::Update, AuditEntity::WorkingHours, None, None, Some(serde_json::json!({ "time_zone": row.time_zone, "opens": row.work_opens, "closes": row.work_closes, "days": row.work_days }))).await?;
        change.commit().await?;
        Ok(hours)
    }
}
