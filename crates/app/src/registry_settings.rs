//! Shaping the registry: the organisation's own fields and customer
//! statuses. Administrators change them; everyone uses them.
use crate::Registry;
use crate::{Actor, AppError};
use db::DbError;
use db::repo::organisation::Setting;
use db::repo::registry_settings as repo;
use domain::access::Permission;
use domain::audit::{AuditAction, AuditEntity};
use domain::logo::Logo;
use domain::money::Currency;
use domain::party::{CustomFieldDef, DEFAULT_CUSTOMER_STATUSES};
use domain::phone::Country;
use domain::{PartyId, ValidationErrors};
use serde::Serialize;
use std::collections::BTreeMap;
use uuid::Uuid;

#[derive(Clone, Debug, Serialize)]
pub struct CustomFieldView {
    pub id: Uuid,
    pub key: String,
    pub label: String,
    /// `text`, `number`, `date` or `choice`
    pub kind: String,
    pub choices: Vec<String>,
}

/// A customer status: `label` is empty for the built-in ones, which the UI
/// names in the user's language.
#[derive(Clone, Debug, Serialize)]
pub struct StatusView {
    pub code: String,
    pub label: String,
}

/// The organisation's name and the settings every screen follows.
#[derive(Clone, Debug, Serialize)]
pub struct OrganisationView {
    pub name: String,
    pub currency: Currency,
    pub country: Country,
    pub time_zone: String,
}

impl Registry<'_> {
    /// Both lists, for the page where administrators change them.
    pub async fn registry_settings(
        &self,
        actor: &Actor,
    ) -> Result<(Vec<CustomFieldView>, Vec<StatusView>), AppError> {
        actor.require_admin()?;
        Ok((self.custom_fields(actor).await?, self.customer_statuses(actor).await?))
    }

    /// The organisation as its users see it.
    pub async fn organisation(&self, actor: &Actor) -> Result<OrganisationView, AppError> {
        let row = db::repo::organisation::get(&self.db, actor.org_id).await?.ok_or(AppError::NotFound)?;
        Ok(OrganisationView {
            name: row.name,
            currency: actor.currency,
            country: actor.country,
            time_zone: actor.time_zone.name().to_string(),
        })
    }

    /// Sets the currency every amount of the organisation is in
    /// (administrators). Amounts are kept as they are: it names them.
    pub async fn set_currency(&self, actor: &Actor, currency: Currency) -> Result<(), AppError> {
        self.set_setting(actor, Setting::Currency, actor.currency.as_str(), currency.as_str()).await
    }

    /// Sets the organisation's country (administrators): where addresses,
    /// phones and documents that do not say are read from now on. What is
    /// stored stays as it was.
    pub async fn set_country(&self, actor: &Actor, country: Country) -> Result<(), AppError> {
        self.set_setting(actor, Setting::Country, actor.country.code(), country.code()).await
    }

    /// The organisation's logo, for its quotes' PDFs and the settings page.
    pub async fn logo(&self, actor: &Actor) -> Result<Option<Logo>, AppError> {
        actor.require(Permission::PartiesRead)?;
        let row = db::repo::organisation::logo(&self.db, actor.org_id).await?;
        Ok(row.map(|row| Logo { jpeg: row.content_type == "image/jpeg", content: row.content }))
    }

    /// Replaces the logo (administrators); the audit keeps its size and type.
    pub async fn set_logo(&self, actor: &Actor, logo: Logo) -> Result<(), AppError> {
        actor.require_admin()?;
        actor.require_own_change()?;
        let logo =
            tokio::task::spawn_blocking(move || render::pdf::image_readable(&logo.content).then_some(logo))
                .await
                .map_err(|e| AppError::Internal(format!("logo check: {e}")))?
                .ok_or_else(|| ValidationErrors::single("logo", "error-logo-format"))?;
        let mut change = self.change(actor).await?;
        let row = db::repo::organisation::LogoRow {
            content_type: logo.content_type().to_string(),
            content: logo.content,
            updated_at: change.at,
        };
        db::repo::organisation::set_logo(&mut change.tx, actor.org_id, &row).await?;
        let after = serde_json::json!({ "logo": row.content_type, "bytes": row.content.len() });
        change.audit(AuditAction::Update, AuditEntity::Organisation, None, None, Some(after)).await?;
        change.commit().await
    }

    /// Removes the logo (administrators); quotes print the name alone.
    pub async fn remove_logo(&self, actor: &Actor) -> Result<(), AppError> {
        actor.require_admin()?;
        actor.require_own_change()?;
        let mut change = self.change(actor).await?;
        if db::repo::organisation::remove_logo(&mut change.tx, actor.org_id).await? {
            let before = serde_json::json!({ "logo": true });
            change.audit(AuditAction::Delete, AuditEntity::Organisation, None, Some(before), None).await?;
        }
        change.commit().await
    }

    /// Administrators only; the audit trail keeps the value before and after.
    async fn set_setting(
        &self,
        actor: &Actor,
        setting: Setting,
        before: &str,
        after: &str,
    ) -> Result<(), AppError> {
        actor.require_admin()?;
        actor.require_own_change()?;
        let mut change = self.change(actor).await?;
        db::repo::organisation::set_setting(&mut change.tx, actor.org_id, setting, after).await?;
        let (old, new) =
            (serde_json::json!({ setting.column(): before }), serde_json::json!({ setting.column(): after }));
        change.audit(AuditAction::Update, AuditEntity::Organisation, None, Some(old), Some(new)).await?;
        change.commit().await
    }

    pub async fn custom_fields(&self, actor: &Actor) -> Result<Vec<CustomFieldView>, AppError> {
        Ok(repo::custom_fields(&self.db, actor.org_id)
            .await?
            .into_iter()
            .map(|row| CustomFieldView {
                id: row.id,
                key: row.key,
                label: row.label,
                kind: row.kind,
                choices: row.choices.0,
            })
            .collect())
    }

    pub async fn create_custom_field(
        &self,
        actor: &Actor,
        label: &str,
        kind: &str,
        choices: &str,
    ) -> Result<CustomFieldView, AppError> {
        actor.require_admin()?;
        let def = CustomFieldDef::parse(label, kind, choices)?;
        let id = Uuid::now_v7();
        let mut change = self.change(actor).await?;
        match repo::insert_custom_field(&mut change.tx, actor.org_id, id, &def, self.now()).await {
            Err(DbError::Duplicate(_)) => {
                return Err(AppError::Taken(ValidationErrors::single("label", "error-custom-field-taken")));
            }
            other => other?,
        }
        change
            .audit_created(AuditEntity::CustomField, id, serde_json::to_value(&def).unwrap_or_default())
            .await?;
        change.commit().await?;
        Ok(CustomFieldView {
            id,
            key: def.key,
            label: def.label,
            kind: def.kind.as_str().to_string(),
            choices: def.choices,
        })
    }

    pub async fn delete_custom_field(&self, actor: &Actor, id: Uuid) -> Result<(), AppError> {
        actor.require_admin()?;
        let mut change = self.change(actor).await?;
        if !repo::delete_custom_field(&mut change.tx, actor.org_id, id).await? {
            return Err(AppError::NotFound);
        }
        change.audit(AuditAction::Delete, AuditEntity::CustomField, Some(id.to_string()), None, None).await?;
        change.commit().await?;
        Ok(())
    }

    /// Checks typed values against the organisation's fields; unknown keys
    /// are refused so a typo in an import is not silently dropped.
    pub(crate) async fn validate_custom(
        &self,
        actor: &Actor,
        raw: &BTreeMap<String, String>,
    ) -> Result<Vec<(Uuid, String)>, AppError> {
        if raw.is_empty() {
            return Ok(Vec::new());
        }
        let fields = repo::custom_fields(&self.db, actor.org_id).await?;
        let mut errors = ValidationErrors::new();
        let mut values = Vec::new();
        for (key, value) in raw {
            match fields.iter().find(|f| &f.key == key) {
                Some(field) => match field.def().parse_value(value) {
                    Ok(Some(value)) => values.push((field.id, value)),
                    Ok(None) => {}
                    Err(message) => errors.add(format!("custom.{key}"), message),
                },
                None => errors.add(format!("custom.{key}"), "error-custom-field-unknown"),
            }
        }
        errors.into_result()?;
        Ok(values)
    }

    pub(crate) async fn custom_values(
        &self,
        actor: &Actor,
        party: PartyId,
    ) -> Result<BTreeMap<String, String>, AppError> {
        Ok(repo::custom_values(&self.db, actor.org_id, party).await?.into_iter().collect())
    }

    /// The organisation's customer statuses (seed 004: active, simplified,
    /// special, blocked, and whatever it adds).
    pub async fn customer_statuses(&self, actor: &Actor) -> Result<Vec<StatusView>, AppError> {
        let own = repo::customer_statuses(&self.db, actor.org_id).await?;
        if own.is_empty() {
            return Ok(DEFAULT_CUSTOMER_STATUSES
                .iter()
                .map(|c| StatusView { code: c.to_string(), label: String::new() })
                .collect());
        }
        Ok(own.into_iter().map(|s| StatusView { code: s.code, label: s.label }).collect())
    }

    pub async fn add_customer_status(&self, actor: &Actor, label: &str) -> Result<StatusView, AppError> {
        actor.require_admin()?;
        let (code, label) = code_and_label(label)?;
        let existing = repo::customer_statuses(&self.db, actor.org_id).await?;
        let mut change = self.change(actor).await?;
        // The first change writes the defaults down, so they stay selectable.
        if existing.is_empty() {
            for default in DEFAULT_CUSTOMER_STATUSES {
                repo::insert_customer_status(&mut change.tx, actor.org_id, default, "").await?;
            }
        }
        match repo::insert_customer_status(&mut change.tx, actor.org_id, &code, &label).await {
            Err(DbError::Duplicate(_)) => {
                return Err(AppError::Taken(ValidationErrors::single("label", "error-status-taken")));
            }
            other => other?,
        }
        change
            .audit(
                AuditAction::Create,
                AuditEntity::CustomerStatus,
                Some(code.clone()),
                None,
                Some(serde_json::json!({ "label": label })),
            )
            .await?;
        change.commit().await?;
        Ok(StatusView { code, label })
    }
}

/// An option an organisation adds to one of its lists: the label as typed
/// (spaces tidied) and a stable code derived from it ("Pós-venda" →
/// "pos_venda").
pub(crate) fn code_and_label(label: &str) -> Result<(String, String), ValidationErrors> {
    let label = label.split_whitespace().collect::<Vec<_>>().join(" ");
    let code: String = domain::search::fold(&label)
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let code = code.trim_matches('_').to_string();
    if label.is_empty() || code.is_empty() {
        return Err(ValidationErrors::single("label", "error-required"));
    }
    if label.chars().count() > 60 {
        return Err(ValidationErrors::single("label", "error-too-long"));
    }
    Ok((code, label))
}
