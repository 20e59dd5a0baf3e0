//! What the service knows, counted: the minimum dataset's rows (one per referral whose consent
//! includes evaluation, nothing that identifies the person) and the monitoring page's figures.
//!
//! Management counts (referrals, first contact, closures, onward referrals) count everyone, as
//! the issue allows. Wellbeing figures count only people who agreed to evaluation, the same people
//! as the dataset's rows, so an evaluator can work every wellbeing figure on the page again from
//! the CSV.

use async_trait::async_trait;
use signpost_core::evaluation::{Cohort, WellbeingSummary};
use signpost_core::workflow::{Closure, Outcome, Status};
use signpost_core::{Channel, Instrument, Language};
use time::Date;

use super::casework::{Scope, Uptake};
use super::StoreError;

pub(crate) mod dataset;
pub(crate) mod figures;

/// Referrals received from `from` to `to` (UTC calendar days, both included) in `scope`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    pub scope: Scope,
    pub from: Date,
    pub to: Date,
}

/// One row of the minimum dataset, typed; `export::csv` writes it in the dictionary's words
/// (`signpost_core::dataset::COLUMNS`).
#[derive(Debug, Clone, PartialEq)]
pub struct DatasetRow {
    /// `YYYY-MM`.
    pub received_month: String,
    pub practice: String,
    /// `None` for a referral stored before questionnaires (no date of birth to band).
    pub age_band: Option<&'static str>,
    pub postcode_district: Option<String>,
    pub language: Language,
    pub channel: Channel,
    pub organisation: Option<String>,
    pub needs: Vec<String>,
    pub urgent_help_asked: bool,
    /// `None` when the question was not asked.
    pub unsafe_at_home: Option<bool>,
    pub interpreter_needed: bool,
    pub status: Status,
    /// Each move, as the status moved to and the days since arrival.
    pub status_history: Vec<(Status, f64)>,
    pub days_to_first_contact: Option<f64>,
    pub onward: Vec<(String, Uptake)>,
    pub closure: Option<Closure>,
    pub days_to_close: Option<f64>,
    pub baseline: Option<Baseline>,
    /// Answered follow-ups on the baseline's scale, oldest first: the score and the days since the
    /// baseline. Empty without a baseline: a score with nothing to compare it to is not a change.
    pub follow_ups: Vec<(f64, f64)>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Baseline {
    pub instrument: Instrument,
    pub score: f64,
}

/// A count of referrals with some value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tally<K> {
    pub key: K,
    pub count: u32,
}

/// How referrals ended, or where the open ones are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Ending {
    Open(Status),
    /// Closed before reasons were kept (migration 0007).
    ClosedWithoutReason,
    Completed(OutcomeKey),
    CouldNotContact,
    Declined,
    NotSuitable,
}

/// `Outcome` with an order, so the page lists outcomes the same way every time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OutcomeKey {
    SupportGiven,
    ConnectedToService,
    ReferredOn,
}

impl From<Outcome> for OutcomeKey {
    fn from(outcome: Outcome) -> Self {
        match outcome {
            Outcome::SupportGiven => OutcomeKey::SupportGiven,
            Outcome::ConnectedToService => OutcomeKey::ConnectedToService,
            Outcome::ReferredOn => OutcomeKey::ReferredOn,
        }
    }
}

impl From<OutcomeKey> for Outcome {
    fn from(key: OutcomeKey) -> Self {
        match key {
            OutcomeKey::SupportGiven => Outcome::SupportGiven,
            OutcomeKey::ConnectedToService => Outcome::ConnectedToService,
            OutcomeKey::ReferredOn => Outcome::ReferredOn,
        }
    }
}

impl Ending {
    pub fn of(status: Status, closure: Option<Closure>) -> Ending {
        match (status, closure) {
            (Status::Closed, Some(Closure::Completed(outcome))) => {
                Ending::Completed(outcome.into())
            }
            (Status::Closed, Some(Closure::CouldNotContact)) => Ending::CouldNotContact,
            (Status::Closed, Some(Closure::Declined)) => Ending::Declined,
            (Status::Closed, Some(Closure::NotSuitable)) => Ending::NotSuitable,
            (Status::Closed, None) => Ending::ClosedWithoutReason,
            (open, _) => Ending::Open(open),
        }
    }

    pub fn label(self) -> String {
        match self {
            Ending::Open(status) => format!("Open: {}", status.label()),
            Ending::ClosedWithoutReason => "Closed, no reason kept".to_owned(),
            Ending::Completed(outcome) => {
                format!("Completed: {}", Outcome::from(outcome).label())
            }
            Ending::CouldNotContact => "Closed: could not contact".to_owned(),
            Ending::Declined => "Closed: declined".to_owned(),
            Ending::NotSuitable => "Closed: not suitable".to_owned(),
        }
    }
}

/// Onward referrals of one kind, by whether they were taken up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OnwardTally {
    pub kind: String,
    pub yes: u32,
    pub no: u32,
    pub not_yet: u32,
}

/// Time from arrival to the first move to Contacted.
#[derive(Debug, Clone, PartialEq)]
pub struct FirstContact {
    pub contacted: u32,
    /// Referrals never moved to Contacted (still new, or closed straight from New).
    pub not_contacted: u32,
    /// Median and 90th percentile, in days; `None` for fewer than 5 contacted.
    pub median_p90_days: Option<(f64, f64)>,
}

/// Everything the monitoring page shows for a period, before the small-number rule (the page
/// applies `Count` to every count; the wellbeing summaries already hold it).
#[derive(Debug, Clone, PartialEq)]
pub struct Monitoring {
    pub referrals: u32,
    /// Every month of the period, oldest first, with zeros: `YYYY-MM`.
    pub by_month: Vec<Tally<String>>,
    pub by_channel: Vec<Tally<Channel>>,
    /// Most first.
    pub by_practice: Vec<Tally<String>>,
    /// Most first; a referral may name several.
    pub by_need: Vec<Tally<String>>,
    pub by_language: Vec<Tally<Language>>,
    pub first_contact: FirstContact,
    pub endings: Vec<Tally<Ending>>,
    pub onward: Vec<OnwardTally>,
    /// Referrals that agreed to evaluation, whose wellbeing is summarised below.
    pub evaluation_consented: u32,
    /// Consented referrals whose check-in was skipped at the start.
    pub without_baseline: u32,
    /// One summary a cohort that has any baseline, in `Cohort` order.
    pub wellbeing: Vec<(Cohort, WellbeingSummary)>,
}

#[async_trait]
pub trait Evaluation: Send + Sync {
    /// The minimum dataset's rows for `period`, oldest referral first: only referrals whose
    /// consent includes evaluation.
    async fn dataset(&self, period: Period) -> Result<Vec<DatasetRow>, StoreError>;

    /// The monitoring page's figures for `period`.
    async fn monitoring(&self, period: Period) -> Result<Monitoring, StoreError>;

    /// Every practice code that has a referral, in order: the admin's choice on the page.
    async fn practices_with_referrals(&self) -> Result<Vec<String>, StoreError>;
}
