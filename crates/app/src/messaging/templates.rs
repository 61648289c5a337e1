//! E-mail templates [modelos de e-mail]: written by administrators, checked
//! by rendering them when saved, filled in for a customer when used.
use super::Reachable;
use crate::{Actor, AppError, Messages};
use db::repo::message_template::{self as repo, TemplateRow};
use domain::access::Permission;
use domain::audit::{AuditAction, AuditEntity};
use domain::message::TemplateDraft;
use domain::{Locale, ValidationErrors};
use render::email::{self, RenderedEmail, TemplateError, Variables};
use uuid::Uuid;

/// A template as stored.
#[derive(Clone, Debug)]
pub struct TemplateView {
    pub id: Uuid,
    pub name: String,
    pub locale: Locale,
    pub subject: String,
    pub body: String,
    pub version: i64,
    pub updated_at: chrono::DateTime<chrono::Utc>,
    pub updated_by: String,
}

impl TemplateView {
    fn of(row: TemplateRow) -> TemplateView {
        TemplateView {
            id: row.id,
            locale: Locale::parse(&row.locale).unwrap_or(Locale::PtBr),
            name: row.name,
            subject: row.subject,
            body: row.body,
            version: row.version,
            updated_at: row.updated_at,
            updated_by: row.updated_by_name,
        }
    }

    fn audited(&self) -> serde_json::Value {
        serde_json::json!({ "name": self.name, "locale": self.locale.tag(), "subject": self.subject, "body": self.body })
    }
}

/// A template's refusal as a field message: the engine's words and the
/// line go with it, so the person sees where.
fn refusal((field, error): (&'static str, TemplateError)) -> AppError {
    tracing::debug!(field, line = ?error.line, detail = %error.detail, "template refused");
    ValidationErrors::single(field, error.key).into()
}

impl Messages<'_> {
    #[tracing::instrument(skip_all)]
    pub async fn templates(&self, actor: &Actor) -> Result<Vec<TemplateView>, AppError> {
        actor.require(Permission::PartiesRead)?;
        Ok(repo::list(&self.db, actor.org_id).await?.into_iter().map(TemplateView::of).collect())
    }

    #[tracing::instrument(skip_all)]
    pub async fn template(&self, actor: &Actor, id: Uuid) -> Result<TemplateView, AppError> {
        actor.require(Permission::PartiesRead)?;
        repo::get(&self.db, actor.org_id, id).await?.map(TemplateView::of).ok_or(AppError::NotFound)
    }

    /// Creates (`id: None`) or changes a template at the version read. A
    /// syntax error or an unknown variable is refused here, with a field
    /// message, never at sending.
    #[tracing::instrument(skip_all)]
    pub async fn save_template(
        &self,
        actor: &Actor,
        id: Option<Uuid>,
        version: i64,
        draft: TemplateDraft,
    ) -> Result<TemplateView, AppError> {
        actor.require_change(Permission::Administer)?;
        email::check(&draft.subject, &draft.body).map_err(refusal)?;
        let mut change = self.change(actor).await?;
        let locale = draft.locale.tag();
        if repo::name_taken(&mut change.tx, actor.org_id, locale, &draft.name, id).await? {
            return Err(AppError::Taken(ValidationErrors::single("name", "error-template-name-taken")));
        }
        let before = match id {
            Some(id) => Some(repo::get(&self.db, actor.org_id, id).await?.ok_or(AppError::NotFound)?),
            None => None,
        };
        let row = TemplateRow {
            id: id.unwrap_or_else(Uuid::now_v7),
            name: draft.name,
            locale: locale.to_string(),
            subject: draft.subject,
            body: draft.body,
            version: before.as_ref().map_or(1, |b| b.version + 1),
            updated_at: change.at,
            updated_by_name: actor.display_name.clone(),
        };
        match &before {
            None => repo::insert(&mut change.tx, actor.org_id, &row).await?,
            Some(stored) => {
                if !repo::update(&mut change.tx, actor.org_id, &row, version).await? {
                    return Err(AppError::Conflict {
                        by: stored.updated_by_name.clone(),
                        at: stored.updated_at,
                    });
                }
            }
        }
        let after = TemplateView::of(row);
        let action = if before.is_some() { AuditAction::Update } else { AuditAction::Create };
        let before = before.map(|b| TemplateView::of(b).audited());
        change
            .audit(
                action,
                AuditEntity::MessageTemplate,
                Some(after.id.to_string()),
                before,
                Some(after.audited()),
            )
            .await?;
        change.commit().await?;
        Ok(after)
    }

    /// The template filled in with sample values, to show while writing it.
    pub fn sample(&self, subject: &str, body: &str) -> Result<RenderedEmail, AppError> {
        email::check(subject, body).map_err(refusal)
    }

    /// The template filled in for this customer, at this address.
    pub(super) async fn fill(
        &self,
        actor: &Actor,
        template: Uuid,
        party: &Reachable,
        to: &str,
        installment: email::Installment,
    ) -> Result<(TemplateView, RenderedEmail), AppError> {
        let (template, organisation) = tokio::try_join!(self.template(actor, template), async {
            Ok(db::repo::organisation::get(&self.db, actor.org_id).await?)
        },)?;
        let variables = Variables {
            cliente: email::Customer {
                nome: party.name.clone(),
                primeiro_nome: party.name.split_whitespace().next().unwrap_or_default().to_string(),
                email: to.to_string(),
                cidade: party.city.clone(),
                uf: party.state.clone(),
            },
            usuario: email::Sender {
                nome: actor.display_name.clone(),
                email: actor.email.as_str().to_string(),
            },
            organizacao: email::Organisation { nome: organisation.map(|o| o.name).unwrap_or_default() },
            parcela: installment,
        };
        let rendered = email::render(&template.subject, &template.body, &variables).map_err(refusal)?;
        Ok((template, rendered))
    }
}
