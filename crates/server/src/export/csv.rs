//! The minimum dataset as CSV: the dictionary's columns in order (`signpost_core::dataset`), one
//! line per [`DatasetRow`], every cell through `text_cell` or `number_cell`, so that whatever a
//! referral holds, a spreadsheet opens it as text and never runs it.

use signpost_core::checkin::meaningful_change;
use signpost_core::dataset::{header, number_cell, text_cell, COLUMNS};
use signpost_core::Instrument;

use crate::store::evaluation::{DatasetRow, Period};
use crate::store::{Store, StoreError};

/// Days are written to one decimal, as the dictionary says.
const DAYS: usize = 1;

/// The dataset of `period` as CSV, and how many rows it has.
pub async fn export(store: &dyn Store, period: Period) -> Result<(String, usize), StoreError> {
    let rows = store.dataset(period).await?;
    Ok((write(&rows), rows.len()))
}

/// The header and one line a row, each ended by CRLF (RFC 4180).
pub fn write(rows: &[DatasetRow]) -> String {
    let mut out = String::with_capacity(200 * (rows.len() + 1));
    out.push_str(&header());
    out.push_str("\r\n");
    for (index, row) in rows.iter().enumerate() {
        out.push_str(&cells(index + 1, row).join(","));
        out.push_str("\r\n");
    }
    out
}

fn yes_no(value: bool) -> &'static str {
    if value {
        "yes"
    } else {
        "no"
    }
}

fn days(value: Option<f64>) -> String {
    value.map_or_else(String::new, |d| number_cell(d, DAYS))
}

fn count(n: usize) -> String {
    number_cell(n as f64, 0)
}

/// A score as the scale publishes it: WEMWBS totals are whole, SWEMWBS metric scores have two
/// decimals.
fn score(instrument: Instrument, value: f64) -> String {
    match instrument {
        Instrument::Wemwbs => number_cell(value, 0),
        Instrument::Swemwbs => number_cell(value, 2),
    }
}

/// The row's cells, in [`COLUMNS`]' order.
fn cells(number: usize, row: &DatasetRow) -> [String; COLUMNS.len()] {
    let text = |value: &str| text_cell(value);
    let list = |items: Vec<String>| text_cell(&items.join(";"));
    let baseline = row.baseline;
    let latest = baseline
        .zip(row.follow_ups.last())
        .map(|(b, (f, _))| f - b.score);
    [
        count(number),
        text(&row.received_month),
        text(&row.practice),
        text(row.age_band.unwrap_or_default()),
        text(row.postcode_district.as_deref().unwrap_or_default()),
        text(row.language.as_str()),
        text(row.channel.as_str()),
        text(row.organisation.as_deref().unwrap_or_default()),
        list(row.needs.clone()),
        text(yes_no(row.urgent_help_asked)),
        text(row.unsafe_at_home.map(yes_no).unwrap_or_default()),
        text(yes_no(row.interpreter_needed)),
        text(row.status.as_str()),
        list(
            row.status_history
                .iter()
                .map(|(status, d)| format!("{}:{}", status.as_str(), number_cell(*d, DAYS)))
                .collect(),
        ),
        days(row.days_to_first_contact),
        list(
            row.onward
                .iter()
                .map(|(kind, uptake)| format!("{kind}:{}", uptake.as_str()))
                .collect(),
        ),
        count(
            row.onward
                .iter()
                .filter(|(_, uptake)| *uptake == crate::store::casework::Uptake::Yes)
                .count(),
        ),
        text(row.closure.map(|c| c.as_str()).unwrap_or_default()),
        text(
            row.closure
                .and_then(|c| c.outcome())
                .map(|o| o.as_str())
                .unwrap_or_default(),
        ),
        days(row.days_to_close),
        text(baseline.map(|b| b.instrument.as_str()).unwrap_or_default()),
        baseline.map_or_else(String::new, |b| score(b.instrument, b.score)),
        text(
            baseline
                .map(|_| yes_no(row.channel == signpost_core::Channel::Assisted))
                .unwrap_or_default(),
        ),
        count(row.follow_ups.len()),
        list(
            baseline
                .map(|b| {
                    row.follow_ups
                        .iter()
                        .map(|(s, d)| {
                            format!("{}:{}", score(b.instrument, *s), number_cell(*d, DAYS))
                        })
                        .collect()
                })
                .unwrap_or_default(),
        ),
        latest.map_or_else(String::new, |change| number_cell(change, 2)),
        text(
            baseline
                .zip(latest)
                .map(|(b, change)| {
                    // Scores are kept to two decimals: a margin below that so 3.00 counts as 3.
                    yes_no(change.abs() + 1e-9 >= f64::from(meaningful_change(b.instrument)))
                })
                .unwrap_or_default(),
        ),
    ]
}

/// What the export is of, for the file's name: `signpost-dataset-2026-01-01-to-2026-03-31.csv`.
pub fn file_name(period: &Period) -> String {
    format!("signpost-dataset-{}-to-{}.csv", period.from, period.to)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::casework::Uptake;
    use crate::store::evaluation::Baseline;
    use signpost_core::workflow::{Closure, Outcome, Status};
    use signpost_core::{Channel, Language};

    fn row() -> DatasetRow {
        DatasetRow {
            received_month: "2026-01".into(),
            practice: "43210".into(),
            age_band: Some("35_44"),
            postcode_district: Some("G42".into()),
            language: Language::Gd,
            channel: Channel::Assisted,
            organisation: Some("=Southside, \"Foodbank\"".into()),
            needs: vec!["food".into(), "housing".into()],
            urgent_help_asked: false,
            unsafe_at_home: None,
            interpreter_needed: true,
            status: Status::Closed,
            status_history: vec![(Status::Contacted, 2.06), (Status::Closed, 30.0)],
            days_to_first_contact: Some(2.06),
            onward: vec![
                ("food".into(), Uptake::Yes),
                ("housing".into(), Uptake::NotYet),
            ],
            closure: Some(Closure::Completed(Outcome::ReferredOn)),
            days_to_close: Some(30.0),
            baseline: Some(Baseline {
                instrument: Instrument::Swemwbs,
                score: 18.59,
            }),
            follow_ups: vec![(21.54, 84.0), (15.59, 170.25)],
        }
    }

    #[test]
    fn a_row_is_the_dictionarys_columns_in_its_words() {
        let csv = write(&[row()]);
        let mut lines = csv.split("\r\n");
        assert_eq!(lines.next().unwrap(), header());
        assert_eq!(
            lines.next().unwrap(),
            "1,2026-01,43210,35_44,G42,gd,assisted,\"'=Southside, \"\"Foodbank\"\"\",food;housing,\
             no,,yes,closed,contacted:2.1;closed:30.0,2.1,food:yes;housing:not_yet,1,completed,\
             referred_on,30.0,swemwbs,18.59,yes,2,21.54:84.0;15.59:170.2,-3.00,yes"
        );
        assert_eq!(lines.next(), Some(""));
    }

    #[test]
    fn without_a_baseline_the_wellbeing_cells_are_empty() {
        let mut plain = row();
        plain.baseline = None;
        plain.follow_ups.clear();
        let cells = cells(7, &plain);
        assert_eq!(cells.len(), COLUMNS.len());
        assert_eq!(cells[0], "7");
        assert_eq!(cells[20..], ["", "", "", "0", "", "", ""]);
    }
}
