//! The SQLite engine: opening a file safely, its migrations (`migrations/`, append-only), and
//! [`Store`] on one connection.
//!
//! One connection behind a mutex is enough for an intake service that receives a few referrals
//! an hour; every call runs on tokio's blocking pool so the async workers never wait on the disk.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use rusqlite::{Connection, OpenFlags};
use rusqlite_migration::{Migrations, M};
use time::OffsetDateTime;

use super::audit::{Audit, AuditEntry, AuditQuery, NewAuditEntry};
use super::casework::{
    CaseRecord, Casework, ListQuery, NewNote, NewOnwardReferral, NewStatusChange, NewUptake,
    ReferralList, StatusChanged,
};
use super::error::{OpenError, StoreError};
use super::evaluation::{DatasetRow, Evaluation, Monitoring, Period};
use super::notifications::Notifications;
use super::rows::{Answered, CheckinAnswer, Lookup, NewCheckin, NewReferral, Purged, Stored};
use super::rows::{StoredCheckin, StoredReferral};
use super::Store;
use crate::notify::{Claimed, MessageId, Pending, Recorded};
use crate::reference;
use crate::token::TokenHash;

mod accounts;
mod audit;
mod casework;
mod checkins;
mod columns;
mod evaluation;
mod notifications;
mod referrals;
mod retention;

/// Append-only: never edit a migration that has shipped, add the next one.
/// The schema's migrations, oldest first.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_referrals.sql"),
    include_str!("migrations/0002_questionnaire_and_wellbeing.sql"),
    include_str!("migrations/0003_organisation.sql"),
    include_str!("migrations/0004_checkins.sql"),
    include_str!("migrations/0005_audit.sql"),
    include_str!("migrations/0006_accounts.sql"),
    include_str!("migrations/0007_casework.sql"),
    include_str!("migrations/0008_notifications.sql"),
];

fn migrations() -> Migrations<'static> {
    Migrations::new(MIGRATIONS.iter().map(|sql| M::up(sql)).collect())
}

/// How long a statement waits for another process (the CLI, a backup) to release the database.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// A SQLite database file, cheap to clone.
#[derive(Clone)]
pub struct SqliteStore {
    conn: Arc<Mutex<Connection>>,
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::engine(e)
    }
}

impl From<rusqlite::Error> for OpenError {
    fn from(e: rusqlite::Error) -> Self {
        OpenError::Engine(Box::new(e))
    }
}

impl From<rusqlite_migration::Error> for OpenError {
    fn from(e: rusqlite_migration::Error) -> Self {
        OpenError::Migration(Box::new(e))
    }
}

impl SqliteStore {
    /// Opens the database at `path`, creating it if needed, and brings its schema up to date.
    pub fn open(path: &Path) -> Result<SqliteStore, OpenError> {
        Self::open_with(path, OpenFlags::default())
    }

    /// Opens a database that must already exist.
    pub fn open_existing(path: &Path) -> Result<SqliteStore, OpenError> {
        if !path.is_file() {
            return Err(OpenError::NotFound(path.to_owned()));
        }
        Self::open_with(path, OpenFlags::default() - OpenFlags::SQLITE_OPEN_CREATE)
    }

    fn open_with(path: &Path, flags: OpenFlags) -> Result<SqliteStore, OpenError> {
        let mut conn = Connection::open_with_flags(path, flags)?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        // WAL lets the CLI read while the service writes; FULL syncs the WAL on every commit, so
        // a referral that was acknowledged survives a power cut, not only a crash of the process.
        let mode: String =
            conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(OpenError::NotWal(mode));
        }
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        migrations().to_latest(&mut conn)?;
        Ok(SqliteStore {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    /// Runs `work` with the connection on the blocking pool.
    async fn call<F, R>(&self, work: F) -> Result<R, StoreError>
    where
        F: FnOnce(&mut Connection) -> rusqlite::Result<R> + Send + 'static,
        R: Send + 'static,
    {
        let conn = Arc::clone(&self.conn);
        tokio::task::spawn_blocking(move || {
            // A panic while the lock was held poisons it; the open transaction was rolled back
            // when it unwound, so the connection is still usable.
            let mut conn = conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            work(&mut conn)
        })
        .await
        .map_err(|e| StoreError::Interrupted(Box::new(e)))?
        .map_err(StoreError::from)
    }
}

#[cfg(test)]
impl SqliteStore {
    /// Runs `work` with the connection on this thread, for the engine's own tests.
    fn with_conn<R>(&self, work: impl FnOnce(&mut Connection) -> R) -> R {
        work(&mut self.conn.lock().unwrap())
    }
}

#[async_trait]
impl Audit for SqliteStore {
    async fn audit(&self, entry: NewAuditEntry) -> Result<(), StoreError> {
        self.call(move |conn| audit::append(conn, &entry)).await
    }

    async fn audit_log(&self, query: AuditQuery) -> Result<Vec<AuditEntry>, StoreError> {
        self.call(move |conn| audit::read(conn, &query)).await
    }
}

#[async_trait]
impl Notifications for SqliteStore {
    async fn enqueue_notification(
        &self,
        pending: Pending,
        now: OffsetDateTime,
    ) -> Result<Option<MessageId>, StoreError> {
        self.call(move |conn| notifications::enqueue(conn, &pending, now))
            .await
    }

    async fn claim_notifications(
        &self,
        now: OffsetDateTime,
        lease: Duration,
        limit: usize,
    ) -> Result<Vec<Claimed>, StoreError> {
        self.call(move |conn| notifications::claim(conn, now, lease, limit))
            .await
    }

    async fn mark_notification_sent(
        &self,
        claimed: &Claimed,
        at: OffsetDateTime,
    ) -> Result<Recorded, StoreError> {
        let claimed = claimed.clone();
        self.call(move |conn| notifications::mark_sent(conn, &claimed, at))
            .await
    }

    async fn mark_notification_failed(
        &self,
        claimed: &Claimed,
        next_attempt_at: OffsetDateTime,
        error: &str,
    ) -> Result<Recorded, StoreError> {
        let (claimed, error) = (claimed.clone(), error.to_owned());
        self.call(move |conn| notifications::mark_failed(conn, &claimed, next_attempt_at, &error))
            .await
    }
}

#[async_trait]
impl Casework for SqliteStore {
    async fn change_status(&self, change: NewStatusChange) -> Result<StatusChanged, StoreError> {
        self.call(move |conn| casework::change_status(conn, &change))
            .await
    }

    async fn add_note(&self, note: NewNote) -> Result<bool, StoreError> {
        self.call(move |conn| casework::add_note(conn, &note)).await
    }

    async fn add_onward_referral(&self, onward: NewOnwardReferral) -> Result<bool, StoreError> {
        self.call(move |conn| casework::add_onward(conn, &onward))
            .await
    }

    async fn record_uptake(&self, uptake: NewUptake) -> Result<bool, StoreError> {
        self.call(move |conn| casework::record_uptake(conn, &uptake))
            .await
    }

    async fn case_record(&self, reference: &str) -> Result<Option<CaseRecord>, StoreError> {
        let reference = reference.to_owned();
        self.call(move |conn| casework::case_record(conn, &reference))
            .await
    }

    async fn list_referrals(&self, query: ListQuery) -> Result<ReferralList, StoreError> {
        self.call(move |conn| casework::list(conn, &query)).await
    }

    async fn look_at_list(
        &self,
        user: i64,
        now: OffsetDateTime,
        visit_gap: time::Duration,
    ) -> Result<Option<String>, StoreError> {
        self.call(move |conn| casework::look_at_list(conn, user, now, visit_gap))
            .await
    }
}

#[async_trait]
impl Evaluation for SqliteStore {
    async fn dataset(&self, period: Period) -> Result<Vec<DatasetRow>, StoreError> {
        self.call(move |conn| evaluation::dataset(conn, &period))
            .await
    }

    async fn monitoring(&self, period: Period) -> Result<Monitoring, StoreError> {
        self.call(move |conn| evaluation::monitoring(conn, &period))
            .await
    }

    async fn practices_with_referrals(&self) -> Result<Vec<String>, StoreError> {
        self.call(|conn| evaluation::practices(conn)).await
    }
}

#[async_trait]
impl Store for SqliteStore {
    async fn ping(&self) -> Result<(), StoreError> {
        self.call(|conn| {
            conn.query_row("SELECT 1", [], |row| row.get::<_, i64>(0))
                .map(|_| ())
        })
        .await
    }

    async fn store_referral(&self, new: NewReferral) -> Result<Stored, StoreError> {
        self.call(move |conn| referrals::insert(conn, &new, reference::generate))
            .await
    }

    async fn find_referral(&self, reference: &str) -> Result<Option<StoredReferral>, StoreError> {
        let reference = reference.to_owned();
        self.call(move |conn| referrals::find(conn, &reference))
            .await
    }

    async fn add_checkin(&self, new: NewCheckin) -> Result<bool, StoreError> {
        self.call(move |conn| checkins::add(conn, &new)).await
    }

    async fn look_up_checkin(
        &self,
        token: &TokenHash,
        now: OffsetDateTime,
    ) -> Result<Lookup, StoreError> {
        let token = token.clone();
        self.call(move |conn| checkins::look_up(conn, &token, now))
            .await
    }

    async fn answer_checkin(
        &self,
        token: &TokenHash,
        answer: CheckinAnswer,
        now: OffsetDateTime,
    ) -> Result<Answered, StoreError> {
        let token = token.clone();
        self.call(move |conn| checkins::answer(conn, &token, &answer, now))
            .await
    }

    async fn erase_referral(&self, reference: &str) -> Result<bool, StoreError> {
        let reference = reference.to_owned();
        // Everything else hangs from the referral by a foreign key with ON DELETE CASCADE.
        self.call(move |conn| {
            conn.execute("DELETE FROM referrals WHERE reference = ?1", [reference])
                .map(|deleted| deleted == 1)
        })
        .await
    }

    async fn purge(
        &self,
        closed_before: OffsetDateTime,
        now: OffsetDateTime,
    ) -> Result<Purged, StoreError> {
        self.call(move |conn| retention::purge(conn, closed_before, now))
            .await
    }

    async fn backup(&self, to: &Path) -> Result<(), StoreError> {
        // VACUUM INTO reads the database in one read transaction, so the copy is consistent, and
        // in WAL mode writers carry on meanwhile. It writes a compact file with no WAL of its own.
        let to = to
            .to_str()
            .map(str::to_owned)
            .ok_or_else(|| StoreError::engine(format!("{} is not a UTF-8 path", to.display())))?;
        self.call(move |conn| conn.execute("VACUUM INTO ?1", [to]).map(|_| ()))
            .await
    }

    async fn checkins_for(&self, reference: &str) -> Result<Vec<StoredCheckin>, StoreError> {
        let reference = reference.to_owned();
        self.call(move |conn| checkins::for_referral(conn, &reference))
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid() {
        migrations().validate().unwrap();
    }

    #[tokio::test]
    async fn opens_in_wal_mode_with_full_sync_and_foreign_keys() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("test.db")).unwrap();
        let pragmas = store
            .call(|conn| {
                let text = |pragma: &str| {
                    conn.query_row(&format!("PRAGMA {pragma}"), [], |r| r.get::<_, String>(0))
                };
                let number = |pragma: &str| {
                    conn.query_row(&format!("PRAGMA {pragma}"), [], |r| r.get::<_, i64>(0))
                };
                Ok((
                    text("journal_mode")?,
                    number("synchronous")?,
                    number("foreign_keys")?,
                ))
            })
            .await
            .unwrap();
        // synchronous 2 = FULL
        assert_eq!(pragmas, ("wal".to_owned(), 2, 1));
        store.ping().await.unwrap();
    }

    #[test]
    fn opening_an_existing_database_does_not_create_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("typo.db");
        assert!(matches!(
            SqliteStore::open_existing(&path),
            Err(OpenError::NotFound(_))
        ));
        assert!(!path.exists());
    }

    /// A database made by the first `applied` migrations, as an older service left it.
    pub(super) fn migrated_to(path: &Path, applied: usize) -> Connection {
        let mut conn = Connection::open(path).unwrap();
        Migrations::new(MIGRATIONS[..applied].iter().map(|sql| M::up(sql)).collect())
            .to_latest(&mut conn)
            .unwrap();
        conn
    }
}
