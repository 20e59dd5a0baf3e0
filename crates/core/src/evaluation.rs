//! The figures a service is judged by, computed the same way for every service that uses
//! Signpost: wellbeing change between baseline and follow-up, follow-up completion, times to first
//! contact, and the small-number rule that public health statistics apply before publishing.
//!
//! Plain functions of plain numbers, so each can be checked against figures worked by hand.
//! Grouping (self-completed apart from assisted, WEMWBS never mixed with SWEMWBS) is the caller's
//! job: [`Cohort`] names a group, and a summary is only ever of one.

use crate::score::Instrument;
use crate::Channel;

/// Counts below this are shown as "fewer than 5", and the figures made from them withheld
/// (`../shared/data/README.md`: the rule published health statistics use).
pub const SMALL_NUMBER: u32 = 5;

/// A count as it may be published.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Count {
    Shown(u32),
    /// 1 to 4: too few to show without risk of pointing at a person. Zero is shown: it reveals no one.
    FewerThanFive,
}

impl Count {
    pub fn of(n: u32) -> Count {
        if n == 0 || n >= SMALL_NUMBER {
            Count::Shown(n)
        } else {
            Count::FewerThanFive
        }
    }
}

/// One group whose wellbeing figures may be put together: answers given with help tend to be more
/// positive than answers given alone, and the two scales' scores are not on the same footing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Cohort {
    pub instrument: InstrumentKey,
    pub channel: ChannelKey,
}

/// `Instrument` and `Channel` with an order, so cohorts sort the same way on every page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum InstrumentKey {
    Wemwbs,
    Swemwbs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ChannelKey {
    SelfCompleted,
    Assisted,
}

impl From<Instrument> for InstrumentKey {
    fn from(instrument: Instrument) -> Self {
        match instrument {
            Instrument::Wemwbs => InstrumentKey::Wemwbs,
            Instrument::Swemwbs => InstrumentKey::Swemwbs,
        }
    }
}

impl From<InstrumentKey> for Instrument {
    fn from(key: InstrumentKey) -> Self {
        match key {
            InstrumentKey::Wemwbs => Instrument::Wemwbs,
            InstrumentKey::Swemwbs => Instrument::Swemwbs,
        }
    }
}

impl From<Channel> for ChannelKey {
    fn from(channel: Channel) -> Self {
        match channel {
            Channel::SelfReferral => ChannelKey::SelfCompleted,
            Channel::Assisted => ChannelKey::Assisted,
        }
    }
}

/// One person's scores on one scale: the baseline, and the latest follow-up if there is one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scores {
    pub baseline: f64,
    pub follow_up: Option<f64>,
}

/// What a cohort's wellbeing figures say, with the small-number rule applied.
#[derive(Debug, Clone, PartialEq)]
pub struct WellbeingSummary {
    pub baselines: Count,
    pub follow_ups: Count,
    /// People with a baseline and no follow-up yet: what the change below cannot speak for.
    pub without_follow_up: Count,
    /// Follow-ups as a share of baselines (0 to 1); withheld when either count is small.
    pub completion_rate: Option<f64>,
    /// Withheld unless at least [`SMALL_NUMBER`] people have both scores.
    pub change: Option<PairedChange>,
}

/// The mean change of the people with both a baseline and a follow-up.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PairedChange {
    pub pairs: u32,
    /// Mean of (follow-up − baseline).
    pub mean: f64,
    /// The 95% confidence interval of the mean (Student's t on n − 1 degrees of freedom).
    pub ci95: (f64, f64),
    /// The share (0 to 1) whose own change is at least the scale's meaningful change, either way
    /// up; `improved` counts those who rose by that much.
    pub meaningful_share: f64,
    pub improved_share: f64,
}

/// The wellbeing figures of one cohort.
pub fn summarise(instrument: Instrument, people: &[Scores]) -> WellbeingSummary {
    let baselines = people.len() as u32;
    let changes: Vec<f64> = people
        .iter()
        .filter_map(|p| p.follow_up.map(|f| f - p.baseline))
        .collect();
    let follow_ups = changes.len() as u32;
    let completion_rate = (baselines >= SMALL_NUMBER && follow_ups >= SMALL_NUMBER)
        .then(|| f64::from(follow_ups) / f64::from(baselines));
    let change = (follow_ups >= SMALL_NUMBER).then(|| paired_change(instrument, &changes));
    WellbeingSummary {
        baselines: Count::of(baselines),
        follow_ups: Count::of(follow_ups),
        without_follow_up: Count::of(baselines - follow_ups),
        completion_rate,
        change,
    }
}

/// Needs at least two changes (a spread needs two); `summarise` asks for five.
fn paired_change(instrument: Instrument, changes: &[f64]) -> PairedChange {
    let n = changes.len() as f64;
    let mean = changes.iter().sum::<f64>() / n;
    let variance = changes.iter().map(|c| (c - mean).powi(2)).sum::<f64>() / (n - 1.0);
    let half_width = t_975(changes.len() as u32 - 1) * (variance / n).sqrt();
    let threshold = f64::from(crate::checkin::meaningful_change(instrument));
    // Scores are stored to two decimals; compare with a margin below that so 3.00 counts as 3.
    let at_least = |c: f64| c + 1e-9 >= threshold;
    let meaningful = changes.iter().filter(|c| at_least(c.abs())).count() as f64;
    let improved = changes.iter().filter(|c| at_least(**c)).count() as f64;
    PairedChange {
        pairs: changes.len() as u32,
        mean,
        ci95: (mean - half_width, mean + half_width),
        meaningful_share: meaningful / n,
        improved_share: improved / n,
    }
}

/// The 97.5th percentile of Student's t with `df` degrees of freedom: the multiplier of a 95%
/// two-sided interval. Exact published values up to 30; beyond, the Cornish–Fisher expansion
/// about the normal's 1.959964, which is within 0.0001 of the exact value from 30 on.
pub fn t_975(df: u32) -> f64 {
    const TABLE: [f64; 30] = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
        2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
        2.052, 2.048, 2.045, 2.042,
    ];
    match df {
        0 => f64::NAN,
        1..=30 => TABLE[df as usize - 1],
        _ => {
            let z = 1.959_963_985_f64;
            let v = f64::from(df);
            z + (z.powi(3) + z) / (4.0 * v)
                + (5.0 * z.powi(5) + 16.0 * z.powi(3) + 3.0 * z) / (96.0 * v * v)
                + (3.0 * z.powi(7) + 19.0 * z.powi(5) + 17.0 * z.powi(3) - 15.0 * z)
                    / (384.0 * v.powi(3))
        }
    }
}

/// The median and 90th percentile of some durations (e.g. hours from arrival to first contact),
/// or `None` when there are fewer than [`SMALL_NUMBER`]. Median: the middle value, or the mean
/// of the two middle ones; 90th percentile: the nearest-rank value (the ⌈0.9 n⌉-th smallest),
/// which is always a time someone actually waited.
pub fn median_and_p90(mut values: Vec<f64>) -> Option<(f64, f64)> {
    if (values.len() as u32) < SMALL_NUMBER {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let n = values.len();
    let median = if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    };
    let rank = (0.9 * n as f64).ceil() as usize;
    Some((median, values[rank.max(1) - 1]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 0.0005
    }

    #[test]
    fn counts_under_five_are_withheld_but_zero_is_shown() {
        assert_eq!(Count::of(0), Count::Shown(0));
        for n in 1..5 {
            assert_eq!(Count::of(n), Count::FewerThanFive, "{n}");
        }
        assert_eq!(Count::of(5), Count::Shown(5));
        assert_eq!(Count::of(731), Count::Shown(731));
    }

    /// Worked by hand: changes 2, 4, 6, −1, 3, 7 (six people with both scores, two without).
    /// Mean 21/6 = 3.5. Squared deviations 2.25 + 0.25 + 6.25 + 20.25 + 0.25 + 12.25 = 41.5;
    /// variance 41.5/5 = 8.3; standard error √(8.3/6) = 1.17615; t(5) = 2.571, so the half-width
    /// is 3.02388 and the interval 0.476 to 6.524. Meaningful (|change| ≥ 3): 4, 6, 3, 7 → 4/6;
    /// improved by 3 or more: the same four. Completion 6 of 8 = 0.75.
    #[test]
    fn paired_change_matches_the_hand_worked_example() {
        let mut people: Vec<Scores> = [(40.0, 42.0), (38.0, 42.0), (45.0, 51.0), (50.0, 49.0)]
            .into_iter()
            .chain([(30.0, 33.0), (41.0, 48.0)])
            .map(|(b, f)| Scores {
                baseline: b,
                follow_up: Some(f),
            })
            .collect();
        people.extend([44.0, 47.0].map(|b| Scores {
            baseline: b,
            follow_up: None,
        }));
        let summary = summarise(Instrument::Wemwbs, &people);
        assert_eq!(summary.baselines, Count::Shown(8));
        assert_eq!(summary.follow_ups, Count::Shown(6));
        assert_eq!(summary.without_follow_up, Count::FewerThanFive);
        assert_eq!(summary.completion_rate, Some(0.75));
        let change = summary.change.unwrap();
        assert_eq!(change.pairs, 6);
        assert!(close(change.mean, 3.5), "{change:?}");
        assert!(close(change.ci95.0, 0.476), "{change:?}");
        assert!(close(change.ci95.1, 6.524), "{change:?}");
        assert!(close(change.meaningful_share, 4.0 / 6.0));
        assert!(close(change.improved_share, 4.0 / 6.0));
    }

    /// A fall of 3 is as meaningful as a rise of 3, but not an improvement; SWEMWBS metric
    /// scores (two decimals) at exactly the threshold count.
    #[test]
    fn meaningful_change_counts_both_ways_and_the_threshold_itself() {
        let people: Vec<Scores> = [(20.0, 23.0), (25.0, 22.0), (19.25, 22.25), (21.0, 22.0)]
            .into_iter()
            .chain([(18.59, 20.0)])
            .map(|(b, f)| Scores {
                baseline: b,
                follow_up: Some(f),
            })
            .collect();
        let change = summarise(Instrument::Swemwbs, &people).change.unwrap();
        assert!(close(change.meaningful_share, 3.0 / 5.0), "{change:?}");
        assert!(close(change.improved_share, 2.0 / 5.0), "{change:?}");
    }

    #[test]
    fn too_few_pairs_withhold_the_change_and_the_rate() {
        let people: Vec<Scores> = (0..20)
            .map(|i| Scores {
                baseline: 40.0,
                follow_up: (i < 4).then_some(45.0),
            })
            .collect();
        let summary = summarise(Instrument::Wemwbs, &people);
        assert_eq!(summary.baselines, Count::Shown(20));
        assert_eq!(summary.follow_ups, Count::FewerThanFive);
        assert_eq!(summary.without_follow_up, Count::Shown(16));
        assert_eq!(summary.completion_rate, None);
        assert_eq!(summary.change, None);
    }

    #[test]
    fn t_multipliers_match_published_tables() {
        assert_eq!(t_975(1), 12.706);
        assert_eq!(t_975(5), 2.571);
        assert_eq!(t_975(30), 2.042);
        // Published: t(40) 2.021, t(60) 2.000, t(120) 1.980; the normal 1.960 in the limit.
        assert!(close(t_975(40), 2.021), "{}", t_975(40));
        assert!(close(t_975(60), 2.000), "{}", t_975(60));
        assert!(close(t_975(120), 1.980), "{}", t_975(120));
        assert!((t_975(1_000_000) - 1.95996).abs() < 1e-4);
    }

    /// Worked by hand: 10 waits of 1..=10 hours: median (5 + 6)/2 = 5.5; ⌈0.9 × 10⌉ = 9th → 9.
    /// Seven waits 3, 1, 4, 1, 5, 9, 2 sorted 1 1 2 3 4 5 9: median 3; ⌈6.3⌉ = 7th → 9.
    #[test]
    fn median_and_90th_percentile_by_nearest_rank() {
        let ten: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(median_and_p90(ten), Some((5.5, 9.0)));
        let seven = vec![3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0];
        assert_eq!(median_and_p90(seven), Some((3.0, 9.0)));
        assert_eq!(median_and_p90(vec![1.0, 2.0, 3.0, 4.0]), None);
    }

    #[test]
    fn cohorts_keep_scales_and_channels_apart_and_sort_alike() {
        let a = Cohort {
            instrument: Instrument::Wemwbs.into(),
            channel: Channel::SelfReferral.into(),
        };
        let b = Cohort {
            instrument: Instrument::Wemwbs.into(),
            channel: Channel::Assisted.into(),
        };
        let c = Cohort {
            instrument: Instrument::Swemwbs.into(),
            channel: Channel::SelfReferral.into(),
        };
        let mut all = vec![c, b, a];
        all.sort();
        assert_eq!(all, vec![a, b, c]);
        assert_eq!(Instrument::from(c.instrument), Instrument::Swemwbs);
    }
}
