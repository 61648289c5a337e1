//! Vínculo's business types and rules: identifiers, validated values,
//! entities and their invariants. No IO, no async, no SQL, no HTTP.
#![forbid(unsafe_code)]

pub mod audit;
pub mod email;
pub mod ids;
pub mod locale;
pub mod page;
pub mod user;
pub mod validation;

pub use email::Email;
pub use ids::{OrgId, UserId};
pub use locale::Locale;
pub use validation::{FieldError, ValidationErrors};
