//! The questionnaire as data: pages of questions, which pages depend on which answers, and
//! which answers are required. A service may supply its own file; `Questionnaire::parse`
//! refuses a broken one with an error that names the question and the problem.

mod condition;
mod error;

use std::collections::HashSet;

use serde::Deserialize;

pub use condition::{Condition, ConditionTest};
pub use error::QuestionnaireError;

/// The kinds of question a questionnaire may ask.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QuestionKind {
    SingleChoice {
        options: Vec<String>,
    },
    MultipleChoice {
        options: Vec<String>,
    },
    YesNo,
    ShortText {
        max_length: usize,
    },
    LongText {
        max_length: usize,
    },
    Date,
    Phone,
    Email,
    Postcode,
    /// The wellbeing scale the embedding page chose (WEMWBS, SWEMWBS, or none).
    Instrument,
}

impl QuestionKind {
    /// The answer values a condition may test, for choice questions.
    pub fn options(&self) -> Option<Vec<&str>> {
        match self {
            QuestionKind::SingleChoice { options } | QuestionKind::MultipleChoice { options } => {
                Some(options.iter().map(String::as_str).collect())
            }
            QuestionKind::YesNo => Some(vec!["yes", "no"]),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    pub id: String,
    pub kind: QuestionKind,
    pub required: bool,
    /// Asked only when this holds (a follow-up question within a page).
    pub show_if: Option<Condition>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub id: String,
    pub questions: Vec<Question>,
    /// Shown only when this holds: the branching follow-up pages.
    pub show_if: Option<Condition>,
}

/// A questionnaire whose every id is unique and every condition names an earlier choice question
/// and one of its options. Only `parse` makes one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Questionnaire {
    id: String,
    version: String,
    pages: Vec<Page>,
}

// The file's shape, unchecked. `type` stays a string here so an unknown one gets our error,
// naming the question. Public so the widget can fill it from the browser's own JSON parser
// (smaller than serde_json in the wasm) and still have `Questionnaire::from_raw` check it.
// Hand-kept copy: src/questionnaire_file.rs reads this (and RawPage, RawQuestion, Condition)
// from the browser's JSON.parse for the widget, kept equal by tests/browser_json.rs's
// the_questionnaire_reads_as_serde_json_reads_it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawQuestionnaire {
    /// A note for whoever edits the file; ignored.
    #[serde(default, rename = "_comment")]
    pub comment: Option<String>,
    pub id: String,
    pub version: String,
    pub pages: Vec<RawPage>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPage {
    pub id: String,
    #[serde(default)]
    pub show_if: Option<Condition>,
    pub questions: Vec<RawQuestion>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawQuestion {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub options: Vec<String>,
    #[serde(default)]
    pub max_length: Option<usize>,
    #[serde(default)]
    pub show_if: Option<Condition>,
}

type KindTest = fn(&QuestionKind) -> bool;

/// Questions every questionnaire must ask, unconditionally and required: a link worker cannot
/// act without them, and the inbox shows them first.
const REQUIRED_QUESTIONS: [(&str, KindTest); 3] = [
    ("needs", |k| {
        matches!(k, QuestionKind::MultipleChoice { .. })
    }),
    ("name", |k| matches!(k, QuestionKind::ShortText { .. })),
    ("contact_methods", |k| {
        matches!(k, QuestionKind::MultipleChoice { .. })
    }),
];

const SHORT_TEXT_LIMIT: usize = 100;
const LONG_TEXT_LIMIT: usize = 1000;

impl Questionnaire {
    pub fn parse(json: &str) -> Result<Self, QuestionnaireError> {
        let raw: RawQuestionnaire =
            serde_json::from_str(json).map_err(|e| QuestionnaireError::Malformed {
                reason: e.to_string(),
            })?;
        Self::from_raw(raw)
    }

    /// Checks a file already read into its shape: every rule `parse` applies after reading.
    pub fn from_raw(raw: RawQuestionnaire) -> Result<Self, QuestionnaireError> {
        // Pages and questions have ids of their own: a page may share its id with its question.
        let mut page_ids = HashSet::new();
        let mut question_ids = HashSet::new();
        // Choice questions asked so far, so a condition can only look back, never forward.
        let mut earlier: Vec<Question> = Vec::new();
        let mut pages = Vec::with_capacity(raw.pages.len());
        for raw_page in raw.pages {
            if !page_ids.insert(raw_page.id.clone()) {
                return Err(QuestionnaireError::DuplicateId { id: raw_page.id });
            }
            if raw_page.questions.is_empty() {
                return Err(QuestionnaireError::EmptyPage { page: raw_page.id });
            }
            if let Some(condition) = &raw_page.show_if {
                condition.check(&raw_page.id, &earlier)?;
            }
            let mut questions = Vec::with_capacity(raw_page.questions.len());
            for raw_question in raw_page.questions {
                if !question_ids.insert(raw_question.id.clone()) {
                    return Err(QuestionnaireError::DuplicateId {
                        id: raw_question.id,
                    });
                }
                let question = parse_question(raw_question)?;
                if let Some(condition) = &question.show_if {
                    condition.check(&question.id, &earlier)?;
                }
                earlier.push(question.clone());
                questions.push(question);
            }
            pages.push(Page {
                id: raw_page.id,
                questions,
                show_if: raw_page.show_if,
            });
        }
        let questionnaire = Self {
            id: raw.id,
            version: raw.version,
            pages,
        };
        for (id, fits) in REQUIRED_QUESTIONS {
            let found = questionnaire.question(id);
            if !found.is_some_and(|q| q.required && q.show_if.is_none() && fits(&q.kind)) {
                return Err(QuestionnaireError::CoreQuestionMissing { id: id.to_owned() });
            }
        }
        Ok(questionnaire)
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    pub fn version(&self) -> &str {
        &self.version
    }

    pub fn pages(&self) -> &[Page] {
        &self.pages
    }

    pub fn question(&self, id: &str) -> Option<&Question> {
        self.pages
            .iter()
            .flat_map(|p| &p.questions)
            .find(|q| q.id == id)
    }
}

fn parse_question(raw: RawQuestion) -> Result<Question, QuestionnaireError> {
    let needs_options = matches!(raw.kind.as_str(), "single_choice" | "multiple_choice");
    if needs_options && raw.options.is_empty() {
        return Err(QuestionnaireError::NoOptions { question: raw.id });
    }
    if !needs_options && !raw.options.is_empty() {
        return Err(QuestionnaireError::UnexpectedOptions { question: raw.id });
    }
    let mut distinct = HashSet::new();
    if let Some(repeated) = raw.options.iter().find(|o| !distinct.insert(o.as_str())) {
        return Err(QuestionnaireError::DuplicateOption {
            question: raw.id.clone(),
            option: repeated.clone(),
        });
    }
    let kind = match raw.kind.as_str() {
        "single_choice" => QuestionKind::SingleChoice {
            options: raw.options,
        },
        "multiple_choice" => QuestionKind::MultipleChoice {
            options: raw.options,
        },
        "yes_no" => QuestionKind::YesNo,
        "short_text" => QuestionKind::ShortText {
            max_length: raw.max_length.unwrap_or(SHORT_TEXT_LIMIT),
        },
        "long_text" => QuestionKind::LongText {
            max_length: raw.max_length.unwrap_or(LONG_TEXT_LIMIT),
        },
        "date" => QuestionKind::Date,
        "phone" => QuestionKind::Phone,
        "email" => QuestionKind::Email,
        "postcode" => QuestionKind::Postcode,
        "instrument" => QuestionKind::Instrument,
        other => {
            return Err(QuestionnaireError::UnknownType {
                question: raw.id,
                type_name: other.to_owned(),
            })
        }
    };
    Ok(Question {
        id: raw.id,
        kind,
        required: raw.required,
        show_if: raw.show_if,
    })
}

#[cfg(test)]
mod tests;
