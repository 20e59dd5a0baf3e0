use yew::prelude::*;

use crate::components::{error_summary, progress, SummaryItem};
use crate::context::{use_journey, use_messages};
use crate::i18n::Messages;
use crate::instrument::scale_text;
use crate::journey::{Action, Journey, Problem};

#[derive(Properties, PartialEq)]
pub struct QuestionPageProps {
    pub children: Html,
    /// The button's words; *Continue* unless the page says otherwise.
    #[prop_or_default]
    pub submit_label: Option<AttrValue>,
    /// What the button does; *Continue* unless the page says otherwise.
    #[prop_or_default]
    pub on_submit: Option<Callback<()>>,
}

/// The GOV.UK question page: back link, progress, error summary, the question, one button.
/// A real `<form>`, so Enter in a text field submits it as people expect.
#[function_component]
pub fn QuestionPage(props: &QuestionPageProps) -> Html {
    let journey = use_journey();
    let messages = use_messages();
    let items: Vec<SummaryItem> = journey
        .problems
        .iter()
        .map(|problem| SummaryItem {
            field: problem.field(),
            text: problem_message(&journey, &messages, problem).into(),
        })
        .collect();
    let onsubmit = {
        let journey = journey.clone();
        let on_submit = props.on_submit.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            match &on_submit {
                Some(on_submit) => on_submit.emit(()),
                None => journey.dispatch(Action::Continue),
            }
        })
    };
    let label = props
        .submit_label
        .clone()
        .unwrap_or_else(|| messages.t("common.continue").to_owned().into());
    html! {
        <>
            // A follow-up's one page has neither: its build leaves them out.
            if cfg!(feature = "referral") {
                { super::back(&journey, &messages) }
                { progress(&messages, journey.progress()) }
            }
            { error_summary(&messages, &items) }
            <form class="sp-form" novalidate=true {onsubmit}>
                { props.children.clone() }
                <button type="submit" class="sp-button">{ label }</button>
            </form>
        </>
    }
}

/// The words for a problem, in the person's language. The pages word them, not the controls:
/// an error summary or a field is given its words.
pub fn problem_message(journey: &Journey, messages: &Messages, problem: &Problem) -> String {
    match problem {
        Problem::Answer { question, error } => messages.answer_error(question, *error),
        Problem::WellbeingItem { item } => {
            let text = journey
                .wellbeing
                .as_ref()
                .and_then(|w| scale_text(w.instrument).items.get(item - 1).map(|i| i.text))
                .unwrap_or_default();
            messages.tf("wellbeing.item_error", &[("item", text)])
        }
        #[cfg(feature = "referral")]
        problem => crate::pages::referral_problem_message(messages, problem),
    }
}
