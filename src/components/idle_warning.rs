use web_sys::HtmlDialogElement;
use yew::prelude::*;

use crate::context::{use_journey, use_messages};
use crate::journey::Action;

/// The idle warning as a native modal dialog: the page behind is inert, focus moves to the
/// dialog, and its one button gives more time. Escape also counts as asking for more time.
#[function_component]
pub fn IdleWarning() -> Html {
    let journey = use_journey();
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
    let more_time = {
        let journey = journey.clone();
        Callback::from(move |_| journey.dispatch(Action::StillHere))
    };
    let oncancel = {
        let journey = journey.clone();
        Callback::from(move |event: Event| {
            event.prevent_default();
            journey.dispatch(Action::StillHere);
        })
    };
    html! {
        <dialog class="sp-dialog" ref={dialog} aria-labelledby="sp-idle-heading" aria-describedby="sp-idle-body" {oncancel}>
            <h2 class="sp-heading-m" id="sp-idle-heading">{ messages.t("idle.heading") }</h2>
            <p class="sp-body" id="sp-idle-body">{ messages.t("idle.body") }</p>
            <button type="button" class="sp-button" autofocus=true onclick={more_time}>{ messages.t("idle.more_time") }</button>
        </dialog>
    }
}
