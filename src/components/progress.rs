use yew::prelude::*;

use crate::context::{use_journey, use_messages};

/// "Question 2 of 4" above the heading, so the person knows where they are and how far to go.
#[function_component]
pub fn Progress() -> Html {
    let journey = use_journey();
    let messages = use_messages();
    match journey.progress() {
        Some((current, total)) => html! {
            <p class="sp-progress">
                { messages.tf("common.step_of", &[("current", &current.to_string()), ("total", &total.to_string())]) }
            </p>
        },
        None => html! {},
    }
}
