//! Vínculo's business types and rules: identifiers, validated values,
//! entities and their invariants. No IO, no async, no SQL, no HTTP.
#![forbid(unsafe_code)]

pub mod address;
pub mod audit;
pub mod document;
pub mod email;
pub mod ids;
pub mod locale;
pub mod money;
pub mod page;
pub mod party;
pub mod phone;
pub mod search;
pub mod user;
pub mod validation;

pub use email::Email;
pub use ids::{OrgId, PartyId, UserId};
pub use locale::Locale;
pub use money::Money;
pub use validation::{FieldError, ValidationErrors};
