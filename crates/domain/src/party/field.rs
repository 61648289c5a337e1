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
    const FIELDS: &'static [PartyField] = PartyField::ALL;

    fn kind(self) -> FieldKind {
        match self {
            PartyField::Kind => FieldKind::Code(PartyKind::NAMES),
            PartyField::Lifecycle => FieldKind::Code(Lifecycle::NAMES),
            PartyField::ProspectState => FieldKind::Code(ProspectState::NAMES),
            // The organisation adds its own statuses: any code may be asked for.
            PartyField::CustomerStatus | PartyField::State | PartyField::Plate => FieldKind::OwnCode,
            PartyField::Name | PartyField::City | PartyField::Tag => FieldKind::Text,
            PartyField::Id | PartyField::Seller | PartyField::Branch => FieldKind::Id,
            PartyField::BirthDate | PartyField::CreatedAt => FieldKind::Date,
        }
    }

    fn name(self) -> &'static str {
        self.as_str()
    }
}
