//! A person's rights over what is held about them (UK GDPR articles 15 and 17), for one referral,
//! the same from the command line (`person export|erase`, `cli/person.rs`) and from an admin's
//! referral page (`inbox/admin/person.rs`): [`export`] gathers everything held as a
//! [`PersonRecord`] and [`to_json`] writes it; [`erase`] deletes the referral and everything that
//! hangs from it. Each leaves one audit entry naming the reference and who asked (the admin's
//! account, or none for the command line), and nothing else.

use time::OffsetDateTime;

use crate::clock;
use crate::inbox::manage::ChangedBy;
use crate::store::{AuditAction, AuditQuery, NewAuditEntry, Store, StoreError};
use crate::view::{PersonRecord, ShownReferral, PERSON_EXPORT_SCHEMA};

/// More audit entries than one referral gathers in years of work.
const AUDIT_ENTRIES: u32 = 500;

/// Everything held about `reference`, or `None` when there is no such referral. Writes the
/// audit entry first, so the export it makes lists itself.
pub async fn export(
    store: &dyn Store,
    reference: &str,
    by: &ChangedBy,
    now: OffsetDateTime,
) -> Result<Option<PersonRecord>, String> {
    let failed = |e: StoreError| format!("could not read the database: {e}");
    let Some(stored) = store.find_referral(reference).await.map_err(failed)? else {
        return Ok(None);
    };
    store
        .audit(by.stamp(NewAuditEntry::new(AuditAction::PersonExported, now).about(reference)))
        .await
        .map_err(failed)?;
    let follow_ups = store.checkins_for(reference).await.map_err(failed)?;
    let audit = store
        .audit_log(AuditQuery {
            reference: Some(reference.to_owned()),
            before: None,
            limit: AUDIT_ENTRIES,
        })
        .await
        .map_err(failed)?;
    let referral = ShownReferral::new(stored)
        .map_err(|e| format!("the stored referral {reference} is not valid JSON: {e}"))?;
    Ok(Some(PersonRecord {
        schema: PERSON_EXPORT_SCHEMA,
        exported_at: clock::timestamp(now),
        referral,
        follow_ups: follow_ups.into_iter().map(Into::into).collect(),
        audit: audit.into_iter().map(Into::into).collect(),
    }))
}

/// The record as the command line prints it and the inbox downloads it: pretty JSON and a line
/// break, one writer for both so the two can never differ.
pub fn to_json(record: &PersonRecord) -> Result<String, serde_json::Error> {
    let mut json = serde_json::to_string_pretty(record)?;
    json.push('\n');
    Ok(json)
}

/// Deletes `reference` and what hangs from it; `false` when there was no such referral. The audit
/// entry is written after the deletion committed, so it never claims an erasure that failed.
pub async fn erase(
    store: &dyn Store,
    reference: &str,
    by: &ChangedBy,
    now: OffsetDateTime,
) -> Result<bool, String> {
    let erased = store
        .erase_referral(reference)
        .await
        .map_err(|e| format!("could not erase {reference}: {e}"))?;
    if erased {
        store
            .audit(by.stamp(NewAuditEntry::new(AuditAction::PersonErased, now).about(reference)))
            .await
            .map_err(|e| format!("{reference} was erased, but the audit entry failed: {e}"))?;
    }
    Ok(erased)
}
