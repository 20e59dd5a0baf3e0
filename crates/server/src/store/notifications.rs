//! The outbox of new-referral emails, as the store keeps it (one row a referral, migration 0008).
//!
//! The rules are `notify::Outbox`'s (claims under a lease, outcomes only while the lease holds);
//! this is the same contract in a form `Arc<dyn Store>` can carry, so that the worker empties the
//! outbox of whichever engine the service runs on. A referral's own email is not queued here but
//! by [`super::Store::store_referral`], in the referral's transaction (`NewReferral::notify`).

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use time::OffsetDateTime;

use super::{Store, StoreError};
use crate::notify::{Claimed, MessageId, Outbox, Pending, Recorded};

/// The longest `last_error` kept, in characters: an SMTP server's answer, not a transcript.
pub const MAX_ERROR_CHARS: usize = 1000;

#[async_trait]
pub trait Notifications: Send + Sync {
    /// Queues a message about a referral already stored, due at `now`; `None` when there is no
    /// referral `pending.reference`. A referral has one message: queuing again replaces nothing
    /// and answers the one already queued.
    async fn enqueue_notification(
        &self,
        pending: Pending,
        now: OffsetDateTime,
    ) -> Result<Option<MessageId>, StoreError>;

    /// See `notify::Outbox::claim`: one statement, so two instances never share a message.
    async fn claim_notifications(
        &self,
        now: OffsetDateTime,
        lease: Duration,
        limit: usize,
    ) -> Result<Vec<Claimed>, StoreError>;

    async fn mark_notification_sent(
        &self,
        claimed: &Claimed,
        at: OffsetDateTime,
    ) -> Result<Recorded, StoreError>;

    /// `error` is cut to [`MAX_ERROR_CHARS`].
    async fn mark_notification_failed(
        &self,
        claimed: &Claimed,
        next_attempt_at: OffsetDateTime,
        error: &str,
    ) -> Result<Recorded, StoreError>;
}

/// The worker's view of the store: `notify::run(&store, …)` with the service's `Arc<dyn Store>`.
impl Outbox for Arc<dyn Store> {
    type Error = StoreError;

    async fn enqueue(
        &self,
        pending: Pending,
        now: OffsetDateTime,
    ) -> Result<MessageId, StoreError> {
        let reference = pending.reference.to_string();
        self.enqueue_notification(pending, now)
            .await?
            .ok_or_else(|| StoreError::engine(format!("there is no referral {reference}")))
    }

    async fn claim(
        &self,
        now: OffsetDateTime,
        lease: Duration,
        limit: usize,
    ) -> Result<Vec<Claimed>, StoreError> {
        self.claim_notifications(now, lease, limit).await
    }

    async fn mark_sent(
        &self,
        claimed: &Claimed,
        at: OffsetDateTime,
    ) -> Result<Recorded, StoreError> {
        self.mark_notification_sent(claimed, at).await
    }

    async fn mark_failed(
        &self,
        claimed: &Claimed,
        next_attempt_at: OffsetDateTime,
        error: &str,
    ) -> Result<Recorded, StoreError> {
        self.mark_notification_failed(claimed, next_attempt_at, error)
            .await
    }
}
