//! One referral's FHIR R4 Bundle, downloaded from the inbox (`export::fhir`): it identifies the
//! person, so only a link worker of the referral's practice or an admin gets it. Anyone else
//! signed in gets the 404 page, the same as for a reference that does not exist, as every
//! casework page does. Each download writes an audit entry (format and count, never contents)
//! before anything is sent.

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use signpost_core::fields::PracticeCode;
use time::OffsetDateTime;

use super::error::InboxResult;
use super::page::problem::Problem;
use super::paths;
use super::session::Client;
use super::SignedIn;
use crate::export::fhir;
use crate::store::{AuditAction, NewAuditEntry};
use crate::{clock, reference, AppState};

/// Merged into `inbox::router`, which adds the session layer and the security headers
/// (`Cache-Control: no-store` among them).
pub fn routes() -> Router<AppState> {
    Router::new().route(paths::REFERRAL_FHIR, get(download))
}

async fn download(
    signed_in: SignedIn,
    Client(client): Client,
    State(state): State<AppState>,
    Path(reference): Path<String>,
) -> InboxResult {
    if !reference::is_well_formed(&reference) {
        return Ok(Problem::NotFound.into_response());
    }
    let Some(record) = fhir::gather(state.store.as_ref(), &reference).await? else {
        return Ok(Problem::NotFound.into_response());
    };
    let may_see = PracticeCode::parse(&record.referral.practice)
        .is_ok_and(|practice| signed_in.access.may_see(&practice));
    if !may_see {
        return Ok(Problem::NotFound.into_response());
    }
    let now = OffsetDateTime::now_utc();
    let bundle = fhir::bundle(&record, &state.questionnaire, &clock::timestamp(now))?;
    let body = serde_json::to_vec_pretty(&bundle)?;
    state
        .store
        .audit(
            NewAuditEntry::new(AuditAction::Exported, now)
                .by(signed_in.user.0)
                .about(reference.as_str())
                .from_client(client)
                .detail("format=fhir count=1"),
        )
        .await?;
    let disposition = format!("attachment; filename=\"{reference}.fhir.json\"");
    let mut response = (StatusCode::OK, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(fhir::MEDIA_TYPE),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&disposition).expect("a well-formed reference is a header value"),
    );
    Ok(response)
}
