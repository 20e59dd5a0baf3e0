//! Signing out: this browser's session, or every session of the account ("sign out everywhere",
//! for a lost phone or a computer left signed in).

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;

use super::auth::csrf::CsrfForm;
use super::auth::session::cookie;
use super::enrolment::NoFields;
use super::error::InboxResult;
use super::page::render;
use super::page::signed_out::{HowSignedOut, SignedOutPage};
use super::paths;
use super::session::{sessions, Client};
use super::signed_in::{see_other, AtStage, ANY_STAGE};
use super::SignedIn;
use crate::store::{AuditAction, NewAuditEntry};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(paths::SIGN_OUT, post(sign_out))
        .route(paths::SIGN_OUT_EVERYWHERE, post(sign_out_everywhere))
        .route(paths::SIGNED_OUT, get(signed_out))
}

/// Where signing out everywhere leads.
pub const SIGNED_OUT_EVERYWHERE: &str = "/inbox/signed-out?how=everywhere";

fn gone(state: &AppState, to: &str) -> Response {
    let mut response = see_other(to);
    cookie::append(response.headers_mut(), sessions(state).clear_cookie());
    response
}

async fn sign_out(
    State(state): State<AppState>,
    client: Client,
    AtStage(current): AtStage<ANY_STAGE>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> InboxResult {
    let now = state.config.inbox.clock.now();
    sessions(&state).end(&current.id).await?;
    state
        .store
        .audit(
            NewAuditEntry::new(AuditAction::SignedOut, now)
                .by(current.state.user.0)
                .from_client(client.0),
        )
        .await?;
    Ok(gone(&state, paths::SIGNED_OUT))
}

async fn sign_out_everywhere(
    State(state): State<AppState>,
    client: Client,
    signed_in: SignedIn,
    CsrfForm(_): CsrfForm<NoFields>,
) -> InboxResult {
    let now = state.config.inbox.clock.now();
    let ended = sessions(&state).end_all_for_user(signed_in.user).await?;
    state
        .store
        .audit(
            NewAuditEntry::new(AuditAction::SignedOutEverywhere, now)
                .by(signed_in.user.0)
                .from_client(client.0)
                .detail(format!("{ended} sessions ended")),
        )
        .await?;
    Ok(gone(&state, SIGNED_OUT_EVERYWHERE))
}

#[derive(Deserialize)]
pub struct HowQuery {
    how: Option<String>,
}

async fn signed_out(Query(query): Query<HowQuery>) -> Response {
    let how = match query.how.as_deref() {
        Some("everywhere") => HowSignedOut::Everywhere,
        _ => HowSignedOut::ThisBrowser,
    };
    render(StatusCode::OK, &SignedOutPage::new(how))
}
