//! Loyalty over the API: the program, coupons, and a party's points.
use super::responses::{Conflict, Forbidden, Invalid, NotFound};
use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{Api, ApiJson, Id};
use app::loyalty::{BonusRuleView, BonusView, CouponView, ProgramView, RateView};
use axum::Router;
use axum::http::StatusCode;
use axum::response::Json;
use axum::routing;
use chrono::{DateTime, NaiveDate, Utc};
use domain::loyalty::{BonusDraft, BonusRuleDraft, CouponDraft, CouponKind, ProgramDraft, RateDraft};
use domain::{Money, PartyId};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/settings/loyalty", routing::get(program).put(save_program))
        .route("/coupons", routing::get(coupons).post(create_coupon))
        .route("/settings/loyalty/rates", routing::get(rates).post(add_rate))
        .route("/settings/loyalty/rates/{id}", routing::delete(remove_rate))
        .route("/parties/{id}/points", routing::get(points).post(move_points))
        .route("/settings/bonus", routing::get(bonus_rule).put(save_bonus_rule))
        .route("/parties/{id}/bonus", routing::get(bonus).post(grant_bonus))
}

#[derive(OpenApi)]
#[openapi(paths(
    program,
    save_program,
    rates,
    add_rate,
    remove_rate,
    coupons,
    create_coupon,
    points,
    move_points
))]
pub struct Doc;

#[derive(Serialize, ToSchema)]
pub struct LoyaltyProgram {
    pub active: bool,
    /// Points per whole unit of the currency spent.
    pub points_per_unit: i64,
    /// Months a point lasts; 0: forever.
    pub expiry_months: u32,
    pub minimum_redeem: i64,
    /// 0 while none was saved.
    pub version: i64,
}

impl From<ProgramView> for LoyaltyProgram {
    fn from(view: ProgramView) -> Self {
        LoyaltyProgram {
            active: view.program.active,
            points_per_unit: view.program.points_per_unit,
            expiry_months: view.program.expiry_months,
            minimum_redeem: view.program.minimum_redeem,
            version: view.version,
        }
    }
}

#[utoipa::path(get, path = "/api/v1/settings/loyalty", tag = "sales", security(("bearer" = [])),
    responses((status = 200, body = LoyaltyProgram)))]
pub async fn program(Api { state, actor }: Api) -> ApiResult<Json<LoyaltyProgram>> {
    Ok(Json(state.app.loyalty().program(&actor).await?.into()))
}

#[derive(Deserialize, ToSchema)]
pub struct ProgramInput {
    /// The version the change is based on (0 for the first); a stale one gets `409 conflict`.
    pub version: i64,
    pub active: bool,
    #[schema(minimum = 0, maximum = 1000)]
    pub points_per_unit: i64,
    #[schema(minimum = 0, maximum = 120)]
    pub expiry_months: u32,
    #[schema(minimum = 0, maximum = 1000000)]
    pub minimum_redeem: i64,
}

#[utoipa::path(put, path = "/api/v1/settings/loyalty", tag = "sales", security(("bearer" = [])), request_body = ProgramInput,
    responses((status = 200, body = LoyaltyProgram), Invalid, Forbidden, Conflict))]
pub async fn save_program(
    Api { state, actor }: Api,
    ApiJson(body): ApiJson<ProgramInput>,
) -> ApiResult<Json<LoyaltyProgram>> {
    let draft = ProgramDraft {
        points_per_unit: body.points_per_unit.to_string(),
        expiry_months: body.expiry_months.to_string(),
        minimum_redeem: body.minimum_redeem.to_string(),
        active: body.active,
    };
    Ok(Json(state.app.loyalty().save_program(&actor, body.version, &draft).await?.into()))
}

/// Points per unit spent other than the program's, at a store, for a
/// product group, or both; the most specific one covering an item applies.
#[derive(Serialize, ToSchema)]
pub struct PointsRate {
    pub id: Uuid,
    /// The store's code; absent: any store.
    pub store: Option<String>,
    /// The product group's name; absent: any group.
    pub group: Option<String>,
    pub points_per_unit: i64,
}

impl From<RateView> for PointsRate {
    fn from(view: RateView) -> Self {
        PointsRate {
            id: view.id,
            store: view.store_code,
            group: view.group,
            points_per_unit: view.points_per_unit,
        }
    }
}

#[utoipa::path(get, path = "/api/v1/settings/loyalty/rates", tag = "sales", security(("bearer" = [])),
    responses((status = 200, body = Vec<PointsRate>)))]
pub async fn rates(Api { state, actor }: Api) -> ApiResult<Json<Vec<PointsRate>>> {
    Ok(Json(state.app.loyalty().rates(&actor).await?.into_iter().map(PointsRate::from).collect()))
}

#[derive(Deserialize, ToSchema)]
pub struct RateInput {
    /// The store's code; any store when left out.
    #[serde(default)]
    pub store: String,
    /// The product group's name; any group when left out. One of the two is needed.
    #[serde(default)]
    pub group: String,
    /// 0: the items earn nothing.
    #[schema(minimum = 0, maximum = 1000)]
    pub points_per_unit: i64,
}

/// Adds a rate (administrators); one per store and group.
#[utoipa::path(post, path = "/api/v1/settings/loyalty/rates", tag = "sales", security(("bearer" = [])), request_body = RateInput,
    responses((status = 201, body = PointsRate), Invalid, Forbidden, Conflict))]
pub async fn add_rate(
    Api { state, actor }: Api,
    ApiJson(body): ApiJson<RateInput>,
) -> ApiResult<(StatusCode, Json<PointsRate>)> {
    let draft =
        RateDraft { store: body.store, group: body.group, points_per_unit: body.points_per_unit.to_string() };
    let loyalty = state.app.loyalty();
    let id = loyalty.add_rate(&actor, &draft).await?;
    let rate =
        loyalty.rates(&actor).await?.into_iter().find(|r| r.id == id).ok_or(app::AppError::NotFound)?;
    Ok((StatusCode::CREATED, Json(rate.into())))
}

/// Removes a rate (administrators): its items earn by the program again.
#[utoipa::path(delete, path = "/api/v1/settings/loyalty/rates/{id}", tag = "sales", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 204), Forbidden, NotFound))]
pub async fn remove_rate(Api { state, actor }: Api, Id(id): Id<Uuid>) -> ApiResult<StatusCode> {
    state.app.loyalty().remove_rate(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub struct Coupon {
    pub id: Uuid,
    pub code: String,
    pub kind: CouponKind,
    /// Cents for `amount`; hundredths of a percent for `percent` (1000 is 10%).
    pub value: i64,
    pub valid_from: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    pub single_use: bool,
    pub party_id: Option<Uuid>,
    pub uses: i64,
    pub active: bool,
}

impl From<CouponView> for Coupon {
    fn from(view: CouponView) -> Self {
        Coupon {
            id: view.id,
            code: view.code,
            kind: view.kind,
            value: view.value,
            valid_from: view.valid_from,
            valid_until: view.valid_until,
            single_use: view.single_use,
            party_id: view.party_id,
            uses: view.uses,
            active: view.active,
        }
    }
}

/// The 200 newest coupons.
#[utoipa::path(get, path = "/api/v1/coupons", tag = "sales", security(("bearer" = [])),
    responses((status = 200, body = Vec<Coupon>)))]
pub async fn coupons(Api { state, actor }: Api) -> ApiResult<Json<Vec<Coupon>>> {
    Ok(Json(state.app.loyalty().coupons(&actor, None).await?.into_iter().map(Coupon::from).collect()))
}

#[derive(Deserialize, ToSchema)]
pub struct CouponInput {
    pub code: String,
    pub kind: CouponKind,
    /// Cents for `amount`; hundredths of a percent for `percent`.
    pub value: i64,
    pub valid_from: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    #[serde(default)]
    pub single_use: bool,
    /// For this customer only; anyone when left out.
    pub party_id: Option<Uuid>,
}

/// Creates a coupon (administrators); its code is kept in capitals.
#[utoipa::path(post, path = "/api/v1/coupons", tag = "sales", security(("bearer" = [])), request_body = CouponInput,
    responses((status = 201, body = Coupon), Invalid, Forbidden, Conflict))]
pub async fn create_coupon(
    Api { state, actor }: Api,
    ApiJson(body): ApiJson<CouponInput>,
) -> ApiResult<(StatusCode, Json<Coupon>)> {
    let draft = CouponDraft {
        code: body.code,
        kind: body.kind.as_str().to_string(),
        value: domain::Money(body.value).format_plain(),
        valid_from: body.valid_from.map(|d| d.to_string()).unwrap_or_default(),
        valid_until: body.valid_until.map(|d| d.to_string()).unwrap_or_default(),
        single_use: body.single_use,
        party_id: body.party_id,
    };
    let coupon = state.app.loyalty().create_coupon(&actor, &draft).await?;
    Ok((StatusCode::CREATED, Json(coupon.into())))
}

#[derive(Serialize, ToSchema)]
pub struct Points {
    pub balance: i64,
    pub expiring_30_days: i64,
    pub expired_12_months: i64,
    pub minimum_redeem: Option<i64>,
    /// The 100 latest movements, newest first.
    pub entries: Vec<PointsEntry>,
}

#[derive(Serialize, ToSchema)]
pub struct PointsEntry {
    pub id: Uuid,
    /// `earned`, `reversed`, `redeemed`, `adjusted` or `expired`.
    pub kind: String,
    pub points: i64,
    /// Of an earned or added lot: what is left to spend.
    pub remaining: i64,
    pub expires_on: Option<NaiveDate>,
    pub sale_id: Option<Uuid>,
    pub reason: String,
    pub at: DateTime<Utc>,
}

#[utoipa::path(get, path = "/api/v1/parties/{id}/points", tag = "sales", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = Points), NotFound))]
pub async fn points(Api { state, actor }: Api, Id(id): Id<PartyId>) -> ApiResult<Json<Points>> {
    let view = state.app.loyalty().points(&actor, id).await?;
    Ok(Json(Points {
        balance: view.balance,
        expiring_30_days: view.expiring_30_days,
        expired_12_months: view.expired_12_months,
        minimum_redeem: view.minimum_redeem,
        entries: view
            .entries
            .into_iter()
            .map(|e| PointsEntry {
                id: e.id,
                kind: e.kind,
                points: e.points,
                remaining: e.remaining,
                expires_on: e.expires_on,
                sale_id: e.sale_id,
                reason: e.reason,
                at: e.at,
            })
            .collect(),
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PointsAction {
    /// Spends points: at least the program's minimum, at most the balance.
    Redeem,
    /// Adds (positive) or takes (negative) points by hand.
    Adjust,
}

#[derive(Deserialize, ToSchema)]
pub struct PointsInput {
    pub action: PointsAction,
    /// Not zero; negative takes points away.
    #[schema(minimum = -10000000, maximum = 10000000)]
    pub points: i64,
    pub reason: String,
}

#[derive(Serialize, ToSchema)]
pub struct Balance {
    pub balance: i64,
}

#[utoipa::path(post, path = "/api/v1/parties/{id}/points", tag = "sales", security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = PointsInput,
    responses((status = 200, body = Balance), Invalid, Forbidden, NotFound))]
pub async fn move_points(
    Api { state, actor }: Api,
    Id(id): Id<PartyId>,
    ApiJson(body): ApiJson<PointsInput>,
) -> ApiResult<Json<Balance>> {
    let loyalty = state.app.loyalty();
    let balance = match body.action {
        PointsAction::Redeem => loyalty.redeem_points(&actor, id, body.points, &body.reason).await?,
        PointsAction::Adjust => loyalty.adjust_points(&actor, id, body.points, &body.reason).await?,
    };
    Ok(Json(Balance { balance }))
}

/// CRM Bônus: a sale of at least `minimum_sale` earns `percent` of its
/// total as credit for a later sale, valid `valid_days` days.
#[derive(Serialize, ToSchema)]
pub struct BonusRule {
    pub active: bool,
    /// Hundredths of a percent: 500 is 5%.
    pub percent: i64,
    /// In cents.
    pub minimum_sale: i64,
    pub valid_days: u32,
    /// 0 while none was saved.
    pub version: i64,
}

impl From<BonusRuleView> for BonusRule {
    fn from(view: BonusRuleView) -> Self {
        BonusRule {
            active: view.rule.active,
            percent: view.rule.percent,
            minimum_sale: view.rule.minimum_sale.0,
            valid_days: view.rule.valid_days,
            version: view.version,
        }
    }
}

#[utoipa::path(get, path = "/api/v1/settings/bonus", tag = "sales", security(("bearer" = [])),
    responses((status = 200, body = BonusRule)))]
pub async fn bonus_rule(Api { state, actor }: Api) -> ApiResult<Json<BonusRule>> {
    Ok(Json(state.app.loyalty().bonus_rule(&actor).await?.into()))
}

#[derive(Deserialize, ToSchema)]
pub struct BonusRuleInput {
    /// The version the change is based on (0 for the first); a stale one gets `409 conflict`.
    pub version: i64,
    pub active: bool,
    /// Hundredths of a percent, 0–10000.
    pub percent: i64,
    /// In cents.
    #[serde(default)]
    pub minimum_sale: i64,
    /// 1–3650.
    pub valid_days: u32,
}

/// Saves the bonus rule (administrators).
#[utoipa::path(put, path = "/api/v1/settings/bonus", tag = "sales", security(("bearer" = [])), request_body = BonusRuleInput,
    responses((status = 200, body = BonusRule), Invalid, Forbidden, Conflict))]
pub async fn save_bonus_rule(
    Api { state, actor }: Api,
    ApiJson(body): ApiJson<BonusRuleInput>,
) -> ApiResult<Json<BonusRule>> {
    let draft = BonusRuleDraft {
        percent: Money(body.percent).format_plain(),
        minimum_sale: Money(body.minimum_sale).format_plain(),
        valid_days: body.valid_days.to_string(),
        active: body.active,
    };
    Ok(Json(state.app.loyalty().save_bonus_rule(&actor, body.version, &draft).await?.into()))
}

#[derive(Serialize, ToSchema)]
pub struct Bonus {
    /// What the party may spend today, in cents.
    pub available: i64,
    /// The latest lots, newest first.
    pub lots: Vec<BonusLot>,
}

#[derive(Serialize, ToSchema)]
pub struct BonusLot {
    pub id: Uuid,
    /// In cents.
    pub amount: i64,
    /// In cents.
    pub remaining: i64,
    /// The last day it may be spent; absent: it lasts.
    pub valid_until: Option<NaiveDate>,
    pub expired: bool,
    /// The sale that earned it; absent when granted by hand.
    pub earned_on_sale: Option<Uuid>,
    /// Its sale was cancelled.
    pub cancelled: bool,
    pub reason: String,
    pub granted_at: DateTime<Utc>,
}

impl From<BonusView> for Bonus {
    fn from(view: BonusView) -> Self {
        Bonus {
            available: view.available.0,
            lots: view
                .lots
                .into_iter()
                .map(|lot| BonusLot {
                    id: lot.id,
                    amount: lot.amount.0,
                    remaining: lot.remaining.0,
                    valid_until: lot.valid_until,
                    expired: lot.expired,
                    earned_on_sale: lot.earned_on_sale,
                    cancelled: lot.cancelled,
                    reason: lot.reason,
                    granted_at: lot.granted_at,
                })
                .collect(),
        }
    }
}

/// The party's bonus credit.
#[utoipa::path(get, path = "/api/v1/parties/{id}/bonus", tag = "sales", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = Bonus), NotFound))]
pub async fn bonus(Api { state, actor }: Api, Id(id): Id<PartyId>) -> ApiResult<Json<Bonus>> {
    Ok(Json(state.app.loyalty().bonus(&actor, id).await?.into()))
}

#[derive(Deserialize, ToSchema)]
pub struct BonusInput {
    /// In cents.
    pub amount: i64,
    /// The last day it may be spent; it lasts when left out.
    pub valid_until: Option<NaiveDate>,
    pub reason: String,
}

/// Grants bonus credit by hand, with the reason.
#[utoipa::path(post, path = "/api/v1/parties/{id}/bonus", tag = "sales", security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = BonusInput,
    responses((status = 201, body = Bonus), Invalid, Forbidden, NotFound))]
pub async fn grant_bonus(
    Api { state, actor }: Api,
    Id(id): Id<PartyId>,
    ApiJson(body): ApiJson<BonusInput>,
) -> ApiResult<(StatusCode, Json<Bonus>)> {
    let draft = BonusDraft {
        amount: Money(body.amount).format_plain(),
        valid_until: body.valid_until.map(|d| d.to_string()).unwrap_or_default(),
        reason: body.reason,
    };
    let loyalty = state.app.loyalty();
    loyalty.grant_bonus(&actor, id, &draft).await?;
    Ok((StatusCode::CREATED, Json(loyalty.bonus(&actor, id).await?.into())))
}
