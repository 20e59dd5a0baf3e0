use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use super::{described_by, Labelled};
use crate::hooks::field_id;

#[derive(Properties, PartialEq)]
pub struct TextAreaProps {
    pub field: AttrValue,
    pub label: AttrValue,
    #[prop_or_default]
    pub heading: bool,
    #[prop_or_default]
    pub hint: Option<AttrValue>,
    #[prop_or_default]
    pub error: Option<AttrValue>,
    #[prop_or_default]
    pub autocomplete: Option<AttrValue>,
    pub value: AttrValue,
    pub on_input: Callback<String>,
}

/// A labelled multi-line answer (GOV.UK textarea), wired like `TextField`.
#[function_component]
pub fn TextArea(props: &TextAreaProps) -> Html {
    let id = field_id(&props.field);
    let describedby = described_by(&id, props.hint.is_some(), props.error.is_some());
    let on_input = props.on_input.clone();
    let oninput = Callback::from(move |event: InputEvent| {
        on_input.emit(event.target_unchecked_into::<HtmlTextAreaElement>().value());
    });
    html! {
        <Labelled id={id.clone()} label={props.label.clone()} heading={props.heading} hint={props.hint.clone()} error={props.error.clone()}>
            <textarea class={classes!("sp-textarea", props.error.is_some().then_some("sp-input--error"))}
                id={id.clone()} name={props.field.clone()} rows="4" autocomplete={props.autocomplete.clone()}
                aria-describedby={describedby} aria-invalid={props.error.is_some().then_some("true")}
                value={props.value.clone()} {oninput} />
        </Labelled>
    }
}
