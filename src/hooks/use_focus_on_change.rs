use wasm_bindgen::JsCast;
use web_sys::HtmlElement;
use yew::prelude::*;

/// After a change of `key` (a new page, or new errors), moves focus inside `container`: to the
/// error summary if there is one, else to the page's heading. A screen reader then reads the new
/// page from its top, as after a page load. The first render is skipped, so the widget does not
/// steal focus from the host page when it appears.
#[hook]
pub fn use_focus_on_change<K: PartialEq + Clone + 'static>(key: K, container: NodeRef) {
    let first = use_mut_ref(|| true);
    use_effect_with(key, move |_| {
        if std::mem::replace(&mut *first.borrow_mut(), false) {
            return;
        }
        let Some(root) = container.cast::<web_sys::Element>() else {
            return;
        };
        let target = root
            .query_selector(".sp-error-summary")
            .ok()
            .flatten()
            .or_else(|| root.query_selector("h1").ok().flatten());
        if let Some(element) = target.and_then(|e| e.dyn_into::<HtmlElement>().ok()) {
            let _ = element.focus();
        }
    });
}
