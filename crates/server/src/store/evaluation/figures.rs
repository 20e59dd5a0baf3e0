//! The monitoring figures' Rust half, shared by the engines: each reads the period's rows with its
//! own SQL and hands them to a [`Figures`], which adds them up, so the same data gives the same
//! page whichever engine keeps it.

use std::collections::BTreeMap;

use signpost_core::evaluation::{median_and_p90, summarise, Cohort, Scores};
use signpost_core::{Channel, Instrument, Language};
use time::Date;

use super::{Ending, FirstContact, Monitoring, OnwardTally, Period, Tally};
use crate::store::casework::Uptake;

/// The period's rows as read so far.
#[derive(Default)]
pub struct Figures {
    months: BTreeMap<String, u32>,
    channels: BTreeMap<&'static str, (Channel, u32)>,
    practices: BTreeMap<String, u32>,
    languages: BTreeMap<&'static str, (Language, u32)>,
    endings: BTreeMap<Ending, u32>,
    needs: Vec<Tally<String>>,
    waits: Vec<f64>,
    not_contacted: u32,
    onward: BTreeMap<String, OnwardTally>,
    cohorts: BTreeMap<Cohort, (Instrument, Vec<Scores>)>,
    evaluation_consented: u32,
    without_baseline: u32,
}

/// One consenting referral's wellbeing: its scale and channel, its baseline, and its latest
/// follow-up on the same scale.
pub struct PersonScores {
    pub instrument: Instrument,
    pub channel: Channel,
    pub baseline: f64,
    pub follow_up: Option<f64>,
}

impl Figures {
    /// `n` referrals received in `month` (`YYYY-MM`) alike in all of these.
    pub fn referrals(
        &mut self,
        month: String,
        channel: Channel,
        practice: String,
        language: Language,
        ending: Ending,
        n: u32,
    ) {
        *self.months.entry(month).or_default() += n;
        self.channels
            .entry(channel.as_str())
            .or_insert((channel, 0))
            .1 += n;
        *self.practices.entry(practice).or_default() += n;
        self.languages
            .entry(language.as_str())
            .or_insert((language, 0))
            .1 += n;
        *self.endings.entry(ending).or_default() += n;
    }

    /// How many referrals name `need` (each need once).
    pub fn need(&mut self, need: String, count: u32) {
        self.needs.push(Tally { key: need, count });
    }

    /// One referral's days from arrival to its first move to Contacted, if it had one.
    pub fn first_contact(&mut self, days: Option<f64>) {
        match days {
            Some(days) => self.waits.push(days),
            None => self.not_contacted += 1,
        }
    }

    /// `n` onward referrals of `kind` with this uptake.
    pub fn onward(&mut self, kind: String, uptake: Uptake, n: u32) {
        let entry = self.onward.entry(kind.clone()).or_insert(OnwardTally {
            kind,
            yes: 0,
            no: 0,
            not_yet: 0,
        });
        match uptake {
            Uptake::Yes => entry.yes += n,
            Uptake::No => entry.no += n,
            Uptake::NotYet => entry.not_yet += n,
        }
    }

    /// One referral that agreed to evaluation, with its wellbeing (`None`: the check-in was
    /// skipped at the start).
    pub fn consented(&mut self, wellbeing: Option<PersonScores>) {
        self.evaluation_consented += 1;
        let Some(person) = wellbeing else {
            self.without_baseline += 1;
            return;
        };
        let cohort = Cohort {
            instrument: person.instrument.into(),
            channel: person.channel.into(),
        };
        self.cohorts
            .entry(cohort)
            .or_insert_with(|| (person.instrument, Vec::new()))
            .1
            .push(Scores {
                baseline: person.baseline,
                follow_up: person.follow_up,
            });
    }

    pub fn finish(self, period: &Period) -> Monitoring {
        let by_month: Vec<Tally<String>> = months(period.from, period.to)
            .into_iter()
            .map(|month| Tally {
                count: self.months.get(&month).copied().unwrap_or(0),
                key: month,
            })
            .collect();
        let referrals = by_month.iter().map(|t| t.count).sum();
        let mut by_channel: Vec<Tally<Channel>> = self
            .channels
            .into_values()
            .map(|(key, count)| Tally { key, count })
            .collect();
        by_channel.sort_by_key(|t| t.key != Channel::SelfReferral);
        let by_practice = most_first(
            self.practices
                .into_iter()
                .map(|(key, count)| Tally { key, count })
                .collect(),
        );
        let mut by_language: Vec<Tally<Language>> = self
            .languages
            .into_values()
            .map(|(key, count)| Tally { key, count })
            .collect();
        by_language.sort_by(|a, b| {
            b.count
                .cmp(&a.count)
                .then(a.key.as_str().cmp(b.key.as_str()))
        });
        let endings = self
            .endings
            .into_iter()
            .map(|(key, count)| Tally { key, count })
            .collect();
        let first_contact = FirstContact {
            contacted: self.waits.len() as u32,
            not_contacted: self.not_contacted,
            median_p90_days: median_and_p90(self.waits),
        };
        let mut onward: Vec<OnwardTally> = self.onward.into_values().collect();
        onward.sort_by_key(|o| std::cmp::Reverse(o.yes + o.no + o.not_yet));
        let wellbeing = self
            .cohorts
            .into_iter()
            .map(|(cohort, (instrument, mut people))| {
                // A sum of floating-point changes depends on its order: sorted, the mean does not
                // depend on the order an engine's plan happened to read the rows in.
                people.sort_by(|a, b| {
                    a.baseline.total_cmp(&b.baseline).then_with(|| {
                        let follow_up = |s: &Scores| s.follow_up.unwrap_or(f64::NEG_INFINITY);
                        follow_up(a).total_cmp(&follow_up(b))
                    })
                });
                (cohort, summarise(instrument, &people))
            })
            .collect();
        Monitoring {
            referrals,
            by_month,
            by_channel,
            by_practice,
            by_need: most_first(self.needs),
            by_language,
            first_contact,
            endings,
            onward,
            evaluation_consented: self.evaluation_consented,
            without_baseline: self.without_baseline,
            wellbeing,
        }
    }
}

/// Most first, then by name.
fn most_first<K: Ord>(mut tallies: Vec<Tally<K>>) -> Vec<Tally<K>> {
    tallies.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.key.cmp(&b.key)));
    tallies
}

/// `YYYY-MM` of every month from `from`'s to `to`'s.
fn months(from: Date, to: Date) -> Vec<String> {
    let (mut year, mut month) = (from.year(), u8::from(from.month()));
    let last = (to.year(), u8::from(to.month()));
    let mut all = Vec::new();
    while (year, month) <= last {
        all.push(format!("{year:04}-{month:02}"));
        (year, month) = if month == 12 {
            (year + 1, 1)
        } else {
            (year, month + 1)
        };
    }
    all
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::casework::Scope;
    use signpost_core::evaluation::Count;
    use signpost_core::workflow::Status;
    use time::macros::date;

    #[test]
    fn every_month_of_the_period_is_listed() {
        assert_eq!(
            months(date!(2025 - 11 - 15), date!(2026 - 02 - 01)),
            ["2025-11", "2025-12", "2026-01", "2026-02"]
        );
        assert_eq!(
            months(date!(2026 - 03 - 01), date!(2026 - 03 - 31)),
            ["2026-03"]
        );
    }

    #[test]
    fn the_wellbeing_summary_does_not_depend_on_the_order_rows_arrive_in() {
        let period = Period {
            scope: Scope::All,
            from: date!(2026 - 01 - 01),
            to: date!(2026 - 01 - 31),
        };
        // Changes whose floating-point sum differs with the order they are added in.
        let people = [
            (39.29, Some(32.31)),
            (47.99, Some(30.94)),
            (45.2, None),
            (35.92, Some(42.24)),
            (48.31, Some(34.69)),
            (31.27, Some(56.03)),
            (39.41, Some(58.76)),
        ];
        let figures = |order: &mut dyn Iterator<Item = &(f64, Option<f64>)>| {
            let mut figures = Figures::default();
            for &(baseline, follow_up) in order {
                figures.referrals(
                    "2026-01".into(),
                    Channel::SelfReferral,
                    "43210".into(),
                    Language::En,
                    Ending::Open(Status::New),
                    1,
                );
                figures.consented(Some(PersonScores {
                    instrument: Instrument::Wemwbs,
                    channel: Channel::SelfReferral,
                    baseline,
                    follow_up,
                }));
            }
            figures.finish(&period)
        };
        let forwards = figures(&mut people.iter());
        assert_eq!(forwards, figures(&mut people.iter().rev()));
        assert_eq!(forwards.referrals, 7);
        let summary = &forwards.wellbeing[0].1;
        assert_eq!(summary.follow_ups, Count::Shown(6));
    }
}
