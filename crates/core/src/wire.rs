//! The two bodies the widget sends, written as JSON by hand, exactly as serde writes them (the
//! tests compare the two byte for byte). The service reads them with serde; the widget writes them
//! with this, so its wasm carries no JSON library: tens of KiB less for a phone to download.
//!
//! A hand-kept copy of `RawReferral` and `RawCheckin`'s serde shape: a member added there must be
//! added here. The tests below keep the two equal:
//! `every_valid_referral_fixture_is_written_as_serde_writes_it`,
//! `awkward_text_is_escaped_as_serde_escapes_it` and `a_check_in_is_written_as_serde_writes_it`.

use crate::answers::AnswerValue;
use crate::checkin::RawCheckin;
use crate::referral::{RawReferral, RawWellbeing};

impl RawReferral {
    pub fn to_json(&self) -> String {
        let mut json = Object::new();
        json.string("schema", &self.schema);
        json.string("practice", &self.practice);
        json.string("channel", self.channel.as_str());
        if let Some(organisation) = &self.organisation {
            json.string("organisation", organisation);
        }
        json.string("language", self.language.as_str());
        let mut questionnaire = Object::new();
        questionnaire.string("id", &self.questionnaire.id);
        questionnaire.string("version", &self.questionnaire.version);
        json.raw("questionnaire", &questionnaire.finish());
        let mut answers = Object::new();
        for (question, answer) in &self.answers {
            match answer {
                AnswerValue::One(value) => answers.string(question, value),
                AnswerValue::Many(values) => {
                    answers.raw(question, &array(values.iter().map(|v| string(v))))
                }
            }
        }
        json.raw("answers", &answers.finish());
        if let Some(wellbeing) = &self.wellbeing {
            json.raw("wellbeing", &wellbeing_json(wellbeing));
        }
        let mut consent = Object::new();
        consent.string("version", &self.consent.version);
        consent.raw(
            "purposes",
            &array(self.consent.purposes.iter().map(|p| string(p.as_str()))),
        );
        json.raw("consent", &consent.finish());
        json.finish()
    }
}

impl RawCheckin {
    pub fn to_json(&self) -> String {
        let mut json = Object::new();
        json.string("schema", &self.schema);
        json.string("language", self.language.as_str());
        json.raw("wellbeing", &wellbeing_json(&self.wellbeing));
        json.finish()
    }
}

fn wellbeing_json(wellbeing: &RawWellbeing) -> String {
    let mut json = Object::new();
    json.string("instrument", wellbeing.instrument.as_str());
    json.raw("items", &array(wellbeing.items.iter().map(u8::to_string)));
    json.finish()
}

/// A JSON object, member by member, in the order they are added (serde's: declaration order).
struct Object(String);

impl Object {
    fn new() -> Self {
        Self(String::from("{"))
    }

    fn string(&mut self, name: &str, value: &str) {
        self.raw(name, &string(value));
    }

    /// A member whose value is already JSON.
    fn raw(&mut self, name: &str, json: &str) {
        if self.0.len() > 1 {
            self.0.push(',');
        }
        self.0.push_str(&string(name));
        self.0.push(':');
        self.0.push_str(json);
    }

    fn finish(mut self) -> String {
        self.0.push('}');
        self.0
    }
}

/// By hand rather than `Vec::join` and `format!`: the widget carries neither's code for this
/// alone (1.2 KiB of wasm before compression).
fn array(elements: impl Iterator<Item = String>) -> String {
    let mut json = String::from("[");
    for (i, element) in elements.enumerate() {
        if i > 0 {
            json.push(',');
        }
        json.push_str(&element);
    }
    json.push(']');
    json
}

/// `text` as a JSON string: quoted, with `"`, `\` and control characters escaped as serde does.
fn string(text: &str) -> String {
    let mut json = String::with_capacity(text.len() + 2);
    json.push('"');
    for c in text.chars() {
        match c {
            '"' => json.push_str("\\\""),
            '\\' => json.push_str("\\\\"),
            '\n' => json.push_str("\\n"),
            '\r' => json.push_str("\\r"),
            '\t' => json.push_str("\\t"),
            '\u{08}' => json.push_str("\\b"),
            '\u{0c}' => json.push_str("\\f"),
            // `\u00XX`, the hex digits by hand: `{:04x}` would bring the formatter's hex code.
            c if c < ' ' => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                json.push_str("\\u00");
                json.push(HEX[c as usize >> 4] as char);
                json.push(HEX[c as usize & 0xf] as char);
            }
            c => json.push(c),
        }
    }
    json.push('"');
    json
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::checkin::CHECKIN_SCHEMA;
    use crate::referral::Language;
    use crate::score::Instrument;

    const AWKWARD: &str = "odd \"words\" \\ \n\r\t\u{08}\u{0c}\u{01}\u{1f}\u{7f} é ✓ 🙂";

    #[test]
    fn every_valid_referral_fixture_is_written_as_serde_writes_it() {
        let dir =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/referrals/valid");
        let mut seen = 0;
        for entry in std::fs::read_dir(&dir).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            let raw: RawReferral = serde_json::from_str(&text).unwrap();
            assert_eq!(raw.to_json(), serde_json::to_string(&raw).unwrap());
            seen += 1;
        }
        assert!(seen >= 3, "the fixtures were found");
    }

    #[test]
    fn awkward_text_is_escaped_as_serde_escapes_it() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/fixtures/referrals/valid/phone-self-referral.json");
        let mut raw: RawReferral =
            serde_json::from_str(&std::fs::read_to_string(dir).unwrap()).unwrap();
        raw.practice = AWKWARD.to_owned();
        raw.organisation = Some(AWKWARD.to_owned());
        raw.answers
            .insert(AWKWARD.to_owned(), AnswerValue::One(AWKWARD.to_owned()));
        raw.answers.insert(
            "several".to_owned(),
            AnswerValue::Many(vec![AWKWARD.to_owned(), String::new()]),
        );
        raw.answers
            .insert("none".to_owned(), AnswerValue::Many(vec![]));
        raw.wellbeing = None;
        raw.consent.purposes.clear();
        assert_eq!(raw.to_json(), serde_json::to_string(&raw).unwrap());
    }

    #[test]
    fn a_check_in_is_written_as_serde_writes_it() {
        for (schema, language, instrument, items) in [
            (
                CHECKIN_SCHEMA,
                Language::En,
                Instrument::Wemwbs,
                vec![1, 2, 3, 4, 5, 1, 2, 3, 4, 5, 1, 2, 3, 4],
            ),
            (
                CHECKIN_SCHEMA,
                Language::Ar,
                Instrument::Swemwbs,
                vec![5; 7],
            ),
            (AWKWARD, Language::Gd, Instrument::Swemwbs, vec![]),
        ] {
            let raw = RawCheckin {
                schema: schema.to_owned(),
                language,
                wellbeing: RawWellbeing { instrument, items },
            };
            assert_eq!(raw.to_json(), serde_json::to_string(&raw).unwrap());
        }
    }
}
