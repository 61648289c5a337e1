//! Fidelidade: the organisation's points program, each party's points
//! (earned on a sale, reversed when it is cancelled, redeemed, adjusted by
//! hand with a reason, expired by the daily task), and discount coupons.
//! A sale's points and coupon are written in the sale's own transaction.
use crate::change::Change;
use crate::{Actor, AppError, Loyalty};
use chrono::{DateTime, NaiveDate, Utc};
use db::DbError;
use db::repo::catalogue as catalogue_repo;
use db::repo::loyalty::{self as repo, CouponRow, EntryRow, NewEntry};
use domain::access::Permission;
use domain::audit::{AuditAction, AuditEntity};
use domain::catalogue::ListKind;
use domain::loyalty::{
    CouponDraft, CouponKind, CouponTerms, PointsKind, PointsRate, Program, ProgramDraft, RateDraft,
    take_oldest_first,
};
use domain::timeline::{Event, EventKind};
use domain::{OrgId, PartyId, StoreId, ValidationErrors};
mod bonus;

pub use bonus::{BonusLotView, BonusRuleView, BonusView};
use serde::Serialize;
use uuid::Uuid;

#[derive(Clone, Debug, Serialize)]
pub struct ProgramView {
    pub program: Program,
    /// 0 while none was saved.
    pub version: i64,
}

#[derive(Clone, Debug)]
pub struct PointsView {
    pub balance: i64,
    /// Points that expire in the next 30 days, today included.
    pub expiring_30_days: i64,
    /// Points lost to expiry in the last 12 months.
    pub expired_12_months: i64,
    /// The fewest points a redemption may take (none without a program).
    pub minimum_redeem: Option<i64>,
    pub entries: Vec<EntryRow>,
}

#[derive(Clone, Debug, Serialize)]
pub struct CouponView {
    pub id: Uuid,
    pub code: String,
    pub kind: CouponKind,
    /// Cents for an amount, hundredths of a percent for a percentage.
    pub value: i64,
    pub valid_from: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    pub single_use: bool,
    pub party_id: Option<Uuid>,
    pub party_name: Option<String>,
    pub uses: i64,
    pub active: bool,
}

impl TryFrom<CouponRow> for CouponView {
    type Error = AppError;

    fn try_from(row: CouponRow) -> Result<Self, AppError> {
        Ok(CouponView {
            kind: CouponKind::parse(&row.kind).map_err(|e| AppError::Internal(e.into()))?,
            id: row.id,
            code: row.code,
            value: row.value,
            valid_from: row.valid_from,
            valid_until: row.valid_until,
            single_use: row.single_use,
            party_id: row.party_id,
            party_name: row.party_name,
            uses: row.uses,
            active: row.active,
        })
    }
}

/// How many movements the points page lists.
pub const ENTRIES_SHOWN: u32 = 100;

/// A rate of points other than the program's.
#[derive(Clone, Debug, Serialize)]
pub struct RateView {
    pub id: Uuid,
    /// None: at any store.
    pub store_code: Option<String>,
    pub store_name: Option<String>,
    /// None: for any product group.
    pub group: Option<String>,
    pub points_per_unit: i64,
}

pub(crate) fn program_of(row: &repo::ProgramRow) -> Program {
    Program {
        points_per_unit: row.points_per_unit,
        expiry_months: row.expiry_months.max(0) as u32,
        minimum_redeem: row.minimum_redeem,
        active: row.active,
    }
}

impl Loyalty<'_> {
    /// The program; an inactive one earning nothing while none was saved.
    pub async fn program(&self, actor: &Actor) -> Result<ProgramView, AppError> {
        actor.require(Permission::PartiesRead)?;
        Ok(match repo::program(&self.db, actor.org_id).await? {
            Some(row) => ProgramView { program: program_of(&row), version: row.version },
            None => ProgramView {
                program: Program {
                    points_per_unit: 1,
                    expiry_months: 12,
                    minimum_redeem: 100,
                    active: false,
                },
                version: 0,
            },
        })
    }

    /// Saves the program (administrators); refused if saved since `version`.
    #[tracing::instrument(skip_all)]
    pub async fn save_program(
        &self,
        actor: &Actor,
        version: i64,
        draft: &ProgramDraft,
    ) -> Result<ProgramView, AppError> {
        actor.require_admin()?;
        let program = draft.validate()?;
        let before = self.program(actor).await?;
        let mut change = self.change(actor).await?;
        let at = change.at;
        if !repo::save_program(&mut change.tx, actor.org_id, version, &program, at).await? {
            drop(change);
            return Err(AppError::Conflict { by: String::new(), at });
        }
        let (old, new) = (serde_json::to_value(before.program).ok(), serde_json::to_value(program).ok());
        change.audit(AuditAction::Update, AuditEntity::LoyaltyProgram, None, old, new).await?;
        change.commit().await?;
        self.program(actor).await
    }

    /// The party's points: balance, what expires soon, what expired, and
    /// the latest movements.
    pub async fn points(&self, actor: &Actor, party: PartyId) -> Result<PointsView, AppError> {
        self.access().guard_party(actor, party, None).await?;
        let today = self.today(actor);
        let now = self.now();
        let (balance, expiring, expired, entries, program) = tokio::try_join!(
            repo::balance(&self.db, actor.org_id, party),
            repo::expiring_between(&self.db, actor.org_id, party, today, today + chrono::Duration::days(29)),
            repo::expired_between(
                &self.db,
                actor.org_id,
                party,
                now - chrono::Duration::days(365),
                now + chrono::Duration::seconds(1)
            ),
            repo::entries_of(&self.db, actor.org_id, party, ENTRIES_SHOWN),
            repo::program(&self.db, actor.org_id),
        )?;
        Ok(PointsView {
            balance,
            expiring_30_days: expiring,
            expired_12_months: expired,
            minimum_redeem: program.filter(|p| p.active).map(|p| p.minimum_redeem),
            entries,
        })
    }

    /// Adds or takes points by hand, with the reason (positive: a lot that
    /// expires as earned points do; negative: taken oldest first).
    #[tracing::instrument(skip_all)]
    pub async fn adjust_points(
        &self,
        actor: &Actor,
        party: PartyId,
        points: i64,
        reason: &str,
    ) -> Result<i64, AppError> {
        self.access().guard_party(actor, party, Some(Permission::PartiesEdit)).await?;
        let reason = required_reason(reason)?;
        if points == 0 || points.abs() > 10_000_000 {
            return Err(ValidationErrors::single("points", "error-points-invalid").into());
        }
        let today = self.today(actor);
        let mut change = self.change(actor).await?;
        let program = repo::program_in(&mut change.tx, actor.org_id).await?.map(|row| program_of(&row));
        let expires_on = program.and_then(|p| p.expires_on(today));
        self.move_points(&mut change, actor, party, PointsKind::Adjusted, points, expires_on, None, reason)
            .await?;
        change.commit().await?;
        Ok(repo::balance(&self.db, actor.org_id, party).await?)
    }

    /// Spends points (at least the program's minimum, at most the balance).
    #[tracing::instrument(skip_all)]
    pub async fn redeem_points(
        &self,
        actor: &Actor,
        party: PartyId,
        points: i64,
        reason: &str,
    ) -> Result<i64, AppError> {
        self.access().guard_party(actor, party, Some(Permission::PartiesEdit)).await?;
        let reason = required_reason(reason)?;
        let mut change = self.change(actor).await?;
        let Some(program) = repo::program_in(&mut change.tx, actor.org_id)
            .await?
            .map(|row| program_of(&row))
            .filter(|p| p.active)
        else {
            return Err(ValidationErrors::single("points", "error-loyalty-off").into());
        };
        if points < program.minimum_redeem.max(1) {
            return Err(ValidationErrors::single("points", "error-points-below-minimum").into());
        }
        let lots = repo::open_lots(&mut change.tx, actor.org_id, party, None).await?;
        if lots.iter().map(|(_, left)| left).sum::<i64>() < points {
            return Err(ValidationErrors::single("points", "error-points-above-balance").into());
        }
        self.move_points(&mut change, actor, party, PointsKind::Redeemed, -points, None, None, reason)
            .await?;
        change.commit().await?;
        Ok(repo::balance(&self.db, actor.org_id, party).await?)
    }

    /// One movement of points in `change`: an addition opens a lot, a
    /// subtraction takes from lots (a sale's own first), the balance and
    /// the history follow.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn move_points(
        &self,
        change: &mut Change<'_>,
        actor: &Actor,
        party: PartyId,
        kind: PointsKind,
        points: i64,
        expires_on: Option<NaiveDate>,
        sale: Option<Uuid>,
        reason: &str,
    ) -> Result<(), AppError> {
        let at = change.at;
        if points < 0 {
            let lots = repo::open_lots(&mut change.tx, actor.org_id, party, sale).await?;
            for (lot, taken) in take_oldest_first(&lots, -points) {
                repo::take_from_lot(&mut change.tx, lot, taken).await?;
            }
        }
        let entry = NewEntry {
            party,
            kind: kind.as_str(),
            points,
            remaining: points.max(0),
            expires_on: if points > 0 { expires_on } else { None },
            sale_id: sale,
            reason,
            by: &actor.display_name,
        };
        repo::insert_entries(&mut change.tx, actor.org_id, &[entry], at).await?;
        repo::refresh_balance(&mut change.tx, actor.org_id, party).await?;
        let detail = format!("{points:+} · {reason}");
        change.history(party, Event::new(EventKind::Loyalty, points_action(kind), detail, sale)).await?;
        Ok(())
    }

    /// The program's rates at stores and for product groups.
    pub async fn rates(&self, actor: &Actor) -> Result<Vec<RateView>, AppError> {
        actor.require(Permission::PartiesRead)?;
        Ok(repo::rates(&self.db, actor.org_id)
            .await?
            .into_iter()
            .map(|row| RateView {
                id: row.id,
                store_code: row.store_code,
                store_name: row.store_name,
                group: row.group_name,
                points_per_unit: row.points_per_unit,
            })
            .collect())
    }

    /// Adds a rate at a store, for a product group or both
    /// (administrators); one per store and group.
    #[tracing::instrument(skip_all)]
    pub async fn add_rate(&self, actor: &Actor, draft: &RateDraft) -> Result<Uuid, AppError> {
        actor.require_admin()?;
        let mut change = self.change(actor).await?;
        let stores = catalogue_repo::stores_in(&mut change.tx, actor.org_id).await?;
        let groups = catalogue_repo::lists_in(&mut change.tx, actor.org_id, ListKind::Group).await?;
        let store_of = |code: &str| stores.iter().find(|s| s.code == code).map(|s| StoreId(s.id));
        let group_of = |name: &str| {
            groups.iter().find(|(_, n)| n.to_lowercase() == name.to_lowercase()).map(|(id, _)| *id)
        };
        let rate = draft.validate(&store_of, &group_of)?;
        let id = Uuid::now_v7();
        if !repo::insert_rate(&mut change.tx, actor.org_id, id, &rate, change.at).await? {
            return Err(AppError::Taken(ValidationErrors::single("store", "error-points-rate-exists")));
        }
        let after = serde_json::json!({
            "store": draft.store.trim(),
            "group": draft.group.trim(),
            "points_per_unit": rate.points_per_unit,
        });
        change.audit_created(AuditEntity::LoyaltyProgram, id, after).await?;
        change.commit().await?;
        Ok(id)
    }

    /// Removes a rate (administrators): its items earn as the program again.
    #[tracing::instrument(skip_all)]
    pub async fn remove_rate(&self, actor: &Actor, id: Uuid) -> Result<(), AppError> {
        actor.require_admin()?;
        let mut change = self.change(actor).await?;
        if !repo::delete_rate(&mut change.tx, actor.org_id, id).await? {
            return Err(AppError::NotFound);
        }
        change
            .audit(AuditAction::Delete, AuditEntity::LoyaltyProgram, Some(id.to_string()), None, None)
            .await?;
        change.commit().await
    }

    /// The rates as they are in a sale's transaction.
    pub(crate) async fn rates_in(change: &mut Change<'_>, org: OrgId) -> Result<Vec<PointsRate>, AppError> {
        Ok(repo::rates_in(&mut change.tx, org).await?)
    }

    /// The program as it is in a sale's transaction (none saved: none).
    pub(crate) async fn program_in(change: &mut Change<'_>, org: OrgId) -> Result<Option<Program>, AppError> {
        Ok(repo::program_in(&mut change.tx, org).await?.map(|row| program_of(&row)))
    }

    /// Takes back the points a sale earned, from its own lot first.
    pub(crate) async fn reverse_for_sale(
        &self,
        change: &mut Change<'_>,
        actor: &Actor,
        party: PartyId,
        sale: Uuid,
    ) -> Result<(), AppError> {
        if let Some(points) = repo::earned_on(&mut change.tx, actor.org_id, sale).await? {
            self.move_points(change, actor, party, PointsKind::Reversed, -points, None, Some(sale), "")
                .await?;
        }
        Ok(())
    }

    /// A coupon's terms by its code, inside a sale's transaction.
    pub(crate) async fn coupon_terms(
        change: &mut Change<'_>,
        org: OrgId,
        code: &str,
    ) -> Result<Option<CouponTerms>, AppError> {
        let Some(row) = repo::coupon_by_code(&mut change.tx, org, &code.trim().to_uppercase()).await? else {
            return Ok(None);
        };
        Ok(Some(CouponTerms {
            id: row.id,
            kind: CouponKind::parse(&row.kind).map_err(|e| AppError::Internal(e.into()))?,
            value: row.value,
            valid_from: row.valid_from,
            valid_until: row.valid_until,
            single_use: row.single_use,
            uses: row.uses,
            party_id: row.party_id.map(PartyId),
            active: row.active,
        }))
    }

    /// The organisation's coupons, newest first (or one party's).
    pub async fn coupons(&self, actor: &Actor, party: Option<PartyId>) -> Result<Vec<CouponView>, AppError> {
        match party {
            Some(party) => {
                self.access().guard_party(actor, party, None).await?;
            }
            None => actor.require(Permission::PartiesRead)?,
        }
        repo::coupons(&self.db, actor.org_id, party, 200).await?.into_iter().map(TryInto::try_into).collect()
    }

    /// Creates a coupon (administrators).
    #[tracing::instrument(skip_all)]
    pub async fn create_coupon(&self, actor: &Actor, draft: &CouponDraft) -> Result<CouponView, AppError> {
        actor.require_admin()?;
        let coupon = draft.validate()?;
        if let Some(party) = coupon.party_id {
            self.access()
                .guard_party(actor, party, None)
                .await
                .map_err(|_| ValidationErrors::single("party_id", "error-not-found"))?;
        }
        let mut change = self.change(actor).await?;
        let at = change.at;
        let id =
            repo::insert_coupon(&mut change.tx, actor.org_id, &coupon, at).await.map_err(
                |error| match error {
                    DbError::Duplicate(_) => {
                        AppError::Taken(ValidationErrors::single("code", "error-code-taken"))
                    }
                    other => other.into(),
                },
            )?;
        let after = serde_json::json!({ "code": coupon.code, "kind": coupon.kind.as_str(), "value": coupon.value, "single_use": coupon.single_use });
        change.audit_created(AuditEntity::Coupon, id, after).await?;
        change.commit().await?;
        repo::coupon(&self.db, actor.org_id, id).await?.ok_or(AppError::NotFound)?.try_into()
    }
}

fn required_reason(reason: &str) -> Result<&str, AppError> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(ValidationErrors::single("reason", "error-required").into());
    }
    if reason.chars().count() > 200 {
        return Err(ValidationErrors::single("reason", "error-too-long").into());
    }
    Ok(reason)
}

fn points_action(kind: PointsKind) -> &'static str {
    match kind {
        PointsKind::Earned => "timeline-points-earned",
        PointsKind::Reversed => "timeline-points-reversed",
        PointsKind::Redeemed => "timeline-points-redeemed",
        PointsKind::Adjusted => "timeline-points-adjusted",
        PointsKind::Expired => "timeline-points-expired",
    }
}

/// Expires every lot whose day has come, for the daily task: how many
/// points went.
pub(crate) async fn expire_due(
    app: &crate::App,
    org: OrgId,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    let mut change = app.change_by(crate::change::By::OnBehalf(org, crate::change::AUTOMATIC_LABEL)).await?;
    let lots = repo::expiring_lots(&mut change.tx, org, today).await?;
    let mut expired = 0;
    let mut parties = std::collections::BTreeSet::new();
    for (lot, party, remaining, expires_on) in lots {
        repo::take_from_lot(&mut change.tx, lot, remaining).await?;
        let entry = NewEntry {
            party: PartyId(party),
            kind: PointsKind::Expired.as_str(),
            points: -remaining,
            remaining: 0,
            expires_on: Some(expires_on),
            sale_id: None,
            reason: "",
            by: "",
        };
        repo::insert_entries(&mut change.tx, org, &[entry], now).await?;
        let detail = format!("{:+}", -remaining);
        change
            .history(PartyId(party), Event::new(EventKind::Loyalty, "timeline-points-expired", detail, None))
            .await?;
        parties.insert(party);
        expired += remaining;
    }
    for party in parties {
        repo::refresh_balance(&mut change.tx, org, PartyId(party)).await?;
    }
    change.commit().await?;
    Ok(expired)
}
