//! Signing in: the email and password, then the code from the authenticator app (or a recovery
//! code). Each stage passed starts a new session under a new id.
//!
//! A wrong email, a wrong password, an account that is not active and a locked email all read the
//! same, and cost the same (argon2 against the dummy hash when there is no password to check), so
//! nobody learns which emails have accounts. Failures are counted per email as typed and per client
//! address (`auth::lockout`); wrong codes count against the account's email too.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Extension, Router};
use serde::Deserialize;
use time::OffsetDateTime;

use super::auth::csrf::{self, CsrfForm, CsrfToken, ExpectedCsrf};
use super::auth::lockout::{self, Decision, ACCOUNT_POLICY, ADDRESS_POLICY};
use super::auth::password;
use super::auth::recovery::{self, RecoveryRefusal};
use super::auth::session::{cookie, Current, Ended, Stage};
use super::auth::totp::{self, CodeRefusal};
use super::auth::users::{AccountEmail, UserId};
use super::error::{InboxError, InboxResult};
use super::page::enter_code::EnterCodePage;
use super::page::render;
use super::page::sign_in::{SignInPage, SignInProblem, WRONG_CREDENTIALS};
use super::paths;
use super::session::{sessions, Client, Seen};
use super::signed_in::{page_of, see_other, AnySession, AtStage, AWAITING_CODE};
use crate::store::accounts::FailureKey;
use crate::store::{AuditAction, NewAuditEntry};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(paths::SIGN_IN, get(sign_in_page).post(sign_in))
        .route(paths::SIGN_IN_CODE, get(code_page).post(enter_code))
        .route(paths::SIGN_IN_RECOVERY_CODE, post(enter_recovery_code))
}

#[derive(Deserialize)]
pub struct EndedQuery {
    ended: Option<String>,
}

/// The token a sign-in form carries: the session's when part-way through sign-in, else the
/// pre-session cookie's (a new one, and its cookie, when the browser has none).
pub fn form_token(
    expected: Option<Extension<ExpectedCsrf>>,
    secure: bool,
) -> Result<(CsrfToken, Option<axum::http::HeaderValue>), InboxError> {
    match expected {
        Some(Extension(ExpectedCsrf(token))) => Ok((token, None)),
        None => {
            let token = CsrfToken::generate()?;
            let cookie = csrf::pre_session_cookie(&token, secure);
            Ok((token, Some(cookie)))
        }
    }
}

/// A page with a `Set-Cookie` when there is one.
pub fn with_cookie(mut response: Response, cookie: Option<axum::http::HeaderValue>) -> Response {
    if let Some(cookie) = cookie {
        cookie::append(response.headers_mut(), cookie);
    }
    response
}

async fn sign_in_page(
    State(state): State<AppState>,
    AnySession(seen): AnySession,
    expected: Option<Extension<ExpectedCsrf>>,
    Query(query): Query<EndedQuery>,
) -> InboxResult {
    if let Seen::Live(current) = &seen {
        if current.state.stage == Stage::SignedIn {
            return Ok(see_other(paths::ROOT));
        }
    }
    let config = &state.config.inbox.sessions;
    let notice = match query.ended.as_deref() {
        Some("idle") => Ended::Idle.message(config),
        Some("too-old") => Ended::TooOld.message(config),
        _ => None,
    };
    let (token, set_cookie) = form_token(expected, config.secure_cookie)?;
    let page = SignInPage::new(token.as_str(), "", None, notice);
    Ok(with_cookie(render(StatusCode::OK, &page), set_cookie))
}

#[derive(Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

/// The same words for a locked email or address whoever asks.
fn refusal_message(decision: Decision, now: OffsetDateTime) -> Option<String> {
    match decision {
        Decision::Allow => None,
        Decision::LockedUntil(until) => Some(lockout::locked_message(until, now)),
        Decision::Delay(wait) => {
            let seconds = wait.whole_seconds().max(1);
            let unit = if seconds == 1 { "second" } else { "seconds" };
            Some(format!(
                "You have tried to sign in too many times. Wait {seconds} {unit} and try again"
            ))
        }
    }
}

/// What the lock-out policy says of an attempt for `email` from `client` now.
async fn decision(
    state: &AppState,
    email: &FailureKey,
    client: &Client,
    now: OffsetDateTime,
) -> Result<Decision, InboxError> {
    let by_email = state.store.failures(email).await?;
    let by_client = match &client.0 {
        Some(address) => state.store.failures(&FailureKey::client(address)).await?,
        None => None,
    };
    Ok(lockout::decide(by_email.as_ref(), by_client.as_ref(), now))
}

async fn count_failure(
    state: &AppState,
    email: &FailureKey,
    client: &Client,
    now: OffsetDateTime,
) -> Result<(), InboxError> {
    state
        .store
        .record_failure(email, now, ACCOUNT_POLICY.forget_after)
        .await?;
    if let Some(address) = &client.0 {
        state
            .store
            .record_failure(
                &FailureKey::client(address),
                now,
                ADDRESS_POLICY.forget_after,
            )
            .await?;
    }
    Ok(())
}

async fn audit(state: &AppState, entry: NewAuditEntry) -> Result<(), InboxError> {
    state.store.audit(entry).await.map_err(InboxError::from)
}

fn failed(now: OffsetDateTime, actor: Option<UserId>, client: &Client, why: &str) -> NewAuditEntry {
    let entry = NewAuditEntry::new(AuditAction::SignInFailed, now)
        .from_client(client.0.clone())
        .detail(why);
    match actor {
        Some(user) => entry.by(user.0),
        None => entry,
    }
}

async fn sign_in(
    State(state): State<AppState>,
    client: Client,
    AnySession(seen): AnySession,
    expected: Option<Extension<ExpectedCsrf>>,
    CsrfForm(form): CsrfForm<SignInForm>,
) -> InboxResult {
    let now = state.config.inbox.clock.now();
    let (token, _) = form_token(expected, state.config.inbox.sessions.secure_cookie)?;
    let refuse = |problem: SignInProblem| {
        let page = SignInPage::new(token.as_str(), form.email.trim(), Some(problem), None);
        render(StatusCode::BAD_REQUEST, &page)
    };
    let (missing_email, missing_password) =
        (form.email.trim().is_empty(), form.password.is_empty());
    if missing_email || missing_password {
        return Ok(refuse(SignInProblem::Missing {
            email: missing_email,
            password: missing_password,
        }));
    }
    // A string that is not an email cannot be an account's: it is checked (and counted) like
    // an unknown email, under what was typed, so its answer is the same too.
    let email = AccountEmail::parse(&form.email);
    let key = match &email {
        Ok(email) => FailureKey::email(email),
        Err(_) => FailureKey::Email(super::auth::token::TokenHash::of(
            form.email.trim().to_lowercase().as_bytes(),
        )),
    };
    let decision = decision(&state, &key, &client, now).await?;
    let credentials = match &email {
        Ok(email) => state.store.credentials(email).await?,
        Err(_) => None,
    };
    let actor = credentials.as_ref().map(|c| c.account.id);
    if let Some(message) = refusal_message(decision, now) {
        let why = if matches!(decision, Decision::LockedUntil(_)) {
            "locked"
        } else {
            "throttled"
        };
        audit(&state, failed(now, actor, &client, why)).await?;
        return Ok(refuse(SignInProblem::Refused(message)));
    }
    let usable = credentials
        .as_ref()
        .filter(|c| c.account.state.may_sign_in())
        .and_then(|c| c.password_hash.clone());
    let right = password::verify_blocking(form.password.clone(), usable).await?;
    let account = match credentials {
        Some(credentials) if right => credentials.account,
        _ => {
            count_failure(&state, &key, &client, now).await?;
            audit(&state, failed(now, actor, &client, "password")).await?;
            return Ok(refuse(SignInProblem::Refused(WRONG_CREDENTIALS.to_owned())));
        }
    };
    let stage = if account.has_authenticator {
        Stage::AwaitingCode
    } else {
        Stage::AwaitingAuthenticatorSetup
    };
    let replacing = match &seen {
        Seen::Live(current) => Some(&current.id),
        Seen::None(_) => None,
    };
    let sessions = sessions(&state);
    let started = sessions.start(account.id, stage, replacing, now).await?;
    let mut response = see_other(page_of(stage));
    cookie::append(response.headers_mut(), sessions.cookie(&started.id));
    Ok(response)
}

async fn code_page(AtStage(current): AtStage<AWAITING_CODE>) -> Response {
    let page = EnterCodePage::new(current.state.csrf.as_str(), None, None);
    render(StatusCode::OK, &page)
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
}

#[derive(Deserialize)]
pub struct RecoveryCodeForm {
    #[serde(default, rename = "recovery-code")]
    recovery_code: String,
}

/// The code page again, with the error at the field that was used.
fn code_refused(current: &Current, code: Option<&str>, recovery: Option<&str>) -> Response {
    let page = EnterCodePage::new(current.state.csrf.as_str(), code, recovery);
    render(StatusCode::BAD_REQUEST, &page)
}

/// Whether the second step may be tried now: `Err` with the page's message when the account's
/// email (or the address) is locked or must wait.
async fn second_step_allowed(
    state: &AppState,
    current: &Current,
    client: &Client,
    now: OffsetDateTime,
) -> Result<Result<FailureKey, String>, InboxError> {
    let account = state.store.account(current.state.user).await?;
    let Some(account) = account.filter(|a| a.state.may_sign_in()) else {
        return Ok(Err(WRONG_CREDENTIALS.to_owned()));
    };
    let key = FailureKey::email(&account.email);
    let decision = decision(state, &key, client, now).await?;
    match refusal_message(decision, now) {
        Some(message) => {
            audit(
                state,
                failed(now, Some(current.state.user), client, "locked"),
            )
            .await?;
            Ok(Err(message))
        }
        None => Ok(Ok(key)),
    }
}

/// Both factors passed: the signed-in session under a new id, and the inbox.
pub async fn complete(
    state: &AppState,
    current: &Current,
    client: &Client,
    now: OffsetDateTime,
    how: &str,
) -> InboxResult {
    let sessions = sessions(state);
    let signed_in = sessions.advance(current, Stage::SignedIn, now).await?;
    let user = current.state.user;
    if let Some(account) = state.store.account(user).await? {
        state
            .store
            .clear_failures(&FailureKey::email(&account.email))
            .await?;
    }
    audit(
        state,
        NewAuditEntry::new(AuditAction::SignedIn, now)
            .by(user.0)
            .from_client(client.0.clone())
            .detail(how),
    )
    .await?;
    let mut response = see_other(paths::ROOT);
    cookie::append(response.headers_mut(), sessions.cookie(&signed_in.id));
    Ok(response)
}

async fn enter_code(
    State(state): State<AppState>,
    client: Client,
    AtStage(current): AtStage<AWAITING_CODE>,
    CsrfForm(form): CsrfForm<CodeForm>,
) -> InboxResult {
    let now = state.config.inbox.clock.now();
    let key = match second_step_allowed(&state, &current, &client, now).await? {
        Ok(key) => key,
        Err(message) => return Ok(code_refused(&current, Some(&message), None)),
    };
    let user = current.state.user;
    let Some(authenticator) = state.store.authenticator(user).await? else {
        return Ok(see_other(paths::SIGN_IN));
    };
    let unix = u64::try_from(now.unix_timestamp()).unwrap_or(0);
    let checked = totp::verify(
        &authenticator.secret,
        &form.code,
        unix,
        authenticator.last_step,
    );
    let refusal = match checked {
        Ok(step) if state.store.accept_totp_step(user, step).await? => {
            return complete(&state, &current, &client, now, "authenticator").await;
        }
        // Another request used this step first.
        Ok(_) => CodeRefusal::AlreadyUsed,
        Err(refusal) => refusal,
    };
    if refusal != CodeRefusal::Malformed {
        count_failure(&state, &key, &client, now).await?;
        audit(&state, failed(now, Some(user), &client, "code")).await?;
    }
    Ok(code_refused(&current, Some(refusal.message()), None))
}

async fn enter_recovery_code(
    State(state): State<AppState>,
    client: Client,
    AtStage(current): AtStage<AWAITING_CODE>,
    CsrfForm(form): CsrfForm<RecoveryCodeForm>,
) -> InboxResult {
    let now = state.config.inbox.clock.now();
    let key = match second_step_allowed(&state, &current, &client, now).await? {
        Ok(key) => key,
        Err(message) => return Ok(code_refused(&current, None, Some(&message))),
    };
    let user = current.state.user;
    let hash = match recovery::presented_hash(&form.recovery_code) {
        Ok(hash) => hash,
        Err(refusal) => return Ok(code_refused(&current, None, Some(refusal.message()))),
    };
    if !state.store.use_recovery_code(user, &hash, now).await? {
        count_failure(&state, &key, &client, now).await?;
        audit(&state, failed(now, Some(user), &client, "recovery-code")).await?;
        let message = RecoveryRefusal::NotValid.message();
        return Ok(code_refused(&current, None, Some(message)));
    }
    let left = state.store.recovery_codes_left(user).await?;
    audit(
        &state,
        NewAuditEntry::new(AuditAction::RecoveryCodeUsed, now)
            .by(user.0)
            .from_client(client.0.clone())
            .detail(format!("{left} left")),
    )
    .await?;
    complete(&state, &current, &client, now, "recovery-code").await
}
