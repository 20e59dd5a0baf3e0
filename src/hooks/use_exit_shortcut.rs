use std::cell::RefCell;
use std::rc::Rc;

use gloo_events::EventListener;
use wasm_bindgen::JsCast;
use web_sys::KeyboardEvent;
use yew::prelude::*;

/// Presses of Shift counted towards the shortcut must fall within this window (GOV.UK pattern).
const WINDOW_MS: f64 = 5_000.0;
const PRESSES: usize = 3;

/// Pressing Shift three times within five seconds does what *Exit this page* does: someone
/// who is interrupted can leave without finding the button. static/embed/preview.js has a copy
/// for the preview; tests/journeys/preview.test.mjs ("Exit this page by pressing Shift three times
/// works before the wasm arrives", "before the wasm arrives, two Shift presses, or three spread
/// over more than five seconds, do not exit") and safety_privacy_languages.test.mjs (the same
/// here) keep the two equal.
#[hook]
pub fn use_exit_shortcut(on_exit: Callback<()>) {
    use_effect_with((), move |_| {
        let presses: Rc<RefCell<Vec<f64>>> = Rc::default();
        let window = web_sys::window().expect("a browser window");
        let listener = EventListener::new(&window, "keydown", move |event| {
            let Some(key) = event.dyn_ref::<KeyboardEvent>() else {
                return;
            };
            if key.key() != "Shift" || key.repeat() {
                return;
            }
            let now = js_sys::Date::now();
            let mut presses = presses.borrow_mut();
            presses.retain(|at| now - at < WINDOW_MS);
            presses.push(now);
            if presses.len() >= PRESSES {
                presses.clear();
                on_exit.emit(());
            }
        });
        move || drop(listener)
    });
}
