//! The relationship engine over the API: a segment's count (and per
//! consent channel) and its customers, sorted and paged; saved segments.
use super::responses::{Forbidden, Invalid, NotFound};
use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{Api, ApiJson, Id, Query};
use app::engine::{EngineCount, EngineLine, GridView, SavedSegment};
use axum::Router;
use axum::http::StatusCode;
use axum::response::Json;
use axum::routing;
use chrono::{DateTime, Utc};
use domain::ValidationErrors;
use domain::engine::{EngineField, EngineSort, PurchaseWindow, Removal, Segment};
use domain::filter::Filter;
use domain::occurrence::OccurrenceDraft;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/engine/count", routing::post(count))
        .route("/engine/results", routing::post(results))
        .route("/engine/segments", routing::get(segments).post(save_segment))
        .route("/engine/segments/{id}", routing::get(segment).delete(delete_segment))
        .route("/engine/segments/{id}/count", routing::get(segment_count))
        .route("/engine/segments/{id}/duplicate", routing::post(duplicate_segment))
        .route("/engine/customers/{id}/occurrences", routing::post(register_occurrence))
        .route("/engine/reports/occurrences", routing::get(occurrence_report))
}

#[derive(OpenApi)]
#[openapi(
    paths(
        count,
        results,
        segments,
        save_segment,
        segment,
        segment_count,
        duplicate_segment,
        delete_segment,
        register_occurrence,
        occurrence_report
    ),
    components(schemas(EngineSort))
)]
pub struct Doc;

/// How many customers the segment selects, and how many of them allow
/// each channel. Needs the relationship engine's right; counts only the
/// customers the caller's access reaches.
#[utoipa::path(post, path = "/api/v1/engine/count", tag = "engine", security(("bearer" = [])),
    request_body = SegmentBody, responses((status = 200, body = Counts), Invalid, Forbidden))]
pub async fn count(
    Api { state, actor }: Api,
    ApiJson(body): ApiJson<SegmentBody>,
) -> ApiResult<Json<Counts>> {
    let segment = body.segment()?;
    Ok(Json(state.app.engine().count(&actor, &segment).await?.into()))
}

/// The customers the segment selects, 50 a page, sorted by `sort`
/// (customers without a value last), with the count.
#[utoipa::path(post, path = "/api/v1/engine/results", tag = "engine", security(("bearer" = [])),
    params(GridQuery), request_body = SegmentBody,
    responses((status = 200, body = Results), Invalid, Forbidden))]
pub async fn results(
    Api { state, actor }: Api,
    Query(query): Query<GridQuery>,
    ApiJson(body): ApiJson<SegmentBody>,
) -> ApiResult<Json<Results>> {
    let segment = body.segment()?;
    let view = GridView {
        sort: query.sort.unwrap_or(EngineSort::Name),
        descending: query.desc.unwrap_or(false),
        page: query.page.unwrap_or(1),
    };
    let found = state.app.engine().results(&actor, &segment, view).await?;
    Ok(Json(Results {
        count: found.count.into(),
        customers: found.lines.into_iter().map(Into::into).collect(),
        page: found.page,
        has_next: found.has_next,
    }))
}

/// The segments the caller may open: his own and the shared ones, by name.
#[utoipa::path(get, path = "/api/v1/engine/segments", tag = "engine", security(("bearer" = [])),
    responses((status = 200, body = Vec<SegmentView>), Forbidden))]
pub async fn segments(Api { state, actor }: Api) -> ApiResult<Json<Vec<SegmentView>>> {
    let saved = state.app.engine().segments(&actor).await?;
    Ok(Json(saved.into_iter().map(SegmentView::from).collect()))
}

/// Saves a segment under a name, the caller's own or shared with the
/// organisation. A shared segment shares the question: each reader counts
/// the customers his access reaches.
#[utoipa::path(post, path = "/api/v1/engine/segments", tag = "engine", security(("bearer" = [])),
    request_body = NewSegmentBody, responses((status = 201, body = SegmentView), Invalid, Forbidden))]
pub async fn save_segment(
    Api { state, actor }: Api,
    ApiJson(body): ApiJson<NewSegmentBody>,
) -> ApiResult<(StatusCode, Json<SegmentView>)> {
    let segment = body.segment.segment()?;
    let saved = state.app.engine().save_segment(&actor, &body.name, body.shared, &segment).await?;
    Ok((StatusCode::CREATED, Json(saved.into())))
}

/// A segment the caller may open.
#[utoipa::path(get, path = "/api/v1/engine/segments/{id}", tag = "engine", security(("bearer" = [])),
    params(("id" = Uuid, Path)), responses((status = 200, body = SegmentView), Forbidden, NotFound))]
pub async fn segment(Api { state, actor }: Api, Id(id): Id<Uuid>) -> ApiResult<Json<SegmentView>> {
    Ok(Json(state.app.engine().segment(&actor, id).await?.into()))
}

/// A saved segment's count today, within the caller's access.
#[utoipa::path(get, path = "/api/v1/engine/segments/{id}/count", tag = "engine", security(("bearer" = [])),
    params(("id" = Uuid, Path)), responses((status = 200, body = Counts), Forbidden, NotFound))]
pub async fn segment_count(Api { state, actor }: Api, Id(id): Id<Uuid>) -> ApiResult<Json<Counts>> {
    let engine = state.app.engine();
    let saved = engine.segment(&actor, id).await?;
    Ok(Json(engine.count(&actor, &saved.segment).await?.into()))
}

/// A private copy of a segment the caller may open, under a new name.
#[utoipa::path(post, path = "/api/v1/engine/segments/{id}/duplicate", tag = "engine",
    security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = DuplicateBody,
    responses((status = 201, body = SegmentView), Invalid, Forbidden, NotFound))]
pub async fn duplicate_segment(
    Api { state, actor }: Api,
    Id(id): Id<Uuid>,
    ApiJson(body): ApiJson<DuplicateBody>,
) -> ApiResult<(StatusCode, Json<SegmentView>)> {
    let copy = state.app.engine().duplicate_segment(&actor, id, &body.name).await?;
    Ok((StatusCode::CREATED, Json(copy.into())))
}

/// Deletes a segment: one's own, or a shared one for an administrator.
#[utoipa::path(delete, path = "/api/v1/engine/segments/{id}", tag = "engine", security(("bearer" = [])),
    params(("id" = Uuid, Path)), responses((status = 204), Forbidden, NotFound))]
pub async fn delete_segment(Api { state, actor }: Api, Id(id): Id<Uuid>) -> ApiResult<StatusCode> {
    state.app.engine().delete_segment(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Records a telemarketing occurrence on a customer the caller may read:
/// its type (an interaction nature), channel, result, notes and perhaps
/// the next contact, which books a call on the caller's agenda. It counts
/// as the customer's last contact (and last call, by phone).
#[utoipa::path(post, path = "/api/v1/engine/customers/{id}/occurrences", tag = "engine",
    security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = OccurrenceDraft,
    responses((status = 201, body = RegisteredOccurrence), Invalid, Forbidden, NotFound))]
pub async fn register_occurrence(
    Api { state, actor }: Api,
    Id(id): Id<Uuid>,
    ApiJson(body): ApiJson<OccurrenceDraft>,
) -> ApiResult<(StatusCode, Json<RegisteredOccurrence>)> {
    let registered = state.app.engine().register_occurrence(&actor, domain::PartyId(id), &body).await?;
    Ok((
        StatusCode::CREATED,
        Json(RegisteredOccurrence {
            occurrence: registered.occurrence.try_into()?,
            call_back: registered.call_back.map(TryInto::try_into).transpose()?,
            double_booked: registered.double_booked,
        }),
    ))
}

/// "Relatórios > Ocorrências": the period's telemarketing occurrences per
/// local day and per type, and each agent's performance — customers
/// contacted, those who bought within `invoice_days` after one of his
/// contacts (cancelled sales do not count), and the revenue of those sales.
#[utoipa::path(get, path = "/api/v1/engine/reports/occurrences", tag = "engine",
    security(("bearer" = [])), params(ReportParams),
    responses((status = 200, body = OccurrenceReportView), Invalid, Forbidden))]
pub async fn occurrence_report(
    Api { state, actor }: Api,
    Query(params): Query<ReportParams>,
) -> ApiResult<Json<OccurrenceReportView>> {
    let query = app::engine::ReportQuery {
        period: domain::occurrence::ReportPeriod {
            from: params.from,
            to: params.to,
            invoice_days: params.invoice_days.unwrap_or(30),
        },
        agent: params.agent,
    };
    let report = state.app.engine().occurrence_report(&actor, &query).await?;
    Ok(Json(OccurrenceReportView {
        total: report.total,
        days: report
            .days
            .into_iter()
            .map(|d| ReportDay { day: d.day, total: d.total, by_kind: d.by_kind.into_iter().collect() })
            .collect(),
        kinds: report.kinds.into_iter().collect(),
        agents: report
            .agents
            .into_iter()
            .map(|line| AgentView {
                agent_id: line.performance.agent,
                name: line.name,
                contacts: line.performance.contacts,
                customers: line.performance.customers,
                invoiced: line.performance.invoiced,
                sales: line.performance.sales,
                revenue: line.performance.revenue,
            })
            .collect(),
    }))
}

// The public JSON of this capability.

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportParams {
    /// First local day, `YYYY-MM-DD`.
    pub from: chrono::NaiveDate,
    /// Last local day (at most a year after `from`).
    pub to: chrono::NaiveDate,
    /// One agent's contacts only.
    pub agent: Option<Uuid>,
    /// How many days after a contact a sale still counts (30 when absent).
    #[param(minimum = 1, maximum = 365)]
    pub invoice_days: Option<u32>,
}

#[derive(Serialize, ToSchema)]
pub struct OccurrenceReportView {
    pub total: i64,
    /// Every day of the period, those without contacts too.
    pub days: Vec<ReportDay>,
    /// Contacts per type (interaction nature).
    pub kinds: std::collections::BTreeMap<String, i64>,
    pub agents: Vec<AgentView>,
}

#[derive(Serialize, ToSchema)]
pub struct ReportDay {
    pub day: chrono::NaiveDate,
    pub total: i64,
    pub by_kind: std::collections::BTreeMap<String, i64>,
}

#[derive(Serialize, ToSchema)]
pub struct AgentView {
    pub agent_id: Uuid,
    pub name: String,
    pub contacts: i64,
    pub customers: i64,
    pub invoiced: i64,
    pub sales: i64,
    /// Cents.
    pub revenue: i64,
}

/// An occurrence as recorded, and the call it booked.
#[derive(Serialize, ToSchema)]
pub struct RegisteredOccurrence {
    pub occurrence: super::interactions::Interaction,
    pub call_back: Option<super::agenda::Appointment>,
    /// The caller already had an appointment at the call back's time.
    pub double_booked: bool,
}

#[derive(Deserialize, ToSchema)]
pub struct NewSegmentBody {
    #[schema(min_length = 1, max_length = 60)]
    pub name: String,
    #[serde(default)]
    pub shared: bool,
    pub segment: SegmentBody,
}

#[derive(Deserialize, ToSchema)]
pub struct DuplicateBody {
    /// The copy's name.
    #[schema(min_length = 1, max_length = 60)]
    pub name: String,
}

/// A saved segment.
#[derive(Serialize, ToSchema)]
pub struct SegmentView {
    pub id: Uuid,
    pub name: String,
    pub shared: bool,
    pub owner_name: String,
    /// Whether the caller may delete it.
    pub deletable: bool,
    pub created_at: DateTime<Utc>,
    /// The question, as `POST /api/v1/engine/count` takes it.
    #[schema(value_type = Object)]
    pub segment: serde_json::Value,
}

impl From<SavedSegment> for SegmentView {
    fn from(saved: SavedSegment) -> SegmentView {
        SegmentView {
            id: saved.id,
            segment: serde_json::to_value(&saved.segment).unwrap_or_default(),
            name: saved.name,
            shared: saved.shared,
            owner_name: saved.owner_name,
            deletable: saved.deletable,
            created_at: saved.created_at,
        }
    }
}

/// A question to the engine.
#[derive(Deserialize, ToSchema)]
pub struct SegmentBody {
    /// The purchases the purchase clauses read: stores (none: all) and period.
    #[serde(default)]
    pub window: PurchaseWindow,
    /// The clauses, as a tree (`EngineFilter`); none: every customer.
    #[schema(value_type = Option<EngineFilter>)]
    #[serde(default)]
    pub filter: Option<serde_json::Value>,
    /// Leave out customers who had an operation in a period.
    #[serde(default)]
    pub remove: Vec<Removal>,
    /// At most this many customers, the first by name (1 to 1,000,000).
    #[schema(minimum = 1, maximum = 1000000)]
    pub limit: Option<u32>,
}

/// The engine's clauses as a tree, described from the fields' kinds.
pub struct EngineFilter;

impl utoipa::PartialSchema for EngineFilter {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        super::filter_schema::filter_schema::<EngineField>(
            "EngineFilter",
            "`{\"all\": […]}`, `{\"any\": […]}`, `{\"not\": …}` over `{\"field\": …, <test>: …}`. \
             Within the window: `purchase_count`, `total_bought`, `largest_purchase` (cents), \
             `last_purchase` (a range with only `to` is \"has not bought since\"), `sale_seller`, \
             `product_group`, `product_brand`, `product_line` (names), `stores_with_sales`, \
             `stores_without_sales` (store ids). `birthday` and `spouse_birthday` are `MM-DD` \
             (a range may cross the year's end); `phone` is the digits it contains; \
             `revolving_credit` and `available_credit` are cents; `days_overdue` and \
             `average_delay` days; `consent_*` what the customer let the store send.",
        )
    }
}

impl ToSchema for EngineFilter {}

impl SegmentBody {
    fn segment(self) -> Result<Segment, ValidationErrors> {
        let filter = match self.filter {
            None => Filter::all(Vec::new()),
            Some(tree) => serde_json::from_value::<Filter<EngineField>>(tree)
                .map_err(|_| ValidationErrors::single("filter", "error-filter-invalid"))?,
        };
        Ok(Segment { window: self.window, filter, remove: self.remove, limit: self.limit })
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GridQuery {
    /// `name` (default), `last_contact`, `days_overdue`, `points`,
    /// `total_bought` or `last_purchase`.
    pub sort: Option<EngineSort>,
    /// Descending.
    pub desc: Option<bool>,
    /// 1 (default) and on.
    #[param(minimum = 1, maximum = 10000)]
    pub page: Option<u32>,
}

#[derive(Serialize, ToSchema)]
pub struct Counts {
    pub total: i64,
    pub sms_whatsapp: i64,
    pub email: i64,
    pub phone: i64,
    pub letter: i64,
}

impl From<EngineCount> for Counts {
    fn from(count: EngineCount) -> Counts {
        Counts {
            total: count.total,
            sms_whatsapp: count.sms_whatsapp,
            email: count.email,
            phone: count.phone,
            letter: count.letter,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct Results {
    pub count: Counts,
    pub customers: Vec<FoundCustomer>,
    pub page: u32,
    pub has_next: bool,
}

/// A customer found, with what the grid shows of him.
#[derive(Serialize, ToSchema)]
pub struct FoundCustomer {
    pub id: Uuid,
    pub version: i64,
    pub name: String,
    /// The first two, in E.164.
    pub phones: Vec<String>,
    pub last_contact: Option<DateTime<Utc>>,
    pub days_overdue: i64,
    pub points: i64,
    /// Cents, all time.
    pub total_bought: i64,
    pub last_purchase: Option<DateTime<Utc>>,
    pub consent_sms_whatsapp: bool,
    pub consent_email: bool,
    pub consent_phone: bool,
    pub consent_letter: bool,
}

impl From<EngineLine> for FoundCustomer {
    fn from(line: EngineLine) -> FoundCustomer {
        FoundCustomer {
            id: line.id.0,
            version: line.version,
            name: line.name,
            phones: line.phones,
            last_contact: line.last_contact,
            days_overdue: line.days_overdue,
            points: line.points,
            total_bought: line.total_bought.0,
            last_purchase: line.last_purchase,
            consent_sms_whatsapp: line.consent_sms_whatsapp,
            consent_email: line.consent_email,
            consent_phone: line.consent_phone,
            consent_letter: line.consent_letter,
        }
    }
}
