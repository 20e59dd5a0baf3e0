use serde::Deserialize;

use super::{Question, QuestionKind, QuestionnaireError};

/// When a page or question is asked, in terms of an earlier choice question's answer.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    pub question: String,
    #[serde(flatten)]
    pub test: ConditionTest,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConditionTest {
    /// A single choice or yes/no answer equals the value.
    Equals(String),
    /// A multiple choice answer includes the value.
    Includes(String),
    /// A multiple choice answer includes at least one of the values.
    IncludesAny(Vec<String>),
}

impl Condition {
    /// The condition must name an earlier choice question and one of its options, with the test
    /// that fits it: `includes` for several choices, `equals` for one.
    pub(super) fn check(
        &self,
        owner: &str,
        earlier: &[Question],
    ) -> Result<(), QuestionnaireError> {
        let Some(target) = earlier.iter().find(|q| q.id == self.question) else {
            return Err(QuestionnaireError::UnknownConditionQuestion {
                question: owner.to_owned(),
                names: self.question.clone(),
            });
        };
        let (values, fits): (&[String], bool) = match (&self.test, &target.kind) {
            (ConditionTest::Includes(value), kind) => {
                (std::slice::from_ref(value), is_multiple(kind))
            }
            (ConditionTest::IncludesAny(values), kind) => {
                (values, is_multiple(kind) && !values.is_empty())
            }
            (ConditionTest::Equals(value), kind) => (std::slice::from_ref(value), is_single(kind)),
        };
        if !fits {
            return Err(QuestionnaireError::ConditionDoesNotFit {
                question: owner.to_owned(),
                names: self.question.clone(),
            });
        }
        let options = target.kind.options().unwrap_or_default();
        match values.iter().find(|v| !options.contains(&v.as_str())) {
            Some(value) => Err(QuestionnaireError::ConditionValueNotAnOption {
                question: owner.to_owned(),
                names: self.question.clone(),
                value: value.clone(),
            }),
            None => Ok(()),
        }
    }
}

fn is_multiple(kind: &QuestionKind) -> bool {
    matches!(kind, QuestionKind::MultipleChoice { .. })
}

fn is_single(kind: &QuestionKind) -> bool {
    matches!(
        kind,
        QuestionKind::SingleChoice { .. } | QuestionKind::YesNo
    )
}
