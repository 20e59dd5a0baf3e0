//! The referral wire format and the checked referral made from it.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::answers::{AnswerValue, Answers};
use crate::consent::ConsentPurpose;
use crate::error::{ReferralError, ReferralErrors};
use crate::fields::{CalendarDate, FreeText, FreeTextError, Lines, PracticeCode};
use crate::questionnaire::Questionnaire;
use crate::score::{Instrument, Responses};

/// The schema name every referral carries, so the service can refuse what it cannot read.
pub const SCHEMA: &str = "signpost.referral/1";

/// The longest organisation name an assisted referral may record, in characters.
pub const ORGANISATION_MAX_CHARS: usize = 100;

/// Who filled the form in: the person themselves, or a helper on their behalf.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Channel {
    #[serde(rename = "self")]
    SelfReferral,
    #[serde(rename = "assisted")]
    Assisted,
}

impl Channel {
    pub const ALL: [Channel; 2] = [Channel::SelfReferral, Channel::Assisted];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::SelfReferral => "self",
            Channel::Assisted => "assisted",
        }
    }

    /// The channel whose wire name (`as_str`) is `name`.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == name)
    }
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

impl Language {
    pub const ALL: [Language; 4] = [Language::En, Language::Gd, Language::Pl, Language::Ar];

    pub fn as_str(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Gd => "gd",
            Language::Pl => "pl",
            Language::Ar => "ar",
        }
    }

    /// The language whose wire name (`as_str`) is `name`.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.as_str() == name)
    }
}

// Hand-kept copy: crates/core/src/wire.rs writes this by hand for the widget, kept equal by
// wire::tests::every_valid_referral_fixture_is_written_as_serde_writes_it and
// awkward_text_is_escaped_as_serde_escapes_it.
/// A referral as it travels as JSON. Nothing in it is trusted until `Referral::parse` accepts it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawReferral {
    pub schema: String,
    pub practice: String,
    pub channel: Channel,
    /// Who helped, for an assisted referral (e.g. `"Southside Foodbank"`): required then, and
    /// refused on a self-referral. Evaluations use it to tell assisted answers from unassisted ones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
    pub language: Language,
    pub questionnaire: QuestionnaireRef,
    pub answers: Answers,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wellbeing: Option<RawWellbeing>,
    pub consent: RawConsent,
}

/// Which questionnaire, and which version of it, the answers are to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuestionnaireRef {
    pub id: String,
    pub version: String,
}

/// The wellbeing check-in's item responses, 1 to 5, in the scale's order. Absent when skipped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWellbeing {
    pub instrument: Instrument,
    pub items: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConsent {
    pub version: String,
    pub purposes: Vec<ConsentPurpose>,
}

/// A referral whose every field has been checked against its questionnaire. Only `parse` makes one.
#[derive(Debug, Clone, PartialEq)]
pub struct Referral {
    practice: PracticeCode,
    channel: Channel,
    /// `Some` exactly when the channel is assisted.
    organisation: Option<FreeText>,
    language: Language,
    questionnaire: QuestionnaireRef,
    answers: Answers,
    wellbeing: Option<Responses>,
    consent: Consent,
}

/// Consent that includes every required purpose, with the version of the words agreed to.
#[derive(Debug, Clone, PartialEq)]
pub struct Consent {
    version: String,
    purposes: BTreeSet<ConsentPurpose>,
}

impl Referral {
    /// Checks every field and reports every problem at once, in the wire format's order.
    /// `today` bounds dates of birth; each side supplies its own clock.
    pub fn parse(
        raw: RawReferral,
        questionnaire: &Questionnaire,
        today: CalendarDate,
    ) -> Result<Self, ReferralErrors> {
        let mut errors = Vec::new();
        if raw.schema != SCHEMA {
            errors.push(ReferralError::UnsupportedSchema);
        }
        let practice = PracticeCode::parse(&raw.practice)
            .map_err(|e| errors.push(ReferralError::Practice(e)))
            .ok();
        let organisation =
            parse_organisation(raw.channel, raw.organisation.as_deref(), &mut errors);
        let known = raw.questionnaire.id == questionnaire.id()
            && raw.questionnaire.version == questionnaire.version();
        if !known {
            errors.push(ReferralError::QuestionnaireMismatch);
        }
        let answers = match questionnaire.canonical_answers(&raw.answers, today) {
            Ok(canonical) => {
                // Answers to questions that were not asked are refused, not silently dropped:
                // a client that sends them has a bug worth hearing about.
                errors.extend(
                    raw.answers
                        .keys()
                        .filter(|id| !canonical.contains_key(*id) && !is_blank(&raw.answers[*id]))
                        .map(|id| ReferralError::UnexpectedAnswer {
                            question: id.clone(),
                        }),
                );
                Some(canonical)
            }
            Err(problems) => {
                errors.extend(
                    problems
                        .into_iter()
                        .map(|(question, error)| ReferralError::Answer { question, error }),
                );
                None
            }
        };
        let wellbeing = match raw.wellbeing {
            None => Ok(None),
            Some(w) => Responses::parse(w.instrument, &w.items)
                .map(Some)
                .map_err(|e| errors.push(ReferralError::Wellbeing(e))),
        };
        let consent = parse_consent(raw.consent, &mut errors);
        match (
            practice,
            organisation,
            answers,
            wellbeing,
            consent,
            ReferralErrors::from_vec(errors),
        ) {
            (
                Some(practice),
                Ok(organisation),
                Some(answers),
                Ok(wellbeing),
                Some(consent),
                None,
            ) => Ok(Referral {
                practice,
                channel: raw.channel,
                organisation,
                language: raw.language,
                questionnaire: raw.questionnaire,
                answers,
                wellbeing,
                consent,
            }),
            (.., Some(errors)) => Err(errors),
            _ => unreachable!("a missing field always records an error"),
        }
    }

    pub fn practice(&self) -> &PracticeCode {
        &self.practice
    }
    pub fn channel(&self) -> Channel {
        self.channel
    }
    /// The organisation that helped with an assisted referral; `None` for a self-referral.
    pub fn organisation(&self) -> Option<&str> {
        self.organisation.as_ref().map(AsRef::as_ref)
    }
    pub fn language(&self) -> Language {
        self.language
    }
    pub fn questionnaire(&self) -> &QuestionnaireRef {
        &self.questionnaire
    }
    pub fn answers(&self) -> &Answers {
        &self.answers
    }
    /// A single answer's text, e.g. `answer("name")`.
    pub fn answer(&self, question: &str) -> Option<&str> {
        match self.answers.get(question) {
            Some(AnswerValue::One(text)) => Some(text),
            _ => None,
        }
    }
    pub fn wellbeing(&self) -> Option<&Responses> {
        self.wellbeing.as_ref()
    }
    pub fn consent(&self) -> &Consent {
        &self.consent
    }
}

/// An assisted referral names its organisation; a self-referral has none. Blank text counts as
/// none, as a blank answer does: `organisation_missing` when assisted, nothing when self.
fn parse_organisation(
    channel: Channel,
    organisation: Option<&str>,
    errors: &mut Vec<ReferralError>,
) -> Result<Option<FreeText>, ()> {
    let given = organisation.filter(|text| !text.trim().is_empty());
    match (channel, given) {
        (Channel::Assisted, None) => {
            errors.push(ReferralError::Organisation(FreeTextError::Empty));
            Err(())
        }
        (Channel::Assisted, Some(text)) => {
            FreeText::parse(text, ORGANISATION_MAX_CHARS, Lines::One)
                .map(Some)
                .map_err(|e| errors.push(ReferralError::Organisation(e)))
        }
        (Channel::SelfReferral, None) => Ok(None),
        (Channel::SelfReferral, Some(_)) => {
            errors.push(ReferralError::OrganisationUnexpected);
            Err(())
        }
    }
}

fn is_blank(answer: &AnswerValue) -> bool {
    match answer {
        AnswerValue::One(text) => text.trim().is_empty(),
        AnswerValue::Many(list) => list.is_empty(),
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

fn parse_consent(raw: RawConsent, errors: &mut Vec<ReferralError>) -> Option<Consent> {
    let version = raw.version.trim();
    let version_ok = !version.is_empty()
        && version.len() <= 32
        && version
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
    if !version_ok {
        errors.push(ReferralError::ConsentVersion);
    }
    let purposes: BTreeSet<ConsentPurpose> = raw.purposes.into_iter().collect();
    let missing: Vec<_> = ConsentPurpose::REQUIRED
        .into_iter()
        .filter(|p| !purposes.contains(p))
        .collect();
    let complete = missing.is_empty();
    errors.extend(missing.into_iter().map(ReferralError::ConsentMissing));
    (version_ok && complete).then(|| Consent {
        version: version.to_owned(),
        purposes,
    })
}

/// The canonical wire form of a checked referral: what the service stores.
impl From<&Referral> for RawReferral {
    fn from(referral: &Referral) -> Self {
        RawReferral {
            schema: SCHEMA.to_owned(),
            practice: referral.practice.as_ref().to_owned(),
            channel: referral.channel,
            organisation: referral.organisation().map(str::to_owned),
            language: referral.language,
            questionnaire: referral.questionnaire.clone(),
            answers: referral.answers.clone(),
            wellbeing: referral.wellbeing.as_ref().map(|r| RawWellbeing {
                instrument: r.instrument(),
                items: r.items().to_vec(),
            }),
            consent: RawConsent {
                version: referral.consent.version.clone(),
                purposes: referral.consent.purposes.iter().copied().collect(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::default_questionnaire;
    use crate::fields::FreeTextError;

    const TODAY: CalendarDate = CalendarDate {
        year: 2026,
        month: 11,
        day: 25,
    };
    const ASSISTED: &str = include_str!(
        "../../../tests/fixtures/referrals/valid/assisted-arabic-letter-and-swemwbs.json"
    );
    const SELF: &str =
        include_str!("../../../tests/fixtures/referrals/valid/phone-self-referral.json");

    fn raw(json: &str) -> RawReferral {
        serde_json::from_str(json).unwrap()
    }

    fn parse(raw: RawReferral) -> Result<Referral, ReferralErrors> {
        Referral::parse(raw, &default_questionnaire(), TODAY)
    }

    fn first(raw: RawReferral) -> (&'static str, String) {
        let errors = parse(raw).unwrap_err();
        (errors.first().code(), errors.first().field())
    }

    #[test]
    fn channels_and_languages_are_read_back_from_their_wire_names() {
        for channel in Channel::ALL {
            assert_eq!(Channel::from_name(channel.as_str()), Some(channel));
            assert_eq!(serde_json::to_value(channel).unwrap(), channel.as_str());
        }
        for language in Language::ALL {
            assert_eq!(Language::from_name(language.as_str()), Some(language));
            assert_eq!(serde_json::to_value(language).unwrap(), language.as_str());
        }
        assert_eq!(Channel::from_name("Self"), None);
        assert_eq!(Language::from_name("fr"), None);
    }

    #[test]
    fn an_assisted_referral_records_its_organisation_trimmed() {
        let mut body = raw(ASSISTED);
        body.organisation = Some("  Southside Foodbank ".into());
        let referral = parse(body).unwrap();
        assert_eq!(referral.channel(), Channel::Assisted);
        assert_eq!(referral.organisation(), Some("Southside Foodbank"));
        let canonical = RawReferral::from(&referral);
        assert_eq!(
            canonical.organisation.as_deref(),
            Some("Southside Foodbank")
        );
        let json = serde_json::to_value(&canonical).unwrap();
        assert_eq!(json["organisation"], "Southside Foodbank");
    }

    #[test]
    fn an_assisted_referral_without_an_organisation_is_refused() {
        for missing in [None, Some(""), Some("   ")] {
            let mut body = raw(ASSISTED);
            body.organisation = missing.map(str::to_owned);
            assert_eq!(
                first(body),
                ("organisation_missing", "organisation".to_string()),
                "{missing:?}"
            );
        }
        let mut body = raw(ASSISTED);
        body.organisation = None;
        assert_eq!(
            *parse(body).unwrap_err().first(),
            ReferralError::Organisation(FreeTextError::Empty)
        );
    }

    #[test]
    fn an_organisation_name_is_at_most_100_characters() {
        let mut body = raw(ASSISTED);
        body.organisation = Some("م".repeat(100));
        assert_eq!(
            parse(body)
                .unwrap()
                .organisation()
                .map(|o| o.chars().count()),
            Some(100)
        );
        let mut body = raw(ASSISTED);
        body.organisation = Some("a".repeat(101));
        let errors = parse(body).unwrap_err();
        assert_eq!(
            (errors.first().code(), errors.first().field()),
            ("organisation_too_long", "organisation".to_string())
        );
        assert_eq!(
            errors.first().message(),
            "The organisation's name must be 100 characters or fewer."
        );
    }

    #[test]
    fn a_self_referral_names_no_organisation() {
        let referral = parse(raw(SELF)).unwrap();
        assert_eq!(referral.organisation(), None);
        let json = serde_json::to_value(RawReferral::from(&referral)).unwrap();
        assert!(
            json.get("organisation").is_none(),
            "absent, not null: {json}"
        );

        let mut body = raw(SELF);
        body.organisation = Some("Southside Foodbank".into());
        assert_eq!(
            first(body),
            ("organisation_unexpected", "organisation".to_string())
        );
        // Blank is no organisation, as a blank answer is no answer.
        let mut body = raw(SELF);
        body.organisation = Some(" ".into());
        assert_eq!(parse(body).unwrap().organisation(), None);
    }

    #[test]
    fn the_organisation_error_comes_after_the_practice_and_before_the_answers() {
        let mut body = raw(ASSISTED);
        body.practice = "<script>".into();
        body.organisation = None;
        body.answers.remove("name");
        let errors = parse(body).unwrap_err();
        let found: Vec<_> = errors.iter().map(|e| e.code()).collect();
        assert_eq!(
            found,
            [
                "practice_malformed",
                "organisation_missing",
                "answer_missing"
            ]
        );
    }
}
