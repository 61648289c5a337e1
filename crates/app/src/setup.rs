//! What the server's operator does from the command line: first setup,
//! the demo organisation, users and tokens without the web UI.
use crate::AppError;
use crate::Setup;
use crate::change::By;
use crate::secret::random_password;
use crate::users::NewUserInput;
use db::repo::{organisation, user};
use domain::audit::{AuditAction, AuditEntity};
use domain::user::{NewPassword, User};
use domain::{Email, OrgId, ValidationErrors};

pub const DEMO_ORGANISATION: &str = "Demo";
pub const DEMO_ADMIN_EMAIL: &str = "admin@demo.vinculo.local";

pub enum DemoOutcome {
    /// A new demo organisation, with its administrator's password.
    Created { email: String, password: String },
    /// The demo organisation was there already; nothing was changed.
    Reused { email: String },
}

impl Setup<'_> {
    /// Makes sure the demo organisation and its administrator exist,
    /// never touching data that is already there.
    #[tracing::instrument(skip_all)]
    pub async fn ensure_demo(&self) -> Result<DemoOutcome, AppError> {
        if organisation::find_by_name(&self.db, DEMO_ORGANISATION).await?.is_some() {
            return Ok(DemoOutcome::Reused { email: DEMO_ADMIN_EMAIL.to_string() });
        }
        let password = random_password();
        self.operator_create_user(
            DEMO_ORGANISATION,
            NewUserInput {
                email: DEMO_ADMIN_EMAIL.to_string(),
                display_name: "Administrador Demo".to_string(),
                password: password.clone(),
                role: "admin".to_string(),
                locale: None,
                ..Default::default()
            },
        )
        .await?;
        Ok(DemoOutcome::Created { email: DEMO_ADMIN_EMAIL.to_string(), password })
    }

    /// Creates a user in the named organisation, creating the
    /// organisation first when it does not exist yet.
    #[tracing::instrument(skip_all)]
    pub async fn operator_create_user(
        &self,
        organisation_name: &str,
        input: NewUserInput,
    ) -> Result<User, AppError> {
        let name = organisation_name.trim();
        if name.is_empty() {
            return Err(ValidationErrors::single("organisation", "error-required").into());
        }
        let org_id = match organisation::find_by_name(&self.db, name).await? {
            Some(org) => OrgId(org.id),
            None => {
                let id = OrgId::new();
                let mut change = self.change_by(By::Operator(id)).await?;
                organisation::insert(&mut change.tx, id, name, change.at).await?;
                let after = Some(serde_json::json!({ "name": name }));
                change
                    .audit(AuditAction::Create, AuditEntity::Organisation, Some(id.to_string()), None, after)
                    .await?;
                change.commit().await?;
                id
            }
        };
        self.users().insert_user(org_id, None, input).await
    }

    /// Sets a new random password for a user and returns it.
    #[tracing::instrument(skip_all)]
    pub async fn operator_reset_password(&self, email: &str) -> Result<String, AppError> {
        let row = self.operator_find_user(email).await?;
        let password = random_password();
        let checked = NewPassword::parse(&password).map_err(|m| ValidationErrors::single("password", m))?;
        let hash = crate::auth::hash_password(checked.expose().to_string()).await?;
        let org_id = row.org_id;
        let mut change = self.change_by(By::Operator(org_id)).await?;
        let changes = user::UserChanges { password_hash: Some(&hash), ..Default::default() };
        if !user::update(&mut change.tx, org_id, row.id, row.version, &changes, None, self.now()).await? {
            return Err(AppError::Conflict { by: crate::audit::OPERATOR_LABEL.to_string(), at: self.now() });
        }
        db::repo::session::delete_for_user(&mut change.tx, row.id).await?;
        let after = Some(serde_json::json!({ "password": "reset" }));
        change.audit(AuditAction::Update, AuditEntity::User, Some(row.id.to_string()), None, after).await?;
        change.commit().await?;
        Ok(password)
    }

    /// Creates an API token for a user, as that user.
    #[tracing::instrument(skip_all)]
    pub async fn operator_create_token(
        &self,
        email: &str,
        name: &str,
    ) -> Result<crate::tokens::CreatedToken, AppError> {
        let user = self.operator_find_user(email).await?;
        let actor = self.access().actor_for(user, None).await?;
        self.tokens().create_api_token(&actor, name).await
    }

    async fn operator_find_user(&self, email: &str) -> Result<User, AppError> {
        let email = Email::parse(email).map_err(|m| ValidationErrors::single("email", m))?;
        Ok(user::find_by_email(&self.db, &email).await?.ok_or(AppError::NotFound)?.into_user())
    }
}
