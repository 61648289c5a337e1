//! E-mail templates [modelos de e-mail]: written by administrators, checked
//! by rendering them when saved, filled in for a customer when used.
use super::Reachable;
use crate::{Actor, AppError, Messages};
use db::repo::message_template::{self as repo, TemplateRow};
use domain::access::Permission;
use domain::audit::{AuditAction, AuditEntity};
use domain::message::{TemplateDraft, TemplateKind};
use domain::{Locale, ValidationErrors};
use render::email::{self, RenderedEmail, TemplateError, Variables};
use uuid::Uuid;

/// A template as stored.
#[derive(Clone, Debug)]
pub struct TemplateView {
    pub id: Uuid,
    pub kind: TemplateKind,
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
            kind: TemplateKind::parse(&row.kind).unwrap_or(TemplateKind::Email),
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
        serde_json::json!({ "kind": self.kind.as_str(), "name": self.name, "locale": self.locale.tag(), "subject": self.subject, "body": self.body })
    }
}

/// What a template of this kind is checked and previewed with.
pub(crate) fn sample_of(kind: TemplateKind) -> Variables {
    match kind {
        TemplateKind::Email => Variables::sample(),
        TemplateKind::Quote => Variables::sample_quote(),
    }
}

/// Every variable a template of this kind may name.
pub fn variable_names(kind: TemplateKind) -> &'static [&'static str] {
    match kind {
        TemplateKind::Email => email::VARIABLE_NAMES,
        TemplateKind::Quote => render::quote::VARIABLE_NAMES,
    }
}

/// A template's refusal as a field message: the engine's words and the
/// line go with it, so the person sees where.
pub(crate) fn refusal((field, error): (&'static str, TemplateError)) -> AppError {
    tracing::debug!(field, line = ?error.line, detail = %error.detail, "template refused");
    ValidationErrors::single(field, error.key).into()
}

impl Messages<'_> {
    /// Every template, e-mails' and quotes'.
    #[tracing::instrument(skip_all)]
    pub async fn templates(&self, actor: &Actor) -> Result<Vec<TemplateView>, AppError> {
        actor.require(Permission::PartiesRead)?;
        Ok(repo::list(&self.db, actor.org_id).await?.into_iter().map(TemplateView::of).collect())
    }

    /// The templates of one kind: e-mails to choose from when writing to a
    /// customer, quotes' when sending a quote.
    pub async fn templates_of(
        &self,
        actor: &Actor,
        kind: TemplateKind,
    ) -> Result<Vec<TemplateView>, AppError> {
        let mut all = self.templates(actor).await?;
        all.retain(|template| template.kind == kind);
        Ok(all)
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
        let before = match id {
            Some(id) => Some(repo::get(&self.db, actor.org_id, id).await?.ok_or(AppError::NotFound)?),
            None => None,
        };
        // A template keeps its kind: the reminders that name an e-mail's
        // would otherwise be handed a quote's.
        let kind = match &before {
            Some(stored) => TemplateKind::parse(&stored.kind).unwrap_or(TemplateKind::Email),
            None => draft.kind,
        };
        email::check(&draft.subject, &draft.body, &sample_of(kind)).map_err(refusal)?;
        let mut change = self.change(actor).await?;
        let locale = draft.locale.tag();
        if repo::name_taken(&mut change.tx, actor.org_id, locale, &draft.name, id).await? {
            return Err(AppError::Taken(ValidationErrors::single("name", "error-template-name-taken")));
        }
        let row = TemplateRow {
            id: id.unwrap_or_else(Uuid::now_v7),
            kind: kind.as_str().to_string(),
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
    pub fn sample(&self, kind: TemplateKind, subject: &str, body: &str) -> Result<RenderedEmail, AppError> {
        email::check(subject, body, &sample_of(kind)).map_err(refusal)
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
        if template.kind != TemplateKind::Email {
            return Err(ValidationErrors::single("template", "error-template-not-email").into());
        }
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
            proposta: None,
            itens: None,
        };
        let rendered = email::render(&template.subject, &template.body, &variables).map_err(refusal)?;
        Ok((template, rendered))
    }
}
