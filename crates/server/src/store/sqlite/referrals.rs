//! The referrals table: storing one once per idempotency key, and reading one back.

use rusqlite::{Connection, OptionalExtension, TransactionBehavior};
use signpost_core::workflow::Status;
use signpost_core::{Channel, Language};

use super::columns::{items_from_json, items_json, named};
use super::notifications;
use crate::store::rows::{NewReferral, Receipt, Stored, StoredReferral};
use crate::wellbeing::Wellbeing;

/// How many fresh references to try when one is already taken. One collision in 6.6 × 10^11 is
/// already rare; several in a row mean something else is wrong.
const REFERENCE_ATTEMPTS: usize = 8;

/// Stores a referral once per idempotency key, drawing references from `next_reference`, and
/// queues its email (`new.notify`) with it. The lookup and the inserts share one IMMEDIATE
/// transaction, so two retries racing each other (even from two processes) store one row, an
/// acknowledged referral always has its email queued, and a replay queues nothing.
pub fn insert(
    conn: &mut Connection,
    new: &NewReferral,
    mut next_reference: impl FnMut() -> String,
) -> rusqlite::Result<Stored> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let earlier = tx
        .query_row(
            "SELECT reference, received_at, body_sha256 FROM referrals WHERE idempotency_key = ?1",
            [&new.idempotency_key],
            |row| {
                Ok((
                    Receipt {
                        reference: row.get(0)?,
                        received_at: row.get(1)?,
                    },
                    row.get::<_, String>(2)?,
                ))
            },
        )
        .optional()?;
    if let Some((receipt, sha256)) = earlier {
        return Ok(if sha256 == new.body_sha256 {
            Stored::Replayed(receipt)
        } else {
            Stored::KeyReused
        });
    }

    let to_json = |e: serde_json::Error| rusqlite::Error::ToSqlConversionFailure(Box::new(e));
    let consent_purposes = serde_json::to_string(&new.consent_purposes).map_err(to_json)?;
    let body = serde_json::to_string(&new.body).map_err(to_json)?;
    let wellbeing = new.wellbeing.as_ref();
    let mut attempt = 1;
    let (referral_id, reference) = loop {
        let reference = next_reference();
        let inserted = tx.execute(
            "INSERT INTO referrals (reference, idempotency_key, body_sha256, received_at, status, practice,
                 channel, language, consent_version, consent_purposes, consented_at, body,
                 questionnaire_id, questionnaire_version,
                 wellbeing_instrument, wellbeing_items, wellbeing_score, wellbeing_raw, organisation)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?4, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
            rusqlite::params![
                reference,
                new.idempotency_key,
                new.body_sha256,
                new.received_at,
                new.status.as_str(),
                new.practice,
                new.channel.as_str(),
                new.language.as_str(),
                new.consent_version,
                consent_purposes,
                body,
                new.questionnaire.id,
                new.questionnaire.version,
                wellbeing.map(|w| w.instrument.as_str()),
                wellbeing.map(|w| items_json(&w.items)),
                wellbeing.map(|w| w.score),
                wellbeing.map(|w| w.raw),
                new.organisation,
            ],
        );
        match inserted {
            Ok(_) => break (tx.last_insert_rowid(), reference),
            Err(e)
                if attempt < REFERENCE_ATTEMPTS
                    && is_unique_violation(&e, "referrals.reference") =>
            {
                tracing::warn!(attempt, "reference already taken, drawing another");
                attempt += 1;
            }
            Err(e) => return Err(e),
        }
    };
    if let Some(planned) = &new.notify {
        notifications::queue(&tx, referral_id, planned, &new.received_at)?;
    }
    tx.commit()?;
    Ok(Stored::Created(Receipt {
        reference,
        received_at: new.received_at.clone(),
    }))
}

fn is_unique_violation(error: &rusqlite::Error, column: &str) -> bool {
    matches!(
        error,
        rusqlite::Error::SqliteFailure(e, Some(message))
            if e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE && message.contains(column)
    )
}

pub fn find(conn: &Connection, reference: &str) -> rusqlite::Result<Option<StoredReferral>> {
    conn.query_row(
        "SELECT reference, received_at, status, channel, practice, language, consent_version,
                consent_purposes, consented_at, body, questionnaire_id, questionnaire_version,
                wellbeing_instrument, wellbeing_items, wellbeing_score, wellbeing_raw, organisation
         FROM referrals WHERE reference = ?1",
        [reference],
        |row| {
            Ok(StoredReferral {
                reference: row.get(0)?,
                received_at: row.get(1)?,
                status: named(&row.get::<_, String>(2)?, 2, Status::from_name)?,
                channel: named(&row.get::<_, String>(3)?, 3, Channel::from_name)?,
                organisation: row.get(16)?,
                practice: row.get(4)?,
                language: named(&row.get::<_, String>(5)?, 5, Language::from_name)?,
                consent_version: row.get(6)?,
                consent_purposes: row.get(7)?,
                consented_at: row.get(8)?,
                body: row.get(9)?,
                // The migration's CHECKs keep each group all NULL or all set.
                questionnaire: match (row.get(10)?, row.get(11)?) {
                    (Some(id), Some(version)) => Some((id, version)),
                    _ => None,
                },
                wellbeing: match (
                    row.get::<_, Option<String>>(12)?,
                    row.get::<_, Option<String>>(13)?,
                    row.get(14)?,
                    row.get(15)?,
                ) {
                    (Some(instrument), Some(items), Some(score), Some(raw)) => Some(Wellbeing {
                        instrument: named(&instrument, 12, signpost_core::Instrument::from_name)?,
                        items: items_from_json(&items, 13)?,
                        score,
                        raw,
                    }),
                    _ => None,
                },
            })
        },
    )
    .optional()
}

#[cfg(test)]
mod tests {
    use super::*;
    use signpost_core::{
        default_questionnaire, ConsentPurpose, Instrument, RawReferral, Responses,
    };

    use crate::store::sqlite::tests::migrated_to;
    use crate::store::SqliteStore;

    fn new_referral(key: &str, sha256: char) -> NewReferral {
        let body: RawReferral =
            serde_json::from_value(crate::fixtures::first_valid_fixture()).unwrap();
        NewReferral {
            idempotency_key: key.into(),
            body_sha256: sha256.to_string().repeat(64),
            received_at: "2026-11-25T10:00:00.000Z".into(),
            status: Status::New,
            practice: "43210".into(),
            channel: Channel::SelfReferral,
            organisation: None,
            language: Language::En,
            consent_version: "2026-11-25".into(),
            consent_purposes: vec![ConsentPurpose::ShareWithService, ConsentPurpose::ContactMe],
            questionnaire: signpost_core::QuestionnaireRef {
                id: "signpost-self-referral".into(),
                version: "2026-11-25".into(),
            },
            wellbeing: None,
            body,
            notify: None,
        }
    }

    fn fresh() -> (tempfile::TempDir, SqliteStore) {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("test.db")).unwrap();
        (dir, store)
    }

    /// Stores `new` under `reference` and reads it back.
    fn store_and_find(store: &SqliteStore, new: &NewReferral, reference: &str) -> StoredReferral {
        store
            .with_conn(|conn| {
                insert(conn, new, || reference.into())?;
                find(conn, reference)
            })
            .unwrap()
            .expect("just stored")
    }

    fn is_constraint_violation<T: std::fmt::Debug>(result: &rusqlite::Result<T>) -> bool {
        matches!(result, Err(rusqlite::Error::SqliteFailure(e, _)) if e.code == rusqlite::ErrorCode::ConstraintViolation)
    }

    /// A database made by the first `applied` migrations holding one referral, `SP-2222-3333`,
    /// with the given channel, language and body, then opened as the service opens it.
    fn database_from_before(
        applied: usize,
        channel: &str,
        language: &str,
        body: &str,
    ) -> (tempfile::TempDir, SqliteStore) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.db");
        let conn = migrated_to(&path, applied);
        conn.execute(
            "INSERT INTO referrals (reference, idempotency_key, body_sha256, received_at, practice,
                 channel, language, consent_version, consent_purposes, consented_at, body)
             VALUES ('SP-2222-3333', 'old', ?1, '2026-11-20T09:00:00.000Z', '43210', ?2, ?3,
                 '2026-11-01', '[\"share_with_service\",\"contact_me\"]', '2026-11-20T09:00:00.000Z', ?4)",
            rusqlite::params!["a".repeat(64), channel, language, body],
        )
        .unwrap();
        drop(conn);
        let store = SqliteStore::open(&path).unwrap();
        (dir, store)
    }

    #[test]
    fn a_taken_reference_is_drawn_again() {
        let (_dir, store) = fresh();
        let mut draws = ["SP-AAAA-AAAA", "SP-AAAA-AAAA", "SP-BBBB-BBBB"]
            .into_iter()
            .map(String::from);
        store
            .with_conn(|conn| {
                let first = insert(conn, &new_referral("one", 'a'), || draws.next().unwrap())?;
                let second = insert(conn, &new_referral("two", 'b'), || draws.next().unwrap())?;
                assert!(matches!(first, Stored::Created(r) if r.reference == "SP-AAAA-AAAA"));
                assert!(matches!(second, Stored::Created(r) if r.reference == "SP-BBBB-BBBB"));
                Ok::<_, rusqlite::Error>(())
            })
            .unwrap();
        assert_eq!(draws.next(), None, "the collision was retried once");
    }

    #[test]
    fn a_key_is_replayed_for_the_same_body_and_refused_for_another() {
        let (_dir, store) = fresh();
        store
            .with_conn(|conn| {
                let Stored::Created(receipt) =
                    insert(conn, &new_referral("k", 'a'), || "SP-AAAA-AAAA".into())?
                else {
                    panic!("not created");
                };
                assert_eq!(
                    insert(conn, &new_referral("k", 'a'), || unreachable!())?,
                    Stored::Replayed(receipt)
                );
                assert_eq!(
                    insert(conn, &new_referral("k", 'b'), || unreachable!())?,
                    Stored::KeyReused
                );
                let rows: i64 =
                    conn.query_row("SELECT count(*) FROM referrals", [], |r| r.get(0))?;
                assert_eq!(rows, 1);
                Ok::<_, rusqlite::Error>(())
            })
            .unwrap();
    }

    #[test]
    fn a_stored_check_in_reads_back_as_written() {
        let (_dir, store) = fresh();
        let mut new = new_referral("k", 'a');
        new.wellbeing = Some(Wellbeing::score(
            &Responses::parse(Instrument::Swemwbs, &[5, 4, 3, 2, 1, 2, 3]).unwrap(),
        ));
        let stored = store_and_find(&store, &new, "SP-AAAA-AAAA");
        assert_eq!(stored.wellbeing, new.wellbeing);
        assert_eq!(
            stored.questionnaire,
            Some(("signpost-self-referral".into(), "2026-11-25".into()))
        );
        assert_eq!(stored.status, Status::New);
        assert_eq!(
            (stored.channel, stored.language),
            (Channel::SelfReferral, Language::En)
        );
        assert_eq!(
            stored.consent_purposes,
            r#"["share_with_service","contact_me"]"#
        );
        let body: RawReferral = serde_json::from_str(&stored.body).unwrap();
        assert_eq!(body, new.body);
    }

    #[test]
    fn a_checked_referral_is_stored_as_new_with_its_canonical_body() {
        let raw: RawReferral =
            serde_json::from_value(crate::fixtures::first_valid_fixture()).unwrap();
        let today = crate::clock::calendar_date(time::OffsetDateTime::now_utc()).unwrap();
        let referral =
            signpost_core::Referral::parse(raw, &default_questionnaire(), today).unwrap();
        let new = NewReferral::new(
            &referral,
            "k".into(),
            "a".repeat(64),
            "2026-11-25T10:00:00.000Z".into(),
        );
        assert_eq!(new.status, Status::New);
        assert_eq!(new.body, RawReferral::from(&referral));
        assert_eq!(new.wellbeing, referral.wellbeing().map(Wellbeing::score));
        let (_dir, store) = fresh();
        let stored = store_and_find(&store, &new, "SP-AAAA-AAAA");
        assert_eq!(stored.practice, new.body.practice);
        assert_eq!(stored.consented_at, stored.received_at);
    }

    #[test]
    fn the_check_in_columns_are_all_set_or_all_null() {
        let (_dir, store) = fresh();
        let stored = store.with_conn(|conn| {
            insert(conn, &new_referral("k", 'a'), || "SP-AAAA-AAAA".into())?;
            conn.execute(
                "UPDATE referrals SET wellbeing_instrument = 'wemwbs' WHERE reference = 'SP-AAAA-AAAA'",
                [],
            )
        });
        assert!(is_constraint_violation(&stored), "{stored:?}");
    }

    #[test]
    fn a_database_made_by_the_first_migration_is_brought_up_to_date() {
        let (_dir, store) =
            database_from_before(1, "self", "en", r#"{"person":{"name":"Morag Campbell"}}"#);
        let old = store
            .with_conn(|conn| find(conn, "SP-2222-3333"))
            .unwrap()
            .expect("the old row is kept");
        assert_eq!(old.questionnaire, None);
        assert_eq!(old.wellbeing, None);
        assert_eq!(old.body, r#"{"person":{"name":"Morag Campbell"}}"#);
        assert_eq!(old.received_at, "2026-11-20T09:00:00.000Z");

        let mut new = new_referral("new", 'b');
        new.wellbeing = Some(Wellbeing::score(
            &Responses::parse(Instrument::Wemwbs, &[4; 14]).unwrap(),
        ));
        let stored = store_and_find(&store, &new, "SP-4444-5555");
        assert_eq!(stored.wellbeing.map(|w| w.score), Some(56.0));
    }

    #[test]
    fn an_assisted_referral_keeps_its_organisation_and_a_self_referral_has_none() {
        let (_dir, store) = fresh();
        let mut assisted = new_referral("assisted", 'a');
        assisted.channel = Channel::Assisted;
        assisted.organisation = Some("Southside Foodbank".into());
        let stored = store_and_find(&store, &assisted, "SP-AAAA-AAAA");
        assert_eq!(stored.organisation.as_deref(), Some("Southside Foodbank"));

        // The database refuses what signpost-core refuses: a self-referral naming an organisation.
        let mut self_with = new_referral("self", 'b');
        self_with.organisation = Some("Southside Foodbank".into());
        let refused = store.with_conn(|conn| insert(conn, &self_with, || "SP-BBBB-BBBB".into()));
        assert!(is_constraint_violation(&refused), "{refused:?}");
    }

    #[test]
    fn an_assisted_referral_from_before_0003_has_no_organisation() {
        let (_dir, store) = database_from_before(2, "assisted", "ar", "{}");
        let old = store
            .with_conn(|conn| find(conn, "SP-2222-3333"))
            .unwrap()
            .unwrap();
        assert_eq!((old.channel, old.organisation), (Channel::Assisted, None));
    }
}
