//! The checkins table: adding a follow-up link, and looking one up and answering it by its
//! token's hash.

use signpost_core::{CheckinResult, Instrument, Language, ScoreKind, ScorePoint};
use time::OffsetDateTime;
use tokio_postgres::{GenericClient, Transaction};

use super::columns::{items, named, stamp, time};
use crate::store::rows::{
    Answered, CheckinAnswer, LinkClosed, Lookup, NewCheckin, OpenCheckin, StoredCheckin,
};
use crate::store::StoreError;
use crate::token::TokenHash;
use crate::wellbeing::Wellbeing;

/// Adds a link to the referral `new.reference`; `false` when there is no such referral.
pub async fn add(db: &impl GenericClient, new: &NewCheckin) -> Result<bool, StoreError> {
    let added = db
        .execute(
            "INSERT INTO checkins (referral_id, token_sha256, instrument, created_at, expires_at)
             SELECT id, $2, $3, $4, $5 FROM referrals WHERE reference = $1",
            &[
                &new.reference,
                &new.token.as_str(),
                &new.instrument.as_str(),
                &time(&new.created_at)?,
                &time(&new.expires_at)?,
            ],
        )
        .await?;
    Ok(added == 1)
}

/// What the link whose token hashes to `token` opens, as of `now`.
pub async fn look_up(
    db: &impl GenericClient,
    token: &TokenHash,
    now: OffsetDateTime,
) -> Result<Lookup, StoreError> {
    Ok(match open_link(db, token, now, false).await? {
        Ok((_, open)) => Lookup::Open(open),
        Err(closed) => Lookup::Closed(closed),
    })
}

/// The open link whose token hashes to `token`, with its row id for [`answer`], or why it is
/// closed. `for_answer` locks the row, so a concurrent answer waits and then finds it used.
async fn open_link(
    db: &impl GenericClient,
    token: &TokenHash,
    now: OffsetDateTime,
    for_answer: bool,
) -> Result<Result<(i64, OpenCheckin), LinkClosed>, StoreError> {
    let lock = if for_answer { " FOR UPDATE OF c" } else { "" };
    let found = db
        .query_opt(
            &format!(
                "SELECT c.id, c.instrument, c.expires_at, c.used_at IS NOT NULL,
                        r.received_at, r.wellbeing_instrument, r.wellbeing_score
                 FROM checkins c JOIN referrals r ON r.id = c.referral_id
                 WHERE c.token_sha256 = $1{lock}"
            ),
            &[&token.as_str()],
        )
        .await?;
    let Some(row) = found else {
        return Ok(Err(LinkClosed::Unknown));
    };
    let instrument = named(row.get(1), Instrument::from_name)?;
    let expires_at: OffsetDateTime = row.get(2);
    if row.get::<_, bool>(3) {
        return Ok(Err(LinkClosed::Used));
    }
    if now >= expires_at {
        return Ok(Err(LinkClosed::Expired));
    }
    let baseline_instrument = row
        .get::<_, Option<&str>>(5)
        .map(|text| named(text, Instrument::from_name))
        .transpose()?;
    let baseline = match (baseline_instrument, row.get::<_, Option<f64>>(6)) {
        (Some(scale), Some(score)) if scale == instrument => Some(ScorePoint {
            at: stamp(row.get(4)),
            score,
            kind: ScoreKind::Baseline,
        }),
        _ => None,
    };
    Ok(Ok((
        row.get(0),
        OpenCheckin {
            instrument,
            baseline,
        },
    )))
}

/// Stores `answer` if the link is still open, in the caller's transaction; the write only
/// touches a row that is still unused.
pub async fn answer(
    tx: &Transaction<'_>,
    token: &TokenHash,
    answer: &CheckinAnswer,
    now: OffsetDateTime,
) -> Result<Answered, StoreError> {
    let (id, open) = match open_link(tx, token, now, true).await? {
        Ok(found) => found,
        Err(closed) => return Ok(Answered::Closed(closed)),
    };
    let wellbeing = &answer.wellbeing;
    // The caller checked the items against the scale it looked up; a link's scale never changes,
    // so another one here is a mistake in the code, not in the answer.
    if wellbeing.instrument != open.instrument {
        return Err(StoreError::engine(format!(
            "an answer on {} for a link asking {}",
            wellbeing.instrument.as_str(),
            open.instrument.as_str()
        )));
    }
    let updated = tx
        .execute(
            "UPDATE checkins SET used_at = $1, items = $2, score = $3, raw = $4, language = $5
             WHERE id = $6 AND used_at IS NULL",
            &[
                &now,
                &serde_json::json!(wellbeing.items),
                &wellbeing.score,
                &i64::from(wellbeing.raw),
                &answer.language.as_str(),
                &id,
            ],
        )
        .await?;
    if updated != 1 {
        return Ok(Answered::Closed(LinkClosed::Used));
    }
    let follow_up = ScorePoint {
        at: stamp(now),
        score: wellbeing.score,
        kind: ScoreKind::FollowUp,
    };
    let scores = open.baseline.into_iter().chain([follow_up]).collect();
    Ok(Answered::Stored(CheckinResult::new(
        open.instrument,
        scores,
    )))
}

/// Every link of the referral `reference`, oldest first.
pub async fn for_referral(
    db: &impl GenericClient,
    reference: &str,
) -> Result<Vec<StoredCheckin>, StoreError> {
    let rows = db
        .query(
            "SELECT r.reference, c.instrument, c.created_at, c.expires_at, c.used_at,
                    c.items, c.score, c.raw, c.language
             FROM checkins c JOIN referrals r ON r.id = c.referral_id
             WHERE r.reference = $1 ORDER BY c.id",
            &[&reference],
        )
        .await?;
    rows.iter()
        .map(|row| {
            let instrument = named(row.get(1), Instrument::from_name)?;
            let answer = match (
                row.get::<_, Option<serde_json::Value>>(5),
                row.get::<_, Option<f64>>(6),
                row.get::<_, Option<i64>>(7),
                row.get::<_, Option<&str>>(8),
            ) {
                (Some(stored_items), Some(score), Some(raw), Some(language)) => {
                    Some(CheckinAnswer {
                        wellbeing: Wellbeing {
                            instrument,
                            items: items(stored_items)?,
                            score,
                            raw: u8::try_from(raw).map_err(StoreError::engine)?,
                        },
                        language: named(language, Language::from_name)?,
                    })
                }
                _ => None,
            };
            Ok(StoredCheckin {
                referral_reference: row.get(0),
                instrument,
                created_at: stamp(row.get(2)),
                expires_at: stamp(row.get(3)),
                used_at: row.get::<_, Option<OffsetDateTime>>(4).map(stamp),
                answer,
            })
        })
        .collect()
}
