//! Signpost's shared model: what a referral is, how each answer is checked, how wellbeing is
//! scored, and the wire format. No I/O lives here, so the widget (wasm32) and the service
//! (native) share it unchanged.

pub mod answers;
pub mod checkin;
pub mod consent;
pub mod dataset;
pub mod error;
pub mod evaluation;
pub mod fhir;
pub mod fields;
pub mod problems;
pub mod questionnaire;
pub mod referral;
pub mod score;
mod wire;
pub mod workflow;

pub use answers::{AnswerError, AnswerValue, Answers};
pub use checkin::{
    Checkin, CheckinError, CheckinErrors, CheckinInfo, CheckinResult, RawCheckin, ScoreKind,
    ScorePoint, CHECKIN_SCHEMA,
};
pub use consent::{ConsentPurpose, CONSENT_VERSION};
pub use error::{ReferralError, ReferralErrors};
pub use problems::{Problem, Problems};
pub use questionnaire::{Questionnaire, QuestionnaireError};
pub use referral::{
    Channel, Language, QuestionnaireRef, RawReferral, RawWellbeing, Referral,
    ORGANISATION_MAX_CHARS, SCHEMA,
};
pub use score::{Instrument, Responses, Score, ScoreError};

/// The self-referral questionnaire Signpost ships (`static/questionnaire/default.json`).
pub const DEFAULT_QUESTIONNAIRE: &str = include_str!("../../../static/questionnaire/default.json");

/// The shipped questionnaire, parsed. It is checked by a test, so this cannot fail.
pub fn default_questionnaire() -> Questionnaire {
    Questionnaire::parse(DEFAULT_QUESTIONNAIRE).expect("the shipped questionnaire is valid: tested")
}
