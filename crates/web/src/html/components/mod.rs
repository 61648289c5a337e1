//! Pieces that several screens share: form handling, audit and
//! interaction lines.
mod audit_line;
pub mod forms;
mod interaction_line;

pub use audit_line::{AuditLine, AuditNames};
pub use forms::{FieldMessages, FormOutcome, FormValues, Pairs, form_id, local_path, number, value, values};
pub use interaction_line::{InteractionLabels, InteractionLine, option_label};
