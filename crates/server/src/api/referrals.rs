//! `POST /api/v1/referrals`: check a referral, store it once per idempotency key with its email
//! to the practice's team queued in the same transaction, and answer with its reference only
//! after it is committed.

use axum::extract::State;
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use signpost_core::{RawReferral, Referral};
use time::OffsetDateTime;

use super::{ApiError, IdempotencyKey, JsonBody};
use crate::clock::{calendar_date, timestamp};
use crate::hash::sha256_hex;
use crate::state::AppState;
use crate::store::{NewReferral, Receipt, Stored};

/// Sent with a 201 that repeats an earlier answer, so a client (and its tests) can tell.
pub const IDEMPOTENT_REPLAYED: HeaderName = HeaderName::from_static("idempotent-replayed");

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
) -> Result<Response, ApiError> {
    // One reading of the clock: the day that bounds dates of birth is the day it was received.
    let now = OffsetDateTime::now_utc();
    let today = calendar_date(now).ok_or_else(|| {
        ApiError::internal("reading the clock")(format!(
            "{} is not a date signpost-core can use",
            now.date()
        ))
    })?;
    let referral = Referral::parse(body.value, &state.questionnaire, today)?;
    let planned = state.notifier.as_ref().and_then(|n| n.plan(&referral));
    let queues_email = planned.is_some();
    let new = NewReferral::new(&referral, key.0, sha256_hex(&body.bytes), timestamp(now))
        .notifying(planned);

    match state.store.store_referral(new).await? {
        Stored::Created(receipt) => {
            let reference = receipt.reference.as_str();
            tracing::info!(reference, "referral stored");
            if let Some(notifier) = &state.notifier {
                if queues_email {
                    notifier.queued();
                } else {
                    // The practice would name where the person is registered: the reference
                    // alone lets an operator look it up (`referral show`) and fix the flags.
                    tracing::warn!(
                        reference,
                        "no team address for this referral's practice, so no one was emailed; \
                         add --notify-team PRACTICE=ADDRESS (or *=ADDRESS)"
                    );
                }
            }
            Ok((StatusCode::CREATED, Json(ReferralReceipt::from(receipt))).into_response())
        }
        Stored::Replayed(receipt) => Ok((
            StatusCode::CREATED,
            [(IDEMPOTENT_REPLAYED, HeaderValue::from_static("true"))],
            Json(ReferralReceipt::from(receipt)),
        )
            .into_response()),
        Stored::KeyReused => Err(ApiError::IdempotencyKeyReused),
    }
}

#[cfg(test)]
mod tests {
    use signpost_core::{Channel, Language};

    #[test]
    fn stored_names_are_the_wire_names() {
        // The database's CHECK on `channel` and the inbox read these; they must match serde's.
        for channel in Channel::ALL {
            assert_eq!(serde_json::to_value(channel).unwrap(), channel.as_str());
        }
        for language in Language::ALL {
            assert_eq!(serde_json::to_value(language).unwrap(), language.as_str());
        }
    }
}
