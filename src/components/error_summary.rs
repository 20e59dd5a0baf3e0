use wasm_bindgen::JsCast;
use web_sys::{DocumentFragment, HtmlElement};
use yew::prelude::*;

use crate::hooks::field_id;
use crate::i18n::Messages;

#[derive(Clone, PartialEq)]
pub struct SummaryItem {
    pub field: String,
    pub text: AttrValue,
}

/// The GOV.UK error summary: it takes focus when it appears (so screen readers announce it),
/// and each message links to its field. In-page `#id` links do not reach into a shadow root,
/// so the click finds the field in the widget's own root and focuses it.
pub fn error_summary(messages: &Messages, items: &[SummaryItem]) -> Html {
    if items.is_empty() {
        return html! {};
    }
    html! {
        <div class="sp-error-summary" tabindex="-1" role="alert" aria-labelledby="sp-error-summary-title">
            <h2 class="sp-error-summary__title" id="sp-error-summary-title">{ messages.t("error.summary_title") }</h2>
            <ul class="sp-error-summary__list">
                { for items.iter().map(|item| {
                    let id = field_id(&item.field);
                    let onclick = {
                        let id = id.clone();
                        Callback::from(move |event: MouseEvent| {
                            event.prevent_default();
                            focus_in_same_root(&event, &id);
                        })
                    };
                    html! { <li><a href={format!("#{id}")} {onclick}>{ item.text.clone() }</a></li> }
                }) }
            </ul>
        </div>
    }
}

fn focus_in_same_root(event: &MouseEvent, id: &str) {
    let Some(link) = event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Node>().ok())
    else {
        return;
    };
    let root = link.get_root_node();
    let target = match root.dyn_ref::<DocumentFragment>() {
        Some(fragment) => fragment.get_element_by_id(id),
        None => web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(id)),
    };
    if let Some(field) = target.and_then(|e| e.dyn_into::<HtmlElement>().ok()) {
        field.scroll_into_view();
        let _ = field.focus();
    }
}
