use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::{fieldset, FieldsetProps};
use crate::context::use_messages;
use crate::hooks::field_id;

#[derive(Properties, PartialEq)]
pub struct DateInputProps {
    pub field: AttrValue,
    pub legend: AttrValue,
    #[prop_or_default]
    pub heading: bool,
    #[prop_or_default]
    pub hint: Option<AttrValue>,
    #[prop_or_default]
    pub error: Option<AttrValue>,
    /// The parts as typed: day, month and year.
    pub value: (AttrValue, AttrValue, AttrValue),
    /// Called with all three parts, as typed, each time one changes.
    pub on_input: Callback<(String, String, String)>,
}

/// GOV.UK date input: day, month and year as three numeric fields in a fieldset, because people
/// type dates of birth faster and more reliably that way than with a date picker.
#[function_component]
pub fn DateInput(props: &DateInputProps) -> Html {
    let messages = use_messages();
    let id = field_id(&props.field);
    let (day, month, year) = &props.value;
    let parts = [
        ("day", day, "bday-day", 2),
        ("month", month, "bday-month", 2),
        ("year", year, "bday-year", 4),
    ];
    let current = (day.to_string(), month.to_string(), year.to_string());
    let inputs = html! {
                <div class="sp-date-input">
                    { for parts.into_iter().map(|(part, value, autocomplete, width)| {
                        // The day field takes the group's id, so the error summary lands on it.
                        let input_id = if part == "day" { id.clone() } else { format!("{id}-{part}") };
                        let on_input = props.on_input.clone();
                        let (d, m, y) = current.clone();
                        let oninput = Callback::from(move |event: InputEvent| {
                            let typed = event.target_unchecked_into::<HtmlInputElement>().value();
                            let (d, m, y) = match part {
                                "day" => (typed, m.clone(), y.clone()),
                                "month" => (d.clone(), typed, y.clone()),
                                _ => (d.clone(), m.clone(), typed),
                            };
                            on_input.emit((d, m, y));
                        });
                        html! {
                            <div class="sp-date-input__item">
                                <label class="sp-label sp-date-input__label" for={input_id.clone()}>{ messages.t(&format!("common.{part}")).to_owned() }</label>
                                <input class={super::class_list([Some("sp-input"), Some(&format!("sp-input--width-{width}")), props.error.is_some().then_some("sp-input--error")])}
                                    id={input_id} name={format!("{}-{part}", props.field)} type="text" inputmode="numeric"
                                    autocomplete={autocomplete} aria-invalid={props.error.is_some().then_some("true")}
                                    value={value.clone()} {oninput} />
                            </div>
                        }
                    }) }
                </div>
    };
    fieldset(FieldsetProps {
        id: id.into(),
        legend: props.legend.clone(),
        heading: props.heading,
        hint: props.hint.clone(),
        error: props.error.clone(),
        children: inputs,
    })
}
