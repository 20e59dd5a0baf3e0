//! `GET` and `POST /api/v1/checkins/{token}`: a returning person's follow-up wellbeing check-in.
//!
//! The token in the address is the only key. Neither answer says anything about the person
//! (no name, date of birth or reference): the GET names the scale to ask, the POST the scores.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use signpost_core::{CheckinInfo, RawCheckin};
use time::OffsetDateTime;

use crate::checkins::{self, token_sha256, Answered, Lookup};
use crate::error::{AppError, JsonBody};
use crate::AppState;

/// The token's hash, which is all the service looks a check-in up by. A token that is not even
/// valid text in the path is simply unknown.
fn token_hash(token: Result<Path<String>, PathRejection>) -> Result<String, AppError> {
    let Path(token) = token.map_err(|_| AppError::CheckinUnknown)?;
    Ok(token_sha256(&token))
}

/// Which scale to ask, and whether there is a score from the start to compare with.
pub async fn show(
    State(state): State<AppState>,
    token: Result<Path<String>, PathRejection>,
) -> Result<Json<CheckinInfo>, AppError> {
    let hash = token_hash(token)?;
    let now = OffsetDateTime::now_utc();
    match state
        .db
        .call(move |conn| checkins::look_up(conn, &hash, now))
        .await?
    {
        Lookup::Unknown => Err(AppError::CheckinUnknown),
        Lookup::Expired => Err(AppError::CheckinExpired),
        Lookup::Used => Err(AppError::CheckinUsed),
        Lookup::Open(open) => Ok(Json(CheckinInfo {
            instrument: open.instrument,
            has_baseline: open.baseline.is_some(),
        })),
    }
}

/// Checks and stores the answers once, then answers 201 with the scores since the start. No
/// `Idempotency-Key`: the token itself is single-use, so a retry after a lost answer gets
/// `checkin_used` rather than a second row.
pub async fn answer(
    State(state): State<AppState>,
    token: Result<Path<String>, PathRejection>,
    body: JsonBody<RawCheckin>,
) -> Result<Response, AppError> {
    let hash = token_hash(token)?;
    let now = OffsetDateTime::now_utc();
    let raw = body.value;
    match state
        .db
        .call(move |conn| checkins::answer(conn, &hash, raw, now))
        .await?
    {
        Answered::Unknown => Err(AppError::CheckinUnknown),
        Answered::Expired => Err(AppError::CheckinExpired),
        Answered::Used => Err(AppError::CheckinUsed),
        Answered::Invalid(errors) => Err(errors.into()),
        Answered::Stored(result) => {
            tracing::info!(
                instrument = result.instrument.as_str(),
                "follow-up check-in stored"
            );
            Ok((StatusCode::CREATED, Json(result)).into_response())
        }
    }
}
