//! Webhooks over the API: subscriptions (the secret in the answer that
//! makes one, never again), the delivery log and sending one again. Each
//! call to a subscriber carries `webhook-id`, `webhook-timestamp` and
//! `webhook-signature: v1,<base64 HMAC-SHA256 of id.timestamp.body>` under
//! the secret's key (the base64 after `whsec_`), and a JSON body
//! `{"type": "party.<kind>", "timestamp", "data": {"party_id", "action",
//! "detail", "subject_id", "by"}}`.
use super::responses::{Forbidden, Invalid, NotFound};
use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{Api, ApiJson, Id, Query};
use axum::Router;
use axum::http::StatusCode;
use axum::response::Json;
use axum::routing;
use chrono::{DateTime, Utc};
use domain::webhook::{DeliveryState, SubscriptionDraft};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/webhooks", routing::get(list).post(subscribe))
        .route("/webhooks/{id}", routing::delete(unsubscribe))
        .route("/webhook-deliveries", routing::get(deliveries))
        .route("/webhook-deliveries/{id}/redeliver", routing::post(redeliver))
        .route("/settings/webhooks", routing::put(settings))
}

#[derive(OpenApi)]
#[openapi(paths(list, subscribe, unsubscribe, deliveries, redeliver, settings))]
pub struct Doc;

#[utoipa::path(get, path = "/api/v1/webhooks", tag = "messages", security(("bearer" = [])),
    responses((status = 200, body = WebhookList), Forbidden))]
pub async fn list(Api { state, actor }: Api) -> ApiResult<Json<WebhookList>> {
    let (subscriptions, allow_private) = state.app.webhooks().subscriptions(&actor).await?;
    Ok(Json(WebhookList {
        allow_private,
        subscriptions: subscriptions.into_iter().map(Webhook::from).collect(),
    }))
}

/// Subscribes a URL to kinds of party movement (`registration`, `consent`,
/// `note`, `vehicle`, `interaction`, `appointment`, `message`). An address
/// on a private network is `422` unless the organisation allows them.
#[utoipa::path(post, path = "/api/v1/webhooks", tag = "messages", security(("bearer" = [])), request_body = WebhookDraft,
    responses((status = 201, body = CreatedWebhook), Invalid, Forbidden))]
pub async fn subscribe(
    Api { state, actor }: Api,
    ApiJson(body): ApiJson<WebhookDraft>,
) -> ApiResult<(StatusCode, Json<CreatedWebhook>)> {
    let draft = SubscriptionDraft::parse(&body.url, body.events.iter().map(String::as_str))?;
    let (subscription, secret) = state.app.webhooks().subscribe(&actor, draft).await?;
    Ok((StatusCode::CREATED, Json(CreatedWebhook { webhook: subscription.into(), secret })))
}

#[utoipa::path(delete, path = "/api/v1/webhooks/{id}", tag = "messages", security(("bearer" = [])),
    params(("id" = Uuid, Path)), responses((status = 204), NotFound, Forbidden))]
pub async fn unsubscribe(Api { state, actor }: Api, Id(id): Id<Uuid>) -> ApiResult<StatusCode> {
    state.app.webhooks().unsubscribe(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeliveryParams {
    /// Only this subscription's deliveries.
    subscription_id: Option<Uuid>,
}

/// The newest 50 deliveries, with the receiver's answer.
#[utoipa::path(get, path = "/api/v1/webhook-deliveries", tag = "messages", security(("bearer" = [])), params(DeliveryParams),
    responses((status = 200, body = Vec<Delivery>), Forbidden))]
pub async fn deliveries(
    Api { state, actor }: Api,
    Query(params): Query<DeliveryParams>,
) -> ApiResult<Json<Vec<Delivery>>> {
    let found = state.app.webhooks().deliveries(&actor, params.subscription_id).await?;
    Ok(Json(found.into_iter().map(Delivery::try_from).collect::<Result<_, _>>()?))
}

#[utoipa::path(post, path = "/api/v1/webhook-deliveries/{id}/redeliver", tag = "messages", security(("bearer" = [])),
    params(("id" = Uuid, Path)), responses((status = 204), NotFound, Forbidden))]
pub async fn redeliver(Api { state, actor }: Api, Id(id): Id<Uuid>) -> ApiResult<StatusCode> {
    state.app.webhooks().redeliver(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Whether webhooks may call addresses on this machine or a private network.
#[utoipa::path(put, path = "/api/v1/settings/webhooks", tag = "messages", security(("bearer" = [])),
    request_body = WebhookSettings, responses((status = 204), Forbidden))]
pub async fn settings(
    Api { state, actor }: Api,
    ApiJson(body): ApiJson<WebhookSettings>,
) -> ApiResult<StatusCode> {
    state.app.webhooks().allow_private(&actor, body.allow_private).await?;
    Ok(StatusCode::NO_CONTENT)
}

// The public JSON of this capability.

#[derive(Deserialize, ToSchema)]
pub struct WebhookDraft {
    #[schema(min_length = 1)]
    pub url: String,
    pub events: Vec<String>,
}

#[derive(Deserialize, ToSchema)]
pub struct WebhookSettings {
    pub allow_private: bool,
}

#[derive(Serialize, ToSchema)]
pub struct Webhook {
    pub id: Uuid,
    pub url: String,
    pub events: Vec<String>,
    pub created_at: DateTime<Utc>,
}

impl From<app::webhooks::SubscriptionView> for Webhook {
    fn from(view: app::webhooks::SubscriptionView) -> Webhook {
        Webhook { id: view.id, url: view.url, events: view.events, created_at: view.created_at }
    }
}

#[derive(Serialize, ToSchema)]
pub struct WebhookList {
    pub allow_private: bool,
    pub subscriptions: Vec<Webhook>,
}

#[derive(Serialize, ToSchema)]
pub struct CreatedWebhook {
    pub webhook: Webhook,
    /// `whsec_…`: shown this once.
    pub secret: String,
}

#[derive(Serialize, ToSchema)]
pub struct Delivery {
    pub id: Uuid,
    pub subscription_id: Uuid,
    pub url: String,
    pub event_type: String,
    pub payload: String,
    pub state: DeliveryState,
    pub attempts: i32,
    pub response_status: Option<i32>,
    pub response_excerpt: String,
    pub created_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
}

impl TryFrom<app::webhooks::DeliveryView> for Delivery {
    type Error = crate::error::Error;

    fn try_from(row: app::webhooks::DeliveryView) -> Result<Delivery, Self::Error> {
        Ok(Delivery {
            state: super::code(&row.state)?,
            id: row.id,
            subscription_id: row.subscription_id,
            url: row.url,
            event_type: row.event_type,
            payload: row.payload,
            attempts: row.attempts,
            response_status: row.response_status,
            response_excerpt: row.response_excerpt,
            created_at: row.created_at,
            delivered_at: row.delivered_at,
        })
    }
}
