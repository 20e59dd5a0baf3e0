use yew::prelude::*;

/// The ids in `shown` that the render before did not show: the questions an answer has just
/// revealed on this page. Kept until what is shown changes again, so a live region that reads
/// them speaks once a reveal, not on every render; none on the first render.
#[hook]
pub fn use_revealed(shown: Vec<String>) -> Vec<String> {
    let last = use_mut_ref(|| (shown.clone(), Vec::new()));
    let mut last = last.borrow_mut();
    if last.0 != shown {
        let revealed = shown
            .iter()
            .filter(|id| !last.0.contains(id))
            .cloned()
            .collect();
        *last = (shown, revealed);
    }
    last.1.clone()
}
