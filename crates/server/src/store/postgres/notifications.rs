//! PLACEHOLDER: being ported from ../sqlite/notifications.rs; every method fails until then.

use async_trait::async_trait;
use std::time::Duration;

use time::OffsetDateTime;
use tokio_postgres::GenericClient;

use super::PgStore;
use crate::notify::{Claimed, MessageId, Pending, Planned, Recorded};
use crate::store::notifications::Notifications;
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

#[async_trait]
impl Notifications for PgStore {
    async fn enqueue_notification(
        &self,
        _pending: Pending,
        _now: OffsetDateTime,
    ) -> Result<Option<MessageId>, StoreError> {
        Err(StoreError::engine("not ported to PostgreSQL yet"))
    }

    async fn claim_notifications(
        &self,
        _now: OffsetDateTime,
        _lease: Duration,
        _limit: usize,
    ) -> Result<Vec<Claimed>, StoreError> {
        Err(StoreError::engine("not ported to PostgreSQL yet"))
    }

    async fn mark_notification_sent(
        &self,
        _claimed: &Claimed,
        _at: OffsetDateTime,
    ) -> Result<Recorded, StoreError> {
        Err(StoreError::engine("not ported to PostgreSQL yet"))
    }

    async fn mark_notification_failed(
        &self,
        _claimed: &Claimed,
        _next_attempt_at: OffsetDateTime,
        _error: &str,
    ) -> Result<Recorded, StoreError> {
        Err(StoreError::engine("not ported to PostgreSQL yet"))
    }
}
