//! The service's answers, read from the JSON the browser parsed (`browser_json`) into the types
//! serde read them into before: the same member names, required members required, optional ones
//! `null` or absent, unknown ones ignored. Anything else reads as `None`, as serde's error did.
//!
//! A hand-kept copy of core's serde shapes (`CheckinInfo`, `CheckinResult`, `ScorePoint`, the
//! service's reference and error bodies): a member changed there must be changed here. Kept equal
//! by tests/browser_json.rs (`the_services_answers_read_back_as_core_writes_them`,
//! `optional_members_may_be_absent_and_unknown_ones_are_ignored`,
//! `an_answer_of_the_wrong_shape_reads_as_nothing_as_with_serde`) and
//! `names_are_read_as_core_writes_them` below.

use signpost_core::checkin::{CheckinInfo, CheckinResult, ScoreKind, ScorePoint};
use signpost_core::Instrument;
use wasm_bindgen::JsValue;

use crate::browser_json::{elements, member, optional};

/// Why the service refused a request: its stable code and plain-English message.
pub struct Refusal {
    pub code: String,
    pub message: String,
}

/// `{"reference", …}`: a stored referral's reference (201, or 200 for a repeated key).
pub fn reference(body: &JsValue) -> Option<String> {
    member(body, "reference").as_string()
}

/// `{"code", "message", …}`: every error the service answers with.
pub fn refusal(body: &JsValue) -> Option<Refusal> {
    Some(Refusal {
        code: member(body, "code").as_string()?,
        message: member(body, "message").as_string()?,
    })
}

/// `{"instrument", "has_baseline"}`: what a follow-up link asks.
pub fn checkin_info(body: &JsValue) -> Option<CheckinInfo> {
    Some(CheckinInfo {
        instrument: instrument(&member(body, "instrument").as_string()?)?,
        has_baseline: member(body, "has_baseline").as_bool()?,
    })
}

/// `{"instrument", "scores", "change", "meaningful"}`: a stored check-in's scores.
pub fn checkin_result(body: &JsValue) -> Option<CheckinResult> {
    Some(CheckinResult {
        instrument: instrument(&member(body, "instrument").as_string()?)?,
        scores: elements(&member(body, "scores"))?
            .iter()
            .map(score_point)
            .collect::<Option<_>>()?,
        change: optional(&member(body, "change"), JsValue::as_f64)?,
        meaningful: optional(&member(body, "meaningful"), JsValue::as_bool)?,
    })
}

fn score_point(point: &JsValue) -> Option<ScorePoint> {
    Some(ScorePoint {
        at: member(point, "at").as_string()?,
        score: member(point, "score").as_f64()?,
        kind: score_kind(&member(point, "kind").as_string()?)?,
    })
}

fn instrument(name: &str) -> Option<Instrument> {
    [Instrument::Wemwbs, Instrument::Swemwbs]
        .into_iter()
        .find(|i| i.as_str() == name)
}

/// As core's serde names them (`snake_case`).
fn score_kind(name: &str) -> Option<ScoreKind> {
    match name {
        "baseline" => Some(ScoreKind::Baseline),
        "follow_up" => Some(ScoreKind::FollowUp),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_read_as_core_writes_them() {
        for instrument in [Instrument::Wemwbs, Instrument::Swemwbs] {
            let name = serde_json::to_value(instrument).unwrap();
            assert_eq!(super::instrument(name.as_str().unwrap()), Some(instrument));
        }
        for kind in [ScoreKind::Baseline, ScoreKind::FollowUp] {
            let name = serde_json::to_value(kind).unwrap();
            assert_eq!(score_kind(name.as_str().unwrap()), Some(kind));
        }
        assert_eq!(instrument("WEMWBS"), None);
        assert_eq!(score_kind("followup"), None);
    }
}
