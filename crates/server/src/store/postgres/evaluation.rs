//! The dataset's rows and the monitoring page's figures, as a few statements over the period's
//! referrals in one snapshot, added up in Rust by the engines' shared half
//! (`store::evaluation::dataset` and `figures`), so that the same data gives SQLite's figures.
//!
//! Where SQLite's statements work out days with `julianday`, these read the two times and
//! [`days_between`] does SQLite's arithmetic, to the last bit.

use std::collections::HashMap;

use async_trait::async_trait;
use signpost_core::workflow::{Closure, Status};
use signpost_core::{Channel, Instrument, Language};
use time::macros::datetime;
use time::{Date, OffsetDateTime};
use tokio_postgres::types::ToSql;
use tokio_postgres::{GenericClient, Row};

use super::columns::{named, stamp};
use super::{snapshot, PgStore};
use crate::store::casework::{Scope, Uptake};
use crate::store::evaluation::dataset::{record_move, Answers, Referral, ANSWER_PATHS};
use crate::store::evaluation::figures::{Figures, PersonScores};
use crate::store::evaluation::{Baseline, DatasetRow, Ending, Evaluation, Monitoring, Period};
use crate::store::StoreError;

#[cfg(test)]
mod same_as_sqlite;

#[async_trait]
impl Evaluation for PgStore {
    async fn dataset(&self, period: Period) -> Result<Vec<DatasetRow>, StoreError> {
        snapshot!(self, |tx| dataset(&*tx, &period))
    }

    async fn monitoring(&self, period: Period) -> Result<Monitoring, StoreError> {
        snapshot!(self, |tx| monitoring(&*tx, &period))
    }

    async fn practices_with_referrals(&self) -> Result<Vec<String>, StoreError> {
        practices(&**self.client().await?).await
    }
}

/// The person agreed to evaluation (consent purposes are a JSON array of names).
const CONSENTED: &str = "r.consent_purposes::jsonb @> '[\"evaluation\"]'";

/// The WHERE clause that picks the period's referrals (`r`), and its parameters.
struct Filter {
    sql: String,
    params: Vec<Box<dyn ToSql + Sync + Send>>,
}

impl Filter {
    fn of(period: &Period) -> Filter {
        let from = day_start(period.from);
        let to = period.to.next_day().map_or(
            // The last moment time can hold: nothing is received after it.
            datetime!(9999-12-31 23:59:59.999 UTC),
            day_start,
        );
        let mut params: Vec<Box<dyn ToSql + Sync + Send>> = vec![Box::new(from), Box::new(to)];
        let mut sql = "r.received_at >= $1 AND r.received_at < $2".to_owned();
        if let Scope::Practices(practices) = &period.scope {
            // No practice at all matches nothing (`= ANY` of an empty array).
            params.push(Box::new(practices.clone()));
            sql.push_str(" AND r.practice = ANY($3)");
        }
        Filter { sql, params }
    }

    fn consented(&self) -> String {
        format!("{} AND {CONSENTED}", self.sql)
    }

    fn params(&self) -> Vec<&(dyn ToSql + Sync)> {
        self.params
            .iter()
            .map(|p| p.as_ref() as &(dyn ToSql + Sync))
            .collect()
    }
}

fn day_start(day: Date) -> OffsetDateTime {
    day.midnight().assume_utc()
}

/// Days from `from` to `to` as SQLite's `julianday(to) - julianday(from)` works them out: each
/// time as whole milliseconds since the Julian epoch divided by a day's, then one taken from the
/// other, in floating point as SQLite does.
fn days_between(from: OffsetDateTime, to: OffsetDateTime) -> f64 {
    julian_day(to) - julian_day(from)
}

fn julian_day(at: OffsetDateTime) -> f64 {
    /// Milliseconds from the Julian epoch to the Unix one (Julian day 2440587.5).
    const UNIX_EPOCH: i64 = 210_866_760_000_000;
    // Down to the millisecond, as `clock::timestamp` writes the times SQLite reads.
    let millis = at.unix_timestamp_nanos().div_euclid(1_000_000) as i64;
    (millis + UNIX_EPOCH) as f64 / 86_400_000.0
}

fn status(row: &Row, column: usize) -> Result<Status, StoreError> {
    named(row.get(column), Status::from_name)
}

/// A closure the code does not know reads as none, as in SQLite's engine.
fn closure(row: &Row, column: usize) -> Option<Closure> {
    let (name, outcome): (Option<&str>, Option<&str>) = (row.get(column), row.get(column + 1));
    name.and_then(|name| Closure::from_names(name, outcome))
}

/// A count as the figures hold it.
fn count(row: &Row, column: usize) -> Result<u32, StoreError> {
    u32::try_from(row.get::<_, i64>(column)).map_err(StoreError::engine)
}

/// The answers a row reads from the stored body ([`ANSWER_PATHS`]), as one JSON array.
fn answers_sql() -> String {
    let paths: Vec<String> = ANSWER_PATHS
        .iter()
        .map(|path| format!("r.body::jsonb #> '{{{}}}'", path.replace('.', ",")))
        .collect();
    format!("jsonb_build_array({})", paths.join(", "))
}

async fn dataset(db: &impl GenericClient, period: &Period) -> Result<Vec<DatasetRow>, StoreError> {
    let filter = Filter::of(period);
    let params = filter.params();
    let mut rows: Vec<DatasetRow> = Vec::new();
    // Each consenting referral's place in `rows`, for the casework read after.
    let mut index: HashMap<i64, usize> = HashMap::new();
    let referrals = db
        .query(
            &format!(
                "SELECT r.id, r.received_at, r.practice, r.language, r.channel, r.organisation,
                        r.status, r.closure, r.outcome, r.wellbeing_instrument, r.wellbeing_score,
                        r.urgent, {}
                 FROM referrals r WHERE {} ORDER BY r.received_at, r.id",
                answers_sql(),
                filter.consented()
            ),
            &params,
        )
        .await?;
    for row in &referrals {
        let baseline = match (row.get::<_, Option<&str>>(9), row.get(10)) {
            (Some(instrument), Some(score)) => Some(Baseline {
                instrument: named(instrument, Instrument::from_name)?,
                score,
            }),
            _ => None,
        };
        let answers: Answers = serde_json::from_value(row.get(12)).map_err(StoreError::engine)?;
        index.insert(row.get(0), rows.len());
        rows.push(DatasetRow::from(Referral {
            received_at: stamp(row.get(1)),
            practice: row.get(2),
            language: named(row.get(3), Language::from_name)?,
            channel: named(row.get(4), Channel::from_name)?,
            organisation: row.get(5),
            status: status(row, 6)?,
            closure: closure(row, 7),
            baseline,
            urgent: row.get(11),
            answers,
        }));
    }
    drop(referrals);
    let of = |id: i64| index.get(&id).copied();

    let moves = db
        .query(
            &format!(
                "SELECT s.referral_id, s.to_status, r.received_at, s.at
                 FROM status_changes s JOIN referrals r ON r.id = s.referral_id
                 WHERE {} ORDER BY s.referral_id, s.id",
                filter.consented()
            ),
            &params,
        )
        .await?;
    for row in &moves {
        if let Some(i) = of(row.get(0)) {
            let days = days_between(row.get(2), row.get(3));
            record_move(&mut rows[i], status(row, 1)?, days);
        }
    }

    let onward = db
        .query(
            &format!(
                "SELECT o.referral_id, o.kind, o.uptake
                 FROM onward_referrals o JOIN referrals r ON r.id = o.referral_id
                 WHERE {} ORDER BY o.referral_id, o.id",
                filter.consented()
            ),
            &params,
        )
        .await?;
    for row in &onward {
        if let Some(i) = of(row.get(0)) {
            let uptake = named(row.get(2), Uptake::from_name)?;
            rows[i].onward.push((row.get(1), uptake));
        }
    }

    // Only follow-ups on the baseline's scale: without a baseline there is nothing to compare.
    let follow_ups = db
        .query(
            &format!(
                "SELECT c.referral_id, c.score, r.received_at, c.used_at
                 FROM checkins c JOIN referrals r ON r.id = c.referral_id
                 WHERE {} AND c.used_at IS NOT NULL AND c.instrument = r.wellbeing_instrument
                 ORDER BY c.referral_id, c.used_at, c.id",
                filter.consented()
            ),
            &params,
        )
        .await?;
    for row in &follow_ups {
        if let Some(i) = of(row.get(0)) {
            let days = days_between(row.get(2), row.get(3));
            rows[i].follow_ups.push((row.get(1), days));
        }
    }
    Ok(rows)
}

async fn monitoring(db: &impl GenericClient, period: &Period) -> Result<Monitoring, StoreError> {
    let filter = Filter::of(period);
    let params = filter.params();
    let mut figures = Figures::default();

    // One pass over the period's referrals for every plain count, grouped by all five at once
    // (a few thousand groups at most); the month is the UTC one, as the stored text's in SQLite.
    let groups = db
        .query(
            &format!(
                "SELECT to_char(r.received_at AT TIME ZONE 'UTC', 'YYYY-MM'), r.channel,
                        r.practice, r.language, r.status, r.closure, r.outcome, count(*)
                 FROM referrals r WHERE {} GROUP BY 1, 2, 3, 4, 5, 6, 7",
                filter.sql
            ),
            &params,
        )
        .await?;
    for row in &groups {
        figures.referrals(
            row.get(0),
            named(row.get(1), Channel::from_name)?,
            row.get(2),
            named(row.get(3), Language::from_name)?,
            Ending::of(status(row, 4)?, closure(row, 5)),
            count(row, 7)?,
        );
    }

    let needs = db
        .query(
            &format!(
                "SELECT n.need, count(*) FROM referral_needs n
                 JOIN referrals r ON r.id = n.referral_id
                 WHERE {} GROUP BY n.need",
                filter.sql
            ),
            &params,
        )
        .await?;
    for row in &needs {
        figures.need(row.get(0), count(row, 1)?);
    }

    let contacts = db
        .query(
            &format!(
                "SELECT r.received_at,
                        (SELECT min(s.at) FROM status_changes s
                         WHERE s.referral_id = r.id AND s.to_status = 'contacted')
                 FROM referrals r WHERE {}",
                filter.sql
            ),
            &params,
        )
        .await?;
    for row in &contacts {
        let contacted: Option<OffsetDateTime> = row.get(1);
        figures.first_contact(contacted.map(|at| days_between(row.get(0), at)));
    }

    let onward = db
        .query(
            &format!(
                "SELECT o.kind, o.uptake, count(*) FROM onward_referrals o
                 JOIN referrals r ON r.id = o.referral_id WHERE {} GROUP BY 1, 2",
                filter.sql
            ),
            &params,
        )
        .await?;
    for row in &onward {
        let uptake = named(row.get(1), Uptake::from_name)?;
        figures.onward(row.get(0), uptake, count(row, 2)?);
    }

    // Wellbeing: the people who agreed to evaluation; a follow-up pairs with the baseline only
    // on the same scale, and the latest one counts.
    let people = db
        .query(
            &format!(
                "SELECT r.wellbeing_instrument, r.channel, r.wellbeing_score,
                        (SELECT c.score FROM checkins c
                         WHERE c.referral_id = r.id AND c.used_at IS NOT NULL
                           AND c.instrument = r.wellbeing_instrument
                         ORDER BY c.used_at DESC, c.id DESC LIMIT 1)
                 FROM referrals r WHERE {}",
                filter.consented()
            ),
            &params,
        )
        .await?;
    for row in &people {
        let scores = match row.get::<_, Option<&str>>(0) {
            None => None,
            Some(instrument) => Some(PersonScores {
                instrument: named(instrument, Instrument::from_name)?,
                channel: named(row.get(1), Channel::from_name)?,
                baseline: row.get(2),
                follow_up: row.get(3),
            }),
        };
        figures.consented(scores);
    }
    Ok(figures.finish(period))
}

/// Ordered as SQLite orders text (by bytes), whatever the database's collation.
async fn practices(db: &impl GenericClient) -> Result<Vec<String>, StoreError> {
    let rows = db
        .query(
            "SELECT DISTINCT practice COLLATE \"C\" FROM referrals ORDER BY 1",
            &[],
        )
        .await?;
    Ok(rows.iter().map(|row| row.get(0)).collect())
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
            "r.received_at >= $1 AND r.received_at < $2 AND r.practice = ANY($3)"
        );
        assert_eq!(
            answers_sql(),
            "jsonb_build_array(r.body::jsonb #> '{answers,safe_to_contact_at_home}', \
              r.body::jsonb #> '{answers,interpreter}', r.body::jsonb #> '{answers,date_of_birth}', \
              r.body::jsonb #> '{answers,postcode}', r.body::jsonb #> '{answers,needs}', r.body::jsonb #> '{needs}')"
        );
    }

    #[test]
    fn days_are_sqlite_s_julian_days_taken_from_each_other() {
        let sqlite = rusqlite::Connection::open_in_memory().unwrap();
        let pairs = [
            (
                datetime!(2026-11-25 10:04:05.120 UTC),
                datetime!(2026-11-26 13:30:00.250 UTC),
            ),
            (
                datetime!(2026-01-01 00:00 UTC),
                datetime!(2026-03-14 17:29:31.001 UTC),
            ),
            (
                datetime!(1969-12-31 23:59:59.999 UTC),
                datetime!(2100-02-28 08:00:00.007 UTC),
            ),
            (
                datetime!(2026-06-30 23:59:59.999 UTC),
                datetime!(2026-06-30 23:59:59.999 UTC),
            ),
            (
                datetime!(2026-08-09 12:00:00.333 UTC),
                datetime!(2026-07-01 06:15:42.678 UTC),
            ),
        ];
        for (from, to) in pairs {
            let theirs: f64 = sqlite
                .query_row(
                    "SELECT julianday(?2) - julianday(?1)",
                    [crate::clock::timestamp(from), crate::clock::timestamp(to)],
                    |row| row.get(0),
                )
                .unwrap();
            assert_eq!(
                days_between(from, to).to_bits(),
                theirs.to_bits(),
                "{from} to {to}"
            );
        }
        // Below the millisecond is dropped, as `clock::timestamp` drops it.
        let (from, to) = pairs[0];
        let later = to + time::Duration::microseconds(999);
        assert_eq!(days_between(from, later), days_between(from, to));
    }
}
