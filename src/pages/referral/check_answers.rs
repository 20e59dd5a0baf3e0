use signpost_core::questionnaire::QuestionKind;
use signpost_core::AnswerValue;
use yew::prelude::*;

use crate::components::progress;
use crate::context::{use_journey, use_messages};
use crate::journey::{date_parts, Action};

/// GOV.UK check answers: every question asked, its answer, and a Change link to its page.
#[function_component]
pub fn CheckAnswers() -> Html {
    let journey = use_journey();
    let messages = use_messages();
    let answers = journey.answers_for_checking();
    let rows = journey.visible_pages().into_iter().flat_map(|index| {
        let page = journey.page(index).clone();
        let questions: Vec<_> = journey
            .questionnaire()
            .visible_questions(&page, &answers)
            .cloned()
            .collect();
        questions.into_iter().map(move |question| (index, question))
    });
    let cont = {
        let journey = journey.clone();
        Callback::from(move |_| journey.dispatch(Action::Continue))
    };
    html! {
        <>
            { crate::pages::back(&journey, &messages) }
            { progress(&messages, journey.progress()) }
            <h1 class="sp-heading-l" tabindex="-1">{ messages.t("check.heading") }</h1>
            <dl class="sp-summary-list">
                { for rows.map(|(index, question)| {
                    let label = if question.kind == QuestionKind::Instrument {
                        messages.t("page.wellbeing.heading").to_owned()
                    } else {
                        messages.question(&question.id, "label").unwrap_or(&question.id).to_owned()
                    };
                    let answer = match (&question.kind, journey.answers.get(&question.id)) {
                        (QuestionKind::Instrument, _) => match &journey.wellbeing {
                            Some(w) if !w.skipped && w.items.iter().all(Option::is_some) => {
                                messages.tf("check.wellbeing_answered", &[("count", &w.items.len().to_string())])
                            }
                            _ => messages.t("check.wellbeing_skipped").to_owned(),
                        },
                        (QuestionKind::Date, Some(AnswerValue::One(parts))) => {
                            date_parts(parts).map(|(d, m, y)| format!("{d} {m} {y}")).unwrap_or_default()
                        }
                        (_, Some(AnswerValue::One(text))) if question.kind.options().is_some() => messages.option(&question.id, text),
                        (_, Some(AnswerValue::One(text))) if !text.trim().is_empty() => text.clone(),
                        (_, Some(AnswerValue::Many(chosen))) if !chosen.is_empty() => {
                            crate::components::joined(chosen.iter().map(|c| messages.option(&question.id, c)), ", ")
                        }
                        _ => messages.t("common.not_answered").to_owned(),
                    };
                    let change = {
                        let journey = journey.clone();
                        Callback::from(move |_| journey.dispatch(Action::Change { page: index }))
                    };
                    html! {
                        <div class="sp-summary-list__row" key={question.id.clone()}>
                            <dt class="sp-summary-list__key">{ label.clone() }</dt>
                            <dd class="sp-summary-list__value">{ answer }</dd>
                            <dd class="sp-summary-list__actions">
                                <button type="button" class="sp-link-button" onclick={change}>
                                    { messages.t("common.change") }
                                    <span class="sp-visually-hidden">{" "}{ label }</span>
                                </button>
                            </dd>
                        </div>
                    }
                }) }
            </dl>
            <button type="button" class="sp-button" onclick={cont}>{ messages.t("check.continue") }</button>
        </>
    }
}
