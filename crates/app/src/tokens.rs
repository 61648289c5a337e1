//! API tokens a user creates for machines that call the API on his behalf.
use crate::Tokens;
use crate::secret::{digest, random_token};
use crate::{Actor, AppError};
use db::repo::api_token;
use domain::ValidationErrors;
use domain::audit::{AuditAction, AuditEntity};
use domain::ids::ApiTokenId;

/// Tokens start with a recognisable prefix so a leaked one is easy to
/// find in logs and repositories.
pub const TOKEN_PREFIX: &str = "vnc_";

/// An API token as its owner sees it: never its secret.
pub type ApiTokenInfo = api_token::ApiTokenRow;

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
        change.audit_created(AuditEntity::ApiToken, id, serde_json::json!({ "name": name })).await?;
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
        Ok(api_token::list_for_user(&self.db, actor.org_id, actor.user_id).await?)
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
