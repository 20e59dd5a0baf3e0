//! `GET /inbox/monitoring/export.csv?…`: the minimum dataset for the page's choice, as a download,
//! written to the audit log with its format, row count and filters. The same access rule as the
//! page: a link worker's own practices only.

use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::IntoResponse;

use super::filters::{choose, Asked, Refused};
use crate::export::{audit_detail, csv};
use crate::inbox::error::InboxResult;
use crate::inbox::page::headers;
use crate::inbox::page::problem::Problem;
use crate::inbox::session::Client;
use crate::inbox::SignedIn;
use crate::store::{AuditAction, NewAuditEntry};
use crate::AppState;

pub async fn csv(
    State(state): State<AppState>,
    signed_in: SignedIn,
    client: Client,
    RawQuery(query): RawQuery,
) -> InboxResult {
    let now = state.config.inbox.clock.now();
    let period = match choose(&Asked::parse(query.as_deref()), &signed_in.access, now) {
        Ok(period) => period,
        Err(Refused::NotYours) => return Ok(Problem::NotFound.into_response()),
        Err(Refused::Invalid { .. }) => return Ok(Problem::BadRequest.into_response()),
    };
    let (text, rows) = csv::export(state.store.as_ref(), period.clone()).await?;
    let entry = NewAuditEntry::new(AuditAction::Exported, now)
        .by(signed_in.user.0)
        .from_client(client.0)
        .detail(audit_detail("csv", rows, &period));
    state.store.audit(entry).await?;
    let disposition = format!("attachment; filename=\"{}\"", csv::file_name(&period));
    let mut response = (StatusCode::OK, text).into_response();
    let headers_of = response.headers_mut();
    headers::apply(headers_of);
    headers_of.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    headers_of.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&disposition).expect("a file name of digits and dashes"),
    );
    headers_of.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}
