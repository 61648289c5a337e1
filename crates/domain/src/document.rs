//! Tax identifiers: Brazilian CPF [Cadastro de Pessoas Físicas] and CNPJ
//! [Cadastro Nacional da Pessoa Jurídica], including the alphanumeric
//! CNPJ issued from July 2026, and the Portuguese NIF.
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum DocumentKind {
    Cpf,
    Cnpj,
    Nif,
}

impl DocumentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentKind::Cpf => "cpf",
            DocumentKind::Cnpj => "cnpj",
            DocumentKind::Nif => "nif",
        }
    }

    pub fn parse(value: &str) -> Option<DocumentKind> {
        match value {
            "cpf" => Some(DocumentKind::Cpf),
            "cnpj" => Some(DocumentKind::Cnpj),
            "nif" => Some(DocumentKind::Nif),
            _ => None,
        }
    }
}

impl std::str::FromStr for DocumentKind {
    type Err = &'static str;

    fn from_str(value: &str) -> Result<DocumentKind, &'static str> {
        DocumentKind::parse(value).ok_or("error-document-invalid")
    }
}

/// A validated identifier, stored without punctuation (upper case for
/// the alphanumeric CNPJ).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Document {
    pub kind: DocumentKind,
    pub value: String,
}

impl Document {
    /// Parses a document of a known kind, with or without punctuation.
    pub fn parse(kind: DocumentKind, input: &str) -> Result<Document, &'static str> {
        let compact = compact(input);
        if compact.is_empty() {
            return Err("error-required");
        }
        let valid = match kind {
            DocumentKind::Cpf => cpf_valid(&compact),
            DocumentKind::Cnpj => cnpj_valid(&compact),
            DocumentKind::Nif => nif_valid(&compact),
        };
        if valid {
            Ok(Document { kind, value: compact })
        } else {
            Err(match kind {
                DocumentKind::Cpf => "error-cpf-invalid",
                DocumentKind::Cnpj => "error-cnpj-invalid",
                DocumentKind::Nif => "error-nif-invalid",
            })
        }
    }

    /// As people write it: 123.456.789-09, 12.ABC.345/01DE-35, 123 456 789.
    pub fn formatted(&self) -> String {
        let v = &self.value;
        match self.kind {
            DocumentKind::Cpf if v.len() == 11 => {
                format!("{}.{}.{}-{}", &v[0..3], &v[3..6], &v[6..9], &v[9..])
            }
            DocumentKind::Cnpj if v.len() == 14 => {
                format!("{}.{}.{}/{}-{}", &v[0..2], &v[2..5], &v[5..8], &v[8..12], &v[12..])
            }
            DocumentKind::Nif if v.len() == 9 => format!("{} {} {}", &v[0..3], &v[3..6], &v[6..]),
            _ => v.clone(),
        }
    }
}

impl fmt::Display for Document {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.formatted())
    }
}

/// Letters and digits only, upper-cased: what is left of "12.abc.345/01de-35".
pub fn compact(input: &str) -> String {
    input.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_uppercase()).collect()
}

fn digits(value: &str) -> Option<Vec<u32>> {
    value.chars().map(|c| c.to_digit(10)).collect()
}

fn mod11_digit(sum: u32) -> u32 {
    let remainder = sum % 11;
    if remainder < 2 { 0 } else { 11 - remainder }
}

pub fn cpf_valid(value: &str) -> bool {
    let Some(d) = digits(value) else { return false };
    if d.len() != 11 || d.iter().all(|x| *x == d[0]) {
        return false;
    }
    let check = |len: usize| -> u32 {
        let sum: u32 = d[..len].iter().enumerate().map(|(i, x)| x * (len as u32 + 1 - i as u32)).sum();
        mod11_digit(sum)
    };
    check(9) == d[9] && check(10) == d[10]
}

/// The CNPJ's first twelve characters may be letters from July 2026; each
/// character counts as its ASCII code minus 48, digits keep their value,
/// and the two check digits stay numeric.
pub fn cnpj_valid(value: &str) -> bool {
    let chars: Vec<char> = value.chars().collect();
    if chars.len() != 14 || !chars[..12].iter().all(|c| c.is_ascii_digit() || c.is_ascii_uppercase()) {
        return false;
    }
    let Some(check_digits) = digits(&value[12..]) else { return false };
    if chars.iter().all(|c| *c == chars[0]) {
        return false;
    }
    let values: Vec<u32> = chars[..12].iter().map(|c| *c as u32 - 48).collect();
    let weighted = |values: &[u32]| -> u32 {
        let weights = [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];
        let offset = weights.len() - values.len();
        values.iter().zip(&weights[offset..]).map(|(v, w)| v * w).sum()
    };
    let first = mod11_digit(weighted(&values));
    let mut with_first = values.clone();
    with_first.push(first);
    let second = mod11_digit(weighted(&with_first));
    first == check_digits[0] && second == check_digits[1]
}

pub fn nif_valid(value: &str) -> bool {
    let Some(d) = digits(value) else { return false };
    if d.len() != 9 {
        return false;
    }
    // Persons 1–3, non-residents 45, companies 5, public bodies 6,
    // others 7x, sole traders 8, irregular/occasional 9x.
    let allowed_start = matches!(d[0], 1 | 2 | 3 | 5 | 6 | 7 | 8 | 9) || (d[0] == 4 && d[1] == 5);
    let sum: u32 = d[..8].iter().enumerate().map(|(i, x)| x * (9 - i as u32)).sum();
    allowed_start && mod11_digit(sum) == d[8]
}

/// Check digits for the first digits of a CPF: used by the demo generator.
pub fn cpf_with_check_digits(base: [u32; 9]) -> String {
    let mut d: Vec<u32> = base.to_vec();
    for len in [9usize, 10] {
        let sum: u32 = d[..len].iter().enumerate().map(|(i, x)| x * (len as u32 + 1 - i as u32)).sum();
        d.push(mod11_digit(sum));
    }
    d.iter().map(|x| char::from_digit(*x, 10).unwrap_or('0')).collect()
}

/// Check digits for a twelve-character CNPJ base (digits or letters).
pub fn cnpj_with_check_digits(base: &str) -> String {
    let weights = [6u32, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];
    let mut values: Vec<u32> = base.chars().map(|c| c as u32 - 48).collect();
    for _ in 0..2 {
        let offset = weights.len() - values.len();
        let sum: u32 = values.iter().zip(&weights[offset..]).map(|(v, w)| v * w).sum();
        values.push(mod11_digit(sum));
    }
    let check: String = values[12..].iter().map(|x| char::from_digit(*x, 10).unwrap_or('0')).collect();
    format!("{base}{check}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_cpfs() {
        assert!(Document::parse(DocumentKind::Cpf, "529.982.247-25").is_ok());
        assert!(Document::parse(DocumentKind::Cpf, "52998224725").is_ok());
        assert_eq!(Document::parse(DocumentKind::Cpf, "529.982.247-26"), Err("error-cpf-invalid"));
        assert_eq!(Document::parse(DocumentKind::Cpf, "111.111.111-11"), Err("error-cpf-invalid"));
        assert_eq!(Document::parse(DocumentKind::Cpf, "1234"), Err("error-cpf-invalid"));
    }

    #[test]
    fn known_cnpjs_numeric_and_alphanumeric() {
        assert!(Document::parse(DocumentKind::Cnpj, "11.222.333/0001-81").is_ok());
        assert_eq!(Document::parse(DocumentKind::Cnpj, "11.222.333/0001-82"), Err("error-cnpj-invalid"));
        // The Receita Federal's published example of the alphanumeric CNPJ.
        let doc = Document::parse(DocumentKind::Cnpj, "12.abc.345/01de-35").expect("valid");
        assert_eq!(doc.value, "12ABC34501DE35");
        assert_eq!(doc.formatted(), "12.ABC.345/01DE-35");
        assert!(Document::parse(DocumentKind::Cnpj, "12.ABC.345/01DE-36").is_err());
    }

    #[test]
    fn known_nifs() {
        assert!(Document::parse(DocumentKind::Nif, "123 456 789").is_ok());
        assert!(Document::parse(DocumentKind::Nif, "501964843").is_ok());
        assert!(Document::parse(DocumentKind::Nif, "123456780").is_err());
        assert!(Document::parse(DocumentKind::Nif, "012345678").is_err());
    }

    #[test]
    fn generated_documents_validate() {
        for seed in 0..2000u32 {
            let base: [u32; 9] =
                std::array::from_fn(|i| (seed / 10u32.pow(i as u32 % 4) + i as u32 * 7) % 10);
            let cpf = cpf_with_check_digits(base);
            if !cpf.chars().all(|c| c == cpf.chars().next().unwrap_or('x')) {
                assert!(cpf_valid(&cpf), "{cpf}");
            }
        }
        assert!(cnpj_valid(&cnpj_with_check_digits("12ABC34501DE")));
        assert!(cnpj_valid(&cnpj_with_check_digits("112223330001")));
    }
}
