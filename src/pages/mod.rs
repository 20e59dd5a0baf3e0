//! One page of the journey a file; each reads top to bottom as what the person sees.

mod follow_up;
mod follow_up_result;
#[cfg(feature = "referral")]
mod referral;
mod sending;
mod urgent_help;
mod wellbeing;

pub use follow_up::{FollowUpLoading, FollowUpUnavailable};
pub use follow_up_result::FollowUpResult;
#[cfg(feature = "referral")]
pub use referral::{
    referral_page, CheckAnswers, Confirmation, Consent, QuestionnairePage, Start, UrgentAdvice,
};
pub use sending::Sending;
pub use urgent_help::UrgentHelp;
pub use wellbeing::Wellbeing;
