//! What the widget says, from one JSON file per language in `static/i18n/` that a translator
//! can edit without touching Rust. English is compiled in; it is also the fallback.

use std::collections::HashMap;
use std::rc::Rc;

use signpost_core::{ContactMethod, Need, ReferralError};

const ENGLISH: &str = include_str!("../static/i18n/en.json");

/// A language's messages, looked up by key. Cheap to clone and compare (shared, by pointer).
#[derive(Clone, Debug)]
pub struct Messages(Rc<HashMap<String, String>>);

impl PartialEq for Messages {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl Messages {
    pub fn english() -> Self {
        Self::parse(ENGLISH).expect("static/i18n/en.json is valid: checked by a test")
    }

    pub fn parse(json: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(json).map(|map| Self(Rc::new(map)))
    }

    /// The message for `key`. A missing key shows the key itself, which tests catch,
    /// rather than breaking the page for the person.
    pub fn t<'a>(&'a self, key: &'a str) -> &'a str {
        self.0.get(key).map_or(key, String::as_str)
    }

    /// The message for `key` with each `{name}` replaced by its value.
    pub fn tf(&self, key: &str, values: &[(&str, &str)]) -> String {
        values.iter().fold(self.t(key).to_owned(), |text, (name, value)| text.replace(&format!("{{{name}}}"), value))
    }

    pub fn need(&self, need: Need) -> &str {
        self.t_owned_key(format!("need.{}", need.as_str()))
    }

    pub fn contact_method(&self, method: ContactMethod) -> &str {
        self.t_owned_key(format!("contact.method.{}", method.as_str()))
    }

    /// The person-facing message for a validation error, in this language.
    pub fn error(&self, error: &ReferralError) -> &str {
        self.t_owned_key(format!("error.{}", error.code()))
    }

    fn t_owned_key(&self, key: String) -> &str {
        self.0.get(&key).map_or("", String::as_str)
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use signpost_core::fields::{EmailError, FreeTextError, PhoneNumberError, PracticeCodeError};
    use signpost_core::ConsentPurpose;
    use std::path::Path;

    /// Every `t("…")` and `tf("…"` literal in the widget's source.
    fn keys_used_in_source() -> Vec<String> {
        fn walk(dir: &Path, found: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    walk(&path, found);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let source = std::fs::read_to_string(&path).unwrap();
                    for opener in [".t(\"", ".tf(\""] {
                        for (at, _) in source.match_indices(opener) {
                            let rest = &source[at + opener.len()..];
                            found.push(rest[..rest.find('"').unwrap()].to_owned());
                        }
                    }
                }
            }
        }
        let mut found = Vec::new();
        walk(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut found);
        found
    }

    #[test]
    fn every_key_the_source_uses_is_in_english() {
        let english = Messages::english();
        let used = keys_used_in_source();
        assert!(used.len() > 20, "the scan found too few keys: {used:?}");
        for key in used.iter().filter(|k| !k.contains("…")) {
            assert!(english.0.contains_key(key), "en.json lacks the key {key:?} used in src/");
        }
    }

    #[test]
    fn every_need_method_and_error_has_an_english_message() {
        let english = Messages::english();
        for need in Need::ALL {
            assert!(!english.need(need).is_empty(), "need.{}", need.as_str());
        }
        for method in ContactMethod::ALL {
            assert!(!english.contact_method(method).is_empty(), "contact.method.{}", method.as_str());
        }
        let errors = [
            ReferralError::UnsupportedSchema,
            ReferralError::Practice(PracticeCodeError::Empty),
            ReferralError::Practice(PracticeCodeError::Malformed),
            ReferralError::NoNeeds,
            ReferralError::Name(FreeTextError::Empty),
            ReferralError::Name(FreeTextError::TooLong { max: 100 }),
            ReferralError::NoContactMethod,
            ReferralError::Phone(PhoneNumberError::Empty),
            ReferralError::Phone(PhoneNumberError::InvalidCharacters),
            ReferralError::Phone(PhoneNumberError::NotUkNumber),
            ReferralError::Email(EmailError::Empty),
            ReferralError::Email(EmailError::TooLong),
            ReferralError::Email(EmailError::NotAnEmailAddress),
            ReferralError::ConsentVersion,
            ReferralError::ConsentMissing(ConsentPurpose::ShareWithService),
            ReferralError::ConsentMissing(ConsentPurpose::ContactMe),
        ];
        for error in errors {
            assert!(!english.error(&error).is_empty(), "error.{}", error.code());
        }
    }

    #[test]
    fn placeholders_are_filled() {
        let english = Messages::english();
        assert_eq!(english.tf("common.step_of", &[("current", "2"), ("total", "4")]), "Question 2 of 4");
    }
}
