//! The referral wire format and the validated referral made from it.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::consent::ConsentPurpose;
use crate::error::{ReferralError, ReferralErrors};
use crate::fields::{Email, PersonName, PhoneNumber, PracticeCode};
use crate::need::Need;

/// The schema name every referral carries, so the service can refuse what it cannot read.
pub const SCHEMA: &str = "signpost.referral/1";

/// Who filled the form in: the person themselves, or a helper on their behalf.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    #[serde(rename = "self")]
    SelfReferral,
    Assisted,
}

/// The languages the widget speaks; the referral records which one the person used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Language {
    En,
    Gd,
    Pl,
    Ar,
}

/// A way the person is happy to be contacted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactMethod {
    Phone,
    Text,
    Email,
}

impl ContactMethod {
    pub const ALL: [ContactMethod; 3] = [ContactMethod::Phone, ContactMethod::Text, ContactMethod::Email];

    pub fn needs_phone(self) -> bool {
        matches!(self, ContactMethod::Phone | ContactMethod::Text)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ContactMethod::Phone => "phone",
            ContactMethod::Text => "text",
            ContactMethod::Email => "email",
        }
    }
}

/// A referral as it travels as JSON. Nothing in it is trusted until `Referral::try_from` accepts it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawReferral {
    pub schema: String,
    pub practice: String,
    pub channel: Channel,
    pub language: Language,
    pub needs: Vec<Need>,
    pub person: RawPerson,
    pub contact: RawContact,
    pub consent: RawConsent,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPerson {
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawContact {
    pub methods: Vec<ContactMethod>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConsent {
    pub version: String,
    pub purposes: Vec<ConsentPurpose>,
}

/// A referral whose every field has been checked. Only `try_from` makes one.
#[derive(Debug, Clone, PartialEq)]
pub struct Referral {
    practice: PracticeCode,
    channel: Channel,
    language: Language,
    needs: BTreeSet<Need>,
    name: PersonName,
    contact: Contact,
    consent: Consent,
}

/// The ways to contact the person, with the details each needs. Details for a way the person
/// did not choose are dropped: we keep only what we will use.
#[derive(Debug, Clone, PartialEq)]
pub struct Contact {
    methods: BTreeSet<ContactMethod>,
    phone: Option<PhoneNumber>,
    email: Option<Email>,
}

/// Consent that includes every required purpose, with the version of the words agreed to.
#[derive(Debug, Clone, PartialEq)]
pub struct Consent {
    version: String,
    purposes: BTreeSet<ConsentPurpose>,
}

impl Referral {
    pub fn practice(&self) -> &PracticeCode {
        &self.practice
    }
    pub fn channel(&self) -> Channel {
        self.channel
    }
    pub fn language(&self) -> Language {
        self.language
    }
    pub fn needs(&self) -> &BTreeSet<Need> {
        &self.needs
    }
    pub fn name(&self) -> &PersonName {
        &self.name
    }
    pub fn contact(&self) -> &Contact {
        &self.contact
    }
    pub fn consent(&self) -> &Consent {
        &self.consent
    }
}

impl Contact {
    pub fn methods(&self) -> &BTreeSet<ContactMethod> {
        &self.methods
    }
    pub fn phone(&self) -> Option<&PhoneNumber> {
        self.phone.as_ref()
    }
    pub fn email(&self) -> Option<&Email> {
        self.email.as_ref()
    }
}

impl Consent {
    pub fn version(&self) -> &str {
        &self.version
    }
    pub fn purposes(&self) -> &BTreeSet<ConsentPurpose> {
        &self.purposes
    }
    pub fn allows(&self, purpose: ConsentPurpose) -> bool {
        self.purposes.contains(&purpose)
    }
}

/// Checks every field and reports every problem at once, so a caller can fix them in one go.
impl TryFrom<RawReferral> for Referral {
    type Error = ReferralErrors;

    fn try_from(raw: RawReferral) -> Result<Self, Self::Error> {
        let mut errors = Vec::new();
        if raw.schema != SCHEMA {
            errors.push(ReferralError::UnsupportedSchema);
        }
        let practice = PracticeCode::parse(&raw.practice).map_err(ReferralError::Practice);
        let needs: BTreeSet<Need> = raw.needs.into_iter().collect();
        if needs.is_empty() {
            errors.push(ReferralError::NoNeeds);
        }
        let name = PersonName::parse(&raw.person.name).map_err(ReferralError::Name);
        let contact = parse_contact(raw.contact, &mut errors);
        let consent = parse_consent(raw.consent, &mut errors);

        let practice = practice.map_err(|e| errors.push(e)).ok();
        let name = name.map_err(|e| errors.push(e)).ok();
        match (practice, name, contact, consent, ReferralErrors::from_vec(sorted(errors))) {
            (Some(practice), Some(name), Some(contact), Some(consent), None) => Ok(Referral {
                practice,
                channel: raw.channel,
                language: raw.language,
                needs,
                name,
                contact,
                consent,
            }),
            (.., Some(errors)) => Err(errors),
            _ => unreachable!("a missing field always records an error"),
        }
    }
}

fn parse_contact(raw: RawContact, errors: &mut Vec<ReferralError>) -> Option<Contact> {
    let methods: BTreeSet<ContactMethod> = raw.methods.into_iter().collect();
    if methods.is_empty() {
        errors.push(ReferralError::NoContactMethod);
        return None;
    }
    let wants_phone = methods.iter().any(|m| m.needs_phone());
    let wants_email = methods.contains(&ContactMethod::Email);
    let phone = wants_phone.then(|| PhoneNumber::parse(raw.phone.as_deref().unwrap_or("")));
    let email = wants_email.then(|| Email::parse(raw.email.as_deref().unwrap_or("")));
    let phone = phone.transpose().map_err(|e| errors.push(ReferralError::Phone(e)));
    let email = email.transpose().map_err(|e| errors.push(ReferralError::Email(e)));
    Some(Contact { methods, phone: phone.ok()?, email: email.ok()? })
}

fn parse_consent(raw: RawConsent, errors: &mut Vec<ReferralError>) -> Option<Consent> {
    let version = raw.version.trim();
    let version_ok = !version.is_empty()
        && version.len() <= 32
        && version.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
    if !version_ok {
        errors.push(ReferralError::ConsentVersion);
    }
    let purposes: BTreeSet<ConsentPurpose> = raw.purposes.into_iter().collect();
    let missing: Vec<_> = ConsentPurpose::REQUIRED.into_iter().filter(|p| !purposes.contains(p)).collect();
    let complete = missing.is_empty();
    errors.extend(missing.into_iter().map(ReferralError::ConsentMissing));
    (version_ok && complete).then(|| Consent { version: version.to_owned(), purposes })
}

/// Errors are reported in the order the fields appear in the wire format.
fn sorted(mut errors: Vec<ReferralError>) -> Vec<ReferralError> {
    const ORDER: [&str; 9] = [
        "schema",
        "practice",
        "needs",
        "person.name",
        "contact.methods",
        "contact.phone",
        "contact.email",
        "consent.version",
        "consent.purposes",
    ];
    errors.sort_by_key(|e| ORDER.iter().position(|f| *f == e.field()));
    errors
}

/// The canonical wire form of a checked referral: what the service stores.
impl From<&Referral> for RawReferral {
    fn from(referral: &Referral) -> Self {
        RawReferral {
            schema: SCHEMA.to_owned(),
            practice: referral.practice.as_ref().to_owned(),
            channel: referral.channel,
            language: referral.language,
            needs: referral.needs.iter().copied().collect(),
            person: RawPerson { name: referral.name.as_ref().to_owned() },
            contact: RawContact {
                methods: referral.contact.methods.iter().copied().collect(),
                phone: referral.contact.phone.as_ref().map(|p| p.as_ref().to_owned()),
                email: referral.contact.email.as_ref().map(|e| e.as_ref().to_owned()),
            },
            consent: RawConsent {
                version: referral.consent.version.clone(),
                purposes: referral.consent.purposes.iter().copied().collect(),
            },
        }
    }
}
