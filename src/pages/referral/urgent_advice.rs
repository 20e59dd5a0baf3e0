use yew::prelude::*;

use crate::components::crisis_lines;
use crate::context::{use_journey, use_messages};
use crate::journey::Action;

/// After "yes, I need help urgently today": who to call now, then the form if they want it.
#[function_component]
pub fn UrgentAdvice() -> Html {
    let journey = use_journey();
    let messages = use_messages();
    let language = journey.language;
    let back = crate::pages::back(&journey, &messages);
    let onclick = Callback::from(move |_| journey.dispatch(Action::Continue));
    html! {
        <>
            { back }
            <h1 class="sp-heading-l" tabindex="-1">{ messages.t("urgent_advice.heading") }</h1>
            <p class="sp-body">{ messages.t("urgent_advice.intro") }</p>
            { crisis_lines(language) }
            <p class="sp-body">{ messages.t("urgent_advice.continue_hint") }</p>
            <button type="button" class="sp-button sp-button--secondary" {onclick}>{ messages.t("urgent_advice.continue") }</button>
        </>
    }
}
