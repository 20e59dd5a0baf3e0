//! A wellbeing check-in as the service scores and keeps it: the same for a referral's check-in and
//! a follow-up's, and never a client's score.

use signpost_core::{Instrument, Responses, Score};

/// A scored check-in.
#[derive(Debug, Clone, PartialEq)]
pub struct Wellbeing {
    pub instrument: Instrument,
    /// The item responses, 1 to 5, in the scale's order.
    pub items: Vec<u8>,
    /// The score studies compare: the WEMWBS total (14–70) or the SWEMWBS metric score (7.00–35.00).
    pub score: f64,
    /// The sum of the items.
    pub raw: u8,
}

impl Wellbeing {
    /// Scores a checked set of responses with signpost-core.
    pub fn score(responses: &Responses) -> Wellbeing {
        let (score, raw) = match responses.score() {
            Score::Wemwbs { total } => (f64::from(total), total),
            // The table publishes the metric score to two decimals and core holds it as an f32;
            // widening that f32 would store 18.59 as 18.590000152…, so store the f64 nearest the
            // published decimal instead (the f32's shortest text is exactly that decimal).
            Score::Swemwbs { raw, metric } => {
                let published = metric.to_string().parse().unwrap_or(f64::from(metric));
                (published, raw)
            }
        };
        Wellbeing {
            instrument: responses.instrument(),
            items: responses.items().to_vec(),
            score,
            raw,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_service_scores_the_items_with_core() {
        let wemwbs = Responses::parse(Instrument::Wemwbs, &[3; 14]).unwrap();
        assert_eq!(
            Wellbeing::score(&wemwbs),
            Wellbeing {
                instrument: Instrument::Wemwbs,
                items: vec![3; 14],
                score: 42.0,
                raw: 42,
            }
        );
        // Raw 20 is 18.59 in the published table: stored as that decimal, not as the f32's 18.590000152….
        let swemwbs = Responses::parse(Instrument::Swemwbs, &[3, 3, 3, 3, 3, 3, 2]).unwrap();
        let scored = Wellbeing::score(&swemwbs);
        assert_eq!((scored.score, scored.raw), (18.59, 20));
        assert_eq!(scored.items, [3, 3, 3, 3, 3, 3, 2]);
        assert_eq!(scored.instrument, Instrument::Swemwbs);
    }
}
