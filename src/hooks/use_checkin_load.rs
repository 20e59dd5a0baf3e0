use std::rc::Rc;

use yew::prelude::*;

use crate::config::Config;
use crate::journey::{Action, FollowUpStep, Journey, Step};
use crate::send::{load_checkin, EarlyLookup};

/// Looks the follow-up link up each time the journey starts a look-up (on opening, and after
/// *Try again*), and reports what the service said back as an action. The first look-up uses the
/// answer to `embed.js`'s early request, when there is one for the same address.
#[hook]
pub fn use_checkin_load(
    journey: UseReducerHandle<Journey>,
    config: Rc<Config>,
    early: Option<EarlyLookup>,
) {
    let loading = journey.step == Step::FollowUp(FollowUpStep::Loading);
    use_effect_with((journey.loads_started, loading), move |&(_, loading)| {
        let Some(token) = journey.follow_up_token().filter(|_| loading) else {
            return;
        };
        let endpoint = config.checkin_endpoint(token);
        let early = early.and_then(|early| early.take_for(&endpoint));
        wasm_bindgen_futures::spawn_local(async move {
            journey.dispatch(Action::CheckinLoaded(load_checkin(&endpoint, early).await));
        });
    });
}
