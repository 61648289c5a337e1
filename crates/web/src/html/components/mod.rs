//! Pieces that several screens share: form handling, audit and
//! interaction lines, tab strips, saved views, column choosers.
mod audit_line;
mod column_chooser;
pub mod forms;
mod interaction_line;
mod saved_views;
mod tabs;

pub use audit_line::{AuditLine, AuditNames};
pub use column_chooser::{ColumnChoice, column_chooser};
pub use forms::{
    FieldMessages, FormOutcome, FormValues, Pairs, form_id, local_path, number, table_rows, url_encode,
    value, values,
};
pub use interaction_line::{InteractionLabels, InteractionLine, option_label};
pub use saved_views::{ViewChip, view_chips, view_named};
pub use tabs::{TabLink, tab_strip};
