//! Storage behind one trait, [`Store`], so that routes, the command line and (later) the inbox
//! never know which engine they talk to. The engine is chosen from the database's location when
//! it is opened ([`open`]): a file path (or `sqlite:PATH`) is SQLite, the embedded default;
//! `postgres://…` is PostgreSQL, for several instances on one database.
//!
//! Each engine keeps its own migrations beside it (`sqlite/migrations/`, `postgres/migrations/`). The store knows nothing
//! of HTTP: it answers with typed rows ([`rows`]) or a [`StoreError`].

use std::path::{Path, PathBuf};
use std::sync::Arc;

use async_trait::async_trait;
use time::OffsetDateTime;

pub mod accounts;
pub mod audit;
pub mod casework;
pub mod error;
pub mod evaluation;
pub mod notifications;
pub mod postgres;
pub mod rows;
pub mod sqlite;

pub use accounts::Accounts;
pub use audit::{Audit, AuditAction, AuditEntry, AuditQuery, NewAuditEntry};
pub use casework::Casework;
pub use error::{OpenError, StoreError};
pub use evaluation::Evaluation;
pub use notifications::Notifications;
pub use postgres::PgStore;
pub use rows::{
    Answered, CheckinAnswer, LinkClosed, Lookup, NewCheckin, NewReferral, OpenCheckin, Purged,
    Receipt, Stored, StoredCheckin, StoredReferral,
};
pub use sqlite::SqliteStore;

use crate::token::TokenHash;

/// Everything the service keeps. One implementation an engine; each call is one unit of work
/// (one transaction where it writes), run so that it never blocks the async workers.
///
/// `async_trait` makes the trait usable as `Arc<dyn Store>`: Rust's own `async fn` in traits
/// cannot yet be called through `dyn`.
///
/// What the inbox keeps is in traits of their own, one file each beside this one (the audit log
/// in `audit.rs`, …), each implemented by every engine; `Store` requires them all, so a route
/// holding `Arc<dyn Store>` reaches every one.
#[async_trait]
pub trait Store: Audit + Accounts + Casework + Evaluation + Notifications + Send + Sync {
    /// Answers once the storage can run a statement at all.
    async fn ping(&self) -> Result<(), StoreError>;

    /// Stores a referral once per idempotency key. The look-up of the key and the insert are one
    /// write transaction, so two retries racing each other (even from two processes) store one
    /// row; `Created` is answered only after the commit.
    async fn store_referral(&self, new: NewReferral) -> Result<Stored, StoreError>;

    /// The referral with this reference, if there is one.
    async fn find_referral(&self, reference: &str) -> Result<Option<StoredReferral>, StoreError>;

    /// Adds a follow-up link to the referral `new.reference`; `false` when there is no such
    /// referral.
    async fn add_checkin(&self, new: NewCheckin) -> Result<bool, StoreError>;

    /// What the link whose token hashes to `token` opens, as of `now`. A used link is `Used` even
    /// once it has also expired: that is the more useful thing to tell the person.
    async fn look_up_checkin(
        &self,
        token: &TokenHash,
        now: OffsetDateTime,
    ) -> Result<Lookup, StoreError>;

    /// Stores the answer to a link at most once. The look-up and the write are one transaction
    /// that only touches a still-unused link, so of two answers racing each other (even from two
    /// processes) exactly one is stored and the other finds the link used.
    async fn answer_checkin(
        &self,
        token: &TokenHash,
        answer: CheckinAnswer,
        now: OffsetDateTime,
    ) -> Result<Answered, StoreError>;

    /// Every follow-up link of the referral `reference`, oldest first.
    async fn checkins_for(&self, reference: &str) -> Result<Vec<StoredCheckin>, StoreError>;

    /// Deletes the referral `reference` and everything stored with it (its follow-up links and
    /// whatever else hangs from it); `false` when there was no such referral. The audit log keeps
    /// its entries, which name the reference and nothing else.
    async fn erase_referral(&self, reference: &str) -> Result<bool, StoreError>;

    /// Deletes, in one transaction, the referrals closed before `closed_before` (and everything
    /// that hangs from them) and the follow-up links that expired unused before `now`.
    async fn purge(
        &self,
        closed_before: OffsetDateTime,
        now: OffsetDateTime,
    ) -> Result<Purged, StoreError>;

    /// Writes a consistent copy of everything to the new file `to`, while other work goes on:
    /// what was committed before the copy began is in it, what commits during it may not be.
    async fn backup(&self, to: &Path) -> Result<(), StoreError>;
}

/// Where the database is, and so which engine keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A SQLite file: a plain path, or `sqlite:PATH`.
    Sqlite(PathBuf),
    /// A PostgreSQL URI (`postgres://` or `postgresql://`), as given: it may hold a password, so
    /// it is shown only through [`Location::described`].
    Postgres(String),
}

impl Location {
    /// Reads a `--db` value.
    pub fn parse(location: &Path) -> Location {
        let text = location.to_str().unwrap_or_default();
        if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            Location::Postgres(text.to_owned())
        } else if let Some(path) = text.strip_prefix("sqlite:") {
            Location::Sqlite(PathBuf::from(path.strip_prefix("//").unwrap_or(path)))
        } else {
            Location::Sqlite(location.to_owned())
        }
    }

    /// The folder a file database lives in, which `serve` creates if it is missing.
    pub fn folder(&self) -> Option<&Path> {
        match self {
            Location::Sqlite(path) => path.parent().filter(|p| !p.as_os_str().is_empty()),
            Location::Postgres(_) => None,
        }
    }

    /// The location as messages and logs may show it: a password in a URI is left out.
    pub fn described(&self) -> String {
        match self {
            Location::Sqlite(path) => path.display().to_string(),
            Location::Postgres(url) => match url.split_once("://").and_then(|(scheme, rest)| {
                let (credentials, server) = rest.split_once('@')?;
                let user = credentials
                    .split_once(':')
                    .map_or(credentials, |(user, _)| user);
                Some(format!("{scheme}://{user}@{server}"))
            }) {
                Some(shown) => shown,
                None => url.clone(),
            },
        }
    }
}

/// Whether opening may create the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Create {
    /// The service: a new database is created and migrated.
    IfMissing,
    /// The command line's read commands, which should not leave an empty database behind a typo.
    Never,
}

/// Opens the database at `location` with its engine and brings its schema up to date.
pub fn open(location: &Location, create: Create) -> Result<Arc<dyn Store>, OpenError> {
    match location {
        Location::Sqlite(path) => {
            let store = match create {
                Create::IfMissing => SqliteStore::open(path)?,
                Create::Never => SqliteStore::open_existing(path)?,
            };
            Ok(Arc::new(store))
        }
        // PostgreSQL makes no database: an administrator creates it (and its role) first.
        Location::Postgres(url) => Ok(Arc::new(PgStore::open(url)?)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_engine_comes_from_the_location() {
        let sqlite = |path: &str| Location::Sqlite(PathBuf::from(path));
        assert_eq!(
            Location::parse(Path::new("data/signpost.db")),
            sqlite("data/signpost.db")
        );
        assert_eq!(
            Location::parse(Path::new("sqlite:data/signpost.db")),
            sqlite("data/signpost.db")
        );
        assert_eq!(
            Location::parse(Path::new("sqlite:///var/lib/signpost.db")),
            sqlite("/var/lib/signpost.db")
        );
        assert_eq!(
            Location::parse(Path::new("postgres://signpost@db/signpost")),
            Location::Postgres("postgres://signpost@db/signpost".into())
        );
        assert_eq!(
            Location::parse(Path::new("data/signpost.db")).folder(),
            Some(Path::new("data"))
        );
        assert_eq!(Location::parse(Path::new("signpost.db")).folder(), None);
    }

    #[test]
    fn a_password_in_a_postgres_location_is_never_shown() {
        let location = Location::parse(Path::new("postgres://signpost:s3cret@db:5432/signpost"));
        assert_eq!(location.described(), "postgres://signpost@db:5432/signpost");
        let plain = Location::parse(Path::new("postgresql://db/signpost"));
        assert_eq!(plain.described(), "postgresql://db/signpost");
    }
}
