use yew::prelude::*;

use super::{described_by, ErrorMessage};

pub struct FieldsetProps {
    /// The id of the group's first control; the hint and error ids derive from it.
    pub id: AttrValue,
    pub legend: AttrValue,
    /// When true the legend is the page's `h1` (one question per page).
    pub heading: bool,
    pub hint: Option<AttrValue>,
    pub error: Option<AttrValue>,
    pub children: Html,
}

/// A group of controls that answer one question: a fieldset whose legend asks it (WCAG 1.3.1),
/// with its hint and error joined by `aria-describedby`. Radios, checkboxes and the date input
/// all sit in one, so none of them can forget any of it. A function, not a component: it keeps
/// no state, and a component per statement is work for a slow phone and bytes in the wasm.
pub fn fieldset(props: FieldsetProps) -> Html {
    let id = &props.id;
    let describedby = described_by(id, props.hint.is_some(), props.error.is_some());
    html! {
        <div class={super::class_list([Some("sp-form-group"), props.error.is_some().then_some("sp-form-group--error")])}>
            <fieldset class="sp-fieldset" aria-describedby={describedby}>
                { legend(&props.legend, props.heading) }
                if let Some(hint) = &props.hint {
                    <div class="sp-hint" id={format!("{id}-hint")}>{ hint.clone() }</div>
                }
                if let Some(error) = &props.error {
                    <ErrorMessage id={id.clone()} text={error.clone()} />
                }
                { props.children }
            </fieldset>
        </div>
    }
}

/// A legend that is also the page heading when the group is the page's one question.
fn legend(text: &AttrValue, heading: bool) -> Html {
    if heading {
        html! {
            <legend class="sp-fieldset__legend sp-fieldset__legend--l">
                <h1 class="sp-fieldset__heading" tabindex="-1">{ text.clone() }</h1>
            </legend>
        }
    } else {
        html! { <legend class="sp-fieldset__legend sp-fieldset__legend--m">{ text.clone() }</legend> }
    }
}
