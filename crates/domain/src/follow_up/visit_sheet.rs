//! The visit sheet [ficha de visita] of a sales contact: what a layout of
//! the organisation's shows of the contact, under its heading, for the
//! seller who visits the customer.
use crate::ValidationErrors;
use serde::{Deserialize, Serialize};

string_enum!(
    /// A part of the visit sheet: the customer's data, the contact's
    /// products, its attendance-cycle answers, its notes, and blank lines
    /// for the visit's report and signature.
    SheetSection {
        Customer = "customer",
        Products = "products",
        Cycle = "cycle",
        Notes = "notes",
        Report = "report",
    } error "error-sheet-section-invalid"
);

/// A layout as typed: its name, the heading printed on top, its sections
/// (codes of [`SheetSection`]) and whether it is offered.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct LayoutDraft {
    pub name: String,
    pub heading: String,
    pub sections: Vec<String>,
    pub active: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidLayout {
    pub name: String,
    pub heading: String,
    /// In the sheet's own order, each once.
    pub sections: Vec<SheetSection>,
    pub active: bool,
}

impl LayoutDraft {
    pub fn validate(&self) -> Result<ValidLayout, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let name = errors.line("name", &self.name, 80, true);
        let heading = errors.line("heading", &self.heading, 200, false);
        let mut chosen = Vec::new();
        for typed in self.sections.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
            match SheetSection::parse(typed) {
                Ok(section) => chosen.push(section),
                Err(message) => errors.add("sections", message),
            }
        }
        let sections: Vec<SheetSection> =
            SheetSection::ALL.iter().copied().filter(|s| chosen.contains(s)).collect();
        if sections.is_empty() && !errors.fields().any(|f| f == "sections") {
            errors.add("sections", "error-sheet-sections-required");
        }
        errors.into_result()?;
        Ok(ValidLayout { name, heading, sections, active: self.active })
    }
}

/// Reads the sections a layout stored; unknown codes (from a later
/// version) are left out.
pub fn read_sections(stored: &str) -> Vec<SheetSection> {
    serde_json::from_str::<Vec<String>>(stored)
        .unwrap_or_default()
        .iter()
        .filter_map(|code| SheetSection::parse(code).ok())
        .collect()
}

pub fn write_sections(sections: &[SheetSection]) -> String {
    serde_json::to_string(&sections.iter().map(|s| s.as_str()).collect::<Vec<_>>()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_layout_keeps_the_sheets_order_and_needs_a_section() {
        let draft = LayoutDraft {
            name: " Visita técnica ".into(),
            sections: vec!["report".into(), "customer".into(), "report".into()],
            ..Default::default()
        };
        let valid = draft.validate().expect("valid");
        assert_eq!(valid.name, "Visita técnica");
        assert_eq!(valid.sections, [SheetSection::Customer, SheetSection::Report]);
        assert_eq!(read_sections(&write_sections(&valid.sections)), valid.sections);

        let none = LayoutDraft { name: "Vazia".into(), ..Default::default() };
        assert_eq!(none.validate().expect_err("none").0[0].message, "error-sheet-sections-required");
        let odd = LayoutDraft { name: "X".into(), sections: vec!["mapa".into()], ..Default::default() };
        assert_eq!(odd.validate().expect_err("odd").0[0].message, "error-sheet-section-invalid");
    }
}
