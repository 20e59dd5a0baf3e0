use yew::prelude::*;

use crate::context::{use_journey, use_messages};
use crate::journey::Action;

/// GOV.UK back link. A button, not a link, because it changes the widget's state rather than
/// the page address; styled as a link so it looks like every other back link.
#[function_component]
pub fn BackLink() -> Html {
    let journey = use_journey();
    let messages = use_messages();
    // A follow-up check-in's questions are its first page: there is nothing to go back to.
    if journey.is_follow_up() {
        return html! {};
    }
    let onclick = Callback::from(move |_| journey.dispatch(Action::Back));
    html! {
        <button type="button" class="sp-back-link" {onclick}>{ messages.t("common.back") }</button>
    }
}
