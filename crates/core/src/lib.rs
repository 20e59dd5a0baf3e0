//! Signpost's shared model: what a referral is, how each field is checked, and the wire format.
//! No I/O lives here, so the widget (wasm32) and the service (native) share it unchanged.

pub mod consent;
pub mod error;
pub mod fields;
pub mod need;
pub mod questionnaire;
pub mod referral;
pub mod score;

pub use consent::{ConsentPurpose, CONSENT_VERSION};
pub use error::{ReferralError, ReferralErrors};
pub use need::Need;
pub use referral::{Channel, ContactMethod, Language, RawReferral, Referral, SCHEMA};
