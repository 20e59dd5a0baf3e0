//! `POST /api/v1/referrals`: check a referral, store it once per idempotency key, and answer with
//! its reference only after it is committed.

use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use sha2::{Digest, Sha256};
use signpost_core::{RawReferral, Referral};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::db::{self, NewReferral, Receipt, Stored};
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
    let referral = Referral::try_from(body.value)?;
    let canonical = RawReferral::from(&referral);
    let received_at = now_rfc3339()?;
    let new = NewReferral {
        idempotency_key: key.0,
        body_sha256: sha256_hex(&body.bytes),
        received_at,
        practice: canonical.practice.clone(),
        channel: wire_name(&canonical.channel)?,
        language: wire_name(&canonical.language)?,
        consent_version: canonical.consent.version.clone(),
        consent_purposes: serde_json::to_string(&canonical.consent.purposes)
            .map_err(AppError::internal("writing the consent purposes"))?,
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

/// The time now, UTC, to the millisecond: `2026-11-25T10:04:05.123Z`.
fn now_rfc3339() -> Result<String, AppError> {
    let now = OffsetDateTime::now_utc();
    let now = now
        .replace_millisecond(now.millisecond())
        .map_err(AppError::internal("reading the clock"))?;
    now.format(&Rfc3339)
        .map_err(AppError::internal("formatting the time"))
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The name serde gives a unit enum variant on the wire (`"self"`, `"ar"`).
fn wire_name<T: Serialize>(value: &T) -> Result<String, AppError> {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(name)) => Ok(name),
        Ok(other) => Err(AppError::internal("naming an enum")(format!(
            "expected a string, got {other}"
        ))),
        Err(e) => Err(AppError::internal("naming an enum")(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use signpost_core::{Channel, Language};

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
    fn wire_names_are_serde_names() {
        assert_eq!(wire_name(&Channel::SelfReferral).unwrap(), "self");
        assert_eq!(wire_name(&Language::Gd).unwrap(), "gd");
    }

    #[test]
    fn received_at_is_utc_rfc3339_to_the_millisecond() {
        let now = now_rfc3339().unwrap();
        assert!(now.ends_with('Z'), "{now}");
        assert!(OffsetDateTime::parse(&now, &Rfc3339).is_ok(), "{now}");
    }
}
