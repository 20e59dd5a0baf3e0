use yew::prelude::*;

use super::Fieldset;
use crate::hooks::field_id;

#[derive(Clone, PartialEq)]
pub struct RadioItem {
    pub value: AttrValue,
    pub label: AttrValue,
    pub checked: bool,
    /// Shown beneath the item while it is chosen (GOV.UK conditional reveal), e.g. a phone field.
    pub reveal: Option<Html>,
}

#[derive(Properties, PartialEq)]
pub struct RadioGroupProps {
    pub field: AttrValue,
    pub legend: AttrValue,
    #[prop_or_default]
    pub heading: bool,
    #[prop_or_default]
    pub hint: Option<AttrValue>,
    #[prop_or_default]
    pub error: Option<AttrValue>,
    pub items: Vec<RadioItem>,
    pub on_choose: Callback<AttrValue>,
}

/// Native radios in a fieldset: the browser gives arrow-key movement and one tab stop for free.
#[function_component]
pub fn RadioGroup(props: &RadioGroupProps) -> Html {
    let id = field_id(&props.field);
    html! {
        <Fieldset id={id.clone()} legend={props.legend.clone()} heading={props.heading} hint={props.hint.clone()} error={props.error.clone()}>
            <div class="sp-radios">
                { for props.items.iter().enumerate().map(|(index, item)| {
                    let input_id = if index == 0 { id.clone() } else { format!("{id}-{}", item.value) };
                    let on_choose = props.on_choose.clone();
                    let value = item.value.clone();
                    let onchange = Callback::from(move |_: Event| on_choose.emit(value.clone()));
                    html! {
                        <>
                            <div class="sp-radios__item">
                                <input class="sp-radios__input" type="radio" id={input_id.clone()}
                                    name={props.field.clone()} value={item.value.clone()} checked={item.checked} {onchange} />
                                <label class="sp-radios__label" for={input_id}>{ item.label.clone() }</label>
                            </div>
                            if let (true, Some(reveal)) = (item.checked, &item.reveal) {
                                <div class="sp-radios__conditional">{ reveal.clone() }</div>
                            }
                        </>
                    }
                }) }
            </div>
        </Fieldset>
    }
}
