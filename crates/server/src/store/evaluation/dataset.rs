//! The dataset rows' Rust half, shared by the engines: each reads a referral's columns and the
//! answers below with its own SQL, and makes its row here, so the same data gives the same rows
//! whichever engine keeps it.
//!
//! The date of birth and the postcode are read only to be turned into an age band and a district
//! by signpost-core, here: nothing that identifies the person goes further.

use signpost_core::dataset::{age_band, postcode_district};
use signpost_core::fields::{CalendarDate, Postcode};
use signpost_core::workflow::{Closure, Status};
use signpost_core::{Channel, Language};

use super::{Baseline, DatasetRow};

/// Where in the stored body a row's answers are, in [`Answers`]' order (dots between keys). The
/// first wire format kept the needs at the top (`needs`).
pub const ANSWER_PATHS: [&str; 6] = [
    "answers.safe_to_contact_at_home",
    "answers.interpreter",
    "answers.date_of_birth",
    "answers.postcode",
    "answers.needs",
    "needs",
];

/// The values at [`ANSWER_PATHS`], read as one JSON array; absent ones are nulls.
#[derive(serde::Deserialize)]
pub struct Answers(
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<Vec<String>>,
    Option<Vec<String>>,
);

/// A consenting referral's own columns, as stored.
pub struct Referral {
    /// `clock::timestamp` text.
    pub received_at: String,
    pub practice: String,
    pub language: Language,
    pub channel: Channel,
    pub organisation: Option<String>,
    pub status: Status,
    pub closure: Option<Closure>,
    pub baseline: Option<Baseline>,
    pub urgent: bool,
    pub answers: Answers,
}

impl From<Referral> for DatasetRow {
    fn from(referral: Referral) -> DatasetRow {
        let Answers(unsafe_at_home, interpreter, born, postcode, needs, first_needs) =
            referral.answers;
        let received_at = referral.received_at;
        let received_on = received_at.get(..10).and_then(CalendarDate::parse_iso);
        let born = born.as_deref().and_then(CalendarDate::parse_iso);
        let district = postcode
            .and_then(|text| Postcode::parse(&text).ok())
            .map(|postcode| postcode_district(&postcode).to_owned());
        DatasetRow {
            received_month: received_at.get(..7).unwrap_or_default().to_owned(),
            practice: referral.practice,
            age_band: born.zip(received_on).map(|(born, on)| age_band(born, on)),
            postcode_district: district,
            language: referral.language,
            channel: referral.channel,
            organisation: referral.organisation,
            needs: needs.or(first_needs).unwrap_or_default(),
            urgent_help_asked: referral.urgent,
            unsafe_at_home: unsafe_at_home.map(|answer| answer == "no"),
            interpreter_needed: interpreter.as_deref() == Some("yes"),
            status: referral.status,
            status_history: Vec::new(),
            days_to_first_contact: None,
            days_to_close: None,
            onward: Vec::new(),
            closure: referral.closure,
            follow_ups: Vec::new(),
            baseline: referral.baseline,
        }
    }
}

/// Adds a move to `to`, `days` after arrival, to the row's history (moves oldest first).
pub fn record_move(row: &mut DatasetRow, to: Status, days: f64) {
    if to == Status::Contacted && row.days_to_first_contact.is_none() {
        row.days_to_first_contact = Some(days);
    }
    if to == Status::Closed {
        row.days_to_close = Some(days);
    }
    row.status_history.push((to, days));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_contact_is_the_first_and_the_close_the_last() {
        let answers: Answers = serde_json::from_value(serde_json::json!([
            "no",
            "yes",
            "1980-06-15",
            "G12 8QQ",
            null,
            ["food"]
        ]))
        .unwrap();
        let mut row = DatasetRow::from(Referral {
            received_at: "2026-11-25T10:04:05.120Z".into(),
            practice: "43210".into(),
            language: Language::En,
            channel: Channel::SelfReferral,
            organisation: None,
            status: Status::Closed,
            closure: Some(Closure::Declined),
            baseline: None,
            urgent: false,
            answers,
        });
        assert_eq!(row.received_month, "2026-11");
        assert_eq!(row.age_band, Some("45_54"));
        assert_eq!(row.postcode_district.as_deref(), Some("G12"));
        assert_eq!(row.needs, ["food"], "the first wire format's needs");
        assert_eq!(
            (row.unsafe_at_home, row.interpreter_needed),
            (Some(true), true)
        );
        for (to, days) in [
            (Status::Contacted, 1.5),
            (Status::OnHold, 3.0),
            (Status::Contacted, 4.0),
            (Status::Closed, 9.25),
        ] {
            record_move(&mut row, to, days);
        }
        assert_eq!(row.days_to_first_contact, Some(1.5));
        assert_eq!(row.days_to_close, Some(9.25));
        assert_eq!(row.status_history.len(), 4);
    }
}
