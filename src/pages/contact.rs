use signpost_core::ContactMethod;
use yew::prelude::*;

use super::error_for;
use crate::app::{use_journey, use_messages};
use crate::components::{InputKind, QuestionPage, RadioGroup, RadioItem, TextField};
use crate::journey::Action;

#[function_component]
pub fn Contact() -> Html {
    let journey = use_journey();
    let messages = use_messages();
    let errors = &journey.errors;
    let on_phone = {
        let journey = journey.clone();
        Callback::from(move |phone| journey.dispatch(Action::SetPhone(phone)))
    };
    let on_email = {
        let journey = journey.clone();
        Callback::from(move |email| journey.dispatch(Action::SetEmail(email)))
    };
    let phone_field = html! {
        <TextField field="contact.phone" kind={InputKind::Phone}
            label={messages.t("contact.phone_label").to_owned()}
            hint={messages.t("contact.phone_hint").to_owned()}
            error={error_for(errors, "contact.phone", &messages)}
            value={journey.answers.phone.clone()} on_input={on_phone} />
    };
    let email_field = html! {
        <TextField field="contact.email" kind={InputKind::Email}
            label={messages.t("contact.email_label").to_owned()}
            error={error_for(errors, "contact.email", &messages)}
            value={journey.answers.email.clone()} on_input={on_email} />
    };
    let items: Vec<RadioItem> = ContactMethod::ALL
        .into_iter()
        .map(|method| RadioItem {
            value: method.as_str().into(),
            label: messages.contact_method(method).to_owned().into(),
            checked: journey.answers.contact_method == Some(method),
            reveal: Some(if method.needs_phone() { phone_field.clone() } else { email_field.clone() }),
        })
        .collect();
    let on_choose = {
        let journey = journey.clone();
        Callback::from(move |value: AttrValue| {
            if let Some(method) = ContactMethod::ALL.into_iter().find(|m| m.as_str() == value.as_str()) {
                journey.dispatch(Action::ChooseContact(method));
            }
        })
    };
    html! {
        <QuestionPage>
            <RadioGroup field="contact.methods" heading=true
                legend={messages.t("contact.heading").to_owned()}
                hint={messages.t("contact.hint").to_owned()}
                error={error_for(errors, "contact.methods", &messages)}
                {items} {on_choose} />
        </QuestionPage>
    }
}
