use std::fmt;

/// Why a questionnaire file was refused. Each names the question (or page) and the problem,
/// so whoever edited the file can find and fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QuestionnaireError {
    Malformed {
        reason: String,
    },
    DuplicateId {
        id: String,
    },
    EmptyPage {
        page: String,
    },
    UnknownType {
        question: String,
        type_name: String,
    },
    NoOptions {
        question: String,
    },
    UnexpectedOptions {
        question: String,
    },
    DuplicateOption {
        question: String,
        option: String,
    },
    /// A condition names a question that does not exist, or comes later.
    UnknownConditionQuestion {
        question: String,
        names: String,
    },
    /// `includes` on a question with one answer, `equals` on several, or a test on a text question.
    ConditionDoesNotFit {
        question: String,
        names: String,
    },
    ConditionValueNotAnOption {
        question: String,
        names: String,
        value: String,
    },
    /// One of the questions every questionnaire must ask (needs, name, contact_methods) is absent,
    /// optional, conditional or of the wrong type.
    CoreQuestionMissing {
        id: String,
    },
}

impl fmt::Display for QuestionnaireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Malformed { reason } => write!(f, "the questionnaire is not valid JSON of the expected shape: {reason}"),
            Self::DuplicateId { id } => write!(f, "the id \"{id}\" is used more than once"),
            Self::EmptyPage { page } => write!(f, "page \"{page}\" has no questions"),
            Self::UnknownType { question, type_name } => {
                write!(f, "question \"{question}\" has the unknown type \"{type_name}\"")
            }
            Self::NoOptions { question } => write!(f, "question \"{question}\" is a choice but lists no options"),
            Self::UnexpectedOptions { question } => {
                write!(f, "question \"{question}\" lists options but is not a choice question")
            }
            Self::DuplicateOption { question, option } => {
                write!(f, "question \"{question}\" lists the option \"{option}\" twice")
            }
            Self::UnknownConditionQuestion { question, names } => write!(
                f,
                "\"{question}\" depends on the question \"{names}\", which does not exist before it"
            ),
            Self::ConditionDoesNotFit { question, names } => write!(
                f,
                "\"{question}\" depends on \"{names}\" with a test that does not fit it \
                 (use \"includes\" for several choices, \"equals\" for one choice or yes/no)"
            ),
            Self::CoreQuestionMissing { id } => write!(
                f,
                "the questionnaire must always ask the required question \"{id}\" (needs and contact_methods \
                 as multiple_choice, name as short_text)"
            ),
            Self::ConditionValueNotAnOption { question, names, value } => {
                write!(f, "\"{question}\" depends on \"{names}\" being \"{value}\", which is not one of its options")
            }
        }
    }
}

impl std::error::Error for QuestionnaireError {}
