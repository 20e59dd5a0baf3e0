//! The notifications table (migration 0008): queuing a referral's email in its own transaction,
//! and the worker's claim and outcomes, each one statement.

use std::time::Duration;

use lettre::Address;
use rusqlite::types::Type;
use rusqlite::{Connection, OptionalExtension, Row};
use signpost_core::fields::PracticeCode;
use time::OffsetDateTime;

use crate::clock::timestamp;
use crate::notify::{Claimed, Kind, LeaseToken, MessageId, Pending, Planned, Recorded, Reference};
use crate::store::notifications::MAX_ERROR_CHARS;

/// Queues `planned` for the referral row `referral_id`, due at once. Called inside the
/// transaction that inserted the referral.
pub fn queue(
    conn: &Connection,
    referral_id: i64,
    planned: &Planned,
    now: &str,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO notifications (referral_id, kind, recipient, created_at, next_attempt_at)
         VALUES (?1, ?2, ?3, ?4, ?4)",
        rusqlite::params![
            referral_id,
            planned.kind.as_str(),
            planned.to.to_string(),
            now
        ],
    )?;
    Ok(())
}

/// Queues a message about the stored referral `pending.reference`; `None` if there is none.
/// A referral already queued keeps its message.
pub fn enqueue(
    conn: &mut Connection,
    pending: &Pending,
    now: OffsetDateTime,
) -> rusqlite::Result<Option<MessageId>> {
    let tx = conn.transaction()?;
    let referral_id: Option<i64> = tx
        .query_row(
            "SELECT id FROM referrals WHERE reference = ?1",
            [pending.reference.as_ref()],
            |row| row.get(0),
        )
        .optional()?;
    let Some(referral_id) = referral_id else {
        return Ok(None);
    };
    let now = timestamp(now);
    tx.execute(
        "INSERT INTO notifications (referral_id, kind, recipient, created_at, next_attempt_at)
         VALUES (?1, ?2, ?3, ?4, ?4) ON CONFLICT (referral_id) DO NOTHING",
        rusqlite::params![
            referral_id,
            pending.kind.as_str(),
            pending.to.to_string(),
            now
        ],
    )?;
    let id = tx.query_row(
        "SELECT id FROM notifications WHERE referral_id = ?1",
        [referral_id],
        |row| row.get(0),
    )?;
    tx.commit()?;
    Ok(Some(MessageId(id)))
}

/// Leases up to `limit` due, unleased (or lease-expired) unsent messages to one fresh token.
pub fn claim(
    conn: &Connection,
    now: OffsetDateTime,
    lease: Duration,
    limit: usize,
) -> rusqlite::Result<Vec<Claimed>> {
    let token = LeaseToken::random();
    let leased_until = timestamp(now + lease);
    let now = timestamp(now);
    let mut statement = conn.prepare(
        "UPDATE notifications
            SET lease_token = ?1, leased_until = ?2, attempts = attempts + 1
          WHERE id IN (SELECT id FROM notifications
                        WHERE sent_at IS NULL AND next_attempt_at <= ?3
                          AND (leased_until IS NULL OR leased_until <= ?3)
                        ORDER BY next_attempt_at, id LIMIT ?4)
         RETURNING id, kind, recipient, attempts,
                   (SELECT reference FROM referrals WHERE referrals.id = referral_id),
                   (SELECT practice FROM referrals WHERE referrals.id = referral_id),
                   next_attempt_at",
    )?;
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let rows = statement.query_map(
        rusqlite::params![token.0, leased_until, now, limit],
        |row| Ok((row.get::<_, String>(6)?, claimed(row, token)?)),
    )?;
    let mut claimed: Vec<(String, Claimed)> = rows.collect::<rusqlite::Result<_>>()?;
    // RETURNING gives rows in no promised order: oldest due first, as the claim chose them.
    claimed.sort_by(|(a, x), (b, y)| (a, x.id).cmp(&(b, y.id)));
    Ok(claimed.into_iter().map(|(_, c)| c).collect())
}

fn claimed(row: &Row<'_>, lease: LeaseToken) -> rusqlite::Result<Claimed> {
    let kind: String = row.get(1)?;
    let recipient: String = row.get(2)?;
    let reference: String = row.get(4)?;
    let practice: String = row.get(5)?;
    Ok(Claimed {
        id: MessageId(row.get(0)?),
        lease,
        attempt: row.get(3)?,
        pending: Pending {
            kind: Kind::parse(&kind).ok_or_else(|| unreadable(1, "a kind of email"))?,
            to: recipient
                .parse::<Address>()
                .map_err(|_| unreadable(2, "an email address"))?,
            reference: Reference::parse(&reference).map_err(|_| unreadable(4, "a reference"))?,
            practice: PracticeCode::parse(&practice)
                .map_err(|_| unreadable(5, "a practice code"))?,
        },
    })
}

/// A stored value the service cannot read back; the message never repeats the value.
fn unreadable(column: usize, what: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        column,
        Type::Text,
        format!("the stored value is not {what}").into(),
    )
}

pub fn mark_sent(
    conn: &Connection,
    claimed: &Claimed,
    at: OffsetDateTime,
) -> rusqlite::Result<Recorded> {
    let changed = conn.execute(
        "UPDATE notifications SET sent_at = ?1, lease_token = NULL, leased_until = NULL
          WHERE id = ?2 AND lease_token = ?3",
        rusqlite::params![timestamp(at), claimed.id.0, claimed.lease.0],
    )?;
    Ok(recorded(changed))
}

pub fn mark_failed(
    conn: &Connection,
    claimed: &Claimed,
    next_attempt_at: OffsetDateTime,
    error: &str,
) -> rusqlite::Result<Recorded> {
    let error: String = error.chars().take(MAX_ERROR_CHARS).collect();
    let changed = conn.execute(
        "UPDATE notifications
            SET next_attempt_at = ?1, last_error = ?2, lease_token = NULL, leased_until = NULL
          WHERE id = ?3 AND lease_token = ?4",
        rusqlite::params![
            timestamp(next_attempt_at),
            error,
            claimed.id.0,
            claimed.lease.0
        ],
    )?;
    Ok(recorded(changed))
}

fn recorded(changed: usize) -> Recorded {
    if changed == 1 {
        Recorded::Yes
    } else {
        Recorded::LeaseLost
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use signpost_core::{default_questionnaire, RawReferral, Referral};
    use time::macros::datetime;

    use super::*;
    use crate::store::rows::{NewReferral, Stored};
    use crate::store::sqlite::referrals;
    use crate::store::{Notifications, SqliteStore};

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

    fn fresh() -> (tempfile::TempDir, SqliteStore) {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("test.db")).unwrap();
        (dir, store)
    }

    /// Stores referrals `SP-2222-22{i}`, each with a new-referral email, oldest first.
    fn with_referrals(store: &SqliteStore, count: usize) -> Vec<String> {
        let digits = crate::reference::ALPHABET;
        (0..count)
            .map(|i| {
                let (high, low) = (digits[i / digits.len()], digits[i % digits.len()]);
                let reference = format!("SP-2222-22{}{}", high as char, low as char);
                store
                    .with_conn(|conn| {
                        let new = new_referral(&format!("k{i}"), Some(planned(Kind::New)));
                        referrals::insert(conn, &new, || reference.clone())
                    })
                    .unwrap();
                reference
            })
            .collect()
    }

    fn rows(store: &SqliteStore) -> Vec<(String, i64, Option<String>, Option<String>)> {
        store.with_conn(|conn| {
            let mut statement = conn
                .prepare(
                    "SELECT kind, attempts, last_error, sent_at FROM notifications ORDER BY id",
                )
                .unwrap();
            let rows = statement
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
                .unwrap();
            rows.map(Result::unwrap).collect()
        })
    }

    #[tokio::test]
    async fn a_referral_is_queued_with_its_email_and_a_replay_queues_nothing() {
        let (_dir, store) = fresh();
        let new = new_referral("k", Some(planned(Kind::Urgent)));
        let (first, replay) = store.with_conn(|conn| {
            (
                referrals::insert(conn, &new, || "SP-7K3M-Q9X2".into()).unwrap(),
                referrals::insert(conn, &new, || unreachable!()).unwrap(),
            )
        });
        assert!(matches!(first, Stored::Created(_)));
        assert!(matches!(replay, Stored::Replayed(_)));
        assert_eq!(rows(&store), [("urgent".to_owned(), 0, None, None)]);

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
        let (_dir, store) = fresh();
        store
            .with_conn(|conn| {
                referrals::insert(conn, &new_referral("k", None), || "SP-7K3M-Q9X2".into())
            })
            .unwrap();
        assert!(rows(&store).is_empty());
    }

    #[tokio::test]
    async fn the_email_cannot_outlive_its_referral_nor_a_referral_have_two() {
        let (_dir, store) = fresh();
        let [reference] = <[String; 1]>::try_from(with_referrals(&store, 1)).unwrap();
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
        assert_eq!(id, Some(MessageId(1)), "the one already queued");
        assert_eq!(rows(&store)[0].0, "new", "and unchanged");
        let unknown = Pending {
            reference: Reference::parse("SP-9999-9999").unwrap(),
            ..again
        };
        assert_eq!(
            store.enqueue_notification(unknown, NOW).await.unwrap(),
            None
        );

        store.with_conn(|conn| conn.execute("DELETE FROM referrals", []).unwrap());
        assert!(
            rows(&store).is_empty(),
            "deleting a referral deletes its email"
        );
    }

    #[tokio::test]
    async fn a_claimed_message_is_not_claimed_again_while_its_lease_holds() {
        let (_dir, store) = fresh();
        with_referrals(&store, 2);
        let first = store.claim_notifications(NOW, LEASE, 1).await.unwrap();
        let second = store.claim_notifications(NOW, LEASE, 10).await.unwrap();
        assert_eq!((first.len(), second.len()), (1, 1));
        assert_ne!(first[0].id, second[0].id);
        let later = NOW + LEASE / 2;
        assert!(store
            .claim_notifications(later, LEASE, 10)
            .await
            .unwrap()
            .is_empty());
    }

    #[tokio::test]
    async fn a_message_whose_worker_died_comes_back_and_only_the_new_lease_records() {
        let (_dir, store) = fresh();
        with_referrals(&store, 1);
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
            rows(&store),
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
        let (_dir, store) = fresh();
        with_referrals(&store, 1);
        let claimed = store
            .claim_notifications(NOW, LEASE, 1)
            .await
            .unwrap()
            .remove(0);
        let next = NOW + Duration::from_secs(30);
        let long = "Connection refused ".repeat(100);
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
        let (_, _, error, sent_at) = rows(&store).remove(0);
        assert_eq!(error.unwrap().chars().count(), MAX_ERROR_CHARS);
        assert_eq!(sent_at, None);
    }

    #[tokio::test]
    async fn the_oldest_due_message_is_claimed_first() {
        let (_dir, store) = fresh();
        let references = with_referrals(&store, 3);
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

    #[tokio::test]
    async fn two_connections_racing_on_one_file_never_share_a_message() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("test.db");
        let store = SqliteStore::open(&path).unwrap();
        let references = with_referrals(&store, 40);
        let other = SqliteStore::open(&path).unwrap();
        let claimer = |store: SqliteStore| {
            tokio::spawn(async move {
                let mut mine = Vec::new();
                loop {
                    let claimed = store.claim_notifications(NOW, LEASE, 1).await.unwrap();
                    if claimed.is_empty() {
                        return mine;
                    }
                    mine.extend(claimed.into_iter().map(|c| c.pending.reference.to_string()));
                }
            })
        };
        let (a, b) = (claimer(store.clone()), claimer(other));
        let (a, b) = (a.await.unwrap(), b.await.unwrap());
        let all: BTreeSet<_> = a.iter().chain(&b).cloned().collect();
        assert_eq!(a.len() + b.len(), references.len(), "each claimed once");
        assert_eq!(all, references.into_iter().collect());
    }
}
