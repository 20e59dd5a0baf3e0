use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::{described_by, Labelled};
use crate::hooks::field_id;

/// The kind of text asked for: sets the input type and the on-screen keyboard.
#[derive(Clone, Copy, PartialEq)]
pub enum InputKind {
    Text,
    Phone,
    Email,
    Postcode,
}

impl InputKind {
    fn input_type(self) -> &'static str {
        match self {
            InputKind::Text | InputKind::Postcode => "text",
            InputKind::Phone => "tel",
            InputKind::Email => "email",
        }
    }

    fn width_class(self) -> Option<&'static str> {
        matches!(self, InputKind::Postcode).then_some("sp-input--width-10")
    }
}

#[derive(Properties, PartialEq)]
pub struct TextFieldProps {
    pub field: AttrValue,
    pub label: AttrValue,
    /// When true the label is the page's `h1` (one question per page).
    #[prop_or_default]
    pub heading: bool,
    #[prop_or_default]
    pub hint: Option<AttrValue>,
    #[prop_or_default]
    pub error: Option<AttrValue>,
    pub kind: InputKind,
    /// WCAG 1.3.5: the purpose of an input about the person (`name`, `tel`, `postal-code`…).
    #[prop_or_default]
    pub autocomplete: Option<AttrValue>,
    pub value: AttrValue,
    pub on_input: Callback<String>,
}

/// A labelled text input with its hint and error joined by `aria-describedby`, and
/// `aria-invalid` while it has an error (GOV.UK input).
#[function_component]
pub fn TextField(props: &TextFieldProps) -> Html {
    let id = field_id(&props.field);
    let describedby = described_by(&id, props.hint.is_some(), props.error.is_some());
    let on_input = props.on_input.clone();
    let oninput = Callback::from(move |event: InputEvent| {
        on_input.emit(event.target_unchecked_into::<HtmlInputElement>().value());
    });
    html! {
        <Labelled id={id.clone()} label={props.label.clone()} heading={props.heading} hint={props.hint.clone()} error={props.error.clone()}>
            <input class={classes!("sp-input", props.kind.width_class(), props.error.is_some().then_some("sp-input--error"))}
                id={id.clone()} name={props.field.clone()} type={props.kind.input_type()}
                autocomplete={props.autocomplete.clone()} spellcheck="false"
                aria-describedby={describedby} aria-invalid={props.error.is_some().then_some("true")}
                value={props.value.clone()} {oninput} />
        </Labelled>
    }
}
