//! Postal addresses: CEP and UF in Brazil, código postal in Portugal.
use crate::phone::Country;
use serde::{Deserialize, Serialize};

/// The 27 federative units [unidades federativas].
pub const UFS: [&str; 27] = [
    "AC", "AL", "AM", "AP", "BA", "CE", "DF", "ES", "GO", "MA", "MG", "MS", "MT", "PA", "PB", "PE", "PI",
    "PR", "RJ", "RN", "RO", "RR", "RS", "SC", "SE", "SP", "TO",
];

pub fn parse_uf(input: &str) -> Result<String, &'static str> {
    let uf = input.trim().to_ascii_uppercase();
    if UFS.contains(&uf.as_str()) { Ok(uf) } else { Err("error-uf-invalid") }
}

/// Portugal's 18 districts [distritos] and two autonomous regions, where
/// a Brazilian address has its UF.
pub const DISTRICTS: [&str; 20] = [
    "Aveiro",
    "Beja",
    "Braga",
    "Bragança",
    "Castelo Branco",
    "Coimbra",
    "Évora",
    "Faro",
    "Guarda",
    "Leiria",
    "Lisboa",
    "Portalegre",
    "Porto",
    "Santarém",
    "Setúbal",
    "Viana do Castelo",
    "Vila Real",
    "Viseu",
    "Região Autónoma dos Açores",
    "Região Autónoma da Madeira",
];

/// A district as typed ("evora", "LISBOA", "Açores") under its own name.
pub fn parse_district(input: &str) -> Result<String, &'static str> {
    let typed = crate::search::fold(input.trim());
    DISTRICTS
        .iter()
        .find(|d| {
            let name = crate::search::fold(d);
            name == typed || (name.starts_with("regiao autonoma d") && name.ends_with(&format!(" {typed}")))
        })
        .map(|d| d.to_string())
        .ok_or("error-district-invalid")
}

/// A state as stored, from a filter or a search: a UF in capitals, a
/// district under its own name, anything else as typed.
pub fn canonical_state(text: &str) -> String {
    parse_uf(text).or_else(|_| parse_district(text)).unwrap_or_else(|_| text.trim().to_string())
}

/// The states an address of this country may be in: UFs or districts.
pub fn states_of(country: Country) -> &'static [&'static str] {
    match country {
        Country::Brazil => &UFS,
        Country::Portugal => &DISTRICTS,
    }
}

/// CEP: eight digits, kept as 01310-100. Portuguese postal code: 1000-001.
pub fn parse_postal_code(input: &str, country: Country) -> Result<String, &'static str> {
    let digits: String = input.chars().filter(char::is_ascii_digit).collect();
    let only_allowed = input.trim().chars().all(|c| c.is_ascii_digit() || c == '-' || c == '.' || c == ' ');
    match country {
        Country::Brazil if only_allowed && digits.len() == 8 && digits != "00000000" => {
            Ok(format!("{}-{}", &digits[..5], &digits[5..]))
        }
        Country::Portugal if only_allowed && digits.len() == 7 && !digits.starts_with('0') => {
            Ok(format!("{}-{}", &digits[..4], &digits[4..]))
        }
        Country::Brazil => Err("error-cep-invalid"),
        Country::Portugal => Err("error-postal-code-invalid"),
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    pub street: String,
    pub number: String,
    pub complement: String,
    /// Bairro.
    pub neighbourhood: String,
    pub city: String,
    /// UF in Brazil; district [distrito] in Portugal.
    pub state: String,
    pub postal_code: String,
    pub country: Country,
}

impl Address {
    pub fn is_empty(&self) -> bool {
        [
            &self.street,
            &self.number,
            &self.complement,
            &self.neighbourhood,
            &self.city,
            &self.state,
            &self.postal_code,
        ]
        .iter()
        .all(|s| s.trim().is_empty())
    }

    /// The address as written on an envelope, one line per part, the way
    /// each country's post reads it.
    pub fn envelope(&self) -> String {
        let join = |parts: &[&str], separator: &str| {
            parts.iter().map(|p| p.trim()).filter(|p| !p.is_empty()).collect::<Vec<_>>().join(separator)
        };
        let street = join(&[&self.street, &self.number], ", ");
        let lines = match self.country {
            Country::Brazil => vec![
                join(&[&street, &self.complement], " - "),
                self.neighbourhood.trim().to_string(),
                join(&[&self.postal_code, &join(&[&self.city, &self.state], " - ")], " "),
            ],
            Country::Portugal => vec![
                join(&[&street, &self.complement], " "),
                self.neighbourhood.trim().to_string(),
                join(&[&self.postal_code, &self.city], " "),
            ],
        };
        lines.into_iter().filter(|l| !l.is_empty()).collect::<Vec<_>>().join("\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelopes_read_as_each_post_expects() {
        let address = Address {
            street: "Av. Paulista".into(),
            number: "1000".into(),
            complement: "ap. 12".into(),
            neighbourhood: "Bela Vista".into(),
            city: "São Paulo".into(),
            state: "SP".into(),
            postal_code: "01310-100".into(),
            country: Country::Brazil,
        };
        assert_eq!(address.envelope(), "Av. Paulista, 1000 - ap. 12\nBela Vista\n01310-100 São Paulo - SP");
        let lisboa = Address {
            street: "Rua Augusta".into(),
            number: "5".into(),
            city: "Lisboa".into(),
            postal_code: "1100-048".into(),
            country: Country::Portugal,
            ..Address::default()
        };
        assert_eq!(lisboa.envelope(), "Rua Augusta, 5\n1100-048 Lisboa");
    }

    #[test]
    fn ceps_and_ufs() {
        assert_eq!(parse_postal_code("01310100", Country::Brazil), Ok("01310-100".into()));
        assert_eq!(parse_postal_code("01310-100", Country::Brazil), Ok("01310-100".into()));
        assert!(parse_postal_code("1310-100", Country::Brazil).is_err());
        assert!(parse_postal_code("01310-10a", Country::Brazil).is_err());
        assert_eq!(parse_postal_code("1000-001", Country::Portugal), Ok("1000-001".into()));
        assert_eq!(parse_uf(" sp "), Ok("SP".into()));
        assert_eq!(parse_district("evora"), Ok("Évora".into()));
        assert_eq!(parse_district(" LISBOA "), Ok("Lisboa".into()));
        assert_eq!(parse_district("Açores"), Ok("Região Autónoma dos Açores".into()));
        assert_eq!(parse_district("madeira"), Ok("Região Autónoma da Madeira".into()));
        assert!(parse_district("SP").is_err());
        assert_eq!(canonical_state(" sp"), "SP");
        assert_eq!(canonical_state("évora"), "Évora");
        assert!(parse_postal_code("01310-100", Country::Portugal).is_err());
        assert!(parse_uf("XX").is_err());
    }
}
