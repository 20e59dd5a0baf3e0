//! One referral as a FHIR R4 `collection` Bundle, for GP and health board systems: the Patient,
//! the referral as a ServiceRequest coded SNOMED CT 871731000000106, the Task that follows the
//! inbox workflow as the HL7 Gravity SDOH referral guide uses it, the answers as a
//! QuestionnaireResponse, the Consent, and an Observation for each wellbeing score (the baseline
//! and every answered follow-up). The types are signpost-core's (`signpost_core::fhir`).
//!
//! This export identifies the person: only a link worker of the referral's practice, or an admin,
//! may make it (`inbox/fhir_export.rs`), or the command line (`export --format fhir`).
//!
//! Each entry's full URL is a `urn:uuid:` made from the referral's reference and the entry's
//! name with SHA-256 (a version-8 UUID, RFC 9562), so exporting the same referral twice gives
//! the same addresses and a receiver can recognise a resource it has seen.

mod answers;
mod consent;
mod labels;
mod patient;
mod referral;
mod wellbeing;

use sha2::{Digest, Sha256};
use signpost_core::fhir::{
    Bundle, BundleKind, BundleType, Entry, Identifier, Reference, Resource, PRACTICE_SYSTEM,
    REFERENCE_SYSTEM,
};
use signpost_core::Questionnaire;

use crate::store::casework::CaseRecord;
use crate::store::{Store, StoreError, StoredCheckin, StoredReferral};

/// The media type of the export (FHIR's own JSON).
pub const MEDIA_TYPE: &str = "application/fhir+json";

/// Everything the service holds that goes into one referral's Bundle.
#[derive(Debug, Clone)]
pub struct ReferralRecord {
    pub referral: StoredReferral,
    pub case: CaseRecord,
    /// Oldest first; only answered ones become Observations.
    pub follow_ups: Vec<StoredCheckin>,
}

/// Why a stored referral cannot be exported.
#[derive(Debug)]
pub enum ExportError {
    Store(StoreError),
    /// What is stored as JSON (the body, the consent purposes) is not what it should be.
    Stored(String),
}

impl std::fmt::Display for ExportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExportError::Store(e) => write!(f, "could not read the database: {e}"),
            ExportError::Stored(what) => write!(f, "a stored referral is not valid: {what}"),
        }
    }
}

impl std::error::Error for ExportError {}

impl From<StoreError> for ExportError {
    fn from(error: StoreError) -> Self {
        ExportError::Store(error)
    }
}

/// Reads what one referral's Bundle needs; `None` when there is no such referral.
pub async fn gather(
    store: &dyn Store,
    reference: &str,
) -> Result<Option<ReferralRecord>, StoreError> {
    let Some(referral) = store.find_referral(reference).await? else {
        return Ok(None);
    };
    let case = store.case_record(reference).await?.unwrap_or_default();
    let follow_ups = store.checkins_for(reference).await?;
    Ok(Some(ReferralRecord {
        referral,
        case,
        follow_ups,
    }))
}

/// The Bundle of one referral, as of `exported_at` (`clock::timestamp`). `questionnaire` is the
/// service's: it gives each answer its type when the referral was made with it.
pub fn bundle(
    record: &ReferralRecord,
    questionnaire: &Questionnaire,
    exported_at: &str,
) -> Result<Bundle, ExportError> {
    let reference = &record.referral.reference;
    let ids = Ids { reference };
    let body: serde_json::Value = serde_json::from_str(&record.referral.body)
        .map_err(|e| ExportError::Stored(format!("{reference}'s body: {e}")))?;
    let answers: signpost_core::Answers = serde_json::from_value(body["answers"].clone())
        .map_err(|e| ExportError::Stored(format!("{reference}'s answers: {e}")))?;

    let mut entry = vec![ids.entry(
        "Patient",
        Resource::Patient(patient::patient(&record.referral, &answers)),
    )];
    let scores = wellbeing::observations(record, &ids);
    entry.push(ids.entry(
        "ServiceRequest",
        Resource::ServiceRequest(referral::service_request(record, &answers, &ids)),
    ));
    entry.push(ids.entry(
        "Task",
        Resource::Task(referral::task(record, &ids, &scores)),
    ));
    entry.push(ids.entry(
        "QuestionnaireResponse",
        Resource::QuestionnaireResponse(answers::questionnaire_response(
            record,
            &answers,
            questionnaire,
            &ids,
        )),
    ));
    entry.push(ids.entry(
        "Consent",
        Resource::Consent(consent::consent(&record.referral, &ids)?),
    ));
    entry.extend(
        scores
            .into_iter()
            .map(|scored| ids.entry(&scored.name, Resource::Observation(scored.observation))),
    );
    Ok(Bundle {
        resource_type: BundleType::Bundle,
        identifier: Identifier {
            system: REFERENCE_SYSTEM.to_owned(),
            value: reference.clone(),
        },
        kind: BundleKind::Collection,
        timestamp: exported_at.to_owned(),
        entry,
    })
}

/// The full URLs of one referral's entries.
pub(crate) struct Ids<'a> {
    reference: &'a str,
}

impl Ids<'_> {
    /// `urn:uuid:` of the entry called `name` (`Patient`, `Observation/follow-up-2`, …).
    pub(crate) fn url(&self, name: &str) -> String {
        format!(
            "urn:uuid:{}",
            uuid_v8(&format!("signpost:{}:{name}", self.reference))
        )
    }

    fn entry(&self, name: &str, resource: Resource) -> Entry {
        Entry {
            full_url: self.url(name),
            resource,
        }
    }
}

/// The practice's link worker service, known by its practice code: the referral is to it, it
/// works the Task and holds the consent.
pub(crate) fn practice(code: &str) -> Reference {
    Reference {
        kind: Some("Organization".to_owned()),
        identifier: Some(Identifier {
            system: PRACTICE_SYSTEM.to_owned(),
            value: code.to_owned(),
        }),
        display: Some(format!("Practice {code}")),
        ..Reference::default()
    }
}

/// A version-8 UUID (RFC 9562, section 5.8) from the first 128 bits of SHA-256 of `name`.
fn uuid_v8(name: &str) -> String {
    let digest = Sha256::digest(name.as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    bytes[6] = (bytes[6] & 0x0f) | 0x80;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// Text as a FHIR `string`: FHIR's JSON schema allows no whitespace but space, tab and line
/// breaks (`^[ \r\n\t\S]+$`), so any other (a no-break space, a line separator) becomes a space.
/// The widget already refuses control characters; nothing else is changed.
pub(crate) fn fhir_string(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_whitespace() && !matches!(c, ' ' | '\t' | '\r' | '\n') {
                ' '
            } else {
                c
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_version_8_uuids_stable_for_a_reference() {
        let ids = Ids {
            reference: "SP-7K3M-Q9X2",
        };
        let url = ids.url("Patient");
        assert_eq!(url, ids.url("Patient"));
        assert_ne!(url, ids.url("Task"));
        let uuid = url.strip_prefix("urn:uuid:").unwrap();
        let groups: Vec<_> = uuid.split('-').map(str::len).collect();
        assert_eq!(groups, [8, 4, 4, 4, 12]);
        assert_eq!(&uuid[14..15], "8", "version 8: {uuid}");
        assert!(
            matches!(&uuid[19..20], "8" | "9" | "a" | "b"),
            "RFC variant: {uuid}"
        );
        let other = Ids {
            reference: "SP-AAAA-BBBB",
        };
        assert_ne!(url, other.url("Patient"));
    }

    #[test]
    fn other_whitespace_becomes_a_space_and_nothing_else_changes() {
        assert_eq!(
            fhir_string("Ali\u{a0}Khan\u{2028}Flat 2\nمرحبا\t"),
            "Ali Khan Flat 2\nمرحبا\t"
        );
    }
}
