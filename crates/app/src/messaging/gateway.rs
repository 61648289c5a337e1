//! The message gateway [gateway de mensagens]: SMS and WhatsApp leave
//! through an HTTP endpoint the organisation points at its provider (or an
//! adapter in front of it). Each message is one signed POST, the Standard
//! Webhooks way, with the same `webhook-id` on every try so the gateway can
//! drop a repeat.
use super::smtp::SendFailure;
use crate::webhooks::{reaches_private, signature};
use crate::{Actor, AppError, Messages};
use chrono::{DateTime, Utc};
use db::repo::gateway::{self as repo, GatewayRow};
use db::repo::message::Outgoing;
use domain::ValidationErrors;
use domain::access::Permission;
use domain::audit::{AuditAction, AuditEntity};
use domain::message::GatewaySettings;
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(15);
/// How much of the gateway's answer the outbox keeps.
const ANSWER_KEPT: usize = 500;

/// The gateway's settings as a person may see them: never the secret.
#[derive(Clone, Debug)]
pub struct GatewayView {
    pub url: String,
    pub sms: bool,
    pub whatsapp: bool,
    pub version: i64,
    pub updated_at: DateTime<Utc>,
}

impl GatewayView {
    fn of(row: &GatewayRow) -> GatewayView {
        GatewayView {
            url: row.url.clone(),
            sms: row.sms,
            whatsapp: row.whatsapp,
            version: row.version,
            updated_at: row.updated_at,
        }
    }

    fn audited(&self) -> serde_json::Value {
        serde_json::json!({ "url": self.url, "sms": self.sms, "whatsapp": self.whatsapp })
    }
}

impl Messages<'_> {
    #[tracing::instrument(skip_all)]
    pub async fn gateway_settings(&self, actor: &Actor) -> Result<Option<GatewayView>, AppError> {
        actor.require(Permission::Administer)?;
        Ok(repo::get(&self.db, actor.org_id).await?.as_ref().map(GatewayView::of))
    }

    /// Saves the gateway at the `version` read (0 the first time, when the
    /// secret is required). A target on a private network needs the
    /// administrator's permission, as a webhook's does.
    #[tracing::instrument(skip_all)]
    pub async fn save_gateway_settings(
        &self,
        actor: &Actor,
        version: i64,
        settings: GatewaySettings,
    ) -> Result<GatewayView, AppError> {
        actor.require_change(Permission::Administer)?;
        let (before, private_allowed) = tokio::try_join!(
            repo::get(&self.db, actor.org_id),
            db::repo::webhook::private_allowed(&self.db, actor.org_id)
        )?;
        if settings.secret.is_none() && before.is_none() {
            return Err(ValidationErrors::single("secret", "error-required").into());
        }
        if !private_allowed && reaches_private(&settings.url).await {
            return Err(ValidationErrors::single("url", "error-webhook-private").into());
        }
        let mut change = self.change(actor).await?;
        let row = GatewayRow {
            url: settings.url.to_string(),
            secret: settings.secret.unwrap_or_default(),
            sms: settings.sms,
            whatsapp: settings.whatsapp,
            version: version + 1,
            updated_at: change.at,
        };
        if !repo::save(&mut change.tx, actor.org_id, &row, version, change.at).await? {
            let at = before.as_ref().map_or(change.at, |b| b.updated_at);
            return Err(AppError::Conflict { by: String::new(), at });
        }
        let after = GatewayView::of(&row);
        change
            .audit(
                AuditAction::Update,
                AuditEntity::MessageGateway,
                None,
                before.as_ref().map(|b| GatewayView::of(b).audited()),
                Some(after.audited()),
            )
            .await?;
        change.commit().await?;
        Ok(after)
    }

    /// Posts one message to the gateway; its answer (the first 500
    /// characters of the body) when it took it. A 4xx other than 408 and
    /// 429 is the gateway saying no for good; anything else may pass later.
    pub(super) async fn post_to_gateway(
        &self,
        gateway: &GatewayRow,
        private_allowed: bool,
        message: &Outgoing,
    ) -> Result<String, SendFailure> {
        let url = url::Url::parse(&gateway.url)
            .map_err(|e| SendFailure { permanent: true, answer: format!("gateway address: {e}") })?;
        if !private_allowed && reaches_private(&url).await {
            let answer = "refused: the gateway's address is on a private network".to_string();
            return Err(SendFailure { permanent: true, answer });
        }
        let body = serde_json::json!({
            "id": message.id,
            "channel": message.channel,
            "to": message.recipient,
            "text": message.body,
            "party_id": message.party_id,
            "organisation_id": message.org_id,
        })
        .to_string();
        let webhook_id = format!("msg_{}", message.id.simple());
        let timestamp = self.now().timestamp();
        let sent = self
            .http
            .post(url)
            .timeout(TIMEOUT)
            .header("content-type", "application/json")
            .header("webhook-id", &webhook_id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature(&gateway.secret, &webhook_id, timestamp, &body))
            .body(body)
            .send()
            .await;
        match sent {
            Ok(response) => {
                let status = response.status();
                let text = response.text().await.unwrap_or_default();
                let answer =
                    format!("{} {}", status.as_u16(), text.trim()).chars().take(ANSWER_KEPT).collect();
                if status.is_success() {
                    Ok(answer)
                } else {
                    let passing = matches!(status.as_u16(), 408 | 429) || status.is_server_error();
                    Err(SendFailure { permanent: !passing, answer })
                }
            }
            Err(error) => Err(SendFailure { permanent: false, answer: error.to_string() }),
        }
    }
}
