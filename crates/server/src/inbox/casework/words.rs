//! The widget's own English words for the questions and their options
//! (`static/i18n/en.json`: `question.<id>.label`, `question.<id>.option.<value>`), so a link
//! worker reads what the person was asked. A question a service added without words shows its id.

use std::sync::LazyLock;

use serde_json::Value;

static ENGLISH: LazyLock<Value> = LazyLock::new(|| {
    serde_json::from_str(include_str!("../../../../../static/i18n/en.json"))
        .expect("en.json is checked at build time")
});

/// The message with this key (the file's keys are flat: `question.needs.label`).
fn text(path: &[&str]) -> Option<&'static str> {
    ENGLISH.get(path.join(".")).and_then(Value::as_str)
}

/// The question as the person read it.
pub fn label(question: &str) -> String {
    text(&["question", question, "label"]).map_or_else(|| question.to_owned(), str::to_owned)
}

/// An option's words; yes and no are the widget's common ones.
pub fn option(question: &str, value: &str) -> String {
    text(&["question", question, "option", value])
        .or_else(|| match value {
            "yes" => text(&["common", "yes"]),
            "no" => text(&["common", "no"]),
            _ => None,
        })
        .map_or_else(|| value.to_owned(), str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn questions_and_options_read_as_the_widget_asks_them() {
        assert_eq!(
            label("safe_voicemail"),
            "Is it safe for us to leave a voicemail?"
        );
        assert_eq!(option("needs", "housing"), "Housing or homelessness");
        assert_eq!(option("urgent", "yes"), "Yes");
        assert_eq!(option("loneliness_how_often", "often"), "Often or always");
        assert_eq!(label("not_a_question"), "not_a_question");
        assert_eq!(option("needs", "unknown_need"), "unknown_need");
    }
}
