use crate::answers::AnswerError;
use crate::consent::ConsentPurpose;
use crate::fields::{FreeTextError, PracticeCodeError};
use crate::problems::{Problem, Problems};
use crate::score::ScoreError;

/// One reason a referral was refused. Each names its field (as a path into the wire format),
/// a stable code for programs, and a plain-English message for people reading API errors.
/// The widget maps these to translated messages of its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReferralError {
    UnsupportedSchema,
    Practice(PracticeCodeError),
    /// An assisted referral without its organisation (`Empty`), or with too long a name.
    Organisation(FreeTextError),
    /// A self-referral that names an organisation: only assisted referrals have one.
    OrganisationUnexpected,
    /// The answers are to a questionnaire (or a version of it) this service does not use.
    QuestionnaireMismatch,
    Answer {
        question: String,
        error: AnswerError,
    },
    /// An answer to a question that does not exist, or was not asked given the other answers.
    UnexpectedAnswer {
        question: String,
    },
    Wellbeing(ScoreError),
    ConsentVersion,
    ConsentMissing(ConsentPurpose),
}

impl ReferralError {
    pub fn field(&self) -> String {
        match self {
            ReferralError::UnsupportedSchema => "schema".into(),
            ReferralError::Practice(_) => "practice".into(),
            ReferralError::Organisation(_) | ReferralError::OrganisationUnexpected => {
                "organisation".into()
            }
            ReferralError::QuestionnaireMismatch => "questionnaire".into(),
            ReferralError::Answer { question, .. }
            | ReferralError::UnexpectedAnswer { question } => {
                format!("answers.{question}")
            }
            ReferralError::Wellbeing(ScoreError::WrongItemCount { .. }) => "wellbeing.items".into(),
            ReferralError::Wellbeing(ScoreError::OutOfRange { item, .. }) => {
                format!("wellbeing.items[{}]", item - 1)
            }
            ReferralError::ConsentVersion => "consent.version".into(),
            ReferralError::ConsentMissing(_) => "consent.purposes".into(),
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            ReferralError::UnsupportedSchema => "unsupported_schema",
            ReferralError::Practice(PracticeCodeError::Empty) => "practice_missing",
            ReferralError::Practice(PracticeCodeError::Malformed) => "practice_malformed",
            ReferralError::Organisation(FreeTextError::Empty) => "organisation_missing",
            ReferralError::Organisation(FreeTextError::TooLong { .. }) => "organisation_too_long",
            ReferralError::Organisation(FreeTextError::HiddenCharacter) => {
                "organisation_hidden_character"
            }
            ReferralError::OrganisationUnexpected => "organisation_unexpected",
            ReferralError::QuestionnaireMismatch => "questionnaire_unknown",
            ReferralError::Answer { error, .. } => error.code(),
            ReferralError::UnexpectedAnswer { .. } => "answer_unexpected",
            ReferralError::Wellbeing(ScoreError::WrongItemCount { .. }) => "wellbeing_incomplete",
            ReferralError::Wellbeing(ScoreError::OutOfRange { .. }) => "wellbeing_out_of_range",
            ReferralError::ConsentVersion => "consent_version_malformed",
            ReferralError::ConsentMissing(ConsentPurpose::ShareWithService) => {
                "consent_share_missing"
            }
            ReferralError::ConsentMissing(_) => "consent_contact_missing",
        }
    }

    pub fn message(&self) -> String {
        match self {
            ReferralError::UnsupportedSchema => {
                "The schema must be \"signpost.referral/1\".".into()
            }
            ReferralError::Practice(PracticeCodeError::Empty) => "Give the practice code.".into(),
            ReferralError::Practice(PracticeCodeError::Malformed) => {
                "The practice code must be up to 12 letters, digits or dashes.".into()
            }
            ReferralError::Organisation(FreeTextError::Empty) => {
                "An assisted referral must name the organisation that helped.".into()
            }
            ReferralError::Organisation(FreeTextError::TooLong { max }) => {
                format!("The organisation's name must be {max} characters or fewer.")
            }
            ReferralError::Organisation(FreeTextError::HiddenCharacter) => {
                "The organisation's name must be one line with no control characters or bidirectional overrides.".into()
            }
            ReferralError::OrganisationUnexpected => {
                "Only an assisted referral names an organisation; a self-referral has none.".into()
            }
            ReferralError::QuestionnaireMismatch => {
                "The answers are to a questionnaire or version this service does not use.".into()
            }
            ReferralError::Answer { error, .. } => error.message().into(),
            ReferralError::UnexpectedAnswer { .. } => {
                "This question was not asked, given the other answers, so it cannot be answered."
                    .into()
            }
            ReferralError::Wellbeing(ScoreError::WrongItemCount { expected, found }) => {
                format!("The wellbeing check-in needs all {expected} items answered; {found} were sent.")
            }
            ReferralError::Wellbeing(ScoreError::OutOfRange { item, value }) => {
                format!("Wellbeing item {item} must be from 1 to 5, not {value}.")
            }
            ReferralError::ConsentVersion => {
                "The consent version must be up to 32 letters, digits, dots or dashes.".into()
            }
            ReferralError::ConsentMissing(ConsentPurpose::ShareWithService) => {
                "A referral needs consent to share it with the service.".into()
            }
            ReferralError::ConsentMissing(_) => {
                "A referral needs consent to contact the person.".into()
            }
        }
    }
}

/// Every reason a referral was refused, in the order of the fields, never empty.
pub type ReferralErrors = Problems<ReferralError>;

impl Problem for ReferralError {
    fn field(&self) -> String {
        ReferralError::field(self)
    }
    fn code(&self) -> &'static str {
        ReferralError::code(self)
    }
    fn message(&self) -> String {
        ReferralError::message(self)
    }
}
