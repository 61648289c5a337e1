//! Signing in and out, and recognising sessions and API tokens.
use crate::Auth;
use crate::access::actor_of;
use crate::agenda::Locality;
use crate::secret::{digest, random_token};
use crate::{Actor, AppError};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng};
use db::repo::audit::NewAuditEntry;
use db::repo::{api_token, audit, session, user};
use domain::Email;
use domain::audit::{AuditAction, AuditEntity};
use domain::ids::ApiTokenId;

/// Recording every request's time would make each page view a write;
/// once a minute is precise enough for the idle timeout.
const TOUCH_EVERY_SECS: i64 = 60;

pub struct LoginInput<'a> {
    pub email: &'a str,
    pub password: &'a str,
    pub ip: Option<&'a str>,
    pub user_agent: Option<&'a str>,
}

/// A live browser session.
pub struct Session {
    pub actor: Actor,
    pub flash: Option<String>,
}

pub struct LoginSuccess {
    /// The secret for the session cookie; only its digest is stored.
    pub session_token: String,
    pub actor: Actor,
}

/// Hashes a password with Argon2id on a blocking thread: it is slow on
/// purpose and must not stall the async workers.
pub(crate) async fn hash_password(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|e| AppError::Internal(format!("password hashing failed: {e}")))
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
}

async fn verify_password(password: String, stored_hash: String) -> Result<bool, AppError> {
    tokio::task::spawn_blocking(move || {
        let parsed = PasswordHash::new(&stored_hash)
            .map_err(|e| AppError::Internal(format!("stored password hash unreadable: {e}")))?;
        Ok(Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
}

/// A valid hash of nothing anyone knows, verified when the account does
/// not exist so that the answer takes as long as for a real account.
const DECOY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$0b8Px4PH2m8v3o9xlGmX3mOZpDZ+mHkUXjmwUh1DJhE";

impl Auth<'_> {
    #[tracing::instrument(skip_all)]
    pub async fn login(&self, input: LoginInput<'_>) -> Result<LoginSuccess, AppError> {
        let user = self.checked_user(&input).await?;
        let token = random_token();
        let actor = self.access().actor_for(user, input.ip.map(str::to_string)).await?;
        let mut change = self.change(&actor).await?;
        session::insert(
            &mut change.tx,
            &session::NewSession {
                token_hash: &digest(&token),
                org_id: actor.org_id,
                user_id: actor.user_id,
                ip: input.ip,
                user_agent: input.user_agent.map(|ua| truncate(ua, 400)).as_deref(),
            },
            self.now(),
        )
        .await?;
        change.audit(AuditAction::Login, AuditEntity::Session, None, None, None).await?;
        change.commit().await?;
        Ok(LoginSuccess { session_token: token, actor })
    }

    /// Who approves, in person, something the signed-in user may not do
    /// alone (seed 002: a supervisor reopens a seller's contact with his
    /// own credentials): checked as a sign-in is — the same limits, the
    /// same audit of a failure — but no session is opened.
    pub async fn approver(&self, email: &str, password: &str, ip: Option<&str>) -> Result<Actor, AppError> {
        let input = LoginInput { email, password, ip, user_agent: None };
        let user = self.checked_user(&input).await?;
        self.access().actor_for(user, ip.map(str::to_string)).await
    }

    /// The user whose credentials these are, active; a failure is audited.
    async fn checked_user(&self, input: &LoginInput<'_>) -> Result<domain::user::User, AppError> {
        let attempt = self.limiter.begin(input.email, input.ip, self.now()).map_err(|wait| {
            AppError::RateLimited { retry_after_secs: wait.as_secs_f64().ceil().max(1.0) as u64 }
        })?;
        let found = match Email::parse(input.email) {
            Ok(email) => user::find_by_email(&self.db, &email).await?,
            Err(_) => None,
        };
        let stored_hash =
            found.as_ref().map(|u| u.password_hash.clone()).unwrap_or_else(|| DECOY_HASH.to_string());
        let password_ok = verify_password(input.password.to_string(), stored_hash).await?;

        let user = match found {
            Some(row) if password_ok && row.active => row.into_user(),
            other => {
                let mut tx = self.db.begin().await?;
                let reason = match &other {
                    None => "unknown_account",
                    Some(row) if !row.active => "disabled",
                    Some(_) => "wrong_password",
                };
                audit::insert(
                    &mut tx,
                    &NewAuditEntry {
                        org_id: other.as_ref().map(|u| domain::OrgId(u.org_id)),
                        actor_id: other.as_ref().map(|u| domain::UserId(u.id)),
                        actor_label: &truncate(input.email, 254),
                        action: AuditAction::LoginFailed.as_str(),
                        entity_type: "session",
                        entity_id: None,
                        before: None,
                        after: Some(serde_json::json!({ "reason": reason })),
                        ip: input.ip,
                    },
                    self.now(),
                )
                .await?;
                tx.commit().await?;
                return Err(AppError::InvalidCredentials);
            }
        };

        self.limiter.succeeded(attempt);
        Ok(user)
    }

    /// The actor behind a session cookie, if the session is alive: not
    /// logged out, not idle or older than the limits, its user enabled.
    pub async fn session_actor(&self, token: &str, ip: Option<&str>) -> Result<Option<Actor>, AppError> {
        Ok(self.session(token, ip).await?.map(|session| session.actor))
    }

    /// A live session: its actor and the one-time message left for its
    /// next page, read with it so that a page view costs no extra query.
    #[tracing::instrument(skip_all)]
    pub async fn session(&self, token: &str, ip: Option<&str>) -> Result<Option<Session>, AppError> {
        let hash = digest(token);
        let Some((found, roles)) = session::find(&self.db, &hash).await? else {
            return Ok(None);
        };
        let now = self.now();
        let expired = now - found.session_last_seen_at > self.settings.session_idle
            || now - found.session_created_at > self.settings.session_absolute;
        if expired || !found.user.active {
            let mut tx = self.db.begin().await?;
            session::delete(&mut tx, &hash).await?;
            tx.commit().await?;
            return Ok(None);
        }
        if (now - found.session_last_seen_at).num_seconds() >= TOUCH_EVERY_SECS {
            let mut tx = self.db.begin().await?;
            session::touch(&mut tx, &hash, now).await?;
            tx.commit().await?;
        }
        let locality = Locality::from_row(&found.locality);
        let actor = actor_of(found.user.into_user(), roles, locality, ip.map(str::to_string));
        Ok(Some(Session { actor, flash: found.flash }))
    }

    /// Leaves a one-time message (opaque to the use cases) for the
    /// session's next page, or clears it with `None` once shown.
    #[tracing::instrument(skip_all)]
    pub async fn set_flash(&self, session_token: &str, flash: Option<&str>) -> Result<(), AppError> {
        let mut tx = self.db.begin().await?;
        session::set_flash(&mut tx, &digest(session_token), flash).await?;
        tx.commit().await?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    pub async fn logout(&self, actor: &Actor, session_token: &str) -> Result<(), AppError> {
        let mut change = self.change(actor).await?;
        session::delete(&mut change.tx, &digest(session_token)).await?;
        change.audit(AuditAction::Logout, AuditEntity::Session, None, None, None).await?;
        change.commit().await?;
        Ok(())
    }

    /// The actor behind an API token; a disabled user's tokens stop working.
    #[tracing::instrument(skip_all)]
    pub async fn token_actor(&self, token: &str, ip: Option<&str>) -> Result<Option<Actor>, AppError> {
        let Some((found, roles)) = api_token::find_live(&self.db, &digest(token)).await? else {
            return Ok(None);
        };
        if !found.user.active {
            return Ok(None);
        }
        let now = self.now();
        let stale = found.token_last_used_at.is_none_or(|t| (now - t).num_seconds() >= TOUCH_EVERY_SECS);
        if stale {
            let mut tx = self.db.begin().await?;
            api_token::mark_used(&mut tx, ApiTokenId(found.token_id), now).await?;
            tx.commit().await?;
        }
        let locality = Locality::from_row(&found.locality);
        Ok(Some(actor_of(found.user.into_user(), roles, locality, ip.map(str::to_string))))
    }
}

fn truncate(value: &str, max_chars: usize) -> String {
    value.chars().take(max_chars).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoy_hash_parses() {
        assert!(PasswordHash::new(DECOY_HASH).is_ok());
    }
}
