//! The purge's statements. Times are stored fixed-width (`clock::timestamp`), so they compare as
//! text.

use rusqlite::{Connection, TransactionBehavior};
use time::OffsetDateTime;

use crate::clock;
use crate::store::Purged;

pub fn purge(
    conn: &mut Connection,
    closed_before: OffsetDateTime,
    now: OffsetDateTime,
) -> rusqlite::Result<Purged> {
    let (closed_before, now) = (clock::timestamp(closed_before), clock::timestamp(now));
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    // The closing time is the latest move to closed: a closed referral cannot move again.
    let referrals = tx.execute(
        "DELETE FROM referrals WHERE status = 'closed' AND
             (SELECT max(at) FROM status_changes s
              WHERE s.referral_id = referrals.id AND s.to_status = 'closed') < ?1",
        [&closed_before],
    )?;
    let follow_up_links = tx.execute(
        "DELETE FROM checkins WHERE used_at IS NULL AND expires_at < ?1",
        [&now],
    )?;
    let kept_without_closing_time: i64 = tx.query_row(
        "SELECT count(*) FROM referrals WHERE status = 'closed' AND NOT EXISTS
             (SELECT 1 FROM status_changes s WHERE s.referral_id = referrals.id AND s.to_status = 'closed')",
        [],
        |row| row.get(0),
    )?;
    tx.commit()?;
    Ok(Purged {
        referrals: referrals as u64,
        follow_up_links: follow_up_links as u64,
        kept_without_closing_time: kept_without_closing_time as u64,
    })
}
