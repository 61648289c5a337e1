//! Sales follow-up (seed 002): its configuration, the contacts and their
//! notes.
pub mod contact;
pub mod note;
pub mod settings;
