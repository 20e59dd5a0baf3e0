use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::{described_by, labelled, LabelledProps};
use crate::hooks::field_id;

/// The kind of text asked for: sets the control, the input type and the on-screen keyboard.
#[derive(Clone, Copy, PartialEq)]
pub enum InputKind {
    Text,
    /// Several lines: a textarea (GOV.UK textarea).
    LongText,
    Phone,
    Email,
    Postcode,
}

impl InputKind {
    fn input_type(self) -> &'static str {
        match self {
            InputKind::Text | InputKind::LongText | InputKind::Postcode => "text",
            InputKind::Phone => "tel",
            InputKind::Email => "email",
        }
    }

    fn width_class(self) -> Option<&'static str> {
        matches!(self, InputKind::Postcode).then_some("sp-input--width-10")
    }
}

pub struct TextFieldProps {
    pub field: AttrValue,
    pub label: AttrValue,
    /// When true the label is the page's `h1` (one question per page).
    pub heading: bool,
    pub hint: Option<AttrValue>,
    pub error: Option<AttrValue>,
    pub kind: InputKind,
    /// WCAG 1.3.5: the purpose of an input about the person (`name`, `tel`, `postal-code`…).
    pub autocomplete: Option<AttrValue>,
    pub value: AttrValue,
    pub on_input: Callback<String>,
}

/// A labelled text input or textarea with its hint and error joined by `aria-describedby`, and
/// `aria-invalid` while it has an error (GOV.UK input and textarea).
pub fn text_field(props: TextFieldProps) -> Html {
    let id = field_id(&props.field);
    let describedby = described_by(&id, props.hint.is_some(), props.error.is_some());
    let on_input = props.on_input;
    let oninput = Callback::from(move |event: InputEvent| {
        let Some(target) = event.target() else { return };
        let value = match target.dyn_ref::<HtmlTextAreaElement>() {
            Some(area) => area.value(),
            None => target.unchecked_into::<HtmlInputElement>().value(),
        };
        on_input.emit(value);
    });
    let invalid = props.error.is_some().then_some("true");
    let error_class = props.error.is_some().then_some("sp-input--error");
    let control = if props.kind == InputKind::LongText {
        html! {
            <textarea class={super::class_list([Some("sp-textarea"), error_class])} id={id.clone()} name={props.field.clone()} rows="4"
                autocomplete={props.autocomplete.clone()} aria-describedby={describedby} aria-invalid={invalid}
                value={props.value.clone()} {oninput} />
        }
    } else {
        html! {
            <input class={super::class_list([Some("sp-input"), props.kind.width_class(), error_class])}
                id={id.clone()} name={props.field.clone()} type={props.kind.input_type()}
                autocomplete={props.autocomplete.clone()} spellcheck="false"
                aria-describedby={describedby} aria-invalid={invalid}
                value={props.value.clone()} {oninput} />
        }
    };
    labelled(LabelledProps {
        id: id.into(),
        label: props.label,
        heading: props.heading,
        hint: props.hint,
        error: props.error,
        children: control,
    })
}
