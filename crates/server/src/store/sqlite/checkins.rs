//! The checkins table: adding a follow-up link, and looking one up and answering it by its
//! token's hash.

use rusqlite::types::Type;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior};
use signpost_core::{CheckinResult, Instrument, Language, ScoreKind, ScorePoint};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::columns::{items_from_json, items_json, named};
use crate::clock::timestamp;
use crate::store::rows::{
    Answered, CheckinAnswer, LinkClosed, Lookup, NewCheckin, OpenCheckin, StoredCheckin,
};
use crate::token::TokenHash;
use crate::wellbeing::Wellbeing;

/// Adds a link to the referral `new.reference`; `false` when there is no such referral.
pub fn add(conn: &Connection, new: &NewCheckin) -> rusqlite::Result<bool> {
    let added = conn.execute(
        "INSERT INTO checkins (referral_id, token_sha256, instrument, created_at, expires_at)
         SELECT id, ?2, ?3, ?4, ?5 FROM referrals WHERE reference = ?1",
        rusqlite::params![
            new.reference,
            new.token.as_str(),
            new.instrument.as_str(),
            new.created_at,
            new.expires_at
        ],
    )?;
    Ok(added == 1)
}

/// What the link whose token hashes to `token` opens, as of `now`.
pub fn look_up(
    conn: &Connection,
    token: &TokenHash,
    now: OffsetDateTime,
) -> rusqlite::Result<Lookup> {
    Ok(match open_link(conn, token, now)? {
        Ok((_, open)) => Lookup::Open(open),
        Err(closed) => Lookup::Closed(closed),
    })
}

/// The open link whose token hashes to `token`, with its row id for [`answer`], or why it is closed.
fn open_link(
    conn: &Connection,
    token: &TokenHash,
    now: OffsetDateTime,
) -> rusqlite::Result<Result<(i64, OpenCheckin), LinkClosed>> {
    let found = conn
        .query_row(
            "SELECT c.id, c.instrument, c.expires_at, c.used_at IS NOT NULL,
                    r.received_at, r.wellbeing_instrument, r.wellbeing_score
             FROM checkins c JOIN referrals r ON r.id = c.referral_id
             WHERE c.token_sha256 = ?1",
            [token.as_str()],
            |row| {
                let instrument = named(&row.get::<_, String>(1)?, 1, Instrument::from_name)?;
                let expires_at: String = row.get(2)?;
                let expires_at = OffsetDateTime::parse(&expires_at, &Rfc3339).map_err(|e| {
                    rusqlite::Error::FromSqlConversionFailure(2, Type::Text, Box::new(e))
                })?;
                let baseline_instrument = row
                    .get::<_, Option<String>>(5)?
                    .map(|text| named(&text, 5, Instrument::from_name))
                    .transpose()?;
                let baseline = match (baseline_instrument, row.get::<_, Option<f64>>(6)?) {
                    (Some(scale), Some(score)) if scale == instrument => Some(ScorePoint {
                        at: row.get(4)?,
                        score,
                        kind: ScoreKind::Baseline,
                    }),
                    _ => None,
                };
                Ok((
                    row.get::<_, i64>(0)?,
                    instrument,
                    expires_at,
                    row.get::<_, bool>(3)?,
                    baseline,
                ))
            },
        )
        .optional()?;
    Ok(match found {
        None => Err(LinkClosed::Unknown),
        Some((.., true, _)) => Err(LinkClosed::Used),
        Some((_, _, expires_at, false, _)) if now >= expires_at => Err(LinkClosed::Expired),
        Some((id, instrument, _, false, baseline)) => Ok((
            id,
            OpenCheckin {
                instrument,
                baseline,
            },
        )),
    })
}

/// Stores `answer` if the link is still open. The lookup and the write share one IMMEDIATE
/// transaction, and the write only touches a row that is still unused.
pub fn answer(
    conn: &mut Connection,
    token: &TokenHash,
    answer: &CheckinAnswer,
    now: OffsetDateTime,
) -> rusqlite::Result<Answered> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let (id, open) = match open_link(&tx, token, now)? {
        Ok(found) => found,
        Err(closed) => return Ok(Answered::Closed(closed)),
    };
    let wellbeing = &answer.wellbeing;
    // The caller checked the items against the scale it looked up; a link's scale never changes,
    // so another one here is a mistake in the code, not in the answer.
    if wellbeing.instrument != open.instrument {
        return Err(rusqlite::Error::ToSqlConversionFailure(
            format!(
                "an answer on {} for a link asking {}",
                wellbeing.instrument.as_str(),
                open.instrument.as_str()
            )
            .into(),
        ));
    }
    let used_at = timestamp(now);
    let updated = tx.execute(
        "UPDATE checkins SET used_at = ?1, items = ?2, score = ?3, raw = ?4, language = ?5
         WHERE id = ?6 AND used_at IS NULL",
        rusqlite::params![
            used_at,
            items_json(&wellbeing.items),
            wellbeing.score,
            wellbeing.raw,
            answer.language.as_str(),
            id
        ],
    )?;
    if updated != 1 {
        return Ok(Answered::Closed(LinkClosed::Used));
    }
    tx.commit()?;
    let follow_up = ScorePoint {
        at: used_at,
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
pub fn for_referral(conn: &Connection, reference: &str) -> rusqlite::Result<Vec<StoredCheckin>> {
    let mut statement = conn.prepare(
        "SELECT r.reference, c.instrument, c.created_at, c.expires_at, c.used_at,
                c.items, c.score, c.raw, c.language
         FROM checkins c JOIN referrals r ON r.id = c.referral_id
         WHERE r.reference = ?1 ORDER BY c.id",
    )?;
    let rows = statement.query_map([reference], |row| {
        let instrument = named(&row.get::<_, String>(1)?, 1, Instrument::from_name)?;
        let answer = match (
            row.get::<_, Option<String>>(5)?,
            row.get(6)?,
            row.get(7)?,
            row.get::<_, Option<String>>(8)?,
        ) {
            (Some(items), Some(score), Some(raw), Some(language)) => Some(CheckinAnswer {
                wellbeing: Wellbeing {
                    instrument,
                    items: items_from_json(&items, 5)?,
                    score,
                    raw,
                },
                language: named(&language, 8, Language::from_name)?,
            }),
            _ => None,
        };
        Ok(StoredCheckin {
            referral_reference: row.get(0)?,
            instrument,
            created_at: row.get(2)?,
            expires_at: row.get(3)?,
            used_at: row.get(4)?,
            answer,
        })
    })?;
    rows.collect()
}
