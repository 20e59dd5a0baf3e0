use yew::prelude::*;

use super::{described_by, ErrorMessage};
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

/// Checkboxes in a fieldset whose legend asks the question (WCAG 1.3.1), each box with its label.
#[function_component]
pub fn CheckboxGroup(props: &CheckboxGroupProps) -> Html {
    let id = field_id(&props.field);
    let describedby = described_by(&id, props.hint.is_some(), props.error.is_some());
    html! {
        <div class={classes!("sp-form-group", props.error.is_some().then_some("sp-form-group--error"))}>
            <fieldset class="sp-fieldset" aria-describedby={describedby}>
                <Legend text={props.legend.clone()} heading={props.heading} />
                if let Some(hint) = &props.hint {
                    <div class="sp-hint" id={format!("{id}-hint")}>{ hint.clone() }</div>
                }
                if let Some(error) = &props.error {
                    <ErrorMessage id={id.clone()} text={error.clone()} />
                }
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
            </fieldset>
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct LegendProps {
    pub text: AttrValue,
    pub heading: bool,
}

/// A legend that is also the page heading when the group is the page's one question.
#[function_component]
pub fn Legend(props: &LegendProps) -> Html {
    if props.heading {
        html! {
            <legend class="sp-fieldset__legend sp-fieldset__legend--l">
                <h1 class="sp-fieldset__heading" tabindex="-1">{ props.text.clone() }</h1>
            </legend>
        }
    } else {
        html! { <legend class="sp-fieldset__legend sp-fieldset__legend--m">{ props.text.clone() }</legend> }
    }
}
