//! Managing the organisation's users [usuários].
use crate::Users;
use crate::auth::hash_password;
use crate::change::By;
use crate::{Actor, AppError};
use db::DbError;
use db::repo::{session, user};
use domain::audit::{AuditAction, AuditEntity};
use domain::user::{NewPassword, Role, Theme, User, parse_display_name};
use domain::{Email, Locale, UserId, ValidationErrors};
use serde::Deserialize;

/// What a person types to create a user; every field is raw text.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct NewUserInput {
    #[schema(min_length = 1)]
    pub email: String,
    #[schema(min_length = 1)]
    pub display_name: String,
    /// At least ten characters.
    #[schema(min_length = 10, max_length = 256)]
    pub password: String,
    /// `admin` or `member`: the starting roles (administrator, or account
    /// manager). With `role_ids`, it may be left out: administrator when
    /// one of them administers.
    #[serde(default)]
    pub role: String,
    /// Roles of the organisation (`GET /api/v1/roles`) to give instead of
    /// the starting ones.
    #[serde(default)]
    pub role_ids: Vec<uuid::Uuid>,
    /// The branch the user works in.
    #[serde(default)]
    pub branch_id: Option<uuid::Uuid>,
    /// `pt-BR`, `en` or `pt-PT`; the organisation's default when empty.
    #[serde(default)]
    pub locale: Option<String>,
}

pub(crate) fn audit_view(user: &User) -> serde_json::Value {
    serde_json::json!({
        "email": user.email.as_str(),
        "display_name": user.display_name,
        "role": user.role.as_str(),
        "locale": user.locale.tag(),
        "theme": user.theme.as_str(),
        "active": user.active,
    })
}

impl Users<'_> {
    /// Creates a user in the actor's organisation. Administrators only.
    #[tracing::instrument(skip_all)]
    pub async fn create_user(&self, actor: &Actor, input: NewUserInput) -> Result<User, AppError> {
        actor.require_admin()?;
        self.insert_user(actor.org_id, Some(actor), input).await
    }

    /// Validates and stores a new user; `actor` is `None` when the server's
    /// operator does it from the command line.
    pub(crate) async fn insert_user(
        &self,
        org_id: domain::OrgId,
        actor: Option<&Actor>,
        input: NewUserInput,
    ) -> Result<User, AppError> {
        let mut errors = ValidationErrors::new();
        let email = errors.check("email", Email::parse(&input.email));
        let name = errors.check("display_name", parse_display_name(&input.display_name));
        let password = errors.check("password", NewPassword::parse(&input.password));
        let chosen = match actor {
            Some(_) => {
                self.access().chosen_assignment(org_id, input.branch_id, &input.role_ids, &mut errors).await?
            }
            None => None,
        };
        let role = match (input.role.trim(), chosen) {
            ("", Some(administers)) => Some(if administers { Role::Admin } else { Role::Member }),
            (text, _) => errors.check("role", Role::parse(text)),
        };
        let locale = match input.locale.as_deref().filter(|l| !l.is_empty()) {
            Some(tag) => errors.check("locale", Locale::parse(tag).ok_or("error-locale-invalid")),
            None => Some(Locale::default()),
        };
        let (Some(email), Some(name), Some(password), Some(role), Some(locale), true) =
            (email, name, password, role, locale, errors.is_empty())
        else {
            return Err(errors.into());
        };
        let password_hash = hash_password(password.expose().to_string()).await?;
        let id = UserId::new();
        let by = actor.map_or(By::Operator(org_id), By::Actor);
        let mut change = self.change_by(by).await?;
        let inserted = user::insert(
            &mut change.tx,
            &user::NewUser {
                id,
                org_id,
                email: &email,
                display_name: &name,
                password_hash: &password_hash,
                role,
                locale,
                created_by: actor.map(|a| a.user_id),
            },
            self.now(),
        )
        .await;
        match inserted {
            Err(DbError::Duplicate(_)) => {
                return Err(AppError::Taken(ValidationErrors::single("email", "error-email-taken")));
            }
            other => other?,
        }
        crate::access::give_starting_role(&mut change.tx, org_id, id, role, change.at).await?;
        if chosen.is_some() {
            let roles: Vec<domain::RoleId> = input.role_ids.iter().copied().map(domain::RoleId).collect();
            let branch = input.branch_id.map(domain::BranchId);
            crate::access::assign_in(&mut change.tx, org_id, id, branch, &roles).await?;
        }
        let created =
            user::get_in_tx(&mut change.tx, org_id, id).await?.ok_or(AppError::NotFound)?.into_user();
        let after = Some(audit_view(&created));
        change.audit(AuditAction::Create, AuditEntity::User, Some(id.to_string()), None, after).await?;
        change.commit().await?;
        Ok(created)
    }

    #[tracing::instrument(skip_all)]
    pub async fn list_users(&self, actor: &Actor) -> Result<Vec<User>, AppError> {
        actor.require_admin()?;
        Ok(user::list(&self.db, actor.org_id).await?.into_iter().map(|r| r.into_user()).collect())
    }

    #[tracing::instrument(skip_all)]
    pub async fn get_user(&self, actor: &Actor, id: UserId) -> Result<User, AppError> {
        if id != actor.user_id {
            actor.require_admin()?;
        }
        Ok(user::get(&self.db, actor.org_id, id).await?.ok_or(AppError::NotFound)?.into_user())
    }

    /// Enables or disables a user. Disabling ends the user's sessions at
    /// once; an administrator cannot disable himself (and lock everyone out).
    #[tracing::instrument(skip_all)]
    pub async fn set_user_active(
        &self,
        actor: &Actor,
        id: UserId,
        expected_version: i64,
        active: bool,
    ) -> Result<User, AppError> {
        actor.require_admin()?;
        if id == actor.user_id && !active {
            return Err(ValidationErrors::single("active", "error-cannot-disable-self").into());
        }
        let changes = user::UserChanges { active: Some(active), ..Default::default() };
        let updated = self.update_user(actor, id, expected_version, &changes).await?;
        Ok(updated)
    }

    /// The actor's own language choice.
    #[tracing::instrument(skip_all)]
    pub async fn set_own_locale(&self, actor: &Actor, locale: Locale) -> Result<User, AppError> {
        self.change_own(actor, &user::UserChanges { locale: Some(locale), ..Default::default() }).await
    }

    /// The user's own choice of light or dark screens.
    pub async fn set_own_theme(&self, actor: &Actor, theme: Theme) -> Result<User, AppError> {
        self.change_own(actor, &user::UserChanges { theme: Some(theme), ..Default::default() }).await
    }

    /// A preference is the user's own: it applies to the latest version
    /// of the account, never conflicting with an administrator's edit.
    async fn change_own(&self, actor: &Actor, changes: &user::UserChanges<'_>) -> Result<User, AppError> {
        actor.require_own_change()?;
        let current = user::get(&self.db, actor.org_id, actor.user_id).await?.ok_or(AppError::NotFound)?;
        self.update_user(actor, actor.user_id, current.version, changes).await
    }

    /// One path for every user edit: version check, audit, session end on disable.
    async fn update_user(
        &self,
        actor: &Actor,
        id: UserId,
        expected_version: i64,
        changes: &user::UserChanges<'_>,
    ) -> Result<User, AppError> {
        let mut change = self.change(actor).await?;
        let before =
            user::get_in_tx(&mut change.tx, actor.org_id, id).await?.ok_or(AppError::NotFound)?.into_user();
        if !user::update(
            &mut change.tx,
            actor.org_id,
            id,
            expected_version,
            changes,
            Some(actor.user_id),
            self.now(),
        )
        .await?
        {
            let (by, at) =
                user::last_change(&mut change.tx, actor.org_id, id).await?.ok_or(AppError::NotFound)?;
            return Err(AppError::Conflict { by, at });
        }
        let after =
            user::get_in_tx(&mut change.tx, actor.org_id, id).await?.ok_or(AppError::NotFound)?.into_user();
        if !after.active {
            session::delete_for_user(&mut change.tx, id).await?;
        }
        let action = if before.active != after.active || before.role != after.role {
            AuditAction::PermissionChange
        } else {
            AuditAction::Update
        };
        change
            .audit(
                action,
                AuditEntity::User,
                Some(id.to_string()),
                Some(audit_view(&before)),
                Some(audit_view(&after)),
            )
            .await?;
        change.commit().await?;
        Ok(after)
    }
}
