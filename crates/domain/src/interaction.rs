//! Interactions with a party [atendimento] (seeds 000, 002): what it is
//! about (its nature), how it happens (the channel), where it stands (its
//! status) and who answers for it. Natures and statuses are the
//! organisation's own lists; these are the ones it starts with.
use crate::ValidationErrors;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

string_enum!(
    /// How the interaction happens.
    InteractionChannel {
        Call = "call",
        Email = "email",
        Meeting = "meeting",
        Letter = "letter",
        Visit = "visit",
        WhatsApp = "whatsapp",
        Sms = "sms",
    } error "error-channel-invalid"
);

/// Natures every organisation starts with [naturezas de atendimento].
/// The last four are telemarketing's occurrence types (seed 004).
pub const DEFAULT_NATURES: &[&str] = &[
    "sale",
    "after_sale",
    "workshop",
    "complaint",
    "help_desk",
    "offer",
    "collection",
    "birthday",
    "reactivation",
];
/// The nature of an interaction opened from a vehicle (seed 000, step 8).
pub const AFTER_SALE: &str = "after_sale";
/// Statuses every organisation starts with; the last two close it.
pub const DEFAULT_STATUSES: &[&str] = &["open", "in_progress", "done", "cancelled"];
pub const CLOSED_STATUSES: &[&str] = &["done", "cancelled"];

/// An interaction as typed in a form or sent to the API.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct InteractionDraft {
    /// One of the organisation's natures (`sale`, `after_sale`, …).
    pub nature: String,
    /// `call`, `email`, `meeting`, `letter`, `visit`, `whatsapp`, `sms`
    pub channel: String,
    /// One of the organisation's statuses; `open` when empty.
    pub status: String,
    /// The user who answers for it; the author when empty.
    pub responsible_id: Option<uuid::Uuid>,
    /// `YYYY-MM-DD`
    pub due_on: Option<NaiveDate>,
    pub description: String,
    pub vehicle_id: Option<uuid::Uuid>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidInteraction {
    pub nature: String,
    pub channel: InteractionChannel,
    pub status: String,
    pub due_on: Option<NaiveDate>,
    pub description: String,
}

impl InteractionDraft {
    /// Checks the draft against the organisation's lists.
    pub fn validate(
        &self,
        natures: &[String],
        statuses: &[String],
    ) -> Result<ValidInteraction, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let nature = self.nature.trim();
        if nature.is_empty() {
            errors.add("nature", "error-required");
        } else if !natures.iter().any(|n| n == nature) {
            errors.add("nature", "error-nature-invalid");
        }
        let channel = errors.check("channel", InteractionChannel::parse(&self.channel));
        let status = match self.status.trim() {
            "" => "open",
            s => s,
        };
        if !statuses.iter().any(|s| s == status) {
            errors.add("status", "error-interaction-status-invalid");
        }
        let description = self.description.trim().to_string();
        if description.chars().count() > 4000 {
            errors.add("description", "error-too-long");
        }
        errors.into_result()?;
        Ok(ValidInteraction {
            nature: nature.to_string(),
            channel: channel.unwrap_or(InteractionChannel::Call),
            status: status.to_string(),
            due_on: self.due_on,
            description,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lists() -> (Vec<String>, Vec<String>) {
        (
            DEFAULT_NATURES.iter().map(|s| s.to_string()).collect(),
            DEFAULT_STATUSES.iter().map(|s| s.to_string()).collect(),
        )
    }

    #[test]
    fn nature_channel_and_status_come_from_the_lists() {
        let (natures, statuses) = lists();
        let draft = InteractionDraft {
            nature: "lunch".into(),
            channel: "fax".into(),
            status: "lost".into(),
            ..Default::default()
        };
        let errors = draft.validate(&natures, &statuses).expect_err("refused");
        assert_eq!(errors.fields().collect::<Vec<_>>(), ["nature", "channel", "status"]);
        let ok =
            InteractionDraft { nature: "workshop".into(), channel: "whatsapp".into(), ..Default::default() };
        let valid = ok.validate(&natures, &statuses).expect("valid");
        assert_eq!((valid.status.as_str(), valid.channel), ("open", InteractionChannel::WhatsApp));
    }
}
