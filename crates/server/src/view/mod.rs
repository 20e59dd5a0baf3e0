//! A referral as people read it: what the command line prints today, and what the inbox and
//! the exports will show.

mod referral;

pub use referral::{ShownConsent, ShownQuestionnaire, ShownReferral, ShownWellbeing};
