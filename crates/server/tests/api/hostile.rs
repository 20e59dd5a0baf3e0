//! The API tried as a hostile client would (issue 13): arbitrary bytes, arbitrary JSON and
//! arbitrary text in every free-text field, POSTed to the referral and check-in routes, are
//! answered with a 4xx and a reason or accepted, never a 5xx; and whatever is accepted is stored
//! without a hidden character. Fixed case budgets keep the test command's time bounded.

use std::sync::atomic::{AtomicUsize, Ordering};

use axum::http::StatusCode;
use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, TestRunner};
use serde_json::Value;
use signpost_core::Instrument;

use crate::helpers::{checkin_body, valid_fixture, TestApp};

const CASES: u32 = 96;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn runner() -> TestRunner {
    TestRunner::new(ProptestConfig {
        cases: CASES,
        ..ProptestConfig::default()
    })
}

/// A 4xx with the API's error shape, or a 201: never a 5xx, never a body that is not JSON.
fn assert_answered_plainly(status: StatusCode, body: &[u8]) -> Result<(), TestCaseError> {
    prop_assert!(
        status == StatusCode::CREATED || status.is_client_error(),
        "{status}: {}",
        String::from_utf8_lossy(body)
    );
    let json: Value = serde_json::from_slice(body)
        .map_err(|e| TestCaseError::fail(format!("{status}: not JSON: {e}")))?;
    if status.is_client_error() {
        prop_assert!(json["code"].is_string(), "{json}");
        prop_assert!(json["message"].is_string(), "{json}");
    }
    Ok(())
}

fn hostile_text() -> impl Strategy<Value = String> {
    let dangerous = prop_oneof![
        Just('\0'),
        Just('\u{1b}'),
        Just('\n'),
        Just('\r'),
        Just('\t'),
        Just('\u{7f}'),
        Just('\u{9b}'),
        Just('\u{202e}'),
        Just('\u{2067}'),
        Just('<'),
        Just('='),
        Just('"'),
        Just('ع'),
    ];
    prop::collection::vec(prop_oneof![3 => any::<char>(), 2 => dangerous], 0..60)
        .prop_map(|chars| chars.into_iter().collect())
}

fn arbitrary_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        (-1e300f64..1e300).prop_map(Value::from),
        hostile_text().prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::from),
            prop::collection::btree_map("[a-z_]{1,10}", inner, 0..6)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

#[test]
fn arbitrary_bytes_get_a_4xx_never_a_5xx() {
    let runtime = runtime();
    let app = TestApp::new();
    let case = AtomicUsize::new(0);
    runner()
        .run(&prop::collection::vec(any::<u8>(), 0..2048), |bytes| {
            let key = format!("bytes-{}", case.fetch_add(1, Ordering::Relaxed));
            let response = runtime.block_on(app.post_referral(&key, bytes.clone()));
            assert_answered_plainly(response.status, &response.body)?;
            let response = runtime.block_on(app.post_checkin("no-such-link", bytes));
            assert_answered_plainly(response.status, &response.body)
        })
        .unwrap();
}

/// A valid referral with one part swapped for arbitrary JSON: the top level, `answers`,
/// `consent` or `wellbeing` gains, loses or changes a key.
#[test]
fn a_valid_referral_with_any_part_replaced_gets_a_4xx_or_is_stored() {
    let runtime = runtime();
    let app = TestApp::new();
    let case = AtomicUsize::new(0);
    let base = valid_fixture().json();
    let parts = prop::sample::select(vec!["", "answers", "consent", "wellbeing", "questionnaire"]);
    let keys = "[a-z_]{1,24}";
    runner()
        .run(&(parts, keys, arbitrary_json()), |(part, key, value)| {
            let mut body = base.clone();
            let target = if part.is_empty() {
                &mut body
            } else {
                &mut body[part]
            };
            if let Value::Object(map) = target {
                map.insert(key.clone(), value);
            } else {
                *target = value;
            }
            let key = format!("json-{}", case.fetch_add(1, Ordering::Relaxed));
            let response = runtime.block_on(app.post_referral(&key, body.to_string()));
            assert_answered_plainly(response.status, &response.body)
        })
        .unwrap();
}

/// Hostile text in each free-text field and in the organisation: refused with a 422 that names
/// that field, or stored without a control character or bidirectional override.
#[test]
fn hostile_text_is_refused_by_field_or_stored_clean() {
    let runtime = runtime();
    let app = TestApp::new();
    let case = AtomicUsize::new(0);
    let base = valid_fixture().json();
    let fields = prop::sample::select(vec![
        "organisation",
        "name",
        "preferred_name",
        "address",
        "interpreter_language",
    ]);
    runner()
        .run(&(fields, hostile_text()), |(field, text)| {
            let mut body = base.clone();
            let path = if field == "organisation" {
                body["organisation"] = text.clone().into();
                "organisation".to_owned()
            } else {
                body["answers"][field] = text.clone().into();
                format!("answers.{field}")
            };
            let key = format!("text-{}", case.fetch_add(1, Ordering::Relaxed));
            let response = runtime.block_on(app.post_referral(&key, body.to_string()));
            assert_answered_plainly(response.status, &response.body)?;
            let json = response.json();
            if response.status == StatusCode::CREATED {
                let reference = json["reference"].as_str().unwrap();
                let stored = runtime.block_on(app.find(reference)).unwrap();
                let stored = serde_json::to_value(&stored.body).unwrap();
                for text in strings(&stored) {
                    let hidden = text.chars().find(|c| {
                        c.is_control() && !(field == "address" && matches!(c, '\n' | '\t'))
                            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
                    });
                    prop_assert!(hidden.is_none(), "{field}: {hidden:?} stored in {text:?}");
                }
            } else {
                prop_assert_eq!(
                    response.status,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "{}",
                    json
                );
                prop_assert_eq!(json["field"].as_str(), Some(path.as_str()), "{}", json);
            }
            Ok(())
        })
        .unwrap();
}

/// Every string in a JSON value, however deep.
fn strings(value: &Value) -> Vec<&str> {
    match value {
        Value::String(text) => vec![text],
        Value::Array(items) => items.iter().flat_map(strings).collect(),
        Value::Object(map) => map.values().flat_map(strings).collect(),
        _ => Vec::new(),
    }
}

/// A real follow-up link answered with arbitrary JSON: a 4xx, or the one answer it takes.
#[test]
fn a_follow_up_answered_with_anything_gets_a_4xx_or_is_stored_once() {
    let runtime = runtime();
    let app = TestApp::new();
    let reference = runtime.block_on(app.refer("hostile-checkin", &valid_fixture().json()));
    runner()
        .run(&arbitrary_json(), |value| {
            let token = runtime.block_on(app.issue_checkin(&reference, 30));
            let mut body = checkin_body(Instrument::Swemwbs, &[3; 7]);
            body["wellbeing"] = value;
            let response = runtime.block_on(app.post_checkin(token.as_str(), body.to_string()));
            assert_answered_plainly(response.status, &response.body)
        })
        .unwrap();
}
