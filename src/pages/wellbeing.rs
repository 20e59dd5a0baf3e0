use std::rc::Rc;

use signpost_core::Language;
use yew::prelude::*;

use crate::components::{choice_group, ChoiceGroupProps, ChoiceItem, Choose};
use crate::context::{use_journey, use_messages};
use crate::instrument::scale_text;
use crate::journey::{Action, Journey, Problem};
use crate::pages::QuestionPage;

/// The wellbeing check-in: the scale's statements verbatim, each a group of five radios, with
/// the scale's copyright notice under it. It can be skipped.
#[function_component]
pub fn Wellbeing() -> Html {
    let journey = use_journey();
    let messages = use_messages();
    let Some(wellbeing) = journey.wellbeing.clone() else {
        return html! {};
    };
    let scale = scale_text(wellbeing.instrument);
    let options: Rc<Vec<(u8, AttrValue)>> = Rc::new(
        scale
            .options
            .iter()
            .map(|o| (o.value, AttrValue::from(o.label)))
            .collect(),
    );
    let dispatcher = journey.dispatcher();
    let skip = {
        let journey = journey.clone();
        Callback::from(move |_| journey.dispatch(Action::SkipWellbeing))
    };
    let none_answered = journey
        .problems
        .iter()
        .find(|p| matches!(p, Problem::Answer { question, .. } if question == "wellbeing"))
        .map(|_| {
            messages
                .question("wellbeing", "error_missing")
                .unwrap_or_default()
                .to_owned()
        });
    // A follow-up is nothing but the check-in: it cannot be skipped, and its button sends.
    let follow_up = journey.is_follow_up();
    let submit_label = follow_up.then(|| AttrValue::from(messages.t("followup.send").to_owned()));
    html! {
        <QuestionPage {submit_label}>
            if follow_up {
                <h1 class="sp-heading-l" tabindex="-1">{ messages.t("followup.heading") }</h1>
                <p class="sp-body">{ messages.t("followup.intro") }</p>
                <p class="sp-body">{ messages.t("followup.no_personal") }</p>
                <div class="sp-inset">{ messages.t("start.not_emergency") }</div>
            } else {
                <h1 class="sp-heading-l" tabindex="-1">{ messages.t("page.wellbeing.heading") }</h1>
                <p class="sp-body">{ messages.t("wellbeing.purpose") }</p>
            }
            // Only official translations of the scale may be used; none is shipped yet, so other
            // languages are offered the English scale, or to skip it, in their own words.
            if journey.language != Language::En {
                <div class="sp-inset">{ messages.t("wellbeing.english_only") }</div>
            }
            <p class="sp-body" id="sp-answers-wellbeing" tabindex="-1" lang="en">{ scale.instruction }</p>
            if let Some(text) = none_answered {
                <p class="sp-error-message"><span class="sp-visually-hidden">{ messages.t("common.error_prefix") }{" "}</span>{ text }</p>
            }
            { for scale.items.iter().enumerate().map(|(index, item)| {
                let number = index + 1;
                let error: Option<AttrValue> = journey.problems.contains(&Problem::WellbeingItem { item: number })
                    .then(|| messages.tf("wellbeing.item_error", &[("item", item.text)]).into());
                html! {
                    <ScaleItem key={number} {index} text={item.text} options={options.clone()}
                        chosen={wellbeing.items[index]} {error} dispatcher={dispatcher.clone()} />
                }
            }) }
            <p class="sp-copyright" lang="en">{ scale.copyright }</p>
            if !follow_up {
                <button type="button" class="sp-button sp-button--secondary" onclick={skip}>{ messages.t("wellbeing.skip") }</button>
            }
        </QuestionPage>
    }
}

#[derive(Properties, PartialEq)]
struct ScaleItemProps {
    index: usize,
    text: AttrValue,
    options: Rc<Vec<(u8, AttrValue)>>,
    chosen: Option<u8>,
    error: Option<AttrValue>,
    /// Stable across renders (unlike the journey handle), so an unchanged statement is not
    /// drawn again when another is answered: 14 groups of 5 radios is a lot for a slow phone.
    dispatcher: UseReducerDispatcher<Journey>,
}

/// One statement of the scale and its five answers.
#[function_component]
fn ScaleItem(props: &ScaleItemProps) -> Html {
    let number = props.index + 1;
    let items = props
        .options
        .iter()
        .map(|(value, label)| ChoiceItem {
            value: value.to_string().into(),
            label: label.clone(),
            checked: props.chosen == Some(*value),
        })
        .collect::<Vec<_>>();
    let on_choose = {
        let dispatcher = props.dispatcher.clone();
        let item = props.index;
        Callback::from(move |value: AttrValue| {
            if let Ok(value) = value.parse() {
                dispatcher.dispatch(Action::SetWellbeingItem { item, value });
            }
        })
    };
    html! {
        <div class="sp-scale-item" lang="en">
            { choice_group(ChoiceGroupProps {
                choose: Choose::One,
                field: format!("wellbeing.items.{number}").into(),
                legend: props.text.clone(),
                heading: false,
                hint: None,
                error: props.error.clone(),
                items,
                on_choose,
            }) }
        </div>
    }
}
