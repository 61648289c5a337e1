//! The prospects' board [funil de negociação]: seed 001's prospects whose
//! negotiation is "em andamento", by the stage it has reached, from the
//! first contact to the closing. A negotiation that is won makes the
//! prospect a customer, one that is abandoned is "arquivada": both leave
//! the board through the customer's sheet.
use serde::{Deserialize, Serialize};

string_enum!(
    /// How far a prospect's negotiation has come, in the board's order.
    NegotiationStage {
        FirstContact = "first_contact",
        Qualified = "qualified",
        Proposal = "proposal",
        Negotiation = "negotiation",
        Closing = "closing",
    } error "error-negotiation-stage-invalid"
);

/// A column of the board shows this many prospects, the latest moved first;
/// its count says how many more there are.
pub const CARDS_PER_STAGE: u64 = 30;

impl NegotiationStage {
    /// The history's words for a move into this stage (a message key).
    pub fn moved_key(self) -> &'static str {
        match self {
            NegotiationStage::FirstContact => "timeline-negotiation-first_contact",
            NegotiationStage::Qualified => "timeline-negotiation-qualified",
            NegotiationStage::Proposal => "timeline-negotiation-proposal",
            NegotiationStage::Negotiation => "timeline-negotiation-negotiation",
            NegotiationStage::Closing => "timeline-negotiation-closing",
        }
    }
}

/// A stage's name as an organisation writes it: trimmed, spaces tidied,
/// at most 40 characters; `None` when left blank (the catalogue's name).
pub fn parse_stage_name(name: &str) -> Result<Option<String>, &'static str> {
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    match name.chars().count() {
        0 => Ok(None),
        1..=40 => Ok(Some(name)),
        _ => Err("error-stage-name-too-long"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_read_as_written_and_refuse_the_rest() {
        assert_eq!(NegotiationStage::parse(" proposal "), Ok(NegotiationStage::Proposal));
        assert_eq!(NegotiationStage::parse("won"), Err("error-negotiation-stage-invalid"));
        assert_eq!(NegotiationStage::ALL.first(), Some(&NegotiationStage::FirstContact));
        let keys: std::collections::BTreeSet<_> =
            NegotiationStage::ALL.iter().map(|s| s.moved_key()).collect();
        assert_eq!(keys.len(), NegotiationStage::ALL.len(), "a key per stage");
    }

    #[test]
    fn a_stage_name_is_tidied_and_short_or_blank() {
        assert_eq!(parse_stage_name("  Test   drive "), Ok(Some("Test drive".into())));
        assert_eq!(parse_stage_name("  "), Ok(None), "blank keeps the catalogue's");
        assert_eq!(parse_stage_name(&"é".repeat(40)), Ok(Some("é".repeat(40))));
        assert_eq!(parse_stage_name(&"x".repeat(41)), Err("error-stage-name-too-long"));
    }
}
