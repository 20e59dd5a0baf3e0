use yew::prelude::*;

use crate::i18n::Messages;

/// GOV.UK back link. A button, not a link, because it changes the widget's state rather than
/// the page address; styled as a link so it looks like every other back link.
pub fn back_link(messages: &Messages, on_back: Callback<MouseEvent>) -> Html {
    html! {
        <button type="button" class="sp-back-link" onclick={on_back}>{ messages.t("common.back") }</button>
    }
}
