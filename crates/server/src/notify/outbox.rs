//! The queue of emails to send, as the worker sees it, whatever stores it.
//!
//! A notification is queued in the same transaction that stores its referral, so a referral is
//! never stored without its email nor an email queued for a referral that was not stored. A
//! worker *claims* due messages with a lease (a token and a time), sends them, and records the
//! outcome only if its lease still holds; a message whose worker died comes back when its lease
//! runs out. Nothing is ever dropped: a failed message is tried again later, with a delay that
//! doubles up to a cap, and jitter, so a relay that comes back is not hit by every message and
//! every instance at once.
//!
//! Sending is at least once: a worker that dies after the server's "250 OK" and before
//! `mark_sent` leaves a message that another will send again (with the same Message-ID).

use std::future::Future;
use std::time::Duration;

use lettre::Address;
use rand::Rng;
use signpost_core::fields::PracticeCode;
use time::OffsetDateTime;

use super::email::{InboxUrl, Kind, Notification, Reference};

/// The outbox's own number for a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MessageId(pub i64);

/// What a worker's claim is known by: drawn at random for each claim, so that a worker whose
/// lease ran out (and whose message another worker claimed since) cannot record its outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LeaseToken(pub i64);

impl LeaseToken {
    pub fn random() -> LeaseToken {
        LeaseToken(rand::rng().random())
    }
}

/// A message to queue: which email, about which referral, to whom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    pub kind: Kind,
    pub reference: Reference,
    pub practice: PracticeCode,
    pub to: Address,
}

impl Pending {
    /// The email, with the link into today's inbox address (not the one when it was queued).
    pub fn notification(&self, inbox: &InboxUrl) -> Notification {
        Notification::new(
            self.kind,
            self.reference.clone(),
            self.practice.clone(),
            inbox,
        )
    }
}

/// A message a worker holds the lease of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claimed {
    pub id: MessageId,
    pub lease: LeaseToken,
    /// This attempt's number: 1 the first time. Counted at the claim, so an attempt whose
    /// worker died counts too.
    pub attempt: u32,
    pub pending: Pending,
}

/// Whether an outcome was recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorded {
    Yes,
    /// The lease had run out and the message was claimed again: the other claim records it.
    LeaseLost,
}

/// What the store implements; each method is one transaction. In SQLite, one row a referral:
///
/// ```sql
/// CREATE TABLE notifications (
///     id              INTEGER PRIMARY KEY,
///     referral_id     INTEGER NOT NULL UNIQUE REFERENCES referrals (id) ON DELETE CASCADE,
///     kind            TEXT    NOT NULL CHECK (kind IN ('new', 'urgent')),
///     recipient       TEXT    NOT NULL,  -- the team address when the referral arrived
///     created_at      TEXT    NOT NULL,
///     -- The three times the claim compares are fixed-width RFC 3339 UTC to the millisecond
///     -- (2026-11-25T09:30:00.000Z), so that comparing the text compares the times.
///     next_attempt_at TEXT    NOT NULL,
///     attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
///     lease_token     INTEGER,
///     leased_until    TEXT,
///     last_error      TEXT,
///     sent_at         TEXT,
///     CHECK ((lease_token IS NULL) = (leased_until IS NULL))
/// );
/// CREATE INDEX notifications_due ON notifications (next_attempt_at) WHERE sent_at IS NULL;
/// ```
///
/// The claim is one statement, so two instances on one file never share a message:
///
/// ```sql
/// UPDATE notifications
///    SET lease_token = :token, leased_until = :now_plus_lease, attempts = attempts + 1
///  WHERE id IN (SELECT id FROM notifications
///                WHERE sent_at IS NULL AND next_attempt_at <= :now
///                  AND (leased_until IS NULL OR leased_until <= :now)
///                ORDER BY next_attempt_at LIMIT :limit)
/// RETURNING id, referral_id, kind, recipient, attempts;
/// ```
///
/// (joined to `referrals` for the reference and practice), and each outcome touches only its
/// own claim: `... SET sent_at = :at, lease_token = NULL, leased_until = NULL WHERE id = :id
/// AND lease_token = :token` (0 rows: [`Recorded::LeaseLost`]).
pub trait Outbox: Send + Sync {
    type Error: std::error::Error + Send + Sync + 'static;

    /// Queues a message, due at once. The referral route does not call this: it hands the
    /// store a [`super::Planned`] to insert in the referral's own transaction. This is for a
    /// message about a referral already stored (and for tests).
    fn enqueue(
        &self,
        pending: Pending,
        now: OffsetDateTime,
    ) -> impl Future<Output = Result<MessageId, Self::Error>> + Send;

    /// Up to `limit` unsent messages that are due (`next_attempt_at <= now`) and not leased (no
    /// lease, or one that ended `<= now`), oldest due first: each now leased until `now + lease`
    /// under a fresh token, its attempt count one higher. Atomic: two claims never get the
    /// same message while its lease holds.
    fn claim(
        &self,
        now: OffsetDateTime,
        lease: Duration,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<Claimed>, Self::Error>> + Send;

    /// Records the message as sent and frees its lease, if `claimed.lease` still holds it.
    fn mark_sent(
        &self,
        claimed: &Claimed,
        at: OffsetDateTime,
    ) -> impl Future<Output = Result<Recorded, Self::Error>> + Send;

    /// Records the failure (`error` names no person: it is the SMTP error), frees the lease and
    /// makes the message due again at `next_attempt_at`, if `claimed.lease` still holds it.
    fn mark_failed(
        &self,
        claimed: &Claimed,
        next_attempt_at: OffsetDateTime,
        error: &str,
    ) -> impl Future<Output = Result<Recorded, Self::Error>> + Send;
}

/// How long to wait before trying a failed message again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// The delay after the first failure, before jitter.
    pub first: Duration,
    /// The longest delay, before jitter: a message is retried at least this often, forever.
    pub cap: Duration,
}

impl Default for Backoff {
    /// 30 s, 1, 2, 4 … minutes, at most an hour apart: a relay down for a minute delays an
    /// email by about a minute, and one down for a day is asked once an hour.
    fn default() -> Self {
        Backoff {
            first: Duration::from_secs(30),
            cap: Duration::from_secs(60 * 60),
        }
    }
}

impl Backoff {
    /// The delay after failed attempt number `attempt` (1 for the first): `first × 2^(attempt−1)`
    /// up to `cap`, then a random part of up to half of it taken off ("equal jitter"), so that
    /// instances and messages spread out and the wait never falls below half.
    pub fn delay(&self, attempt: u32, rng: &mut impl Rng) -> Duration {
        let doublings = attempt.saturating_sub(1).min(32);
        let full = self
            .first
            .saturating_mul(1u32 << doublings.min(31))
            .min(self.cap);
        let half = full / 2;
        full - half.mul_f64(rng.random::<f64>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::StdRng;
    use rand::SeedableRng;

    #[test]
    fn the_delay_doubles_up_to_the_cap_and_never_falls_below_half() {
        let backoff = Backoff::default();
        let mut rng = StdRng::seed_from_u64(16);
        for attempt in 1..=40 {
            let full = Duration::from_secs(30 * 2u64.pow((attempt - 1).min(20)))
                .min(Duration::from_secs(3600));
            for _ in 0..50 {
                let delay = backoff.delay(attempt, &mut rng);
                assert!(
                    delay <= full && delay >= full / 2,
                    "attempt {attempt}: {delay:?}"
                );
            }
        }
        assert!(backoff.delay(u32::MAX, &mut rng) <= backoff.cap);
    }

    #[test]
    fn the_delay_is_jittered() {
        let backoff = Backoff::default();
        let mut rng = StdRng::seed_from_u64(7);
        let delays: std::collections::BTreeSet<_> =
            (0..20).map(|_| backoff.delay(3, &mut rng)).collect();
        assert!(delays.len() > 10, "{delays:?}");
    }
}
