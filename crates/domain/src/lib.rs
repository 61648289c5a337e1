//! Vínculo's business types and rules: identifiers, validated values,
//! entities and their invariants. No IO, no async, no SQL, no HTTP.
#![forbid(unsafe_code)]

/// An enum stored and sent as fixed strings, with `ALL`, `as_str` and
/// `parse`, ordered as its variants are declared.
macro_rules! string_enum {
    ($(#[$doc:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? } error $error:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub enum $name {
            $(#[serde(rename = $text)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// Every variant as written.
            pub const NAMES: &'static [&'static str] = &[$($text),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn parse(value: &str) -> Result<$name, &'static str> {
                match value.trim() {
                    $($text => Ok($name::$variant),)+
                    _ => Err($error),
                }
            }
        }

        // By hand: the derive does not see a variant's name through a macro's literal.
        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .enum_values(Some([$($text),+]))
                    .into()
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $name {}

        impl std::str::FromStr for $name {
            type Err = &'static str;

            fn from_str(value: &str) -> Result<$name, &'static str> {
                $name::parse(value)
            }
        }
    };
}

pub mod access;
pub mod address;
pub mod agenda;
pub mod appointment;
pub mod audit;
pub mod bulk;
pub mod catalogue;
pub mod contract;
pub mod discount;
pub mod document;
pub mod email;
pub mod engine;
pub mod filter;
pub mod follow_up;
pub mod ids;
pub mod interaction;
pub mod job;
pub mod list_view;
pub mod locale;
pub mod logo;
pub mod loyalty;
pub mod message;
pub mod money;
pub mod occurrence;
pub mod order;
pub mod page;
pub mod party;
pub mod phone;
pub mod pipeline;
pub mod quote;
pub mod sale;
pub mod search;
pub mod timeline;
pub mod user;
pub mod validation;
pub mod vehicle;
pub mod webhook;
pub mod work_queue;

pub use email::Email;
pub use ids::{
    AppointmentId, AttendanceTypeId, BranchId, CentreId, ContactNoteId, ContractId, DocumentSendId,
    InstallmentId, InteractionId, OrderId, OrgId, PartyId, ProductId, QuoteId, RoleId, SaleId,
    SalesContactId, StoreId, UserId, VehicleId, VehicleInterestId, VisitSheetLayoutId,
};
pub use locale::Locale;
pub use money::Money;
pub use validation::{FieldError, ValidationErrors};
