//! The English words the person read, from the widget's own message file, so the export names
//! each question and option as the form did.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use signpost_core::ConsentPurpose;

const ENGLISH: &str = include_str!("../../../../../static/i18n/en.json");

fn messages() -> &'static BTreeMap<String, String> {
    static MESSAGES: OnceLock<BTreeMap<String, String>> = OnceLock::new();
    MESSAGES.get_or_init(|| {
        serde_json::from_str(ENGLISH).expect("the shipped English messages are valid: tested")
    })
}

/// A question's label, e.g. "Do you need help urgently today?".
pub fn question(id: &str) -> Option<&'static str> {
    messages()
        .get(&format!("question.{id}.label"))
        .map(String::as_str)
}

/// An option's label, e.g. "Money and debt".
pub fn option(question: &str, option: &str) -> Option<&'static str> {
    messages()
        .get(&format!("question.{question}.option.{option}"))
        .map(String::as_str)
}

/// The consent page's words for a purpose.
pub fn purpose(purpose: ConsentPurpose) -> &'static str {
    let key = match purpose {
        ConsentPurpose::ShareWithService => "consent.share",
        ConsentPurpose::ContactMe => "consent.contact",
        ConsentPurpose::Evaluation => "consent.evaluation",
    };
    messages()
        .get(key)
        .map(String::as_str)
        .expect("every purpose has its words: tested")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_question_of_the_shipped_questionnaire_has_a_label_and_every_purpose_words() {
        let questionnaire = signpost_core::default_questionnaire();
        for question_ in questionnaire.pages().iter().flat_map(|p| &p.questions) {
            if question_.kind == signpost_core::questionnaire::QuestionKind::Instrument {
                continue;
            }
            assert!(question(&question_.id).is_some(), "{}", question_.id);
            for value in question_.kind.options().unwrap_or_default() {
                if !matches!(value, "yes" | "no") {
                    assert!(
                        option(&question_.id, value).is_some(),
                        "{}.{value}",
                        question_.id
                    );
                }
            }
        }
        for p in ConsentPurpose::ALL {
            assert!(!purpose(p).is_empty());
        }
        assert_eq!(option("needs", "money_and_debt"), Some("Money and debt"));
    }
}
