use signpost_core::checkin::CheckinResult;
use yew::prelude::*;

use crate::app::use_messages;
use crate::components::{format_score, CrisisLines, ScoreChart};

#[derive(Properties, PartialEq)]
pub struct FollowUpResultProps {
    pub result: CheckinResult,
}

/// How the person's score has changed since they started, as a chart, a table and in words:
/// whether the change is more than the normal ups and downs, said kindly whichever way it went.
#[function_component]
pub fn FollowUpResult(props: &FollowUpResultProps) -> Html {
    let messages = use_messages();
    let result = &props.result;
    let words = match (result.change, result.meaningful) {
        (Some(change), Some(true)) if change > 0.0 => {
            messages.tf("followup.result.up", &[("change", &format_score(change))])
        }
        (Some(change), Some(true)) => messages.tf(
            "followup.result.down",
            &[("change", &format_score(change.abs()))],
        ),
        (Some(change), _) => messages.tf(
            "followup.result.same",
            &[("change", &format_score(change.abs()))],
        ),
        (None, _) => messages.t("followup.result.first").to_owned(),
    };
    html! {
        <>
            <div class="sp-panel">
                <h1 class="sp-panel__title" tabindex="-1">{ messages.t("followup.result.heading") }</h1>
            </div>
            <p class="sp-body sp-change">{ words }</p>
            <ScoreChart instrument={result.instrument} scores={result.scores.clone()} />
            <p class="sp-body">{ messages.t("followup.result.next") }</p>
            <CrisisLines />
        </>
    }
}
