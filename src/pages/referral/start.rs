use signpost_core::Channel;
use yew::prelude::*;

use crate::components::{
    choice_group, error_summary, ChoiceGroupProps, ChoiceItem, Choose, SummaryItem,
};
use crate::context::{use_config, use_journey, use_messages};
use crate::journey::{Action, Problem};
use crate::pages::problem_message;

/// What this is, who reads it, how long it takes, that it is not an emergency service, what
/// happens to the answers and how to leave quickly. In assisted mode, the volunteer also
/// confirms the person is present and agrees.
#[function_component]
pub fn Start() -> Html {
    let journey = use_journey();
    let messages = use_messages();
    let config = use_config();
    let assisted = journey.setting.channel == Channel::Assisted;
    let begin = {
        let journey = journey.clone();
        Callback::from(move |_| journey.dispatch(Action::Begin))
    };
    let confirm = {
        let journey = journey.clone();
        Callback::from(move |_: AttrValue| {
            journey.dispatch(Action::ConfirmPresent(!journey.volunteer_confirmed))
        })
    };
    let summary: Vec<SummaryItem> = journey
        .problems
        .iter()
        .map(|p| SummaryItem {
            field: p.field(),
            text: problem_message(&journey, &messages, p).into(),
        })
        .collect();
    let present_error = journey
        .problems
        .contains(&Problem::VolunteerConfirmation)
        .then(|| AttrValue::from(messages.t("error.volunteer_confirmation").to_owned()));
    html! {
        <>
            if journey.timed_out {
                <div class="sp-notice" role="status">{ messages.t("start.timed_out") }</div>
            }
            { error_summary(&messages, &summary) }
            if assisted {
                <h1 class="sp-heading-l" tabindex="-1">{ messages.t("assisted.heading") }</h1>
                <p class="sp-body">{ messages.t("assisted.intro") }</p>
                <p class="sp-body">{ messages.t("assisted.speak_to_person") }</p>
            } else {
                <h1 class="sp-heading-l" tabindex="-1">{ messages.t("start.heading") }</h1>
            }
            <p class="sp-body">{ messages.t("start.intro") }</p>
            <p class="sp-body">{ messages.t("start.who_reads") }</p>
            <p class="sp-body">{ messages.t("start.time") }</p>
            <div class="sp-inset">{ messages.t("start.not_emergency") }</div>
            <p class="sp-body">{ messages.t("start.privacy") }</p>
            <h2 class="sp-heading-m">{ messages.t("start.safety_heading") }</h2>
            <p class="sp-body">{ messages.t("start.exit_explained") }</p>
            <p class="sp-body">
                <a href={config.safe_browsing_url.clone()} rel="noreferrer noopener" target="_blank">{ messages.t("start.safe_browsing_link") }</a>
            </p>
            if assisted {
                { choice_group(ChoiceGroupProps {
                    choose: Choose::Several,
                    field: "volunteer.present".into(),
                    legend: messages.t("assisted.present_legend").to_owned().into(),
                    heading: false,
                    hint: None,
                    error: present_error,
                    items: vec![ChoiceItem {
                        value: "present".into(),
                        label: messages.t("assisted.present").to_owned().into(),
                        checked: journey.volunteer_confirmed,
                    }],
                    on_choose: confirm,
                }) }
            }
            <button type="button" class="sp-button sp-button--start" onclick={begin}>{ messages.t("start.button") }</button>
        </>
    }
}
