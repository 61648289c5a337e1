//! Telemarketing occurrences (seed 004): from the engine's grid an agent
//! opens a customer's detail (F9) — phones, consents, last contacts and
//! purchases, points, days overdue — and records how the contact went,
//! perhaps booking the next call on his own agenda, in one change.
use super::EngineLine;
use crate::agenda::AppointmentView;
use crate::interactions::{InteractionList, InteractionView};
use crate::parties::{ProfileSections, ProfileView};
use crate::sales::SaleView;
use crate::{Actor, AppError, Engine};
use db::filter::Calendar;
use db::repo::engine as repo;
use db::repo::interaction::{self as interaction_repo, NewInteraction};
use domain::appointment::AppointmentDraft;
use domain::audit::AuditEntity;
use domain::occurrence::OccurrenceDraft;
use domain::timeline::{Event, EventKind};
use domain::{AppointmentId, PartyId, ValidationErrors};

/// How many of the latest purchases the detail shows.
const PURCHASES_SHOWN: usize = 5;
/// How long a booked call back lasts on the agenda.
const CALL_MINUTES: i64 = 15;

/// A customer as the agent sees him before calling.
#[derive(Clone, Debug)]
pub struct CustomerDetail {
    /// What the grid shows of him.
    pub line: EngineLine,
    /// His registration and interactions (newest first), the organisation's
    /// natures, statuses and results to name them.
    pub profile: ProfileView,
    /// The latest purchases, newest first.
    pub purchases: Vec<SaleView>,
}

/// An occurrence as recorded, and the call back it booked.
#[derive(Clone, Debug)]
pub struct RegisteredOccurrence {
    pub occurrence: InteractionView,
    pub call_back: Option<AppointmentView>,
    /// Appointments the agent already has at the call back's time: a warning.
    pub double_booked: bool,
}

impl Engine<'_> {
    /// The customer's detail (F9), within the agent's reach; the read is
    /// written to the access audit as any opening of a customer is.
    pub async fn customer_detail(&self, actor: &Actor, party: PartyId) -> Result<CustomerDetail, AppError> {
        self.open(actor)?;
        let sections = ProfileSections { interactions: true, ..Default::default() };
        let profile = self.parties().profile(actor, party, sections).await?;
        let today = Calendar::at(self.now(), actor.time_zone).today;
        let row = repo::rows_of(&self.db, actor.org_id, &[party.0]).await?.into_iter().next();
        let line = EngineLine::of(row.ok_or(AppError::NotFound)?, today);
        let mut purchases = self.sales().sales_of(actor, party, None).await?.sales;
        purchases.truncate(PURCHASES_SHOWN);
        Ok(CustomerDetail { line, profile, purchases })
    }

    /// Records an occurrence on a customer the agent may call; a next
    /// contact books a call with him on the agent's agenda. Both, the
    /// customer's history and the audit are one change.
    #[tracing::instrument(skip_all)]
    pub async fn register_occurrence(
        &self,
        actor: &Actor,
        party: PartyId,
        draft: &OccurrenceDraft,
    ) -> Result<RegisteredOccurrence, AppError> {
        self.open(actor)?;
        actor.require_own_change()?;
        // Calling is not editing the registration: reading the customer is enough.
        self.access().guard_party(actor, party, None).await?;
        if let Some(list) = draft.call_list_id {
            // Only a list one may work on (its customers are not needed here).
            self.workable_list(actor, list).await?;
        }
        let natures = self.interactions().option_codes(actor, InteractionList::Nature).await?;
        let results = self.interactions().option_codes(actor, InteractionList::Result).await?;
        let local_now = self.now().with_timezone(&actor.time_zone).naive_local();
        let valid = draft.validate(&natures, &results, local_now)?;
        let call_back = match valid.next_contact_at {
            None => None,
            Some(at) => {
                let name = db::repo::party::get_row(&self.db, &actor.read_scope(), party)
                    .await?
                    .ok_or(AppError::NotFound)?
                    .full_name;
                let booking = AppointmentDraft {
                    title: name,
                    kind: "call".into(),
                    starts_at: at.format("%Y-%m-%dT%H:%M").to_string(),
                    ends_at: (at + chrono::Duration::minutes(CALL_MINUTES))
                        .format("%Y-%m-%dT%H:%M")
                        .to_string(),
                    party_id: Some(party.0),
                    notes: valid.interaction.description.clone(),
                    ..Default::default()
                };
                let prepared =
                    self.agenda().prepare_reached(actor, &booking, None).await.map_err(|error| {
                        // The booking's fields are this form's one field.
                        match error {
                            AppError::Validation(_) => AppError::Validation(
                                domain::ValidationErrors::single("next_contact_at", "error-datetime-invalid"),
                            ),
                            other => other,
                        }
                    })?;
                Some(prepared)
            }
        };
        let mut change = self.change(actor).await?;
        let at = change.at;
        let new = NewInteraction {
            org_id: actor.org_id,
            party,
            interaction: &valid.interaction,
            responsible: actor.user_id,
            vehicle: None,
            result: Some(&valid.result),
            by: &actor.display_name,
        };
        let id = interaction_repo::insert(&mut change.tx, &new, at).await?;
        let detail = format!("{}/{}", valid.interaction.nature, valid.result);
        change
            .history(
                party,
                Event::new(EventKind::Interaction, "timeline-occurrence-registered", detail, Some(id.0)),
            )
            .await?;
        let after = serde_json::json!({
            "party": party.to_string(), "nature": valid.interaction.nature, "channel": valid.interaction.channel.as_str(),
            "result": valid.result, "next_contact_at": valid.next_contact_at,
        });
        change.audit_created(AuditEntity::Interaction, id, after).await?;
        if let Some(list) = draft.call_list_id
            && !db::repo::engine::call_list::mark_called(&mut change.tx, actor.org_id, list, party, id.0, at)
                .await?
        {
            return Err(ValidationErrors::single("call_list_id", "error-not-on-call-list").into());
        }
        let mut booked: Option<(AppointmentId, bool)> = None;
        if let Some(prepared) = call_back {
            let prepared = prepared.caused_by(id);
            let appointment = prepared.write(&mut change, actor).await?;
            booked = Some((appointment, !prepared.double_bookings().is_empty()));
        }
        change.commit().await?;
        let occurrence = self.interactions().interaction(actor, id).await?;
        let (call_back, double_booked) = match booked {
            Some((appointment, double_booked)) => {
                (Some(self.agenda().appointment(actor, appointment).await?), double_booked)
            }
            None => (None, false),
        };
        Ok(RegisteredOccurrence { occurrence, call_back, double_booked })
    }
}
