//! The extractors that turn away whoever may not be here, so no route can forget to:
//! [`SignedIn`] for every page behind sign-in, and [`AtStage`] for the steps of signing in.
//! Anyone else is sent (303) to where they should be: the sign-in page (saying why, if their
//! session ended), or the step of sign-in their session is at.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use super::auth::csrf::CsrfToken;
use super::auth::session::{Current, Ended, SessionId, Stage};
use super::auth::users::{Access, AccountEmail, Role, UserId};
use super::error::InboxError;
use super::page::problem::Problem;
use super::paths;
use super::session::Seen;
use crate::AppState;

/// A fully signed-in, active account.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub user: UserId,
    pub email: AccountEmail,
    pub access: Access,
    /// The session's synchronizer token, for the forms of the page.
    pub csrf: CsrfToken,
    /// The session's id, to sign it out.
    pub session: SessionId,
}

impl SignedIn {
    /// Admin pages answer anyone else as if they did not exist.
    pub fn require_admin(&self) -> Result<(), Problem> {
        if self.access.role() == Role::Admin {
            Ok(())
        } else {
            Err(Problem::NotFound)
        }
    }

    pub fn is_admin(&self) -> bool {
        self.access.role() == Role::Admin
    }
}

/// A 303 to `location`.
pub fn see_other(location: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    response.headers_mut().insert(
        header::LOCATION,
        HeaderValue::from_str(location).expect("inbox paths are valid header values"),
    );
    response
}

/// The sign-in page, saying why the person is there when their session ended on its own.
pub fn to_sign_in(ended: Ended) -> Response {
    match ended {
        Ended::Unknown => see_other(paths::SIGN_IN),
        Ended::Idle => see_other(&format!("{}?ended=idle", paths::SIGN_IN)),
        Ended::TooOld => see_other(&format!("{}?ended=too-old", paths::SIGN_IN)),
    }
}

/// Where a session at `stage` belongs.
pub fn page_of(stage: Stage) -> &'static str {
    match stage {
        Stage::AwaitingCode => paths::SIGN_IN_CODE,
        Stage::AwaitingAuthenticatorSetup => paths::SET_UP_AUTHENTICATOR,
        Stage::SignedIn => paths::ROOT,
    }
}

fn seen(parts: &Parts) -> Seen {
    parts
        .extensions
        .get::<Seen>()
        .cloned()
        .unwrap_or(Seen::None(Ended::Unknown))
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let current = match seen(parts) {
            Seen::Live(current) if current.state.stage == Stage::SignedIn => current,
            Seen::Live(current) => return Err(see_other(page_of(current.state.stage))),
            Seen::None(ended) => return Err(to_sign_in(ended)),
        };
        let account = state
            .store
            .account(current.state.user)
            .await
            .map_err(|e| InboxError::from(e).into_response())?;
        // Disabling an account ends its sessions; this also covers a session that raced it.
        match account {
            Some(account) if account.state.may_sign_in() => Ok(SignedIn {
                user: account.id,
                email: account.email,
                access: account.access,
                csrf: current.state.csrf,
                session: current.id,
            }),
            _ => Err(to_sign_in(Ended::Unknown)),
        }
    }
}

/// A session part-way through sign-in, at the stage `STAGE` names (see [`stage_of`]); any
/// other session or none is sent where it belongs.
#[derive(Debug, Clone)]
pub struct AtStage<const STAGE: u8>(pub Current);

pub const AWAITING_CODE: u8 = 0;
pub const AWAITING_AUTHENTICATOR_SETUP: u8 = 1;
/// Any session, whatever its stage (signing out).
pub const ANY_STAGE: u8 = 2;

fn stage_of(code: u8) -> Option<Stage> {
    match code {
        AWAITING_CODE => Some(Stage::AwaitingCode),
        AWAITING_AUTHENTICATOR_SETUP => Some(Stage::AwaitingAuthenticatorSetup),
        _ => None,
    }
}

impl<const STAGE: u8, S: Send + Sync> FromRequestParts<S> for AtStage<STAGE> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Response> {
        match (seen(parts), stage_of(STAGE)) {
            (Seen::Live(current), None) => Ok(AtStage(current)),
            (Seen::Live(current), Some(wanted)) if current.state.stage == wanted => {
                Ok(AtStage(current))
            }
            (Seen::Live(current), Some(_)) => Err(see_other(page_of(current.state.stage))),
            (Seen::None(ended), _) => Err(to_sign_in(ended)),
        }
    }
}

/// Whatever the session layer saw, for pages that anyone may open (sign-in, set-password).
#[derive(Debug, Clone)]
pub struct AnySession(pub Seen);

impl<S: Send + Sync> FromRequestParts<S> for AnySession {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(AnySession(seen(parts)))
    }
}
