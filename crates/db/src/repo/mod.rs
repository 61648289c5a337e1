//! One module per aggregate. Reads take `&Db`; writes take the caller's
//! transaction so a use case commits all of its rows, or none.
pub mod access;
pub mod api_token;
pub mod appointment;
pub mod audit;
pub mod interaction;
pub mod merge;
pub mod organisation;
pub mod party;
pub mod registry_settings;
pub mod session;
pub mod timeline;
pub mod user;
pub mod vehicle;
