//! E-mail addresses, kept in one canonical form so that lookups and
//! duplicate checks compare like with like.
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    /// Accepts `local@domain.tld` with no spaces; the whole address is
    /// lower-cased, as every provider our users meet treats it so.
    pub fn parse(input: &str) -> Result<Self, &'static str> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err("error-required");
        }
        if trimmed.len() > 254 || trimmed.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err("error-email-invalid");
        }
        let (local, domain) = trimmed.rsplit_once('@').ok_or("error-email-invalid")?;
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && domain.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '.');
        if local.is_empty() || local.contains('@') || local.len() > 64 || !domain_ok {
            return Err("error-email-invalid");
        }
        Ok(Self(trimmed.to_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Email {
    type Error = &'static str;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Email> for String {
    fn from(value: Email) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_and_folds_case() {
        assert_eq!(
            Email::parse(" Joao.Silva@Exemplo.com.br ").map(|e| e.0),
            Ok("joao.silva@exemplo.com.br".to_string())
        );
    }

    #[test]
    fn refuses_malformed() {
        for bad in ["", "joao", "joao@", "@x.com", "a@b", "a b@x.com", "a@x..com", "a@.x.com", "a@x.com."] {
            assert!(Email::parse(bad).is_err(), "{bad} should be refused");
        }
    }
}
