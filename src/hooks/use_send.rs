use std::rc::Rc;

use yew::prelude::*;

use crate::config::Config;
use crate::journey::{Action, Delivery, Journey, Step};
use crate::send::send_checkin;

/// Starts a send each time the journey starts one (after *Agree and send* or *Try again*),
/// and reports progress and the result back as actions.
#[hook]
pub fn use_send(journey: UseReducerHandle<Journey>, config: Rc<Config>) {
    use_effect_with(journey.sends_started, move |_| {
        let in_flight = journey.step == Step::Sending(Delivery::InFlight { attempt: 1 });
        if !in_flight {
            return;
        }
        match (
            journey.is_follow_up(),
            journey.follow_up_token(),
            journey.raw_checkin(),
        ) {
            (true, Some(token), Some(checkin)) => {
                let endpoint = config.checkin_endpoint(token);
                wasm_bindgen_futures::spawn_local(async move {
                    let progress = journey.dispatcher();
                    let result = send_checkin(&endpoint, &checkin, |attempt| {
                        progress.dispatch(Action::Retrying { attempt })
                    })
                    .await;
                    journey.dispatch(match result {
                        Ok(result) => Action::CheckinSent(result),
                        Err(failure) => Action::SendFailed(failure),
                    });
                });
            }
            // A follow-up reaches its send only with every statement answered.
            (true, ..) => {}
            #[cfg(feature = "referral")]
            (false, ..) => send_referral(journey, &config),
            #[cfg(not(feature = "referral"))]
            (false, ..) => {}
        }
    });
}

/// Sends the referral with the key the journey made for it, until acknowledged or refused.
#[cfg(feature = "referral")]
fn send_referral(journey: UseReducerHandle<Journey>, config: &Config) {
    let Some(idempotency_key) = journey.idempotency_key.clone() else {
        return;
    };
    let referral = journey.raw_referral();
    let endpoint = config.referrals_endpoint();
    wasm_bindgen_futures::spawn_local(async move {
        let progress = journey.dispatcher();
        let result =
            crate::send::send_referral(&endpoint, &idempotency_key, &referral, |attempt| {
                progress.dispatch(Action::Retrying { attempt })
            })
            .await;
        journey.dispatch(match result {
            Ok(reference) => Action::Sent { reference },
            Err(failure) => Action::SendFailed(failure),
        });
    });
}
