//! One page of the journey a file; each reads top to bottom as what the person sees.

mod check_answers;
mod confirmation;
mod consent;
mod follow_up;
mod follow_up_result;
mod questionnaire_page;
mod sending;
mod start;
mod urgent_advice;
mod urgent_help;
mod wellbeing;

pub use check_answers::CheckAnswers;
pub use confirmation::Confirmation;
pub use consent::Consent;
pub use follow_up::{FollowUpIntro, FollowUpLoading, FollowUpUnavailable};
pub use follow_up_result::FollowUpResult;
pub use questionnaire_page::QuestionnairePage;
pub use sending::Sending;
pub use start::Start;
pub use urgent_advice::UrgentAdvice;
pub use urgent_help::UrgentHelp;
pub use wellbeing::Wellbeing;
