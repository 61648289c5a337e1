//! Interactions [atendimentos] (seeds 000, 002): opened from a party's
//! profile or from one of its vehicles, with the organisation's natures and
//! statuses.
use crate::Interactions;
use crate::access::ReachedParty;
use crate::change::Change;
use crate::registry_settings::StatusView;
use crate::{Actor, AppError};
use chrono::{DateTime, NaiveDate, Utc};
use db::DbError;
use db::repo::interaction::{self as repo, InteractionRow, NewInteraction};
use db::repo::{user, vehicle};
use domain::access::Permission;
use domain::audit::{AuditAction, AuditEntity};
use domain::interaction::{DEFAULT_NATURES, DEFAULT_STATUSES, InteractionDraft};
use domain::timeline::{Event, EventKind};
use domain::vehicle::Plate;
use domain::{InteractionId, PartyId, UserId, ValidationErrors, VehicleId};
use serde::Serialize;
use uuid::Uuid;

#[derive(Clone, Debug, Serialize)]
pub struct InteractionView {
    pub id: Uuid,
    pub party_id: Uuid,
    pub nature: String,
    pub channel: String,
    pub status: String,
    /// Whether the status closes the interaction.
    pub closed: bool,
    pub responsible_id: Uuid,
    pub responsible: String,
    pub due_on: Option<NaiveDate>,
    pub description: String,
    pub vehicle_id: Option<Uuid>,
    pub vehicle_plate: Option<String>,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
    /// How a telemarketing occurrence went.
    pub result: Option<String>,
}

impl From<InteractionRow> for InteractionView {
    fn from(row: InteractionRow) -> Self {
        InteractionView {
            id: row.id,
            party_id: row.party_id,
            closed: domain::work_queue::is_closed(&row.status),
            nature: row.nature,
            channel: row.channel,
            status: row.status,
            responsible_id: row.responsible_id,
            responsible: row.responsible_name,
            due_on: row.due_on,
            description: row.description,
            vehicle_id: row.vehicle_id,
            vehicle_plate: row
                .vehicle_plate
                .as_deref()
                .and_then(|p| Plate::parse(p).ok())
                .map(|p| p.to_string()),
            created_at: row.created_at,
            created_by: row.created_by_label,
            updated_at: row.updated_at,
            version: row.version,
            result: row.result,
        }
    }
}

/// Which of the organisation's lists an option goes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
#[schema(as = OptionList)]
pub enum InteractionList {
    Nature,
    Status,
    /// How a telemarketing occurrence went.
    Result,
}

impl InteractionList {
    /// `nature`, `status` or `result`, as forms and the API name them.
    pub fn parse(text: &str) -> Result<InteractionList, &'static str> {
        match text {
            "nature" => Ok(InteractionList::Nature),
            "status" => Ok(InteractionList::Status),
            "result" => Ok(InteractionList::Result),
            _ => Err("error-option-list-invalid"),
        }
    }

    fn key(self) -> &'static str {
        match self {
            InteractionList::Nature => "nature",
            InteractionList::Status => "status",
            InteractionList::Result => "result",
        }
    }

    fn audit_entity(self) -> AuditEntity {
        match self {
            InteractionList::Nature => AuditEntity::InteractionNature,
            InteractionList::Status => AuditEntity::InteractionStatus,
            InteractionList::Result => AuditEntity::OccurrenceResult,
        }
    }

    fn defaults(self) -> &'static [&'static str] {
        match self {
            InteractionList::Nature => DEFAULT_NATURES,
            InteractionList::Status => DEFAULT_STATUSES,
            InteractionList::Result => domain::occurrence::DEFAULT_RESULTS,
        }
    }
}

/// The organisation's natures, statuses and results, as forms offer
/// them: built-in ones have an empty label (the UI names them in the
/// user's language).
#[derive(Clone, Debug, Default)]
pub struct InteractionLists {
    pub natures: Vec<StatusView>,
    pub statuses: Vec<StatusView>,
    /// Telemarketing occurrences' results.
    pub results: Vec<StatusView>,
}

impl Interactions<'_> {
    /// Every list at once, for pages that label interactions.
    pub async fn interaction_lists(&self, actor: &Actor) -> Result<InteractionLists, AppError> {
        let own = repo::options(&self.db, actor.org_id).await?;
        let options = |list: InteractionList| -> Vec<StatusView> {
            let built_in =
                list.defaults().iter().map(|c| StatusView { code: c.to_string(), label: String::new() });
            let added = own
                .iter()
                .filter(|o| o.list == list.key())
                .map(|o| StatusView { code: o.code.clone(), label: o.label.clone() });
            built_in.chain(added).collect()
        };
        Ok(InteractionLists {
            natures: options(InteractionList::Nature),
            statuses: options(InteractionList::Status),
            results: options(InteractionList::Result),
        })
    }

    /// One of the lists.
    pub async fn interaction_options(
        &self,
        actor: &Actor,
        list: InteractionList,
    ) -> Result<Vec<StatusView>, AppError> {
        let lists = self.interaction_lists(actor).await?;
        Ok(match list {
            InteractionList::Nature => lists.natures,
            InteractionList::Status => lists.statuses,
            InteractionList::Result => lists.results,
        })
    }

    pub async fn add_interaction_option(
        &self,
        actor: &Actor,
        list: InteractionList,
        label: &str,
    ) -> Result<StatusView, AppError> {
        actor.require_change(Permission::Administer)?;
        let (code, label) = crate::registry_settings::code_and_label(label)?;
        if list.defaults().contains(&code.as_str()) {
            return Err(AppError::Taken(ValidationErrors::single("label", "error-status-taken")));
        }
        let mut change = self.change(actor).await?;
        match repo::insert_option(&mut change.tx, actor.org_id, list.key(), &code, &label).await {
            Err(DbError::Duplicate(_)) => {
                return Err(AppError::Taken(ValidationErrors::single("label", "error-status-taken")));
            }
            other => other?,
        }
        change
            .audit(
                AuditAction::Create,
                list.audit_entity(),
                Some(code.clone()),
                None,
                Some(serde_json::json!({ "label": label })),
            )
            .await?;
        change.commit().await?;
        Ok(StatusView { code, label })
    }

    pub(crate) async fn option_codes(
        &self,
        actor: &Actor,
        list: InteractionList,
    ) -> Result<Vec<String>, AppError> {
        Ok(self.interaction_options(actor, list).await?.into_iter().map(|o| o.code).collect())
    }

    /// Checks a draft's lists, responsible user and vehicle for this party.
    async fn checked_interaction(
        &self,
        actor: &Actor,
        party: PartyId,
        draft: &InteractionDraft,
    ) -> Result<(domain::interaction::ValidInteraction, UserId, Option<VehicleId>), AppError> {
        let natures = self.option_codes(actor, InteractionList::Nature).await?;
        let statuses = self.option_codes(actor, InteractionList::Status).await?;
        let valid = draft.validate(&natures, &statuses)?;
        let responsible = match draft.responsible_id {
            None => actor.user_id,
            Some(id) if id == actor.user_id.0 => actor.user_id,
            Some(id) => match user::get(&self.db, actor.org_id, UserId(id)).await? {
                // Whoever answers for it must be able to open the customer.
                Some(u) if u.active && self.access().may_read_party(&u, party).await? => UserId(u.id),
                Some(u) if u.active => {
                    return Err(
                        ValidationErrors::single("responsible_id", "error-responsible-cannot-see").into()
                    );
                }
                _ => return Err(ValidationErrors::single("responsible_id", "error-user-unknown").into()),
            },
        };
        let vehicle = match draft.vehicle_id {
            None => None,
            Some(id) => match vehicle::get(&self.db, actor.org_id, VehicleId(id)).await? {
                Some(v) if v.party_id == party.0 => Some(VehicleId(v.id)),
                _ => return Err(ValidationErrors::single("vehicle_id", "error-vehicle-not-of-party").into()),
            },
        };
        Ok((valid, responsible, vehicle))
    }

    #[tracing::instrument(skip_all)]
    pub async fn open_interaction(
        &self,
        actor: &Actor,
        party: PartyId,
        draft: &InteractionDraft,
    ) -> Result<InteractionView, AppError> {
        self.access().guard_party(actor, party, Some(Permission::PartiesEdit)).await?;
        let (valid, responsible, vehicle) = self.checked_interaction(actor, party, draft).await?;
        let mut change = self.change(actor).await?;
        let at = change.at;
        let new = NewInteraction {
            org_id: actor.org_id,
            party,
            interaction: &valid,
            responsible,
            vehicle,
            result: None,
            by: &actor.display_name,
        };
        let id = repo::insert(&mut change.tx, &new, at).await?;
        change
            .history(
                party,
                Event::new(
                    EventKind::Interaction,
                    "timeline-interaction-opened",
                    valid.nature.clone(),
                    Some(id.0),
                ),
            )
            .await?;
        change.audit_created(AuditEntity::Interaction, id, serde_json::json!({ "party": party.to_string(), "nature": valid.nature, "status": valid.status })).await?;
        change.commit().await?;
        self.interaction(actor, id).await
    }

    /// Saves a changed interaction; refused if someone saved it since `version`.
    #[tracing::instrument(skip_all)]
    pub async fn update_interaction(
        &self,
        actor: &Actor,
        id: InteractionId,
        version: i64,
        draft: &InteractionDraft,
    ) -> Result<InteractionView, AppError> {
        let before = repo::get(&self.db, actor.org_id, id).await?.ok_or(AppError::NotFound)?;
        let party = PartyId(before.party_id);
        self.access().guard_party(actor, party, Some(Permission::PartiesEdit)).await?;
        let mut change = self.change(actor).await?;
        if !self.save_interaction(&mut change, actor, &before, version, draft).await? {
            drop(change);
            let current = repo::get(&self.db, actor.org_id, id).await?.ok_or(AppError::NotFound)?;
            return Err(AppError::Conflict { by: current.updated_by_label, at: current.updated_at });
        }
        change.commit().await?;
        self.interaction(actor, id).await
    }

    /// Writes `draft` over `before` inside `change`, with its history line
    /// and audit entry; false when someone saved it since `version`. The
    /// caller has checked the actor may change the party.
    pub(crate) async fn save_interaction(
        &self,
        change: &mut Change<'_>,
        actor: &Actor,
        before: &InteractionRow,
        version: i64,
        draft: &InteractionDraft,
    ) -> Result<bool, AppError> {
        let id = InteractionId(before.id);
        let party = PartyId(before.party_id);
        let (valid, responsible, vehicle) = self.checked_interaction(actor, party, draft).await?;
        let row = NewInteraction {
            org_id: actor.org_id,
            party,
            interaction: &valid,
            responsible,
            vehicle,
            result: None,
            by: &actor.display_name,
        };
        if !repo::update(&mut change.tx, actor.org_id, id, version, &row, change.at).await? {
            return Ok(false);
        }
        if before.status != valid.status {
            change
                .history(
                    party,
                    Event::new(
                        EventKind::Interaction,
                        "timeline-interaction-status",
                        format!("{} → {}", before.nature, valid.status),
                        Some(id.0),
                    ),
                )
                .await?;
        }
        change.audit_changed(AuditEntity::Interaction, id, serde_json::json!({ "status": before.status, "responsible": before.responsible_id, "version": before.version }), serde_json::json!({ "status": valid.status, "responsible": responsible.0 }))
        .await?;
        Ok(true)
    }

    pub async fn interaction(&self, actor: &Actor, id: InteractionId) -> Result<InteractionView, AppError> {
        let row = repo::get(&self.db, actor.org_id, id).await?.ok_or(AppError::NotFound)?;
        self.access().guard_party(actor, PartyId(row.party_id), None).await?;
        Ok(row.into())
    }

    /// A party's interactions, newest first; perhaps only one vehicle's.
    pub async fn interactions_of(
        &self,
        actor: &Actor,
        party: PartyId,
        vehicle: Option<VehicleId>,
    ) -> Result<Vec<InteractionView>, AppError> {
        let party = self.access().guard_party(actor, party, None).await?;
        self.interactions_of_reached(actor, party, vehicle).await
    }

    pub(crate) async fn interactions_of_reached(
        &self,
        actor: &Actor,
        party: ReachedParty,
        vehicle: Option<VehicleId>,
    ) -> Result<Vec<InteractionView>, AppError> {
        Ok(repo::of_party(&self.db, actor.org_id, party.id(), vehicle, 100)
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    }
}
