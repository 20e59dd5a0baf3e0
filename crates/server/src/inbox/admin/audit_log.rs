//! The audit log for admins. Reading it is itself audited.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use serde::Deserialize;

use super::Admin;
use crate::inbox::error::InboxResult;
use crate::inbox::page::audit_log::{AuditLogPage, AuditLogView};
use crate::inbox::page::render;
use crate::inbox::session::Client;
use crate::reference;
use crate::store::{AuditAction, AuditQuery, NewAuditEntry};
use crate::AppState;

/// Entries a page.
pub const PAGE: u32 = 50;

#[derive(Deserialize)]
pub struct LogQuery {
    reference: Option<String>,
    before: Option<String>,
}

pub async fn page(
    State(state): State<AppState>,
    Admin(admin): Admin,
    client: Client,
    Query(query): Query<LogQuery>,
) -> InboxResult {
    let typed = query
        .reference
        .as_deref()
        .unwrap_or("")
        .trim()
        .to_uppercase();
    let (filter, error) = if typed.is_empty() {
        (None, None)
    } else if reference::is_well_formed(&typed) {
        (Some(typed.clone()), None)
    } else {
        (None, Some("Enter a reference like SP-7K3M-Q9X2"))
    };
    let before = query.before.as_deref().and_then(|b| b.parse::<i64>().ok());
    let mut entries = if error.is_some() {
        Vec::new()
    } else {
        state
            .store
            .audit_log(AuditQuery {
                reference: filter.clone(),
                before,
                limit: PAGE + 1,
            })
            .await?
    };
    let more = entries.len() > PAGE as usize;
    entries.truncate(PAGE as usize);
    let emails: HashMap<_, _> = state
        .store
        .accounts()
        .await?
        .into_iter()
        .map(|account| (account.id, account.email.as_ref().to_owned()))
        .collect();
    let now = state.config.inbox.clock.now();
    let mut entry = NewAuditEntry::new(AuditAction::ViewedAuditLog, now)
        .by(admin.user.0)
        .from_client(client.0);
    if let Some(reference) = &filter {
        entry = entry.about(reference.clone());
    }
    state.store.audit(entry).await?;
    let view = AuditLogView {
        entries: &entries,
        emails: &emails,
        reference: &typed,
        reference_error: error,
        filter: filter.as_deref(),
        older_than: more.then(|| entries.last().map(|e| e.id)).flatten(),
        first_page: before.is_none(),
    };
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    Ok(render(status, &AuditLogPage::new(&admin, view)))
}
