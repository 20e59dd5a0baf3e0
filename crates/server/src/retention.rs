//! Keeping only what is needed (UK GDPR storage limitation): referrals closed more than the
//! retention period ago, and follow-up links that expired unused, are deleted, by a daily task
//! inside `serve` and by `signpost-server purge`. Each purge is written to the audit log with
//! its counts, never contents.
//!
//! A referral closed before migration 0007 has no recorded closing time, so no purge can know it
//! is old enough: it is kept, and counted as kept, until a person erases it (`person erase`).

use std::time::Duration as StdDuration;

use time::{Duration, OffsetDateTime};

use crate::store::{AuditAction, NewAuditEntry, Purged, Store, StoreError};

/// Two years after closing, unless the service is configured otherwise.
pub const DEFAULT_RETENTION_DAYS: u16 = 730;

/// How often `serve` purges.
pub const EVERY: StdDuration = StdDuration::from_secs(24 * 60 * 60);

/// Deletes what is past its time as of `now`, and audits the counts.
pub async fn purge(
    store: &dyn Store,
    retention_days: u16,
    now: OffsetDateTime,
) -> Result<Purged, StoreError> {
    let closed_before = now - Duration::days(i64::from(retention_days));
    let purged = store.purge(closed_before, now).await?;
    store
        .audit(NewAuditEntry::new(AuditAction::Purged, now).detail(format!(
            "retention_days={retention_days} referrals={} follow_up_links={} kept_without_closing_time={}",
            purged.referrals, purged.follow_up_links, purged.kept_without_closing_time
        )))
        .await?;
    Ok(purged)
}

/// The daily task: a purge at start, then one every [`EVERY`]. A failure is logged and tried
/// again at the next turn; it never stops the service.
pub async fn run_daily(store: std::sync::Arc<dyn Store>, retention_days: u16) {
    let mut every = tokio::time::interval(EVERY);
    loop {
        every.tick().await;
        match purge(store.as_ref(), retention_days, OffsetDateTime::now_utc()).await {
            Ok(purged) => tracing::info!(
                referrals = purged.referrals,
                follow_up_links = purged.follow_up_links,
                "purged what is past its retention period"
            ),
            Err(e) => tracing::error!(error = %e, "the daily purge failed; trying again tomorrow"),
        }
    }
}
