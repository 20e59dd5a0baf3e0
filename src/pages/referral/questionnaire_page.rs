use yew::prelude::*;

use super::QuestionField;
use crate::context::{use_journey, use_messages};
use crate::hooks::use_revealed;
use crate::pages::QuestionPage;

#[derive(Properties, PartialEq)]
pub struct QuestionnairePageProps {
    /// The page's index in the questionnaire file.
    pub index: usize,
}

/// A page of the questionnaire. With one question, the question is the heading (GOV.UK
/// question page); with several related ones, the page has a heading of its own.
#[function_component]
pub fn QuestionnairePage(props: &QuestionnairePageProps) -> Html {
    let journey = use_journey();
    let messages = use_messages();
    let page = journey.page(props.index).clone();
    let answers = journey.answers_for_checking();
    let questions: Vec<_> = journey
        .questionnaire()
        .visible_questions(&page, &answers)
        .cloned()
        .collect();
    let shown: Vec<String> = questions.iter().map(|q| q.id.clone()).collect();
    // Said politely, where focus stays on the answer that revealed them (issue 15).
    let revealed = use_revealed(shown);
    let told = crate::components::joined(
        revealed.iter().map(|id| {
            let label = messages.question(id, "label").unwrap_or(id);
            messages.tf("common.question_revealed", &[("question", label)])
        }),
        " ",
    );
    let single = page.questions.len() == 1;
    html! {
        <QuestionPage>
            if !single {
                <h1 class="sp-heading-l" tabindex="-1">{ messages.t(&format!("page.{}.heading", page.id)).to_owned() }</h1>
            }
            // A fragment of their own: `{ for … }` among siblings is spliced into their list, which
            // is then not fully keyed, and Yew matches an unkeyed list from its end. A question
            // revealed in the middle then shifted every control onto the next one's place, so all
            // were made anew and focus fell to the body (issue 15). Alone, the keys are used.
            <>
                { for questions.into_iter().map(|question| {
                    let key = question.id.clone();
                    // Revealed by an answer on this page: set in under it, as GOV.UK's conditional reveal.
                    let revealed_here = question.show_if.as_ref()
                        .is_some_and(|c| page.questions.iter().any(|q| q.id == c.question));
                    if revealed_here {
                        html! { <div class="sp-conditional" key={key}><QuestionField {question} heading={single} /></div> }
                    } else {
                        html! { <QuestionField {key} {question} heading={single} /> }
                    }
                }) }
            </>
            <p class="sp-visually-hidden" role="status">{ told }</p>
        </QuestionPage>
    }
}
