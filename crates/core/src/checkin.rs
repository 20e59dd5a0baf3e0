//! Follow-up wellbeing check-ins (journey 3): the wire format a returning person's answers travel
//! in, the checked check-in made from it, and what the service answers with, which the widget
//! reads to draw the change since the start.
//!
//! A check-in carries no name, date of birth or reference: the follow-up link's token, in the
//! address it is sent to, is the only key.

use serde::{Deserialize, Serialize};

use crate::error::ReferralError;
use crate::problems::{Problem, Problems};
use crate::referral::{Language, RawWellbeing};
use crate::score::{
    Instrument, Responses, ScoreError, SWEMWBS_MEANINGFUL_CHANGE, WEMWBS_MEANINGFUL_CHANGE,
};

/// The schema name every check-in carries.
pub const CHECKIN_SCHEMA: &str = "signpost.checkin/1";

/// A follow-up check-in as it travels as JSON (`POST /api/v1/checkins/{token}`). Nothing in it is
/// trusted until `Checkin::parse` accepts it; like a referral's, it carries no score.
// Hand-kept copy: crates/core/src/wire.rs writes this by hand for the widget, kept equal by
// wire::tests::a_check_in_is_written_as_serde_writes_it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCheckin {
    pub schema: String,
    pub language: Language,
    pub wellbeing: RawWellbeing,
}

/// A check-in whose items are a complete, in-range set for the instrument the service asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkin {
    language: Language,
    responses: Responses,
}

/// One reason a check-in was refused, named like a referral's: a field (a path into the wire
/// format), a stable code and a plain-English message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckinError {
    UnsupportedSchema,
    /// The answers are to another scale than the one this follow-up link asks (the baseline's).
    WrongInstrument {
        expected: Instrument,
        found: Instrument,
    },
    Wellbeing(ScoreError),
}

impl CheckinError {
    pub fn field(&self) -> String {
        match self {
            CheckinError::UnsupportedSchema => "schema".into(),
            CheckinError::WrongInstrument { .. } => "wellbeing.instrument".into(),
            // The same paths and words as a referral's check-in.
            CheckinError::Wellbeing(e) => ReferralError::Wellbeing(*e).field(),
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            CheckinError::UnsupportedSchema => "unsupported_schema",
            CheckinError::WrongInstrument { .. } => "wellbeing_wrong_instrument",
            CheckinError::Wellbeing(e) => ReferralError::Wellbeing(*e).code(),
        }
    }

    pub fn message(&self) -> String {
        match self {
            CheckinError::UnsupportedSchema => format!("The schema must be \"{CHECKIN_SCHEMA}\"."),
            CheckinError::WrongInstrument { expected, .. } => format!(
                "This follow-up asks the same scale as at the start, \"{}\"; answer that one.",
                expected.as_str()
            ),
            CheckinError::Wellbeing(e) => ReferralError::Wellbeing(*e).message(),
        }
    }
}

/// Every reason a check-in was refused, in the order of the fields, never empty.
pub type CheckinErrors = Problems<CheckinError>;

impl Problem for CheckinError {
    fn field(&self) -> String {
        CheckinError::field(self)
    }
    fn code(&self) -> &'static str {
        CheckinError::code(self)
    }
    fn message(&self) -> String {
        CheckinError::message(self)
    }
}

impl Checkin {
    /// Checks a check-in against the instrument the service asks for this follow-up link (the
    /// baseline's, or WEMWBS when the person skipped it at the start), reporting every problem.
    /// The items of another scale are not checked: their count would only mislead.
    pub fn parse(raw: RawCheckin, expected: Instrument) -> Result<Self, CheckinErrors> {
        let mut errors = Vec::new();
        if raw.schema != CHECKIN_SCHEMA {
            errors.push(CheckinError::UnsupportedSchema);
        }
        let responses = if raw.wellbeing.instrument != expected {
            errors.push(CheckinError::WrongInstrument {
                expected,
                found: raw.wellbeing.instrument,
            });
            None
        } else {
            Responses::parse(expected, &raw.wellbeing.items)
                .map_err(|e| errors.push(CheckinError::Wellbeing(e)))
                .ok()
        };
        match responses {
            Some(responses) if errors.is_empty() => Ok(Checkin {
                language: raw.language,
                responses,
            }),
            // Every way to get here pushed at least one problem.
            _ => Err(Problems(errors)),
        }
    }

    pub fn language(&self) -> Language {
        self.language
    }

    pub fn responses(&self) -> &Responses {
        &self.responses
    }
}

/// The canonical wire form of a checked check-in.
impl From<&Checkin> for RawCheckin {
    fn from(checkin: &Checkin) -> Self {
        RawCheckin {
            schema: CHECKIN_SCHEMA.to_owned(),
            language: checkin.language,
            wellbeing: RawWellbeing {
                instrument: checkin.responses.instrument(),
                items: checkin.responses.items().to_vec(),
            },
        }
    }
}

// Hand-kept copy: src/send/answer.rs reads this from the browser's JSON.parse for the widget,
// kept equal by tests/browser_json.rs (the_services_answers_read_back_as_core_writes_them,
// optional_members_may_be_absent_and_unknown_ones_are_ignored,
// an_answer_of_the_wrong_shape_reads_as_nothing_as_with_serde).
/// What `GET /api/v1/checkins/{token}` answers: which scale to ask, and whether there is a score
/// from the start to compare with. Nothing about the person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckinInfo {
    pub instrument: Instrument,
    pub has_baseline: bool,
}

/// Whether a score is the one from the start (the referral's check-in) or a later one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScoreKind {
    Baseline,
    FollowUp,
}

/// One score on the person's chart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScorePoint {
    /// When it was given: RFC 3339, UTC (e.g. `2026-11-25T10:04:05.123Z`).
    pub at: String,
    /// The score studies compare: the WEMWBS total (14–70) or the SWEMWBS metric score (7.00–35.00).
    pub score: f64,
    pub kind: ScoreKind,
}

// Hand-kept copy: src/send/answer.rs reads this from the browser's JSON.parse for the widget,
// kept equal by tests/browser_json.rs (the_services_answers_read_back_as_core_writes_them,
// optional_members_may_be_absent_and_unknown_ones_are_ignored,
// an_answer_of_the_wrong_shape_reads_as_nothing_as_with_serde).
/// What `POST /api/v1/checkins/{token}` answers: the scores in time order, the baseline's first
/// when there is one, and how much, and whether meaningfully, the latest differs from it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckinResult {
    pub instrument: Instrument,
    pub scores: Vec<ScorePoint>,
    /// The latest score minus the baseline's, to two decimals; `None` without a baseline score.
    pub change: Option<f64>,
    /// Whether `change` is at least the scale's threshold for one person (`score.rs`), up or
    /// down; `None` without a baseline score.
    pub meaningful: Option<bool>,
}

impl CheckinResult {
    /// The result for `scores`, which are in time order; the change is worked out here, so the
    /// service and the widget can never disagree about it.
    pub fn new(instrument: Instrument, scores: Vec<ScorePoint>) -> Self {
        let baseline = scores.iter().find(|p| p.kind == ScoreKind::Baseline);
        let latest = scores.iter().rev().find(|p| p.kind == ScoreKind::FollowUp);
        let change = match (baseline, latest) {
            // Scores are published to two decimals; rounding the difference to two keeps a
            // change of exactly 3.00 from comparing as 2.9999999999999964.
            (Some(baseline), Some(latest)) => {
                Some(((latest.score - baseline.score) * 100.0).round() / 100.0)
            }
            _ => None,
        };
        let meaningful =
            change.map(|change| change.abs() >= f64::from(meaningful_change(instrument)));
        CheckinResult {
            instrument,
            scores,
            change,
            meaningful,
        }
    }
}

/// The smallest change that is more than measurement error for one person, on the compared score.
pub fn meaningful_change(instrument: Instrument) -> f32 {
    match instrument {
        Instrument::Wemwbs => WEMWBS_MEANINGFUL_CHANGE,
        Instrument::Swemwbs => SWEMWBS_MEANINGFUL_CHANGE,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::score::Score;
    use serde_json::json;

    fn raw(instrument: Instrument, items: Vec<u8>) -> RawCheckin {
        RawCheckin {
            schema: CHECKIN_SCHEMA.into(),
            language: Language::Pl,
            wellbeing: RawWellbeing { instrument, items },
        }
    }

    fn codes(errors: &CheckinErrors) -> Vec<(&'static str, String)> {
        errors.iter().map(|e| (e.code(), e.field())).collect()
    }

    fn point(at: &str, score: f64, kind: ScoreKind) -> ScorePoint {
        ScorePoint {
            at: at.into(),
            score,
            kind,
        }
    }

    #[test]
    fn a_complete_set_for_the_asked_instrument_is_accepted() {
        let checkin = Checkin::parse(
            raw(Instrument::Swemwbs, vec![3, 3, 3, 3, 3, 3, 2]),
            Instrument::Swemwbs,
        )
        .unwrap();
        assert_eq!(checkin.language(), Language::Pl);
        assert_eq!(checkin.responses().instrument(), Instrument::Swemwbs);
        assert_eq!(checkin.responses().items(), [3, 3, 3, 3, 3, 3, 2]);
        assert_eq!(
            RawCheckin::from(&checkin),
            raw(Instrument::Swemwbs, vec![3, 3, 3, 3, 3, 3, 2])
        );
    }

    #[test]
    fn another_instrument_than_the_one_asked_is_refused() {
        let errors =
            Checkin::parse(raw(Instrument::Swemwbs, vec![3; 7]), Instrument::Wemwbs).unwrap_err();
        assert_eq!(
            codes(&errors),
            [(
                "wellbeing_wrong_instrument",
                "wellbeing.instrument".to_string()
            )]
        );
        assert!(
            errors.first().message().contains("\"wemwbs\""),
            "{}",
            errors.first().message()
        );
        assert_eq!(
            *errors.first(),
            CheckinError::WrongInstrument {
                expected: Instrument::Wemwbs,
                found: Instrument::Swemwbs
            }
        );
    }

    #[test]
    fn bad_items_are_named_as_in_a_referral() {
        let mut items = vec![3u8; 14];
        items[4] = 6;
        let errors =
            Checkin::parse(raw(Instrument::Wemwbs, items), Instrument::Wemwbs).unwrap_err();
        assert_eq!(
            codes(&errors),
            [("wellbeing_out_of_range", "wellbeing.items[4]".to_string())]
        );
        assert_eq!(
            errors.first().message(),
            "Wellbeing item 5 must be from 1 to 5, not 6."
        );
        let errors =
            Checkin::parse(raw(Instrument::Wemwbs, vec![3; 13]), Instrument::Wemwbs).unwrap_err();
        assert_eq!(
            codes(&errors),
            [("wellbeing_incomplete", "wellbeing.items".to_string())]
        );
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let mut body = raw(Instrument::Wemwbs, vec![0; 14]);
        body.schema = "signpost.referral/1".into();
        let errors = Checkin::parse(body, Instrument::Wemwbs).unwrap_err();
        assert_eq!(
            codes(&errors),
            [
                ("unsupported_schema", "schema".to_string()),
                ("wellbeing_out_of_range", "wellbeing.items[0]".to_string())
            ]
        );
        assert_eq!(
            errors.to_string(),
            "schema: The schema must be \"signpost.checkin/1\"."
        );
    }

    #[test]
    fn the_wire_format_is_strict_and_has_no_score() {
        let body = json!({
            "schema": "signpost.checkin/1",
            "language": "en",
            "wellbeing": { "instrument": "wemwbs", "items": vec![3; 14] }
        });
        let parsed: RawCheckin = serde_json::from_value(body.clone()).unwrap();
        assert_eq!(serde_json::to_value(&parsed).unwrap(), body);
        for bad in [
            json!({ "schema": "signpost.checkin/1", "language": "en", "wellbeing": { "instrument": "wemwbs", "items": vec![3; 14], "score": 70 } }),
            json!({ "schema": "signpost.checkin/1", "language": "en", "wellbeing": { "instrument": "wemwbs", "items": vec![3; 14] }, "reference": "SP-7K3M-Q9X2" }),
            json!({ "schema": "signpost.checkin/1", "language": "en" }),
            json!({ "schema": "signpost.checkin/1", "language": "fr", "wellbeing": { "instrument": "wemwbs", "items": vec![3; 14] } }),
        ] {
            assert!(
                serde_json::from_value::<RawCheckin>(bad.clone()).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn the_change_is_the_latest_minus_the_baseline() {
        let result = CheckinResult::new(
            Instrument::Wemwbs,
            vec![
                point("2026-11-25T10:00:00.000Z", 40.0, ScoreKind::Baseline),
                point("2027-02-25T10:00:00.000Z", 43.0, ScoreKind::FollowUp),
            ],
        );
        assert_eq!((result.change, result.meaningful), (Some(3.0), Some(true)));
        let fall = CheckinResult::new(
            Instrument::Wemwbs,
            vec![
                point("a", 40.0, ScoreKind::Baseline),
                point("b", 38.0, ScoreKind::FollowUp),
            ],
        );
        assert_eq!((fall.change, fall.meaningful), (Some(-2.0), Some(false)));
        let big_fall = CheckinResult::new(
            Instrument::Wemwbs,
            vec![
                point("a", 40.0, ScoreKind::Baseline),
                point("b", 30.0, ScoreKind::FollowUp),
            ],
        );
        assert_eq!(
            (big_fall.change, big_fall.meaningful),
            (Some(-10.0), Some(true)),
            "a fall counts too"
        );
    }

    #[test]
    fn without_a_baseline_there_is_no_change() {
        let result = CheckinResult::new(
            Instrument::Wemwbs,
            vec![point("b", 50.0, ScoreKind::FollowUp)],
        );
        assert_eq!((result.change, result.meaningful), (None, None));
        assert_eq!(
            serde_json::to_value(&result).unwrap(),
            json!({
                "instrument": "wemwbs",
                "scores": [{ "at": "b", "score": 50.0, "kind": "follow_up" }],
                "change": null,
                "meaningful": null
            })
        );
    }

    /// SWEMWBS metric scores, as the service stores them: the published two-decimal figure.
    fn swemwbs_metric(items: &[u8]) -> f64 {
        match Responses::parse(Instrument::Swemwbs, items)
            .unwrap()
            .score()
        {
            Score::Swemwbs { metric, .. } => metric.to_string().parse().unwrap(),
            Score::Wemwbs { .. } => unreachable!(),
        }
    }

    #[test]
    fn swemwbs_changes_are_on_metric_scores_rounded_to_the_published_decimals() {
        // Raw 20 is 18.59, raw 24 is 21.54 (2.95: not meaningful), raw 25 is 22.35 (3.76: meaningful).
        let baseline = swemwbs_metric(&[3, 3, 3, 3, 3, 3, 2]);
        let result = |items: &[u8]| {
            CheckinResult::new(
                Instrument::Swemwbs,
                vec![
                    point("a", baseline, ScoreKind::Baseline),
                    point("b", swemwbs_metric(items), ScoreKind::FollowUp),
                ],
            )
        };
        let small = result(&[4, 4, 4, 3, 3, 3, 3]);
        assert_eq!((small.change, small.meaningful), (Some(2.95), Some(false)));
        let large = result(&[4, 4, 4, 4, 3, 3, 3]);
        assert_eq!((large.change, large.meaningful), (Some(3.76), Some(true)));
    }

    #[test]
    fn meaningful_agrees_with_core_scoring_for_every_swemwbs_pair() {
        use crate::score::items_summing_to;
        for from in 7..=35 {
            for to in 7..=35 {
                let (a, b) = (items_summing_to(from), items_summing_to(to));
                let result = CheckinResult::new(
                    Instrument::Swemwbs,
                    vec![
                        point("a", swemwbs_metric(&a), ScoreKind::Baseline),
                        point("b", swemwbs_metric(&b), ScoreKind::FollowUp),
                    ],
                );
                let core = Responses::parse(Instrument::Swemwbs, &b)
                    .unwrap()
                    .score()
                    .meaningful_change_from(
                        Responses::parse(Instrument::Swemwbs, &a).unwrap().score(),
                    );
                assert_eq!(
                    result.meaningful, core,
                    "raw {from} to {to}: change {:?}",
                    result.change
                );
            }
        }
    }

    #[test]
    fn results_and_info_read_back_as_written() {
        let result = CheckinResult::new(
            Instrument::Swemwbs,
            vec![
                point("2026-11-25T10:00:00.000Z", 18.59, ScoreKind::Baseline),
                point("2027-02-25T10:00:00.000Z", 22.35, ScoreKind::FollowUp),
            ],
        );
        let json = serde_json::to_value(&result).unwrap();
        assert_eq!(
            json,
            json!({
                "instrument": "swemwbs",
                "scores": [
                    { "at": "2026-11-25T10:00:00.000Z", "score": 18.59, "kind": "baseline" },
                    { "at": "2027-02-25T10:00:00.000Z", "score": 22.35, "kind": "follow_up" }
                ],
                "change": 3.76,
                "meaningful": true
            })
        );
        assert_eq!(
            serde_json::from_value::<CheckinResult>(json).unwrap(),
            result
        );
        let info = CheckinInfo {
            instrument: Instrument::Wemwbs,
            has_baseline: false,
        };
        let json = serde_json::to_value(info).unwrap();
        assert_eq!(
            json,
            json!({ "instrument": "wemwbs", "has_baseline": false })
        );
        assert_eq!(serde_json::from_value::<CheckinInfo>(json).unwrap(), info);
    }
}
