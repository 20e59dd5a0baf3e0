//! What sessions need from storage. The store implements this for SQLite (and PostgreSQL later);
//! [`super::memory::MemorySessionStore`] implements it for tests.
//!
//! Rows are keyed by [`SessionKey`], the SHA-256 of the session id: the id itself is only ever in
//! the browser's cookie, so a copy of the sessions table opens no session.

use std::future::Future;

use time::OffsetDateTime;

use super::{SessionKey, SessionState};
use crate::inbox::auth::users::UserId;

/// Server-side session storage. Every method is one statement (or one transaction).
pub trait SessionStore: Send + Sync + 'static {
    type Error: std::error::Error + Send + Sync + 'static;

    /// Stores a new session. Keys are random and never reused, so a clash is an error.
    fn create(
        &self,
        key: &SessionKey,
        state: &SessionState,
    ) -> impl Future<Output = Result<(), Self::Error>> + Send;

    /// The session with this key, if there is one (expired or not: the caller decides).
    fn load(
        &self,
        key: &SessionKey,
    ) -> impl Future<Output = Result<Option<SessionState>, Self::Error>> + Send;

    /// Records activity: sets `last_seen`. Nothing else about a session ever changes in place;
    /// a change of stage is a new session (a new id), so a stolen pre-sign-in id is worthless.
    fn touch(
        &self,
        key: &SessionKey,
        last_seen: OffsetDateTime,
    ) -> impl Future<Output = Result<(), Self::Error>> + Send;

    /// Removes one session (signing out, expiry, a change of stage). Removing none is fine.
    fn delete(&self, key: &SessionKey) -> impl Future<Output = Result<(), Self::Error>> + Send;

    /// Removes every session of a user ("sign out everywhere", a disabled account, a new
    /// password). Returns how many there were.
    fn delete_all_for_user(
        &self,
        user: UserId,
    ) -> impl Future<Output = Result<u64, Self::Error>> + Send;
}
