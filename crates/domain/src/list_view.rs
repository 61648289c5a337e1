//! How a person sees a list: the columns he chose, in his order, and
//! saved views — a name for the list's filters, sort and columns, kept for
//! oneself or shared with the organisation.
use crate::ValidationErrors;
use serde::{Deserialize, Serialize};

string_enum!(
    /// A column the customer list may show besides the name, which is
    /// always there.
    CustomerColumn {
        Document = "document",
        Status = "status",
        Phone = "phone",
        Email = "email",
        City = "city",
        State = "state",
        Seller = "seller",
        Created = "created",
        Consent = "consent",
        Revenue = "revenue",
    } error "error-column-invalid"
);

/// The customer list's columns for someone who never chose.
pub const DEFAULT_CUSTOMER_COLUMNS: [CustomerColumn; 8] = [
    CustomerColumn::Document,
    CustomerColumn::Status,
    CustomerColumn::Phone,
    CustomerColumn::Email,
    CustomerColumn::City,
    CustomerColumn::State,
    CustomerColumn::Created,
    CustomerColumn::Consent,
];

/// A list's optional column: what its chooser offers, its user keeps, in
/// his order, and a saved view of it remembers.
pub trait ListColumn: Copy + PartialEq + 'static {
    /// The list's key in storage.
    const LIST: &'static str;
    /// Every column, in the chooser's order.
    fn every() -> &'static [Self];
    /// The columns of someone who never chose.
    fn defaults() -> &'static [Self];
    fn code(self) -> &'static str;
    fn from_code(code: &str) -> Result<Self, &'static str>;
}

/// The lists whose columns and views are kept. Stored as `as_str`.
pub const CUSTOMER_LIST: &str = "customers";

impl ListColumn for CustomerColumn {
    const LIST: &'static str = CUSTOMER_LIST;

    fn every() -> &'static [Self] {
        CustomerColumn::ALL
    }

    fn defaults() -> &'static [Self] {
        &DEFAULT_CUSTOMER_COLUMNS
    }

    fn code(self) -> &'static str {
        self.as_str()
    }

    fn from_code(code: &str) -> Result<Self, &'static str> {
        CustomerColumn::parse(code)
    }
}

/// Columns as chosen, in order, each once.
pub fn parse_columns<'a, C: ListColumn>(
    codes: impl IntoIterator<Item = &'a str>,
) -> Result<Vec<C>, ValidationErrors> {
    let mut columns = Vec::new();
    for code in codes.into_iter().map(str::trim).filter(|c| !c.is_empty()) {
        let column = C::from_code(code).map_err(|message| ValidationErrors::single("columns", message))?;
        if !columns.contains(&column) {
            columns.push(column);
        }
    }
    Ok(columns)
}

/// Columns as stored: their codes, comma-separated, in order.
pub fn columns_text<C: ListColumn>(columns: &[C]) -> String {
    columns.iter().map(|c| c.code()).collect::<Vec<_>>().join(",")
}

/// Columns as read back; a code no longer known is dropped, not fatal.
pub fn columns_from_text<C: ListColumn>(text: &str) -> Vec<C> {
    text.split(',').filter_map(|code| C::from_code(code).ok()).collect()
}

/// A view's name: trimmed, 1 to 60 characters.
pub fn parse_view_name(name: &str) -> Result<String, &'static str> {
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    match name.chars().count() {
        0 => Err("error-required"),
        1..=60 => Ok(name),
        _ => Err("error-view-name-too-long"),
    }
}

/// Moves a column one place towards the start (the chooser's ↑).
pub fn move_up<C: ListColumn>(columns: &mut [C], column: C) {
    if let Some(at) = columns.iter().position(|c| *c == column)
        && at > 0
    {
        columns.swap(at - 1, at);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_keep_their_order_once_each() {
        let columns: Vec<CustomerColumn> =
            parse_columns(["phone", "document", "phone", " "]).expect("parses");
        assert_eq!(columns, [CustomerColumn::Phone, CustomerColumn::Document]);
        assert_eq!(columns_text(&columns), "phone,document");
        assert_eq!(columns_from_text::<CustomerColumn>("phone,gone,document"), columns);
        assert!(parse_columns::<CustomerColumn>(["password"]).is_err());
        let mut order = columns.clone();
        move_up(&mut order, CustomerColumn::Document);
        assert_eq!(order, [CustomerColumn::Document, CustomerColumn::Phone]);
        move_up(&mut order, CustomerColumn::Document);
        assert_eq!(order, [CustomerColumn::Document, CustomerColumn::Phone], "the first stays first");
    }

    #[test]
    fn a_view_needs_a_short_name() {
        assert_eq!(parse_view_name("  Clientes  VIP "), Ok("Clientes VIP".into()));
        assert_eq!(parse_view_name(" "), Err("error-required"));
        assert_eq!(parse_view_name(&"x".repeat(61)), Err("error-view-name-too-long"));
    }
}
