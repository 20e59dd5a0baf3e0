use yew::prelude::*;

use crate::app::{use_journey, use_messages};
use crate::components::{QuestionField, QuestionPage};

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
    let single = page.questions.len() == 1;
    html! {
        <QuestionPage>
            if !single {
                <h1 class="sp-heading-l" tabindex="-1">{ messages.t(&format!("page.{}.heading", page.id)).to_owned() }</h1>
            }
            { for questions.into_iter().map(|question| {
                let key = question.id.clone();
                html! { <QuestionField {key} {question} heading={single} /> }
            }) }
        </QuestionPage>
    }
}
