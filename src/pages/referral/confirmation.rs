use yew::prelude::*;

use signpost_core::Channel;

use crate::components::crisis_lines;
use crate::context::{use_journey, use_messages};
use crate::journey::Action;

#[derive(Properties, PartialEq)]
pub struct ConfirmationProps {
    pub reference: AttrValue,
}

#[function_component]
pub fn Confirmation(props: &ConfirmationProps) -> Html {
    let messages = use_messages();
    let journey = use_journey();
    let assisted = journey.setting.channel == Channel::Assisted;
    let language = journey.language;
    let start_again = Callback::from(move |_| journey.dispatch(Action::Reset));
    html! {
        <>
            <div class="sp-panel">
                <h1 class="sp-panel__title" tabindex="-1">{ messages.t("confirmation.heading") }</h1>
                <div class="sp-panel__body">
                    { messages.t("confirmation.reference") }<br />
                    <strong class="sp-reference">{ props.reference.clone() }</strong>
                </div>
            </div>
            <h2 class="sp-heading-m">{ messages.t("confirmation.next_heading") }</h2>
            <p class="sp-body">{ messages.t("confirmation.next") }</p>
            <p class="sp-body">{ messages.t("confirmation.urgent") }</p>
            { crisis_lines(language) }
            // On a shared tablet the next person must not see this one's reference.
            if assisted {
                <button type="button" class="sp-button" onclick={start_again}>{ messages.t("confirmation.start_again") }</button>
            }
        </>
    }
}
