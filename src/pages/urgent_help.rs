use yew::prelude::*;

use crate::components::crisis_lines;
use crate::context::JourneyContext;
use crate::i18n::Messages;
use crate::journey::Action;

/// Reachable from every page; the person's answers wait underneath until they go back.
pub fn urgent_help(journey: &JourneyContext, messages: &Messages) -> Html {
    let language = journey.language;
    let journey = journey.clone();
    let onclick = Callback::from(move |_| journey.dispatch(Action::CloseUrgentHelp));
    html! {
        <>
            <h1 class="sp-heading-l" tabindex="-1">{ messages.t("urgent.heading") }</h1>
            <p class="sp-body">{ messages.t("urgent.intro") }</p>
            { crisis_lines(language) }
            <button type="button" class="sp-button sp-button--secondary" {onclick}>{ messages.t("urgent.return") }</button>
        </>
    }
}
