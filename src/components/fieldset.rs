use yew::prelude::*;

use super::{described_by, ErrorMessage};

#[derive(Properties, PartialEq)]
pub struct FieldsetProps {
    /// The id of the group's first control; the hint and error ids derive from it.
    pub id: AttrValue,
    pub legend: AttrValue,
    /// When true the legend is the page's `h1` (one question per page).
    #[prop_or_default]
    pub heading: bool,
    #[prop_or_default]
    pub hint: Option<AttrValue>,
    #[prop_or_default]
    pub error: Option<AttrValue>,
    pub children: Html,
}

/// A group of controls that answer one question: a fieldset whose legend asks it (WCAG 1.3.1),
/// with its hint and error joined by `aria-describedby`. Radios, checkboxes and the date input
/// all sit in one, so none of them can forget any of it.
#[function_component]
pub fn Fieldset(props: &FieldsetProps) -> Html {
    let id = &props.id;
    let describedby = described_by(id, props.hint.is_some(), props.error.is_some());
    html! {
        <div class={super::class_list([Some("sp-form-group"), props.error.is_some().then_some("sp-form-group--error")])}>
            <fieldset class="sp-fieldset" aria-describedby={describedby}>
                <Legend text={props.legend.clone()} heading={props.heading} />
                if let Some(hint) = &props.hint {
                    <div class="sp-hint" id={format!("{id}-hint")}>{ hint.clone() }</div>
                }
                if let Some(error) = &props.error {
                    <ErrorMessage id={id.clone()} text={error.clone()} />
                }
                { props.children.clone() }
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
