//! The purge's statements.

use time::OffsetDateTime;
use tokio_postgres::Transaction;

use crate::store::{Purged, StoreError};

pub async fn purge(
    tx: &Transaction<'_>,
    closed_before: OffsetDateTime,
    now: OffsetDateTime,
) -> Result<Purged, StoreError> {
    // The closing time is the latest move to closed: a closed referral cannot move again.
    let referrals = tx
        .execute(
            "DELETE FROM referrals WHERE status = 'closed' AND
                 (SELECT max(at) FROM status_changes s
                  WHERE s.referral_id = referrals.id AND s.to_status = 'closed') < $1",
            &[&closed_before],
        )
        .await?;
    let follow_up_links = tx
        .execute(
            "DELETE FROM checkins WHERE used_at IS NULL AND expires_at < $1",
            &[&now],
        )
        .await?;
    let kept_without_closing_time: i64 = tx
        .query_one(
            "SELECT count(*) FROM referrals WHERE status = 'closed' AND NOT EXISTS
                 (SELECT 1 FROM status_changes s
                  WHERE s.referral_id = referrals.id AND s.to_status = 'closed')",
            &[],
        )
        .await?
        .get(0);
    Ok(Purged {
        referrals,
        follow_up_links,
        kept_without_closing_time: kept_without_closing_time as u64,
    })
}
