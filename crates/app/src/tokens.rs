//! API tokens a user creates for machines that call the API on his behalf.
use crate::Tokens;
use crate::secret::{digest, random_token};
use crate::{Actor, AppError};
use db::repo::api_token;
use domain::ValidationErrors;
use domain::audit::{AuditAction, AuditEntity};
use domain::ids::ApiTokenId;
use serde::Serialize;

/// Tokens start with a recognisable prefix so a leaked one is easy to
/// find in logs and repositories.
pub const TOKEN_PREFIX: &str = "vnc_";

#[derive(Clone, Debug, Serialize)]
pub struct ApiTokenInfo {
    pub id: uuid::Uuid,
    pub name: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub last_used_at: Option<chrono::DateTime<chrono::Utc>>,
    pub revoked_at: Option<chrono::DateTime<chrono::Utc>>,
}

pub struct CreatedToken {
    /// Shown once; only its digest is kept.
    pub secret: String,
    pub info: ApiTokenInfo,
}

impl Tokens<'_> {
    #[tracing::instrument(skip_all)]
    pub async fn create_api_token(&self, actor: &Actor, name: &str) -> Result<CreatedToken, AppError> {
        actor.require_own_change()?;
        let name = name.trim();
        if name.is_empty() {
            return Err(ValidationErrors::single("name", "error-required").into());
        }
        if name.chars().count() > 80 {
            return Err(ValidationErrors::single("name", "error-too-long").into());
        }
        let secret = format!("{TOKEN_PREFIX}{}", random_token());
        let id = ApiTokenId::new();
        let created_at = self.now();
        let mut change = self.change(actor).await?;
        api_token::insert(
            &mut change.tx,
            &api_token::NewApiToken {
                id,
                org_id: actor.org_id,
                user_id: actor.user_id,
                name,
                token_hash: &digest(&secret),
            },
            created_at,
        )
        .await?;
        change
            .audit(
                AuditAction::Create,
                AuditEntity::ApiToken,
                Some(id.to_string()),
                None,
                Some(serde_json::json!({ "name": name })),
            )
            .await?;
        change.commit().await?;
        Ok(CreatedToken {
            secret,
            info: ApiTokenInfo {
                id: id.0,
                name: name.to_string(),
                created_at,
                last_used_at: None,
                revoked_at: None,
            },
        })
    }

    #[tracing::instrument(skip_all)]
    pub async fn list_api_tokens(&self, actor: &Actor) -> Result<Vec<ApiTokenInfo>, AppError> {
        Ok(api_token::list_for_user(&self.db, actor.org_id, actor.user_id)
            .await?
            .into_iter()
            .map(|row| ApiTokenInfo {
                id: row.id,
                name: row.name,
                created_at: row.created_at,
                last_used_at: row.last_used_at,
                revoked_at: row.revoked_at,
            })
            .collect())
    }

    #[tracing::instrument(skip_all)]
    pub async fn revoke_api_token(&self, actor: &Actor, id: ApiTokenId) -> Result<(), AppError> {
        actor.require_own_change()?;
        let mut change = self.change(actor).await?;
        if !api_token::revoke(&mut change.tx, actor.org_id, actor.user_id, id, self.now()).await? {
            return Err(AppError::NotFound);
        }
        change.audit(AuditAction::Delete, AuditEntity::ApiToken, Some(id.to_string()), None, None).await?;
        change.commit().await?;
        Ok(())
    }
}
