//! The PostgreSQL engine, for a health board that runs several instances of the service behind a
//! load balancer: every instance opens the same database, and everything they must agree on
//! (idempotency keys, sessions, used links, the outbox's leases) is decided by it.
//!
//! Each call takes a connection from a pool. A call that reads and then writes runs in one
//! SERIALIZABLE transaction (`serializable!`, below) and is tried again when PostgreSQL refuses it
//! for a conflict with another transaction: the same guarantee SQLite's IMMEDIATE transactions
//! give on one machine ("of two racing requests exactly one wins"), across machines. Two hot
//! paths get it more cheaply: storing a referral (READ COMMITTED with ON CONFLICT on its key,
//! `referrals::insert`) and claiming emails (`FOR UPDATE SKIP LOCKED`, `notifications.rs`).

use std::time::Duration;

use async_trait::async_trait;
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use time::OffsetDateTime;
use tokio_postgres::error::SqlState;

use super::audit::{Audit, AuditEntry, AuditQuery, NewAuditEntry};
use super::error::{OpenError, StoreError};
use super::rows::{Answered, CheckinAnswer, Lookup, NewCheckin, NewReferral, Purged, Stored};
use super::rows::{StoredCheckin, StoredReferral};
use super::Store;
use crate::reference;
use crate::token::TokenHash;

mod accounts;
mod audit;
mod backup;
mod casework;
mod checkins;
mod columns;
mod connect;
mod evaluation;
mod migrations;
mod notifications;
mod referrals;
mod retention;
#[doc(hidden)]
pub mod testing;

/// How many connections one instance holds at most. The service's own work is short statements;
/// PostgreSQL's default allows 100 connections, enough for several instances at this size.
const POOL_SIZE: usize = 16;

/// How long a call waits for a free connection before it fails (and the caller answers 503).
const POOL_WAIT: Duration = Duration::from_secs(10);

/// How many times a transaction refused for a conflict is tried again. Conflicts need two
/// requests on the same rows in the same milliseconds; several in a row mean something is wrong.
const CONFLICT_ATTEMPTS: usize = 10;

/// A PostgreSQL database, cheap to clone (the pool is shared).
#[derive(Clone)]
pub struct PgStore {
    pool: Pool,
    /// The location as given, for `pg_dump` (backup); never logged, as it may hold a password.
    url: String,
}

impl From<tokio_postgres::Error> for StoreError {
    fn from(e: tokio_postgres::Error) -> Self {
        StoreError::engine(e)
    }
}

impl From<deadpool_postgres::PoolError> for StoreError {
    fn from(e: deadpool_postgres::PoolError) -> Self {
        StoreError::engine(e)
    }
}

impl PgStore {
    /// Connects to the database at `url` (`postgres://user:password@host:port/database`) and
    /// brings its schema up to date. The database must exist; its tables are made here.
    ///
    /// Callable from anywhere, inside a tokio runtime or not: the migrations run on a thread of
    /// their own, and the pool connects lazily on the runtime that first uses it.
    pub fn open(url: &str) -> Result<PgStore, OpenError> {
        let target = connect::Target::parse(url)?;
        let connector = target.connector()?;
        std::thread::scope(|scope| {
            scope
                .spawn(|| migrations::run_blocking(&target.config, connector.clone()))
                .join()
                .unwrap_or_else(|_| Err(OpenError::Engine("the migrations panicked".into())))
        })?;
        let manager = Manager::from_config(
            target.config.clone(),
            connector,
            // Fast: a connection whose socket closed (its runtime ended, as the command line's
            // do after each step; the server restarted) is replaced, without a query each time.
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(POOL_SIZE)
            .wait_timeout(Some(POOL_WAIT))
            .create_timeout(Some(POOL_WAIT))
            .runtime(deadpool_postgres::Runtime::Tokio1)
            .build()
            .map_err(|e| OpenError::Engine(Box::new(e)))?;
        Ok(PgStore {
            pool,
            url: url.to_owned(),
        })
    }

    /// A connection from the pool, for reads (each statement sees what was committed before it).
    async fn client(&self) -> Result<deadpool_postgres::Client, StoreError> {
        Ok(self.pool.get().await?)
    }
}

/// Runs `$work` (an expression using the transaction `$tx`, awaited here) in one SERIALIZABLE
/// transaction on a connection of `$store`'s, and commits it; when PostgreSQL refuses it for a
/// conflict with another transaction, the whole of it runs again, so `$work` must do nothing but
/// its statements. Evaluates to `Result<_, StoreError>`.
///
/// A macro rather than a method taking an async closure: rustc cannot yet prove such a closure's
/// future `Send` for every lifetime, which `async_trait` needs.
macro_rules! serializable {
    ($store:expr, |$tx:ident| $work:expr) => {{
        async {
            let mut client = $store.client().await?;
            let mut attempt = 1;
            loop {
                #[allow(unused_mut)]
                let mut $tx = client
                    .build_transaction()
                    .isolation_level(tokio_postgres::IsolationLevel::Serializable)
                    .start()
                    .await?;
                let done: Result<_, $crate::store::StoreError> = match $work.await {
                    Ok(value) => $tx.commit().await.map(|()| value).map_err(Into::into),
                    Err(e) => Err(e),
                };
                match done {
                    Err(e) if $crate::store::postgres::retry_after_conflict(&e, attempt).await => {
                        attempt += 1;
                    }
                    other => break other,
                }
            }
        }
        .await
    }};
}
pub(crate) use serializable;

/// Runs `$work` (using the transaction `$tx`) in one read-only REPEATABLE READ transaction:
/// several statements that see one snapshot, so figures read together agree with each other.
macro_rules! snapshot {
    ($store:expr, |$tx:ident| $work:expr) => {{
        async {
            let mut client = $store.client().await?;
            let $tx = client
                .build_transaction()
                .isolation_level(tokio_postgres::IsolationLevel::RepeatableRead)
                .read_only(true)
                .start()
                .await?;
            let value = $work.await?;
            $tx.commit().await?;
            Ok::<_, $crate::store::StoreError>(value)
        }
        .await
    }};
}
pub(crate) use snapshot;

/// Whether a transaction that failed with `error` on its `attempt`th run should run again, after
/// a short wait that grows, so that two retries do not collide again.
pub(crate) async fn retry_after_conflict(error: &StoreError, attempt: usize) -> bool {
    let again = attempt < CONFLICT_ATTEMPTS && is_conflict(error);
    if again {
        tokio::time::sleep(Duration::from_millis(2 * attempt as u64)).await;
    }
    again
}

/// Whether PostgreSQL refused a transaction only because another one ran beside it. A unique
/// violation counts: every write here looks for the row before inserting it, so a duplicate means
/// another transaction inserted it meanwhile, and the next attempt will find it.
fn is_conflict(error: &StoreError) -> bool {
    sql_state(error).is_some_and(|state| {
        *state == SqlState::T_R_SERIALIZATION_FAILURE
            || *state == SqlState::T_R_DEADLOCK_DETECTED
            || *state == SqlState::UNIQUE_VIOLATION
    })
}

/// The SQLSTATE of a statement's failure, when that is what `error` is.
fn sql_state(error: &StoreError) -> Option<&SqlState> {
    match error {
        StoreError::Engine(source) => source
            .downcast_ref::<tokio_postgres::Error>()
            .and_then(tokio_postgres::Error::code),
        StoreError::Interrupted(_) => None,
    }
}

#[async_trait]
impl Audit for PgStore {
    async fn audit(&self, entry: NewAuditEntry) -> Result<(), StoreError> {
        audit::append(&**self.client().await?, &entry).await
    }

    async fn audit_log(&self, query: AuditQuery) -> Result<Vec<AuditEntry>, StoreError> {
        audit::read(&**self.client().await?, &query).await
    }
}

#[async_trait]
impl Store for PgStore {
    async fn ping(&self) -> Result<(), StoreError> {
        self.client().await?.query_one("SELECT 1", &[]).await?;
        Ok(())
    }

    async fn store_referral(&self, new: NewReferral) -> Result<Stored, StoreError> {
        // READ COMMITTED, not `serializable!`: see `referrals::insert` for why it is enough.
        let mut client = self.client().await?;
        let mut tx = client.transaction().await?;
        let stored = referrals::insert(&mut tx, &new, reference::generate).await?;
        tx.commit().await?;
        Ok(stored)
    }

    async fn find_referral(&self, reference: &str) -> Result<Option<StoredReferral>, StoreError> {
        referrals::find(&**self.client().await?, reference).await
    }

    async fn add_checkin(&self, new: NewCheckin) -> Result<bool, StoreError> {
        checkins::add(&**self.client().await?, &new).await
    }

    async fn look_up_checkin(
        &self,
        token: &TokenHash,
        now: OffsetDateTime,
    ) -> Result<Lookup, StoreError> {
        checkins::look_up(&**self.client().await?, token, now).await
    }

    async fn answer_checkin(
        &self,
        token: &TokenHash,
        answer: CheckinAnswer,
        now: OffsetDateTime,
    ) -> Result<Answered, StoreError> {
        serializable!(self, |tx| checkins::answer(&tx, token, &answer, now))
    }

    async fn checkins_for(&self, reference: &str) -> Result<Vec<StoredCheckin>, StoreError> {
        checkins::for_referral(&**self.client().await?, reference).await
    }

    async fn erase_referral(&self, reference: &str) -> Result<bool, StoreError> {
        // Everything else hangs from the referral by a foreign key with ON DELETE CASCADE.
        let deleted = self
            .client()
            .await?
            .execute("DELETE FROM referrals WHERE reference = $1", &[&reference])
            .await?;
        Ok(deleted == 1)
    }

    async fn purge(
        &self,
        closed_before: OffsetDateTime,
        now: OffsetDateTime,
    ) -> Result<Purged, StoreError> {
        serializable!(self, |tx| retention::purge(&tx, closed_before, now))
    }

    async fn backup(&self, to: &std::path::Path) -> Result<(), StoreError> {
        backup::dump(&self.url, to).await
    }
}
