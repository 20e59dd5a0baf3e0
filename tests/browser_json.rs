//! The browser's JSON parser reads what serde_json read before it (`wasm-pack test --headless --chrome`).
#![cfg(target_arch = "wasm32")]

use std::collections::BTreeMap;

use serde_json::json;
use signpost_core::checkin::{CheckinInfo, CheckinResult, ScoreKind, ScorePoint};
use signpost_core::Instrument;
use signpost_widget::browser_json::{parse, string_members};
use signpost_widget::send::answer;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn members(json: &str) -> Option<BTreeMap<String, String>> {
    parse(json)
        .as_ref()
        .and_then(string_members)
        .map(|pairs| pairs.into_iter().collect())
}

#[wasm_bindgen_test]
fn every_language_file_reads_as_serde_json_reads_it() {
    for file in [
        include_str!("../static/i18n/en.json"),
        include_str!("../static/i18n/gd.json"),
        include_str!("../static/i18n/pl.json"),
        include_str!("../static/i18n/ar.json"),
    ] {
        let expected: BTreeMap<String, String> = serde_json::from_str(file).unwrap();
        assert_eq!(members(file), Some(expected));
    }
}

#[wasm_bindgen_test]
fn a_language_file_that_is_not_all_strings_is_refused() {
    assert_eq!(
        members(r#"{"a": "b", "c": "d\u00e9"}"#).map(|m| m.len()),
        Some(2)
    );
    for bad in [
        r#"{"a": "b", "c": 1}"#,
        r#"{"a": {"b": "c"}}"#,
        r#"{"a": null}"#,
        r#"["a", "b"]"#,
        r#""a""#,
        "null",
        "{",
        "",
    ] {
        assert_eq!(members(bad), None, "{bad}");
    }
}

/// `read` applied to `body` as the browser parses it.
fn read<T>(body: impl ToString, reader: fn(&wasm_bindgen::JsValue) -> Option<T>) -> Option<T> {
    reader(&parse(&body.to_string())?)
}

fn result(change: Option<f64>, meaningful: Option<bool>) -> CheckinResult {
    let scores = vec![
        ScorePoint {
            at: "2026-11-25T10:00:00.000Z".into(),
            score: 18.59,
            kind: ScoreKind::Baseline,
        },
        ScorePoint {
            at: "2027-02-25T10:00:00.000Z".into(),
            score: 22.35,
            kind: ScoreKind::FollowUp,
        },
    ];
    CheckinResult {
        instrument: Instrument::Swemwbs,
        scores,
        change,
        meaningful,
    }
}

#[wasm_bindgen_test]
fn the_services_answers_read_back_as_core_writes_them() {
    for info in [
        CheckinInfo {
            instrument: Instrument::Wemwbs,
            has_baseline: false,
        },
        CheckinInfo {
            instrument: Instrument::Swemwbs,
            has_baseline: true,
        },
    ] {
        assert_eq!(
            read(serde_json::to_string(&info).unwrap(), answer::checkin_info),
            Some(info)
        );
    }
    for result in [
        result(Some(3.76), Some(true)),
        result(Some(-2.0), Some(false)),
        result(None, None),
    ] {
        assert_eq!(
            read(
                serde_json::to_string(&result).unwrap(),
                answer::checkin_result
            ),
            Some(result)
        );
    }
    let receipt = json!({ "reference": "SP-7K3M-Q9X2", "received_at": "2026-11-25T10:04:05.123Z" });
    assert_eq!(
        read(receipt, answer::reference).as_deref(),
        Some("SP-7K3M-Q9X2")
    );
    let error = json!({ "code": "checkin_used", "message": "This follow-up check-in has already been answered.", "field": null });
    let refusal = read(error, answer::refusal).unwrap();
    assert_eq!(
        (refusal.code.as_str(), refusal.message.as_str()),
        (
            "checkin_used",
            "This follow-up check-in has already been answered."
        )
    );
}

#[wasm_bindgen_test]
fn optional_members_may_be_absent_and_unknown_ones_are_ignored() {
    let body = json!({ "instrument": "wemwbs", "scores": [{ "at": "b", "score": 50, "kind": "follow_up", "extra": 1 }], "extra": [] });
    let read_back = read(&body, answer::checkin_result).unwrap();
    assert_eq!(
        (
            read_back.change,
            read_back.meaningful,
            read_back.scores[0].score
        ),
        (None, None, 50.0)
    );
    assert_eq!(
        serde_json::from_value::<CheckinResult>(body).unwrap(),
        read_back,
        "as serde read it"
    );
}

#[wasm_bindgen_test]
fn an_answer_of_the_wrong_shape_reads_as_nothing_as_with_serde() {
    for bad in [
        json!({ "instrument": "WEMWBS", "has_baseline": true }),
        json!({ "instrument": "wemwbs" }),
        json!({ "instrument": "wemwbs", "has_baseline": "yes" }),
        json!(null),
        json!("wemwbs"),
    ] {
        assert_eq!(read(&bad, answer::checkin_info), None, "{bad}");
        assert!(
            serde_json::from_value::<CheckinInfo>(bad).is_err(),
            "serde refused it too"
        );
    }
    let good = serde_json::to_value(result(Some(3.76), Some(true))).unwrap();
    for (path, value) in [
        ("/scores", json!({})),
        ("/scores/0/kind", json!("follow-up")),
        ("/scores/1/score", json!("22.35")),
        ("/scores/1/at", json!(null)),
        ("/change", json!("3.76")),
        ("/meaningful", json!(1)),
        ("/instrument", json!(null)),
    ] {
        let mut bad = good.clone();
        *bad.pointer_mut(path).unwrap() = value;
        assert_eq!(read(&bad, answer::checkin_result), None, "{bad}");
        assert!(
            serde_json::from_value::<CheckinResult>(bad).is_err(),
            "serde refused it too"
        );
    }
    for bad in [
        json!({ "code": "checkin_used" }),
        json!({ "message": "m" }),
        json!({ "code": 410, "message": "m" }),
        json!([]),
    ] {
        assert!(read(&bad, answer::refusal).is_none(), "{bad}");
    }
    assert_eq!(read(json!({ "reference": 1 }), answer::reference), None);
    assert_eq!(
        read("<html>Bad gateway</html>", answer::reference),
        None,
        "not JSON"
    );
}

#[wasm_bindgen_test]
fn the_questionnaire_reads_as_serde_json_reads_it() {
    use signpost_core::questionnaire::RawQuestionnaire;
    use signpost_widget::questionnaire_file::{default_questionnaire, raw_questionnaire};
    let file = signpost_core::DEFAULT_QUESTIONNAIRE;
    let expected: RawQuestionnaire = serde_json::from_str(file).unwrap();
    assert_eq!(
        parse(file).as_ref().and_then(raw_questionnaire),
        Some(expected)
    );
    assert_eq!(
        default_questionnaire(),
        signpost_core::default_questionnaire()
    );
    let condition = |json: &str| {
        parse(&format!(
            r#"{{"id":"q","version":"1","pages":[{{"id":"p","show_if":{json},"questions":[]}}]}}"#
        ))
        .as_ref()
        .and_then(raw_questionnaire)
    };
    assert!(condition(r#"{"question":"needs","includes_any":["a","b"]}"#).is_some());
    for refused in [
        r#"{"question":"needs"}"#,
        r#"{"question":"needs","equals":"a","includes":"b"}"#,
        r#"{"question":"needs","equals":1}"#,
        r#"{"equals":"a"}"#,
    ] {
        assert_eq!(condition(refused), None, "{refused}");
    }
}
