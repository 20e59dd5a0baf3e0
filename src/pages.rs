//! One page of the journey a file; each reads top to bottom as what the person sees.

mod follow_up;
mod follow_up_result;
mod question_page;
#[cfg(feature = "referral")]
mod referral;
mod sending;
mod urgent_help;
mod wellbeing;

pub use follow_up::{follow_up_loading, follow_up_unavailable};
pub use follow_up_result::follow_up_result;
pub use question_page::{problem_message, QuestionPage};
#[cfg(feature = "referral")]
pub use referral::{
    referral_page, referral_problem_message, CheckAnswers, Confirmation, Consent,
    QuestionnairePage, Start, UrgentAdvice,
};
pub use sending::sending;
pub use urgent_help::urgent_help;
pub use wellbeing::Wellbeing;

use yew::prelude::*;

use crate::components::back_link;
use crate::context::JourneyContext;
use crate::i18n::Messages;
use crate::journey::Action;

/// The back link a page shows, which takes the journey one step back. A follow-up check-in's
/// questions are its first page: there is nothing to go back to.
pub(crate) fn back(journey: &JourneyContext, messages: &Messages) -> Html {
    if journey.is_follow_up() {
        return html! {};
    }
    let journey = journey.clone();
    back_link(
        messages,
        Callback::from(move |_| journey.dispatch(Action::Back)),
    )
}
