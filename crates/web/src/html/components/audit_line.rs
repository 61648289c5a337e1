//! An audit entry as a person reads it: who by name, what by its label and
//! a link, and an update as "field: old → new" in the reader's language and
//! the organisation's time zone. Ids stay in the API.
use crate::i18n::Tr;
use app::audit::AuditEntry;
use app::{Actor, App, AppError};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

/// One changed field.
pub struct FieldChange {
    pub field: String,
    pub before: String,
    pub after: String,
}

/// An audit entry as the table shows it.
pub struct AuditLine {
    pub when: String,
    pub who: String,
    pub action: String,
    /// What kind of record, in words.
    pub what: String,
    /// Its name, taken from the entry itself, and where it can be opened.
    pub name: Option<String>,
    pub link: Option<String>,
    pub changes: Vec<FieldChange>,
    pub ip: String,
}

/// The people and branches an entry may name by id, read once per page.
pub struct AuditNames {
    ids: HashMap<Uuid, String>,
}

impl AuditNames {
    pub async fn load(app: &App, actor: &Actor) -> Result<AuditNames, AppError> {
        let mut ids = HashMap::new();
        for user in app.users().list_users(actor).await? {
            ids.insert(user.id.0, user.display_name);
        }
        for branch in app.access().list_branches(actor).await? {
            ids.insert(branch.id, branch.name);
        }
        Ok(AuditNames { ids })
    }
}

/// Fields that change with every save and tell a person nothing.
const NOISE: &[&str] = &["id", "version", "created_at", "updated_at", "document_formatted", "document_kind"];

/// The message that names a snapshot's field.
fn field_key(field: &str) -> Option<&'static str> {
    Some(match field {
        "full_name" => "party-name",
        "trade_name" => "party-trade-name",
        "kind" => "party-kind",
        "lifecycle" => "party-lifecycle",
        "customer_status" => "party-customer-status",
        "prospect_state" => "party-prospect-state",
        "document" => "party-document",
        "birth_date" => "party-birth-date",
        "sex" => "party-sex",
        "profession" => "party-profession",
        "football_team" => "party-football-team",
        "shoe_size" => "party-shoe-size",
        "spouse_name" => "party-spouse-name",
        "spouse_birth_date" => "party-spouse-birth-date",
        "credit_bureau_status" => "party-credit-bureau",
        "agreement" => "party-agreement",
        "credit_complement" => "party-credit-complement",
        "revolving_credit_limit" => "party-revolving-credit",
        "company_sector" => "party-company-sector",
        "tags" => "party-tags",
        "tag_added" => "customers-bulk-tag-added",
        "phones" => "party-phone",
        "emails" => "party-email",
        "seller_id" => "party-seller",
        "branch_id" | "branch" => "audit-field-branch",
        "archived" => "audit-field-archived",
        "address.street" => "address-street",
        "address.number" => "address-number",
        "address.complement" => "address-complement",
        "address.neighbourhood" => "address-neighbourhood",
        "address.city" => "address-city",
        "address.state" => "address-state",
        "address.postal_code" => "address-postal-code",
        "address.country" => "audit-field-country",
        "consent.sms_whatsapp" => "channel-sms_whatsapp",
        "consent.email" => "channel-email",
        "consent.phone" => "channel-phone",
        "consent.letter" => "channel-letter",
        "status" => "interaction-status",
        "responsible" | "responsible_id" => "interaction-responsible",
        "nature" => "interaction-nature",
        "channel" => "interaction-channel",
        "due_on" => "interaction-due",
        "description" => "interaction-description",
        "title" => "appointment-subject",
        "place" => "appointment-place",
        "notes" => "appointment-notes",
        "starts_at" => "appointment-starts",
        "ends_at" => "appointment-ends",
        "plate" => "vehicle-plate",
        "vin" => "vehicle-vin",
        "make" => "vehicle-make",
        "model" => "vehicle-model",
        "year" | "model_year" => "vehicle-year",
        "colour" => "vehicle-colour",
        "mileage_km" => "vehicle-mileage",
        "bought_here" => "vehicle-bought-here",
        "display_name" => "users-name",
        "email" => "users-email",
        "role" => "users-role",
        "locale" => "users-locale",
        "theme" => "users-theme",
        "active" => "users-status",
        "name" | "label" => "audit-field-name",
        "negotiation_stage" => "pipeline-stage",
        // The organisation's names of the stages, one field per stage.
        "first_contact" => "pipeline-stage-first_contact",
        "qualified" => "pipeline-stage-qualified",
        "proposal" => "pipeline-stage-proposal",
        "negotiation" => "pipeline-stage-negotiation",
        "closing" => "pipeline-stage-closing",
        _ => return None,
    })
}

/// Nested objects as dotted fields (`address.city`), so a change inside one
/// reads as that field's change.
fn flatten(prefix: &str, value: &Value, out: &mut BTreeMap<String, Value>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                let name = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
                flatten(&name, inner, out);
            }
        }
        // An empty text is no value, as a cleared field is.
        Value::String(text) if text.is_empty() && !prefix.is_empty() => {
            out.insert(prefix.to_string(), Value::Null);
        }
        other if !prefix.is_empty() => {
            out.insert(prefix.to_string(), other.clone());
        }
        _ => {}
    }
}

impl AuditNames {
    /// A value in words: a person or branch by name, a code by its label,
    /// a date in the reader's form.
    fn show(&self, t: &Tr, field: &str, value: &Value) -> String {
        match value {
            Value::Null => "—".to_string(),
            Value::Bool(yes) => t.get(if *yes { "yes" } else { "no" }),
            Value::Number(n) if field == "revolving_credit_limit" => {
                n.as_i64().map(|c| t.money(c)).unwrap_or_default()
            }
            Value::Number(n) => n.to_string(),
            Value::String(text) => self.show_text(t, field, text),
            Value::Array(items) if items.is_empty() => "—".to_string(),
            Value::Array(items) => items
                .iter()
                .map(|item| match item {
                    Value::Object(map) => ["number", "address", "value", "name"]
                        .iter()
                        .find_map(|k| map.get(*k).and_then(Value::as_str))
                        .unwrap_or_default()
                        .to_string(),
                    other => self.show(t, field, other),
                })
                .collect::<Vec<_>>()
                .join(", "),
            Value::Object(_) => String::new(),
        }
    }

    fn show_text(&self, t: &Tr, field: &str, text: &str) -> String {
        if let Ok(id) = text.parse::<Uuid>() {
            return self.ids.get(&id).cloned().unwrap_or_else(|| t.get("audit-other-record"));
        }
        let coded = match field {
            "kind" => Some(format!("kind-{text}")),
            "lifecycle" => Some(format!("lifecycle-{text}")),
            "customer_status" => Some(format!("status-customer-{text}")),
            "prospect_state" => Some(format!("prospect-{text}")),
            "status" => Some(format!("interaction-status-{text}")),
            "nature" => Some(format!("nature-{text}")),
            "channel" => Some(format!("interaction-channel-{text}")),
            "role" => Some(format!("role-{text}")),
            "theme" => Some(format!("theme-{text}")),
            "negotiation_stage" => Some(format!("pipeline-stage-{text}")),
            _ => None,
        };
        if let Some(key) = coded.filter(|key| t.has(key)) {
            return t.get(&key);
        }
        if let Ok(date) = text.parse::<chrono::NaiveDate>() {
            return t.date(&date);
        }
        if let Ok(at) = text.parse::<chrono::DateTime<chrono::Utc>>() {
            return t.datetime(&at);
        }
        text.to_string()
    }
}

/// What an entry's snapshot calls its record.
fn record_name(record: &Value) -> Option<String> {
    for key in ["full_name", "display_name", "name", "title", "label"] {
        if let Some(name) = record.get(key).and_then(Value::as_str).filter(|n| !n.is_empty()) {
            return Some(name.to_string());
        }
    }
    let make = record.get("make").and_then(Value::as_str)?;
    let model = record.get("model").and_then(Value::as_str).unwrap_or_default();
    Some(format!("{make} {model}").trim().to_string())
}

/// Where a record of this kind opens, if it has a page.
fn record_link(entity: &str, id: Option<&str>, snapshot: Option<&Value>) -> Option<String> {
    let id = id.and_then(|id| id.parse::<Uuid>().ok());
    match (entity, id) {
        ("party", Some(id)) => Some(format!("/customers/{id}")),
        ("interaction", Some(id)) => Some(format!("/interactions/{id}")),
        ("appointment", Some(id)) => Some(format!("/appointments/{id}")),
        ("vehicle", Some(id)) => Some(format!("/vehicles/{id}")),
        ("user", _) => Some("/admin/users".to_string()),
        _ => snapshot
            .and_then(|s| s.get("party"))
            .and_then(Value::as_str)
            .and_then(|p| p.parse::<Uuid>().ok())
            .map(|party| format!("/customers/{party}")),
    }
}

impl AuditLine {
    pub fn new(entry: &AuditEntry, t: &Tr, names: &AuditNames) -> Self {
        let snapshot = entry.after.as_ref().or(entry.before.as_ref());
        let mut changes = Vec::new();
        if let (Some(before), Some(after)) = (&entry.before, &entry.after) {
            let (mut old, mut new) = (BTreeMap::new(), BTreeMap::new());
            flatten("", before, &mut old);
            flatten("", after, &mut new);
            let fields: std::collections::BTreeSet<&String> = old.keys().chain(new.keys()).collect();
            for field in fields {
                let (was, is) =
                    (old.get(field).unwrap_or(&Value::Null), new.get(field).unwrap_or(&Value::Null));
                if was == is || NOISE.contains(&field.as_str()) {
                    continue;
                }
                let label = match (field_key(field), field.strip_prefix("custom.")) {
                    (Some(key), _) => t.get(key),
                    // The organisation named its own fields.
                    (None, Some(own)) => own.to_string(),
                    (None, None) => t.get("audit-field-other"),
                };
                changes.push(FieldChange {
                    field: label,
                    before: names.show(t, field, was),
                    after: names.show(t, field, is),
                });
            }
        }
        let known = entry.actor_id.and_then(|id| names.ids.get(&id.0));
        let who = match (known, entry.actor.as_str()) {
            (Some(name), _) => name.clone(),
            (_, app::audit::OPERATOR_LABEL) => t.get("audit-operator"),
            (_, label) => label.to_string(),
        };
        let entity_key = format!("audit-entity-{}", entry.entity_type);
        AuditLine {
            when: t.datetime(&entry.at),
            who,
            action: t.get(&format!("audit-action-{}", entry.action)),
            what: if t.has(&entity_key) { t.get(&entity_key) } else { t.get("audit-field-other") },
            name: snapshot.and_then(record_name),
            link: record_link(&entry.entity_type, entry.entity_id.as_deref(), snapshot),
            changes,
            ip: entry.ip.clone().unwrap_or_default(),
        }
    }
}
