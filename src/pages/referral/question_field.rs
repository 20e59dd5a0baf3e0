use signpost_core::questionnaire::{Question, QuestionKind};
use signpost_core::AnswerValue;
use yew::prelude::*;

use crate::components::{
    choice_group, text_field, ChoiceGroupProps, ChoiceItem, Choose, DateInput, InputKind,
    TextFieldProps,
};
use crate::context::{use_journey, use_messages};
use crate::journey::{date_parts, typed_date, Action, Problem};

#[derive(Properties, PartialEq)]
pub struct QuestionFieldProps {
    pub question: Question,
    /// True when this is the page's one question: its label or legend is then the page's `h1`.
    #[prop_or_default]
    pub heading: bool,
}

/// One question of the questionnaire, as the control its kind calls for, with its words, its
/// current answer and its error from the journey.
#[function_component]
pub fn QuestionField(props: &QuestionFieldProps) -> Html {
    let journey = use_journey();
    let messages = use_messages();
    let question = &props.question;
    let id = question.id.clone();
    let field: AttrValue = format!("answers.{id}").into();
    let label: AttrValue = messages
        .question(&id, "label")
        .unwrap_or(&id)
        .to_owned()
        .into();
    let hint: Option<AttrValue> = messages.question(&id, "hint").map(|h| h.to_owned().into());
    let error: Option<AttrValue> = journey.problems.iter().find_map(|problem| match problem {
        Problem::Answer { question, error } if *question == id => {
            Some(messages.answer_error(question, *error).into())
        }
        _ => None,
    });
    let text: AttrValue = match journey.answers.get(&id) {
        Some(AnswerValue::One(text)) => text.clone().into(),
        _ => AttrValue::default(),
    };
    let chosen: Vec<String> = match journey.answers.get(&id) {
        Some(AnswerValue::Many(chosen)) => chosen.clone(),
        _ => Vec::new(),
    };
    let set = {
        let journey = journey.clone();
        let id = id.clone();
        Callback::from(move |value: String| {
            journey.dispatch(Action::SetAnswer {
                question: id.clone(),
                value,
            })
        })
    };
    let heading = props.heading;
    match &question.kind {
        QuestionKind::SingleChoice { options } => {
            let options: Vec<String> = options.clone();
            radios(
                &messages, &id, options, &text, field, label, hint, error, heading, set,
            )
        }
        QuestionKind::YesNo => radios(
            &messages,
            &id,
            vec!["yes".into(), "no".into()],
            &text,
            field,
            label,
            hint,
            error,
            heading,
            set,
        ),
        QuestionKind::MultipleChoice { options } => {
            let items = options
                .iter()
                .map(|option| ChoiceItem {
                    value: option.clone().into(),
                    label: messages.option(&id, option).into(),
                    checked: chosen.contains(option),
                })
                .collect::<Vec<_>>();
            let on_choose = {
                let journey = journey.clone();
                Callback::from(move |option: AttrValue| {
                    journey.dispatch(Action::ToggleChoice {
                        question: id.clone(),
                        option: option.to_string(),
                    })
                })
            };
            choice_group(ChoiceGroupProps {
                choose: Choose::Several,
                field,
                legend: label,
                heading,
                hint,
                error,
                items,
                on_choose,
            })
        }
        QuestionKind::Date => {
            let (d, m, y) = date_parts(&text).unwrap_or(("", "", ""));
            let value = (
                d.to_owned().into(),
                m.to_owned().into(),
                y.to_owned().into(),
            );
            let on_input = set.reform(|(d, m, y): (String, String, String)| typed_date(&d, &m, &y));
            html! { <DateInput {field} legend={label} {hint} {error} {heading} {value} {on_input} /> }
        }
        QuestionKind::ShortText { .. }
        | QuestionKind::LongText { .. }
        | QuestionKind::Phone
        | QuestionKind::Email
        | QuestionKind::Postcode => {
            let kind = match question.kind {
                QuestionKind::LongText { .. } => InputKind::LongText,
                QuestionKind::Phone => InputKind::Phone,
                QuestionKind::Email => InputKind::Email,
                QuestionKind::Postcode => InputKind::Postcode,
                _ => InputKind::Text,
            };
            text_field(TextFieldProps {
                autocomplete: autocomplete(&id),
                field,
                label,
                heading,
                hint,
                error,
                kind,
                value: text,
                on_input: set,
            })
        }
        // The wellbeing scale has a page of its own (pages/wellbeing.rs).
        QuestionKind::Instrument => html! {},
    }
}

#[allow(clippy::too_many_arguments)]
fn radios(
    messages: &crate::i18n::Messages,
    id: &str,
    options: Vec<String>,
    current: &str,
    field: AttrValue,
    legend: AttrValue,
    hint: Option<AttrValue>,
    error: Option<AttrValue>,
    heading: bool,
    on_choose: Callback<String>,
) -> Html {
    let items = options
        .into_iter()
        .map(|option| ChoiceItem {
            label: messages.option(id, &option).into(),
            checked: current == option,
            value: option.into(),
        })
        .collect::<Vec<_>>();
    let on_choose = on_choose.reform(|value: AttrValue| value.to_string());
    choice_group(ChoiceGroupProps {
        choose: Choose::One,
        field,
        legend,
        heading,
        hint,
        error,
        items,
        on_choose,
    })
}

/// WCAG 1.3.5: the purpose of the questions about the person, for autofill.
fn autocomplete(question: &str) -> Option<AttrValue> {
    let token = match question {
        "name" => "name",
        "preferred_name" => "nickname",
        "postcode" => "postal-code",
        "phone" => "tel",
        "email" => "email",
        "address" => "street-address",
        _ => "off",
    };
    Some(token.into())
}
