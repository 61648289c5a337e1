//! Telemarketing occurrences [ocorrências de telemarketing] (seed 004):
//! what an agent records after reaching (or failing to reach) a customer
//! from the relationship engine — its type, how it went, notes, and when
//! to call again. An occurrence is an interaction already done: its type
//! is the interaction's nature, so it is a contact on the customer's
//! history, his "last contact" and, by phone, his "last call".
use crate::ValidationErrors;
use crate::interaction::{InteractionChannel, ValidInteraction};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

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
        };
        let errors = draft.validate(&natures, &results, now()).expect_err("refused");
        assert_eq!(
            errors.fields().collect::<Vec<_>>(),
            ["kind", "channel", "result", "notes", "next_contact_at"]
        );
    }
}
