//! Create a follow-up link (`followup::issue`) and show it once, to copy into a text or a
//! letter. The token is never stored (only its SHA-256), so this page is the only place it is
//! ever seen: reloading it or coming back shows no link. The answer to a POST, not a redirect,
//! for that reason.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;

use super::chart::scale_name;
use super::view::when;
use super::visible::{self, CaseResult, Refused};
use crate::followup::{self, follow_up_link, IssueError};
use crate::inbox::auth::csrf::CsrfForm;
use crate::inbox::page::layout::Layout;
use crate::inbox::page::render;
use crate::inbox::paths;
use crate::inbox::session::Client;
use crate::inbox::SignedIn;
use crate::store::AuditAction;
use crate::AppState;

/// The form has only its CSRF field.
#[derive(Debug, Deserialize)]
pub struct NoFields {}

#[derive(Template)]
#[template(path = "casework/follow_up.html")]
pub struct FollowUpPage {
    pub layout: Layout,
    pub reference: String,
    pub link: String,
    pub scale: &'static str,
    pub until: String,
    pub back: String,
}

pub async fn create(
    State(state): State<AppState>,
    viewer: SignedIn,
    client: Client,
    Path(reference): Path<String>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> CaseResult {
    visible::referral(&state, &viewer, &reference).await?;
    let config = &state.config.casework;
    let issued =
        match followup::issue(state.store.as_ref(), &reference, config.link_valid_days).await {
            Ok(issued) => issued,
            Err(IssueError::UnknownReference) => return Err(Refused::NotFound),
            Err(IssueError::Database(e)) => return Err(e.into()),
            Err(IssueError::Random(e)) => return Err(Refused::Failed(e.into())),
        };
    visible::audit(
        &state,
        &viewer,
        client,
        AuditAction::CreatedFollowUp,
        Some(&reference),
        Some(issued.instrument.as_str().into()),
    )
    .await?;
    let page = FollowUpPage {
        layout: Layout::signed_in("Follow-up link created", &viewer),
        link: follow_up_link(&config.checkin_base_url, &issued.token),
        scale: scale_name(issued.instrument),
        until: when(&issued.expires_at),
        back: paths::referral(&reference),
        reference,
    };
    Ok(render(StatusCode::OK, &page))
}
