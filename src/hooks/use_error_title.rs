use yew::prelude::*;

/// GOV.UK: while a page shows errors, the document title starts with "Error:", so screen reader
/// users hear at once that something needs fixing. The prefix goes when the errors do.
#[hook]
pub fn use_error_title(has_errors: bool, prefix: String) {
    use_effect_with((has_errors, prefix), |(has_errors, prefix)| {
        let Some(document) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        let marker = format!("{prefix} ");
        let title = document.title();
        match (title.strip_prefix(&marker), has_errors) {
            (None, true) => document.set_title(&format!("{marker}{title}")),
            (Some(plain), false) => document.set_title(plain),
            _ => {}
        }
    });
}
