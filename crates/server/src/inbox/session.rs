//! The session layer every inbox request passes: it finds the request's session (or why there is
//! none), and puts in the request's extensions what handlers and extractors read:
//! [`Seen`], the [`ExpectedCsrf`] token (the session's, or before sign-in the pre-session
//! cookie's), the configured [`InboxOrigin`] and the [`Client`] address.
//!
//! Sessions live in the store ([`StoreSessions`]: `auth::session::SessionStore` over
//! `Arc<dyn Store>`), so they can be revoked and shared by several instances.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::auth::csrf::{pre_session_token, ExpectedCsrf, InboxOrigin};
use super::auth::session::{Current, Ended, SessionKey, SessionState, SessionStore, Sessions};
use super::auth::users::UserId;
use super::error::InboxError;
use crate::store::{AuditAction, NewAuditEntry, Store, StoreError};
use crate::AppState;

/// The store's sessions, as `auth::session` wants them. It remembers whose session it last
/// loaded, so that a session found expired (and deleted) can still be put in the audit log
/// under its account.
#[derive(Clone)]
pub struct StoreSessions {
    store: Arc<dyn Store>,
    last_loaded: Arc<Mutex<Option<UserId>>>,
}

impl StoreSessions {
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self {
            store,
            last_loaded: Arc::default(),
        }
    }

    /// The account of the session this store last loaded, if any.
    pub fn last_loaded(&self) -> Option<UserId> {
        *self.last_loaded.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl SessionStore for StoreSessions {
    type Error = StoreError;

    async fn create(&self, key: &SessionKey, state: &SessionState) -> Result<(), StoreError> {
        if self.store.create_session(key, state).await? {
            Ok(())
        } else {
            Err(StoreError::engine("a session with this key already exists"))
        }
    }

    async fn load(&self, key: &SessionKey) -> Result<Option<SessionState>, StoreError> {
        let state = self.store.load_session(key).await?;
        *self.last_loaded.lock().unwrap_or_else(|p| p.into_inner()) =
            state.as_ref().map(|s| s.user);
        Ok(state)
    }

    async fn touch(
        &self,
        key: &SessionKey,
        last_seen: time::OffsetDateTime,
    ) -> Result<(), StoreError> {
        self.store.touch_session(key, last_seen).await
    }

    async fn delete(&self, key: &SessionKey) -> Result<(), StoreError> {
        self.store.delete_session(key).await
    }

    async fn delete_all_for_user(&self, user: UserId) -> Result<u64, StoreError> {
        self.store.delete_sessions_of(user).await
    }
}

/// The inbox's sessions, with the configured limits.
pub fn sessions(state: &AppState) -> Sessions<StoreSessions> {
    Sessions::new(
        StoreSessions::new(Arc::clone(&state.store)),
        state.config.inbox.sessions,
    )
}

/// What the session layer found.
#[derive(Debug, Clone)]
pub enum Seen {
    Live(Current),
    /// No live session, and why (`Ended::Unknown` when there was no cookie at all).
    None(Ended),
}

/// Where a request came from, for the audit log and the per-address lock-out: the peer's IP
/// address (`None` when the router is driven without a socket, as the tests do).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Client(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for Client {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(client_of(parts))
    }
}

fn client_of(parts: &Parts) -> Client {
    Client(address(&parts.extensions))
}

fn client_of_request(request: &Request) -> Option<String> {
    address(request.extensions())
}

fn address(extensions: &axum::http::Extensions) -> Option<String> {
    extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip().to_string())
}

/// The layer: `axum::middleware::from_fn_with_state(state, session::layer)`.
pub async fn layer(State(state): State<AppState>, request: Request, next: Next) -> Response {
    match find(&state, request).await {
        Ok(request) => next.run(request).await,
        Err(error) => error.into_response(),
    }
}

async fn find(state: &AppState, mut request: Request) -> Result<Request, InboxError> {
    let sessions = sessions(state);
    let presented = sessions.presented(request.headers());
    let now = state.config.inbox.clock.now();
    let seen = match sessions.resume(presented.as_deref(), now).await? {
        Ok(current) => Seen::Live(current),
        Err(ended) => {
            if let (Ended::Idle | Ended::TooOld, Some(user)) =
                (ended, sessions.store().last_loaded())
            {
                let why = if ended == Ended::Idle {
                    "idle"
                } else {
                    "too old"
                };
                let entry = NewAuditEntry::new(AuditAction::SessionExpired, now)
                    .by(user.0)
                    .from_client(client_of_request(&request))
                    .detail(why);
                state.store.audit(entry).await?;
            }
            Seen::None(ended)
        }
    };
    let expected = match &seen {
        Seen::Live(current) => Some(current.state.csrf.clone()),
        Seen::None(_) => pre_session_token(request.headers(), sessions.config().secure_cookie),
    };
    let extensions = request.extensions_mut();
    if let Some(token) = expected {
        extensions.insert(ExpectedCsrf(token));
    }
    if let Some(origin) = &state.config.inbox.origin {
        extensions.insert(InboxOrigin(origin.clone()));
    }
    extensions.insert(seen);
    Ok(request)
}
