//! First sign-in's last steps: set up the authenticator app (the QR code and the key, confirmed
//! by a first code), then the recovery codes, shown once in the answer to that confirmation and
//! never again (only their hashes are kept).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;

use super::auth::csrf::CsrfForm;
use super::auth::recovery;
use super::auth::session::{cookie, Stage};
use super::auth::totp::{self, Enrolment, TotpSecret};
use super::error::InboxResult;
use super::page::recovery_codes::RecoveryCodesPage;
use super::page::render;
use super::page::set_up_authenticator::SetUpAuthenticatorPage;
use super::paths;
use super::session::{sessions, Client};
use super::signed_in::{see_other, to_sign_in, AtStage, AWAITING_AUTHENTICATOR_SETUP};
use super::SignedIn;
use crate::inbox::auth::session::Ended;
use crate::store::{AuditAction, NewAuditEntry};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(paths::SET_UP_AUTHENTICATOR, get(set_up_page).post(confirm))
        .route(paths::RECOVERY_CODES, post(saved))
}

/// A form with nothing but its CSRF token.
#[derive(Deserialize)]
pub struct NoFields {}

type SettingUp = AtStage<AWAITING_AUTHENTICATOR_SETUP>;

/// The secret being set up: the one already shown (so reloading the page shows the same QR
/// code), or a new one.
async fn pending(
    state: &AppState,
    user: super::auth::users::UserId,
) -> Result<TotpSecret, super::error::InboxError> {
    if let Some(secret) = state.store.pending_authenticator(user).await? {
        return Ok(secret);
    }
    let secret = TotpSecret::generate()?;
    state.store.set_pending_authenticator(user, &secret).await?;
    Ok(secret)
}

async fn set_up_page(State(state): State<AppState>, AtStage(current): SettingUp) -> InboxResult {
    let Some(account) = state.store.account(current.state.user).await? else {
        return Ok(to_sign_in(Ended::Unknown));
    };
    let secret = pending(&state, account.id).await?;
    let enrolment = Enrolment::new(&secret, &account.email);
    let page = SetUpAuthenticatorPage::new(current.state.csrf.as_str(), &enrolment, None);
    Ok(render(StatusCode::OK, &page))
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
}

async fn confirm(
    State(state): State<AppState>,
    client: Client,
    AtStage(current): SettingUp,
    CsrfForm(form): CsrfForm<CodeForm>,
) -> InboxResult {
    let now = state.config.inbox.clock.now();
    let Some(account) = state.store.account(current.state.user).await? else {
        return Ok(to_sign_in(Ended::Unknown));
    };
    let secret = pending(&state, account.id).await?;
    let unix = u64::try_from(now.unix_timestamp()).unwrap_or(0);
    let step = match totp::verify(&secret, &form.code, unix, None) {
        Ok(step) => step,
        Err(refusal) => {
            let enrolment = Enrolment::new(&secret, &account.email);
            let page = SetUpAuthenticatorPage::new(
                current.state.csrf.as_str(),
                &enrolment,
                Some(refusal.message()),
            );
            return Ok(render(StatusCode::BAD_REQUEST, &page));
        }
    };
    let codes = recovery::generate()?;
    if !state
        .store
        .confirm_authenticator(account.id, step, codes.stored)
        .await?
    {
        // Set up meanwhile in another tab: that one's codes stand; sign in with the app.
        sessions(&state).end(&current.id).await?;
        return Ok(see_other(paths::SIGN_IN));
    }
    let sessions = sessions(&state);
    let signed_in = sessions.advance(&current, Stage::SignedIn, now).await?;
    for action in [AuditAction::AuthenticatorSetUp, AuditAction::SignedIn] {
        state
            .store
            .audit(
                NewAuditEntry::new(action, now)
                    .by(account.id.0)
                    .from_client(client.0.clone())
                    .detail("authenticator"),
            )
            .await?;
    }
    let page = RecoveryCodesPage::new(signed_in.state.csrf.as_str(), &codes.codes);
    let mut response = render(StatusCode::OK, &page);
    cookie::append(response.headers_mut(), sessions.cookie(&signed_in.id));
    Ok(response)
}

async fn saved(_signed_in: SignedIn, CsrfForm(_): CsrfForm<NoFields>) -> Response {
    see_other(paths::ROOT)
}
