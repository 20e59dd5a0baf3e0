use yew::prelude::*;

use crate::i18n::Messages;

/// "Page 2 of 4" above the heading, so the person knows where they are and how far to go.
pub fn progress(messages: &Messages, at: Option<(usize, usize)>) -> Html {
    match at {
        Some((current, total)) => html! {
            <p class="sp-progress">
                { messages.tf("common.step_of", &[("current", &current.to_string()), ("total", &total.to_string())]) }
            </p>
        },
        None => html! {},
    }
}
