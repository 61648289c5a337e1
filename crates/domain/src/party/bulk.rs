//! What a bulk action does to each chosen customer.
use crate::access::Permission;
use crate::{UserId, ValidationErrors};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PartyBulkChange {
    /// Moves it to another seller's portfolio [transferir carteira].
    Transfer(UserId),
    /// Adds a tag, keeping the ones it has.
    AddTag(String),
    /// Archives it; it leaves lists and search.
    Archive,
}

/// At most this many customers change when the action is for every one
/// the filters select rather than the rows checked.
pub const MATCHING_LIMIT: usize = 1000;

impl PartyBulkChange {
    /// The bulk form's action with the fields it needs: `transfer` with a
    /// seller, `tag` with a tag, `archive`.
    pub fn parse(action: &str, seller: &str, tag: &str) -> Result<PartyBulkChange, ValidationErrors> {
        match action.trim() {
            "transfer" => seller
                .trim()
                .parse()
                .map(|id| PartyBulkChange::Transfer(UserId(id)))
                .map_err(|_| ValidationErrors::single("seller_id", "error-customers-bulk-choose-seller")),
            "tag" => super::parse_tag(tag)
                .map(PartyBulkChange::AddTag)
                .map_err(|message| ValidationErrors::single("tag", message)),
            "archive" => Ok(PartyBulkChange::Archive),
            _ => Err(ValidationErrors::single("action", "error-bulk-action-invalid")),
        }
    }

    /// What the user must be allowed on each customer's portfolio.
    pub fn permission(&self) -> Permission {
        match self {
            PartyBulkChange::Archive => Permission::PartiesDelete,
            _ => Permission::PartiesEdit,
        }
    }

    /// The key of the counted notice that reports it.
    pub fn notice(&self) -> &'static str {
        match self {
            PartyBulkChange::Transfer(_) => "customers-bulk-transferred",
            PartyBulkChange::AddTag(_) => "customers-bulk-tagged",
            PartyBulkChange::Archive => "customers-bulk-archived",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_action_needs_its_field() {
        let seller = "0191c3a4-5b6c-7d8e-9f00-112233445566";
        assert!(matches!(PartyBulkChange::parse("transfer", seller, ""), Ok(PartyBulkChange::Transfer(_))));
        assert!(PartyBulkChange::parse("transfer", "", "").is_err());
        assert_eq!(PartyBulkChange::parse("tag", "", " VIP "), Ok(PartyBulkChange::AddTag("vip".into())));
        assert!(PartyBulkChange::parse("tag", "", "  ").is_err());
        assert_eq!(PartyBulkChange::parse("archive", "", ""), Ok(PartyBulkChange::Archive));
        assert!(PartyBulkChange::parse("delete", "", "").is_err());
        assert_eq!(PartyBulkChange::Archive.permission(), Permission::PartiesDelete);
    }
}
