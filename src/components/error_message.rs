use yew::prelude::*;

use crate::context::use_messages;

#[derive(Properties, PartialEq)]
pub struct ErrorMessageProps {
    /// The id of the control it belongs to; the message gets `{id}-error`.
    pub id: AttrValue,
    pub text: AttrValue,
}

/// The inline message next to a field, with a prefix only screen readers hear, so the error is
/// not told by colour alone (WCAG 1.4.1) and is read with the field (GOV.UK error message).
#[function_component]
pub fn ErrorMessage(props: &ErrorMessageProps) -> Html {
    let messages = use_messages();
    html! {
        <p class="sp-error-message" id={format!("{}-error", props.id)}>
            <span class="sp-visually-hidden">{ messages.t("common.error_prefix") }{" "}</span>
            { props.text.clone() }
        </p>
    }
}
