use signpost_core::checkin::CheckinResult;
use yew::prelude::*;

use signpost_core::Language;

use crate::components::{crisis_lines, format_score, score_chart};
use crate::i18n::Messages;

/// How the person's score has changed since they started, as a chart, a table and in words:
/// whether the change is more than the normal ups and downs, said kindly whichever way it went.
pub fn follow_up_result(messages: &Messages, language: Language, result: &CheckinResult) -> Html {
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
            { score_chart(messages, result.instrument, &result.scores) }
            <p class="sp-body">{ messages.t("followup.result.next") }</p>
            { crisis_lines(language) }
        </>
    }
}
