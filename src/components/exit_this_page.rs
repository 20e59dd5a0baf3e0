use wasm_bindgen::JsCast;
use web_sys::HtmlElement;
use yew::prelude::*;

use crate::i18n::Messages;

/// GOV.UK *Exit this page*: `leave` forgets every answer and goes (the frame's, shared with the
/// Shift shortcut; see `exit_now`).
pub fn exit_this_page(leave: &Callback<()>, messages: &Messages) -> Html {
    let onclick = leave.reform(|_: MouseEvent| ());
    html! {
        <div class="sp-exit">
            <button type="button" class="sp-exit__button" {onclick} aria-describedby="sp-exit-hint">
                { messages.t("exit.button") }
            </button>
            <p class="sp-visually-hidden" id="sp-exit-hint">{ messages.t("exit.hint") }</p>
        </div>
    }
}

/// Hides the page at once and replaces it with a neutral site using `location.replace`, so the
/// browser's Back button does not return here.
pub fn exit_now(exit_url: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    // Blank what is on screen before the next site starts loading, in case that is slow.
    if let Some(body) = window.document().and_then(|d| d.body()) {
        let body: HtmlElement = body.unchecked_into();
        body.set_hidden(true);
    }
    let _ = window.location().replace(exit_url);
}
