//! An [`Outbox`] in memory, with the same claim and lease rules the store's table has: for
//! tests, and for a service run without a database of its own.

use std::convert::Infallible;
use std::sync::Mutex;
use std::time::Duration;

use time::OffsetDateTime;

use super::outbox::{Claimed, LeaseToken, MessageId, Outbox, Pending, Recorded};

/// One queued message and what has happened to it, as the store's row would show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub id: MessageId,
    pub pending: Pending,
    pub next_attempt_at: OffsetDateTime,
    pub attempts: u32,
    pub lease: Option<(LeaseToken, OffsetDateTime)>,
    pub last_error: Option<String>,
    pub sent_at: Option<OffsetDateTime>,
}

#[derive(Debug, Default)]
pub struct MemoryOutbox {
    entries: Mutex<Vec<Entry>>,
}

impl MemoryOutbox {
    pub fn new() -> MemoryOutbox {
        MemoryOutbox::default()
    }

    /// Every message, oldest first.
    pub fn entries(&self) -> Vec<Entry> {
        self.lock().clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Entry>> {
        // A panic while holding the lock cannot leave an entry half-changed (each change is
        // one assignment after the checks), so a poisoned lock is still sound to use.
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn record(&self, claimed: &Claimed, change: impl FnOnce(&mut Entry)) -> Recorded {
        let mut entries = self.lock();
        match entries
            .iter_mut()
            .find(|e| e.id == claimed.id && e.lease.is_some_and(|(t, _)| t == claimed.lease))
        {
            Some(entry) => {
                entry.lease = None;
                change(entry);
                Recorded::Yes
            }
            None => Recorded::LeaseLost,
        }
    }
}

impl Outbox for MemoryOutbox {
    type Error = Infallible;

    async fn enqueue(
        &self,
        pending: Pending,
        now: OffsetDateTime,
    ) -> Result<MessageId, Infallible> {
        let mut entries = self.lock();
        let id = MessageId(entries.len() as i64 + 1);
        entries.push(Entry {
            id,
            pending,
            next_attempt_at: now,
            attempts: 0,
            lease: None,
            last_error: None,
            sent_at: None,
        });
        Ok(id)
    }

    async fn claim(
        &self,
        now: OffsetDateTime,
        lease: Duration,
        limit: usize,
    ) -> Result<Vec<Claimed>, Infallible> {
        let mut entries = self.lock();
        let mut due: Vec<&mut Entry> = entries
            .iter_mut()
            .filter(|e| {
                e.sent_at.is_none()
                    && e.next_attempt_at <= now
                    && e.lease.is_none_or(|(_, until)| until <= now)
            })
            .collect();
        due.sort_by_key(|e| (e.next_attempt_at, e.id));
        Ok(due
            .into_iter()
            .take(limit)
            .map(|entry| {
                let token = LeaseToken::random();
                entry.lease = Some((token, now + lease));
                entry.attempts += 1;
                Claimed {
                    id: entry.id,
                    lease: token,
                    attempt: entry.attempts,
                    pending: entry.pending.clone(),
                }
            })
            .collect())
    }

    async fn mark_sent(
        &self,
        claimed: &Claimed,
        at: OffsetDateTime,
    ) -> Result<Recorded, Infallible> {
        Ok(self.record(claimed, |entry| entry.sent_at = Some(at)))
    }

    async fn mark_failed(
        &self,
        claimed: &Claimed,
        next_attempt_at: OffsetDateTime,
        error: &str,
    ) -> Result<Recorded, Infallible> {
        Ok(self.record(claimed, |entry| {
            entry.next_attempt_at = next_attempt_at;
            entry.last_error = Some(error.to_owned());
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notify::email::{Kind, Reference};
    use signpost_core::fields::PracticeCode;

    /// 2026-11-25 09:30 UTC.
    const NOW_UNIX: i64 = 1_795_599_000;
    const LEASE: Duration = Duration::from_secs(300);

    fn pending(reference: &str) -> Pending {
        Pending {
            kind: Kind::New,
            reference: Reference::parse(reference).unwrap(),
            practice: PracticeCode::parse("43210").unwrap(),
            to: "team@nhs.scot".parse().unwrap(),
        }
    }

    fn now() -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(NOW_UNIX).unwrap()
    }

    async fn outbox_of(references: &[&str]) -> MemoryOutbox {
        let outbox = MemoryOutbox::new();
        for reference in references {
            outbox.enqueue(pending(reference), now()).await.unwrap();
        }
        outbox
    }

    #[tokio::test]
    async fn a_claimed_message_is_not_claimed_again_while_its_lease_holds() {
        let outbox = outbox_of(&["SP-2222-2222", "SP-3333-3333"]).await;
        let first = outbox.claim(now(), LEASE, 1).await.unwrap();
        assert_eq!(first.len(), 1);
        assert_eq!(first[0].attempt, 1);
        let second = outbox.claim(now(), LEASE, 10).await.unwrap();
        assert_eq!(second.len(), 1);
        assert_ne!(first[0].id, second[0].id);
        assert!(outbox
            .claim(now() + LEASE / 2, LEASE, 10)
            .await
            .unwrap()
            .is_empty());
    }

    #[tokio::test]
    async fn a_message_whose_worker_died_comes_back_when_its_lease_ends() {
        let outbox = outbox_of(&["SP-2222-2222"]).await;
        let lost = outbox.claim(now(), LEASE, 1).await.unwrap().remove(0);
        let again = outbox
            .claim(now() + LEASE, LEASE, 1)
            .await
            .unwrap()
            .remove(0);
        assert_eq!((again.id, again.attempt), (lost.id, 2));
        assert_eq!(
            outbox.mark_sent(&lost, now() + LEASE).await.unwrap(),
            Recorded::LeaseLost,
            "the first worker's lease is gone"
        );
        assert_eq!(
            outbox.mark_sent(&again, now() + LEASE).await.unwrap(),
            Recorded::Yes
        );
        assert!(outbox
            .claim(now() + LEASE * 10, LEASE, 1)
            .await
            .unwrap()
            .is_empty());
        assert_eq!(outbox.entries()[0].sent_at, Some(now() + LEASE));
    }

    #[tokio::test]
    async fn a_failed_message_waits_until_its_next_attempt_and_keeps_its_error() {
        let outbox = outbox_of(&["SP-2222-2222"]).await;
        let claimed = outbox.claim(now(), LEASE, 1).await.unwrap().remove(0);
        let later = now() + Duration::from_secs(30);
        let recorded = outbox
            .mark_failed(&claimed, later, "Connection refused")
            .await
            .unwrap();
        assert_eq!(recorded, Recorded::Yes);
        assert!(outbox
            .claim(later - Duration::from_millis(1), LEASE, 1)
            .await
            .unwrap()
            .is_empty());
        let retried = outbox.claim(later, LEASE, 1).await.unwrap().remove(0);
        assert_eq!(retried.attempt, 2);
        let entry = &outbox.entries()[0];
        assert_eq!(entry.last_error.as_deref(), Some("Connection refused"));
        assert_eq!(entry.sent_at, None);
    }

    #[tokio::test]
    async fn the_oldest_due_message_is_claimed_first() {
        let outbox = outbox_of(&["SP-2222-2222", "SP-3333-3333"]).await;
        let first = outbox.claim(now(), LEASE, 1).await.unwrap().remove(0);
        outbox
            .mark_failed(&first, now() + Duration::from_secs(60), "421 busy")
            .await
            .unwrap();
        let claimed = outbox
            .claim(now() + Duration::from_secs(120), LEASE, 2)
            .await
            .unwrap();
        let order: Vec<_> = claimed
            .iter()
            .map(|c| c.pending.reference.to_string())
            .collect();
        assert_eq!(order, ["SP-3333-3333", "SP-2222-2222"]);
    }
}
