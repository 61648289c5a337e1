//! Telemarketing occurrences [ocorrências de telemarketing] (seed 004):
//! what an agent records after reaching (or failing to reach) a customer
//! from the relationship engine — its type, how it went, notes, and when
//! to call again. An occurrence is an interaction already done: its type
//! is the interaction's nature, so it is a contact on the customer's
//! history, his "last contact" and, by phone, his "last call".
use crate::ValidationErrors;
use crate::interaction::{InteractionChannel, ValidInteraction};
use chrono::{DateTime, DurationRound, NaiveDate, NaiveDateTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

/// Results every organisation starts with; it may add its own.
pub const DEFAULT_RESULTS: &[&str] =
    &["answered", "no_answer", "voicemail", "wrong_number", "call_back", "not_interested", "will_buy"];

/// The status an occurrence is recorded with: it happened.
const DONE: &str = "done";

/// An occurrence as typed in the engine's detail or sent to the API.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct OccurrenceDraft {
    /// One of the organisation's interaction natures (`offer`, `collection`, …).
    pub kind: String,
    /// How the customer was reached; `call` when empty.
    pub channel: String,
    /// One of the organisation's results (`answered`, `no_answer`, …).
    pub result: String,
    pub notes: String,
    /// When to call again, local time `YYYY-MM-DDTHH:MM`; books a call on
    /// the agent's agenda. Empty: no next contact.
    pub next_contact_at: String,
    /// The call list it was made from, whose customer it marks called.
    pub call_list_id: Option<Uuid>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidOccurrence {
    pub interaction: ValidInteraction,
    pub result: String,
    pub next_contact_at: Option<NaiveDateTime>,
}

impl OccurrenceDraft {
    /// Checks the draft against the organisation's natures and results;
    /// a next contact must be later than `now` (local time).
    pub fn validate(
        &self,
        natures: &[String],
        results: &[String],
        now: NaiveDateTime,
    ) -> Result<ValidOccurrence, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let kind = self.kind.trim();
        if kind.is_empty() {
            errors.add("kind", "error-required");
        } else if !natures.iter().any(|n| n == kind) {
            errors.add("kind", "error-nature-invalid");
        }
        let channel = match self.channel.trim() {
            "" => Ok(InteractionChannel::Call),
            code => InteractionChannel::parse(code),
        };
        let channel = errors.check("channel", channel);
        let result = self.result.trim();
        if result.is_empty() {
            errors.add("result", "error-required");
        } else if !results.iter().any(|r| r == result) {
            errors.add("result", "error-occurrence-result-invalid");
        }
        let notes = self.notes.trim().to_string();
        if notes.chars().count() > 4000 {
            errors.add("notes", "error-too-long");
        }
        let next_contact_at = match self.next_contact_at.trim() {
            "" => None,
            text => match crate::appointment::parse_local(text) {
                Ok(at) if at > now => Some(at),
                Ok(_) => {
                    errors.add("next_contact_at", "error-next-contact-past");
                    None
                }
                Err(message) => {
                    errors.add("next_contact_at", message);
                    None
                }
            },
        };
        errors.into_result()?;
        Ok(ValidOccurrence {
            interaction: ValidInteraction {
                nature: kind.to_string(),
                channel: channel.unwrap_or(InteractionChannel::Call),
                status: DONE.to_string(),
                due_on: None,
                description: notes,
            },
            result: result.to_string(),
            next_contact_at,
        })
    }
}

/// The longest period an occurrence report covers.
pub const MAX_REPORT_DAYS: i64 = 366;
/// The longest wait after a contact for a sale to count as its result.
pub const MAX_INVOICE_DAYS: u32 = 365;

/// A report's question: the contacts of `from..=to` (local days), of one
/// agent or all, and how many days after a contact a sale still counts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportPeriod {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub invoice_days: u32,
}

impl ReportPeriod {
    pub fn check(&self) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::new();
        if self.from > self.to {
            errors.add("to", "error-period-reversed");
        } else if (self.to - self.from).num_days() >= MAX_REPORT_DAYS {
            errors.add("to", "error-report-period-too-long");
        }
        if self.invoice_days == 0 || self.invoice_days > MAX_INVOICE_DAYS {
            errors.add("invoice_days", "error-invoice-days");
        }
        errors.into_result()
    }
}

/// A contact as the reports count it.
#[derive(Clone, Debug)]
pub struct Contact {
    pub party: Uuid,
    pub agent: Uuid,
    pub kind: String,
    pub at: DateTime<Utc>,
}

/// A sale (not cancelled) of a contacted customer.
#[derive(Clone, Debug)]
pub struct Sale {
    pub id: Uuid,
    pub party: Uuid,
    pub at: DateTime<Utc>,
    pub total: i64,
}

/// Contacts on one local day: all, and per type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DayContacts {
    pub day: NaiveDate,
    pub total: i64,
    pub by_kind: BTreeMap<String, i64>,
}

/// Every day of the period, those without contacts included, so a chart
/// shows the gaps.
pub fn contacts_per_day(contacts: &[Contact], zone: Tz, period: &ReportPeriod) -> Vec<DayContacts> {
    let mut days: Vec<DayContacts> = period
        .from
        .iter_days()
        .take_while(|day| *day <= period.to)
        .map(|day| DayContacts { day, total: 0, by_kind: BTreeMap::new() })
        .collect();
    for contact in contacts {
        let day = contact.at.with_timezone(&zone).date_naive();
        if let Some(slot) = days.iter_mut().find(|d| d.day == day) {
            slot.total += 1;
            *slot.by_kind.entry(contact.kind.clone()).or_default() += 1;
        }
    }
    days
}

/// How many contacts of each type, the most frequent first.
pub fn contacts_per_kind(contacts: &[Contact]) -> Vec<(String, i64)> {
    let mut counts: BTreeMap<&str, i64> = BTreeMap::new();
    for contact in contacts {
        *counts.entry(&contact.kind).or_default() += 1;
    }
    let mut kinds: Vec<(String, i64)> = counts.into_iter().map(|(kind, n)| (kind.to_string(), n)).collect();
    kinds.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    kinds
}

/// "Listagem do Desempenho de Telemarketing": for one agent, his contacts,
/// the customers they reached, and of those the ones who bought within
/// the days allowed after one of his contacts, with those sales.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Performance {
    pub agent: Uuid,
    pub contacts: i64,
    pub customers: i64,
    pub invoiced: i64,
    pub sales: i64,
    pub revenue: i64,
}

/// Sales are typed to the minute: one in the contact's minute is after it
/// (the customer bought during the call).
fn minute_of(at: DateTime<Utc>) -> DateTime<Utc> {
    at.duration_trunc(chrono::Duration::minutes(1)).unwrap_or(at)
}

/// Each agent's performance, the most invoiced first. A sale counts for
/// every agent who had contacted its customer in the days before it —
/// each agent is judged on his own calls.
pub fn performance(contacts: &[Contact], sales: &[Sale], invoice_days: u32) -> Vec<Performance> {
    let window = chrono::Duration::days(i64::from(invoice_days));
    let mut calls: BTreeMap<Uuid, BTreeMap<Uuid, Vec<DateTime<Utc>>>> = BTreeMap::new();
    for contact in contacts {
        calls.entry(contact.agent).or_default().entry(contact.party).or_default().push(contact.at);
    }
    let mut out: Vec<Performance> = calls
        .into_iter()
        .map(|(agent, parties)| {
            let mut line = Performance {
                agent,
                contacts: parties.values().map(|times| times.len() as i64).sum(),
                customers: parties.len() as i64,
                ..Performance::default()
            };
            let mut invoiced = std::collections::BTreeSet::new();
            for sale in sales {
                let Some(times) = parties.get(&sale.party) else { continue };
                if times.iter().any(|at| minute_of(*at) <= sale.at && sale.at <= *at + window) {
                    invoiced.insert(sale.party);
                    line.sales += 1;
                    line.revenue += sale.total;
                }
            }
            line.invoiced = invoiced.len() as i64;
            line
        })
        .collect();
    out.sort_by(|a, b| b.invoiced.cmp(&a.invoiced).then_with(|| b.contacts.cmp(&a.contacts)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interaction::DEFAULT_NATURES;

    fn lists() -> (Vec<String>, Vec<String>) {
        (
            DEFAULT_NATURES.iter().map(|s| s.to_string()).collect(),
            DEFAULT_RESULTS.iter().map(|s| s.to_string()).collect(),
        )
    }

    fn now() -> NaiveDateTime {
        crate::appointment::parse_local("2026-12-04T10:00").expect("now")
    }

    #[test]
    fn an_occurrence_is_a_call_done_with_its_result() {
        let (natures, results) = lists();
        let draft = OccurrenceDraft {
            kind: "offer".into(),
            result: "call_back".into(),
            notes: "  Ligar depois do almoço ".into(),
            next_contact_at: "2026-12-05T14:30".into(),
            ..Default::default()
        };
        let valid = draft.validate(&natures, &results, now()).expect("valid");
        assert_eq!(valid.interaction.channel, InteractionChannel::Call);
        assert_eq!(valid.interaction.status, "done");
        assert_eq!(valid.interaction.description, "Ligar depois do almoço");
        assert_eq!(valid.next_contact_at.map(|at| at.to_string()), Some("2026-12-05 14:30:00".into()));
    }

    #[test]
    fn each_field_is_checked() {
        let (natures, results) = lists();
        let draft = OccurrenceDraft {
            kind: "lunch".into(),
            channel: "fax".into(),
            result: "".into(),
            notes: "x".repeat(4001),
            next_contact_at: "2026-12-04T09:00".into(),
            call_list_id: None,
        };
        let errors = draft.validate(&natures, &results, now()).expect_err("refused");
        assert_eq!(
            errors.fields().collect::<Vec<_>>(),
            ["kind", "channel", "result", "notes", "next_contact_at"]
        );
    }

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).expect("instant").to_utc()
    }

    #[test]
    fn contacts_are_counted_per_local_day_and_type() {
        let (ana, bia) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let contact =
            |kind: &str, when: &str| Contact { party: ana, agent: bia, kind: kind.into(), at: at(when) };
        let contacts = [
            contact("offer", "2026-12-01T13:00:00Z"),
            // 23:30 in São Paulo on the 1st is the 2nd in UTC.
            contact("offer", "2026-12-02T02:30:00Z"),
            contact("birthday", "2026-12-03T12:00:00Z"),
        ];
        let period = ReportPeriod {
            from: NaiveDate::from_ymd_opt(2026, 12, 1).expect("day"),
            to: NaiveDate::from_ymd_opt(2026, 12, 4).expect("day"),
            invoice_days: 30,
        };
        let days = contacts_per_day(&contacts, chrono_tz::America::Sao_Paulo, &period);
        assert_eq!(days.iter().map(|d| d.total).collect::<Vec<_>>(), [2, 0, 1, 0], "every day, gaps too");
        assert_eq!(days[0].by_kind.get("offer"), Some(&2));
        assert_eq!(contacts_per_kind(&contacts), [("offer".to_string(), 2), ("birthday".to_string(), 1)]);
        assert!(ReportPeriod { invoice_days: 0, ..period.clone() }.check().is_err());
        assert!(ReportPeriod { to: period.from - chrono::Duration::days(1), ..period }.check().is_err());
    }

    #[test]
    fn a_sale_within_the_days_after_an_agents_contact_is_his() {
        let (ana, caio, agent, other) =
            (Uuid::from_u128(1), Uuid::from_u128(2), Uuid::from_u128(10), Uuid::from_u128(11));
        let contacts = [
            Contact { party: ana, agent, kind: "offer".into(), at: at("2026-11-01T12:00:00Z") },
            Contact { party: ana, agent, kind: "offer".into(), at: at("2026-11-20T12:00:00Z") },
            Contact { party: caio, agent, kind: "offer".into(), at: at("2026-11-01T12:00:00Z") },
            Contact { party: caio, agent: other, kind: "collection".into(), at: at("2026-11-25T12:00:00Z") },
        ];
        let sale = |id: u128, party: Uuid, when: &str, total: i64| Sale {
            id: Uuid::from_u128(id),
            party,
            at: at(when),
            total,
        };
        let sales = [
            sale(100, ana, "2026-11-25T12:00:00Z", 50_000),
            // Caio bought 29 days after the first agent's call, and 5 after the other's.
            sale(101, caio, "2026-11-30T12:00:00Z", 20_000),
            // Before any call.
            sale(102, ana, "2026-10-01T12:00:00Z", 99_900),
            // Over 30 days after every call to Caio: nobody's.
            sale(103, caio, "2026-12-30T12:00:00Z", 10_000),
        ];
        let lines = performance(&contacts, &sales, 30);
        let first = lines.iter().find(|l| l.agent == agent).expect("agent");
        assert_eq!(
            (first.contacts, first.customers, first.invoiced, first.sales, first.revenue),
            (3, 2, 2, 2, 70_000)
        );
        let second = lines.iter().find(|l| l.agent == other).expect("other");
        assert_eq!((second.contacts, second.invoiced, second.revenue), (1, 1, 20_000));
    }
}
