//! Phone numbers, stored in E.164 (+5511987654321) whatever way people
//! typed them.
use serde::{Deserialize, Serialize};
use std::fmt;

/// The country assumed for numbers typed without one (and addresses and
/// documents): the organisation's.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Country {
    #[default]
    #[serde(rename = "BR")]
    Brazil,
    #[serde(rename = "PT")]
    Portugal,
}

impl Country {
    pub const ALL: [Country; 2] = [Country::Brazil, Country::Portugal];

    pub fn code(self) -> &'static str {
        match self {
            Country::Brazil => "BR",
            Country::Portugal => "PT",
        }
    }

    pub fn parse(value: &str) -> Option<Country> {
        match value.trim().to_ascii_uppercase().as_str() {
            "BR" => Some(Country::Brazil),
            "PT" => Some(Country::Portugal),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Phone(String);

impl Phone {
    pub fn parse(input: &str, default_country: Country) -> Result<Phone, &'static str> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err("error-required");
        }
        if trimmed.chars().any(|c| !(c.is_ascii_digit() || " +-().".contains(c))) {
            return Err("error-phone-invalid");
        }
        let digits: String = trimmed.chars().filter(char::is_ascii_digit).collect();
        let international = trimmed.starts_with('+') || trimmed.starts_with("00");
        let digits = if trimmed.starts_with("00") { digits[2..].to_string() } else { digits };
        let e164 = if international {
            digits
        } else {
            match default_country {
                Country::Brazil => {
                    // A leading trunk 0 (011 98765-4321) is dropped.
                    let national = digits.strip_prefix('0').unwrap_or(&digits);
                    format!("55{national}")
                }
                Country::Portugal => format!("351{digits}"),
            }
        };
        if let Some(national) = e164.strip_prefix("55") {
            brazil_valid(national).then_some(()).ok_or("error-phone-invalid")?;
        } else if let Some(national) = e164.strip_prefix("351") {
            portugal_valid(national).then_some(()).ok_or("error-phone-invalid")?;
        } else if !(8..=15).contains(&e164.len()) || e164.starts_with('0') {
            return Err("error-phone-invalid");
        }
        Ok(Phone(format!("+{e164}")))
    }

    pub fn e164(&self) -> &str {
        &self.0
    }

    /// As people of the number's country write it.
    pub fn formatted(&self) -> String {
        let digits = &self.0[1..];
        if let Some(n) = digits.strip_prefix("55") {
            match n.len() {
                11 => format!("({}) {}-{}", &n[..2], &n[2..7], &n[7..]),
                10 => format!("({}) {}-{}", &n[..2], &n[2..6], &n[6..]),
                _ => self.0.clone(),
            }
        } else if let Some(n) = digits.strip_prefix("351") {
            format!("+351 {} {} {}", &n[..3], &n[3..6], &n[6..])
        } else {
            self.0.clone()
        }
    }

    /// The forms a person may type when searching: full, national, and the
    /// subscriber number alone.
    pub fn search_forms(&self) -> Vec<String> {
        let digits = self.0[1..].to_string();
        let mut forms = vec![digits.clone()];
        for prefix in ["55", "351"] {
            if let Some(national) = digits.strip_prefix(prefix) {
                forms.push(national.to_string());
                if prefix == "55" && national.len() > 2 {
                    forms.push(national[2..].to_string());
                }
            }
        }
        forms
    }
}

/// DDD (two digits, neither zero) then a mobile of nine digits starting
/// with 9, or a landline of eight starting with 2–5.
fn brazil_valid(national: &str) -> bool {
    let b = national.as_bytes();
    let ddd_ok = b.len() >= 2 && b[0] != b'0' && b[1] != b'0';
    ddd_ok
        && match national.len() {
            11 => b[2] == b'9',
            10 => (b'2'..=b'5').contains(&b[2]),
            _ => false,
        }
}

/// Nine digits: 2 landline, 3 nomadic, 9 mobile.
fn portugal_valid(national: &str) -> bool {
    national.len() == 9 && matches!(national.as_bytes()[0], b'2' | b'3' | b'9')
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.formatted())
    }
}

impl Phone {
    /// A stored value, already validated when it was written.
    pub fn from_stored(e164: String) -> Phone {
        Phone(e164)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brazilian_numbers_in_any_format() {
        for typed in
            ["(11) 98765-4321", "11987654321", "+55 11 98765-4321", "011 98765 4321", "0055 11 987654321"]
        {
            assert_eq!(
                Phone::parse(typed, Country::Brazil).map(|p| p.0),
                Ok("+5511987654321".into()),
                "{typed}"
            );
        }
        assert_eq!(
            Phone::parse("(21) 3456-7890", Country::Brazil).map(|p| p.formatted()),
            Ok("(21) 3456-7890".into())
        );
        for bad in ["1234", "(11) 8765-43210", "(01) 98765-4321", "abc", "(11) 18765-4321"] {
            assert!(Phone::parse(bad, Country::Brazil).is_err(), "{bad}");
        }
    }

    #[test]
    fn portuguese_numbers() {
        assert_eq!(Phone::parse("912 345 678", Country::Portugal).map(|p| p.0), Ok("+351912345678".into()));
        assert_eq!(
            Phone::parse("+351 212 345 678", Country::Brazil).map(|p| p.0),
            Ok("+351212345678".into())
        );
        assert!(Phone::parse("812 345 678", Country::Portugal).is_err());
    }
}
