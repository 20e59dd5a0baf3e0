//! A referral as people read it: what the command line prints, what the inbox shows, and what a
//! person's own export holds.

mod person;
mod referral;

pub use person::{PersonRecord, ShownAuditEntry, ShownCheckin, PERSON_EXPORT_SCHEMA};
pub use referral::{ShownConsent, ShownQuestionnaire, ShownReferral, ShownWellbeing};
