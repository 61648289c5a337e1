//! Users [usuários]: who signs in, in which organisation, with which role.
use crate::{Email, Locale, OrgId, UserId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What a user may do. Only two for now; the access-control work replaces
/// this with configurable roles.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Member,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Member => "member",
        }
    }

    pub fn parse(value: &str) -> Result<Role, &'static str> {
        match value {
            "admin" => Ok(Role::Admin),
            "member" => Ok(Role::Member),
            _ => Err("error-role-invalid"),
        }
    }
}

/// Light or dark screens; `System` follows the device's setting.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Theme {
    #[default]
    System,
    Light,
    Dark,
}

impl Theme {
    pub const ALL: [Theme; 3] = [Theme::System, Theme::Light, Theme::Dark];

    pub fn as_str(self) -> &'static str {
        match self {
            Theme::System => "system",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    pub fn parse(value: &str) -> Result<Theme, &'static str> {
        Theme::ALL.into_iter().find(|t| t.as_str() == value).ok_or("error-theme-invalid")
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct User {
    pub id: UserId,
    pub org_id: OrgId,
    pub email: Email,
    pub display_name: String,
    pub role: Role,
    pub locale: Locale,
    pub theme: Theme,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
    /// The branch [agência, loja] the user works in, if any.
    pub branch_id: Option<crate::BranchId>,
}

/// A person's name as shown in the UI: trimmed, not empty, not absurd.
pub fn parse_display_name(input: &str) -> Result<String, &'static str> {
    let name = input.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        return Err("error-required");
    }
    if name.chars().count() > 120 {
        return Err("error-too-long");
    }
    Ok(name)
}

/// A password a person chooses. Length is what makes a password strong;
/// composition rules only make people write them down.
pub struct NewPassword(String);

impl NewPassword {
    pub const MIN_CHARS: usize = 10;

    pub fn parse(input: &str) -> Result<Self, &'static str> {
        let chars = input.chars().count();
        if chars < Self::MIN_CHARS {
            return Err("error-password-short");
        }
        if chars > 256 {
            return Err("error-too-long");
        }
        Ok(Self(input.to_string()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_name_collapses_spaces() {
        assert_eq!(parse_display_name("  Ana   Souza "), Ok("Ana Souza".to_string()));
        assert_eq!(parse_display_name("   "), Err("error-required"));
    }

    #[test]
    fn password_needs_length() {
        assert!(NewPassword::parse("curta").is_err());
        assert!(NewPassword::parse("bem-longa-sim").is_ok());
    }
}
