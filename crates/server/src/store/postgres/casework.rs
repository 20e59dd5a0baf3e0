//! Casework's statements: status changes (checked, and applied only where the status is still
//! the one the link worker saw), notes, onward referrals, a referral's record and "new since you
//! last looked"; the list itself is in `casework/list.rs`.
//!
//! Times are kept to the millisecond, as SQLite's engine writes them (`clock::timestamp`), so
//! both engines store, compare and count the same moments.

use async_trait::async_trait;
use signpost_core::workflow::{Closure, Status};
use time::{Duration, OffsetDateTime};
use tokio_postgres::{GenericClient, Transaction};

use super::columns::{named, stamp};
use super::{serializable, snapshot, PgStore};
use crate::store::casework::{
    CaseRecord, Casework, ListQuery, NewNote, NewOnwardReferral, NewStatusChange, NewUptake,
    NoteRow, OnwardRow, ReferralList, StatusChangeRow, StatusChanged, Uptake,
};
use crate::store::StoreError;

mod list;

#[async_trait]
impl Casework for PgStore {
    async fn change_status(&self, change: NewStatusChange) -> Result<StatusChanged, StoreError> {
        serializable!(self, |tx| change_status(&tx, &change))
    }

    async fn add_note(&self, note: NewNote) -> Result<bool, StoreError> {
        add_note(&**self.client().await?, &note).await
    }

    async fn add_onward_referral(&self, onward: NewOnwardReferral) -> Result<bool, StoreError> {
        add_onward(&**self.client().await?, &onward).await
    }

    async fn record_uptake(&self, uptake: NewUptake) -> Result<bool, StoreError> {
        record_uptake(&**self.client().await?, &uptake).await
    }

    async fn case_record(&self, reference: &str) -> Result<Option<CaseRecord>, StoreError> {
        snapshot!(self, |tx| case_record(&*tx, reference))
    }

    async fn list_referrals(&self, query: ListQuery) -> Result<ReferralList, StoreError> {
        snapshot!(self, |tx| list::list(&*tx, &query))
    }

    async fn look_at_list(
        &self,
        user: i64,
        now: OffsetDateTime,
        visit_gap: Duration,
    ) -> Result<Option<String>, StoreError> {
        serializable!(self, |tx| look_at_list(&tx, user, now, visit_gap))
    }
}

/// `at` to the millisecond, as `clock::timestamp` writes it (it drops the rest).
pub(super) fn to_the_millisecond(at: OffsetDateTime) -> OffsetDateTime {
    at - Duration::nanoseconds(i64::from(at.nanosecond() % 1_000_000))
}

/// Applies the move in the caller's SERIALIZABLE transaction: of two racing moves from the same
/// status, PostgreSQL refuses the later commit, and its next attempt finds the referral moved.
async fn change_status(
    tx: &Transaction<'_>,
    new: &NewStatusChange,
) -> Result<StatusChanged, StoreError> {
    let found = tx
        .query_opt(
            "SELECT id, status FROM referrals WHERE reference = $1",
            &[&new.reference],
        )
        .await?;
    let Some(row) = found else {
        return Ok(StatusChanged::UnknownReference);
    };
    let id: i64 = row.get(0);
    let stored = named(row.get(1), Status::from_name)?;
    let change = new.change;
    if stored != change.from() {
        return Ok(StatusChanged::Stale { now: stored });
    }
    let closure = change.closure();
    let (closure_name, outcome_name) = (
        closure.map(Closure::as_str),
        closure.and_then(Closure::outcome).map(|o| o.as_str()),
    );
    // `AND status = $5` again: the row says what the move needs, so the statement is right on
    // its own, whatever the isolation.
    let updated = tx
        .execute(
            "UPDATE referrals SET status = $1, closure = $2, outcome = $3
             WHERE id = $4 AND status = $5",
            &[
                &change.to().as_str(),
                &closure_name,
                &outcome_name,
                &id,
                &change.from().as_str(),
            ],
        )
        .await?;
    if updated != 1 {
        return Ok(StatusChanged::Stale { now: stored });
    }
    tx.execute(
        "INSERT INTO status_changes (referral_id, from_status, to_status, closure, outcome, reason,
             by_user_id, at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        &[
            &id,
            &change.from().as_str(),
            &change.to().as_str(),
            &closure_name,
            &outcome_name,
            &new.reason.as_ref().map(|r| r.as_ref()),
            &new.by,
            &to_the_millisecond(new.at),
        ],
    )
    .await?;
    Ok(StatusChanged::Changed)
}

async fn add_note(db: &impl GenericClient, note: &NewNote) -> Result<bool, StoreError> {
    let added = db
        .execute(
            "INSERT INTO notes (referral_id, text, by_user_id, at)
             SELECT id, $2, $3, $4 FROM referrals WHERE reference = $1",
            &[
                &note.reference,
                &note.text.as_ref(),
                &note.by,
                &to_the_millisecond(note.at),
            ],
        )
        .await?;
    Ok(added == 1)
}

async fn add_onward(
    db: &impl GenericClient,
    onward: &NewOnwardReferral,
) -> Result<bool, StoreError> {
    let added = db
        .execute(
            "INSERT INTO onward_referrals (referral_id, kind, directory_url, by_user_id, at)
             SELECT id, $2, $3, $4, $5 FROM referrals WHERE reference = $1",
            &[
                &onward.reference,
                &onward.kind,
                &onward.link.as_ref().map(|l| l.as_ref()),
                &onward.by,
                &to_the_millisecond(onward.at),
            ],
        )
        .await?;
    Ok(added == 1)
}

async fn record_uptake(db: &impl GenericClient, uptake: &NewUptake) -> Result<bool, StoreError> {
    let updated = db
        .execute(
            "UPDATE onward_referrals SET uptake = $3, uptake_by_user_id = $4, uptake_at = $5
             WHERE id = $2 AND referral_id = (SELECT id FROM referrals WHERE reference = $1)",
            &[
                &uptake.reference,
                &uptake.onward_id,
                &uptake.uptake.as_str(),
                &uptake.by,
                &to_the_millisecond(uptake.at),
            ],
        )
        .await?;
    Ok(updated == 1)
}

/// A stored closure: its name, and the outcome a completed one has.
pub(super) fn closure_from(
    name: Option<&str>,
    outcome: Option<&str>,
) -> Result<Option<Closure>, StoreError> {
    name.map(|name| {
        Closure::from_names(name, outcome).ok_or_else(|| {
            StoreError::engine(format!(
                "{name:?} with {outcome:?} is not a closure this service knows"
            ))
        })
    })
    .transpose()
}

/// The record's parts, read in the caller's snapshot so that they agree with each other.
async fn case_record(
    db: &impl GenericClient,
    reference: &str,
) -> Result<Option<CaseRecord>, StoreError> {
    let found = db
        .query_opt(
            "SELECT id, closure, outcome FROM referrals WHERE reference = $1",
            &[&reference],
        )
        .await?;
    let Some(referral) = found else {
        return Ok(None);
    };
    let id: i64 = referral.get(0);
    let closure = closure_from(referral.get(1), referral.get(2))?;

    let history = db
        .query(
            "SELECT from_status, to_status, closure, outcome, reason, by_user_id, at
             FROM status_changes WHERE referral_id = $1 ORDER BY id",
            &[&id],
        )
        .await?
        .iter()
        .map(|row| {
            Ok(StatusChangeRow {
                from: named(row.get(0), Status::from_name)?,
                to: named(row.get(1), Status::from_name)?,
                closure: closure_from(row.get(2), row.get(3))?,
                reason: row.get(4),
                by: row.get(5),
                at: stamp(row.get(6)),
            })
        })
        .collect::<Result<_, StoreError>>()?;

    let notes = db
        .query(
            "SELECT text, by_user_id, at FROM notes WHERE referral_id = $1 ORDER BY id",
            &[&id],
        )
        .await?
        .iter()
        .map(|row| NoteRow {
            text: row.get(0),
            by: row.get(1),
            at: stamp(row.get(2)),
        })
        .collect();

    let onward = db
        .query(
            "SELECT id, kind, directory_url, uptake, by_user_id, at, uptake_by_user_id, uptake_at
             FROM onward_referrals WHERE referral_id = $1 ORDER BY id",
            &[&id],
        )
        .await?
        .iter()
        .map(|row| {
            Ok(OnwardRow {
                id: row.get(0),
                kind: row.get(1),
                link: row.get(2),
                uptake: named(row.get(3), Uptake::from_name)?,
                by: row.get(4),
                at: stamp(row.get(5)),
                uptake_recorded: match (row.get(6), row.get::<_, Option<OffsetDateTime>>(7)) {
                    (Some(by), Some(at)) => Some((by, stamp(at))),
                    _ => None,
                },
            })
        })
        .collect::<Result<_, StoreError>>()?;

    Ok(Some(CaseRecord {
        closure,
        history,
        notes,
        onward,
    }))
}

/// Reads and moves the account's look in the caller's SERIALIZABLE transaction, so two looks at
/// once (two tabs) both end where one of them left it.
async fn look_at_list(
    tx: &Transaction<'_>,
    user: i64,
    now: OffsetDateTime,
    visit_gap: Duration,
) -> Result<Option<String>, StoreError> {
    let now = to_the_millisecond(now);
    let last = tx
        .query_opt(
            "SELECT seen_until, looked_at FROM list_looks WHERE user_id = $1",
            &[&user],
        )
        .await?;
    let seen_until: Option<OffsetDateTime> = match last {
        None => None,
        Some(row) => {
            let (seen_until, last_look): (Option<OffsetDateTime>, OffsetDateTime) =
                (row.get(0), row.get(1));
            if now - last_look >= visit_gap {
                Some(last_look)
            } else {
                seen_until
            }
        }
    };
    tx.execute(
        "INSERT INTO list_looks (user_id, seen_until, looked_at) VALUES ($1, $2, $3)
         ON CONFLICT (user_id) DO UPDATE SET seen_until = excluded.seen_until,
             looked_at = excluded.looked_at",
        &[&user, &seen_until, &now],
    )
    .await?;
    Ok(seen_until.map(stamp))
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use signpost_core::workflow::{Move, Outcome};
    use time::macros::datetime;

    use crate::store::casework::{DirectoryLink, NoteText, ReasonNote};
    use crate::store::postgres::columns::time;
    use crate::store::postgres::testing;
    use crate::store::Store;

    pub const AT: OffsetDateTime = datetime!(2026-12-01 09:00 UTC);

    /// Puts a referral straight into the table: `answers` is the body's answers object.
    pub async fn put(
        db: &impl GenericClient,
        reference: &str,
        practice: &str,
        received_at: &str,
        answers: serde_json::Value,
        score: Option<f64>,
    ) {
        let body = serde_json::json!({ "answers": answers }).to_string();
        let wellbeing = score.map(|_| ("wemwbs", serde_json::json!(vec![4; 14]), 56_i64));
        db.execute(
            "INSERT INTO referrals (reference, idempotency_key, body_sha256, received_at, practice,
                 channel, language, consent_version, consent_purposes, consented_at, body,
                 wellbeing_instrument, wellbeing_items, wellbeing_score, wellbeing_raw)
             VALUES ($1, $1, $2, $3, $4, 'self', 'en', 'v1', '[]', $3, $5, $6, $7, $8, $9)",
            &[
                &reference,
                &"a".repeat(64),
                &time(received_at).unwrap(),
                &practice,
                &body,
                &wellbeing.as_ref().map(|w| w.0),
                &wellbeing.as_ref().map(|w| w.1.clone()),
                &score,
                &wellbeing.as_ref().map(|w| w.2),
            ],
        )
        .await
        .unwrap();
    }

    fn moved(from: Status, to: Status, closure: Option<Closure>, by: i64) -> NewStatusChange {
        NewStatusChange {
            reference: "SP-AAAA-AAAA".into(),
            change: Move::check(from, to, closure).unwrap(),
            reason: ReasonNote::parse("Spoke on the phone").unwrap(),
            by,
            at: AT,
        }
    }

    #[tokio::test]
    async fn a_move_is_applied_once_from_the_status_seen_and_kept_in_the_history() {
        let Some(db) = testing::database().await else {
            return;
        };
        let store = db.store();
        let client = store.client().await.unwrap();
        put(
            &**client,
            "SP-AAAA-AAAA",
            "43210",
            "2026-11-01T09:00:00.000Z",
            serde_json::json!({}),
            None,
        )
        .await;
        use Status::*;
        assert_eq!(
            store
                .change_status(moved(New, Contacted, None, 7))
                .await
                .unwrap(),
            StatusChanged::Changed
        );
        // A second form showing "New" is stale now.
        assert_eq!(
            store
                .change_status(moved(New, Contacted, None, 8))
                .await
                .unwrap(),
            StatusChanged::Stale { now: Contacted }
        );
        assert_eq!(
            store
                .change_status(moved(Contacted, OnHold, None, 7))
                .await
                .unwrap(),
            StatusChanged::Changed
        );
        let done = Closure::Completed(Outcome::ConnectedToService);
        assert_eq!(
            store
                .change_status(moved(OnHold, Closed, Some(done), 8))
                .await
                .unwrap(),
            StatusChanged::Changed
        );
        let mut unknown = moved(New, Contacted, None, 7);
        unknown.reference = "SP-ZZZZ-ZZZZ".into();
        assert_eq!(
            store.change_status(unknown).await.unwrap(),
            StatusChanged::UnknownReference
        );

        let record = store.case_record("SP-AAAA-AAAA").await.unwrap().unwrap();
        assert_eq!(record.closure, Some(done));
        let steps: Vec<_> = record
            .history
            .iter()
            .map(|h| (h.from, h.to, h.by))
            .collect();
        assert_eq!(
            steps,
            [
                (New, Contacted, 7),
                (Contacted, OnHold, 7),
                (OnHold, Closed, 8)
            ]
        );
        assert_eq!(record.history[2].closure, Some(done));
        assert_eq!(
            record.history[0].reason.as_deref(),
            Some("Spoke on the phone")
        );
        assert_eq!(record.history[0].at, "2026-12-01T09:00:00.000Z");
        let found = store.find_referral("SP-AAAA-AAAA").await.unwrap().unwrap();
        assert_eq!(found.status, Closed);
        // The database refuses a closure on an open referral, whoever writes it.
        assert!(client
            .execute(
                "UPDATE referrals SET status = 'active' WHERE reference = 'SP-AAAA-AAAA'",
                &[]
            )
            .await
            .is_err());
    }

    #[tokio::test]
    async fn of_two_moves_racing_from_the_same_status_one_wins() {
        let Some(db) = testing::database().await else {
            return;
        };
        let store = db.store().clone();
        put(
            &**store.client().await.unwrap(),
            "SP-AAAA-AAAA",
            "43210",
            "2026-11-01T09:00:00.000Z",
            serde_json::json!({}),
            None,
        )
        .await;
        let racing = (0..8).map(|by| {
            let store = store.clone();
            tokio::spawn(async move {
                store
                    .change_status(moved(Status::New, Status::Contacted, None, by))
                    .await
            })
        });
        let mut outcomes = Vec::new();
        for move_ in racing {
            outcomes.push(move_.await.unwrap().unwrap());
        }
        let won = outcomes
            .iter()
            .filter(|o| **o == StatusChanged::Changed)
            .count();
        assert_eq!(won, 1, "{outcomes:?}");
        assert!(outcomes.iter().all(|o| matches!(
            o,
            StatusChanged::Changed
                | StatusChanged::Stale {
                    now: Status::Contacted
                }
        )));
        let record = store.case_record("SP-AAAA-AAAA").await.unwrap().unwrap();
        assert_eq!(record.history.len(), 1, "one move is kept");
    }

    #[tokio::test]
    async fn notes_and_onward_referrals_read_back_in_order() {
        let Some(db) = testing::database().await else {
            return;
        };
        let store = db.store();
        put(
            &**store.client().await.unwrap(),
            "SP-AAAA-AAAA",
            "43210",
            "2026-11-01T09:00:00.000Z",
            serde_json::json!({}),
            None,
        )
        .await;
        let note = |text: &str| NewNote {
            reference: "SP-AAAA-AAAA".into(),
            text: NoteText::parse(text).unwrap(),
            by: 7,
            at: AT,
        };
        assert!(store.add_note(note("First call")).await.unwrap());
        assert!(store
            .add_note(note("<script>alert(1)</script>"))
            .await
            .unwrap());
        let mut elsewhere = note("x");
        elsewhere.reference = "SP-ZZZZ-ZZZZ".into();
        assert!(!store.add_note(elsewhere).await.unwrap());
        let onward = NewOnwardReferral {
            reference: "SP-AAAA-AAAA".into(),
            kind: "food".into(),
            link: DirectoryLink::parse("https://www.aliss.org/services/1").unwrap(),
            by: 7,
            at: AT,
        };
        assert!(store.add_onward_referral(onward).await.unwrap());
        let record = store.case_record("SP-AAAA-AAAA").await.unwrap().unwrap();
        assert_eq!(record.notes.len(), 2);
        assert_eq!(record.notes[0].text, "First call");
        assert_eq!(record.notes[1].text, "<script>alert(1)</script>");
        assert_eq!(record.notes[1].at, "2026-12-01T09:00:00.000Z");
        let id = record.onward[0].id;
        assert_eq!(
            record.onward[0].link.as_deref(),
            Some("https://www.aliss.org/services/1")
        );
        assert_eq!(record.onward[0].uptake, Uptake::NotYet);
        assert_eq!(record.onward[0].uptake_recorded, None);
        let uptake = |reference: &str, id| NewUptake {
            reference: reference.into(),
            onward_id: id,
            uptake: Uptake::Yes,
            by: 8,
            // Below the millisecond is dropped, as SQLite's engine drops it.
            at: AT + Duration::microseconds(999),
        };
        assert!(store
            .record_uptake(uptake("SP-AAAA-AAAA", id))
            .await
            .unwrap());
        assert!(!store
            .record_uptake(uptake("SP-AAAA-AAAA", id + 1))
            .await
            .unwrap());
        assert!(!store
            .record_uptake(uptake("SP-ZZZZ-ZZZZ", id))
            .await
            .unwrap());
        let record = store.case_record("SP-AAAA-AAAA").await.unwrap().unwrap();
        assert_eq!(record.onward[0].uptake, Uptake::Yes);
        assert_eq!(
            record.onward[0].uptake_recorded,
            Some((8, "2026-12-01T09:00:00.000Z".into()))
        );
        assert_eq!(store.case_record("SP-ZZZZ-ZZZZ").await.unwrap(), None);
    }

    #[tokio::test]
    async fn a_visit_keeps_its_new_rows_until_the_worker_comes_back_later() {
        let Some(db) = testing::database().await else {
            return;
        };
        let store = db.store();
        let gap = Duration::minutes(30);
        assert_eq!(
            store.look_at_list(7, AT, gap).await.unwrap(),
            None,
            "a first look"
        );
        let later = AT + Duration::hours(3);
        assert_eq!(
            store.look_at_list(7, later, gap).await.unwrap(),
            Some(crate::clock::timestamp(AT))
        );
        // Paging on a few minutes later: the same visit, the same "new".
        let paging = later + Duration::minutes(5);
        assert_eq!(
            store.look_at_list(7, paging, gap).await.unwrap(),
            Some(crate::clock::timestamp(AT))
        );
        let tomorrow = AT + Duration::days(1);
        assert_eq!(
            store.look_at_list(7, tomorrow, gap).await.unwrap(),
            Some(crate::clock::timestamp(paging))
        );
        assert_eq!(
            store.look_at_list(8, tomorrow, gap).await.unwrap(),
            None,
            "each account its own"
        );
    }

    #[tokio::test]
    async fn looks_from_two_tabs_at_once_are_one_visit() {
        let Some(db) = testing::database().await else {
            return;
        };
        let store = db.store().clone();
        let gap = Duration::minutes(30);
        let looks = (0..8).map(|n| {
            let store = store.clone();
            tokio::spawn(async move { store.look_at_list(7, AT + Duration::seconds(n), gap).await })
        });
        for look in looks {
            assert_eq!(look.await.unwrap().unwrap(), None, "all one first visit");
        }
        let tomorrow = AT + Duration::days(1);
        let ended = store.look_at_list(7, tomorrow, gap).await.unwrap().unwrap();
        assert!(
            ended.as_str() >= "2026-12-01T09:00:00.000Z"
                && ended.as_str() <= "2026-12-01T09:00:07.000Z"
        );
    }

    #[test]
    fn times_are_kept_to_the_millisecond() {
        let at = datetime!(2026-12-01 09:00:00.123_456_789 UTC);
        assert_eq!(
            to_the_millisecond(at),
            datetime!(2026-12-01 09:00:00.123 UTC)
        );
        assert_eq!(stamp(to_the_millisecond(at)), crate::clock::timestamp(at));
    }
}
