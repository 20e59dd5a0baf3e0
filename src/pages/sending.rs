use yew::prelude::*;

use crate::context::JourneyContext;
use crate::i18n::Messages;
use crate::journey::{Action, Delivery, SendFailure};
use crate::send::MAX_ATTEMPTS;

/// Says plainly whether the answers have gone. Never a confirmation: that needs the reference.
pub fn sending(journey: &JourneyContext, messages: &Messages, delivery: &Delivery) -> Html {
    let retry = {
        let journey = journey.clone();
        Callback::from(move |_| journey.dispatch(Action::Retry))
    };
    let back = {
        let journey = journey.clone();
        Callback::from(move |_| journey.dispatch(Action::Back))
    };
    match delivery {
        Delivery::InFlight { attempt } => {
            let status = if *attempt == 1 {
                messages.t("sending.in_progress").to_owned()
            } else {
                messages.tf(
                    "sending.retrying",
                    &[
                        ("attempt", &attempt.to_string()),
                        ("max", &MAX_ATTEMPTS.to_string()),
                    ],
                )
            };
            html! {
                <>
                    <h1 class="sp-heading-l" tabindex="-1">{ messages.t("sending.heading") }</h1>
                    <p class="sp-body" role="status">{ status }</p>
                </>
            }
        }
        Delivery::Failed(failure) => {
            let reason = match failure {
                SendFailure::Unreachable => messages.t("failed.unreachable").to_owned(),
                SendFailure::Unavailable(reason) => messages
                    .t(&format!("followup.unavailable.{}", reason.key()))
                    .to_owned(),
                SendFailure::Rejected { code, message } => {
                    let known = messages.t(&format!("error.{code}")).to_owned();
                    let text = if known.starts_with("error.") {
                        message.clone()
                    } else {
                        known
                    };
                    messages.tf("failed.rejected", &[("message", &text)])
                }
            };
            html! {
                <>
                    <h1 class="sp-heading-l" tabindex="-1">{ messages.t("failed.heading") }</h1>
                    <p class="sp-body" role="alert">{ reason }</p>
                    <div class="sp-button-group">
                        if matches!(failure, SendFailure::Unreachable) {
                            <button type="button" class="sp-button" onclick={retry}>{ messages.t("failed.try_again") }</button>
                        }
                        <button type="button" class="sp-button sp-button--secondary" onclick={back}>{ messages.t("failed.change") }</button>
                    </div>
                </>
            }
        }
    }
}
