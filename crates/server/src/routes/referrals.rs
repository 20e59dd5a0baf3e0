//! `POST /api/v1/referrals`: check a referral, store it once per idempotency key, and answer with
//! its reference only after it is committed.

use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use sha2::{Digest, Sha256};
use signpost_core::fields::CalendarDate;
use signpost_core::{RawReferral, Referral};
use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

use crate::db::{self, NewReferral, Receipt, Stored, Wellbeing};
use crate::error::{AppError, JsonBody, IDEMPOTENCY_KEY};
use crate::{reference, AppState};

/// Sent with a 201 that repeats an earlier answer, so a client (and its tests) can tell.
pub const IDEMPOTENT_REPLAYED: HeaderName = HeaderName::from_static("idempotent-replayed");

/// The longest idempotency key accepted: a UUID is 36 characters, so this leaves plenty of room.
const MAX_KEY_LEN: usize = 128;

/// The client's name for one referral, the same on every retry of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey(pub String);

impl IdempotencyKey {
    pub fn parse(text: &str) -> Option<Self> {
        let well_formed = (1..=MAX_KEY_LEN).contains(&text.len())
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        well_formed.then(|| IdempotencyKey(text.to_owned()))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for IdempotencyKey {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let value = parts
            .headers
            .get(IDEMPOTENCY_KEY)
            .ok_or(AppError::IdempotencyKeyMissing)?;
        value
            .to_str()
            .ok()
            .and_then(IdempotencyKey::parse)
            .ok_or(AppError::IdempotencyKeyMalformed)
    }
}

/// The 201 body: what the widget shows the person.
#[derive(Debug, Serialize)]
pub struct ReferralReceipt {
    pub reference: String,
    pub received_at: String,
}

impl From<Receipt> for ReferralReceipt {
    fn from(receipt: Receipt) -> Self {
        ReferralReceipt {
            reference: receipt.reference,
            received_at: receipt.received_at,
        }
    }
}

pub async fn create(
    State(state): State<AppState>,
    key: IdempotencyKey,
    body: JsonBody<RawReferral>,
) -> Result<Response, AppError> {
    // One reading of the clock: the day that bounds dates of birth is the day it was received.
    let now = OffsetDateTime::now_utc();
    let referral = Referral::parse(body.value, &state.questionnaire, calendar_date(now)?)?;
    let canonical = RawReferral::from(&referral);
    let new = NewReferral {
        idempotency_key: key.0,
        body_sha256: sha256_hex(&body.bytes),
        received_at: rfc3339(now)?,
        practice: canonical.practice.clone(),
        channel: canonical.channel.as_str().to_owned(),
        organisation: canonical.organisation.clone(),
        language: canonical.language.as_str().to_owned(),
        consent_version: canonical.consent.version.clone(),
        consent_purposes: serde_json::to_string(&canonical.consent.purposes)
            .map_err(AppError::internal("writing the consent purposes"))?,
        questionnaire_id: canonical.questionnaire.id.clone(),
        questionnaire_version: canonical.questionnaire.version.clone(),
        // Scored here from the checked items: the wire format has no score a client could set.
        wellbeing: referral.wellbeing().map(Wellbeing::score),
        body: serde_json::to_string(&canonical)
            .map_err(AppError::internal("writing the canonical referral"))?,
    };

    let stored = state
        .db
        .call(move |conn| db::store(conn, &new, reference::generate))
        .await?;
    match stored {
        Stored::Created(receipt) => {
            tracing::info!(reference = %receipt.reference, "referral stored");
            Ok((StatusCode::CREATED, Json(ReferralReceipt::from(receipt))).into_response())
        }
        Stored::Replayed(receipt) => Ok((
            StatusCode::CREATED,
            [(IDEMPOTENT_REPLAYED, HeaderValue::from_static("true"))],
            Json(ReferralReceipt::from(receipt)),
        )
            .into_response()),
        Stored::KeyReused => Err(AppError::IdempotencyKeyReused),
    }
}

/// A UTC time to the millisecond: `2026-11-25T10:04:05.123Z`.
fn rfc3339(now: OffsetDateTime) -> Result<String, AppError> {
    let now = now
        .replace_millisecond(now.millisecond())
        .map_err(AppError::internal("reading the clock"))?;
    now.format(&Rfc3339)
        .map_err(AppError::internal("formatting the time"))
}

/// The UTC date of `now`, as signpost-core counts days.
fn calendar_date(now: OffsetDateTime) -> Result<CalendarDate, AppError> {
    let date = now.to_offset(UtcOffset::UTC).date();
    u16::try_from(date.year())
        .ok()
        .and_then(|year| CalendarDate::new(year, u8::from(date.month()), date.day()))
        .ok_or_else(|| {
            AppError::internal("reading the clock")(format!(
                "{date} is not a date signpost-core can use"
            ))
        })
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use signpost_core::{Channel, Language};
    use time::{Date, Month, PrimitiveDateTime, Time};

    fn at(date: (i32, Month, u8), time: (u8, u8, u8, u16), offset_hours: i8) -> OffsetDateTime {
        let (year, month, day) = date;
        let (hour, minute, second, millisecond) = time;
        PrimitiveDateTime::new(
            Date::from_calendar_date(year, month, day).unwrap(),
            Time::from_hms_milli(hour, minute, second, millisecond).unwrap(),
        )
        .assume_offset(UtcOffset::from_hms(offset_hours, 0, 0).unwrap())
    }

    #[test]
    fn idempotency_keys_are_short_and_plain() {
        assert!(IdempotencyKey::parse("550e8400-e29b-41d4-a716-446655440000").is_some());
        assert!(IdempotencyKey::parse("a").is_some());
        assert!(IdempotencyKey::parse(&"k".repeat(128)).is_some());
        assert!(IdempotencyKey::parse(&"k".repeat(129)).is_none());
        assert!(IdempotencyKey::parse("").is_none());
        assert!(IdempotencyKey::parse("has space").is_none());
        assert!(IdempotencyKey::parse("semi;colon").is_none());
        assert!(IdempotencyKey::parse("é").is_none());
    }

    #[test]
    fn the_body_hash_is_lowercase_hex_sha256() {
        // The SHA-256 of "abc", from FIPS 180-2, appendix B.1.
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn stored_names_are_the_wire_names() {
        // The database's CHECK on `channel` and the inbox read these; they must match serde's.
        for channel in [Channel::SelfReferral, Channel::Assisted] {
            assert_eq!(serde_json::to_value(channel).unwrap(), channel.as_str());
        }
        for language in [Language::En, Language::Gd, Language::Pl, Language::Ar] {
            assert_eq!(serde_json::to_value(language).unwrap(), language.as_str());
        }
    }

    #[test]
    fn received_at_is_utc_rfc3339_to_the_millisecond() {
        let now = rfc3339(OffsetDateTime::now_utc()).unwrap();
        assert!(now.ends_with('Z'), "{now}");
        assert!(OffsetDateTime::parse(&now, &Rfc3339).is_ok(), "{now}");
        let exact = at((2026, Month::November, 25), (10, 4, 5, 123), 1);
        assert_eq!(
            rfc3339(exact.to_offset(UtcOffset::UTC)).unwrap(),
            "2026-11-25T09:04:05.123Z"
        );
    }

    #[test]
    fn today_is_the_utc_date() {
        // 00:30 in Scotland in summer is still the day before in UTC.
        let late = at((2026, Month::July, 1), (0, 30, 0, 0), 1);
        assert_eq!(
            calendar_date(late).unwrap(),
            CalendarDate {
                year: 2026,
                month: 6,
                day: 30
            }
        );
        let leap = at((2028, Month::February, 29), (12, 0, 0, 0), 0);
        assert_eq!(
            calendar_date(leap).unwrap(),
            CalendarDate {
                year: 2028,
                month: 2,
                day: 29
            }
        );
    }
}
