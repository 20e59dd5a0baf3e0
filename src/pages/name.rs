use yew::prelude::*;

use super::error_for;
use crate::app::{use_journey, use_messages};
use crate::components::{InputKind, QuestionPage, TextField};
use crate::journey::Action;

#[function_component]
pub fn Name() -> Html {
    let journey = use_journey();
    let messages = use_messages();
    let on_input = {
        let journey = journey.clone();
        Callback::from(move |name| journey.dispatch(Action::SetName(name)))
    };
    html! {
        <QuestionPage>
            <TextField field="person.name" heading=true kind={InputKind::Name}
                label={messages.t("name.heading").to_owned()}
                hint={messages.t("name.hint").to_owned()}
                error={error_for(&journey.errors, "person.name", &messages)}
                value={journey.answers.name.clone()} {on_input} />
        </QuestionPage>
    }
}
