//! What the widget says, from one JSON file per language in `static/i18n/` that a translator
//! can edit without touching Rust. English is compiled in (as a table `build/i18n.rs` makes of
//! en.json) and is the fallback; the other languages are fetched only by those who choose them,
//! to keep the first load small.

use std::rc::Rc;

use signpost_core::{AnswerError, Language};

// `static ENGLISH: &[(&str, &str)]`: en.json's messages sorted by key, made by build/i18n.rs.
include!(concat!(env!("OUT_DIR"), "/english.rs"));

/// Every language the widget speaks, in the order the language switcher lists them.
pub const LANGUAGES: [Language; 4] = [Language::En, Language::Gd, Language::Pl, Language::Ar];

/// Each language's name in itself, for the switcher, known before its file is loaded.
/// A test checks these against each file's `_meta.language_name`.
pub fn native_name(language: Language) -> &'static str {
    match language {
        Language::En => "English",
        Language::Gd => "Gàidhlig",
        Language::Pl => "Polski",
        Language::Ar => "العربية",
    }
}

/// Where a language's file is, below the widget's own address.
pub fn file_name(language: Language) -> String {
    format!("i18n/{}.json", language.as_str())
}

/// Whether the language is written right to left.
pub fn is_rtl(language: Language) -> bool {
    language == Language::Ar
}

/// A language's messages, looked up by key. Cheap to clone and compare (shared, by pointer).
#[derive(Clone, Debug)]
pub struct Messages(Words);

#[derive(Clone, Debug)]
enum Words {
    English,
    /// A fetched language's message for each key of `ENGLISH`, in the same order, so that one
    /// binary search serves every language and nothing needs sorting in the browser.
    Translation(Rc<[Option<String>]>),
}

impl PartialEq for Messages {
    fn eq(&self, other: &Self) -> bool {
        match (&self.0, &other.0) {
            (Words::English, Words::English) => true,
            (Words::Translation(a), Words::Translation(b)) => Rc::ptr_eq(a, b),
            _ => false,
        }
    }
}

/// Where `key` is in the English table (and in every translation's).
fn position(key: &str) -> Option<usize> {
    ENGLISH
        .binary_search_by(|(english, _)| english.cmp(&key))
        .ok()
}

impl Messages {
    pub fn english() -> Self {
        Self(Words::English)
    }

    /// A language's messages from its file's members. Only keys English has can ever be looked
    /// up (a test checks every file has exactly those), so others, like `_meta`, are left out.
    pub fn from_pairs(pairs: impl IntoIterator<Item = (String, String)>) -> Self {
        let mut words = vec![None; ENGLISH.len()];
        for (key, text) in pairs {
            if let Some(at) = position(&key) {
                words[at] = Some(text);
            }
        }
        Self(Words::Translation(words.into()))
    }

    fn get(&self, key: &str) -> Option<&str> {
        self.at(position(key)?)
    }

    fn at(&self, position: usize) -> Option<&str> {
        match &self.0 {
            Words::English => Some(ENGLISH[position].1),
            Words::Translation(words) => words[position].as_deref(),
        }
    }

    /// The message for `key`. A missing key shows the key itself, which tests catch,
    /// rather than breaking the page for the person.
    pub fn t<'a>(&'a self, key: &'a str) -> &'a str {
        self.get(key).unwrap_or(key)
    }

    /// The message for `key` with each `{name}` replaced by its value; a `{…}` without a value
    /// stays as it is. One pass by hand: `str::replace` with a string pattern would bring the
    /// general substring searcher into the wasm for this alone (and `split_once`, unlike slicing
    /// by index, has no panic path).
    pub fn tf(&self, key: &str, values: &[(&str, &str)]) -> String {
        let mut rest = self.t(key);
        let mut out = String::with_capacity(rest.len());
        while let Some((before, after)) = rest.split_once('{') {
            out.push_str(before);
            let filled = after.split_once('}').and_then(|(name, tail)| {
                let (_, value) = values.iter().find(|(n, _)| *n == name)?;
                Some((*value, tail))
            });
            match filled {
                Some((value, tail)) => {
                    out.push_str(value);
                    rest = tail;
                }
                None => {
                    out.push('{');
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        out
    }

    /// A text of the questionnaire: `question.{id}.{part}` (label, hint, error_missing).
    pub fn question(&self, id: &str, part: &str) -> Option<&str> {
        self.get(&format!("question.{id}.{part}"))
    }

    /// An option's words: `question.{id}.option.{value}`; yes and no are shared.
    pub fn option(&self, question: &str, value: &str) -> String {
        match self.get(&format!("question.{question}.option.{value}")) {
            Some(text) => text.to_owned(),
            None => self.t(&format!("common.{value}")).to_owned(),
        }
    }

    /// What to tell the person about a refused answer: the question's own "missing" message,
    /// or the message for the kind of problem ("Enter a UK postcode, like EH1 1YZ").
    pub fn answer_error(&self, question: &str, error: AnswerError) -> String {
        if error.is_missing() {
            if let Some(specific) = self.question(question, "error_missing") {
                return specific.to_owned();
            }
        }
        let max = match error {
            AnswerError::Text(signpost_core::fields::FreeTextError::TooLong { max }) => {
                max.to_string()
            }
            _ => String::new(),
        };
        self.tf(&format!("error.{}", error.code()), &[("max", &max)])
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        ENGLISH
            .iter()
            .enumerate()
            .filter(|(at, _)| self.at(*at).is_some())
            .map(|(_, (key, _))| *key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(feature = "referral")]
    use signpost_core::{default_questionnaire, questionnaire::QuestionKind, AnswerError};
    use std::collections::HashMap;
    use std::path::Path;

    /// A language's file as it is, `_meta` and all.
    fn file(language: Language) -> HashMap<String, String> {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("static")
            .join(file_name(language));
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    /// Every `t("…")` and `tf("…"` literal in the widget's source; in the follow-up build, leaving
    /// out the referral's own files (`referral.rs`, `referral/`), which that build does not have.
    fn keys_used_in_source() -> Vec<String> {
        fn walk(dir: &Path, found: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if !cfg!(feature = "referral") && path.file_stem().is_some_and(|s| s == "referral")
                {
                    continue;
                } else if path.is_dir() {
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
        walk(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut found,
        );
        found
    }

    #[test]
    fn every_key_the_source_uses_is_in_english() {
        let english = Messages::english();
        let used = keys_used_in_source();
        assert!(used.len() > 20, "the scan found too few keys: {used:?}");
        for key in used.iter().filter(|k| !k.contains("…")) {
            assert!(
                english.get(key).is_some(),
                "en.json lacks the key {key:?} used in src/"
            );
        }
    }

    #[cfg(feature = "referral")]
    #[test]
    fn every_question_option_and_error_has_english_words() {
        let english = Messages::english();
        let questionnaire = default_questionnaire();
        for page in questionnaire.pages() {
            if page.questions.len() > 1 {
                assert!(
                    english.get(&format!("page.{}.heading", page.id)).is_some(),
                    "page.{}.heading",
                    page.id
                );
            }
            for question in &page.questions {
                for part in ["label", "error_missing"] {
                    assert!(
                        english.question(&question.id, part).is_some(),
                        "question.{}.{part}",
                        question.id
                    );
                }
                let options = match &question.kind {
                    QuestionKind::SingleChoice { options }
                    | QuestionKind::MultipleChoice { options } => options.clone(),
                    _ => Vec::new(),
                };
                for option in options {
                    assert!(
                        english
                            .get(&format!("question.{}.option.{option}", question.id))
                            .is_some(),
                        "{}: {option}",
                        question.id
                    );
                }
            }
        }
        for code in [
            "answer_not_an_option",
            "text_too_long",
            "text_hidden_character",
            "phone_invalid_characters",
            "phone_not_uk",
            "email_too_long",
            "email_malformed",
            "postcode_not_uk",
            "date_not_real",
            "date_in_future",
            "date_too_long_ago",
            "consent_share_missing",
            "consent_contact_missing",
        ] {
            assert!(
                english.get(&format!("error.{code}")).is_some(),
                "error.{code}"
            );
        }
        assert_eq!(
            english.answer_error(
                "name",
                AnswerError::Text(signpost_core::fields::FreeTextError::TooLong { max: 100 })
            ),
            "This answer must be 100 characters or fewer"
        );
    }

    #[cfg(feature = "referral")]
    fn placeholders(text: &str) -> Vec<&str> {
        let mut found: Vec<&str> = text
            .split('{')
            .skip(1)
            .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
            .collect();
        found.sort_unstable();
        found
    }

    /// Against the whole English file: the full build's (the follow-up build has part of it).
    #[cfg(feature = "referral")]
    #[test]
    fn every_language_has_exactly_the_english_keys_and_placeholders() {
        let english = Messages::english();
        for language in LANGUAGES {
            let name = language.as_str();
            let file = file(language);
            assert_eq!(
                file["_meta.language_name"],
                native_name(language),
                "{name}: the switcher's name"
            );
            for key in file.keys().filter(|key| !key.starts_with('_')) {
                assert!(
                    english.get(key).is_some(),
                    "static/i18n/{name}.json has the extra key {key:?}, not in English"
                );
            }
            let messages = Messages::from_pairs(file);
            for key in english.keys() {
                let Some(text) = messages.get(key) else {
                    panic!("static/i18n/{name}.json lacks the key {key:?}")
                };
                assert!(
                    !text.trim().is_empty(),
                    "static/i18n/{name}.json: {key:?} is empty"
                );
                assert_eq!(
                    placeholders(text),
                    placeholders(english.t(key)),
                    "static/i18n/{name}.json: {key:?} placeholders"
                );
            }
        }
    }

    /// GOV.UK's style for yes/no questions: the error says what to do either way ("Select yes if
    /// we can leave a voicemail, or no if we cannot"), so it never reads as if *No* were wrong.
    #[cfg(feature = "referral")]
    #[test]
    fn a_yes_no_error_names_both_answers_in_every_language() {
        let questionnaire = default_questionnaire();
        for language in LANGUAGES {
            let file = file(language);
            let answers = [&file["common.yes"], &file["common.no"]].map(|w| w.to_lowercase());
            for question in questionnaire.pages().iter().flat_map(|p| &p.questions) {
                if question.kind != QuestionKind::YesNo {
                    continue;
                }
                let key = format!("question.{}.error_missing", question.id);
                let text = file[&key].to_lowercase();
                let (yes, no) = (text.find(&answers[0]), text.rfind(&answers[1]));
                assert!(
                    matches!((yes, no), (Some(yes), Some(no)) if yes < no),
                    "static/i18n/{}.json: {key:?} must say yes if … then no if …: {text:?}",
                    language.as_str()
                );
            }
        }
    }

    #[test]
    fn translations_other_than_english_are_marked_as_drafts() {
        for language in LANGUAGES.into_iter().filter(|l| *l != Language::En) {
            let status = &file(language)["_meta.status"];
            assert!(
                status.starts_with("draft"),
                "{}: {status}",
                language.as_str()
            );
        }
    }

    #[test]
    fn the_compiled_english_is_en_json_without_its_meta() {
        let file = file(Language::En);
        let messages: Vec<(&str, &str)> = file
            .iter()
            .filter(|(key, _)| !key.starts_with('_'))
            .map(|(k, t)| (k.as_str(), t.as_str()))
            .collect();
        // The follow-up build leaves out what only a referral shows (build/i18n.rs).
        let messages: Vec<(&str, &str)> = match cfg!(feature = "referral") {
            true => messages,
            false => {
                assert!(
                    ENGLISH.len() < messages.len() / 2,
                    "the questionnaire's texts are left out"
                );
                messages
                    .into_iter()
                    .filter(|(key, _)| ENGLISH.iter().any(|(k, _)| k == key))
                    .collect()
            }
        };
        assert_eq!(ENGLISH.len(), messages.len());
        for (key, text) in messages {
            assert_eq!(Messages::english().get(key), Some(text), "{key}");
        }
        assert!(
            ENGLISH.windows(2).all(|pair| pair[0].0 < pair[1].0),
            "sorted for the binary search"
        );
    }

    #[test]
    fn a_translation_has_only_its_own_words_and_english_keys() {
        let pairs = [
            ("common.continue", "Lean air adhart"),
            ("_meta.status", "draft"),
            ("not.in.english", "?"),
        ];
        let read =
            || Messages::from_pairs(pairs.map(|(key, text)| (key.to_owned(), text.to_owned())));
        let gaelic = read();
        assert_eq!(gaelic.t("common.continue"), "Lean air adhart");
        assert_eq!(
            gaelic.t("common.back"),
            "common.back",
            "a missing key shows itself, as it always has"
        );
        assert_eq!(gaelic.keys().collect::<Vec<_>>(), ["common.continue"]);
        assert_eq!(gaelic, gaelic.clone());
        assert_ne!(gaelic, read(), "compared by pointer, not word by word");
        assert_eq!(Messages::english(), Messages::english());
    }

    #[test]
    fn placeholders_are_filled() {
        let english = Messages::english();
        assert_eq!(
            english.tf("common.step_of", &[("current", "2"), ("total", "4")]),
            "Page 2 of 4"
        );
        // A placeholder without a value stays; a value is never searched for placeholders itself.
        let odd = Messages::from_pairs([(
            "common.step_of".to_owned(),
            "{current} {unknown} {total".to_owned(),
        )]);
        assert_eq!(
            odd.tf("common.step_of", &[("current", "{total}"), ("total", "4")]),
            "{total} {unknown} {total"
        );
    }
}
