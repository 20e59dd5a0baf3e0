//! The shipped questionnaire, read with the browser's own JSON parser into core's file shape,
//! then checked by core exactly as the service checks it (`Questionnaire::from_raw`). serde_json's
//! parser and the visitors for these types would otherwise be the largest part of the wasm that is
//! not Yew. A hand-kept copy of core's `RawQuestionnaire`, `RawPage`, `RawQuestion` and
//! `Condition` serde shapes: `tests/browser_json.rs`'s
//! `the_questionnaire_reads_as_serde_json_reads_it` checks that this reads the file as serde_json
//! does.

use signpost_core::questionnaire::{
    Condition, ConditionTest, RawPage, RawQuestion, RawQuestionnaire,
};
use signpost_core::{Questionnaire, DEFAULT_QUESTIONNAIRE};
use wasm_bindgen::JsValue;

use crate::browser_json::{elements, member, optional, parse};

/// The questionnaire compiled into the widget. A native test checks the file with core, so the
/// only way this fails is a browser without `JSON.parse`.
pub fn default_questionnaire() -> Questionnaire {
    let raw = parse(DEFAULT_QUESTIONNAIRE)
        .as_ref()
        .and_then(raw_questionnaire)
        .expect("the shipped questionnaire is JSON of its shape: tested");
    Questionnaire::from_raw(raw).expect("the shipped questionnaire is valid: tested")
}

/// The file's shape, or `None` where serde would have refused it (a member of the wrong type).
pub fn raw_questionnaire(file: &JsValue) -> Option<RawQuestionnaire> {
    Some(RawQuestionnaire {
        comment: optional(&member(file, "_comment"), JsValue::as_string)?,
        id: member(file, "id").as_string()?,
        version: member(file, "version").as_string()?,
        pages: elements(&member(file, "pages"))?
            .iter()
            .map(raw_page)
            .collect::<Option<_>>()?,
    })
}

fn raw_page(page: &JsValue) -> Option<RawPage> {
    Some(RawPage {
        id: member(page, "id").as_string()?,
        show_if: optional(&member(page, "show_if"), condition)?,
        questions: elements(&member(page, "questions"))?
            .iter()
            .map(raw_question)
            .collect::<Option<_>>()?,
    })
}

fn raw_question(question: &JsValue) -> Option<RawQuestion> {
    let options = optional(&member(question, "options"), strings)?.unwrap_or_default();
    let max_length = optional(&member(question, "max_length"), |n| {
        n.as_f64().filter(|n| n.fract() == 0.0 && *n >= 0.0)
    })?;
    Some(RawQuestion {
        id: member(question, "id").as_string()?,
        kind: member(question, "type").as_string()?,
        required: optional(&member(question, "required"), JsValue::as_bool)?.unwrap_or(false),
        options,
        max_length: max_length.map(|n| n as usize),
        show_if: optional(&member(question, "show_if"), condition)?,
    })
}

/// `{"question": …, "equals" | "includes" | "includes_any": …}`.
fn condition(condition: &JsValue) -> Option<Condition> {
    let test = match (
        member(condition, "equals"),
        member(condition, "includes"),
        member(condition, "includes_any"),
    ) {
        (value, absent, also_absent) if absent.is_undefined() && also_absent.is_undefined() => {
            ConditionTest::Equals(value.as_string()?)
        }
        (absent, value, also_absent) if absent.is_undefined() && also_absent.is_undefined() => {
            ConditionTest::Includes(value.as_string()?)
        }
        (absent, also_absent, values) if absent.is_undefined() && also_absent.is_undefined() => {
            ConditionTest::IncludesAny(strings(&values)?)
        }
        _ => return None,
    };
    Some(Condition {
        question: member(condition, "question").as_string()?,
        test,
    })
}

fn strings(list: &JsValue) -> Option<Vec<String>> {
    elements(list)?.iter().map(JsValue::as_string).collect()
}
