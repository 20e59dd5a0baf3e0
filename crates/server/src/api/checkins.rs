//! `GET` and `POST /api/v1/checkins/{token}`: a returning person's follow-up wellbeing check-in.
//!
//! The token in the address is the only key. Neither answer says anything about the person
//! (no name, date of birth or reference): the GET names the scale to ask, the POST the scores.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use signpost_core::{Checkin, CheckinInfo, RawCheckin};
use time::OffsetDateTime;

use super::{ApiError, JsonBody};
use crate::state::AppState;
use crate::store::{Answered, CheckinAnswer, LinkClosed, Lookup, OpenCheckin};
use crate::token::TokenHash;
use crate::wellbeing::Wellbeing;

/// The token's hash, which is all the service looks a check-in up by. A token that is not even
/// valid text in the path is simply unknown.
fn token_hash(token: Result<Path<String>, PathRejection>) -> Result<TokenHash, ApiError> {
    let Path(token) = token.map_err(|_| LinkClosed::Unknown)?;
    Ok(TokenHash::of(&token))
}

/// The link, if it can still be answered.
async fn open_link(
    state: &AppState,
    token: &TokenHash,
    now: OffsetDateTime,
) -> Result<OpenCheckin, ApiError> {
    match state.store.look_up_checkin(token, now).await? {
        Lookup::Open(open) => Ok(open),
        Lookup::Closed(closed) => Err(closed.into()),
    }
}

/// Which scale to ask, and whether there is a score from the start to compare with.
pub async fn show(
    State(state): State<AppState>,
    token: Result<Path<String>, PathRejection>,
) -> Result<Json<CheckinInfo>, ApiError> {
    let hash = token_hash(token)?;
    let open = open_link(&state, &hash, OffsetDateTime::now_utc()).await?;
    Ok(Json(CheckinInfo {
        instrument: open.instrument,
        has_baseline: open.baseline.is_some(),
    }))
}

/// Checks the answers against the link's scale and stores them once, scored by the service, then
/// answers 201 with the scores since the start. No `Idempotency-Key`: the token itself is
/// single-use, so a retry after a lost answer gets `checkin_used` rather than a second row. The
/// store checks again, in the transaction that writes, that the link is still open.
pub async fn answer(
    State(state): State<AppState>,
    token: Result<Path<String>, PathRejection>,
    body: JsonBody<RawCheckin>,
) -> Result<Response, ApiError> {
    let hash = token_hash(token)?;
    let now = OffsetDateTime::now_utc();
    let open = open_link(&state, &hash, now).await?;
    let checkin = Checkin::parse(body.value, open.instrument)?;
    // Scored here from the checked items, exactly as a referral's check-in is.
    let answer = CheckinAnswer {
        wellbeing: Wellbeing::score(checkin.responses()),
        language: checkin.language(),
    };
    match state.store.answer_checkin(&hash, answer, now).await? {
        Answered::Closed(closed) => Err(closed.into()),
        Answered::Stored(result) => {
            tracing::info!(
                instrument = result.instrument.as_str(),
                "follow-up check-in stored"
            );
            Ok((StatusCode::CREATED, Json(result)).into_response())
        }
    }
}
