use yew::prelude::*;

use super::{fieldset, FieldsetProps};
use crate::hooks::field_id;

/// One answer, or several: native radios or checkboxes.
#[derive(Clone, Copy, PartialEq)]
pub enum Choose {
    /// Radios: the browser gives arrow-key movement and one tab stop for the group.
    One,
    /// Checkboxes: each is its own tab stop, ticked with Space.
    Several,
}

impl Choose {
    fn input_type(self) -> &'static str {
        match self {
            Choose::One => "radio",
            Choose::Several => "checkbox",
        }
    }

    /// The BEM block: `sp-radios` or `sp-checkboxes`.
    fn block(self) -> &'static str {
        match self {
            Choose::One => "sp-radios",
            Choose::Several => "sp-checkboxes",
        }
    }
}

#[derive(Clone, PartialEq)]
pub struct ChoiceItem {
    pub value: AttrValue,
    pub label: AttrValue,
    pub checked: bool,
}

pub struct ChoiceGroupProps {
    pub choose: Choose,
    /// The wire-format field; the first input gets its id, so the error summary can reach it.
    pub field: AttrValue,
    pub legend: AttrValue,
    /// When true the legend is the page's `h1` (one question per page).
    pub heading: bool,
    pub hint: Option<AttrValue>,
    pub error: Option<AttrValue>,
    pub items: Vec<ChoiceItem>,
    /// Called with the value of the item chosen (radios) or ticked or unticked (checkboxes).
    pub on_choose: Callback<AttrValue>,
}

/// Radios or checkboxes in a fieldset whose legend asks the question, each with its label.
/// A function, not a component, like `fieldset`: the page or statement around it is the component.
pub fn choice_group(props: ChoiceGroupProps) -> Html {
    let id = field_id(&props.field);
    let block = props.choose.block();
    let choices = html! {
            <div class={block}>
                { for props.items.iter().enumerate().map(|(index, item)| {
                    let input_id = if index == 0 { id.clone() } else { format!("{id}-{}", item.value) };
                    let on_choose = props.on_choose.clone();
                    let value = item.value.clone();
                    let onchange = Callback::from(move |_: Event| on_choose.emit(value.clone()));
                    html! {
                        <div class={format!("{block}__item")}>
                            <input class={format!("{block}__input")} type={props.choose.input_type()} id={input_id.clone()}
                                name={props.field.clone()} value={item.value.clone()} checked={item.checked} {onchange} />
                            <label class={format!("{block}__label")} for={input_id}>{ item.label.clone() }</label>
                        </div>
                    }
                }) }
            </div>
    };
    fieldset(FieldsetProps {
        id: id.into(),
        legend: props.legend,
        heading: props.heading,
        hint: props.hint,
        error: props.error,
        children: choices,
    })
}
