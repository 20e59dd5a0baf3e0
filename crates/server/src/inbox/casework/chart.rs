//! The wellbeing baseline and every follow-up as an SVG chart (`role="img"` with a title and a
//! description), the same figures as a data table, and the change in words: whether it is more
//! than the scale's meaningful change (`signpost_core::checkin::meaningful_change`).

use signpost_core::checkin::meaningful_change;
use signpost_core::Instrument;

use super::answers::uk_date;
use crate::store::{StoredCheckin, StoredReferral};

/// The chart's drawing area, in SVG units.
const WIDTH: f64 = 600.0;
const HEIGHT: f64 = 240.0;
/// Room either side for the first and last points' labels.
const LEFT: f64 = 120.0;
const RIGHT: f64 = 100.0;
const TOP: f64 = 20.0;
const BOTTOM: f64 = 40.0;

#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub when: String,
    pub label: &'static str,
    pub score: String,
    pub x: i64,
    pub y: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Tick {
    pub y: i64,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    pub scale: &'static str,
    pub points: Vec<Point>,
    /// `x,y x,y …` for the polyline.
    pub line: String,
    pub ticks: Vec<Tick>,
    pub description: String,
    /// The change since the baseline, in words; `None` with nothing to compare.
    pub change: Option<String>,
    pub meaningful: Option<bool>,
    pub range: String,
}

pub fn scale_name(instrument: Instrument) -> &'static str {
    match instrument {
        Instrument::Wemwbs => "WEMWBS (14 statements)",
        Instrument::Swemwbs => "SWEMWBS (7 statements)",
    }
}

fn range(instrument: Instrument) -> (f64, f64) {
    match instrument {
        Instrument::Wemwbs => (14.0, 70.0),
        Instrument::Swemwbs => (7.0, 35.0),
    }
}

/// Whole scores without decimals, SWEMWBS metric scores with two.
pub fn score_text(score: f64) -> String {
    if (score - score.round()).abs() < 0.005 {
        format!("{}", score.round() as i64)
    } else {
        format!("{score:.2}")
    }
}

impl Chart {
    /// The referral's baseline (if it had one) and its answered follow-ups on the same scale, in
    /// time order; `None` when there is no score at all.
    pub fn of(referral: &StoredReferral, checkins: &[StoredCheckin]) -> Option<Chart> {
        let baseline = referral.wellbeing.as_ref();
        let instrument = baseline.map(|w| w.instrument).or_else(|| {
            checkins
                .iter()
                .find(|c| c.answer.is_some())
                .map(|c| c.instrument)
        })?;
        let mut scores: Vec<(&str, &'static str, f64)> = Vec::new();
        if let Some(b) = baseline {
            scores.push((&referral.received_at, "Baseline", b.score));
        }
        for checkin in checkins.iter().filter(|c| c.instrument == instrument) {
            if let (Some(at), Some(answer)) = (&checkin.used_at, &checkin.answer) {
                scores.push((at, "Follow-up", answer.wellbeing.score));
            }
        }
        if scores.is_empty() {
            return None;
        }
        let (low, high) = range(instrument);
        let plot_w = WIDTH - LEFT - RIGHT;
        let plot_h = HEIGHT - TOP - BOTTOM;
        let y_of = |score: f64| {
            (TOP + plot_h * (1.0 - ((score - low) / (high - low)).clamp(0.0, 1.0))).round() as i64
        };
        let step = if scores.len() > 1 {
            plot_w / (scores.len() - 1) as f64
        } else {
            0.0
        };
        let points: Vec<Point> = scores
            .iter()
            .enumerate()
            .map(|(i, (at, label, score))| Point {
                when: uk_date(at),
                label,
                score: score_text(*score),
                x: if scores.len() > 1 {
                    (LEFT + step * i as f64).round() as i64
                } else {
                    (LEFT + plot_w / 2.0).round() as i64
                },
                y: y_of(*score),
            })
            .collect();
        let line = points
            .iter()
            .map(|p| format!("{},{}", p.x, p.y))
            .collect::<Vec<_>>()
            .join(" ");
        let ticks = [low, (low + high) / 2.0, high]
            .into_iter()
            .map(|v| Tick {
                y: y_of(v),
                text: score_text(v),
            })
            .collect();
        let description = points
            .iter()
            .map(|p| format!("{} on {}: {}", p.label, p.when, p.score))
            .collect::<Vec<_>>()
            .join("; ");
        let threshold = f64::from(meaningful_change(instrument));
        let (change, meaningful) = match (baseline, scores.len()) {
            (Some(_), n) if n > 1 => {
                let first = scores[0].2;
                let last = scores[n - 1].2;
                let delta = ((last - first) * 100.0).round() / 100.0;
                let meaningful = delta.abs() >= threshold;
                let direction = if delta > 0.0 {
                    format!("gone up by {}", score_text(delta))
                } else if delta < 0.0 {
                    format!("gone down by {}", score_text(-delta))
                } else {
                    "not changed".to_owned()
                };
                let judgement = if meaningful {
                    format!(
                        "That is a meaningful change: at least {} points, more than the normal ups and downs.",
                        score_text(threshold)
                    )
                } else {
                    format!(
                        "That is less than {} points, so it may be the normal ups and downs rather than a real change.",
                        score_text(threshold)
                    )
                };
                (
                    Some(format!(
                        "Their score has {direction} points since the baseline, from {} to {}. {judgement}",
                        score_text(first),
                        score_text(last)
                    )),
                    Some(meaningful),
                )
            }
            (Some(_), _) => (None, None),
            (None, _) => (
                Some("They skipped the check-in at the start, so there is no baseline to compare with.".to_owned()),
                None,
            ),
        };
        Some(Chart {
            scale: scale_name(instrument),
            points,
            line,
            ticks,
            description,
            change,
            meaningful,
            range: format!(
                "Scores go from {} to {}. A higher score means better wellbeing.",
                score_text(low),
                score_text(high)
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::CheckinAnswer;
    use crate::wellbeing::Wellbeing;
    use signpost_core::{Channel, Language, Responses};

    fn referral(items: Option<&[u8]>) -> StoredReferral {
        StoredReferral {
            reference: "SP-AAAA-AAAA".into(),
            received_at: "2026-09-01T09:00:00.000Z".into(),
            status: signpost_core::workflow::Status::New,
            channel: Channel::SelfReferral,
            organisation: None,
            practice: "43210".into(),
            language: Language::En,
            consent_version: "v".into(),
            consent_purposes: "[]".into(),
            consented_at: "2026-09-01T09:00:00.000Z".into(),
            questionnaire: None,
            wellbeing: items
                .map(|i| Wellbeing::score(&Responses::parse(Instrument::Wemwbs, i).unwrap())),
            body: "{}".into(),
        }
    }

    fn answered(at: &str, items: &[u8]) -> StoredCheckin {
        StoredCheckin {
            referral_reference: "SP-AAAA-AAAA".into(),
            instrument: Instrument::Wemwbs,
            created_at: at.into(),
            expires_at: at.into(),
            used_at: Some(at.into()),
            answer: Some(CheckinAnswer {
                wellbeing: Wellbeing::score(&Responses::parse(Instrument::Wemwbs, items).unwrap()),
                language: Language::En,
            }),
        }
    }

    #[test]
    fn the_change_is_said_in_words_and_judged_by_the_scales_meaningful_change() {
        let up = Chart::of(
            &referral(Some(&[3; 14])),
            &[answered("2026-12-01T09:00:00.000Z", &[4; 14])],
        )
        .unwrap();
        assert_eq!(up.points.len(), 2);
        assert_eq!(
            (up.points[0].score.as_str(), up.points[1].score.as_str()),
            ("42", "56")
        );
        assert_eq!(up.points[1].when, "01/12/2026");
        assert_eq!(up.meaningful, Some(true));
        assert!(up
            .change
            .as_deref()
            .unwrap()
            .starts_with("Their score has gone up by 14 points"));
        assert!(up.points[1].y < up.points[0].y, "higher is up");
        assert_eq!(
            up.description,
            "Baseline on 01/09/2026: 42; Follow-up on 01/12/2026: 56"
        );

        let mut small = [3u8; 14];
        small[0] = 4;
        small[1] = 4;
        let same = Chart::of(
            &referral(Some(&[3; 14])),
            &[answered("2026-12-01T09:00:00.000Z", &small)],
        )
        .unwrap();
        assert_eq!(same.meaningful, Some(false));
        assert!(same.change.unwrap().contains("less than 3 points"));

        let alone = Chart::of(&referral(Some(&[3; 14])), &[]).unwrap();
        assert_eq!((alone.points.len(), alone.change), (1, None));
        assert!(Chart::of(&referral(None), &[]).is_none());
        let no_baseline = Chart::of(
            &referral(None),
            &[answered("2026-12-01T09:00:00.000Z", &[4; 14])],
        )
        .unwrap();
        assert_eq!(no_baseline.meaningful, None);
        assert!(no_baseline.change.unwrap().contains("no baseline"));
    }
}
