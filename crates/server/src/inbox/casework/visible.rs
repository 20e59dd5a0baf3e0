//! The one way a casework page reaches a referral: by a well-formed reference, of a practice the
//! viewer covers (admins cover all). Anything else, whatever the id, is the same 404 page as a
//! reference that does not exist, so nobody learns which references are another practice's.
//! Also the audit entry every view and change writes.

use std::collections::HashMap;

use axum::response::{IntoResponse, Response};
use signpost_core::fields::PracticeCode;

use crate::inbox::auth::users::Access;
use crate::inbox::error::InboxError;
use crate::inbox::page::problem::Problem;
use crate::inbox::session::Client;
use crate::inbox::SignedIn;
use crate::reference;
use crate::store::casework::Scope;
use crate::store::{AuditAction, NewAuditEntry, StoreError, StoredReferral};
use crate::AppState;

/// Why a casework request was not answered with its page.
#[derive(Debug)]
pub enum Refused {
    /// 404, the same for "no such referral" and "not yours".
    NotFound,
    Failed(InboxError),
}

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        match self {
            Refused::NotFound => Problem::NotFound.into_response(),
            Refused::Failed(error) => error.into_response(),
        }
    }
}

impl<E: Into<InboxError>> From<E> for Refused {
    fn from(error: E) -> Self {
        Refused::Failed(error.into())
    }
}

pub type CaseResult = Result<Response, Refused>;

/// Whether `access` may see referrals of `practice` (as stored).
pub fn may_see(access: &Access, practice: &str) -> bool {
    match PracticeCode::parse(practice) {
        Ok(code) => access.may_see(&code),
        Err(_) => matches!(access, Access::Admin),
    }
}

/// The referral `reference`, if the viewer may see it.
pub async fn referral(
    state: &AppState,
    viewer: &SignedIn,
    reference: &str,
) -> Result<StoredReferral, Refused> {
    if !reference::is_well_formed(reference) {
        return Err(Refused::NotFound);
    }
    match state.store.find_referral(reference).await? {
        Some(found) if may_see(&viewer.access, &found.practice) => Ok(found),
        _ => Err(Refused::NotFound),
    }
}

/// The referral `reference` for one of its forms, if the viewer may see it; opening the form is a
/// view of the referral, audited as such with the form's name.
pub async fn form_of(
    state: &AppState,
    viewer: &SignedIn,
    client: Client,
    reference: &str,
    form: &'static str,
) -> Result<StoredReferral, Refused> {
    let found = self::referral(state, viewer, reference).await?;
    audit(
        state,
        viewer,
        client,
        AuditAction::ViewedReferral,
        Some(reference),
        Some(form.into()),
    )
    .await?;
    Ok(found)
}

/// The referrals a viewer's list may hold.
pub fn scope(access: &Access) -> Scope {
    match access {
        Access::Admin => Scope::All,
        Access::LinkWorker { practices } => {
            Scope::Practices(practices.iter().map(|p| p.as_ref().to_owned()).collect())
        }
    }
}

/// Writes the audit entry for what `viewer` just did (about `reference`, if any). `detail` holds
/// codes only, never what the person or the link worker wrote.
pub async fn audit(
    state: &AppState,
    viewer: &SignedIn,
    client: Client,
    action: AuditAction,
    reference: Option<&str>,
    detail: Option<String>,
) -> Result<(), StoreError> {
    let mut entry = NewAuditEntry::new(action, state.config.inbox.clock.now())
        .by(viewer.user.0)
        .from_client(client.0);
    if let Some(reference) = reference {
        entry = entry.about(reference);
    }
    if let Some(detail) = detail {
        entry = entry.detail(detail);
    }
    state.store.audit(entry).await
}

/// Every account's email by its id, to say who did what.
pub async fn who(state: &AppState) -> Result<HashMap<i64, String>, StoreError> {
    Ok(state
        .store
        .accounts()
        .await?
        .into_iter()
        .map(|account| (account.id.0, account.email.as_ref().to_owned()))
        .collect())
}
