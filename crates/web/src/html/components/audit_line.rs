//! An audit entry as a table row: the audit page and the home page's
//! latest activity.
use crate::i18n::Tr;
use app::audit::AuditEntry;

/// An audit entry as the table shows it.
pub struct AuditLine {
    pub when: String,
    pub who: String,
    pub action: String,
    pub entity: String,
    pub ip: String,
    pub details: String,
}

impl AuditLine {
    pub fn new(entry: &AuditEntry, t: &Tr) -> Self {
        let mut details = Vec::new();
        if let Some(before) = &entry.before {
            details.push(format!("− {before}"));
        }
        if let Some(after) = &entry.after {
            details.push(format!("+ {after}"));
        }
        AuditLine {
            when: t.datetime(&entry.at),
            who: entry.actor.clone(),
            action: t.get(&format!("audit-action-{}", entry.action)),
            entity: match &entry.entity_id {
                Some(id) => format!("{} {}", entry.entity_type, id),
                None => entry.entity_type.clone(),
            },
            ip: entry.ip.clone().unwrap_or_default(),
            details: details.join("  "),
        }
    }
}
