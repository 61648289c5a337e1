//! Fields an organisation adds to its registration sheet ("the profile
//! changes over time", seed 003): text, number, date or a choice list.
use crate::ValidationErrors;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

string_enum!(
    CustomFieldKind { Text = "text", Number = "number", Date = "date", Choice = "choice" } error "error-custom-kind-invalid"
);

/// A field definition, valid by construction.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomFieldDef {
    /// Stable, derived from the first label: `numero_da_frota`.
    pub key: String,
    pub label: String,
    pub kind: CustomFieldKind,
    /// For `choice` fields, the allowed values in display order.
    pub choices: Vec<String>,
}

impl CustomFieldDef {
    pub fn parse(label: &str, kind: &str, choices: &str) -> Result<CustomFieldDef, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let label = label.split_whitespace().collect::<Vec<_>>().join(" ");
        if label.is_empty() {
            errors.add("label", "error-required");
        } else if label.chars().count() > 80 {
            errors.add("label", "error-too-long");
        }
        let kind = errors.check("kind", CustomFieldKind::parse(kind));
        let mut options: Vec<String> = Vec::new();
        for option in choices.lines().flat_map(|l| l.split(';')) {
            let option = option.trim();
            if !option.is_empty() && !options.iter().any(|o| o.eq_ignore_ascii_case(option)) {
                options.push(option.chars().take(80).collect());
            }
        }
        if kind == Some(CustomFieldKind::Choice) && options.is_empty() {
            errors.add("choices", "error-choices-required");
        }
        let key: String = crate::search::fold(&label)
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect::<String>()
            .split('_')
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join("_")
            .chars()
            .take(40)
            .collect();
        if errors.is_empty() && key.is_empty() {
            errors.add("label", "error-label-letters");
        }
        match kind {
            Some(kind) if errors.is_empty() => Ok(CustomFieldDef {
                key,
                label,
                choices: if kind == CustomFieldKind::Choice { options } else { Vec::new() },
                kind,
            }),
            _ => Err(errors),
        }
    }

    /// Validates a typed value; `None` when left empty. Numbers are kept
    /// with a dot (1234.5), dates as YYYY-MM-DD, choices as defined.
    pub fn parse_value(&self, raw: &str) -> Result<Option<String>, &'static str> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Ok(None);
        }
        match self.kind {
            CustomFieldKind::Text if raw.chars().count() > 500 => Err("error-too-long"),
            CustomFieldKind::Text => Ok(Some(raw.to_string())),
            CustomFieldKind::Number => {
                // Brazil and Portugal write 1.234,5: the comma is the decimal
                // mark and dots group thousands; "1.234" alone is a thousand.
                let groups_thousands = |text: &str| {
                    let mut parts = text.trim_start_matches('-').split('.');
                    parts.next().is_some_and(|head| !head.is_empty() && head.len() <= 3)
                        && text.contains('.')
                        && parts.all(|group| group.len() == 3)
                };
                let normalized = if raw.contains(',') {
                    raw.replace('.', "").replace(',', ".")
                } else if groups_thousands(raw) {
                    raw.replace('.', "")
                } else {
                    raw.to_string()
                };
                normalized
                    .parse::<f64>()
                    .ok()
                    .filter(|n| n.is_finite() && normalized.len() <= 24)
                    .map(|_| Some(normalized))
                    .ok_or("error-number-invalid")
            }
            CustomFieldKind::Date => NaiveDate::parse_from_str(raw, "%Y-%m-%d")
                .or_else(|_| NaiveDate::parse_from_str(raw, "%d/%m/%Y"))
                .map(|d| Some(d.to_string()))
                .map_err(|_| "error-date-invalid"),
            CustomFieldKind::Choice => self
                .choices
                .iter()
                .find(|c| c.eq_ignore_ascii_case(raw))
                .map(|c| Some(c.clone()))
                .ok_or("error-choice-invalid"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn definitions_and_values() {
        let fleet = CustomFieldDef::parse("Número da frota", "number", "").expect("valid");
        assert_eq!(fleet.key, "numero_da_frota");
        assert_eq!(fleet.parse_value("1.234,5"), Ok(Some("1234.5".into())));
        assert_eq!(fleet.parse_value("doze"), Err("error-number-invalid"));
        assert_eq!(fleet.parse_value("1.234"), Ok(Some("1234".into())));
        assert_eq!(fleet.parse_value("1.5"), Ok(Some("1.5".into())));
        let size = CustomFieldDef::parse("Porte", "choice", "Pequeno\nMédio\nGrande").expect("valid");
        assert_eq!(size.parse_value("médio"), Ok(Some("Médio".into())));
        assert_eq!(size.parse_value("Enorme"), Err("error-choice-invalid"));
        let since = CustomFieldDef::parse("Cliente desde", "date", "").expect("valid");
        assert_eq!(since.parse_value("05/03/2019"), Ok(Some("2019-03-05".into())));
        assert!(CustomFieldDef::parse("", "text", "").is_err());
        assert!(CustomFieldDef::parse("Porte", "choice", "").is_err());
        assert!(CustomFieldDef::parse("Porte", "cor", "").is_err());
    }
}
