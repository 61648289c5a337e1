//! Documents sent to customers [envio para clientes] (seed 002): a
//! document model (an e-mail template: a folder, a post-sale letter, a
//! notice of a price adjustment) sent to the customers of the chosen
//! contacts, with a text above it, in the name of one of the
//! organisation's companies, and a report of who got it in a chosen order.
use crate::{SalesContactId, ValidationErrors};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// How many contacts one sending reaches: a day's list, not a campaign
/// (the relationship engine sends those).
pub const CONTACTS_PER_SENDING: usize = 200;

string_enum!(
    /// The order the sending's report lists the customers in.
    SendOrder {
        Name = "name",
        City = "city",
        NextReturn = "next_return",
    } error "error-send-order-invalid"
);

string_enum!(
    /// What became of one customer of a sending: queued in the outbox, or
    /// why not.
    SendOutcome {
        Queued = "queued",
        NoConsent = "no_consent",
        NoAddress = "no_address",
    } error "error-send-outcome-invalid"
);

/// A sending as typed.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct SendingDraft {
    pub template: String,
    pub contacts: Vec<String>,
    /// `name`, `city` or `next_return`; by name when empty.
    pub order: String,
    /// The text above the document [texto informativo do cabeçalho].
    pub header: String,
    /// The company that sends it: a branch's name, or the organisation's.
    pub company: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidSending {
    pub template: uuid::Uuid,
    pub contacts: Vec<SalesContactId>,
    pub order: SendOrder,
    pub header: String,
    pub company: String,
}

impl SendingDraft {
    pub fn validate(&self) -> Result<ValidSending, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let template = match self.template.trim() {
            "" => {
                errors.add("template", "error-required");
                None
            }
            typed => typed.parse().map_err(|_| errors.add("template", "error-template-unknown")).ok(),
        };
        let mut contacts = Vec::new();
        for typed in self.contacts.iter().map(|c| c.trim()).filter(|c| !c.is_empty()) {
            match typed.parse::<uuid::Uuid>() {
                Ok(id) if !contacts.contains(&SalesContactId(id)) => contacts.push(SalesContactId(id)),
                Ok(_) => {}
                Err(_) => errors.add("contacts", "error-sales-contact-unknown"),
            }
        }
        if contacts.is_empty() {
            errors.add("contacts", "error-send-contacts-required");
        } else if contacts.len() > CONTACTS_PER_SENDING {
            errors.add("contacts", "error-send-too-many");
        }
        let order = match self.order.trim() {
            "" => Some(SendOrder::Name),
            typed => errors.check("order", SendOrder::parse(typed)),
        };
        let header = self.header.trim();
        if header.chars().count() > 2000 {
            errors.add("header", "error-too-long");
        }
        let company = errors.line("company", &self.company, 120, true);
        match (template, order) {
            (Some(template), Some(order)) if errors.is_empty() => {
                Ok(ValidSending { template, contacts, order, header: header.to_string(), company })
            }
            _ => Err(errors),
        }
    }
}

/// One customer of a sending, as its report reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SentTo {
    pub name: String,
    pub city: String,
    pub next_return_on: Option<NaiveDate>,
}

/// Sorts a sending's report: by name, by city (none last) then name, or by
/// the next return (none last) then name; names compared without accents or case.
pub fn sort_report<T>(lines: &mut [T], order: SendOrder, of: impl Fn(&T) -> &SentTo) {
    let key = |t: &T| crate::search::fold(&of(t).name);
    match order {
        SendOrder::Name => lines.sort_by_cached_key(key),
        SendOrder::City => lines
            .sort_by_cached_key(|t| (of(t).city.trim().is_empty(), crate::search::fold(&of(t).city), key(t))),
        SendOrder::NextReturn => {
            lines.sort_by_cached_key(|t| (of(t).next_return_on.is_none(), of(t).next_return_on, key(t)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn to(name: &str, city: &str, next: Option<&str>) -> SentTo {
        SentTo { name: name.into(), city: city.into(), next_return_on: next.map(|d| d.parse().expect("day")) }
    }

    #[test]
    fn the_report_in_each_order() {
        let mut lines = vec![
            to("Ângela", "Porto", None),
            to("bruno", "Braga", Some("2026-12-09")),
            to("Carla", "Braga", Some("2026-12-07")),
        ];
        let names = |lines: &[SentTo]| lines.iter().map(|l| l.name.clone()).collect::<Vec<_>>();
        sort_report(&mut lines, SendOrder::City, |l| l);
        assert_eq!(names(&lines), ["bruno", "Carla", "Ângela"]);
        sort_report(&mut lines, SendOrder::NextReturn, |l| l);
        assert_eq!(names(&lines), ["Carla", "bruno", "Ângela"]);
        sort_report(&mut lines, SendOrder::Name, |l| l);
        assert_eq!(names(&lines), ["Ângela", "bruno", "Carla"]);
    }

    #[test]
    fn a_sending_needs_a_model_contacts_and_a_company() {
        let refused =
            SendingDraft { order: "cor".into(), ..Default::default() }.validate().expect_err("empty");
        let fields: Vec<_> = refused.fields().collect();
        assert_eq!(fields, ["template", "contacts", "order", "company"]);
        let id = uuid::Uuid::now_v7();
        let draft = SendingDraft {
            template: id.to_string(),
            contacts: vec![id.to_string(), id.to_string()],
            company: "Loja Centro".into(),
            ..Default::default()
        };
        let valid = draft.validate().expect("valid");
        assert_eq!((valid.contacts.len(), valid.order), (1, SendOrder::Name));
    }
}
