//! A referral's answers as the detail page reads them, in the order a link worker needs them:
//! how to contact the person safely first, then urgent help, needs with their follow-up
//! answers, and about them. Questions are in the widget's words; answers are the person's,
//! shown as text (the templates escape every value and isolate its direction).

use serde_json::Value;
use signpost_core::questionnaire::{ConditionTest, Page, QuestionKind};
use signpost_core::Questionnaire;

use super::words;

/// One question and its answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub question: String,
    /// One line a value (several for a multiple choice, or text over several lines).
    pub lines: Vec<String>,
}

/// A need and the answers to its follow-up questions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Need {
    pub label: String,
    pub answers: Vec<Answer>,
}

/// What must be known before anyone makes contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caution {
    NoVoicemail,
    NoTexts,
    NoLetters,
    NotAtHome,
}

impl Caution {
    pub fn words(self) -> &'static str {
        match self {
            Caution::NoVoicemail => "Do not leave a voicemail: they said it is not safe.",
            Caution::NoTexts => "Do not send text messages: they said it is not safe.",
            Caution::NoLetters => "Do not send letters: they said it is not safe.",
            Caution::NotAtHome => "They said it is not safe to contact them at home.",
        }
    }
}

/// The answers, grouped for the page.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Sections {
    pub cautions: Vec<Caution>,
    /// `Some(language)` when they need an interpreter (which may be BSL).
    pub interpreter: Option<String>,
    pub contact: Vec<Answer>,
    /// `Some(true)` when they asked for help urgently today; `None` when not asked.
    pub urgent: Option<bool>,
    pub needs: Vec<Need>,
    pub about: Vec<Answer>,
    /// A referral stored before questionnaires has no `answers`: its body is shown as stored.
    pub first_format: Option<String>,
}

/// The pages whose answers say how to reach the person.
const CONTACT_PAGES: [&str; 3] = ["contact_methods", "contact_details", "contact_preferences"];

fn one<'a>(answers: &'a Value, id: &str) -> Option<&'a str> {
    answers.get(id).and_then(Value::as_str)
}

/// An answer's lines, in words: options by their label, dates as 14/06/1971, text as given.
fn lines(kind: &QuestionKind, id: &str, value: &Value) -> Vec<String> {
    let word = |v: &str| match kind {
        QuestionKind::SingleChoice { .. }
        | QuestionKind::MultipleChoice { .. }
        | QuestionKind::YesNo => words::option(id, v),
        QuestionKind::Date => uk_date(v),
        _ => v.to_owned(),
    };
    match value {
        Value::String(v) => word(v).lines().map(str::to_owned).collect(),
        Value::Array(values) => values.iter().filter_map(Value::as_str).map(word).collect(),
        other => vec![other.to_string()],
    }
}

/// `1971-06-14` as `14/06/1971`.
pub fn uk_date(iso: &str) -> String {
    match iso
        .get(..10)
        .map(|d| d.split('-').collect::<Vec<_>>())
        .as_deref()
    {
        Some([year, month, day]) => format!("{day}/{month}/{year}"),
        _ => iso.to_owned(),
    }
}

fn answered(page: &Page, answers: &Value) -> Vec<Answer> {
    page.questions
        .iter()
        .filter(|q| q.kind != QuestionKind::Instrument)
        .filter_map(|q| {
            answers.get(&q.id).map(|value| Answer {
                question: words::label(&q.id),
                lines: lines(&q.kind, &q.id, value),
            })
        })
        .collect()
}

impl Sections {
    /// The sections of the stored body `body` (JSON), asked by `questionnaire`.
    pub fn of(body: &Value, questionnaire: &Questionnaire) -> Sections {
        let Some(answers) = body.get("answers") else {
            return Sections {
                first_format: Some(serde_json::to_string_pretty(body).unwrap_or_default()),
                ..Sections::default()
            };
        };
        let pages = questionnaire.pages();
        let page = |id: &str| pages.iter().find(|p| p.id == id);

        let cautions = [
            ("safe_voicemail", Caution::NoVoicemail),
            ("safe_text", Caution::NoTexts),
            ("safe_letter", Caution::NoLetters),
            ("safe_to_contact_at_home", Caution::NotAtHome),
        ]
        .into_iter()
        .filter(|(id, _)| one(answers, id) == Some("no"))
        .map(|(_, caution)| caution)
        .collect();
        let interpreter = (one(answers, "interpreter") == Some("yes")).then(|| {
            one(answers, "interpreter_language")
                .unwrap_or("Not given")
                .to_owned()
        });

        let mut contact: Vec<Answer> = CONTACT_PAGES
            .iter()
            .filter_map(|id| page(id))
            .flat_map(|p| answered(p, answers))
            .collect();
        if let Some(home) = one(answers, "safe_to_contact_at_home") {
            contact.insert(
                0,
                Answer {
                    question: words::label("safe_to_contact_at_home"),
                    lines: vec![words::option("safe_to_contact_at_home", home)],
                },
            );
        }

        let chosen: Vec<&str> = answers
            .get("needs")
            .and_then(Value::as_array)
            .map(|needs| needs.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let needs = chosen
            .iter()
            .map(|need| Need {
                label: words::option("needs", need),
                answers: pages
                    .iter()
                    .filter(|p| {
                        p.show_if.as_ref().is_some_and(|c| {
                            c.question == "needs"
                                && matches!(&c.test, ConditionTest::Includes(v) if v == need)
                        })
                    })
                    .flat_map(|p| answered(p, answers))
                    .collect(),
            })
            .collect();

        Sections {
            cautions,
            interpreter,
            contact,
            urgent: one(answers, "urgent").map(|u| u == "yes"),
            needs,
            about: page("about_you")
                .map(|p| answered(p, answers))
                .unwrap_or_default(),
            first_format: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sections(answers: Value) -> Sections {
        Sections::of(
            &json!({ "answers": answers }),
            &signpost_core::default_questionnaire(),
        )
    }

    #[test]
    fn contact_comes_with_its_cautions_and_the_interpreter() {
        let s = sections(json!({
            "urgent": "yes",
            "needs": ["relationships_or_safety", "food"],
            "safe_to_contact_at_home": "no",
            "food_gone_without": "yes",
            "contact_methods": ["phone", "letter"],
            "phone": "07700 900123",
            "safe_voicemail": "no",
            "address": "1 High Street\nGlasgow",
            "safe_letter": "yes",
            "interpreter": "yes",
            "interpreter_language": "BSL",
            "name": "Morag Campbell",
            "date_of_birth": "1971-06-14"
        }));
        assert_eq!(s.cautions, [Caution::NoVoicemail, Caution::NotAtHome]);
        assert_eq!(s.interpreter.as_deref(), Some("BSL"));
        assert_eq!(
            s.contact[0].question,
            "Is it safe for us to contact you at home?"
        );
        assert_eq!(s.contact[0].lines, ["No"]);
        let methods = &s.contact[1];
        assert_eq!(methods.question, "How can we contact you?");
        assert_eq!(methods.lines, ["Phone call", "Letter"]);
        let address = s.contact.iter().find(|a| a.question == "Address").unwrap();
        assert_eq!(address.lines, ["1 High Street", "Glasgow"]);
        assert_eq!(s.urgent, Some(true));
        assert_eq!(s.needs[0].label, "Relationships, or feeling unsafe at home");
        assert_eq!(
            s.needs[1].answers[0].question,
            "In the last week, have you gone without food because you could not afford it?"
        );
        assert_eq!(s.needs[1].answers[0].lines, ["Yes"]);
        assert_eq!(s.about[0].lines, ["Morag Campbell"]);
        assert_eq!(s.about[1].lines, ["14/06/1971"]);
    }

    #[test]
    fn a_body_from_before_questionnaires_is_shown_as_stored() {
        let s = Sections::of(
            &json!({"person": {"name": "Morag"}}),
            &signpost_core::default_questionnaire(),
        );
        assert!(s.first_format.unwrap().contains("Morag"));
        assert!(s.contact.is_empty());
    }
}
