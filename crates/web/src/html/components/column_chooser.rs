//! A list's column chooser: the columns shown, in the user's order, then
//! the others (the customer list's and the work queue's;
//! `components/column_chooser.html` draws it).
use domain::list_view::ListColumn;

/// A column in the chooser: shown or not.
pub struct ColumnChoice {
    pub code: &'static str,
    pub label: String,
    pub shown: bool,
}

/// The chooser of a list whose columns are `C`, each named by `label`.
pub fn column_chooser<C: ListColumn>(shown: &[C], label: impl Fn(C) -> String) -> Vec<ColumnChoice> {
    let hidden = C::every().iter().filter(|c| !shown.contains(c));
    shown
        .iter()
        .map(|c| (*c, true))
        .chain(hidden.map(|c| (*c, false)))
        .map(|(column, shown)| ColumnChoice { code: column.code(), label: label(column), shown })
        .collect()
}
