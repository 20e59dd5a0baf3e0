use yew::prelude::*;

use super::Fieldset;
use crate::hooks::field_id;

#[derive(Clone, PartialEq)]
pub struct CheckboxItem {
    pub value: AttrValue,
    pub label: AttrValue,
    pub checked: bool,
}

#[derive(Properties, PartialEq)]
pub struct CheckboxGroupProps {
    /// The wire-format field; the first box gets its id, so the error summary can reach it.
    pub field: AttrValue,
    pub legend: AttrValue,
    /// When true the legend is the page's `h1` (one question per page).
    #[prop_or_default]
    pub heading: bool,
    #[prop_or_default]
    pub hint: Option<AttrValue>,
    #[prop_or_default]
    pub error: Option<AttrValue>,
    pub items: Vec<CheckboxItem>,
    pub on_toggle: Callback<AttrValue>,
}

/// Checkboxes in a fieldset whose legend asks the question, each box with its label.
#[function_component]
pub fn CheckboxGroup(props: &CheckboxGroupProps) -> Html {
    let id = field_id(&props.field);
    html! {
        <Fieldset id={id.clone()} legend={props.legend.clone()} heading={props.heading} hint={props.hint.clone()} error={props.error.clone()}>
            <div class="sp-checkboxes">
                { for props.items.iter().enumerate().map(|(index, item)| {
                    let input_id = if index == 0 { id.clone() } else { format!("{id}-{}", item.value) };
                    let on_toggle = props.on_toggle.clone();
                    let value = item.value.clone();
                    let onchange = Callback::from(move |_: Event| on_toggle.emit(value.clone()));
                    html! {
                        <div class="sp-checkboxes__item">
                            <input class="sp-checkboxes__input" type="checkbox" id={input_id.clone()}
                                name={props.field.clone()} value={item.value.clone()} checked={item.checked} {onchange} />
                            <label class="sp-checkboxes__label" for={input_id}>{ item.label.clone() }</label>
                        </div>
                    }
                }) }
            </div>
        </Fieldset>
    }
}
