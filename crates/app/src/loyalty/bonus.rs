//! CRM Bônus: the organisation's rule by which sales earn bonus credit,
//! credit granted by hand, and what a party may spend. Sales spend and
//! earn it in their own transaction (see `sales`).
use crate::{Actor, AppError, Loyalty};
use chrono::{DateTime, NaiveDate, Utc};
use db::repo::bonus::{self as repo, NewBonus};
use domain::access::Permission;
use domain::audit::{AuditAction, AuditEntity};
use domain::loyalty::{BonusDraft, BonusRule, BonusRuleDraft};
use domain::timeline::{Event, EventKind};
use domain::{Money, PartyId};
use serde::Serialize;
use uuid::Uuid;

#[derive(Clone, Debug, Serialize)]
pub struct BonusRuleView {
    pub rule: BonusRule,
    /// 0 while none was saved.
    pub version: i64,
}

/// A party's bonus credit: what may be spent today and the latest lots.
#[derive(Clone, Debug, Serialize)]
pub struct BonusView {
    pub available: Money,
    pub lots: Vec<BonusLotView>,
}

#[derive(Clone, Debug, Serialize)]
pub struct BonusLotView {
    pub id: Uuid,
    pub amount: Money,
    pub remaining: Money,
    pub valid_until: Option<NaiveDate>,
    /// Past its last valid day with credit left unspent.
    pub expired: bool,
    /// The sale that earned it; none when granted by hand.
    pub earned_on_sale: Option<Uuid>,
    /// Its sale was cancelled.
    pub cancelled: bool,
    pub reason: String,
    pub granted_at: DateTime<Utc>,
    pub granted_by: String,
}

impl Loyalty<'_> {
    /// The bonus rule; off while none was saved.
    pub async fn bonus_rule(&self, actor: &Actor) -> Result<BonusRuleView, AppError> {
        actor.require(Permission::PartiesRead)?;
        Ok(match repo::rule(&self.db, actor.org_id).await? {
            Some(row) => BonusRuleView { rule: row.rule(), version: row.version },
            None => BonusRuleView {
                rule: BonusRule { percent: 0, minimum_sale: Money(0), valid_days: 90, active: false },
                version: 0,
            },
        })
    }

    /// Saves the bonus rule (administrators); refused if saved since `version`.
    #[tracing::instrument(skip_all)]
    pub async fn save_bonus_rule(
        &self,
        actor: &Actor,
        version: i64,
        draft: &BonusRuleDraft,
    ) -> Result<BonusRuleView, AppError> {
        actor.require_admin()?;
        let rule = draft.validate()?;
        let before = self.bonus_rule(actor).await?;
        let mut change = self.change(actor).await?;
        let at = change.at;
        if !repo::save_rule(&mut change.tx, actor.org_id, version, &rule, at).await? {
            drop(change);
            return Err(AppError::Conflict { by: String::new(), at });
        }
        let (old, new) = (serde_json::to_value(before.rule).ok(), serde_json::to_value(rule).ok());
        change
            .audit(AuditAction::Update, AuditEntity::LoyaltyProgram, Some("bonus".into()), old, new)
            .await?;
        change.commit().await?;
        self.bonus_rule(actor).await
    }

    /// The party's bonus credit.
    pub async fn bonus(&self, actor: &Actor, party: PartyId) -> Result<BonusView, AppError> {
        self.access().guard_party(actor, party, None).await?;
        let today = self.today(actor);
        let (available, lots) = tokio::try_join!(
            repo::available(&self.db, actor.org_id, party, today),
            repo::of_party(&self.db, actor.org_id, party)
        )?;
        Ok(BonusView {
            available: Money(available),
            lots: lots
                .into_iter()
                .map(|row| BonusLotView {
                    expired: row.remaining > 0
                        && !row.cancelled
                        && row.valid_until.is_some_and(|d| d < today),
                    id: row.id,
                    amount: Money(row.amount),
                    remaining: Money(row.remaining),
                    valid_until: row.valid_until,
                    earned_on_sale: row.earned_on_sale,
                    cancelled: row.cancelled,
                    reason: row.reason,
                    granted_at: row.created_at,
                    granted_by: row.created_by_label,
                })
                .collect(),
        })
    }

    /// Grants bonus credit by hand, with why: what the party may spend now.
    #[tracing::instrument(skip_all)]
    pub async fn grant_bonus(
        &self,
        actor: &Actor,
        party: PartyId,
        draft: &BonusDraft,
    ) -> Result<Money, AppError> {
        self.access().guard_party(actor, party, Some(Permission::PartiesEdit)).await?;
        let today = self.today(actor);
        let grant = draft.validate(today)?;
        let mut change = self.change(actor).await?;
        let at = change.at;
        let lot = NewBonus {
            party,
            amount: grant.amount.0,
            valid_until: grant.valid_until,
            earned_on_sale: None,
            reason: &grant.reason,
        };
        repo::grant_many(&mut change.tx, actor.org_id, &[lot], &actor.display_name, at).await?;
        let detail = format!("+{} · {}", grant.amount.format_plain(), grant.reason);
        change.history(party, Event::new(EventKind::Loyalty, "timeline-bonus-granted", detail, None)).await?;
        change.commit().await?;
        Ok(Money(repo::available(&self.db, actor.org_id, party, today).await?))
    }
}
