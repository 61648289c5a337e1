//! Pieces that several screens share: form handling, audit and
//! interaction lines, tab strips.
mod audit_line;
pub mod forms;
mod interaction_line;
mod tabs;

pub use audit_line::{AuditLine, AuditNames};
pub use forms::{
    FieldMessages, FormOutcome, FormValues, Pairs, form_id, local_path, number, table_rows, url_encode,
    value, values,
};
pub use interaction_line::{InteractionLabels, InteractionLine, option_label};
pub use tabs::{TabLink, tab_strip};
