use yew::prelude::*;

use crate::app::{use_journey, use_messages};
use crate::journey::Action;

#[function_component]
pub fn Start() -> Html {
    let journey = use_journey();
    let messages = use_messages();
    let onclick = Callback::from(move |_| journey.dispatch(Action::Begin));
    html! {
        <>
            <h1 class="sp-heading-l" tabindex="-1">{ messages.t("start.heading") }</h1>
            <p class="sp-body">{ messages.t("start.intro") }</p>
            <p class="sp-body">{ messages.t("start.who_reads") }</p>
            <p class="sp-body">{ messages.t("start.time") }</p>
            <div class="sp-inset">{ messages.t("start.not_emergency") }</div>
            <p class="sp-body">{ messages.t("start.privacy") }</p>
            <button type="button" class="sp-button sp-button--start" {onclick}>{ messages.t("start.button") }</button>
        </>
    }
}
