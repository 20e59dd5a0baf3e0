//! The accounts' statements (migration 0006), and `Accounts` for SQLite.

use async_trait::async_trait;
use rusqlite::types::Type;
use rusqlite::{params, Connection, OptionalExtension, Row, TransactionBehavior};
use signpost_core::fields::PracticeCode;
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

use super::columns::named;
use super::SqliteStore;
use crate::clock;
use crate::inbox::auth::csrf::CsrfToken;
use crate::inbox::auth::lockout::FailureRecord;
use crate::inbox::auth::password::PasswordHash;
use crate::inbox::auth::recovery::StoredRecoveryCode;
use crate::inbox::auth::session::{SessionKey, SessionState, Stage};
use crate::inbox::auth::token::TokenHash;
use crate::inbox::auth::totp::{TimeStep, TotpSecret};
use crate::inbox::auth::users::{
    Access, AccountEmail, AccountState, LinkRefusal, Practices, Role, SetPasswordLink, UserId,
};
use crate::store::accounts::{
    Account, Accounts, Added, Authenticator, Credentials, FailureKey, FoundLink, NewAccount,
};
use crate::store::StoreError;

fn conversion(column: usize, error: impl std::fmt::Display) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(column, Type::Text, error.to_string().into())
}

fn time_at(row: &Row<'_>, column: usize) -> rusqlite::Result<OffsetDateTime> {
    let text: String = row.get(column)?;
    OffsetDateTime::parse(&text, &Rfc3339).map_err(|e| conversion(column, e))
}

fn optional_time_at(row: &Row<'_>, column: usize) -> rusqlite::Result<Option<OffsetDateTime>> {
    let text: Option<String> = row.get(column)?;
    text.map(|text| OffsetDateTime::parse(&text, &Rfc3339).map_err(|e| conversion(column, e)))
        .transpose()
}

fn email_at(row: &Row<'_>, column: usize) -> rusqlite::Result<AccountEmail> {
    let text: String = row.get(column)?;
    AccountEmail::parse(&text).map_err(|_| conversion(column, "a stored email is not an email"))
}

fn hash_at(row: &Row<'_>, column: usize) -> rusqlite::Result<TokenHash> {
    let text: String = row.get(column)?;
    TokenHash::from_hex(&text).ok_or_else(|| conversion(column, "a stored hash is not hex"))
}

fn secret_at(row: &Row<'_>, column: usize) -> rusqlite::Result<Option<TotpSecret>> {
    let bytes: Option<Vec<u8>> = row.get(column)?;
    bytes
        .map(|bytes| TotpSecret::from_bytes(bytes).map_err(|e| conversion(column, e)))
        .transpose()
}

fn step_to_sql(step: TimeStep) -> i64 {
    i64::try_from(step.0).unwrap_or(i64::MAX)
}

const ACCOUNT_COLUMNS: &str =
    "id, email, role, state, totp_secret IS NOT NULL, created_at, password_hash";

/// A row of [`ACCOUNT_COLUMNS`]: an account but for its practices, and its password hash.
struct AccountRow {
    id: UserId,
    email: AccountEmail,
    role: Role,
    state: AccountState,
    has_authenticator: bool,
    created_at: String,
    password_hash: Option<String>,
}

fn account_row(row: &Row<'_>) -> rusqlite::Result<AccountRow> {
    Ok(AccountRow {
        id: UserId(row.get(0)?),
        email: email_at(row, 1)?,
        role: named(&row.get::<_, String>(2)?, 2, Role::parse)?,
        state: named(&row.get::<_, String>(3)?, 3, AccountState::parse)?,
        has_authenticator: row.get(4)?,
        created_at: row.get(5)?,
        password_hash: row.get(6)?,
    })
}

/// The account of a row, with a link worker's practices read in the order given.
fn with_practices(
    conn: &Connection,
    row: AccountRow,
) -> rusqlite::Result<(Account, Option<String>)> {
    let access = match row.role {
        Role::Admin => Access::Admin,
        Role::LinkWorker => {
            let mut statement = conn.prepare_cached(
                "SELECT practice FROM account_practices WHERE account_id = ?1 ORDER BY position",
            )?;
            let codes = statement
                .query_map([row.id.0], |row| {
                    let text: String = row.get(0)?;
                    PracticeCode::parse(&text).map_err(|_| conversion(0, "a stored practice code"))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            let practices = Practices::new(codes)
                .map_err(|_| conversion(0, "a link worker has no practice"))?;
            Access::LinkWorker { practices }
        }
    };
    let account = Account {
        id: row.id,
        email: row.email,
        access,
        state: row.state,
        has_authenticator: row.has_authenticator,
        created_at: row.created_at,
    };
    Ok((account, row.password_hash))
}

fn find_account(
    conn: &Connection,
    filter: &str,
    value: &dyn rusqlite::ToSql,
) -> rusqlite::Result<Option<(Account, Option<String>)>> {
    let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE {filter} = ?1");
    let found = conn.query_row(&sql, [value], account_row).optional()?;
    found.map(|row| with_practices(conn, row)).transpose()
}

fn insert_link(conn: &Connection, link: &SetPasswordLink) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO set_password_links (token_sha256, account_id, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4)",
        params![
            link.token_hash.to_hex(),
            link.user.0,
            clock::timestamp(link.created_at),
            clock::timestamp(link.expires_at),
        ],
    )?;
    Ok(())
}

pub fn add(
    conn: &mut Connection,
    new: &NewAccount,
    link: &SetPasswordLink,
) -> rusqlite::Result<Added> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let taken: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM accounts WHERE email = ?1)",
        [new.email.as_ref()],
        |row| row.get(0),
    )?;
    if taken {
        return Ok(Added::EmailTaken);
    }
    tx.execute(
        "INSERT INTO accounts (email, role, state, created_at) VALUES (?1, ?2, 'invited', ?3)",
        params![
            new.email.as_ref(),
            new.access.role().as_str(),
            clock::timestamp(new.created_at)
        ],
    )?;
    let id = UserId(tx.last_insert_rowid());
    if let Access::LinkWorker { practices } = &new.access {
        for (position, code) in practices.iter().enumerate() {
            tx.execute(
                "INSERT INTO account_practices (account_id, position, practice) VALUES (?1, ?2, ?3)",
                params![id.0, position as i64, code.as_ref()],
            )?;
        }
    }
    insert_link(
        &tx,
        &SetPasswordLink {
            user: id,
            ..link.clone()
        },
    )?;
    tx.commit()?;
    Ok(Added::Added(id))
}

pub fn list(conn: &Connection) -> rusqlite::Result<Vec<Account>> {
    let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM accounts ORDER BY email");
    let mut statement = conn.prepare(&sql)?;
    let rows = statement
        .query_map([], account_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter()
        .map(|row| with_practices(conn, row).map(|(account, _)| account))
        .collect()
}

pub fn disable(conn: &mut Connection, id: UserId) -> rusqlite::Result<bool> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let changed = tx.execute(
        "UPDATE accounts SET state = 'disabled' WHERE id = ?1",
        [id.0],
    )?;
    tx.execute("DELETE FROM sessions WHERE account_id = ?1", [id.0])?;
    tx.execute(
        "DELETE FROM set_password_links WHERE account_id = ?1 AND used_at IS NULL",
        [id.0],
    )?;
    tx.commit()?;
    Ok(changed == 1)
}

pub fn reset(conn: &mut Connection, id: UserId, link: &SetPasswordLink) -> rusqlite::Result<bool> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let changed = tx.execute(
        "UPDATE accounts SET state = 'invited', password_hash = NULL, totp_secret = NULL,
                totp_last_step = NULL, totp_pending_secret = NULL
         WHERE id = ?1",
        [id.0],
    )?;
    if changed == 0 {
        return Ok(false);
    }
    tx.execute("DELETE FROM sessions WHERE account_id = ?1", [id.0])?;
    tx.execute("DELETE FROM recovery_codes WHERE account_id = ?1", [id.0])?;
    tx.execute(
        "DELETE FROM set_password_links WHERE account_id = ?1 AND used_at IS NULL",
        [id.0],
    )?;
    insert_link(
        &tx,
        &SetPasswordLink {
            user: id,
            ..link.clone()
        },
    )?;
    tx.commit()?;
    Ok(true)
}

fn link_row(row: &Row<'_>) -> rusqlite::Result<FoundLink> {
    Ok(FoundLink {
        link: SetPasswordLink {
            token_hash: hash_at(row, 0)?,
            user: UserId(row.get(1)?),
            created_at: time_at(row, 2)?,
            expires_at: time_at(row, 3)?,
            used_at: optional_time_at(row, 4)?,
        },
        email: email_at(row, 5)?,
        state: named(&row.get::<_, String>(6)?, 6, AccountState::parse)?,
    })
}

fn find_link(conn: &Connection, token: &TokenHash) -> rusqlite::Result<Option<FoundLink>> {
    conn.query_row(
        "SELECT l.token_sha256, l.account_id, l.created_at, l.expires_at, l.used_at, a.email, a.state
         FROM set_password_links l JOIN accounts a ON a.id = l.account_id
         WHERE l.token_sha256 = ?1",
        [token.to_hex()],
        link_row,
    )
    .optional()
}

pub fn set_password(
    conn: &mut Connection,
    token: &TokenHash,
    hash: &PasswordHash,
    now: OffsetDateTime,
) -> rusqlite::Result<Result<UserId, LinkRefusal>> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let Some(found) = find_link(&tx, token)? else {
        return Ok(Err(LinkRefusal::Unknown));
    };
    if found.state == AccountState::Disabled {
        return Ok(Err(LinkRefusal::Unknown));
    }
    let user = match found.link.check(now) {
        Ok(user) => user,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let marked = tx.execute(
        "UPDATE set_password_links SET used_at = ?2 WHERE token_sha256 = ?1 AND used_at IS NULL",
        params![token.to_hex(), clock::timestamp(now)],
    )?;
    if marked != 1 {
        return Ok(Err(LinkRefusal::Used));
    }
    tx.execute(
        "UPDATE accounts SET password_hash = ?2, state = 'active' WHERE id = ?1",
        params![user.0, hash.as_str()],
    )?;
    tx.execute("DELETE FROM sessions WHERE account_id = ?1", [user.0])?;
    tx.commit()?;
    Ok(Ok(user))
}

pub fn confirm_authenticator(
    conn: &mut Connection,
    id: UserId,
    step: TimeStep,
    codes: &[StoredRecoveryCode],
) -> rusqlite::Result<bool> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let moved = tx.execute(
        "UPDATE accounts SET totp_secret = totp_pending_secret, totp_pending_secret = NULL,
                totp_last_step = ?2
         WHERE id = ?1 AND totp_pending_secret IS NOT NULL",
        params![id.0, step_to_sql(step)],
    )?;
    if moved != 1 {
        return Ok(false);
    }
    tx.execute("DELETE FROM recovery_codes WHERE account_id = ?1", [id.0])?;
    for code in codes {
        tx.execute(
            "INSERT INTO recovery_codes (account_id, code_sha256) VALUES (?1, ?2)",
            params![id.0, code.hash.to_hex()],
        )?;
    }
    tx.commit()?;
    Ok(true)
}

pub fn record_failure(
    conn: &Connection,
    key: &FailureKey,
    now: OffsetDateTime,
    forget_after: Duration,
) -> rusqlite::Result<FailureRecord> {
    // Times are fixed-width UTC text, so comparing them as text compares them in time.
    conn.query_row(
        "INSERT INTO sign_in_failures (kind, key_sha256, failures, last_failure)
         VALUES (?1, ?2, 1, ?3)
         ON CONFLICT (kind, key_sha256) DO UPDATE SET
             failures = CASE WHEN last_failure <= ?4 THEN 1 ELSE failures + 1 END,
             last_failure = excluded.last_failure
         RETURNING failures, last_failure",
        params![
            key.kind(),
            key.hash().to_hex(),
            clock::timestamp(now),
            clock::timestamp(now - forget_after)
        ],
        failure_row,
    )
}

fn failure_row(row: &Row<'_>) -> rusqlite::Result<FailureRecord> {
    let failures: i64 = row.get(0)?;
    Ok(FailureRecord {
        failures: u32::try_from(failures).unwrap_or(u32::MAX),
        last_failure: time_at(row, 1)?,
    })
}

fn session_row(row: &Row<'_>) -> rusqlite::Result<SessionState> {
    let csrf: String = row.get(4)?;
    Ok(SessionState {
        user: UserId(row.get(0)?),
        stage: named(&row.get::<_, String>(1)?, 1, Stage::parse)?,
        created_at: time_at(row, 2)?,
        last_seen: time_at(row, 3)?,
        csrf: CsrfToken::parse(&csrf).ok_or_else(|| conversion(4, "a stored CSRF token"))?,
    })
}

#[async_trait]
impl Accounts for SqliteStore {
    async fn add_account(
        &self,
        new: NewAccount,
        link: SetPasswordLink,
    ) -> Result<Added, StoreError> {
        self.call(move |conn| add(conn, &new, &link)).await
    }

    async fn account(&self, id: UserId) -> Result<Option<Account>, StoreError> {
        self.call(move |conn| Ok(find_account(conn, "id", &id.0)?.map(|(a, _)| a)))
            .await
    }

    async fn account_by_email(&self, email: &AccountEmail) -> Result<Option<Account>, StoreError> {
        let email = email.as_ref().to_owned();
        self.call(move |conn| Ok(find_account(conn, "email", &email)?.map(|(a, _)| a)))
            .await
    }

    async fn accounts(&self) -> Result<Vec<Account>, StoreError> {
        self.call(|conn| list(conn)).await
    }

    async fn credentials(&self, email: &AccountEmail) -> Result<Option<Credentials>, StoreError> {
        let email = email.as_ref().to_owned();
        self.call(move |conn| {
            find_account(conn, "email", &email)?
                .map(|(account, hash)| {
                    let password_hash = hash
                        .map(|phc| PasswordHash::from_phc(&phc).map_err(|e| conversion(6, e)))
                        .transpose()?;
                    Ok(Credentials {
                        account,
                        password_hash,
                    })
                })
                .transpose()
        })
        .await
    }

    async fn disable_account(&self, id: UserId) -> Result<bool, StoreError> {
        self.call(move |conn| disable(conn, id)).await
    }

    async fn reset_account(&self, id: UserId, link: SetPasswordLink) -> Result<bool, StoreError> {
        self.call(move |conn| reset(conn, id, &link)).await
    }

    async fn set_password_link(&self, token: &TokenHash) -> Result<Option<FoundLink>, StoreError> {
        let token = *token;
        self.call(move |conn| find_link(conn, &token)).await
    }

    async fn set_password(
        &self,
        token: &TokenHash,
        hash: PasswordHash,
        now: OffsetDateTime,
    ) -> Result<Result<UserId, LinkRefusal>, StoreError> {
        let token = *token;
        self.call(move |conn| set_password(conn, &token, &hash, now))
            .await
    }

    async fn authenticator(&self, id: UserId) -> Result<Option<Authenticator>, StoreError> {
        self.call(move |conn| {
            let found = conn
                .query_row(
                    "SELECT totp_secret, totp_last_step FROM accounts WHERE id = ?1",
                    [id.0],
                    |row| {
                        let step: Option<i64> = row.get(1)?;
                        Ok(secret_at(row, 0)?.map(|secret| Authenticator {
                            secret,
                            last_step: step.and_then(|s| u64::try_from(s).ok()).map(TimeStep),
                        }))
                    },
                )
                .optional()?;
            Ok(found.flatten())
        })
        .await
    }

    async fn pending_authenticator(&self, id: UserId) -> Result<Option<TotpSecret>, StoreError> {
        self.call(move |conn| {
            let found = conn
                .query_row(
                    "SELECT totp_pending_secret FROM accounts WHERE id = ?1",
                    [id.0],
                    |row| secret_at(row, 0),
                )
                .optional()?;
            Ok(found.flatten())
        })
        .await
    }

    async fn set_pending_authenticator(
        &self,
        id: UserId,
        secret: &TotpSecret,
    ) -> Result<(), StoreError> {
        let bytes = secret.as_bytes().to_vec();
        self.call(move |conn| {
            conn.execute(
                "UPDATE accounts SET totp_pending_secret = ?2 WHERE id = ?1",
                params![id.0, bytes],
            )
            .map(|_| ())
        })
        .await
    }

    async fn confirm_authenticator(
        &self,
        id: UserId,
        step: TimeStep,
        codes: Vec<StoredRecoveryCode>,
    ) -> Result<bool, StoreError> {
        self.call(move |conn| confirm_authenticator(conn, id, step, &codes))
            .await
    }

    async fn accept_totp_step(&self, id: UserId, step: TimeStep) -> Result<bool, StoreError> {
        self.call(move |conn| {
            let changed = conn.execute(
                "UPDATE accounts SET totp_last_step = ?2
                 WHERE id = ?1 AND totp_secret IS NOT NULL
                   AND (totp_last_step IS NULL OR totp_last_step < ?2)",
                params![id.0, step_to_sql(step)],
            )?;
            Ok(changed == 1)
        })
        .await
    }

    async fn use_recovery_code(
        &self,
        id: UserId,
        code: &TokenHash,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let code = *code;
        self.call(move |conn| {
            let changed = conn.execute(
                "UPDATE recovery_codes SET used_at = ?3
                 WHERE account_id = ?1 AND code_sha256 = ?2 AND used_at IS NULL",
                params![id.0, code.to_hex(), clock::timestamp(now)],
            )?;
            Ok(changed == 1)
        })
        .await
    }

    async fn recovery_codes_left(&self, id: UserId) -> Result<usize, StoreError> {
        self.call(move |conn| {
            conn.query_row(
                "SELECT count(*) FROM recovery_codes WHERE account_id = ?1 AND used_at IS NULL",
                [id.0],
                |row| row.get::<_, i64>(0),
            )
            .map(|n| usize::try_from(n).unwrap_or(0))
        })
        .await
    }

    async fn failures(&self, key: &FailureKey) -> Result<Option<FailureRecord>, StoreError> {
        let key = *key;
        self.call(move |conn| {
            conn.query_row(
                "SELECT failures, last_failure FROM sign_in_failures
                 WHERE kind = ?1 AND key_sha256 = ?2",
                params![key.kind(), key.hash().to_hex()],
                failure_row,
            )
            .optional()
        })
        .await
    }

    async fn record_failure(
        &self,
        key: &FailureKey,
        now: OffsetDateTime,
        forget_after: Duration,
    ) -> Result<FailureRecord, StoreError> {
        let key = *key;
        self.call(move |conn| record_failure(conn, &key, now, forget_after))
            .await
    }

    async fn clear_failures(&self, key: &FailureKey) -> Result<(), StoreError> {
        let key = *key;
        self.call(move |conn| {
            conn.execute(
                "DELETE FROM sign_in_failures WHERE kind = ?1 AND key_sha256 = ?2",
                params![key.kind(), key.hash().to_hex()],
            )
            .map(|_| ())
        })
        .await
    }

    async fn create_session(
        &self,
        key: &SessionKey,
        state: &SessionState,
    ) -> Result<bool, StoreError> {
        let key = *key;
        let state = state.clone();
        self.call(move |conn| {
            let inserted = conn.execute(
                "INSERT INTO sessions (id_sha256, account_id, stage, created_at, last_seen, csrf)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (id_sha256) DO NOTHING",
                params![
                    key.0.to_hex(),
                    state.user.0,
                    state.stage.as_str(),
                    clock::timestamp(state.created_at),
                    clock::timestamp(state.last_seen),
                    state.csrf.as_str(),
                ],
            )?;
            Ok(inserted == 1)
        })
        .await
    }

    async fn load_session(&self, key: &SessionKey) -> Result<Option<SessionState>, StoreError> {
        let key = *key;
        self.call(move |conn| {
            conn.query_row(
                "SELECT account_id, stage, created_at, last_seen, csrf FROM sessions
                 WHERE id_sha256 = ?1",
                [key.0.to_hex()],
                session_row,
            )
            .optional()
        })
        .await
    }

    async fn touch_session(
        &self,
        key: &SessionKey,
        last_seen: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let key = *key;
        self.call(move |conn| {
            conn.execute(
                "UPDATE sessions SET last_seen = ?2 WHERE id_sha256 = ?1",
                params![key.0.to_hex(), clock::timestamp(last_seen)],
            )
            .map(|_| ())
        })
        .await
    }

    async fn delete_session(&self, key: &SessionKey) -> Result<(), StoreError> {
        let key = *key;
        self.call(move |conn| {
            conn.execute(
                "DELETE FROM sessions WHERE id_sha256 = ?1",
                [key.0.to_hex()],
            )
            .map(|_| ())
        })
        .await
    }

    async fn delete_sessions_of(&self, id: UserId) -> Result<u64, StoreError> {
        self.call(move |conn| {
            conn.execute("DELETE FROM sessions WHERE account_id = ?1", [id.0])
                .map(|n| n as u64)
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inbox::auth::password::{self, NewPassword};
    use crate::inbox::auth::users::SET_PASSWORD_LINK_VALIDITY;
    use crate::store::Store;
    use std::sync::Arc;

    fn now() -> OffsetDateTime {
        OffsetDateTime::UNIX_EPOCH + Duration::days(20_000)
    }

    async fn invited(
        store: &SqliteStore,
        email: &str,
    ) -> (UserId, crate::inbox::auth::token::SecretToken) {
        let (token, link) =
            SetPasswordLink::issue(UserId(0), now(), SET_PASSWORD_LINK_VALIDITY).unwrap();
        let practices = Practices::new([PracticeCode::parse("43210").unwrap()]).unwrap();
        let new = NewAccount {
            email: AccountEmail::parse(email).unwrap(),
            access: Access::LinkWorker { practices },
            created_at: now(),
        };
        let Added::Added(id) = store.add_account(new, link).await.unwrap() else {
            panic!("taken");
        };
        (id, token)
    }

    fn store() -> (tempfile::TempDir, SqliteStore) {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("accounts.db")).unwrap();
        (dir, store)
    }

    #[tokio::test]
    async fn an_email_is_one_account_whatever_its_case() {
        let (_dir, store) = store();
        invited(&store, "Morag@NHS.scot").await;
        let (_, link) =
            SetPasswordLink::issue(UserId(0), now(), SET_PASSWORD_LINK_VALIDITY).unwrap();
        let again = NewAccount {
            email: AccountEmail::parse("morag@nhs.scot").unwrap(),
            access: Access::Admin,
            created_at: now(),
        };
        assert_eq!(
            store.add_account(again, link).await.unwrap(),
            Added::EmailTaken
        );
        let listed = store.accounts().await.unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].state, AccountState::Invited);
        assert!(!listed[0].has_authenticator);
    }

    #[tokio::test]
    async fn of_two_racing_uses_of_a_link_exactly_one_sets_the_password() {
        let (_dir, store) = store();
        let (id, token) = invited(&store, "morag@nhs.scot").await;
        let email = AccountEmail::parse("morag@nhs.scot").unwrap();
        let chosen = "marram-grass tide 4 lighthouse";
        let hash = password::hash(&NewPassword::parse(chosen, chosen, &email).unwrap()).unwrap();
        let store: Arc<dyn Store> = Arc::new(store);
        let tasks: Vec<_> = (0..4)
            .map(|_| {
                let (store, hash, token) = (Arc::clone(&store), hash.clone(), token.hash());
                tokio::spawn(async move { store.set_password(&token, hash, now()).await.unwrap() })
            })
            .collect();
        let mut results = Vec::new();
        for task in tasks {
            results.push(task.await.unwrap());
        }
        assert_eq!(results.iter().filter(|r| **r == Ok(id)).count(), 1);
        assert_eq!(
            results
                .iter()
                .filter(|r| **r == Err(LinkRefusal::Used))
                .count(),
            3
        );
        let found = store.credentials(&email).await.unwrap().unwrap();
        assert_eq!(found.account.state, AccountState::Active);
        assert!(found.password_hash.is_some());
    }

    #[tokio::test]
    async fn a_time_step_is_accepted_once_and_only_forwards() {
        let (_dir, store) = store();
        let (id, _) = invited(&store, "morag@nhs.scot").await;
        assert!(
            !store.accept_totp_step(id, TimeStep(5)).await.unwrap(),
            "no authenticator yet"
        );
        let secret = TotpSecret::generate().unwrap();
        store.set_pending_authenticator(id, &secret).await.unwrap();
        let codes = crate::inbox::auth::recovery::generate().unwrap();
        assert!(store
            .confirm_authenticator(id, TimeStep(10), codes.stored.clone())
            .await
            .unwrap());
        assert!(!store
            .confirm_authenticator(id, TimeStep(11), codes.stored)
            .await
            .unwrap());
        assert_eq!(
            store.authenticator(id).await.unwrap().unwrap().secret,
            secret
        );
        assert_eq!(store.pending_authenticator(id).await.unwrap(), None);
        assert!(!store.accept_totp_step(id, TimeStep(10)).await.unwrap());
        assert!(store.accept_totp_step(id, TimeStep(11)).await.unwrap());
        assert!(!store.accept_totp_step(id, TimeStep(11)).await.unwrap());
        assert!(!store.accept_totp_step(id, TimeStep(9)).await.unwrap());
        assert_eq!(store.recovery_codes_left(id).await.unwrap(), 10);
    }

    #[tokio::test]
    async fn failures_count_up_and_start_again_after_the_forgetting_time() {
        let (_dir, store) = store();
        let key = FailureKey::email(&AccountEmail::parse("nobody@nhs.scot").unwrap());
        let hour = Duration::hours(1);
        assert_eq!(store.failures(&key).await.unwrap(), None);
        for n in 1..=3 {
            let at = now() + Duration::minutes(n);
            let record = store.record_failure(&key, at, hour).await.unwrap();
            assert_eq!(record.failures, n as u32);
            assert_eq!(record.last_failure, at);
        }
        let later = now() + Duration::minutes(3) + hour;
        assert_eq!(
            store
                .record_failure(&key, later, hour)
                .await
                .unwrap()
                .failures,
            1
        );
        let other = FailureKey::client("192.0.2.1");
        assert_eq!(store.failures(&other).await.unwrap(), None, "kept apart");
        store.clear_failures(&key).await.unwrap();
        assert_eq!(store.failures(&key).await.unwrap(), None);
        // Only hashes are stored.
        let keys: Vec<String> = store.with_conn(|conn| {
            let mut statement = conn
                .prepare("SELECT key_sha256 FROM sign_in_failures")
                .unwrap();
            statement
                .query_map([], |r| r.get(0))
                .unwrap()
                .map(Result::unwrap)
                .collect()
        });
        assert!(keys.iter().all(|k| k.len() == 64 && !k.contains('@')));
    }

    #[tokio::test]
    async fn disabling_and_resetting_end_sessions_and_links() {
        let (_dir, store) = store();
        let (id, token) = invited(&store, "morag@nhs.scot").await;
        let state = SessionState {
            user: id,
            stage: Stage::SignedIn,
            created_at: now(),
            last_seen: now(),
            csrf: CsrfToken::generate().unwrap(),
        };
        let key = SessionKey(TokenHash::of(b"a session id"));
        assert!(store.create_session(&key, &state).await.unwrap());
        assert!(
            !store.create_session(&key, &state).await.unwrap(),
            "a key is never reused"
        );
        assert_eq!(store.load_session(&key).await.unwrap(), Some(state.clone()));
        assert!(store.disable_account(id).await.unwrap());
        assert_eq!(store.load_session(&key).await.unwrap(), None);
        assert!(store
            .set_password_link(&token.hash())
            .await
            .unwrap()
            .is_none());
        let (new_token, link) =
            SetPasswordLink::issue(id, now(), SET_PASSWORD_LINK_VALIDITY).unwrap();
        assert!(store.reset_account(id, link).await.unwrap());
        let found = store
            .set_password_link(&new_token.hash())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(found.state, AccountState::Invited);
        assert!(!store
            .reset_account(
                UserId(999),
                SetPasswordLink::issue(UserId(999), now(), SET_PASSWORD_LINK_VALIDITY)
                    .unwrap()
                    .1
            )
            .await
            .unwrap());
    }
}
