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

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::sync::Arc;

    use signpost_core::{default_questionnaire, RawReferral, Referral};
    use time::macros::datetime;

    use super::*;
    use crate::clock::timestamp;
    use crate::store::postgres::columns::stamp;
    use crate::store::postgres::{referrals, testing};
    use crate::store::rows::{NewReferral, Stored};

    const NOW: OffsetDateTime = datetime!(2026-11-25 09:30 UTC);
    const LEASE: Duration = Duration::from_secs(300);

    fn planned(kind: Kind) -> Planned {
        Planned {
            kind,
            to: "team.43210@practice.test".parse().unwrap(),
        }
    }

    fn new_referral(key: &str, notify: Option<Planned>) -> NewReferral {
        let raw: RawReferral =
            serde_json::from_value(crate::fixtures::first_valid_fixture()).unwrap();
        let today = crate::clock::calendar_date(NOW).unwrap();
        let referral = Referral::parse(raw, &default_questionnaire(), today).unwrap();
        NewReferral::new(&referral, key.into(), "a".repeat(64), timestamp(NOW)).notifying(notify)
    }

    /// Stores `new` under `reference`, as `Store::store_referral` would.
    async fn insert(store: &PgStore, new: &NewReferral, reference: &str) -> Stored {
        serializable!(store, |tx| referrals::insert(&mut tx, new, || reference
            .to_owned()))
        .unwrap()
    }

    /// Stores referrals `SP-2222-22{i}`, each with a new-referral email, oldest first.
    async fn with_referrals(store: &PgStore, count: usize) -> Vec<String> {
        let digits = crate::reference::ALPHABET;
        let mut references = Vec::new();
        for i in 0..count {
            let (high, low) = (digits[i / digits.len()], digits[i % digits.len()]);
            let reference = format!("SP-2222-22{}{}", high as char, low as char);
            let new = new_referral(&format!("k{i}"), Some(planned(Kind::New)));
            insert(store, &new, &reference).await;
            references.push(reference);
        }
        references
    }

    async fn rows(store: &PgStore) -> Vec<(String, i64, Option<String>, Option<String>)> {
        let client = store.client().await.unwrap();
        let rows = client
            .query(
                "SELECT kind, attempts, last_error, sent_at FROM notifications ORDER BY id",
                &[],
            )
            .await
            .unwrap();
        rows.iter()
            .map(|r| {
                let sent_at: Option<OffsetDateTime> = r.get(3);
                (r.get(0), r.get(1), r.get(2), sent_at.map(stamp))
            })
            .collect()
    }

    #[tokio::test]
    async fn a_referral_is_queued_with_its_email_and_a_replay_queues_nothing() {
        let Some(db) = testing::database().await else {
            return;
        };
        let store = db.store();
        let new = new_referral("k", Some(planned(Kind::Urgent)));
        let first = insert(store, &new, "SP-7K3M-Q9X2").await;
        let replay = insert(store, &new, "SP-0000-0000").await;
        assert!(matches!(first, Stored::Created(_)));
        assert!(matches!(replay, Stored::Replayed(_)));
        assert_eq!(rows(store).await, [("urgent".to_owned(), 0, None, None)]);

        let claimed = store.claim_notifications(NOW, LEASE, 10).await.unwrap();
        assert_eq!(claimed.len(), 1, "due as soon as it is stored");
        let pending = &claimed[0].pending;
        assert_eq!(pending.kind, Kind::Urgent);
        assert_eq!(pending.reference.as_ref(), "SP-7K3M-Q9X2");
        assert_eq!(pending.practice.as_ref(), "43210");
        assert_eq!(pending.to.to_string(), "team.43210@practice.test");
        assert_eq!(claimed[0].attempt, 1);
    }

    #[tokio::test]
    async fn a_referral_nobody_is_to_be_told_of_queues_nothing() {
        let Some(db) = testing::database().await else {
            return;
        };
        let store = db.store();
        insert(store, &new_referral("k", None), "SP-7K3M-Q9X2").await;
        assert!(rows(store).await.is_empty());
    }

    #[tokio::test]
    async fn the_email_cannot_outlive_its_referral_nor_a_referral_have_two() {
        let Some(db) = testing::database().await else {
            return;
        };
        let store = db.store();
        let [reference] = <[String; 1]>::try_from(with_referrals(store, 1).await).unwrap();
        let queued: i64 = store
            .client()
            .await
            .unwrap()
            .query_one("SELECT id FROM notifications", &[])
            .await
            .unwrap()
            .get(0);
        let again = Pending {
            kind: Kind::Urgent,
            reference: Reference::parse(&reference).unwrap(),
            practice: PracticeCode::parse("43210").unwrap(),
            to: "other@practice.test".parse().unwrap(),
        };
        let id = store
            .enqueue_notification(again.clone(), NOW)
            .await
            .unwrap();
        assert_eq!(id, Some(MessageId(queued)), "the one already queued");
        assert_eq!(rows(store).await[0].0, "new", "and unchanged");
        let unknown = Pending {
            reference: Reference::parse("SP-9999-9999").unwrap(),
            ..again
        };
        assert_eq!(
            store.enqueue_notification(unknown, NOW).await.unwrap(),
            None
        );

        store
            .client()
            .await
            .unwrap()
            .execute("DELETE FROM referrals", &[])
            .await
            .unwrap();
        assert!(
            rows(store).await.is_empty(),
            "deleting a referral deletes its email"
        );
    }

    #[tokio::test]
    async fn a_referral_stored_without_its_email_is_queued_once_however_many_ask_at_once() {
        let Some(db) = testing::database().await else {
            return;
        };
        let store = db.store();
        insert(store, &new_referral("k", None), "SP-7K3M-Q9X2").await;
        let pending = Pending {
            kind: Kind::New,
            reference: Reference::parse("SP-7K3M-Q9X2").unwrap(),
            practice: PracticeCode::parse("43210").unwrap(),
            to: "team.43210@practice.test".parse().unwrap(),
        };
        let start = Arc::new(tokio::sync::Barrier::new(8));
        let asks: Vec<_> = (0..8)
            .map(|_| {
                let (store, pending, start) = (store.clone(), pending.clone(), start.clone());
                tokio::spawn(async move {
                    start.wait().await;
                    store.enqueue_notification(pending, NOW).await.unwrap()
                })
            })
            .collect();
        let mut ids = BTreeSet::new();
        for ask in asks {
            ids.insert(ask.await.unwrap().expect("the referral is stored"));
        }
        assert_eq!(ids.len(), 1, "{ids:?}");
        assert_eq!(rows(store).await, [("new".to_owned(), 0, None, None)]);
        let claimed = store.claim_notifications(NOW, LEASE, 10).await.unwrap();
        assert_eq!(claimed[0].pending, pending);
    }

    #[tokio::test]
    async fn a_claimed_message_is_not_claimed_again_while_its_lease_holds() {
        let Some(db) = testing::database().await else {
            return;
        };
        let store = db.store();
        with_referrals(store, 2).await;
        let first = store.claim_notifications(NOW, LEASE, 1).await.unwrap();
        let second = store.claim_notifications(NOW, LEASE, 10).await.unwrap();
        assert_eq!((first.len(), second.len()), (1, 1));
        assert_ne!(first[0].id, second[0].id);
        assert_ne!(first[0].lease, second[0].lease, "each claim its own token");
        let later = NOW + LEASE / 2;
        assert!(store
            .claim_notifications(later, LEASE, 10)
            .await
            .unwrap()
            .is_empty());
    }

    #[tokio::test]
    async fn a_message_whose_worker_died_comes_back_and_only_the_new_lease_records() {
        let Some(db) = testing::database().await else {
            return;
        };
        let store = db.store();
        with_referrals(store, 1).await;
        let lost = store
            .claim_notifications(NOW, LEASE, 1)
            .await
            .unwrap()
            .remove(0);
        let again = store
            .claim_notifications(NOW + LEASE, LEASE, 1)
            .await
            .unwrap()
            .remove(0);
        assert_eq!((again.id, again.attempt), (lost.id, 2));
        let at = NOW + LEASE;
        assert_eq!(
            store.mark_notification_sent(&lost, at).await.unwrap(),
            Recorded::LeaseLost
        );
        assert_eq!(
            store
                .mark_notification_failed(&lost, at, "too late")
                .await
                .unwrap(),
            Recorded::LeaseLost
        );
        assert_eq!(
            store.mark_notification_sent(&again, at).await.unwrap(),
            Recorded::Yes
        );
        assert_eq!(
            rows(store).await,
            [("new".to_owned(), 2, None, Some(timestamp(at)))]
        );
        let much_later = NOW + LEASE * 100;
        assert!(store
            .claim_notifications(much_later, LEASE, 1)
            .await
            .unwrap()
            .is_empty());
    }

    #[tokio::test]
    async fn a_failed_message_waits_for_its_next_attempt_and_keeps_a_short_error() {
        let Some(db) = testing::database().await else {
            return;
        };
        let store = db.store();
        with_referrals(store, 1).await;
        let claimed = store
            .claim_notifications(NOW, LEASE, 1)
            .await
            .unwrap()
            .remove(0);
        let next = NOW + Duration::from_secs(30);
        // An SMTP server's answer is bytes from outside: PostgreSQL's text holds no NUL.
        let long = "Connection\0refused ".repeat(100);
        assert_eq!(
            store
                .mark_notification_failed(&claimed, next, &long)
                .await
                .unwrap(),
            Recorded::Yes
        );
        let early = next - Duration::from_millis(1);
        assert!(store
            .claim_notifications(early, LEASE, 1)
            .await
            .unwrap()
            .is_empty());
        let retried = store
            .claim_notifications(next, LEASE, 1)
            .await
            .unwrap()
            .remove(0);
        assert_eq!(retried.attempt, 2);
        let (_, _, error, sent_at) = rows(store).await.remove(0);
        let error = error.unwrap();
        assert_eq!(error.chars().count(), MAX_ERROR_CHARS);
        assert!(error.starts_with("Connection\u{fffd}refused "));
        assert_eq!(sent_at, None);
    }

    #[tokio::test]
    async fn the_oldest_due_message_is_claimed_first() {
        let Some(db) = testing::database().await else {
            return;
        };
        let store = db.store();
        let references = with_referrals(store, 3).await;
        let first = store
            .claim_notifications(NOW, LEASE, 1)
            .await
            .unwrap()
            .remove(0);
        assert_eq!(first.pending.reference.as_ref(), references[0]);
        let minute = Duration::from_secs(60);
        store
            .mark_notification_failed(&first, NOW + minute, "421 busy")
            .await
            .unwrap();
        let claimed = store
            .claim_notifications(NOW + minute * 2, LEASE, 3)
            .await
            .unwrap();
        let order: Vec<_> = claimed
            .iter()
            .map(|c| c.pending.reference.to_string())
            .collect();
        assert_eq!(order, [&*references[1], &references[2], &references[0]]);
    }

    /// Instances of the service, each with its own pool, and claimers in each, all claiming from
    /// one table at once.
    const INSTANCES: usize = 3;
    const CLAIMERS: usize = 6;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn many_claimers_on_several_instances_never_share_a_message() {
        let Some(db) = testing::database().await else {
            return;
        };
        let references = with_referrals(db.store(), 60).await;
        let mut instances = vec![db.store().clone()];
        for _ in 1..INSTANCES {
            let url = db.store().url.clone();
            let other = tokio::task::spawn_blocking(move || PgStore::open(&url).unwrap())
                .await
                .unwrap();
            instances.push(other);
        }
        let start = Arc::new(tokio::sync::Barrier::new(INSTANCES * CLAIMERS));
        let mut claimers = Vec::new();
        for (i, instance) in instances.iter().enumerate() {
            for c in 0..CLAIMERS {
                let (store, start) = (instance.clone(), start.clone());
                // Claims of 1, 2 and 3 at a time, so that claims overlap unevenly.
                let limit = 1 + (i + c) % 3;
                claimers.push(tokio::spawn(async move {
                    start.wait().await;
                    let mut mine = Vec::new();
                    loop {
                        let claimed = store.claim_notifications(NOW, LEASE, limit).await.unwrap();
                        if claimed.is_empty() {
                            return mine;
                        }
                        mine.extend(claimed);
                    }
                }));
            }
        }
        let mut all = Vec::new();
        for claimer in claimers {
            all.extend(claimer.await.unwrap());
        }
        let claimed: BTreeSet<_> = all
            .iter()
            .map(|c| c.pending.reference.to_string())
            .collect();
        assert_eq!(all.len(), references.len(), "each claimed once");
        assert_eq!(claimed, references.into_iter().collect());
        assert!(all.iter().all(|c| c.attempt == 1));
        assert!(rows(db.store())
            .await
            .iter()
            .all(|(_, attempts, ..)| *attempts == 1));
        for other in &instances[1..] {
            other.pool.close();
        }
    }
}
