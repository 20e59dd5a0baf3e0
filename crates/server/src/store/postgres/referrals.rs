//! The referrals table: storing one once per idempotency key, and reading one back.

use signpost_core::workflow::Status;
use signpost_core::{Channel, Instrument, Language};
use tokio_postgres::error::SqlState;
use tokio_postgres::{GenericClient, Row, Transaction};

use super::columns::{items, named, stamp, time};
use super::notifications;
use crate::store::rows::{NewReferral, Receipt, Stored, StoredReferral};
use crate::store::StoreError;
use crate::wellbeing::Wellbeing;

/// How many fresh references to try when one is already taken. One collision in 6.6 × 10^11 is
/// already rare; several in a row mean something else is wrong.
const REFERENCE_ATTEMPTS: usize = 8;

/// Stores a referral once per idempotency key, drawing references from `next_reference`, and
/// queues its email (`new.notify`) with it, in the caller's READ COMMITTED transaction: of two
/// requests with one key racing each other (even on two instances), the later one's insert waits
/// for the first to commit, does nothing (ON CONFLICT), and its next statement reads the first
/// one's row. SERIALIZABLE is not needed here, and under load its predicate locks made false
/// conflicts between unrelated referrals.
pub async fn insert(
    tx: &mut Transaction<'_>,
    new: &NewReferral,
    mut next_reference: impl FnMut() -> String,
) -> Result<Stored, StoreError> {
    if let Some(earlier) = earlier(tx, new).await? {
        return Ok(earlier);
    }

    let received_at = time(&new.received_at)?;
    let consent_purposes =
        serde_json::to_string(&new.consent_purposes).map_err(StoreError::engine)?;
    let body = serde_json::to_string(&new.body).map_err(StoreError::engine)?;
    let wellbeing = new.wellbeing.as_ref();
    let items = wellbeing.map(|w| serde_json::json!(w.items));
    let mut attempt = 1;
    let (referral_id, reference) = loop {
        let reference = next_reference();
        // A savepoint, so that a reference already taken fails only this insert and the
        // transaction goes on with another.
        let savepoint = tx.savepoint("draw_reference").await?;
        let inserted = savepoint
            .query_opt(
                "INSERT INTO referrals (reference, idempotency_key, body_sha256, received_at, status,
                     practice, channel, language, consent_version, consent_purposes, consented_at,
                     body, questionnaire_id, questionnaire_version, wellbeing_instrument,
                     wellbeing_items, wellbeing_score, wellbeing_raw, organisation)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $4, $11, $12, $13, $14, $15, $16,
                     $17, $18)
                 ON CONFLICT (idempotency_key) DO NOTHING
                 RETURNING id",
                &[
                    &reference,
                    &new.idempotency_key,
                    &new.body_sha256,
                    &received_at,
                    &new.status.as_str(),
                    &new.practice,
                    &new.channel.as_str(),
                    &new.language.as_str(),
                    &new.consent_version,
                    &consent_purposes,
                    &body,
                    &new.questionnaire.id,
                    &new.questionnaire.version,
                    &wellbeing.map(|w| w.instrument.as_str()),
                    &items,
                    &wellbeing.map(|w| w.score),
                    &wellbeing.map(|w| i64::from(w.raw)),
                    &new.organisation,
                ],
            )
            .await;
        match inserted {
            Ok(Some(row)) => {
                savepoint.commit().await?;
                break (row.get::<_, i64>(0), reference);
            }
            // Another request with this key committed while this one ran: it is the earlier.
            Ok(None) => {
                savepoint.commit().await?;
                return earlier(tx, new)
                    .await?
                    .ok_or_else(|| StoreError::engine("a conflicting key that is not stored"));
            }
            Err(e) if attempt < REFERENCE_ATTEMPTS && is_reference_taken(&e) => {
                savepoint.rollback().await?;
                tracing::warn!(attempt, "reference already taken, drawing another");
                attempt += 1;
            }
            Err(e) => return Err(e.into()),
        }
    };
    if let Some(planned) = &new.notify {
        notifications::queue(tx, referral_id, planned, received_at).await?;
    }
    Ok(Stored::Created(Receipt {
        reference,
        received_at: new.received_at.clone(),
    }))
}

/// What an earlier referral with this key came to: a replay of it, or a key reused.
async fn earlier(tx: &Transaction<'_>, new: &NewReferral) -> Result<Option<Stored>, StoreError> {
    let row = tx
        .query_opt(
            "SELECT reference, received_at, body_sha256 FROM referrals WHERE idempotency_key = $1",
            &[&new.idempotency_key],
        )
        .await?;
    Ok(row.map(|row| {
        let receipt = Receipt {
            reference: row.get(0),
            received_at: stamp(row.get(1)),
        };
        if row.get::<_, &str>(2) == new.body_sha256 {
            Stored::Replayed(receipt)
        } else {
            Stored::KeyReused
        }
    }))
}

/// A unique violation on the reference (the idempotency key's is a conflict, tried again whole).
fn is_reference_taken(error: &tokio_postgres::Error) -> bool {
    error.code() == Some(&SqlState::UNIQUE_VIOLATION)
        && error
            .as_db_error()
            .and_then(|e| e.constraint())
            .is_some_and(|constraint| constraint == "referrals_reference_key")
}

pub async fn find(
    db: &impl GenericClient,
    reference: &str,
) -> Result<Option<StoredReferral>, StoreError> {
    let row = db
        .query_opt(
            "SELECT reference, received_at, status, channel, practice, language, consent_version,
                    consent_purposes, consented_at, body, questionnaire_id,
                    questionnaire_version, wellbeing_instrument, wellbeing_items, wellbeing_score,
                    wellbeing_raw, organisation
             FROM referrals WHERE reference = $1",
            &[&reference],
        )
        .await?;
    row.map(|row| stored_referral(&row)).transpose()
}

fn stored_referral(row: &Row) -> Result<StoredReferral, StoreError> {
    Ok(StoredReferral {
        reference: row.get(0),
        received_at: stamp(row.get(1)),
        status: named(row.get(2), Status::from_name)?,
        channel: named(row.get(3), Channel::from_name)?,
        organisation: row.get(16),
        practice: row.get(4),
        language: named(row.get(5), Language::from_name)?,
        consent_version: row.get(6),
        consent_purposes: row.get(7),
        consented_at: stamp(row.get(8)),
        body: row.get(9),
        // The schema's CHECKs keep each group all NULL or all set.
        questionnaire: match (row.get(10), row.get(11)) {
            (Some(id), Some(version)) => Some((id, version)),
            _ => None,
        },
        wellbeing: match (
            row.get::<_, Option<&str>>(12),
            row.get::<_, Option<serde_json::Value>>(13),
            row.get::<_, Option<f64>>(14),
            row.get::<_, Option<i64>>(15),
        ) {
            (Some(instrument), Some(stored_items), Some(score), Some(raw)) => Some(Wellbeing {
                instrument: named(instrument, Instrument::from_name)?,
                items: items(stored_items)?,
                score,
                raw: u8::try_from(raw).map_err(StoreError::engine)?,
            }),
            _ => None,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use signpost_core::{ConsentPurpose, RawReferral};

    use crate::store::postgres::testing;
    use crate::store::Store;

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
            wellbeing: Some(Wellbeing {
                instrument: Instrument::Swemwbs,
                items: vec![3, 2, 2, 3, 1, 2, 3],
                score: 17.43,
                raw: 16,
            }),
            body,
            notify: None,
        }
    }

    #[tokio::test]
    async fn a_referral_is_stored_once_per_key_and_reads_back_as_it_went_in() {
        let Some(db) = testing::database().await else {
            return;
        };
        let store = db.store();
        let new = new_referral("key-1", 'a');
        let Stored::Created(receipt) = store.store_referral(new.clone()).await.unwrap() else {
            panic!("the first is created");
        };
        assert_eq!(receipt.received_at, "2026-11-25T10:00:00.000Z");
        assert_eq!(
            store.store_referral(new.clone()).await.unwrap(),
            Stored::Replayed(receipt.clone())
        );
        assert_eq!(
            store
                .store_referral(new_referral("key-1", 'b'))
                .await
                .unwrap(),
            Stored::KeyReused
        );
        let found = store
            .find_referral(&receipt.reference)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(found.received_at, new.received_at);
        assert_eq!(found.consented_at, new.received_at);
        assert_eq!(found.status, Status::New);
        assert_eq!(found.wellbeing, new.wellbeing);
        let body: RawReferral = serde_json::from_str(&found.body).unwrap();
        assert_eq!(
            serde_json::to_value(body).unwrap(),
            serde_json::to_value(&new.body).unwrap()
        );
        assert_eq!(
            serde_json::from_str::<Vec<ConsentPurpose>>(&found.consent_purposes).unwrap(),
            new.consent_purposes
        );
        assert!(store.find_referral("SP-0000-0000").await.unwrap().is_none());
    }

    #[tokio::test]
    async fn a_reference_already_taken_is_drawn_again() {
        let Some(db) = testing::database().await else {
            return;
        };
        let store = db.store();
        let first = store
            .store_referral(new_referral("key-1", 'a'))
            .await
            .unwrap();
        let Stored::Created(first) = first else {
            panic!("created")
        };
        let mut drawn = vec!["SP-2222-2222".to_owned(), first.reference.clone()];
        let new = new_referral("key-2", 'a');
        let stored = crate::store::postgres::serializable!(store, |tx| {
            insert(&mut tx, &new, || drawn.pop().unwrap())
        })
        .unwrap();
        assert!(matches!(stored, Stored::Created(r) if r.reference == "SP-2222-2222"));
    }

    #[tokio::test]
    async fn the_same_key_sent_many_times_at_once_stores_one_referral() {
        let Some(db) = testing::database().await else {
            return;
        };
        let store = db.store().clone();
        let sends = (0..16).map(|_| {
            let store = store.clone();
            tokio::spawn(async move { store.store_referral(new_referral("racing", 'a')).await })
        });
        let mut references = Vec::new();
        for send in sends {
            match send.await.unwrap().unwrap() {
                Stored::Created(r) | Stored::Replayed(r) => references.push(r.reference),
                Stored::KeyReused => panic!("the same body is a replay"),
            }
        }
        references.dedup();
        assert_eq!(references.len(), 1, "{references:?}");
        let count: i64 = store
            .client()
            .await
            .unwrap()
            .query_one("SELECT count(*) FROM referrals", &[])
            .await
            .unwrap()
            .get(0);
        assert_eq!(count, 1);
    }
}
