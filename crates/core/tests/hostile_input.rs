//! Hostile input, tried as an attacker would: arbitrary bytes, arbitrary JSON and arbitrary text in
//! every free-text field reach the referral, check-in and questionnaire parsers, which answer with
//! a value or a refusal, never a panic; and no text they accept holds a hidden character (issue 13).
//! The case budget is fixed so the test command's time stays bounded.

use std::fs;
use std::path::PathBuf;

use proptest::prelude::*;
use proptest::test_runner::Config as ProptestConfig;
use serde_json::Value;
use signpost_core::fields::{CalendarDate, FreeText, FreeTextError, Lines};
use signpost_core::{
    default_questionnaire, AnswerValue, Checkin, Instrument, Questionnaire, RawCheckin,
    RawReferral, Referral,
};

const TODAY: CalendarDate = CalendarDate {
    year: 2026,
    month: 11,
    day: 25,
};

const CASES: u32 = 256;

fn valid_fixture(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/referrals/valid")
        .join(format!("{name}.json"));
    serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap()
}

/// Text as an attacker would send it: any characters, with the dangerous ones far more often
/// than a uniform draw would give them.
fn hostile_text() -> impl Strategy<Value = String> {
    let dangerous = prop_oneof![
        Just('\0'),
        Just('\u{1b}'),
        Just('\n'),
        Just('\r'),
        Just('\t'),
        Just('\u{7f}'),
        Just('\u{85}'),
        Just('\u{202e}'),
        Just('\u{2066}'),
        Just('\u{200f}'),
        Just('<'),
        Just('='),
        Just('م'),
        Just('ò'),
    ];
    prop::collection::vec(prop_oneof![3 => any::<char>(), 2 => dangerous], 0..40)
        .prop_map(|chars| chars.into_iter().collect())
}

/// JSON of any shape, with the referral's own keys often enough to get past the first field.
fn arbitrary_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        hostile_text().prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        let key = prop_oneof![
            Just("schema".to_owned()),
            Just("answers".to_owned()),
            Just("wellbeing".to_owned()),
            Just("items".to_owned()),
            Just("instrument".to_owned()),
            Just("consent".to_owned()),
            Just("language".to_owned()),
            "[a-z_]{1,12}",
        ];
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::from),
            prop::collection::btree_map(key, inner, 0..8)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

fn has_hidden_character(text: &str, lines: Lines) -> bool {
    text.chars().any(|c| match c {
        '\n' | '\t' => lines == Lines::One,
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => true,
        c => c.is_control(),
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: CASES, ..ProptestConfig::default() })]

    #[test]
    fn free_text_keeps_only_clean_text_within_its_limit(text in hostile_text(), max in 1usize..30) {
        for lines in [Lines::One, Lines::Many] {
            match FreeText::parse(&text, max, lines) {
                Ok(kept) => {
                    prop_assert!(!has_hidden_character(kept.as_ref(), lines), "{:?}", kept);
                    prop_assert!(kept.as_ref().chars().count() <= max);
                    prop_assert!(!kept.as_ref().trim().is_empty());
                }
                Err(FreeTextError::HiddenCharacter) => {
                    prop_assert!(has_hidden_character(&text.replace("\r\n", "\n"), lines));
                }
                Err(_) => {}
            }
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic_the_parsers(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        if let Ok(raw) = serde_json::from_slice::<RawReferral>(&bytes) {
            let _ = Referral::parse(raw, &default_questionnaire(), TODAY);
        }
        if let Ok(raw) = serde_json::from_slice::<RawCheckin>(&bytes) {
            let _ = Checkin::parse(raw, Instrument::Wemwbs);
        }
        let _ = Questionnaire::parse(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn arbitrary_json_never_panics_the_parsers(json in arbitrary_json()) {
        if let Ok(raw) = serde_json::from_value::<RawReferral>(json.clone()) {
            let _ = Referral::parse(raw, &default_questionnaire(), TODAY);
        }
        if let Ok(raw) = serde_json::from_value::<RawCheckin>(json.clone()) {
            let _ = Checkin::parse(raw, Instrument::Swemwbs);
        }
        let _ = Questionnaire::parse(&json.to_string());
    }

    /// Every free-text field of a valid referral, given hostile text: either accepted with clean
    /// text, or refused with an error that names that very field.
    #[test]
    fn hostile_text_in_any_field_is_refused_by_name_or_stored_clean(
        text in hostile_text(),
        field in prop::sample::select(vec![
            "organisation", "name", "preferred_name", "address", "interpreter_language",
        ]),
    ) {
        let mut body = valid_fixture("assisted-arabic-letter-and-swemwbs");
        let (path, lines) = match field {
            "organisation" => {
                body["organisation"] = text.clone().into();
                ("organisation".to_owned(), Lines::One)
            }
            question => {
                body["answers"][question] = text.clone().into();
                let lines = if question == "address" { Lines::Many } else { Lines::One };
                (format!("answers.{question}"), lines)
            }
        };
        let raw: RawReferral = serde_json::from_value(body).unwrap();
        match Referral::parse(raw, &default_questionnaire(), TODAY) {
            Ok(referral) => {
                let kept = match field {
                    "organisation" => referral.organisation().map(str::to_owned),
                    question => match referral.answers().get(question) {
                        Some(AnswerValue::One(text)) => Some(text.clone()),
                        _ => None,
                    },
                };
                if let Some(kept) = kept {
                    prop_assert!(!has_hidden_character(&kept, lines), "{field}: {kept:?}");
                }
            }
            Err(errors) => {
                let sent = if lines == Lines::Many { text.replace("\r\n", "\n") } else { text.clone() };
                if has_hidden_character(sent.trim(), lines) {
                    prop_assert!(
                        errors.iter().any(|e| e.field() == path && e.code().ends_with("hidden_character")),
                        "{field}: {text:?} refused as {errors}"
                    );
                }
                prop_assert!(errors.iter().all(|e| e.field() == path), "{errors}");
            }
        }
    }
}
