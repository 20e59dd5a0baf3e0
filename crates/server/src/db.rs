//! The SQLite database: opening it safely, its migrations, and the few statements the service runs.
//!
//! One connection behind a mutex is enough for an intake service that receives a few referrals
//! an hour; every call runs on tokio's blocking pool so the async workers never wait on the disk.

use std::fmt;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior};
use rusqlite_migration::{Migrations, M};

use signpost_core::{Responses, Score};

use crate::error::AppError;

/// Append-only: never edit a migration that has shipped, add the next one.
/// The schema's migrations, oldest first.
const MIGRATIONS: [&str; 4] = [
    include_str!("../migrations/0001_referrals.sql"),
    include_str!("../migrations/0002_questionnaire_and_wellbeing.sql"),
    include_str!("../migrations/0003_organisation.sql"),
    include_str!("../migrations/0004_checkins.sql"),
];

fn migrations() -> Migrations<'static> {
    Migrations::new(MIGRATIONS.iter().map(|sql| M::up(sql)).collect())
}

/// How long a statement waits for another process (the CLI, a backup) to release the database.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// How many fresh references to try when one is already taken. One collision in 6.6 × 10^11 is
/// already rare; several in a row mean something else is wrong.
const REFERENCE_ATTEMPTS: usize = 8;

/// A handle to the database, cheap to clone.
#[derive(Clone)]
pub struct Db {
    conn: Arc<Mutex<Connection>>,
}

#[derive(Debug)]
pub enum OpenError {
    NotFound(std::path::PathBuf),
    Sqlite(rusqlite::Error),
    Migration(rusqlite_migration::Error),
    /// `PRAGMA journal_mode=WAL` answered with another mode (e.g. on a file system without
    /// shared memory), so commits would not be as durable as we promise.
    NotWal(String),
}

impl fmt::Display for OpenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OpenError::NotFound(path) => write!(f, "there is no database at {}", path.display()),
            OpenError::Sqlite(e) => write!(f, "could not open the database: {e}"),
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

impl std::error::Error for OpenError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            OpenError::Sqlite(e) => Some(e),
            OpenError::Migration(e) => Some(e),
            _ => None,
        }
    }
}

impl From<rusqlite::Error> for OpenError {
    fn from(e: rusqlite::Error) -> Self {
        OpenError::Sqlite(e)
    }
}

impl From<rusqlite_migration::Error> for OpenError {
    fn from(e: rusqlite_migration::Error) -> Self {
        OpenError::Migration(e)
    }
}

impl Db {
    /// Opens the database at `path`, creating it if needed, and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Db, OpenError> {
        Self::open_with(path, OpenFlags::default())
    }

    /// Opens a database that must already exist (for the command line's read commands, which
    /// should not leave an empty database behind a typo).
    pub fn open_existing(path: &Path) -> Result<Db, OpenError> {
        if !path.is_file() {
            return Err(OpenError::NotFound(path.to_owned()));
        }
        Self::open_with(path, OpenFlags::default() - OpenFlags::SQLITE_OPEN_CREATE)
    }

    fn open_with(path: &Path, flags: OpenFlags) -> Result<Db, OpenError> {
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
        Ok(Db {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    /// Runs `work` with the connection on the blocking pool.
    pub async fn call<F, R>(&self, work: F) -> Result<R, AppError>
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
        .map_err(AppError::internal("waiting for the database"))?
        .map_err(AppError::internal("using the database"))
    }

    /// Runs `work` with the connection on the current thread (for the command line).
    pub fn call_blocking<F, R>(&self, work: F) -> rusqlite::Result<R>
    where
        F: FnOnce(&mut Connection) -> rusqlite::Result<R>,
    {
        let mut conn = self
            .conn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        work(&mut conn)
    }
}

/// Answers whether the database can run a statement at all.
pub fn ping(conn: &Connection) -> rusqlite::Result<()> {
    conn.query_row("SELECT 1", [], |row| row.get::<_, i64>(0))
        .map(|_| ())
}

/// A checked referral ready to store, with what the service knows about how it arrived.
#[derive(Debug, Clone)]
pub struct NewReferral {
    pub idempotency_key: String,
    /// Hex SHA-256 of the request body exactly as received.
    pub body_sha256: String,
    /// UTC, RFC 3339; also the moment consent reached the service.
    pub received_at: String,
    pub practice: String,
    pub channel: String,
    /// Who helped with an assisted referral; `None` for a self-referral.
    pub organisation: Option<String>,
    pub language: String,
    pub consent_version: String,
    /// A JSON array of consent purposes.
    pub consent_purposes: String,
    pub questionnaire_id: String,
    pub questionnaire_version: String,
    /// The check-in as the service scored it; `None` when it was skipped.
    pub wellbeing: Option<Wellbeing>,
    /// The canonical wire form.
    pub body: String,
}

/// A wellbeing check-in as stored: the service's own score of the items, never a client's.
#[derive(Debug, Clone, PartialEq)]
pub struct Wellbeing {
    /// `wemwbs` or `swemwbs`.
    pub instrument: String,
    /// The item responses as a JSON array, e.g. `[3,2,2,3,1,2,3]`.
    pub items: String,
    /// The score studies compare: the WEMWBS total (14–70) or the SWEMWBS metric score (7.00–35.00).
    pub score: f64,
    /// The sum of the items.
    pub raw: i64,
}

impl Wellbeing {
    /// Scores a checked set of responses with signpost-core.
    pub fn score(responses: &Responses) -> Wellbeing {
        let (score, raw) = match responses.score() {
            Score::Wemwbs { total } => (f64::from(total), total),
            // The table publishes the metric score to two decimals and core holds it as an f32;
            // widening that f32 would store 18.59 as 18.590000152…, so store the f64 nearest the
            // published decimal instead (the f32's shortest text is exactly that decimal).
            Score::Swemwbs { raw, metric } => {
                let published = metric.to_string().parse().unwrap_or(f64::from(metric));
                (published, raw)
            }
        };
        Wellbeing {
            instrument: responses.instrument().as_str().to_owned(),
            items: items_json(responses.items()),
            score,
            raw: i64::from(raw),
        }
    }
}

/// `[3,2,2]`: the items as a JSON array of numbers (serde would write a `[u8]` so too, but this
/// cannot fail).
fn items_json(items: &[u8]) -> String {
    let listed: Vec<String> = items.iter().map(u8::to_string).collect();
    format!("[{}]", listed.join(","))
}

/// What the person is told: their reference and when it arrived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    pub reference: String,
    pub received_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stored {
    /// Committed just now.
    Created(Receipt),
    /// The same key and the same body arrived before: this is a retry.
    Replayed(Receipt),
    /// The same key arrived before with a different body.
    KeyReused,
}

/// Stores a referral once per idempotency key. The lookup and the insert share one write
/// transaction, so two retries racing each other (even from two processes) store one row.
pub fn store(
    conn: &mut Connection,
    new: &NewReferral,
    mut next_reference: impl FnMut() -> String,
) -> rusqlite::Result<Stored> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let earlier = tx
        .query_row(
            "SELECT reference, received_at, body_sha256 FROM referrals WHERE idempotency_key = ?1",
            [&new.idempotency_key],
            |row| {
                Ok((
                    Receipt {
                        reference: row.get(0)?,
                        received_at: row.get(1)?,
                    },
                    row.get::<_, String>(2)?,
                ))
            },
        )
        .optional()?;
    if let Some((receipt, sha256)) = earlier {
        return Ok(if sha256 == new.body_sha256 {
            Stored::Replayed(receipt)
        } else {
            Stored::KeyReused
        });
    }

    let wellbeing = new.wellbeing.as_ref();
    let mut attempt = 1;
    let reference = loop {
        let reference = next_reference();
        let inserted = tx.execute(
            "INSERT INTO referrals (reference, idempotency_key, body_sha256, received_at, status, practice,
                 channel, language, consent_version, consent_purposes, consented_at, body,
                 questionnaire_id, questionnaire_version,
                 wellbeing_instrument, wellbeing_items, wellbeing_score, wellbeing_raw, organisation)
             VALUES (?1, ?2, ?3, ?4, 'new', ?5, ?6, ?7, ?8, ?9, ?4, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
            rusqlite::params![
                reference,
                new.idempotency_key,
                new.body_sha256,
                new.received_at,
                new.practice,
                new.channel,
                new.language,
                new.consent_version,
                new.consent_purposes,
                new.body,
                new.questionnaire_id,
                new.questionnaire_version,
                wellbeing.map(|w| &w.instrument),
                wellbeing.map(|w| &w.items),
                wellbeing.map(|w| w.score),
                wellbeing.map(|w| w.raw),
                new.organisation,
            ],
        );
        match inserted {
            Ok(_) => break reference,
            Err(e)
                if attempt < REFERENCE_ATTEMPTS
                    && is_unique_violation(&e, "referrals.reference") =>
            {
                tracing::warn!(attempt, "reference already taken, drawing another");
                attempt += 1;
            }
            Err(e) => return Err(e),
        }
    };
    tx.commit()?;
    Ok(Stored::Created(Receipt {
        reference,
        received_at: new.received_at.clone(),
    }))
}

fn is_unique_violation(error: &rusqlite::Error, column: &str) -> bool {
    matches!(
        error,
        rusqlite::Error::SqliteFailure(e, Some(message))
            if e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE && message.contains(column)
    )
}

/// A stored referral, as the command line and (later) the inbox read it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredReferral {
    pub reference: String,
    pub received_at: String,
    pub status: String,
    pub channel: String,
    /// Who helped with an assisted referral; `None` for a self-referral, and for an assisted one
    /// stored before migration 0003.
    pub organisation: Option<String>,
    pub practice: String,
    pub language: String,
    pub consent_version: String,
    /// A JSON array of consent purposes.
    pub consent_purposes: String,
    pub consented_at: String,
    /// `(id, version)`; `None` only for a referral stored before questionnaires (migration 0002).
    pub questionnaire: Option<(String, String)>,
    /// `None` when the check-in was skipped (or the referral predates migration 0002).
    pub wellbeing: Option<Wellbeing>,
    /// The canonical wire form.
    pub body: String,
}

pub fn find(conn: &Connection, reference: &str) -> rusqlite::Result<Option<StoredReferral>> {
    conn.query_row(
        "SELECT reference, received_at, status, channel, practice, language, consent_version,
                consent_purposes, consented_at, body, questionnaire_id, questionnaire_version,
                wellbeing_instrument, wellbeing_items, wellbeing_score, wellbeing_raw, organisation
         FROM referrals WHERE reference = ?1",
        [reference],
        |row| {
            Ok(StoredReferral {
                reference: row.get(0)?,
                received_at: row.get(1)?,
                status: row.get(2)?,
                channel: row.get(3)?,
                organisation: row.get(16)?,
                practice: row.get(4)?,
                language: row.get(5)?,
                consent_version: row.get(6)?,
                consent_purposes: row.get(7)?,
                consented_at: row.get(8)?,
                body: row.get(9)?,
                // The migration's CHECKs keep each group all NULL or all set.
                questionnaire: match (row.get(10)?, row.get(11)?) {
                    (Some(id), Some(version)) => Some((id, version)),
                    _ => None,
                },
                wellbeing: match (row.get(12)?, row.get(13)?, row.get(14)?, row.get(15)?) {
                    (Some(instrument), Some(items), Some(score), Some(raw)) => Some(Wellbeing {
                        instrument,
                        items,
                        score,
                        raw,
                    }),
                    _ => None,
                },
            })
        },
    )
    .optional()
}

#[cfg(test)]
mod tests {
    use super::*;
    use signpost_core::Instrument;

    fn new_referral(key: &str, sha256: char) -> NewReferral {
        NewReferral {
            idempotency_key: key.into(),
            body_sha256: sha256.to_string().repeat(64),
            received_at: "2026-11-25T10:00:00.000Z".into(),
            practice: "43210".into(),
            channel: "self".into(),
            organisation: None,
            language: "en".into(),
            consent_version: "2026-11-25".into(),
            consent_purposes: r#"["share_with_service","contact_me"]"#.into(),
            questionnaire_id: "signpost-self-referral".into(),
            questionnaire_version: "2026-11-25".into(),
            wellbeing: None,
            body: "{}".into(),
        }
    }

    fn fresh() -> (tempfile::TempDir, Db) {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("test.db")).unwrap();
        (dir, db)
    }

    /// Stores `new` under `reference` and reads it back.
    fn store_and_find(db: &Db, new: &NewReferral, reference: &str) -> StoredReferral {
        db.call_blocking(|conn| {
            store(conn, new, || reference.into())?;
            find(conn, reference)
        })
        .unwrap()
        .expect("just stored")
    }

    fn is_constraint_violation<T: std::fmt::Debug>(result: &rusqlite::Result<T>) -> bool {
        matches!(result, Err(rusqlite::Error::SqliteFailure(e, _)) if e.code == rusqlite::ErrorCode::ConstraintViolation)
    }

    /// A database made by the first `applied` migrations holding one referral, `SP-2222-3333`,
    /// with the given channel, language and body, then opened as the service opens it.
    fn database_from_before(
        applied: usize,
        channel: &str,
        language: &str,
        body: &str,
    ) -> (tempfile::TempDir, Db) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.db");
        let mut conn = Connection::open(&path).unwrap();
        Migrations::new(MIGRATIONS[..applied].iter().map(|sql| M::up(sql)).collect())
            .to_latest(&mut conn)
            .unwrap();
        conn.execute(
            "INSERT INTO referrals (reference, idempotency_key, body_sha256, received_at, practice,
                 channel, language, consent_version, consent_purposes, consented_at, body)
             VALUES ('SP-2222-3333', 'old', ?1, '2026-11-20T09:00:00.000Z', '43210', ?2, ?3,
                 '2026-11-01', '[\"share_with_service\",\"contact_me\"]', '2026-11-20T09:00:00.000Z', ?4)",
            rusqlite::params!["a".repeat(64), channel, language, body],
        )
        .unwrap();
        drop(conn);
        let db = Db::open(&path).unwrap();
        (dir, db)
    }

    #[test]
    fn migrations_are_valid() {
        migrations().validate().unwrap();
    }

    #[test]
    fn opens_in_wal_mode_with_full_sync_and_foreign_keys() {
        let (_dir, db) = fresh();
        db.call_blocking(|conn| {
            assert_eq!(
                conn.query_row("PRAGMA journal_mode", [], |r| r.get::<_, String>(0))?,
                "wal"
            );
            // 2 = FULL
            assert_eq!(
                conn.query_row("PRAGMA synchronous", [], |r| r.get::<_, i64>(0))?,
                2
            );
            assert_eq!(
                conn.query_row("PRAGMA foreign_keys", [], |r| r.get::<_, i64>(0))?,
                1
            );
            ping(conn)
        })
        .unwrap();
    }

    #[test]
    fn a_taken_reference_is_drawn_again() {
        let (_dir, db) = fresh();
        let mut draws = ["SP-AAAA-AAAA", "SP-AAAA-AAAA", "SP-BBBB-BBBB"]
            .into_iter()
            .map(String::from);
        db.call_blocking(|conn| {
            let first = store(conn, &new_referral("one", 'a'), || draws.next().unwrap())?;
            let second = store(conn, &new_referral("two", 'b'), || draws.next().unwrap())?;
            assert!(matches!(first, Stored::Created(r) if r.reference == "SP-AAAA-AAAA"));
            assert!(matches!(second, Stored::Created(r) if r.reference == "SP-BBBB-BBBB"));
            Ok(())
        })
        .unwrap();
        assert_eq!(draws.next(), None, "the collision was retried once");
    }

    #[test]
    fn a_key_is_replayed_for_the_same_body_and_refused_for_another() {
        let (_dir, db) = fresh();
        db.call_blocking(|conn| {
            let Stored::Created(receipt) =
                store(conn, &new_referral("k", 'a'), || "SP-AAAA-AAAA".into())?
            else {
                panic!("not created");
            };
            assert_eq!(
                store(conn, &new_referral("k", 'a'), || unreachable!())?,
                Stored::Replayed(receipt)
            );
            assert_eq!(
                store(conn, &new_referral("k", 'b'), || unreachable!())?,
                Stored::KeyReused
            );
            let rows: i64 = conn.query_row("SELECT count(*) FROM referrals", [], |r| r.get(0))?;
            assert_eq!(rows, 1);
            Ok(())
        })
        .unwrap();
    }

    #[test]
    fn the_service_scores_the_items_with_core() {
        let wemwbs = Responses::parse(Instrument::Wemwbs, &[3; 14]).unwrap();
        assert_eq!(
            Wellbeing::score(&wemwbs),
            Wellbeing {
                instrument: "wemwbs".into(),
                items: "[3,3,3,3,3,3,3,3,3,3,3,3,3,3]".into(),
                score: 42.0,
                raw: 42,
            }
        );
        // Raw 20 is 18.59 in the published table: stored as that decimal, not as the f32's 18.590000152….
        let swemwbs = Responses::parse(Instrument::Swemwbs, &[3, 3, 3, 3, 3, 3, 2]).unwrap();
        let scored = Wellbeing::score(&swemwbs);
        assert_eq!((scored.score, scored.raw), (18.59, 20));
        assert_eq!(scored.items, "[3,3,3,3,3,3,2]");
        assert_eq!(scored.instrument, "swemwbs");
    }

    #[test]
    fn a_stored_check_in_reads_back_as_written() {
        let (_dir, db) = fresh();
        let mut new = new_referral("k", 'a');
        new.wellbeing = Some(Wellbeing::score(
            &Responses::parse(Instrument::Swemwbs, &[5, 4, 3, 2, 1, 2, 3]).unwrap(),
        ));
        let stored = store_and_find(&db, &new, "SP-AAAA-AAAA");
        assert_eq!(stored.wellbeing, new.wellbeing);
        assert_eq!(
            stored.questionnaire,
            Some(("signpost-self-referral".into(), "2026-11-25".into()))
        );
    }

    #[test]
    fn the_check_in_columns_are_all_set_or_all_null() {
        let (_dir, db) = fresh();
        let stored = db.call_blocking(|conn| {
            store(conn, &new_referral("k", 'a'), || "SP-AAAA-AAAA".into())?;
            conn.execute(
                "UPDATE referrals SET wellbeing_instrument = 'wemwbs' WHERE reference = 'SP-AAAA-AAAA'",
                [],
            )
        });
        assert!(is_constraint_violation(&stored), "{stored:?}");
    }

    #[test]
    fn a_database_made_by_the_first_migration_is_brought_up_to_date() {
        let (_dir, db) =
            database_from_before(1, "self", "en", r#"{"person":{"name":"Morag Campbell"}}"#);
        let old = db
            .call_blocking(|conn| find(conn, "SP-2222-3333"))
            .unwrap()
            .expect("the old row is kept");
        assert_eq!(old.questionnaire, None);
        assert_eq!(old.wellbeing, None);
        assert_eq!(old.body, r#"{"person":{"name":"Morag Campbell"}}"#);
        assert_eq!(old.received_at, "2026-11-20T09:00:00.000Z");

        let mut new = new_referral("new", 'b');
        new.wellbeing = Some(Wellbeing::score(
            &Responses::parse(Instrument::Wemwbs, &[4; 14]).unwrap(),
        ));
        let stored = store_and_find(&db, &new, "SP-4444-5555");
        assert_eq!(stored.wellbeing.map(|w| w.score), Some(56.0));
    }

    #[test]
    fn an_assisted_referral_keeps_its_organisation_and_a_self_referral_has_none() {
        let (_dir, db) = fresh();
        let mut assisted = new_referral("assisted", 'a');
        assisted.channel = "assisted".into();
        assisted.organisation = Some("Southside Foodbank".into());
        let stored = store_and_find(&db, &assisted, "SP-AAAA-AAAA");
        assert_eq!(stored.organisation.as_deref(), Some("Southside Foodbank"));

        // The database refuses what signpost-core refuses: a self-referral naming an organisation.
        let mut self_with = new_referral("self", 'b');
        self_with.organisation = Some("Southside Foodbank".into());
        let refused = db.call_blocking(|conn| store(conn, &self_with, || "SP-BBBB-BBBB".into()));
        assert!(is_constraint_violation(&refused), "{refused:?}");
    }

    #[test]
    fn an_assisted_referral_from_before_0003_has_no_organisation() {
        let (_dir, db) = database_from_before(2, "assisted", "ar", "{}");
        let old = db
            .call_blocking(|conn| find(conn, "SP-2222-3333"))
            .unwrap()
            .unwrap();
        assert_eq!((old.channel.as_str(), old.organisation), ("assisted", None));
    }

    #[test]
    fn opening_an_existing_database_does_not_create_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("typo.db");
        assert!(matches!(
            Db::open_existing(&path),
            Err(OpenError::NotFound(_))
        ));
        assert!(!path.exists());
    }
}
