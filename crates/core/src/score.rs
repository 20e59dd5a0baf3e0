//! Scoring the Warwick-Edinburgh Mental Wellbeing Scales, exactly as their authors publish it.
//! WEMWBS © NHS Health Scotland, University of Warwick and University of Edinburgh, 2006.
//! SWEMWBS © NHS Health Scotland, University of Warwick and University of Edinburgh, 2008.
//! Every item is scored 1 (None of the time) to 5 (All of the time); none is reversed.

use serde::{Deserialize, Serialize};

/// The scales Signpost can ask.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Instrument {
    /// 14 items, scored by their sum (14–70).
    Wemwbs,
    /// 7 items; the raw sum (7–35) is converted to a metric score with the published table.
    Swemwbs,
}

impl Instrument {
    pub fn as_str(self) -> &'static str {
        match self {
            Instrument::Wemwbs => "wemwbs",
            Instrument::Swemwbs => "swemwbs",
        }
    }

    /// The scale named `name` (its wire name, `as_str`): how the service reads a stored one and
    /// the widget its `instrument` attribute.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|i| i.as_str() == name)
    }

    pub const ALL: [Instrument; 2] = [Instrument::Wemwbs, Instrument::Swemwbs];

    pub fn item_count(self) -> usize {
        match self {
            Instrument::Wemwbs => 14,
            Instrument::Swemwbs => 7,
        }
    }
}

/// A change of at least this much, for one person, is more than measurement error
/// (University of Warwick guidance; 2.77 × the standard error, rounded up: ../shared/data/README.md).
pub const WEMWBS_MEANINGFUL_CHANGE: f32 = 3.0;
/// The conservative threshold on SWEMWBS metric scores (2.77 × 1.03 = 2.87, taken as 3).
pub const SWEMWBS_MEANINGFUL_CHANGE: f32 = 3.0;

/// Why a set of answers could not be scored. Items are numbered from 1, as on the printed scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScoreError {
    WrongItemCount { expected: usize, found: usize },
    OutOfRange { item: usize, value: u8 },
}

/// A complete, in-range set of answers to one instrument's items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Responses {
    instrument: Instrument,
    items: Vec<u8>,
}

impl Responses {
    pub fn parse(instrument: Instrument, items: &[u8]) -> Result<Self, ScoreError> {
        if items.len() != instrument.item_count() {
            return Err(ScoreError::WrongItemCount {
                expected: instrument.item_count(),
                found: items.len(),
            });
        }
        if let Some((index, &value)) = items
            .iter()
            .enumerate()
            .find(|(_, v)| !(1..=5).contains(*v))
        {
            return Err(ScoreError::OutOfRange {
                item: index + 1,
                value,
            });
        }
        Ok(Self {
            instrument,
            items: items.to_vec(),
        })
    }

    pub fn instrument(&self) -> Instrument {
        self.instrument
    }

    pub fn items(&self) -> &[u8] {
        &self.items
    }

    pub fn score(&self) -> Score {
        let raw: u8 = self.items.iter().sum();
        match self.instrument {
            Instrument::Wemwbs => Score::Wemwbs { total: raw },
            Instrument::Swemwbs => Score::Swemwbs {
                raw,
                metric: swemwbs_metric(raw),
            },
        }
    }
}

/// A score as studies compare it: WEMWBS's total, SWEMWBS's metric score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Score {
    Wemwbs { total: u8 },
    Swemwbs { raw: u8, metric: f32 },
}

impl Score {
    /// The figure that is compared between two check-ins.
    pub fn comparable(self) -> f32 {
        match self {
            Score::Wemwbs { total } => f32::from(total),
            Score::Swemwbs { metric, .. } => metric,
        }
    }

    /// Whether the change from `baseline` to `self` is more than measurement error.
    pub fn meaningful_change_from(self, baseline: Score) -> Option<bool> {
        let threshold = match (self, baseline) {
            (Score::Wemwbs { .. }, Score::Wemwbs { .. }) => WEMWBS_MEANINGFUL_CHANGE,
            (Score::Swemwbs { .. }, Score::Swemwbs { .. }) => SWEMWBS_MEANINGFUL_CHANGE,
            _ => return None,
        };
        Some((self.comparable() - baseline.comparable()).abs() >= threshold)
    }
}

/// The published SWEMWBS raw-to-metric conversion, raw scores 7 to 35.
const SWEMWBS_CONVERSION: &str = include_str!("../data/swemwbs-conversion.csv");

fn swemwbs_metric(raw: u8) -> f32 {
    SWEMWBS_CONVERSION
        .lines()
        .skip(1)
        .filter_map(|line| line.split_once(','))
        .find(|(r, _)| r.trim().parse() == Ok(raw))
        .and_then(|(_, metric)| metric.trim().parse().ok())
        .expect("the conversion table covers every raw score from 7 to 35")
}

/// Seven SWEMWBS answers whose sum is `raw` (7 to 35): start from all 1s and add. For tests.
#[cfg(test)]
pub(crate) fn items_summing_to(raw: u8) -> [u8; 7] {
    let mut items = [1u8; 7];
    let mut extra = raw - 7;
    for item in items.iter_mut() {
        let add = extra.min(4);
        *item += add;
        extra -= add;
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_swemwbs_raw_score_converts_as_published() {
        let table = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/data/swemwbs-conversion.csv"
        ))
        .unwrap();
        let rows: Vec<(u8, f32)> = table
            .lines()
            .skip(1)
            .map(|l| l.split_once(',').unwrap())
            .map(|(r, m)| (r.parse().unwrap(), m.parse().unwrap()))
            .collect();
        assert_eq!(rows.len(), 29, "raw 7 to 35");
        for (raw, metric) in rows {
            let score = Responses::parse(Instrument::Swemwbs, &items_summing_to(raw))
                .unwrap()
                .score();
            assert_eq!(score, Score::Swemwbs { raw, metric }, "raw {raw}");
        }
    }

    #[test]
    fn the_copy_of_the_table_matches_the_shared_reference_data() {
        let shared = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/data/swemwbs-conversion.csv"
        );
        if let Ok(reference) = std::fs::read_to_string(shared) {
            assert_eq!(reference, SWEMWBS_CONVERSION);
        }
    }

    #[test]
    fn an_instrument_is_read_back_from_its_wire_name() {
        for instrument in Instrument::ALL {
            assert_eq!(Instrument::from_name(instrument.as_str()), Some(instrument));
            assert_eq!(
                serde_json::to_value(instrument).unwrap(),
                instrument.as_str()
            );
        }
        assert_eq!(Instrument::from_name("who5"), None);
        assert_eq!(Instrument::from_name("WEMWBS"), None);
    }

    #[test]
    fn wemwbs_bounds() {
        assert_eq!(
            Responses::parse(Instrument::Wemwbs, &[1; 14])
                .unwrap()
                .score(),
            Score::Wemwbs { total: 14 }
        );
        assert_eq!(
            Responses::parse(Instrument::Wemwbs, &[5; 14])
                .unwrap()
                .score(),
            Score::Wemwbs { total: 70 }
        );
    }

    #[test]
    fn incomplete_or_out_of_range_sets_name_the_item() {
        assert_eq!(
            Responses::parse(Instrument::Wemwbs, &[3; 13]),
            Err(ScoreError::WrongItemCount {
                expected: 14,
                found: 13
            })
        );
        let mut items = [3u8; 7];
        items[4] = 6;
        assert_eq!(
            Responses::parse(Instrument::Swemwbs, &items),
            Err(ScoreError::OutOfRange { item: 5, value: 6 })
        );
        items[4] = 0;
        assert_eq!(
            Responses::parse(Instrument::Swemwbs, &items),
            Err(ScoreError::OutOfRange { item: 5, value: 0 })
        );
    }

    #[test]
    fn meaningful_change_uses_the_published_thresholds() {
        let w = |total| Score::Wemwbs { total };
        assert_eq!(w(43).meaningful_change_from(w(40)), Some(true));
        assert_eq!(w(42).meaningful_change_from(w(40)), Some(false));
        assert_eq!(
            w(37).meaningful_change_from(w(40)),
            Some(true),
            "a fall counts too"
        );
        let s = |raw: u8| {
            Responses::parse(Instrument::Swemwbs, &items_summing_to(raw))
                .unwrap()
                .score()
        };
        // raw 20 -> 18.59, raw 22 -> 19.98 (1.39): not meaningful; raw 24 -> 21.54 (2.95): not; raw 25 -> 22.35 (3.76): yes.
        assert_eq!(s(22).meaningful_change_from(s(20)), Some(false));
        assert_eq!(s(24).meaningful_change_from(s(20)), Some(false));
        assert_eq!(s(25).meaningful_change_from(s(20)), Some(true));
        assert_eq!(
            w(50).meaningful_change_from(s(20)),
            None,
            "different scales do not compare"
        );
    }
}
