//! The prospects' board [funil de negociação]: each prospect in negotiation
//! under the stage it has reached, mine or my team's as far as my access
//! reaches, moved from stage to stage with the versioned change of its row.
use crate::Pipeline;
use crate::{Actor, AppError};
use chrono::{DateTime, Utc};
use db::repo::party as party_repo;
use db::repo::pipeline::{self as repo, BoardFilter, CardRow};
use domain::access::Permission;
use domain::audit::{AuditAction, AuditEntity};
use domain::pipeline::{CARDS_PER_STAGE, NegotiationStage, parse_stage_name};
use domain::timeline::{Event, EventKind};
use domain::work_queue::WorkScope;
use domain::{PartyId, ValidationErrors};
use serde::Deserialize;
use std::collections::BTreeMap;
use uuid::Uuid;

/// What the board asks for; every field may be left out.
#[derive(Clone, Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct BoardQuery {
    /// Whose: `mine` (default: the prospects I am the seller of) or `team`
    /// (every prospect I may see).
    pub scope: Option<WorkScope>,
}

impl BoardQuery {
    pub fn scope(&self) -> WorkScope {
        self.scope.unwrap_or(WorkScope::Mine)
    }
}

/// A prospect on the board.
#[derive(Clone, Debug)]
pub struct ProspectCard {
    pub id: Uuid,
    pub name: String,
    /// The row's version, for a move that must not overwrite another's.
    pub version: i64,
    pub stage: NegotiationStage,
    pub city: Option<String>,
    pub seller_name: Option<String>,
    /// When the prospect was last changed (moved, edited).
    pub updated_at: DateTime<Utc>,
}

impl ProspectCard {
    fn of(row: CardRow, stage: NegotiationStage) -> ProspectCard {
        ProspectCard {
            id: row.id,
            name: row.full_name,
            version: row.version,
            stage,
            city: row.city.filter(|c| !c.trim().is_empty()),
            seller_name: row.seller_name,
            updated_at: row.updated_at,
        }
    }
}

/// The names of the board's stages: the organisation's own where it wrote
/// one; the others are the catalogue's, in the reader's language.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StageNames(BTreeMap<NegotiationStage, String>);

impl StageNames {
    fn of(rows: Vec<(String, String)>) -> StageNames {
        StageNames(
            rows.into_iter()
                .filter_map(|(stage, name)| NegotiationStage::parse(&stage).ok().map(|stage| (stage, name)))
                .collect(),
        )
    }

    /// The organisation's name of `stage`, if it wrote one.
    pub fn own(&self, stage: NegotiationStage) -> Option<&str> {
        self.0.get(&stage).map(String::as_str)
    }
}

/// A stage's column: how many stand there, and the latest moved of them.
#[derive(Clone, Debug)]
pub struct BoardColumn {
    pub stage: NegotiationStage,
    pub total: i64,
    pub cards: Vec<ProspectCard>,
}

impl Pipeline<'_> {
    fn board_filter(&self, actor: &Actor, scope: WorkScope) -> Result<BoardFilter, AppError> {
        actor.require(Permission::PartiesRead)?;
        Ok(BoardFilter {
            org_id: actor.org_id,
            reach: actor.read_scope().reach,
            seller: (scope == WorkScope::Mine).then_some(actor.user_id),
        })
    }

    /// Every stage in order, each with its count and its latest moved
    /// prospects ([`CARDS_PER_STAGE`]).
    #[tracing::instrument(skip_all)]
    pub async fn board(&self, actor: &Actor, query: &BoardQuery) -> Result<Vec<BoardColumn>, AppError> {
        let filter = self.board_filter(actor, query.scope())?;
        let counts = repo::counts(&self.db, &filter).await?;
        let total_at = |stage: NegotiationStage| {
            counts.iter().find(|c| c.stage == stage.as_str()).map_or(0, |c| c.total)
        };
        // The stages' cards side by side, each on its own pooled connection.
        let cards = futures_util::future::try_join_all(NegotiationStage::ALL.iter().map(|&stage| {
            let filter = &filter;
            async move {
                if total_at(stage) == 0 {
                    Ok(Vec::new())
                } else {
                    repo::cards(&self.db, filter, stage.as_str(), CARDS_PER_STAGE).await
                }
            }
        }))
        .await?;
        Ok(NegotiationStage::ALL
            .iter()
            .zip(cards)
            .map(|(&stage, rows)| BoardColumn {
                stage,
                total: total_at(stage),
                cards: rows.into_iter().map(|row| ProspectCard::of(row, stage)).collect(),
            })
            .collect())
    }

    /// The organisation's names of the stages.
    pub async fn stage_names(&self, actor: &Actor) -> Result<StageNames, AppError> {
        actor.require(Permission::PartiesRead)?;
        Ok(StageNames::of(repo::stage_names(&self.db, actor.org_id).await?))
    }

    /// Names the stages as the organisation calls them (an administrator's
    /// change); a stage left blank, or left out, goes back to the
    /// catalogue's name; a stage named twice takes the last. All or nothing.
    pub async fn rename_stages(
        &self,
        actor: &Actor,
        names: &[(NegotiationStage, String)],
    ) -> Result<StageNames, AppError> {
        actor.require_admin()?;
        let mut errors = ValidationErrors::new();
        let mut named = BTreeMap::new();
        for (stage, name) in names {
            match errors.check(stage.as_str(), parse_stage_name(name)) {
                Some(Some(name)) => named.insert(*stage, name),
                Some(None) => named.remove(stage),
                None => None,
            };
        }
        errors.into_result()?;
        let mut change = self.change(actor).await?;
        let before = StageNames::of(repo::stage_names_in(&mut change.tx, actor.org_id).await?);
        let rows: Vec<(&str, &str)> =
            named.iter().map(|(stage, name)| (stage.as_str(), name.as_str())).collect();
        repo::set_stage_names(&mut change.tx, actor.org_id, &rows).await?;
        let after = StageNames(named);
        if after != before {
            change
                .audit(
                    AuditAction::Update,
                    AuditEntity::PipelineStages,
                    None,
                    Some(serde_json::json!(before.0)),
                    Some(serde_json::json!(after.0)),
                )
                .await?;
        }
        change.commit().await?;
        Ok(after)
    }

    /// How many of my prospects are in negotiation (the home's figure).
    pub async fn in_negotiation(&self, actor: &Actor) -> Result<i64, AppError> {
        let filter = self.board_filter(actor, WorkScope::Mine)?;
        Ok(repo::counts(&self.db, &filter).await?.iter().map(|c| c.total).sum())
    }

    /// Moves a prospect's negotiation to `stage` if nobody changed the
    /// prospect since `expected_version`; refused for a customer or an
    /// abandoned negotiation, which are not on the board.
    pub async fn move_prospect(
        &self,
        actor: &Actor,
        id: PartyId,
        expected_version: i64,
        stage: NegotiationStage,
    ) -> Result<ProspectCard, AppError> {
        self.access().guard_party(actor, id, Some(Permission::PartiesEdit)).await?;
        let mut change = self.change(actor).await?;
        let now = self.now();
        let standing =
            repo::negotiation_in(&mut change.tx, actor.org_id, id).await?.ok_or(AppError::NotFound)?;
        if standing.lifecycle != "prospect" || standing.prospect_state.as_deref() != Some("in_progress") {
            return Err(ValidationErrors::single("stage", "error-negotiation-not-in-progress").into());
        }
        let moved = party_repo::change_row(
            &mut change.tx,
            actor.org_id,
            id,
            expected_version,
            party_repo::RowChange::NegotiationStage(stage.as_str()),
            Some(actor.user_id),
            now,
        )
        .await?;
        if !moved {
            let (by, at) =
                party_repo::last_change(&mut change.tx, actor.org_id, id).await?.ok_or(AppError::NotFound)?;
            return Err(AppError::Conflict { by, at });
        }
        if standing.negotiation_stage != stage.as_str() {
            // The history keeps the stage's name as the organisation called
            // it at the time; the catalogue's is written in the reader's words.
            let names = StageNames::of(repo::stage_names_in(&mut change.tx, actor.org_id).await?);
            let event = match names.own(stage) {
                Some(name) => Event::new(EventKind::Registration, "timeline-negotiation-moved", name, None),
                None => Event::new(EventKind::Registration, stage.moved_key(), "", None),
            };
            change.history(id, event).await?;
            change
                .audit_changed(
                    AuditEntity::Party,
                    id,
                    serde_json::json!({ "negotiation_stage": standing.negotiation_stage }),
                    serde_json::json!({ "negotiation_stage": stage.as_str() }),
                )
                .await?;
        }
        change.commit().await?;
        let filter = self.board_filter(actor, WorkScope::Team)?;
        let row = repo::card(&self.db, &filter, id).await?.ok_or(AppError::NotFound)?;
        Ok(ProspectCard::of(row, stage))
    }
}
