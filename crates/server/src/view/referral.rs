//! One stored referral, safe-contact answers first.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;
use signpost_core::answers::SAFE_CONTACT_QUESTIONS;
use signpost_core::{Channel, Instrument, Language};

use crate::store::StoredReferral;
use crate::wellbeing::Wellbeing;

/// `referral show` prints this, one JSON object, its keys in this order.
#[derive(Debug, Serialize)]
pub struct ShownReferral {
    pub reference: String,
    /// How it is safe to contact the person, first, before anything else is read: the answers
    /// to the safe-contact questions that were asked (`"yes"` or `"no"`).
    pub safe_contact: BTreeMap<String, Value>,
    pub received_at: String,
    /// The status's stable name (`new`, `contacted`, `active`, …).
    pub status: &'static str,
    pub channel: Channel,
    /// Who helped with an assisted referral; `null` for a self-referral.
    pub organisation: Option<String>,
    pub practice: String,
    pub language: Language,
    pub consent: ShownConsent,
    /// `null` only for a referral stored before questionnaires.
    pub questionnaire: Option<ShownQuestionnaire>,
    /// `null` when the check-in was skipped.
    pub wellbeing: Option<ShownWellbeing>,
    /// The canonical body, exactly as stored.
    pub referral: Value,
}

#[derive(Debug, Serialize)]
pub struct ShownQuestionnaire {
    pub id: String,
    pub version: String,
}

/// The check-in as the service scored it.
#[derive(Debug, Serialize)]
pub struct ShownWellbeing {
    pub instrument: Instrument,
    pub items: Vec<u8>,
    /// WEMWBS total, or SWEMWBS metric score.
    pub score: f64,
    pub raw: u8,
}

#[derive(Debug, Serialize)]
pub struct ShownConsent {
    pub version: String,
    pub purposes: Value,
    pub consented_at: String,
}

impl ShownReferral {
    /// Fails only if what is stored as JSON (the body, the consent purposes) is not JSON.
    pub fn new(stored: StoredReferral) -> Result<ShownReferral, serde_json::Error> {
        let referral: Value = serde_json::from_str(&stored.body)?;
        let safe_contact = SAFE_CONTACT_QUESTIONS
            .iter()
            .filter_map(|id| {
                referral["answers"]
                    .get(id)
                    .map(|answer| (id.to_string(), answer.clone()))
            })
            .collect();
        Ok(ShownReferral {
            reference: stored.reference,
            safe_contact,
            received_at: stored.received_at,
            status: stored.status.as_str(),
            channel: stored.channel,
            organisation: stored.organisation,
            practice: stored.practice,
            language: stored.language,
            consent: ShownConsent {
                version: stored.consent_version,
                purposes: serde_json::from_str(&stored.consent_purposes)?,
                consented_at: stored.consented_at,
            },
            questionnaire: stored
                .questionnaire
                .map(|(id, version)| ShownQuestionnaire { id, version }),
            wellbeing: stored.wellbeing.map(ShownWellbeing::from),
            referral,
        })
    }
}

impl From<Wellbeing> for ShownWellbeing {
    fn from(stored: Wellbeing) -> Self {
        ShownWellbeing {
            instrument: stored.instrument,
            items: stored.items,
            score: stored.score,
            raw: stored.raw,
        }
    }
}
