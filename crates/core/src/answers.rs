//! Answers to a questionnaire: which questions are asked given the answers so far, and whether
//! each answer is acceptable. The widget checks a page at a time; the service checks them all.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::fields::{
    CalendarDate, DateOfBirth, DateOfBirthError, Email, EmailError, FreeText, FreeTextError, Lines,
    PhoneNumber, PhoneNumberError, Postcode, PostcodeError,
};
use crate::questionnaire::{Condition, ConditionTest, Page, Question, QuestionKind, Questionnaire};

/// One answer as it travels: a single value (text, a choice, "yes"/"no", a date as YYYY-MM-DD),
/// or several choices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum AnswerValue {
    One(String),
    Many(Vec<String>),
}

/// Answers by question id.
pub type Answers = BTreeMap<String, AnswerValue>;

/// The questions that say how it is safe to contact the person (voicemail, texts, letters, at
/// home). A link worker must see these before anything else, before making the first call.
pub const SAFE_CONTACT_QUESTIONS: [&str; 4] = [
    "safe_to_contact_at_home",
    "safe_voicemail",
    "safe_text",
    "safe_letter",
];

/// Why one answer was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerError {
    /// A required question has no answer.
    Missing,
    /// A list where one answer belongs, or one answer where a list belongs.
    WrongShape,
    NotAnOption,
    Text(FreeTextError),
    Phone(PhoneNumberError),
    Email(EmailError),
    Postcode(PostcodeError),
    Date(DateOfBirthError),
}

impl AnswerError {
    pub fn code(self) -> &'static str {
        match self {
            AnswerError::Missing => "answer_missing",
            AnswerError::WrongShape => "answer_wrong_shape",
            AnswerError::NotAnOption => "answer_not_an_option",
            AnswerError::Text(FreeTextError::Empty) => "answer_missing",
            AnswerError::Text(FreeTextError::TooLong { .. }) => "text_too_long",
            AnswerError::Text(FreeTextError::HiddenCharacter) => "text_hidden_character",
            AnswerError::Phone(PhoneNumberError::Empty) => "answer_missing",
            AnswerError::Phone(PhoneNumberError::InvalidCharacters) => "phone_invalid_characters",
            AnswerError::Phone(PhoneNumberError::NotUkNumber) => "phone_not_uk",
            AnswerError::Email(EmailError::Empty) => "answer_missing",
            AnswerError::Email(EmailError::TooLong) => "email_too_long",
            AnswerError::Email(EmailError::NotAnEmailAddress) => "email_malformed",
            AnswerError::Postcode(PostcodeError::Empty) => "answer_missing",
            AnswerError::Postcode(PostcodeError::NotUkPostcode) => "postcode_not_uk",
            AnswerError::Date(DateOfBirthError::Empty) => "answer_missing",
            AnswerError::Date(DateOfBirthError::NotADate) => "date_not_real",
            AnswerError::Date(DateOfBirthError::InTheFuture) => "date_in_future",
            AnswerError::Date(DateOfBirthError::TooLongAgo) => "date_too_long_ago",
        }
    }

    /// Whether this is "no answer given", whichever check found it.
    pub fn is_missing(self) -> bool {
        self.code() == "answer_missing"
    }

    pub fn message(self) -> &'static str {
        match self {
            AnswerError::Missing
            | AnswerError::Text(FreeTextError::Empty)
            | AnswerError::Phone(PhoneNumberError::Empty)
            | AnswerError::Email(EmailError::Empty)
            | AnswerError::Postcode(PostcodeError::Empty)
            | AnswerError::Date(DateOfBirthError::Empty) => "This question needs an answer.",
            AnswerError::WrongShape => {
                "This answer must be a single value, or a list for a question with several choices."
            }
            AnswerError::NotAnOption => "This answer is not one of the question's options.",
            AnswerError::Text(FreeTextError::TooLong { .. }) => "This answer is too long.",
            AnswerError::Text(FreeTextError::HiddenCharacter) => {
                "This answer holds a control character (or, where one line belongs, a line break or tab), or a bidirectional override or isolate; remove it."
            }
            AnswerError::Phone(PhoneNumberError::InvalidCharacters) => {
                "A phone number can only contain digits, spaces, brackets, dashes and a leading +."
            }
            AnswerError::Phone(PhoneNumberError::NotUkNumber) => {
                "Enter a UK phone number, like 01632 960 001 or 07700 900 982."
            }
            AnswerError::Email(EmailError::TooLong) => {
                "An email address must be 254 characters or fewer."
            }
            AnswerError::Email(EmailError::NotAnEmailAddress) => {
                "Enter an email address in the correct format, like name@example.com."
            }
            AnswerError::Postcode(PostcodeError::NotUkPostcode) => {
                "Enter a UK postcode, like EH1 1YZ."
            }
            AnswerError::Date(DateOfBirthError::NotADate) => "Enter a real date, as YYYY-MM-DD.",
            AnswerError::Date(DateOfBirthError::InTheFuture) => {
                "A date of birth must be in the past."
            }
            AnswerError::Date(DateOfBirthError::TooLongAgo) => {
                "A date of birth must be within the last 120 years."
            }
        }
    }
}

impl Condition {
    pub fn holds(&self, answers: &Answers) -> bool {
        match (&self.test, answers.get(&self.question)) {
            (ConditionTest::Equals(value), Some(AnswerValue::One(answer))) => answer == value,
            (ConditionTest::Includes(value), Some(AnswerValue::Many(chosen))) => {
                chosen.contains(value)
            }
            (ConditionTest::IncludesAny(values), Some(AnswerValue::Many(chosen))) => {
                values.iter().any(|v| chosen.contains(v))
            }
            _ => false,
        }
    }
}

fn shown(condition: &Option<Condition>, answers: &Answers) -> bool {
    condition.as_ref().is_none_or(|c| c.holds(answers))
}

impl Questionnaire {
    /// The pages asked, given the answers so far, with their index in the file.
    pub fn visible_pages<'a>(
        &'a self,
        answers: &'a Answers,
    ) -> impl Iterator<Item = (usize, &'a Page)> + 'a {
        self.pages()
            .iter()
            .enumerate()
            .filter(move |(_, page)| shown(&page.show_if, answers))
    }

    /// The questions asked on `page`, given the answers so far.
    pub fn visible_questions<'a>(
        &'a self,
        page: &'a Page,
        answers: &'a Answers,
    ) -> impl Iterator<Item = &'a Question> + 'a {
        page.questions
            .iter()
            .filter(move |q| shown(&q.show_if, answers))
    }

    /// The ids of every question asked, given the answers so far.
    pub fn asked_questions<'a>(&'a self, answers: &'a Answers) -> BTreeSet<&'a str> {
        self.visible_pages(answers)
            .flat_map(|(_, page)| self.visible_questions(page, answers))
            .map(|question| question.id.as_str())
            .collect()
    }

    /// The problems with the answers on one page, in the page's order.
    pub fn check_page(
        &self,
        page: &Page,
        answers: &Answers,
        today: CalendarDate,
    ) -> Vec<(String, AnswerError)> {
        self.visible_questions(page, answers)
            .filter_map(|q| {
                check_answer(q, answers.get(&q.id), today)
                    .err()
                    .map(|e| (q.id.clone(), e))
            })
            .collect()
    }

    /// Every answer asked for, in canonical form (trimmed text, standard phone and postcode).
    /// Answers to questions not asked are left out: we keep only what we asked for.
    pub fn canonical_answers(
        &self,
        answers: &Answers,
        today: CalendarDate,
    ) -> Result<Answers, Vec<(String, AnswerError)>> {
        let mut canonical = Answers::new();
        let mut errors = Vec::new();
        for (_, page) in self.visible_pages(answers) {
            for question in self.visible_questions(page, answers) {
                match check_answer(question, answers.get(&question.id), today) {
                    Ok(Some(value)) => {
                        canonical.insert(question.id.clone(), value);
                    }
                    Ok(None) => {}
                    Err(error) => errors.push((question.id.clone(), error)),
                }
            }
        }
        if errors.is_empty() {
            Ok(canonical)
        } else {
            Err(errors)
        }
    }
}

/// Checks one answer against its question; `Ok(None)` for an optional question left blank.
pub fn check_answer(
    question: &Question,
    answer: Option<&AnswerValue>,
    today: CalendarDate,
) -> Result<Option<AnswerValue>, AnswerError> {
    let blank = match answer {
        None => true,
        Some(AnswerValue::One(text)) => text.trim().is_empty(),
        Some(AnswerValue::Many(list)) => list.is_empty(),
    };
    if blank || matches!(question.kind, QuestionKind::Instrument) {
        return if question.required && !matches!(question.kind, QuestionKind::Instrument) {
            Err(AnswerError::Missing)
        } else {
            Ok(None)
        };
    }
    let answer = answer.expect("not blank");
    let one = |answer: &AnswerValue| match answer {
        AnswerValue::One(text) => Ok(text.trim().to_owned()),
        AnswerValue::Many(_) => Err(AnswerError::WrongShape),
    };
    let value = match &question.kind {
        QuestionKind::MultipleChoice { options } => {
            let AnswerValue::Many(chosen) = answer else {
                return Err(AnswerError::WrongShape);
            };
            if chosen.iter().any(|c| !options.contains(c)) {
                return Err(AnswerError::NotAnOption);
            }
            // The options' order, once each, whatever order they were ticked in.
            AnswerValue::Many(
                options
                    .iter()
                    .filter(|o| chosen.contains(o))
                    .cloned()
                    .collect(),
            )
        }
        QuestionKind::SingleChoice { options } => {
            let choice = one(answer)?;
            if !options.contains(&choice) {
                return Err(AnswerError::NotAnOption);
            }
            AnswerValue::One(choice)
        }
        QuestionKind::YesNo => match one(answer)?.as_str() {
            choice @ ("yes" | "no") => AnswerValue::One(choice.to_owned()),
            _ => return Err(AnswerError::NotAnOption),
        },
        QuestionKind::ShortText { max_length } => {
            let text = FreeText::parse(&one(answer)?, *max_length, Lines::One)
                .map_err(AnswerError::Text)?;
            AnswerValue::One(text.as_ref().to_owned())
        }
        QuestionKind::LongText { max_length } => {
            let text = FreeText::parse(&one(answer)?, *max_length, Lines::Many)
                .map_err(AnswerError::Text)?;
            AnswerValue::One(text.as_ref().to_owned())
        }
        QuestionKind::Phone => AnswerValue::One(
            PhoneNumber::parse(&one(answer)?)
                .map_err(AnswerError::Phone)?
                .as_ref()
                .to_owned(),
        ),
        QuestionKind::Email => AnswerValue::One(
            Email::parse(&one(answer)?)
                .map_err(AnswerError::Email)?
                .as_ref()
                .to_owned(),
        ),
        QuestionKind::Postcode => AnswerValue::One(
            Postcode::parse(&one(answer)?)
                .map_err(AnswerError::Postcode)?
                .as_ref()
                .to_owned(),
        ),
        QuestionKind::Date => AnswerValue::One(
            DateOfBirth::parse(&one(answer)?, today)
                .map_err(AnswerError::Date)?
                .date()
                .to_iso(),
        ),
        QuestionKind::Instrument => unreachable!("handled above"),
    };
    Ok(Some(value))
}

#[cfg(test)]
mod tests;
