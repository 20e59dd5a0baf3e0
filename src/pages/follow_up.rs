//! The pages around a follow-up check-in: looking the link up, and a link that cannot be used.
//! The questions (with a few words on what they are for) are the wellbeing page; the result
//! has a page of its own.

use yew::prelude::*;

use crate::app::{use_journey, use_messages};
use crate::journey::{Action, Unavailable};

#[function_component]
pub fn FollowUpLoading() -> Html {
    let messages = use_messages();
    html! {
        <>
            <h1 class="sp-heading-l" tabindex="-1">{ messages.t("followup.heading") }</h1>
            <p class="sp-body" role="status">{ messages.t("followup.loading") }</p>
        </>
    }
}

#[derive(Properties, PartialEq)]
pub struct FollowUpUnavailableProps {
    pub reason: Unavailable,
}

/// A link that is used, expired, unknown or missing: what happened and what to do next, never a
/// blank widget. Only an unreachable service is worth trying again.
#[function_component]
pub fn FollowUpUnavailable(props: &FollowUpUnavailableProps) -> Html {
    let journey = use_journey();
    let messages = use_messages();
    let retry = Callback::from(move |_| journey.dispatch(Action::RetryLoad));
    html! {
        <>
            <h1 class="sp-heading-l" tabindex="-1">{ messages.t("followup.unavailable.heading") }</h1>
            <p class="sp-body">{ messages.t(&format!("followup.unavailable.{}", props.reason.key())).to_owned() }</p>
            if props.reason == Unavailable::Unreachable {
                <button type="button" class="sp-button" onclick={retry}>{ messages.t("followup.try_again") }</button>
            }
        </>
    }
}
