use signpost_core::{ConsentPurpose, CONSENT_VERSION};
use yew::prelude::*;

use crate::components::{choice_group, ChoiceGroupProps, ChoiceItem, Choose};
use crate::context::{use_journey, use_messages};
use crate::journey::{Action, Problem};
use crate::pages::{problem_message, QuestionPage};
use crate::send::new_idempotency_key;

/// Explicit, separate consent for each purpose. Nothing leaves the browser before this page.
#[function_component]
pub fn Consent() -> Html {
    let journey = use_journey();
    let messages = use_messages();
    let purposes = [
        (ConsentPurpose::ShareWithService, "consent.share"),
        (ConsentPurpose::ContactMe, "consent.contact"),
        (ConsentPurpose::Evaluation, "consent.evaluation"),
    ];
    let items: Vec<ChoiceItem> = purposes
        .into_iter()
        .map(|(purpose, key)| ChoiceItem {
            value: purpose.as_str().into(),
            label: messages.t(key).to_owned().into(),
            checked: journey.consent.contains(&purpose),
        })
        .collect();
    let on_toggle = {
        let journey = journey.clone();
        Callback::from(move |value: AttrValue| {
            let purpose = purposes
                .into_iter()
                .map(|(p, _)| p)
                .find(|p| p.as_str() == value.as_str());
            if let Some(purpose) = purpose {
                let agreed = !journey.consent.contains(&purpose);
                journey.dispatch(Action::SetConsent(purpose, agreed));
            }
        })
    };
    let on_submit = {
        let journey = journey.clone();
        Callback::from(move |()| {
            journey.dispatch(Action::Send {
                idempotency_key: new_idempotency_key(),
            })
        })
    };
    let error = journey
        .problems
        .iter()
        .find(|p| matches!(p, Problem::Consent(_)))
        .map(|p| AttrValue::from(problem_message(&journey, &messages, p)));
    html! {
        <QuestionPage submit_label={messages.t("consent.send").to_owned()} {on_submit}>
            <h1 class="sp-heading-l" tabindex="-1">{ messages.t("consent.heading") }</h1>
            <p class="sp-body">{ messages.t("consent.intro") }</p>
            { choice_group(ChoiceGroupProps {
                choose: Choose::Several,
                field: "consent.purposes".into(),
                legend: messages.t("consent.legend").to_owned().into(),
                heading: false,
                hint: None,
                error,
                items,
                on_choose: on_toggle,
            }) }
            <p class="sp-body sp-body--small">{ messages.tf("consent.version", &[("version", CONSENT_VERSION)]) }</p>
        </QuestionPage>
    }
}
