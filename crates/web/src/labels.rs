//! The names people read for the organisation's codes: roles, customer
//! statuses and lifecycles, interaction natures and statuses.
use crate::i18n::Tr;

/// A default role's translated name; a role an organisation added keeps its own.
pub fn role_name(t: &Tr, name: &str) -> String {
    let key = format!("role-name-{name}");
    if t.has(&key) { t.get(&key) } else { name.to_string() }
}

/// A seller's name, marked when his user is disabled.
pub fn seller_label(t: &Tr, seller: &app::parties::Seller) -> String {
    if seller.active {
        seller.name.clone()
    } else {
        format!("{} ({})", seller.name, t.get("status-disabled"))
    }
}

/// Labels of statuses, kinds and channels in the user's language.
pub struct Labels;

impl Labels {
    /// (label, code) pairs for a status select: the organisation's own
    /// labels, or the catalogue's for the built-in statuses.
    pub fn options(t: &Tr, statuses: Vec<app::registry_settings::StatusView>) -> Vec<(String, String)> {
        statuses
            .into_iter()
            .map(|s| {
                let label =
                    if s.label.is_empty() { Labels::status(t, "customer", Some(&s.code)) } else { s.label };
                (label, s.code)
            })
            .collect()
    }

    pub fn status(t: &Tr, lifecycle: &str, status: Option<&str>) -> String {
        match status {
            Some(status) if lifecycle == "prospect" => t.get(&format!("prospect-{status}")),
            Some(status) => {
                let key = format!("status-customer-{status}");
                if t.has(&key) { t.get(&key) } else { status.to_string() }
            }
            None => String::new(),
        }
    }
}

/// A message's last answer: the mail server's own words as it gave them,
/// or a rule that stopped the message (stored as its message key) in the
/// reader's language.
pub fn message_answer(t: &Tr, answer: &str) -> String {
    if answer.starts_with("message-") { t.get(answer) } else { answer.to_string() }
}
