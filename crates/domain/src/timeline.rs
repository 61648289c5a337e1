//! A party's history [histórico] (seed 000, step 15): every movement in
//! time order. Each capability appends its events in the transaction of the
//! movement, so the profile reads one indexed list instead of asking every
//! capability — and a new capability only adds an event kind.
use serde::{Deserialize, Serialize};

string_enum!(
    /// What a movement was about; the history filters on it.
    EventKind {
        Registration = "registration",
        Consent = "consent",
        Note = "note",
        Vehicle = "vehicle",
        Interaction = "interaction",
        Appointment = "appointment",
        Message = "message",
        Sale = "sale",
        Quote = "quote",
        Order = "order",
        Contract = "contract",
        SalesContact = "sales_contact",
        Loyalty = "loyalty",
    } error "error-event-kind-invalid"
);

/// One movement: `action` is a message key (`timeline-vehicle-added`), so
/// the history reads in each user's language; `detail` is the data it names
/// (a plate, a nature, a title).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    pub kind: EventKind,
    pub action: &'static str,
    pub detail: String,
    /// The record the event is about, for a link.
    pub subject: Option<uuid::Uuid>,
}

impl Event {
    pub fn new(
        kind: EventKind,
        action: &'static str,
        detail: impl Into<String>,
        subject: Option<uuid::Uuid>,
    ) -> Event {
        Event { kind, action, detail: detail.into(), subject }
    }
}
