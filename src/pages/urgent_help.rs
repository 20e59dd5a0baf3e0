use yew::prelude::*;

use crate::app::{use_journey, use_messages};
use crate::components::CrisisLines;
use crate::journey::Action;

/// Reachable from every page; the person's answers wait underneath until they go back.
#[function_component]
pub fn UrgentHelp() -> Html {
    let journey = use_journey();
    let messages = use_messages();
    let onclick = Callback::from(move |_| journey.dispatch(Action::CloseUrgentHelp));
    html! {
        <>
            <h1 class="sp-heading-l" tabindex="-1">{ messages.t("urgent.heading") }</h1>
            <p class="sp-body">{ messages.t("urgent.intro") }</p>
            <CrisisLines />
            <button type="button" class="sp-button sp-button--secondary" {onclick}>{ messages.t("urgent.return") }</button>
        </>
    }
}
