//! How storage fails, in its own words: the store knows nothing of HTTP, and the API decides
//! what a caller is told (`impl From<StoreError> for ApiError`).

use std::error::Error as StdError;
use std::fmt;
use std::path::PathBuf;

type Source = Box<dyn StdError + Send + Sync>;

/// A unit of work that did not complete. Always the service's fault, never the caller's.
#[derive(Debug)]
pub enum StoreError {
    /// The engine failed: I/O, a broken constraint, a stored value it could not read back.
    Engine(Source),
    /// The work never finished: it panicked, or the runtime is shutting down.
    Interrupted(Source),
}

impl StoreError {
    pub fn engine(source: impl Into<Source>) -> StoreError {
        StoreError::Engine(source.into())
    }
}

/// The engine's own message, as the command line prints it after what it was doing.
impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::Engine(e) => e.fmt(f),
            StoreError::Interrupted(e) => write!(f, "the database work was interrupted: {e}"),
        }
    }
}

impl StdError for StoreError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            StoreError::Engine(e) | StoreError::Interrupted(e) => e.source(),
        }
    }
}

/// Why the database could not be opened.
#[derive(Debug)]
pub enum OpenError {
    NotFound(PathBuf),
    Engine(Source),
    Migration(Source),
    /// `PRAGMA journal_mode=WAL` answered with another mode (e.g. on a file system without
    /// shared memory), so commits would not be as durable as we promise.
    NotWal(String),
}

impl fmt::Display for OpenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OpenError::NotFound(path) => write!(f, "there is no database at {}", path.display()),
            OpenError::Engine(e) => write!(f, "could not open the database: {e}"),
            OpenError::Migration(e) => {
                write!(f, "could not bring the database schema up to date: {e}")
            }
            OpenError::NotWal(mode) => write!(
                f,
                "the database could not use WAL mode (it is in {mode} mode)"
            ),
        }
    }
}

impl StdError for OpenError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            OpenError::Engine(e) | OpenError::Migration(e) => Some(e.as_ref()),
            _ => None,
        }
    }
}
