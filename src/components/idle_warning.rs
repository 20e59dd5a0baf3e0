use web_sys::HtmlDialogElement;
use yew::prelude::*;

use crate::context::use_messages;

#[derive(Properties, PartialEq)]
pub struct IdleWarningProps {
    /// The person is still there: the one button, and Escape.
    pub on_more_time: Callback<()>,
}

/// The idle warning as a native modal dialog: the page behind is inert, focus moves to the
/// dialog, and its one button gives more time. Escape also counts as asking for more time.
#[function_component]
pub fn IdleWarning(props: &IdleWarningProps) -> Html {
    let messages = use_messages();
    let dialog = use_node_ref();
    {
        let dialog = dialog.clone();
        use_effect_with((), move |_| {
            if let Some(dialog) = dialog.cast::<HtmlDialogElement>() {
                let _ = dialog.show_modal();
            }
        });
    }
    let more_time = props.on_more_time.reform(|_: MouseEvent| ());
    let oncancel = props
        .on_more_time
        .reform(|event: Event| event.prevent_default());
    html! {
        <dialog class="sp-dialog" ref={dialog} aria-labelledby="sp-idle-heading" aria-describedby="sp-idle-body" {oncancel}>
            <h2 class="sp-heading-m" id="sp-idle-heading">{ messages.t("idle.heading") }</h2>
            <p class="sp-body" id="sp-idle-body">{ messages.t("idle.body") }</p>
            <button type="button" class="sp-button" autofocus=true onclick={more_time}>{ messages.t("idle.more_time") }</button>
        </dialog>
    }
}
