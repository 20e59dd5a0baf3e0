//! The dataset's rows and the monitoring page's figures, as a few statements over the period's
//! referrals (each a range of the `received_at` index), added up in Rust by the engines' shared
//! half (`store::evaluation::dataset` and `figures`).

use std::collections::HashMap;

use rusqlite::types::{Type, Value};
use rusqlite::{params_from_iter, Connection, Row};
use signpost_core::workflow::{Closure, Status};
use signpost_core::{Channel, Instrument, Language};
use time::Date;

use super::columns::named;
use crate::clock::timestamp;
use crate::store::casework::{Scope, Uptake};
use crate::store::evaluation::dataset::{record_move, Answers, Referral, ANSWER_PATHS};
use crate::store::evaluation::figures::{Figures, PersonScores};
use crate::store::evaluation::{Baseline, DatasetRow, Ending, Monitoring, Period};

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

/// The answers a row reads from the stored body ([`ANSWER_PATHS`]), in one `json_extract` (one
/// parse of the body, not one a path): a JSON array of their values.
fn answers_sql() -> String {
    let paths: Vec<String> = ANSWER_PATHS.iter().map(|p| format!("'$.{p}'")).collect();
    format!("json_extract(r.body, {})", paths.join(", "))
}

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
                    r.urgent, {}
             FROM referrals r WHERE {} ORDER BY r.received_at, r.id",
            answers_sql(),
            filter.consented()
        ),
        &filter,
        |row| {
            let baseline = match (row.get::<_, Option<String>>(9)?, row.get(10)?) {
                (Some(instrument), Some(score)) => Some(Baseline {
                    instrument: named(&instrument, 9, Instrument::from_name)?,
                    score,
                }),
                _ => None,
            };
            let answers: String = row.get(12)?;
            let answers: Answers = serde_json::from_str(&answers).map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(12, Type::Text, Box::new(e))
            })?;
            index.insert(row.get(0)?, rows.len());
            rows.push(DatasetRow::from(Referral {
                received_at: row.get(1)?,
                practice: row.get(2)?,
                language: named(&row.get::<_, String>(3)?, 3, Language::from_name)?,
                channel: named(&row.get::<_, String>(4)?, 4, Channel::from_name)?,
                organisation: row.get(5)?,
                status: status(row, 6)?,
                closure: closure(row, 7)?,
                baseline,
                urgent: row.get(11)?,
                answers,
            }));
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
                record_move(&mut rows[i], status(row, 1)?, row.get(2)?);
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
             ORDER BY c.referral_id, c.used_at, c.id",
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

pub fn monitoring(conn: &mut Connection, period: &Period) -> rusqlite::Result<Monitoring> {
    let tx = conn.transaction()?;
    let filter = Filter::of(period);
    let mut figures = Figures::default();

    // One pass over the period's referrals for every plain count: grouped by all five at once
    // (a few thousand groups at most), then added up in Rust.
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
            figures.referrals(
                row.get(0)?,
                named(&row.get::<_, String>(1)?, 1, Channel::from_name)?,
                row.get(2)?,
                named(&row.get::<_, String>(3)?, 3, Language::from_name)?,
                Ending::of(status(row, 4)?, closure(row, 5)?),
                row.get(7)?,
            );
            Ok(())
        },
    )?;

    for_each(
        &tx,
        &format!(
            "SELECT n.need, count(*) FROM referral_needs n JOIN referrals r ON r.id = n.referral_id
             WHERE {} GROUP BY n.need",
            filter.sql
        ),
        &filter,
        |row| {
            figures.need(row.get(0)?, row.get(1)?);
            Ok(())
        },
    )?;

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
            figures.first_contact(row.get(0)?);
            Ok(())
        },
    )?;

    for_each(
        &tx,
        &format!(
            "SELECT o.kind, o.uptake, count(*) FROM onward_referrals o
             JOIN referrals r ON r.id = o.referral_id WHERE {} GROUP BY 1, 2",
            filter.sql
        ),
        &filter,
        |row| {
            let uptake = named(&row.get::<_, String>(1)?, 1, Uptake::from_name)?;
            figures.onward(row.get(0)?, uptake, row.get(2)?);
            Ok(())
        },
    )?;

    // Wellbeing: the people who agreed to evaluation; a follow-up pairs with the baseline only
    // on the same scale, and the latest one counts.
    for_each(
        &tx,
        &format!(
            "SELECT r.wellbeing_instrument, r.channel, r.wellbeing_score,
                    (SELECT c.score FROM checkins c
                     WHERE c.referral_id = r.id AND c.used_at IS NOT NULL
                       AND c.instrument = r.wellbeing_instrument
                     ORDER BY c.used_at DESC, c.id DESC LIMIT 1)
             FROM referrals r WHERE {}",
            filter.consented()
        ),
        &filter,
        |row| {
            let scores = match row.get::<_, Option<String>>(0)? {
                None => None,
                Some(instrument) => Some(PersonScores {
                    instrument: named(&instrument, 0, Instrument::from_name)?,
                    channel: named(&row.get::<_, String>(1)?, 1, Channel::from_name)?,
                    baseline: row.get(2)?,
                    follow_up: row.get(3)?,
                }),
            };
            figures.consented(scores);
            Ok(())
        },
    )?;
    tx.commit()?;
    Ok(figures.finish(period))
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
