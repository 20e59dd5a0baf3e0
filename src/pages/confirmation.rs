use yew::prelude::*;

use crate::app::use_messages;
use crate::components::CrisisLines;

#[derive(Properties, PartialEq)]
pub struct ConfirmationProps {
    pub reference: AttrValue,
}

#[function_component]
pub fn Confirmation(props: &ConfirmationProps) -> Html {
    let messages = use_messages();
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
            <CrisisLines />
        </>
    }
}
