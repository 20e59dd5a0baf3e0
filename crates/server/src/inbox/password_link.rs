//! The one-time set-password link an admin gives a new account (or one reset): the policy shown
//! before the fields, the password hashed off the async runtime, and the link used up in the same
//! transaction that stores the password. It then leads straight on to setting up the
//! authenticator (or, for an account that has one, to its code).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::{Extension, Router};
use serde::Deserialize;

use super::auth::csrf::{CsrfForm, ExpectedCsrf};
use super::auth::password::{self, NewPassword};
use super::auth::session::{cookie, Stage};
use super::auth::token::SecretToken;
use super::auth::users::{AccountState, LinkRefusal};
use super::error::InboxResult;
use super::page::layout::Layout;
use super::page::problem::ProblemPage;
use super::page::render;
use super::page::set_password::SetPasswordPage;
use super::paths;
use super::session::Seen;
use super::session::{sessions, Client};
use super::sign_in::{form_token, with_cookie};
use super::signed_in::{page_of, see_other, AnySession};
use crate::store::accounts::FoundLink;
use crate::store::{AuditAction, NewAuditEntry};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route(
        &format!("{}{{token}}", paths::SET_PASSWORD_PREFIX),
        get(page).post(set),
    )
}

/// The page for a link that cannot be used: 404 for one that never was, 410 for one that was.
fn refused(refusal: LinkRefusal) -> Response {
    let (status, heading) = match refusal {
        LinkRefusal::Unknown => (StatusCode::NOT_FOUND, "This link is not valid"),
        LinkRefusal::Expired => (StatusCode::GONE, "This link has expired"),
        LinkRefusal::Used => (StatusCode::GONE, "This link has already been used"),
    };
    let page = ProblemPage {
        layout: Layout::signed_out(heading),
        heading,
        paragraphs: vec![refusal.message()],
        link_href: paths::SIGN_IN,
        link_text: "Go to sign in",
    };
    render(status, &page)
}

/// The link of `token` if it may be used now.
async fn usable(
    state: &AppState,
    token: &str,
) -> Result<Result<(SecretToken, FoundLink), LinkRefusal>, super::error::InboxError> {
    let Some(token) = SecretToken::parse(token) else {
        return Ok(Err(LinkRefusal::Unknown));
    };
    let Some(found) = state.store.set_password_link(&token.hash()).await? else {
        return Ok(Err(LinkRefusal::Unknown));
    };
    if found.state == AccountState::Disabled {
        return Ok(Err(LinkRefusal::Unknown));
    }
    let now = state.config.inbox.clock.now();
    Ok(found.link.check(now).map(|_| (token, found)))
}

async fn page(
    State(state): State<AppState>,
    Path(token): Path<String>,
    expected: Option<Extension<ExpectedCsrf>>,
) -> InboxResult {
    let (token, found) = match usable(&state, &token).await? {
        Ok(usable) => usable,
        Err(refusal) => return Ok(refused(refusal)),
    };
    let (csrf, set_cookie) = form_token(expected, state.config.inbox.sessions.secure_cookie)?;
    let page = SetPasswordPage::new(csrf.as_str(), token.as_str(), found.email.as_ref(), None);
    Ok(with_cookie(render(StatusCode::OK, &page), set_cookie))
}

#[derive(Deserialize)]
pub struct SetPasswordForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirmation: String,
}

async fn set(
    State(state): State<AppState>,
    client: Client,
    AnySession(seen): AnySession,
    Path(token): Path<String>,
    expected: Option<Extension<ExpectedCsrf>>,
    CsrfForm(form): CsrfForm<SetPasswordForm>,
) -> InboxResult {
    let (token, found) = match usable(&state, &token).await? {
        Ok(usable) => usable,
        Err(refusal) => return Ok(refused(refusal)),
    };
    let chosen = match NewPassword::parse(&form.password, &form.confirmation, &found.email) {
        Ok(chosen) => chosen,
        Err(error) => {
            let (csrf, _) = form_token(expected, state.config.inbox.sessions.secure_cookie)?;
            let page = SetPasswordPage::new(
                csrf.as_str(),
                token.as_str(),
                found.email.as_ref(),
                Some(error),
            );
            return Ok(render(StatusCode::BAD_REQUEST, &page));
        }
    };
    let hash = password::hash_blocking(chosen).await??;
    let now = state.config.inbox.clock.now();
    let user = match state.store.set_password(&token.hash(), hash, now).await? {
        Ok(user) => user,
        Err(refusal) => return Ok(refused(refusal)),
    };
    state
        .store
        .audit(
            NewAuditEntry::new(AuditAction::PasswordSet, now)
                .by(user.0)
                .from_client(client.0.clone()),
        )
        .await?;
    let has_authenticator = state.store.authenticator(user).await?.is_some();
    let stage = if has_authenticator {
        Stage::AwaitingCode
    } else {
        Stage::AwaitingAuthenticatorSetup
    };
    let replacing = match &seen {
        Seen::Live(current) => Some(&current.id),
        Seen::None(_) => None,
    };
    let sessions = sessions(&state);
    let started = sessions.start(user, stage, replacing, now).await?;
    let mut response = see_other(page_of(stage));
    cookie::append(response.headers_mut(), sessions.cookie(&started.id));
    Ok(response)
}
