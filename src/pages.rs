//! One page of the journey a file; each reads top to bottom as what the person sees.

mod follow_up;
mod follow_up_result;
#[cfg(feature = "referral")]
mod referral;
mod sending;
mod urgent_help;
mod wellbeing;

pub use follow_up::{follow_up_loading, follow_up_unavailable};
pub use follow_up_result::follow_up_result;
#[cfg(feature = "referral")]
pub use referral::{
    referral_page, referral_problem_message, CheckAnswers, Confirmation, Consent,
    QuestionnairePage, Start, UrgentAdvice,
};
pub use sending::sending;
pub use urgent_help::urgent_help;
pub use wellbeing::Wellbeing;
