use crate::consent::ConsentPurpose;
use crate::fields::{EmailError, FreeTextError, PhoneNumberError, PracticeCodeError};

/// One reason a referral was refused. Each names its field (as a path into the wire format),
/// a stable code for programs, and a plain-English message for people reading API errors.
/// The widget maps these to translated messages of its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReferralError {
    UnsupportedSchema,
    Practice(PracticeCodeError),
    NoNeeds,
    Name(FreeTextError),
    NoContactMethod,
    Phone(PhoneNumberError),
    Email(EmailError),
    ConsentVersion,
    ConsentMissing(ConsentPurpose),
}

impl ReferralError {
    pub fn field(&self) -> &'static str {
        match self {
            ReferralError::UnsupportedSchema => "schema",
            ReferralError::Practice(_) => "practice",
            ReferralError::NoNeeds => "needs",
            ReferralError::Name(_) => "person.name",
            ReferralError::NoContactMethod => "contact.methods",
            ReferralError::Phone(_) => "contact.phone",
            ReferralError::Email(_) => "contact.email",
            ReferralError::ConsentVersion => "consent.version",
            ReferralError::ConsentMissing(_) => "consent.purposes",
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            ReferralError::UnsupportedSchema => "unsupported_schema",
            ReferralError::Practice(PracticeCodeError::Empty) => "practice_missing",
            ReferralError::Practice(PracticeCodeError::Malformed) => "practice_malformed",
            ReferralError::NoNeeds => "needs_missing",
            ReferralError::Name(FreeTextError::Empty) => "name_missing",
            ReferralError::Name(FreeTextError::TooLong { .. }) => "name_too_long",
            ReferralError::NoContactMethod => "contact_method_missing",
            ReferralError::Phone(PhoneNumberError::Empty) => "phone_missing",
            ReferralError::Phone(PhoneNumberError::InvalidCharacters) => "phone_invalid_characters",
            ReferralError::Phone(PhoneNumberError::NotUkNumber) => "phone_not_uk",
            ReferralError::Email(EmailError::Empty) => "email_missing",
            ReferralError::Email(EmailError::TooLong) => "email_too_long",
            ReferralError::Email(EmailError::NotAnEmailAddress) => "email_malformed",
            ReferralError::ConsentVersion => "consent_version_malformed",
            ReferralError::ConsentMissing(ConsentPurpose::ShareWithService) => "consent_share_missing",
            ReferralError::ConsentMissing(_) => "consent_contact_missing",
        }
    }

    pub fn message(&self) -> &'static str {
        match self {
            ReferralError::UnsupportedSchema => "The schema must be \"signpost.referral/1\".",
            ReferralError::Practice(PracticeCodeError::Empty) => "Give the practice code.",
            ReferralError::Practice(PracticeCodeError::Malformed) => {
                "The practice code must be up to 12 letters, digits or dashes."
            }
            ReferralError::NoNeeds => "Choose at least one area to get help with.",
            ReferralError::Name(FreeTextError::Empty) => "Enter the person's name.",
            ReferralError::Name(FreeTextError::TooLong { .. }) => "The name must be 100 characters or fewer.",
            ReferralError::NoContactMethod => "Choose at least one way to be contacted.",
            ReferralError::Phone(PhoneNumberError::Empty) => "Enter a phone number for the chosen way of contact.",
            ReferralError::Phone(PhoneNumberError::InvalidCharacters) => {
                "A phone number can only contain digits, spaces, brackets, dashes and a leading +."
            }
            ReferralError::Phone(PhoneNumberError::NotUkNumber) => {
                "Enter a UK phone number, like 01632 960 001 or 07700 900 982."
            }
            ReferralError::Email(EmailError::Empty) => "Enter an email address for the chosen way of contact.",
            ReferralError::Email(EmailError::TooLong) => "The email address must be 254 characters or fewer.",
            ReferralError::Email(EmailError::NotAnEmailAddress) => {
                "Enter an email address in the correct format, like name@example.com."
            }
            ReferralError::ConsentVersion => "The consent version must be up to 32 letters, digits, dots or dashes.",
            ReferralError::ConsentMissing(ConsentPurpose::ShareWithService) => {
                "A referral needs consent to share it with the service."
            }
            ReferralError::ConsentMissing(_) => "A referral needs consent to contact the person.",
        }
    }
}

/// Every reason a referral was refused, in the order of the fields, never empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralErrors(Vec<ReferralError>);

impl ReferralErrors {
    pub(crate) fn from_vec(errors: Vec<ReferralError>) -> Option<Self> {
        (!errors.is_empty()).then_some(Self(errors))
    }

    pub fn first(&self) -> &ReferralError {
        &self.0[0]
    }

    pub fn iter(&self) -> impl Iterator<Item = &ReferralError> {
        self.0.iter()
    }
}

impl std::fmt::Display for ReferralErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let first = self.first();
        write!(f, "{}: {}", first.field(), first.message())
    }
}

impl std::error::Error for ReferralErrors {}
