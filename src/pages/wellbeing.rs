use signpost_core::Language;
use yew::prelude::*;

use crate::app::{use_journey, use_messages};
use crate::components::{QuestionPage, RadioGroup, RadioItem};
use crate::instrument::scale_text;
use crate::journey::{Action, Problem};

/// The wellbeing check-in: the scale's statements verbatim, each a group of five radios, with
/// the scale's copyright notice under it. It can be skipped.
#[function_component]
pub fn Wellbeing() -> Html {
    let journey = use_journey();
    let messages = use_messages();
    let Some(wellbeing) = journey.wellbeing.clone() else { return html! {} };
    let scale = scale_text(wellbeing.instrument);
    let skip = {
        let journey = journey.clone();
        Callback::from(move |_| journey.dispatch(Action::SkipWellbeing))
    };
    let none_answered = journey
        .problems
        .iter()
        .find(|p| matches!(p, Problem::Answer { question, .. } if question == "wellbeing"))
        .map(|_| messages.question("wellbeing", "error_missing").unwrap_or_default().to_owned());
    // A follow-up is nothing but the check-in: it cannot be skipped, and its button sends.
    let follow_up = journey.is_follow_up();
    let submit_label = follow_up.then(|| AttrValue::from(messages.t("followup.send").to_owned()));
    html! {
        <QuestionPage {submit_label}>
            <h1 class="sp-heading-l" tabindex="-1">{ messages.t("page.wellbeing.heading") }</h1>
            <p class="sp-body">{ messages.t("wellbeing.purpose") }</p>
            // Only official translations of the scale may be used; none is shipped yet, so other
            // languages are offered the English scale, or to skip it, in their own words.
            if journey.language != Language::En {
                <div class="sp-inset">{ messages.t("wellbeing.english_only") }</div>
            }
            <p class="sp-body" id="sp-answers-wellbeing" tabindex="-1" lang="en">{ scale.instruction.clone() }</p>
            if let Some(text) = none_answered {
                <p class="sp-error-message"><span class="sp-visually-hidden">{ messages.t("common.error_prefix") }{" "}</span>{ text }</p>
            }
            { for scale.items.iter().enumerate().map(|(index, item)| {
                let number = index + 1;
                let error: Option<AttrValue> = journey.problems.contains(&Problem::WellbeingItem { item: number })
                    .then(|| messages.tf("wellbeing.item_error", &[("item", &item.text)]).into());
                let items = scale.options.iter().map(|option| RadioItem {
                    value: option.value.to_string().into(),
                    label: option.label.clone().into(),
                    checked: wellbeing.items[index] == Some(option.value),
                    reveal: None,
                }).collect::<Vec<_>>();
                let on_choose = {
                    let journey = journey.clone();
                    Callback::from(move |value: AttrValue| {
                        if let Ok(value) = value.parse() {
                            journey.dispatch(Action::SetWellbeingItem { item: index, value });
                        }
                    })
                };
                html! {
                    <div class="sp-scale-item" key={number} lang="en">
                        <RadioGroup field={format!("wellbeing.items.{number}")} legend={item.text.clone()} {error} {items} {on_choose} />
                    </div>
                }
            }) }
            <p class="sp-copyright" lang="en">{ scale.copyright.clone() }</p>
            if !follow_up {
                <button type="button" class="sp-button sp-button--secondary" onclick={skip}>{ messages.t("wellbeing.skip") }</button>
            }
        </QuestionPage>
    }
}
