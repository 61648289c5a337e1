//! Sales follow-up (seed 002): its configuration, the contacts and their
//! notes, the visit sheet's layouts and the documents sent to customers.
pub mod contact;
pub mod note;
pub mod sending;
pub mod settings;
pub mod sheets;
