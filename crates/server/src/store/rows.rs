//! What goes into the store and what comes out of it, typed: statuses, channels, scales and
//! languages are signpost-core's enums, never strings, so a row the rules forbid cannot be built.

use signpost_core::workflow::Status;
use signpost_core::{
    Channel, CheckinResult, ConsentPurpose, Instrument, Language, QuestionnaireRef, RawReferral,
    Referral, ScorePoint,
};

use crate::notify::Planned;
use crate::token::TokenHash;
use crate::wellbeing::Wellbeing;

/// A checked referral ready to store, with what the service knows about how it arrived.
#[derive(Debug, Clone)]
pub struct NewReferral {
    pub idempotency_key: String,
    /// Hex SHA-256 of the request body exactly as received.
    pub body_sha256: String,
    /// UTC, RFC 3339 (`clock::timestamp`); also the moment consent reached the service.
    pub received_at: String,
    pub status: Status,
    pub practice: String,
    pub channel: Channel,
    /// Who helped with an assisted referral; `None` for a self-referral.
    pub organisation: Option<String>,
    pub language: Language,
    pub consent_version: String,
    pub consent_purposes: Vec<ConsentPurpose>,
    pub questionnaire: QuestionnaireRef,
    /// The check-in as the service scored it; `None` when it was skipped.
    pub wellbeing: Option<Wellbeing>,
    /// The canonical wire form, which is what is stored as the body.
    pub body: RawReferral,
    /// The email to queue with it, in the same transaction; `None` when nobody is to be told.
    pub notify: Option<Planned>,
}

impl NewReferral {
    /// A referral signpost-core accepted, as received at `received_at`: it starts as `New`, and
    /// its check-in is scored here from the checked items (the wire format has no score).
    pub fn new(
        referral: &Referral,
        idempotency_key: String,
        body_sha256: String,
        received_at: String,
    ) -> NewReferral {
        NewReferral {
            idempotency_key,
            body_sha256,
            received_at,
            status: Status::New,
            practice: referral.practice().as_ref().to_owned(),
            channel: referral.channel(),
            organisation: referral.organisation().map(str::to_owned),
            language: referral.language(),
            consent_version: referral.consent().version().to_owned(),
            consent_purposes: referral.consent().purposes().iter().copied().collect(),
            questionnaire: referral.questionnaire().clone(),
            wellbeing: referral.wellbeing().map(Wellbeing::score),
            body: RawReferral::from(referral),
            notify: None,
        }
    }

    /// With the email that tells the practice's team (`NotifySettings::plan`).
    pub fn notifying(self, notify: Option<Planned>) -> NewReferral {
        NewReferral { notify, ..self }
    }
}

/// What the person is told: their reference and when it arrived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    pub reference: String,
    pub received_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stored {
    /// Committed just now.
    Created(Receipt),
    /// The same key and the same body arrived before: this is a retry.
    Replayed(Receipt),
    /// The same key arrived before with a different body.
    KeyReused,
}

/// A stored referral, as the command line and (later) the inbox and exports read it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredReferral {
    pub reference: String,
    pub received_at: String,
    pub status: Status,
    pub channel: Channel,
    /// Who helped with an assisted referral; `None` for a self-referral, and for an assisted one
    /// stored before migration 0003.
    pub organisation: Option<String>,
    pub practice: String,
    pub language: Language,
    pub consent_version: String,
    /// The consent purposes as stored: a JSON array (kept as text, so a referral stored under
    /// older consent words still reads back).
    pub consent_purposes: String,
    pub consented_at: String,
    /// `(id, version)`; `None` only for a referral stored before questionnaires (migration 0002).
    pub questionnaire: Option<(String, String)>,
    /// `None` when the check-in was skipped (or the referral predates migration 0002).
    pub wellbeing: Option<Wellbeing>,
    /// The canonical wire form as stored (JSON). A referral stored before questionnaires has the
    /// first wire format, so this stays text rather than a `RawReferral`.
    pub body: String,
}

/// A follow-up link to add: its token's hash (the token itself is never stored), the scale it
/// asks, and when it was made and runs out (`clock::timestamp`).
#[derive(Debug, Clone, PartialEq)]
pub struct NewCheckin {
    pub reference: String,
    pub token: TokenHash,
    pub instrument: Instrument,
    pub created_at: String,
    pub expires_at: String,
}

/// Why a follow-up link cannot be answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkClosed {
    /// No link has this token (or it was mistyped).
    Unknown,
    /// Its time ran out before it was answered.
    Expired,
    /// It was answered already: each is used once.
    Used,
}

/// What a token opens.
#[derive(Debug, Clone, PartialEq)]
pub enum Lookup {
    Open(OpenCheckin),
    Closed(LinkClosed),
}

/// A check-in that can still be answered.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenCheckin {
    pub instrument: Instrument,
    /// The referral's own score, when it had one on this scale.
    pub baseline: Option<ScorePoint>,
}

/// A checked answer to a follow-up link, scored by the service.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckinAnswer {
    pub wellbeing: Wellbeing,
    pub language: Language,
}

/// What storing an answer came to.
#[derive(Debug, Clone, PartialEq)]
pub enum Answered {
    /// Stored just now; the scores to show the person, the baseline first.
    Stored(CheckinResult),
    Closed(LinkClosed),
}

/// A follow-up link as stored, for the inbox and the tests.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredCheckin {
    pub referral_reference: String,
    pub instrument: Instrument,
    pub created_at: String,
    pub expires_at: String,
    pub used_at: Option<String>,
    /// `None` until answered; then what the service scored, as for a referral.
    pub answer: Option<CheckinAnswer>,
}

/// What a purge deleted, and what it had to keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Purged {
    pub referrals: u64,
    pub follow_up_links: u64,
    /// Closed referrals with no recorded closing time (closed before migration 0007).
    pub kept_without_closing_time: u64,
}
