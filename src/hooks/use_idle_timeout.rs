use std::cell::Cell;
use std::rc::Rc;

use gloo_events::{EventListener, EventListenerOptions};
use gloo_timers::callback::{Interval, Timeout};
use yew::prelude::*;

use crate::journey::{Action, Journey};

/// How often the idle clock is read; fine enough for a spell measured in minutes.
const TICK_MS: u32 = 250;

/// What runs while the hook is active; dropping it stops every timer and listener.
#[allow(dead_code)] // The fields are held for their `Drop`, never read.
enum Watch {
    /// Counting idle time: any touch, key or input starts it again.
    Idle(Interval, Vec<EventListener>),
    /// The warning shows: only its button gives more time.
    Warning(Timeout),
}

/// Assisted mode on a shared tablet: after `idle_ms` without a touch or a key, the journey shows
/// a warning with a way to ask for more time (WCAG 2.2.1); with no answer within `warning_ms`,
/// everything is cleared and the start page shows.
#[hook]
pub fn use_idle_timeout(
    journey: UseReducerHandle<Journey>,
    active: bool,
    idle_ms: u32,
    warning_ms: u32,
) {
    // Only assisted mode times out, and the follow-up build has none: it carries none of this.
    if !cfg!(feature = "referral") {
        return;
    }
    let dispatcher = journey.dispatcher();
    let warning = journey.idle_warning;
    use_effect_with(
        (active, warning, idle_ms, warning_ms),
        move |&(active, warning, idle_ms, warning_ms)| {
            let watch = match (active, warning) {
                (false, _) => None,
                (true, true) => Some(Watch::Warning(Timeout::new(warning_ms, move || {
                    dispatcher.dispatch(Action::IdleTimeout)
                }))),
                (true, false) => {
                    let last_activity = Rc::new(Cell::new(js_sys::Date::now()));
                    let window = web_sys::window().expect("a browser window");
                    // Capture phase on the window: touches and keys inside the shadow root count too.
                    let options = EventListenerOptions::run_in_capture_phase();
                    let listeners = ["pointerdown", "keydown", "input"]
                        .into_iter()
                        .map(|kind| {
                            let last_activity = last_activity.clone();
                            EventListener::new_with_options(&window, kind, options, move |_| {
                                last_activity.set(js_sys::Date::now())
                            })
                        })
                        .collect();
                    let interval = Interval::new(TICK_MS, move || {
                        if js_sys::Date::now() - last_activity.get() >= f64::from(idle_ms) {
                            dispatcher.dispatch(Action::IdleWarning);
                        }
                    });
                    Some(Watch::Idle(interval, listeners))
                }
            };
            move || drop(watch)
        },
    );
}
