//! The pages only a referral has (journeys 1 and 2), and which of them a step shows.

mod check_answers;
mod confirmation;
mod consent;
mod question_field;
mod questionnaire_page;
mod start;
mod urgent_advice;

pub use check_answers::CheckAnswers;
pub use confirmation::Confirmation;
pub use consent::Consent;
use question_field::QuestionField;
pub use questionnaire_page::QuestionnairePage;
pub use start::Start;
pub use urgent_advice::UrgentAdvice;

use yew::prelude::*;

use crate::i18n::Messages;
use crate::journey::{Journey, Problem, Step};
use crate::pages::Wellbeing;

/// The words for the problems only a referral's pages have.
pub fn referral_problem_message(messages: &Messages, problem: &Problem) -> String {
    match problem {
        Problem::VolunteerConfirmation => messages.t("error.volunteer_confirmation").to_owned(),
        Problem::Consent(signpost_core::ConsentPurpose::ShareWithService) => {
            messages.t("error.consent_share_missing").to_owned()
        }
        Problem::Consent(_) => messages.t("error.consent_contact_missing").to_owned(),
        Problem::Answer { .. } | Problem::WellbeingItem { .. } => {
            unreachable!("problem_message words these itself")
        }
    }
}

/// The page for a referral's step; the steps every journey shares are drawn by the frame.
pub fn referral_page(journey: &Journey, step: &Step) -> Html {
    match step {
        Step::Start => html! { <Start /> },
        Step::Page(index) if journey.is_wellbeing(*index) => html! { <Wellbeing key={*index} /> },
        Step::Page(index) => html! { <QuestionnairePage key={*index} index={*index} /> },
        Step::UrgentAdvice => html! { <UrgentAdvice /> },
        Step::CheckAnswers => html! { <CheckAnswers /> },
        Step::Consent => html! { <Consent /> },
        Step::Confirmation { reference } => {
            html! { <Confirmation reference={reference.clone()} /> }
        }
        Step::Sending(_) | Step::FollowUp(_) => html! {},
    }
}
