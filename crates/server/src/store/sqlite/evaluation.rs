//! The dataset's rows and the monitoring page's figures, as a few statements over the period's
//! referrals (each a range of the `received_at` index), grouped in Rust.
//!
//! Nothing that identifies a person leaves this file: the date of birth and the postcode are
//! read only to be turned into an age band and a district by signpost-core, here.

use std::collections::{BTreeMap, HashMap};

use rusqlite::types::{Type, Value};
use rusqlite::{params_from_iter, Connection, Row};
use signpost_core::dataset::{age_band, postcode_district};
use signpost_core::evaluation::{median_and_p90, summarise, Cohort, Scores};
use signpost_core::fields::{CalendarDate, Postcode};
use signpost_core::workflow::{Closure, Status};
use signpost_core::{Channel, Instrument, Language};
use time::Date;

use super::columns::named;
use crate::clock::timestamp;
use crate::store::casework::{Scope, Uptake};
use crate::store::evaluation::{
    Baseline, DatasetRow, Ending, FirstContact, Monitoring, OnwardTally, Period, Tally,
};

/// The person agreed to evaluation (consent purposes are a JSON array of names).
const CONSENTED: &str =
    "EXISTS (SELECT 1 FROM json_each(r.consent_purposes) p WHERE p.value = 'evaluation')";

/// The WHERE clause that picks the period's referrals (`r`), and its parameters.
struct Filter {
    sql: String,
    params: Vec<Value>,
}

impl Filter {
    fn of(period: &Period) -> Filter {
        let mut params: Vec<Value> = vec![
            Value::Text(day_start(period.from)),
            Value::Text(period.to.next_day().map_or_else(
                // The last day time can hold: nothing is received after it.
                || "9999-12-31T23:59:59.999Z".to_owned(),
                day_start,
            )),
        ];
        let mut sql = "r.received_at >= ?1 AND r.received_at < ?2".to_owned();
        if let Scope::Practices(practices) = &period.scope {
            let placeholders: Vec<String> = practices
                .iter()
                .map(|practice| {
                    params.push(Value::Text(practice.clone()));
                    format!("?{}", params.len())
                })
                .collect();
            // No practice at all matches nothing (`IN ()` is valid SQLite).
            sql.push_str(&format!(" AND r.practice IN ({})", placeholders.join(", ")));
        }
        Filter { sql, params }
    }

    fn consented(&self) -> String {
        format!("{} AND {CONSENTED}", self.sql)
    }
}

fn day_start(day: Date) -> String {
    timestamp(day.midnight().assume_utc())
}

fn status(row: &Row, column: usize) -> rusqlite::Result<Status> {
    named(&row.get::<_, String>(column)?, column, Status::from_name)
}

fn closure(row: &Row, column: usize) -> rusqlite::Result<Option<Closure>> {
    let (name, outcome): (Option<String>, Option<String>) =
        (row.get(column)?, row.get(column + 1)?);
    Ok(name.and_then(|name| Closure::from_names(&name, outcome.as_deref())))
}

/// Runs `sql` with the filter's parameters and calls `each` on every row.
fn for_each(
    conn: &Connection,
    sql: &str,
    filter: &Filter,
    mut each: impl FnMut(&Row) -> rusqlite::Result<()>,
) -> rusqlite::Result<()> {
    let mut statement = conn.prepare(sql)?;
    let mut rows = statement.query(params_from_iter(&filter.params))?;
    while let Some(row) = rows.next()? {
        each(row)?;
    }
    Ok(())
}

/// The answers a row reads from the stored body, in one `json_extract` (one parse of the body,
/// not one a path): a JSON array of these paths' values.
const ANSWERS: &str = "json_extract(r.body, '$.answers.safe_to_contact_at_home',
    '$.answers.interpreter', '$.answers.date_of_birth', '$.answers.postcode', '$.answers.needs',
    '$.needs')";

/// The values [`ANSWERS`] reads, in its order; absent ones are JSON nulls.
#[derive(serde::Deserialize)]
struct Answered(
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<Vec<String>>,
    Option<Vec<String>>,
);

pub fn dataset(conn: &mut Connection, period: &Period) -> rusqlite::Result<Vec<DatasetRow>> {
    // One read transaction, so the four statements see the same referrals.
    let tx = conn.transaction()?;
    let filter = Filter::of(period);
    let mut rows: Vec<DatasetRow> = Vec::new();
    // Each consenting referral's place in `rows`; the statements after this one read the
    // period's casework without the consent test (it is per row and slow) and keep only these.
    let mut index: HashMap<i64, usize> = HashMap::new();
    for_each(
        &tx,
        &format!(
            "SELECT r.id, r.received_at, r.practice, r.language, r.channel, r.organisation,
                    r.status, r.closure, r.outcome, r.wellbeing_instrument, r.wellbeing_score,
                    r.urgent, {ANSWERS}
             FROM referrals r WHERE {} ORDER BY r.received_at, r.id",
            filter.consented()
        ),
        &filter,
        |row| {
            let received_at: String = row.get(1)?;
            let baseline = match (row.get::<_, Option<String>>(9)?, row.get(10)?) {
                (Some(instrument), Some(score)) => Some(Baseline {
                    instrument: named(&instrument, 9, Instrument::from_name)?,
                    score,
                }),
                _ => None,
            };
            let answers: String = row.get(12)?;
            let Answered(unsafe_at_home, interpreter, born, postcode, needs, first_needs) =
                serde_json::from_str(&answers).map_err(|e| {
                    rusqlite::Error::FromSqlConversionFailure(12, Type::Text, Box::new(e))
                })?;
            let received_on = received_at.get(..10).and_then(CalendarDate::parse_iso);
            let born = born.as_deref().and_then(CalendarDate::parse_iso);
            let district = postcode
                .and_then(|text| Postcode::parse(&text).ok())
                .map(|postcode| postcode_district(&postcode).to_owned());
            index.insert(row.get(0)?, rows.len());
            rows.push(DatasetRow {
                received_month: received_at.get(..7).unwrap_or_default().to_owned(),
                practice: row.get(2)?,
                age_band: born.zip(received_on).map(|(born, on)| age_band(born, on)),
                postcode_district: district,
                language: named(&row.get::<_, String>(3)?, 3, Language::from_name)?,
                channel: named(&row.get::<_, String>(4)?, 4, Channel::from_name)?,
                organisation: row.get(5)?,
                needs: needs.or(first_needs).unwrap_or_default(),
                urgent_help_asked: row.get(11)?,
                unsafe_at_home: unsafe_at_home.map(|answer| answer == "no"),
                interpreter_needed: interpreter.as_deref() == Some("yes"),
                status: status(row, 6)?,
                status_history: Vec::new(),
                days_to_first_contact: None,
                days_to_close: None,
                onward: Vec::new(),
                closure: closure(row, 7)?,
                follow_ups: Vec::new(),
                baseline,
            });
            Ok(())
        },
    )?;
    let of = |id: i64| index.get(&id).copied();
    for_each(
        &tx,
        &format!(
            "SELECT s.referral_id, s.to_status, julianday(s.at) - julianday(r.received_at)
             FROM status_changes s JOIN referrals r ON r.id = s.referral_id
             WHERE {} ORDER BY s.referral_id, s.id",
            filter.sql
        ),
        &filter,
        |row| {
            if let Some(i) = of(row.get(0)?) {
                let (to, days) = (status(row, 1)?, row.get(2)?);
                let found = &mut rows[i];
                if to == Status::Contacted && found.days_to_first_contact.is_none() {
                    found.days_to_first_contact = Some(days);
                }
                if to == Status::Closed {
                    found.days_to_close = Some(days);
                }
                found.status_history.push((to, days));
            }
            Ok(())
        },
    )?;
    for_each(
        &tx,
        &format!(
            "SELECT o.referral_id, o.kind, o.uptake
             FROM onward_referrals o JOIN referrals r ON r.id = o.referral_id
             WHERE {} ORDER BY o.referral_id, o.id",
            filter.sql
        ),
        &filter,
        |row| {
            if let Some(i) = of(row.get(0)?) {
                let uptake = named(&row.get::<_, String>(2)?, 2, Uptake::from_name)?;
                rows[i].onward.push((row.get(1)?, uptake));
            }
            Ok(())
        },
    )?;
    // Only follow-ups on the baseline's scale: without a baseline there is nothing to compare.
    for_each(
        &tx,
        &format!(
            "SELECT c.referral_id, c.score, julianday(c.used_at) - julianday(r.received_at)
             FROM checkins c JOIN referrals r ON r.id = c.referral_id
             WHERE {} AND c.used_at IS NOT NULL AND c.instrument = r.wellbeing_instrument
             ORDER BY c.referral_id, c.used_at",
            filter.sql
        ),
        &filter,
        |row| {
            if let Some(i) = of(row.get(0)?) {
                rows[i].follow_ups.push((row.get(1)?, row.get(2)?));
            }
            Ok(())
        },
    )?;
    tx.commit()?;
    Ok(rows)
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

pub fn monitoring(conn: &mut Connection, period: &Period) -> rusqlite::Result<Monitoring> {
    let tx = conn.transaction()?;
    let filter = Filter::of(period);

    // One pass over the period's referrals for every plain count: grouped by all five at once
    // (a few thousand groups at most), then added up in Rust.
    let mut counted: BTreeMap<String, u32> = BTreeMap::new();
    let mut channels: BTreeMap<&'static str, (Channel, u32)> = BTreeMap::new();
    let mut practices: BTreeMap<String, u32> = BTreeMap::new();
    let mut languages: BTreeMap<&'static str, (Language, u32)> = BTreeMap::new();
    let mut endings: BTreeMap<Ending, u32> = BTreeMap::new();
    for_each(
        &tx,
        &format!(
            "SELECT substr(r.received_at, 1, 7), r.channel, r.practice, r.language, r.status,
                    r.closure, r.outcome, count(*)
             FROM referrals r WHERE {} GROUP BY 1, 2, 3, 4, 5, 6, 7",
            filter.sql
        ),
        &filter,
        |row| {
            let n: u32 = row.get(7)?;
            *counted.entry(row.get(0)?).or_default() += n;
            let channel = named(&row.get::<_, String>(1)?, 1, Channel::from_name)?;
            channels.entry(channel.as_str()).or_insert((channel, 0)).1 += n;
            *practices.entry(row.get(2)?).or_default() += n;
            let language = named(&row.get::<_, String>(3)?, 3, Language::from_name)?;
            languages
                .entry(language.as_str())
                .or_insert((language, 0))
                .1 += n;
            *endings
                .entry(Ending::of(status(row, 4)?, closure(row, 5)?))
                .or_default() += n;
            Ok(())
        },
    )?;
    let by_month: Vec<Tally<String>> = months(period.from, period.to)
        .into_iter()
        .map(|month| Tally {
            count: counted.get(&month).copied().unwrap_or(0),
            key: month,
        })
        .collect();
    let referrals = by_month.iter().map(|t| t.count).sum();
    let mut by_channel: Vec<Tally<Channel>> = channels
        .into_values()
        .map(|(key, count)| Tally { key, count })
        .collect();
    by_channel.sort_by_key(|t| t.key != Channel::SelfReferral);
    let by_practice = most_first(
        practices
            .into_iter()
            .map(|(key, count)| Tally { key, count })
            .collect(),
    );
    let mut by_language: Vec<Tally<Language>> = languages
        .into_values()
        .map(|(key, count)| Tally { key, count })
        .collect();
    by_language.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then(a.key.as_str().cmp(b.key.as_str()))
    });
    let endings: Vec<Tally<Ending>> = endings
        .into_iter()
        .map(|(key, count)| Tally { key, count })
        .collect();

    let mut by_need = Vec::new();
    for_each(
        &tx,
        &format!(
            "SELECT n.need, count(*) FROM referral_needs n JOIN referrals r ON r.id = n.referral_id
             WHERE {} GROUP BY n.need",
            filter.sql
        ),
        &filter,
        |row| {
            by_need.push(Tally {
                key: row.get(0)?,
                count: row.get(1)?,
            });
            Ok(())
        },
    )?;

    let mut waits = Vec::new();
    let mut not_contacted = 0;
    for_each(
        &tx,
        &format!(
            "SELECT julianday((SELECT min(s.at) FROM status_changes s
                               WHERE s.referral_id = r.id AND s.to_status = 'contacted'))
                    - julianday(r.received_at)
             FROM referrals r WHERE {}",
            filter.sql
        ),
        &filter,
        |row| {
            match row.get::<_, Option<f64>>(0)? {
                Some(days) => waits.push(days),
                None => not_contacted += 1,
            }
            Ok(())
        },
    )?;
    let first_contact = FirstContact {
        contacted: waits.len() as u32,
        not_contacted,
        median_p90_days: median_and_p90(waits),
    };

    let mut onward: BTreeMap<String, OnwardTally> = BTreeMap::new();
    for_each(
        &tx,
        &format!(
            "SELECT o.kind, o.uptake, count(*) FROM onward_referrals o
             JOIN referrals r ON r.id = o.referral_id WHERE {} GROUP BY 1, 2",
            filter.sql
        ),
        &filter,
        |row| {
            let kind: String = row.get(0)?;
            let uptake = named(&row.get::<_, String>(1)?, 1, Uptake::from_name)?;
            let count: u32 = row.get(2)?;
            let entry = onward.entry(kind.clone()).or_insert(OnwardTally {
                kind,
                yes: 0,
                no: 0,
                not_yet: 0,
            });
            match uptake {
                Uptake::Yes => entry.yes += count,
                Uptake::No => entry.no += count,
                Uptake::NotYet => entry.not_yet += count,
            }
            Ok(())
        },
    )?;
    let mut onward: Vec<OnwardTally> = onward.into_values().collect();
    onward.sort_by_key(|o| std::cmp::Reverse(o.yes + o.no + o.not_yet));

    // Wellbeing: the people who agreed to evaluation; a follow-up pairs with the baseline only
    // on the same scale, and the latest one counts.
    let mut cohorts: BTreeMap<Cohort, (Instrument, Vec<Scores>)> = BTreeMap::new();
    let (mut evaluation_consented, mut without_baseline) = (0, 0);
    for_each(
        &tx,
        &format!(
            "SELECT r.wellbeing_instrument, r.channel, r.wellbeing_score,
                    (SELECT c.score FROM checkins c
                     WHERE c.referral_id = r.id AND c.used_at IS NOT NULL
                       AND c.instrument = r.wellbeing_instrument
                     ORDER BY c.used_at DESC LIMIT 1)
             FROM referrals r WHERE {}",
            filter.consented()
        ),
        &filter,
        |row| {
            evaluation_consented += 1;
            let Some(instrument) = row.get::<_, Option<String>>(0)? else {
                without_baseline += 1;
                return Ok(());
            };
            let instrument = named(&instrument, 0, Instrument::from_name)?;
            let channel = named(&row.get::<_, String>(1)?, 1, Channel::from_name)?;
            let cohort = Cohort {
                instrument: instrument.into(),
                channel: channel.into(),
            };
            cohorts
                .entry(cohort)
                .or_insert_with(|| (instrument, Vec::new()))
                .1
                .push(Scores {
                    baseline: row.get(2)?,
                    follow_up: row.get(3)?,
                });
            Ok(())
        },
    )?;
    let wellbeing = cohorts
        .into_iter()
        .map(|(cohort, (instrument, people))| (cohort, summarise(instrument, &people)))
        .collect();
    tx.commit()?;

    Ok(Monitoring {
        referrals,
        by_month,
        by_channel,
        by_practice,
        by_need: most_first(by_need),
        by_language,
        first_contact,
        endings,
        onward,
        evaluation_consented,
        without_baseline,
        wellbeing,
    })
}

pub fn practices(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut statement =
        conn.prepare("SELECT DISTINCT practice FROM referrals ORDER BY practice")?;
    let practices = statement
        .query_map([], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(practices)
}

#[cfg(test)]
mod tests {
    use super::*;
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
    fn the_filter_covers_whole_days_and_the_scope() {
        let filter = Filter::of(&Period {
            scope: Scope::Practices(vec!["43210".into(), "GLA-EAST".into()]),
            from: date!(2026 - 01 - 01),
            to: date!(2026 - 01 - 31),
        });
        assert_eq!(
            filter.sql,
            "r.received_at >= ?1 AND r.received_at < ?2 AND r.practice IN (?3, ?4)"
        );
        assert_eq!(
            filter.params[..2],
            [
                Value::Text("2026-01-01T00:00:00.000Z".into()),
                Value::Text("2026-02-01T00:00:00.000Z".into())
            ]
        );
    }
}
