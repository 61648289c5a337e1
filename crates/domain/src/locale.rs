//! The languages the product speaks. pt-BR is the default: most of our
//! users are in Brazil.
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Locale {
    #[default]
    #[serde(rename = "pt-BR")]
    PtBr,
    #[serde(rename = "en")]
    En,
    #[serde(rename = "pt-PT")]
    PtPt,
}

impl Locale {
    pub const ALL: [Locale; 3] = [Locale::PtBr, Locale::En, Locale::PtPt];

    pub fn tag(self) -> &'static str {
        match self {
            Locale::PtBr => "pt-BR",
            Locale::En => "en",
            Locale::PtPt => "pt-PT",
        }
    }

    /// The language's own name, as shown in the language switch.
    pub fn native_name(self) -> &'static str {
        match self {
            Locale::PtBr => "Português (Brasil)",
            Locale::En => "English",
            Locale::PtPt => "Português (Portugal)",
        }
    }

    pub fn parse(tag: &str) -> Option<Locale> {
        match tag.trim().to_ascii_lowercase().as_str() {
            "pt-br" | "pt_br" | "pt" => Some(Locale::PtBr),
            "en" | "en-us" | "en-gb" => Some(Locale::En),
            "pt-pt" | "pt_pt" => Some(Locale::PtPt),
            _ => None,
        }
    }

    /// Picks the best supported language from an `Accept-Language` header.
    pub fn negotiate(accept_language: &str) -> Locale {
        accept_language
            .split(',')
            .filter_map(|part| part.split(';').next())
            .find_map(|tag| {
                Locale::parse(tag).or_else(|| {
                    let primary = tag.trim().split('-').next().unwrap_or_default();
                    Locale::parse(primary)
                })
            })
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiates_accept_language() {
        assert_eq!(Locale::negotiate("pt-PT,pt;q=0.9"), Locale::PtPt);
        assert_eq!(Locale::negotiate("en-US,en;q=0.8"), Locale::En);
        assert_eq!(Locale::negotiate("fr-FR"), Locale::PtBr);
        assert_eq!(Locale::negotiate("de, pt-br"), Locale::PtBr);
    }
}
