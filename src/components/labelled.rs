use yew::prelude::*;

use super::ErrorMessage;

pub struct LabelledProps {
    /// The id of the control inside; the label points at it, the hint and error derive from it.
    pub id: AttrValue,
    pub label: AttrValue,
    /// When true the label is the page's `h1` (one question per page).
    pub heading: bool,
    pub hint: Option<AttrValue>,
    pub error: Option<AttrValue>,
    pub children: Html,
}

/// One text control with its label, hint and error, in a form group (GOV.UK input and
/// textarea). The control itself carries `aria-describedby` from the same ids.
pub fn labelled(props: LabelledProps) -> Html {
    let id = &props.id;
    let label = html! { <label class="sp-label" for={id.clone()}>{ props.label.clone() }</label> };
    html! {
        <div class={super::class_list([Some("sp-form-group"), props.error.is_some().then_some("sp-form-group--error")])}>
            if props.heading {
                <h1 class="sp-label-wrapper" tabindex="-1">{ label }</h1>
            } else {
                { label }
            }
            if let Some(hint) = &props.hint {
                <div class="sp-hint" id={format!("{id}-hint")}>{ hint.clone() }</div>
            }
            if let Some(error) = &props.error {
                <ErrorMessage id={id.clone()} text={error.clone()} />
            }
            { props.children }
        </div>
    }
}
