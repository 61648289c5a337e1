//! The fields a list of parties filters on ([`crate::filter::Filter`]).
use super::{Lifecycle, PartyKind, ProspectState};
use crate::filter::{Field, FieldKind};
use serde::{Deserialize, Serialize};

string_enum!(
    /// A field of the customer list's filters.
    PartyField {
        Id = "id",
        Kind = "kind",
        Lifecycle = "lifecycle",
        CustomerStatus = "customer_status",
        ProspectState = "prospect_state",
        Name = "name",
        City = "city",
        State = "state",
        Seller = "seller",
        Branch = "branch",
        Tag = "tag",
        Plate = "plate",
        BirthDate = "birth_date",
        CreatedAt = "created_at",
    } error "error-filter-field-invalid"
);

impl Field for PartyField {
    fn kind(self) -> FieldKind {
        match self {
            PartyField::Kind => FieldKind::Code(|c| PartyKind::parse(c).is_ok()),
            PartyField::Lifecycle => FieldKind::Code(|c| Lifecycle::parse(c).is_ok()),
            PartyField::ProspectState => FieldKind::Code(|c| ProspectState::parse(c).is_ok()),
            // The organisation adds its own statuses: any code may be asked for.
            PartyField::CustomerStatus | PartyField::State | PartyField::Plate => {
                FieldKind::Code(|c| !c.is_empty())
            }
            PartyField::Name | PartyField::City | PartyField::Tag => FieldKind::Text,
            PartyField::Id | PartyField::Seller | PartyField::Branch => FieldKind::Id,
            PartyField::BirthDate | PartyField::CreatedAt => FieldKind::Date,
        }
    }

    fn name(self) -> &'static str {
        self.as_str()
    }
}
