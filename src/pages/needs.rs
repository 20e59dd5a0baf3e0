use signpost_core::Need;
use yew::prelude::*;

use super::error_for;
use crate::app::{use_journey, use_messages};
use crate::components::{CheckboxGroup, CheckboxItem, QuestionPage};
use crate::journey::Action;

#[function_component]
pub fn Needs() -> Html {
    let journey = use_journey();
    let messages = use_messages();
    let items: Vec<CheckboxItem> = Need::ALL
        .into_iter()
        .map(|need| CheckboxItem {
            value: need.as_str().into(),
            label: messages.need(need).to_owned().into(),
            checked: journey.answers.needs.contains(&need),
        })
        .collect();
    let on_toggle = {
        let journey = journey.clone();
        Callback::from(move |value: AttrValue| {
            if let Some(need) = Need::ALL.into_iter().find(|n| n.as_str() == value.as_str()) {
                journey.dispatch(Action::ToggleNeed(need));
            }
        })
    };
    html! {
        <QuestionPage>
            <CheckboxGroup field="needs" heading=true
                legend={messages.t("needs.heading").to_owned()}
                hint={messages.t("needs.hint").to_owned()}
                error={error_for(&journey.errors, "needs", &messages)}
                {items} {on_toggle} />
        </QuestionPage>
    }
}
