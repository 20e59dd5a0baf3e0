//! A person's rights over what is held about them (UK GDPR articles 15 and 17), for one referral:
//! `person export --reference …` prints everything held as JSON; `person erase --reference …
//! --confirm` deletes the referral and everything that hangs from it. Both leave an audit entry,
//! which names the reference and nothing else.

use clap::Subcommand;
use time::OffsetDateTime;

use super::{block_on, check_reference, open_existing, DbArg};
use crate::clock;
use crate::store::{AuditAction, AuditQuery, NewAuditEntry, Store};
use crate::view::{PersonRecord, ShownReferral, PERSON_EXPORT_SCHEMA};

/// More audit entries than one referral gathers in years of work.
const AUDIT_ENTRIES: u32 = 500;

#[derive(Debug, Subcommand)]
pub enum PersonCommand {
    /// Print everything held about one referral (answers, history, follow-ups, audit entries
    /// about it) as JSON, for a subject access request.
    Export {
        #[arg(long)]
        reference: String,
        #[command(flatten)]
        db: DbArg,
    },
    /// Delete one referral and everything held with it; an audit entry records that it was.
    Erase {
        #[arg(long)]
        reference: String,
        /// Say that you mean it: erasure cannot be undone (restore from a backup to get it back).
        #[arg(long)]
        confirm: bool,
        #[command(flatten)]
        db: DbArg,
    },
}

pub fn run(command: PersonCommand) -> Result<(), String> {
    match command {
        PersonCommand::Export { reference, db } => {
            check_reference(&reference)?;
            let store = open_existing(&db.path)?;
            let record = block_on(export(
                store.as_ref(),
                &reference,
                OffsetDateTime::now_utc(),
            ))??
            .ok_or_else(|| format!("no referral {reference} in {}", db.path.display()))?;
            println!(
                "{}",
                serde_json::to_string_pretty(&record).map_err(|e| e.to_string())?
            );
            Ok(())
        }
        PersonCommand::Erase {
            reference,
            confirm,
            db,
        } => {
            check_reference(&reference)?;
            if !confirm {
                return Err(format!(
                    "erasing {reference} cannot be undone; add --confirm if you mean it"
                ));
            }
            let store = open_existing(&db.path)?;
            let erased = block_on(erase(store.as_ref(), &reference, OffsetDateTime::now_utc()))??;
            if !erased {
                return Err(format!("no referral {reference} in {}", db.path.display()));
            }
            println!("erased {reference}");
            Ok(())
        }
    }
}

/// Everything held about `reference`, or `None` when there is no such referral. Writes the
/// audit entry first, so the export it makes lists itself.
pub async fn export(
    store: &dyn Store,
    reference: &str,
    now: OffsetDateTime,
) -> Result<Option<PersonRecord>, String> {
    let failed = |e: crate::store::StoreError| format!("could not read the database: {e}");
    let Some(stored) = store.find_referral(reference).await.map_err(failed)? else {
        return Ok(None);
    };
    store
        .audit(NewAuditEntry::new(AuditAction::PersonExported, now).about(reference))
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

/// Deletes `reference` and what hangs from it; `false` when there was no such referral. The audit
/// entry is written after the deletion committed, so it never claims an erasure that failed.
pub async fn erase(
    store: &dyn Store,
    reference: &str,
    now: OffsetDateTime,
) -> Result<bool, String> {
    let erased = store
        .erase_referral(reference)
        .await
        .map_err(|e| format!("could not erase {reference}: {e}"))?;
    if erased {
        store
            .audit(NewAuditEntry::new(AuditAction::PersonErased, now).about(reference))
            .await
            .map_err(|e| format!("{reference} was erased, but the audit entry failed: {e}"))?;
    }
    Ok(erased)
}
