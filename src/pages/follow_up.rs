//! The pages around a follow-up check-in: looking the link up, and a link that cannot be used.
//! The questions (with a few words on what they are for) are the wellbeing page; the result
//! has a page of its own.

use yew::prelude::*;

use crate::context::JourneyContext;
use crate::i18n::Messages;
use crate::journey::{Action, Unavailable};

pub fn follow_up_loading(messages: &Messages) -> Html {
    html! {
        <>
            <h1 class="sp-heading-l" tabindex="-1">{ messages.t("followup.heading") }</h1>
            <p class="sp-body" role="status">{ messages.t("followup.loading") }</p>
        </>
    }
}

/// A link that is used, expired, unknown or missing: what happened and what to do next, never a
/// blank widget. Only an unreachable service is worth trying again.
pub fn follow_up_unavailable(
    journey: &JourneyContext,
    messages: &Messages,
    reason: Unavailable,
) -> Html {
    let journey = journey.clone();
    let retry = Callback::from(move |_| journey.dispatch(Action::RetryLoad));
    html! {
        <>
            <h1 class="sp-heading-l" tabindex="-1">{ messages.t("followup.unavailable.heading") }</h1>
            <p class="sp-body">{ messages.t(&format!("followup.unavailable.{}", reason.key())).to_owned() }</p>
            if reason == Unavailable::Unreachable {
                <button type="button" class="sp-button" onclick={retry}>{ messages.t("followup.try_again") }</button>
            }
        </>
    }
}
