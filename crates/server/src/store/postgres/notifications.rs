//! The notifications table (0001): queuing a referral's email in its own transaction, and the
//! worker's claim and outcomes, each one statement.
//!
//! Several instances claim from one table at once. The claim locks the rows it picks with
//! `FOR UPDATE SKIP LOCKED`, so two claims never wait for each other nor pick the same row: a row
//! another claim holds is passed over, and one it claimed and committed meanwhile is read again
//! before it is taken, when its new lease keeps it out.

use std::time::Duration;

use async_trait::async_trait;
use lettre::Address;
use signpost_core::fields::PracticeCode;
use time::OffsetDateTime;
use tokio_postgres::{GenericClient, Row, Transaction};

use super::{serializable, PgStore};
use crate::notify::{Claimed, Kind, LeaseToken, MessageId, Pending, Planned, Recorded, Reference};
use crate::store::notifications::{Notifications, MAX_ERROR_CHARS};
use crate::store::StoreError;

/// Queues the email planned for a referral just inserted, in the same transaction.
pub async fn queue(
    db: &impl GenericClient,
    referral_id: i64,
    planned: &Planned,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    db.execute(
        "INSERT INTO notifications (referral_id, kind, recipient, created_at, next_attempt_at)
         VALUES ($1, $2, $3, $4, $4)",
        &[
            &referral_id,
            &planned.kind.as_str(),
            &planned.to.to_string(),
            &now,
        ],
    )
    .await?;
    Ok(())
}

/// Queues a message about the stored referral `pending.reference`, in the caller's SERIALIZABLE
/// transaction; `None` if there is none. A referral already queued keeps its message (two
/// racing enqueues: the later's insert is a conflict, and tried again it finds the first's row).
async fn enqueue(
    tx: &Transaction<'_>,
    pending: &Pending,
    now: OffsetDateTime,
) -> Result<Option<MessageId>, StoreError> {
    let found = tx
        .query_opt(
            "SELECT id FROM referrals WHERE reference = $1",
            &[&pending.reference.as_ref()],
        )
        .await?;
    let Some(referral_id) = found.map(|row| row.get::<_, i64>(0)) else {
        return Ok(None);
    };
    tx.execute(
        "INSERT INTO notifications (referral_id, kind, recipient, created_at, next_attempt_at)
         VALUES ($1, $2, $3, $4, $4) ON CONFLICT (referral_id) DO NOTHING",
        &[
            &referral_id,
            &pending.kind.as_str(),
            &pending.to.to_string(),
            &now,
        ],
    )
    .await?;
    let id = tx
        .query_one(
            "SELECT id FROM notifications WHERE referral_id = $1",
            &[&referral_id],
        )
        .await?
        .get(0);
    Ok(Some(MessageId(id)))
}

/// Leases up to `limit` due, unleased (or lease-expired) unsent messages to one fresh token, in
/// one statement (outside any longer transaction: each row is re-read as it is locked).
async fn claim(
    db: &impl GenericClient,
    now: OffsetDateTime,
    lease: Duration,
    limit: usize,
) -> Result<Vec<Claimed>, StoreError> {
    let token = LeaseToken::random();
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let rows = db
        .query(
            "WITH due AS (
                 SELECT id FROM notifications
                  WHERE sent_at IS NULL AND next_attempt_at <= $3
                    AND (leased_until IS NULL OR leased_until <= $3)
                  ORDER BY next_attempt_at, id LIMIT $4
                    FOR UPDATE SKIP LOCKED
             ), claimed AS (
                 UPDATE notifications n
                    SET lease_token = $1, leased_until = $2, attempts = n.attempts + 1
                   FROM due, referrals r
                  WHERE n.id = due.id AND r.id = n.referral_id
                 RETURNING n.id, n.kind, n.recipient, n.attempts, r.reference, r.practice,
                           n.next_attempt_at
             )
             SELECT id, kind, recipient, attempts, reference, practice FROM claimed
             ORDER BY next_attempt_at, id",
            &[&token.0, &(now + lease), &now, &limit],
        )
        .await?;
    rows.iter().map(|row| claimed(row, token)).collect()
}

fn claimed(row: &Row, lease: LeaseToken) -> Result<Claimed, StoreError> {
    Ok(Claimed {
        id: MessageId(row.get(0)),
        lease,
        attempt: u32::try_from(row.get::<_, i64>(3)).map_err(|_| unreadable("an attempt count"))?,
        pending: Pending {
            kind: Kind::parse(row.get(1)).ok_or_else(|| unreadable("a kind of email"))?,
            to: row
                .get::<_, &str>(2)
                .parse::<Address>()
                .map_err(|_| unreadable("an email address"))?,
            reference: Reference::parse(row.get(4)).map_err(|_| unreadable("a reference"))?,
            practice: PracticeCode::parse(row.get(5)).map_err(|_| unreadable("a practice code"))?,
        },
    })
}

/// A stored value the service cannot read back; the message never repeats the value.
fn unreadable(what: &str) -> StoreError {
    StoreError::engine(format!("the stored value is not {what}"))
}

async fn mark_sent(
    db: &impl GenericClient,
    claimed: &Claimed,
    at: OffsetDateTime,
) -> Result<Recorded, StoreError> {
    let changed = db
        .execute(
            "UPDATE notifications SET sent_at = $1, lease_token = NULL, leased_until = NULL
              WHERE id = $2 AND lease_token = $3",
            &[&at, &claimed.id.0, &claimed.lease.0],
        )
        .await?;
    Ok(recorded(changed))
}

async fn mark_failed(
    db: &impl GenericClient,
    claimed: &Claimed,
    next_attempt_at: OffsetDateTime,
    error: &str,
) -> Result<Recorded, StoreError> {
    let changed = db
        .execute(
            "UPDATE notifications
                SET next_attempt_at = $1, last_error = $2, lease_token = NULL, leased_until = NULL
              WHERE id = $3 AND lease_token = $4",
            &[
                &next_attempt_at,
                &stored_error(error),
                &claimed.id.0,
                &claimed.lease.0,
            ],
        )
        .await?;
    Ok(recorded(changed))
}

/// `error` cut to [`MAX_ERROR_CHARS`], without NUL characters: PostgreSQL's text cannot hold
/// them (SQLite's can), and an SMTP server's answer is bytes from outside.
fn stored_error(error: &str) -> String {
    error
        .chars()
        .map(|c| {
            if c == '\0' {
                char::REPLACEMENT_CHARACTER
            } else {
                c
            }
        })
        .take(MAX_ERROR_CHARS)
        .collect()
}

fn recorded(changed: u64) -> Recorded {
    if changed == 1 {
        Recorded::Yes
    } else {
        Recorded::LeaseLost
    }
}

#[async_trait]
impl Notifications for PgStore {
    async fn enqueue_notification(
        &self,
        pending: Pending,
        now: OffsetDateTime,
    ) -> Result<Option<MessageId>, StoreError> {
        serializable!(self, |tx| enqueue(&tx, &pending, now))
    }

    async fn claim_notifications(
        &self,
        now: OffsetDateTime,
        lease: Duration,
        limit: usize,
    ) -> Result<Vec<Claimed>, StoreError> {
        claim(&**self.client().await?, now, lease, limit).await
    }

    async fn mark_notification_sent(
        &self,
        claimed: &Claimed,
        at: OffsetDateTime,
    ) -> Result<Recorded, StoreError> {
        mark_sent(&**self.client().await?, claimed, at).await
    }

    async fn mark_notification_failed(
        &self,
        claimed: &Claimed,
        next_attempt_at: OffsetDateTime,
        error: &str,
    ) -> Result<Recorded, StoreError> {
        mark_failed(&**self.client().await?, claimed, next_attempt_at, error).await
    }
}
