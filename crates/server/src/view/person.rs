//! Everything held about one referral, as `person export` writes it for a subject access request
//! (UK GDPR article 15): the referral as stored, its follow-up check-ins, and the audit entries
//! about it. The follow-up links' tokens are not held (only their hashes), so none is shown.

use serde::Serialize;
use signpost_core::{Instrument, Language};

use super::{ShownReferral, ShownWellbeing};
use crate::store::{AuditEntry, StoredCheckin};

/// The whole record, one JSON object.
#[derive(Debug, Serialize)]
pub struct PersonRecord {
    /// `signpost.person-export/1`, so a reader knows what it holds.
    pub schema: &'static str,
    pub exported_at: String,
    pub referral: ShownReferral,
    pub follow_ups: Vec<ShownCheckin>,
    /// Who saw or changed the referral, when and from where: the person has a right to know.
    pub audit: Vec<ShownAuditEntry>,
}

pub const PERSON_EXPORT_SCHEMA: &str = "signpost.person-export/1";

#[derive(Debug, Serialize)]
pub struct ShownCheckin {
    pub instrument: Instrument,
    pub created_at: String,
    pub expires_at: String,
    pub answered_at: Option<String>,
    pub language: Option<Language>,
    pub wellbeing: Option<ShownWellbeing>,
}

impl From<StoredCheckin> for ShownCheckin {
    fn from(stored: StoredCheckin) -> Self {
        let (language, wellbeing) = match stored.answer {
            Some(answer) => (Some(answer.language), Some(answer.wellbeing.into())),
            None => (None, None),
        };
        ShownCheckin {
            instrument: stored.instrument,
            created_at: stored.created_at,
            expires_at: stored.expires_at,
            answered_at: stored.used_at,
            language,
            wellbeing,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct ShownAuditEntry {
    pub at: String,
    pub action: &'static str,
    /// The inbox account's number, or `null` for the command line or the service itself.
    pub actor: Option<i64>,
    pub client: Option<String>,
    pub detail: Option<String>,
}

impl From<AuditEntry> for ShownAuditEntry {
    fn from(entry: AuditEntry) -> Self {
        ShownAuditEntry {
            at: entry.at,
            action: entry.action.as_str(),
            actor: entry.actor,
            client: entry.client,
            detail: entry.detail,
        }
    }
}
