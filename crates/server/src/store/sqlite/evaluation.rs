//! The dataset's rows and the monitoring page's figures, as a few statements over the period's
//! referrals (each a range of the `received_at` index), grouped in Rust.
//!
//! Nothing that identifies a person leaves this file: the date of birth and the postcode are
//! read only to be turned into an age band and a district by signpost-core, here.

use std::collections::{BTreeMap, HashMap};

use rusqlite::types::Value;
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

pub fn dataset(conn: &mut Connection, period: &Period) -> rusqlite::Result<Vec<DatasetRow>> {
    // One read transaction, so the four statements see the same referrals.
    let tx = conn.transaction()?;
    let filter = Filter::of(period);
    let mut history: HashMap<i64, Vec<(Status, f64)>> = HashMap::new();
    for_each(
        &tx,
        &format!(
            "SELECT s.referral_id, s.to_status, julianday(s.at) - julianday(r.received_at)
             FROM status_changes s JOIN referrals r ON r.id = s.referral_id
             WHERE {} ORDER BY s.referral_id, s.id",
            filter.consented()
        ),
        &filter,
        |row| {
            history
                .entry(row.get(0)?)
                .or_default()
                .push((status(row, 1)?, row.get(2)?));
            Ok(())
        },
    )?;
    let mut onward: HashMap<i64, Vec<(String, Uptake)>> = HashMap::new();
    for_each(
        &tx,
        &format!(
            "SELECT o.referral_id, o.kind, o.uptake
             FROM onward_referrals o JOIN referrals r ON r.id = o.referral_id
             WHERE {} ORDER BY o.referral_id, o.id",
            filter.consented()
        ),
        &filter,
        |row| {
            let uptake = named(&row.get::<_, String>(2)?, 2, Uptake::from_name)?;
            onward
                .entry(row.get(0)?)
                .or_default()
                .push((row.get(1)?, uptake));
            Ok(())
        },
    )?;
    let mut follow_ups: HashMap<i64, Vec<(f64, f64)>> = HashMap::new();
    for_each(
        &tx,
        &format!(
            "SELECT c.referral_id, c.score, julianday(c.used_at) - julianday(r.received_at)
             FROM checkins c JOIN referrals r ON r.id = c.referral_id
             WHERE {} AND c.used_at IS NOT NULL AND c.instrument = r.wellbeing_instrument
             ORDER BY c.referral_id, c.used_at",
            filter.consented()
        ),
        &filter,
        |row| {
            follow_ups
                .entry(row.get(0)?)
                .or_default()
                .push((row.get(1)?, row.get(2)?));
            Ok(())
        },
    )?;

    let mut rows = Vec::new();
    for_each(
        &tx,
        &format!(
            "SELECT r.id, r.received_at, r.practice, r.language, r.channel, r.organisation,
                    r.status, r.closure, r.outcome, r.wellbeing_instrument, r.wellbeing_score,
                    r.urgent, json_extract(r.body, '$.answers.safe_to_contact_at_home'),
                    json_extract(r.body, '$.answers.interpreter'),
                    json_extract(r.body, '$.answers.date_of_birth'),
                    json_extract(r.body, '$.answers.postcode'),
                    coalesce(json_extract(r.body, '$.answers.needs'), json_extract(r.body, '$.needs'))
             FROM referrals r WHERE {} ORDER BY r.received_at, r.id",
            filter.consented()
        ),
        &filter,
        |row| {
            let id: i64 = row.get(0)?;
            let received_at: String = row.get(1)?;
            let history = history.remove(&id).unwrap_or_default();
            let days_to = |wanted: Status| {
                history
                    .iter()
                    .find(|(to, _)| *to == wanted)
                    .map(|(_, days)| *days)
            };
            let baseline = match (row.get::<_, Option<String>>(9)?, row.get(10)?) {
                (Some(instrument), Some(score)) => Some(Baseline {
                    instrument: named(&instrument, 9, Instrument::from_name)?,
                    score,
                }),
                _ => None,
            };
            let received_on = received_at.get(..10).and_then(CalendarDate::parse_iso);
            let born = row
                .get::<_, Option<String>>(14)?
                .as_deref()
                .and_then(CalendarDate::parse_iso);
            let district = row
                .get::<_, Option<String>>(15)?
                .and_then(|text| Postcode::parse(&text).ok())
                .map(|postcode| postcode_district(&postcode).to_owned());
            let needs = row
                .get::<_, Option<String>>(16)?
                .and_then(|json| serde_json::from_str::<Vec<String>>(&json).ok())
                .unwrap_or_default();
            rows.push(DatasetRow {
                received_month: received_at.get(..7).unwrap_or_default().to_owned(),
                practice: row.get(2)?,
                age_band: born.zip(received_on).map(|(born, on)| age_band(born, on)),
                postcode_district: district,
                language: named(&row.get::<_, String>(3)?, 3, Language::from_name)?,
                channel: named(&row.get::<_, String>(4)?, 4, Channel::from_name)?,
                organisation: row.get(5)?,
                needs,
                urgent_help_asked: row.get(11)?,
                unsafe_at_home: row
                    .get::<_, Option<String>>(12)?
                    .map(|answer| answer == "no"),
                interpreter_needed: row.get::<_, Option<String>>(13)?.as_deref() == Some("yes"),
                status: status(row, 6)?,
                days_to_first_contact: days_to(Status::Contacted),
                days_to_close: days_to(Status::Closed),
                status_history: history,
                onward: onward.remove(&id).unwrap_or_default(),
                closure: closure(row, 7)?,
                follow_ups: if baseline.is_some() {
                    follow_ups.remove(&id).unwrap_or_default()
                } else {
                    Vec::new()
                },
                baseline,
            });
            Ok(())
        },
    )?;
    tx.commit()?;
    Ok(rows)
}

/// Counts of one column's values.
fn tally<K>(
    conn: &Connection,
    filter: &Filter,
    column: &str,
    key: impl Fn(String) -> Option<K>,
) -> rusqlite::Result<Vec<Tally<K>>> {
    let mut counted = Vec::new();
    for_each(
        conn,
        &format!(
            "SELECT {column}, count(*) FROM referrals r WHERE {} GROUP BY 1",
            filter.sql
        ),
        filter,
        |row| {
            if let Some(key) = key(row.get(0)?) {
                counted.push(Tally {
                    key,
                    count: row.get(1)?,
                });
            }
            Ok(())
        },
    )?;
    Ok(counted)
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

    let counted: BTreeMap<String, u32> = tally(&tx, &filter, "substr(r.received_at, 1, 7)", Some)?
        .into_iter()
        .map(|t| (t.key, t.count))
        .collect();
    let by_month: Vec<Tally<String>> = months(period.from, period.to)
        .into_iter()
        .map(|month| Tally {
            count: counted.get(&month).copied().unwrap_or(0),
            key: month,
        })
        .collect();
    let referrals = by_month.iter().map(|t| t.count).sum();
    let mut by_channel = tally(&tx, &filter, "r.channel", |c| Channel::from_name(&c))?;
    by_channel.sort_by_key(|t| t.key != Channel::SelfReferral);
    let by_practice = most_first(tally(&tx, &filter, "r.practice", Some)?);
    let mut by_language = tally(&tx, &filter, "r.language", |l| Language::from_name(&l))?;
    by_language.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then(a.key.as_str().cmp(b.key.as_str()))
    });

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

    let mut endings: BTreeMap<Ending, u32> = BTreeMap::new();
    for_each(
        &tx,
        &format!(
            "SELECT r.status, r.closure, r.outcome, count(*) FROM referrals r WHERE {}
             GROUP BY 1, 2, 3",
            filter.sql
        ),
        &filter,
        |row| {
            let ending = Ending::of(status(row, 0)?, closure(row, 1)?);
            *endings.entry(ending).or_default() += row.get::<_, u32>(3)?;
            Ok(())
        },
    )?;
    let endings = endings
        .into_iter()
        .map(|(key, count)| Tally { key, count })
        .collect();

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
