//! Server-side sessions: the browser holds a random id, the server keeps the state under the id's
//! SHA-256, so a session can be revoked, shared by several instances of the service, and is never
//! readable or forgeable in the cookie.
//!
//! A session ends after [`SessionConfig::idle`] without a request (30 minutes by default) and
//! [`SessionConfig::absolute`] after it began (12 hours), whichever comes first; a session that
//! has only passed the password has [`SessionConfig::second_factor`] (10 minutes) to give a code.
//! Every change of stage (password checked, code checked) ends the old session and starts a new
//! one with a new id, so an id planted in or seen in a browser before sign-in (session fixation)
//! is worth nothing after it.
//!
//! Own module rather than tower-sessions: the inbox needs typed state with a stage, both expiries,
//! revocation of all of one user's sessions, and ids stored only as hashes; tower-sessions keeps a
//! map of JSON values under the raw id and knows one expiry, so each of those would be written
//! around it anyway.

pub mod cookie;
pub mod memory;
pub mod store;

use std::fmt;

use time::{Duration, OffsetDateTime};

use super::csrf::CsrfToken;
use super::token::{RandomnessUnavailable, SecretToken, TokenHash};
use super::users::UserId;
pub use memory::MemorySessionStore;
pub use store::SessionStore;

/// How long sessions last, and whether the cookie is `Secure`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionConfig {
    pub idle: Duration,
    pub absolute: Duration,
    /// How long a session that has passed the password has to pass the second factor.
    pub second_factor: Duration,
    /// Whether the inbox is reached over TLS (directly or through a proxy): sets `Secure` and the
    /// `__Secure-` cookie name. Off only for the demo on 127.0.0.1.
    pub secure_cookie: bool,
}

impl Default for SessionConfig {
    fn default() -> Self {
        Self {
            idle: Duration::minutes(30),
            absolute: Duration::hours(12),
            second_factor: Duration::minutes(10),
            secure_cookie: true,
        }
    }
}

/// A session id as the browser holds it (the cookie's value). Never stored, never logged.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionId(SecretToken);

impl SessionId {
    fn generate() -> Result<Self, RandomnessUnavailable> {
        SecretToken::generate().map(Self)
    }

    /// An id from a cookie, if it has the shape of one.
    pub fn parse(presented: &str) -> Option<Self> {
        SecretToken::parse(presented).map(Self)
    }

    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    pub fn key(&self) -> SessionKey {
        SessionKey(self.0.hash())
    }
}

impl fmt::Debug for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SessionId(…)")
    }
}

/// What the store keys a session by: the SHA-256 of its id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SessionKey(pub TokenHash);

/// How far through sign-in a session is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// The password was right; the account has an authenticator and must give a code (or a
    /// recovery code).
    AwaitingCode,
    /// The password was right (just set, from a set-password link); the account has no
    /// authenticator yet and must set one up before anything else.
    AwaitingAuthenticatorSetup,
    /// Fully signed in.
    SignedIn,
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::AwaitingCode => "awaiting-code",
            Stage::AwaitingAuthenticatorSetup => "awaiting-authenticator-setup",
            Stage::SignedIn => "signed-in",
        }
    }

    pub fn parse(input: &str) -> Option<Self> {
        match input {
            "awaiting-code" => Some(Stage::AwaitingCode),
            "awaiting-authenticator-setup" => Some(Stage::AwaitingAuthenticatorSetup),
            "signed-in" => Some(Stage::SignedIn),
            _ => None,
        }
    }
}

/// A session as the store keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionState {
    pub user: UserId,
    pub stage: Stage,
    pub created_at: OffsetDateTime,
    pub last_seen: OffsetDateTime,
    /// The synchronizer token every form of this session carries.
    pub csrf: CsrfToken,
}

/// Why a presented session is not (or no longer) a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// No cookie, a malformed one, or one the store does not know (signed out, revoked).
    Unknown,
    /// No request for [`SessionConfig::idle`].
    Idle,
    /// Older than [`SessionConfig::absolute`] (or, before the second factor, than
    /// [`SessionConfig::second_factor`]).
    TooOld,
}

impl Ended {
    /// What the sign-in page says to someone sent back to it.
    pub fn message(self, config: &SessionConfig) -> Option<String> {
        match self {
            Ended::Unknown => None,
            Ended::Idle => Some(format!(
                "You were signed out because you had not used the inbox for {}",
                describe(config.idle)
            )),
            Ended::TooOld => Some(format!(
                "You were signed out because you had been signed in for {}",
                describe(config.absolute)
            )),
        }
    }
}

/// "30 minutes", "12 hours", "1 hour".
fn describe(duration: Duration) -> String {
    let minutes = duration.whole_minutes();
    let (n, unit) = if minutes % 60 == 0 {
        (minutes / 60, "hour")
    } else {
        (minutes, "minute")
    };
    if n == 1 {
        format!("1 {unit}")
    } else {
        format!("{n} {unit}s")
    }
}

/// A failure of the store or of the OS generator: the request fails with a 500, logged once.
#[derive(Debug)]
pub enum SessionError<E> {
    Store(E),
    Randomness(RandomnessUnavailable),
}

impl<E: fmt::Display> fmt::Display for SessionError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SessionError::Store(e) => write!(f, "session store: {e}"),
            SessionError::Randomness(e) => e.fmt(f),
        }
    }
}

impl<E: std::error::Error + 'static> std::error::Error for SessionError<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            SessionError::Store(e) => Some(e),
            SessionError::Randomness(e) => Some(e),
        }
    }
}

/// A live session found from a request's cookie.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Current {
    pub id: SessionId,
    pub state: SessionState,
}

/// The sessions of the inbox: the rules, over a store.
#[derive(Debug, Clone)]
pub struct Sessions<S> {
    store: S,
    config: SessionConfig,
}

/// Only touch the store when the last recorded activity is older than this, so that a page with
/// several requests costs one write, not several. Far below the idle limit, so it changes nothing.
const TOUCH_EVERY: Duration = Duration::seconds(60);

impl<S: SessionStore> Sessions<S> {
    pub fn new(store: S, config: SessionConfig) -> Self {
        Self { store, config }
    }

    pub fn config(&self) -> &SessionConfig {
        &self.config
    }

    pub fn store(&self) -> &S {
        &self.store
    }

    /// Starts a session for `user` at `stage` with a new id: after the password, say. If the
    /// browser came with a session (`replacing`), that one is ended first.
    pub async fn start(
        &self,
        user: UserId,
        stage: Stage,
        replacing: Option<&SessionId>,
        now: OffsetDateTime,
    ) -> Result<Current, SessionError<S::Error>> {
        if let Some(old) = replacing {
            self.store
                .delete(&old.key())
                .await
                .map_err(SessionError::Store)?;
        }
        let id = SessionId::generate().map_err(SessionError::Randomness)?;
        let csrf = CsrfToken::generate().map_err(SessionError::Randomness)?;
        let state = SessionState {
            user,
            stage,
            created_at: now,
            last_seen: now,
            csrf,
        };
        self.store
            .create(&id.key(), &state)
            .await
            .map_err(SessionError::Store)?;
        Ok(Current { id, state })
    }

    /// Moves a session to its next stage under a new id (and a new CSRF token). The absolute
    /// limit counts from sign-in: the new session's `created_at` is now.
    pub async fn advance(
        &self,
        current: &Current,
        to: Stage,
        now: OffsetDateTime,
    ) -> Result<Current, SessionError<S::Error>> {
        self.start(current.state.user, to, Some(&current.id), now)
            .await
    }

    /// The live session of a request's cookie value: refused if unknown, idle too long or too old
    /// (and then deleted); otherwise its activity is recorded.
    pub async fn resume(
        &self,
        presented: Option<&str>,
        now: OffsetDateTime,
    ) -> Result<Result<Current, Ended>, SessionError<S::Error>> {
        let Some(id) = presented.and_then(SessionId::parse) else {
            return Ok(Err(Ended::Unknown));
        };
        let key = id.key();
        let Some(mut state) = self.store.load(&key).await.map_err(SessionError::Store)? else {
            return Ok(Err(Ended::Unknown));
        };
        let limit = match state.stage {
            Stage::SignedIn => self.config.absolute,
            Stage::AwaitingCode | Stage::AwaitingAuthenticatorSetup => self.config.second_factor,
        };
        let ended = if now - state.created_at >= limit {
            Some(Ended::TooOld)
        } else if now - state.last_seen >= self.config.idle {
            Some(Ended::Idle)
        } else {
            None
        };
        if let Some(ended) = ended {
            self.store.delete(&key).await.map_err(SessionError::Store)?;
            return Ok(Err(ended));
        }
        if now - state.last_seen >= TOUCH_EVERY {
            self.store
                .touch(&key, now)
                .await
                .map_err(SessionError::Store)?;
            state.last_seen = now;
        }
        Ok(Ok(Current { id, state }))
    }

    /// Signs out this session.
    pub async fn end(&self, id: &SessionId) -> Result<(), SessionError<S::Error>> {
        self.store
            .delete(&id.key())
            .await
            .map_err(SessionError::Store)
    }

    /// Signs out every session of `user`: "sign out everywhere", and what disabling an account or
    /// setting a new password does. Returns how many sessions ended.
    pub async fn end_all_for_user(&self, user: UserId) -> Result<u64, SessionError<S::Error>> {
        self.store
            .delete_all_for_user(user)
            .await
            .map_err(SessionError::Store)
    }

    /// The `Set-Cookie` value for a session.
    pub fn cookie(&self, id: &SessionId) -> axum::http::HeaderValue {
        cookie::set(id.as_str(), self.config.secure_cookie)
    }

    /// The `Set-Cookie` value that removes the session cookie.
    pub fn clear_cookie(&self) -> axum::http::HeaderValue {
        cookie::clear(self.config.secure_cookie)
    }

    /// The session cookie's value in a request.
    pub fn presented(&self, headers: &axum::http::HeaderMap) -> Option<String> {
        cookie::read(headers, self.config.secure_cookie)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t0() -> OffsetDateTime {
        OffsetDateTime::UNIX_EPOCH + Duration::days(20_000)
    }

    fn sessions() -> Sessions<MemorySessionStore> {
        Sessions::new(MemorySessionStore::new(), SessionConfig::default())
    }

    #[test]
    fn the_defaults_are_30_minutes_idle_and_12_hours_absolute_behind_tls() {
        let config = SessionConfig::default();
        assert_eq!(config.idle, Duration::minutes(30));
        assert_eq!(config.absolute, Duration::hours(12));
        assert!(config.secure_cookie);
        for stage in [
            Stage::AwaitingCode,
            Stage::AwaitingAuthenticatorSetup,
            Stage::SignedIn,
        ] {
            assert_eq!(Stage::parse(stage.as_str()), Some(stage));
        }
    }

    #[tokio::test]
    async fn a_session_is_stored_under_the_hash_of_its_id_only() {
        let sessions = sessions();
        let current = sessions
            .start(UserId(1), Stage::SignedIn, None, t0())
            .await
            .unwrap();
        let keys = sessions.store().keys();
        assert_eq!(keys, vec![current.id.key()]);
        assert_eq!(keys[0].0, TokenHash::of(current.id.as_str().as_bytes()));
        assert!(!format!("{keys:?}").contains(current.id.as_str()));
        assert_eq!(current.id.as_str().len(), 43, "256 bits");
        let resumed = sessions
            .resume(Some(current.id.as_str()), t0())
            .await
            .unwrap();
        assert_eq!(resumed, Ok(current));
    }

    #[tokio::test]
    async fn unknown_and_malformed_ids_are_no_session() {
        let sessions = sessions();
        let other = SecretToken::generate().unwrap();
        for presented in [None, Some("nonsense"), Some(other.as_str())] {
            assert_eq!(
                sessions.resume(presented, t0()).await.unwrap(),
                Err(Ended::Unknown)
            );
        }
    }

    #[tokio::test]
    async fn a_session_ends_after_30_idle_minutes_and_activity_keeps_it() {
        let sessions = sessions();
        let current = sessions
            .start(UserId(1), Stage::SignedIn, None, t0())
            .await
            .unwrap();
        let id = current.id.as_str().to_owned();
        // Active every 20 minutes for 2 hours: still signed in.
        for step in 1..=6 {
            let at = t0() + Duration::minutes(20 * step);
            let resumed = sessions.resume(Some(&id), at).await.unwrap().unwrap();
            assert_eq!(resumed.state.last_seen, at);
        }
        let last = t0() + Duration::minutes(120);
        let resumed = sessions
            .resume(Some(&id), last + Duration::minutes(30))
            .await
            .unwrap();
        assert_eq!(resumed, Err(Ended::Idle));
        assert!(sessions.store().is_empty(), "an expired session is deleted");
    }

    #[tokio::test]
    async fn a_session_ends_12_hours_after_sign_in_however_active() {
        let sessions = sessions();
        let current = sessions
            .start(UserId(1), Stage::SignedIn, None, t0())
            .await
            .unwrap();
        let id = current.id.as_str().to_owned();
        for step in 1..48 {
            let at = t0() + Duration::minutes(15 * step);
            assert!(
                sessions.resume(Some(&id), at).await.unwrap().is_ok(),
                "at {step}"
            );
        }
        let resumed = sessions
            .resume(Some(&id), t0() + Duration::hours(12))
            .await
            .unwrap();
        assert_eq!(resumed, Err(Ended::TooOld));
        let config = SessionConfig::default();
        assert_eq!(
            Ended::TooOld.message(&config).unwrap(),
            "You were signed out because you had been signed in for 12 hours"
        );
        assert_eq!(
            Ended::Idle.message(&config).unwrap(),
            "You were signed out because you had not used the inbox for 30 minutes"
        );
        let hour = SessionConfig {
            idle: Duration::hours(1),
            ..config
        };
        assert!(Ended::Idle.message(&hour).unwrap().ends_with("for 1 hour"));
        assert_eq!(Ended::Unknown.message(&config), None);
    }

    #[tokio::test]
    async fn both_limits_are_configurable() {
        let config = SessionConfig {
            idle: Duration::minutes(5),
            absolute: Duration::hours(1),
            ..SessionConfig::default()
        };
        let sessions = Sessions::new(MemorySessionStore::new(), config);
        let a = sessions
            .start(UserId(1), Stage::SignedIn, None, t0())
            .await
            .unwrap();
        let at = t0() + Duration::minutes(5);
        assert_eq!(
            sessions.resume(Some(a.id.as_str()), at).await.unwrap(),
            Err(Ended::Idle)
        );
        let b = sessions
            .start(UserId(1), Stage::SignedIn, None, t0())
            .await
            .unwrap();
        for minute in (4..60).step_by(4) {
            let at = t0() + Duration::minutes(minute);
            assert!(sessions
                .resume(Some(b.id.as_str()), at)
                .await
                .unwrap()
                .is_ok());
        }
        let at = t0() + Duration::hours(1);
        assert_eq!(
            sessions.resume(Some(b.id.as_str()), at).await.unwrap(),
            Err(Ended::TooOld)
        );
    }

    #[tokio::test]
    async fn before_the_second_factor_a_session_lasts_10_minutes() {
        let sessions = sessions();
        let half = sessions
            .start(UserId(1), Stage::AwaitingCode, None, t0())
            .await
            .unwrap();
        let id = half.id.as_str();
        assert!(sessions
            .resume(Some(id), t0() + Duration::minutes(9))
            .await
            .unwrap()
            .is_ok());
        let late = t0() + Duration::minutes(10);
        assert_eq!(
            sessions.resume(Some(id), late).await.unwrap(),
            Err(Ended::TooOld)
        );
    }

    #[tokio::test]
    async fn each_stage_gets_a_new_id_and_a_new_csrf_token_and_the_old_id_dies() {
        let sessions = sessions();
        let half = sessions
            .start(UserId(1), Stage::AwaitingCode, None, t0())
            .await
            .unwrap();
        let at = t0() + Duration::minutes(1);
        let full = sessions.advance(&half, Stage::SignedIn, at).await.unwrap();
        assert_ne!(full.id, half.id);
        assert_ne!(full.state.csrf, half.state.csrf);
        assert_eq!(full.state.user, UserId(1));
        assert_eq!(full.state.created_at, at);
        assert_eq!(
            sessions.resume(Some(half.id.as_str()), at).await.unwrap(),
            Err(Ended::Unknown)
        );
        assert!(sessions
            .resume(Some(full.id.as_str()), at)
            .await
            .unwrap()
            .is_ok());
        assert_eq!(sessions.store().len(), 1);
    }

    #[tokio::test]
    async fn signing_in_from_a_browser_with_a_session_replaces_it() {
        let sessions = sessions();
        let planted = sessions
            .start(UserId(2), Stage::SignedIn, None, t0())
            .await
            .unwrap();
        let mine = sessions
            .start(UserId(1), Stage::AwaitingCode, Some(&planted.id), t0())
            .await
            .unwrap();
        assert_eq!(sessions.store().keys(), vec![mine.id.key()]);
    }

    #[tokio::test]
    async fn signing_out_ends_one_session_and_everywhere_ends_all_of_a_user() {
        let sessions = sessions();
        let laptop = sessions
            .start(UserId(1), Stage::SignedIn, None, t0())
            .await
            .unwrap();
        let desk = sessions
            .start(UserId(1), Stage::SignedIn, None, t0())
            .await
            .unwrap();
        let colleague = sessions
            .start(UserId(2), Stage::SignedIn, None, t0())
            .await
            .unwrap();
        sessions.end(&laptop.id).await.unwrap();
        assert_eq!(
            sessions
                .resume(Some(laptop.id.as_str()), t0())
                .await
                .unwrap(),
            Err(Ended::Unknown)
        );
        assert!(sessions
            .resume(Some(desk.id.as_str()), t0())
            .await
            .unwrap()
            .is_ok());
        assert_eq!(sessions.end_all_for_user(UserId(1)).await.unwrap(), 1);
        assert_eq!(
            sessions.resume(Some(desk.id.as_str()), t0()).await.unwrap(),
            Err(Ended::Unknown)
        );
        assert!(sessions
            .resume(Some(colleague.id.as_str()), t0())
            .await
            .unwrap()
            .is_ok());
    }
}
