//! Sessions in memory, for tests and for trying the inbox without a database.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use time::OffsetDateTime;

use super::store::SessionStore;
use super::{SessionKey, SessionState};
use crate::inbox::auth::users::UserId;

#[derive(Clone, Default)]
pub struct MemorySessionStore {
    sessions: Arc<Mutex<HashMap<SessionKey, SessionState>>>,
}

impl MemorySessionStore {
    pub fn new() -> Self {
        Self::default()
    }

    /// How many sessions are stored, for tests.
    pub fn len(&self) -> usize {
        self.sessions.lock().expect("session map").len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every stored key, for tests that check that no id is stored as such.
    pub fn keys(&self) -> Vec<SessionKey> {
        self.sessions
            .lock()
            .expect("session map")
            .keys()
            .copied()
            .collect()
    }
}

/// Only for the map's `Mutex`: a poisoned map means a test already panicked.
fn map(store: &MemorySessionStore) -> std::sync::MutexGuard<'_, HashMap<SessionKey, SessionState>> {
    store.sessions.lock().expect("session map")
}

/// A key that is already stored: the in-memory store's only error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DuplicateKey;

impl std::fmt::Display for DuplicateKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a session with this key already exists")
    }
}

impl std::error::Error for DuplicateKey {}

impl SessionStore for MemorySessionStore {
    type Error = DuplicateKey;

    async fn create(&self, key: &SessionKey, state: &SessionState) -> Result<(), DuplicateKey> {
        let mut sessions = map(self);
        if sessions.contains_key(key) {
            return Err(DuplicateKey);
        }
        sessions.insert(*key, state.clone());
        Ok(())
    }

    async fn load(&self, key: &SessionKey) -> Result<Option<SessionState>, DuplicateKey> {
        Ok(map(self).get(key).cloned())
    }

    async fn touch(&self, key: &SessionKey, last_seen: OffsetDateTime) -> Result<(), DuplicateKey> {
        if let Some(state) = map(self).get_mut(key) {
            state.last_seen = last_seen;
        }
        Ok(())
    }

    async fn delete(&self, key: &SessionKey) -> Result<(), DuplicateKey> {
        map(self).remove(key);
        Ok(())
    }

    async fn delete_all_for_user(&self, user: UserId) -> Result<u64, DuplicateKey> {
        let mut sessions = map(self);
        let before = sessions.len();
        sessions.retain(|_, state| state.user != user);
        Ok((before - sessions.len()) as u64)
    }
}
