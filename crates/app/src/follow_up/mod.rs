//! Vendas (follow up) (seed 002): the organisation's configuration
//! (responsibility centres, attendance types), a party's sales contacts,
//! the daily follow-up list across customers, and the notes on each
//! contact.
pub mod contacts;
pub mod notes;
pub mod progress;
pub mod sending;
pub mod settings;
pub mod sheets;
