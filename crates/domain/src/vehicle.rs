//! Vehicles a party owns [veículos do cliente] and vehicles it would like
//! [interesse veículo] (seed 000). Other businesses read "products".
use crate::ValidationErrors;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A Brazilian licence plate, old (ABC-1234) or Mercosul (ABC1D23); kept as
/// its seven characters so "abc 1234", "ABC-1234" and "ABC1234" are one.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Plate(String);

impl Plate {
    pub fn parse(raw: &str) -> Result<Plate, &'static str> {
        let text: String =
            raw.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_uppercase()).collect();
        let b = text.as_bytes();
        let shape = b.len() == 7
            && b[..3].iter().all(u8::is_ascii_uppercase)
            && b[3].is_ascii_digit()
            && (b[4].is_ascii_digit() || b[4].is_ascii_uppercase())
            && b[5..].iter().all(u8::is_ascii_digit);
        // Anything but letters, digits and separators is a typo, not a plate.
        let clean = raw.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == ' ');
        if shape && clean { Ok(Plate(text)) } else { Err("error-plate-invalid") }
    }

    /// The seven characters, as stored and searched.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_mercosul(&self) -> bool {
        self.0.as_bytes()[4].is_ascii_uppercase()
    }
}

impl fmt::Display for Plate {
    /// Old plates are written with a hyphen; Mercosul plates have none.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_mercosul() { f.write_str(&self.0) } else { write!(f, "{}-{}", &self.0[..3], &self.0[3..]) }
    }
}

impl TryFrom<String> for Plate {
    type Error = &'static str;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Plate::parse(&value)
    }
}

impl From<Plate> for String {
    fn from(plate: Plate) -> String {
        plate.0
    }
}

/// A vehicle identification number [chassi] (ISO 3779): 17 characters,
/// digits and capitals without I, O and Q, which read as 1 and 0. The check
/// digit is only mandatory in North America, so it is not required here.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Vin(String);

impl Vin {
    pub fn parse(raw: &str) -> Result<Vin, &'static str> {
        let text: String = raw.trim().chars().filter(|c| *c != ' ').map(|c| c.to_ascii_uppercase()).collect();
        if text.len() != 17 {
            return Err("error-vin-length");
        }
        if !text
            .chars()
            .all(|c| c.is_ascii_digit() || (c.is_ascii_uppercase() && !matches!(c, 'I' | 'O' | 'Q')))
        {
            return Err("error-vin-invalid");
        }
        // ISO 3779: the serial's last four positions are digits.
        if !text[13..].chars().all(|c| c.is_ascii_digit()) {
            return Err("error-vin-invalid");
        }
        Ok(Vin(text))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Vin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Vin {
    type Error = &'static str;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Vin::parse(&value)
    }
}

impl From<Vin> for String {
    fn from(vin: Vin) -> String {
        vin.0
    }
}

/// The oldest model year a registry accepts; older is a typo.
const FIRST_MODEL_YEAR: i32 = 1900;

/// A vehicle as typed in a form or sent to the API.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct VehicleDraft {
    pub plate: String,
    pub vin: String,
    pub make: String,
    pub model: String,
    /// Model year.
    pub year: Option<i32>,
    pub colour: String,
    pub mileage_km: Option<i64>,
    /// Sold by this business (or bought elsewhere).
    pub bought_here: bool,
}

/// A vehicle whose every field holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidVehicle {
    pub plate: Option<Plate>,
    pub vin: Option<Vin>,
    pub make: String,
    pub model: String,
    pub year: Option<i32>,
    pub colour: String,
    pub mileage_km: Option<i64>,
    pub bought_here: bool,
}

fn text(value: &str, max: usize) -> Result<String, &'static str> {
    let value = value.split_whitespace().collect::<Vec<_>>().join(" ");
    if value.chars().count() > max { Err("error-too-long") } else { Ok(value) }
}

fn model_year(year: Option<i32>, this_year: i32) -> Result<Option<i32>, &'static str> {
    match year {
        Some(y) if !(FIRST_MODEL_YEAR..=this_year + 1).contains(&y) => Err("error-year-invalid"),
        other => Ok(other),
    }
}

impl VehicleDraft {
    /// `this_year` bounds the model year: next year's models are on sale.
    pub fn validate(&self, this_year: i32) -> Result<ValidVehicle, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let plate = match self.plate.trim() {
            "" => Some(None),
            raw => errors.check("plate", Plate::parse(raw).map(Some)),
        };
        let vin = match self.vin.trim() {
            "" => Some(None),
            raw => errors.check("vin", Vin::parse(raw).map(Some)),
        };
        if self.plate.trim().is_empty() && self.vin.trim().is_empty() {
            errors.add("plate", "error-plate-or-vin");
        }
        let make = errors.check("make", text(&self.make, 60));
        let model = errors.check("model", text(&self.model, 80));
        if self.model.trim().is_empty() {
            errors.add("model", "error-required");
        }
        let year = errors.check("year", model_year(self.year, this_year));
        let colour = errors.check("colour", text(&self.colour, 40));
        let mileage_km = match self.mileage_km {
            Some(km) if !(0..=5_000_000).contains(&km) => {
                errors.add("mileage_km", "error-mileage-invalid");
                None
            }
            other => Some(other),
        };
        errors.into_result()?;
        // No error was recorded, so every check above returned its value.
        Ok(ValidVehicle {
            plate: plate.flatten(),
            vin: vin.flatten(),
            make: make.unwrap_or_default(),
            model: model.unwrap_or_default(),
            year: year.flatten(),
            colour: colour.unwrap_or_default(),
            mileage_km: mileage_km.flatten(),
            bought_here: self.bought_here,
        })
    }
}

/// A vehicle the party would like [interesse veículo]: what, which years
/// and what price, all optional but one.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct VehicleInterestDraft {
    pub make: String,
    pub model: String,
    pub year_from: Option<i32>,
    pub year_to: Option<i32>,
    /// In cents.
    pub price_min: Option<i64>,
    /// In cents.
    pub price_max: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidVehicleInterest {
    pub make: String,
    pub model: String,
    pub year_from: Option<i32>,
    pub year_to: Option<i32>,
    pub price_min: Option<i64>,
    pub price_max: Option<i64>,
}

impl VehicleInterestDraft {
    pub fn validate(&self, this_year: i32) -> Result<ValidVehicleInterest, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let make = errors.check("make", text(&self.make, 60));
        let model = errors.check("model", text(&self.model, 80));
        if self.make.trim().is_empty() && self.model.trim().is_empty() {
            errors.add("model", "error-interest-empty");
        }
        let year_from = errors.check("year_from", model_year(self.year_from, this_year + 1));
        let year_to = errors.check("year_to", model_year(self.year_to, this_year + 1));
        if let (Some(from), Some(to)) = (self.year_from, self.year_to) {
            if from > to {
                errors.add("year_to", "error-range-reversed");
            }
        }
        for (field, price) in [("price_min", self.price_min), ("price_max", self.price_max)] {
            if price.is_some_and(|p| p < 0) {
                errors.add(field, "error-amount-negative");
            }
        }
        if let (Some(min), Some(max)) = (self.price_min, self.price_max) {
            if min > max {
                errors.add("price_max", "error-range-reversed");
            }
        }
        errors.into_result()?;
        Ok(ValidVehicleInterest {
            make: make.unwrap_or_default(),
            model: model.unwrap_or_default(),
            year_from: year_from.flatten(),
            year_to: year_to.flatten(),
            price_min: self.price_min,
            price_max: self.price_max,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plates_old_and_mercosul() {
        assert_eq!(Plate::parse("abc-1234").map(|p| p.to_string()), Ok("ABC-1234".into()));
        assert_eq!(Plate::parse("ABC 1234").map(|p| p.as_str().to_string()), Ok("ABC1234".into()));
        assert_eq!(Plate::parse("bra2e19").map(|p| p.to_string()), Ok("BRA2E19".into()));
        assert!(Plate::parse("BRA2E19").is_ok_and(|p| p.is_mercosul()));
        for bad in ["", "AB1234", "ABCD123", "1BC1234", "ABC12345", "ABC1DD3", "ABC.1234", "ÁBC1234"] {
            assert_eq!(Plate::parse(bad), Err("error-plate-invalid"), "{bad}");
        }
    }

    #[test]
    fn vins() {
        assert!(Vin::parse("9BWZZZ377VT004251").is_ok());
        assert!(Vin::parse("9bwzzz377vt004251").is_ok());
        assert_eq!(Vin::parse("9BWZZZ377VT00425"), Err("error-vin-length"));
        assert_eq!(Vin::parse("9BWZZZ377VT0O4251"), Err("error-vin-invalid"));
        assert_eq!(Vin::parse("9BWZZZ377VTI04251"), Err("error-vin-invalid"));
        assert_eq!(Vin::parse("9BWZZZ377VT00425A"), Err("error-vin-invalid"));
    }

    #[test]
    fn a_vehicle_needs_plate_or_vin_and_a_sane_year() {
        let draft = VehicleDraft { model: "Onix".into(), year: Some(2031), ..Default::default() };
        let errors = draft.validate(2026).expect_err("refused");
        assert!(errors.fields().any(|f| f == "plate"));
        assert!(errors.fields().any(|f| f == "year"));
        let ok = VehicleDraft {
            plate: "abc1d23".into(),
            model: " Onix  LT ".into(),
            year: Some(2027),
            ..Default::default()
        };
        let valid = ok.validate(2026).expect("valid");
        assert_eq!(valid.model, "Onix LT");
        assert_eq!(valid.plate.map(|p| p.to_string()), Some("ABC1D23".into()));
    }

    #[test]
    fn interest_ranges_must_run_forward() {
        let draft = VehicleInterestDraft {
            model: "Corolla".into(),
            year_from: Some(2024),
            year_to: Some(2020),
            price_min: Some(10),
            price_max: Some(5),
            ..Default::default()
        };
        let errors = draft.validate(2026).expect_err("refused");
        assert_eq!(errors.fields().filter(|f| *f == "year_to" || *f == "price_max").count(), 2);
    }
}
