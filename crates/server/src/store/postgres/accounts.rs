//! The accounts' tables (0001), and `Accounts` for PostgreSQL.
//!
//! Every check-and-change is either one statement whose WHERE touches only what is still unused
//! (PostgreSQL re-reads a row another transaction changed meanwhile before updating it, so the
//! later of two racing statements finds nothing left to change), or a SERIALIZABLE transaction
//! that is tried again whole when another ran beside it ([`super::serializable`]).

use async_trait::async_trait;
use signpost_core::fields::PracticeCode;
use time::{Duration, OffsetDateTime};
use tokio_postgres::{GenericClient, Row, Transaction};

use super::columns::{named, stamp};
use super::{serializable, PgStore};
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

/// A stored value the service cannot read back; the message never repeats the value (it may be
/// an email).
fn unreadable(what: &str) -> StoreError {
    StoreError::engine(format!("a stored value is not {what}"))
}

fn email(text: &str) -> Result<AccountEmail, StoreError> {
    AccountEmail::parse(text).map_err(|_| unreadable("an email"))
}

fn token_hash(text: &str) -> Result<TokenHash, StoreError> {
    TokenHash::from_hex(text).ok_or_else(|| unreadable("a hex hash"))
}

fn secret(bytes: Option<Vec<u8>>) -> Result<Option<TotpSecret>, StoreError> {
    bytes
        .map(|bytes| TotpSecret::from_bytes(bytes).map_err(StoreError::engine))
        .transpose()
}

/// A step as bigint; steps are Unix seconds / 30, so the cap is never reached.
fn step_to_sql(step: TimeStep) -> i64 {
    i64::try_from(step.0).unwrap_or(i64::MAX)
}

/// An account's columns, its practices in the order given as one array (empty for an admin), and
/// its password hash last: read by [`account_row`].
const ACCOUNT_COLUMNS: &str = "a.id, a.email, a.role, a.state, a.totp_secret IS NOT NULL,
     a.created_at,
     ARRAY(SELECT p.practice FROM account_practices p WHERE p.account_id = a.id
           ORDER BY p.position),
     a.password_hash";

/// A row of [`ACCOUNT_COLUMNS`]: the account, and its password hash as stored.
fn account_row(row: &Row) -> Result<(Account, Option<String>), StoreError> {
    let access = match named(row.get(2), Role::parse)? {
        Role::Admin => Access::Admin,
        Role::LinkWorker => {
            let codes = row
                .get::<_, Vec<String>>(6)
                .iter()
                .map(|text| PracticeCode::parse(text).map_err(|_| unreadable("a practice code")))
                .collect::<Result<Vec<_>, _>>()?;
            let practices = Practices::new(codes)
                .map_err(|_| StoreError::engine("a link worker has no practice"))?;
            Access::LinkWorker { practices }
        }
    };
    let account = Account {
        id: UserId(row.get(0)),
        email: email(row.get(1))?,
        access,
        state: named(row.get(3), AccountState::parse)?,
        has_authenticator: row.get(4),
        created_at: stamp(row.get(5)),
    };
    Ok((account, row.get(7)))
}

/// The account whose `column` (`id` or `email`, never text from outside) is `value`.
async fn find_account(
    db: &impl GenericClient,
    column: &str,
    value: &(dyn tokio_postgres::types::ToSql + Sync),
) -> Result<Option<(Account, Option<String>)>, StoreError> {
    let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM accounts a WHERE a.{column} = $1");
    let found = db.query_opt(&sql, &[value]).await?;
    found.as_ref().map(account_row).transpose()
}

/// Every account, by email as SQLite orders text, byte by byte: the database's own collation may
/// be a language's (en_GB.UTF-8), which weighs punctuation otherwise, so the list would differ.
async fn list(db: &impl GenericClient) -> Result<Vec<Account>, StoreError> {
    let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM accounts a ORDER BY a.email COLLATE \"C\"");
    let rows = db.query(&sql, &[]).await?;
    rows.iter()
        .map(|row| account_row(row).map(|(account, _)| account))
        .collect()
}

async fn insert_link(db: &impl GenericClient, link: &SetPasswordLink) -> Result<(), StoreError> {
    db.execute(
        "INSERT INTO set_password_links (token_sha256, account_id, created_at, expires_at)
         VALUES ($1, $2, $3, $4)",
        &[
            &link.token_hash.to_hex(),
            &link.user.0,
            &link.created_at,
            &link.expires_at,
        ],
    )
    .await?;
    Ok(())
}

/// Adds the account and its link, in the caller's SERIALIZABLE transaction: of two racing adds
/// of one email, the later's insert is refused as a conflict, and tried again it finds the email
/// taken.
async fn add(
    tx: &Transaction<'_>,
    new: &NewAccount,
    link: &SetPasswordLink,
) -> Result<Added, StoreError> {
    let taken: bool = tx
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM accounts WHERE email = $1)",
            &[&new.email.as_ref()],
        )
        .await?
        .get(0);
    if taken {
        return Ok(Added::EmailTaken);
    }
    let id = UserId(
        tx.query_one(
            "INSERT INTO accounts (email, role, state, created_at) VALUES ($1, $2, 'invited', $3)
             RETURNING id",
            &[
                &new.email.as_ref(),
                &new.access.role().as_str(),
                &new.created_at,
            ],
        )
        .await?
        .get(0),
    );
    if let Access::LinkWorker { practices } = &new.access {
        let codes: Vec<&str> = practices.iter().map(AsRef::as_ref).collect();
        // Positions from 0, as SQLite's engine numbers them.
        tx.execute(
            "INSERT INTO account_practices (account_id, position, practice)
             SELECT $1, given.position - 1, given.practice
             FROM unnest($2::text[]) WITH ORDINALITY AS given (practice, position)",
            &[&id.0, &codes],
        )
        .await?;
    }
    insert_link(
        tx,
        &SetPasswordLink {
            user: id,
            ..link.clone()
        },
    )
    .await?;
    Ok(Added::Added(id))
}

async fn disable(tx: &Transaction<'_>, id: UserId) -> Result<bool, StoreError> {
    let changed = tx
        .execute(
            "UPDATE accounts SET state = 'disabled' WHERE id = $1",
            &[&id.0],
        )
        .await?;
    tx.execute("DELETE FROM sessions WHERE account_id = $1", &[&id.0])
        .await?;
    tx.execute(
        "DELETE FROM set_password_links WHERE account_id = $1 AND used_at IS NULL",
        &[&id.0],
    )
    .await?;
    Ok(changed == 1)
}

async fn reset(
    tx: &Transaction<'_>,
    id: UserId,
    link: &SetPasswordLink,
) -> Result<bool, StoreError> {
    let changed = tx
        .execute(
            "UPDATE accounts SET state = 'invited', password_hash = NULL, totp_secret = NULL,
                    totp_last_step = NULL, totp_pending_secret = NULL
             WHERE id = $1",
            &[&id.0],
        )
        .await?;
    if changed == 0 {
        return Ok(false);
    }
    tx.execute("DELETE FROM sessions WHERE account_id = $1", &[&id.0])
        .await?;
    tx.execute("DELETE FROM recovery_codes WHERE account_id = $1", &[&id.0])
        .await?;
    tx.execute(
        "DELETE FROM set_password_links WHERE account_id = $1 AND used_at IS NULL",
        &[&id.0],
    )
    .await?;
    insert_link(
        tx,
        &SetPasswordLink {
            user: id,
            ..link.clone()
        },
    )
    .await?;
    Ok(true)
}

/// The link whose token hashes to `token`. `for_use` locks it, so that a racing use waits for
/// this one to end and is then tried again, when it finds the link used.
async fn find_link(
    db: &impl GenericClient,
    token: &TokenHash,
    for_use: bool,
) -> Result<Option<FoundLink>, StoreError> {
    let lock = if for_use { " FOR UPDATE OF l" } else { "" };
    let found = db
        .query_opt(
            &format!(
                "SELECT l.token_sha256, l.account_id, l.created_at, l.expires_at, l.used_at,
                        a.email, a.state
                 FROM set_password_links l JOIN accounts a ON a.id = l.account_id
                 WHERE l.token_sha256 = $1{lock}"
            ),
            &[&token.to_hex()],
        )
        .await?;
    found
        .map(|row| {
            Ok(FoundLink {
                link: SetPasswordLink {
                    token_hash: token_hash(row.get(0))?,
                    user: UserId(row.get(1)),
                    created_at: row.get(2),
                    expires_at: row.get(3),
                    used_at: row.get(4),
                },
                email: email(row.get(5))?,
                state: named(row.get(6), AccountState::parse)?,
            })
        })
        .transpose()
}

async fn set_password(
    tx: &Transaction<'_>,
    token: &TokenHash,
    hash: &PasswordHash,
    now: OffsetDateTime,
) -> Result<Result<UserId, LinkRefusal>, StoreError> {
    let Some(found) = find_link(tx, token, true).await? else {
        return Ok(Err(LinkRefusal::Unknown));
    };
    if found.state == AccountState::Disabled {
        return Ok(Err(LinkRefusal::Unknown));
    }
    let user = match found.link.check(now) {
        Ok(user) => user,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let marked = tx
        .execute(
            "UPDATE set_password_links SET used_at = $2
             WHERE token_sha256 = $1 AND used_at IS NULL",
            &[&token.to_hex(), &now],
        )
        .await?;
    if marked != 1 {
        return Ok(Err(LinkRefusal::Used));
    }
    tx.execute(
        "UPDATE accounts SET password_hash = $2, state = 'active' WHERE id = $1",
        &[&user.0, &hash.as_str()],
    )
    .await?;
    tx.execute("DELETE FROM sessions WHERE account_id = $1", &[&user.0])
        .await?;
    Ok(Ok(user))
}

async fn confirm_authenticator(
    tx: &Transaction<'_>,
    id: UserId,
    step: TimeStep,
    codes: &[StoredRecoveryCode],
) -> Result<bool, StoreError> {
    let moved = tx
        .execute(
            "UPDATE accounts SET totp_secret = totp_pending_secret, totp_pending_secret = NULL,
                    totp_last_step = $2
             WHERE id = $1 AND totp_pending_secret IS NOT NULL",
            &[&id.0, &step_to_sql(step)],
        )
        .await?;
    if moved != 1 {
        return Ok(false);
    }
    tx.execute("DELETE FROM recovery_codes WHERE account_id = $1", &[&id.0])
        .await?;
    let hashes: Vec<String> = codes.iter().map(|code| code.hash.to_hex()).collect();
    tx.execute(
        "INSERT INTO recovery_codes (account_id, code_sha256) SELECT $1, unnest($2::text[])",
        &[&id.0, &hashes],
    )
    .await?;
    Ok(true)
}

/// One more failure under `key`, in one statement: racing failures wait for each other's row
/// and are all counted.
async fn record_failure(
    db: &impl GenericClient,
    key: &FailureKey,
    now: OffsetDateTime,
    forget_after: Duration,
) -> Result<FailureRecord, StoreError> {
    let row = db
        .query_one(
            "INSERT INTO sign_in_failures AS f (kind, key_sha256, failures, last_failure)
             VALUES ($1, $2, 1, $3)
             ON CONFLICT (kind, key_sha256) DO UPDATE SET
                 failures = CASE WHEN f.last_failure <= $4 THEN 1 ELSE f.failures + 1 END,
                 last_failure = excluded.last_failure
             RETURNING failures, last_failure",
            &[
                &key.kind(),
                &key.hash().to_hex(),
                &now,
                &(now - forget_after),
            ],
        )
        .await?;
    Ok(failure_row(&row))
}

fn failure_row(row: &Row) -> FailureRecord {
    FailureRecord {
        failures: u32::try_from(row.get::<_, i64>(0)).unwrap_or(u32::MAX),
        last_failure: row.get(1),
    }
}

fn session_row(row: &Row) -> Result<SessionState, StoreError> {
    Ok(SessionState {
        user: UserId(row.get(0)),
        stage: named(row.get(1), Stage::parse)?,
        created_at: row.get(2),
        last_seen: row.get(3),
        csrf: CsrfToken::parse(row.get(4)).ok_or_else(|| unreadable("a CSRF token"))?,
    })
}

#[async_trait]
impl Accounts for PgStore {
    async fn add_account(
        &self,
        new: NewAccount,
        link: SetPasswordLink,
    ) -> Result<Added, StoreError> {
        serializable!(self, |tx| add(&tx, &new, &link))
    }

    async fn account(&self, id: UserId) -> Result<Option<Account>, StoreError> {
        let found = find_account(&**self.client().await?, "id", &id.0).await?;
        Ok(found.map(|(account, _)| account))
    }

    async fn account_by_email(&self, email: &AccountEmail) -> Result<Option<Account>, StoreError> {
        let found = find_account(&**self.client().await?, "email", &email.as_ref()).await?;
        Ok(found.map(|(account, _)| account))
    }

    async fn accounts(&self) -> Result<Vec<Account>, StoreError> {
        list(&**self.client().await?).await
    }

    async fn credentials(&self, email: &AccountEmail) -> Result<Option<Credentials>, StoreError> {
        let found = find_account(&**self.client().await?, "email", &email.as_ref()).await?;
        found
            .map(|(account, hash)| {
                let password_hash = hash
                    .map(|phc| PasswordHash::from_phc(&phc).map_err(StoreError::engine))
                    .transpose()?;
                Ok(Credentials {
                    account,
                    password_hash,
                })
            })
            .transpose()
    }

    async fn disable_account(&self, id: UserId) -> Result<bool, StoreError> {
        serializable!(self, |tx| disable(&tx, id))
    }

    async fn reset_account(&self, id: UserId, link: SetPasswordLink) -> Result<bool, StoreError> {
        serializable!(self, |tx| reset(&tx, id, &link))
    }

    async fn set_password_link(&self, token: &TokenHash) -> Result<Option<FoundLink>, StoreError> {
        find_link(&**self.client().await?, token, false).await
    }

    async fn set_password(
        &self,
        token: &TokenHash,
        hash: PasswordHash,
        now: OffsetDateTime,
    ) -> Result<Result<UserId, LinkRefusal>, StoreError> {
        serializable!(self, |tx| set_password(&tx, token, &hash, now))
    }

    async fn authenticator(&self, id: UserId) -> Result<Option<Authenticator>, StoreError> {
        let found = self
            .client()
            .await?
            .query_opt(
                "SELECT totp_secret, totp_last_step FROM accounts WHERE id = $1",
                &[&id.0],
            )
            .await?;
        let Some(row) = found else {
            return Ok(None);
        };
        let last_step = row
            .get::<_, Option<i64>>(1)
            .and_then(|step| u64::try_from(step).ok())
            .map(TimeStep);
        Ok(secret(row.get(0))?.map(|secret| Authenticator { secret, last_step }))
    }

    async fn pending_authenticator(&self, id: UserId) -> Result<Option<TotpSecret>, StoreError> {
        let found = self
            .client()
            .await?
            .query_opt(
                "SELECT totp_pending_secret FROM accounts WHERE id = $1",
                &[&id.0],
            )
            .await?;
        Ok(found.map(|row| secret(row.get(0))).transpose()?.flatten())
    }

    async fn set_pending_authenticator(
        &self,
        id: UserId,
        secret: &TotpSecret,
    ) -> Result<(), StoreError> {
        self.client()
            .await?
            .execute(
                "UPDATE accounts SET totp_pending_secret = $2 WHERE id = $1",
                &[&id.0, &secret.as_bytes()],
            )
            .await?;
        Ok(())
    }

    async fn confirm_authenticator(
        &self,
        id: UserId,
        step: TimeStep,
        codes: Vec<StoredRecoveryCode>,
    ) -> Result<bool, StoreError> {
        serializable!(self, |tx| confirm_authenticator(&tx, id, step, &codes))
    }

    async fn accept_totp_step(&self, id: UserId, step: TimeStep) -> Result<bool, StoreError> {
        // One statement: a racing one waits for this row, then finds the step no longer later.
        let changed = self
            .client()
            .await?
            .execute(
                "UPDATE accounts SET totp_last_step = $2
                 WHERE id = $1 AND totp_secret IS NOT NULL
                   AND (totp_last_step IS NULL OR totp_last_step < $2)",
                &[&id.0, &step_to_sql(step)],
            )
            .await?;
        Ok(changed == 1)
    }

    async fn use_recovery_code(
        &self,
        id: UserId,
        code: &TokenHash,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        // One statement: a racing one waits for this row, then finds it used.
        let changed = self
            .client()
            .await?
            .execute(
                "UPDATE recovery_codes SET used_at = $3
                 WHERE account_id = $1 AND code_sha256 = $2 AND used_at IS NULL",
                &[&id.0, &code.to_hex(), &now],
            )
            .await?;
        Ok(changed == 1)
    }

    async fn recovery_codes_left(&self, id: UserId) -> Result<usize, StoreError> {
        let left: i64 = self
            .client()
            .await?
            .query_one(
                "SELECT count(*) FROM recovery_codes WHERE account_id = $1 AND used_at IS NULL",
                &[&id.0],
            )
            .await?
            .get(0);
        Ok(usize::try_from(left).unwrap_or(0))
    }

    async fn failures(&self, key: &FailureKey) -> Result<Option<FailureRecord>, StoreError> {
        let found = self
            .client()
            .await?
            .query_opt(
                "SELECT failures, last_failure FROM sign_in_failures
                 WHERE kind = $1 AND key_sha256 = $2",
                &[&key.kind(), &key.hash().to_hex()],
            )
            .await?;
        Ok(found.as_ref().map(failure_row))
    }

    async fn record_failure(
        &self,
        key: &FailureKey,
        now: OffsetDateTime,
        forget_after: Duration,
    ) -> Result<FailureRecord, StoreError> {
        record_failure(&**self.client().await?, key, now, forget_after).await
    }

    async fn clear_failures(&self, key: &FailureKey) -> Result<(), StoreError> {
        self.client()
            .await?
            .execute(
                "DELETE FROM sign_in_failures WHERE kind = $1 AND key_sha256 = $2",
                &[&key.kind(), &key.hash().to_hex()],
            )
            .await?;
        Ok(())
    }

    async fn create_session(
        &self,
        key: &SessionKey,
        state: &SessionState,
    ) -> Result<bool, StoreError> {
        let inserted = self
            .client()
            .await?
            .execute(
                "INSERT INTO sessions (id_sha256, account_id, stage, created_at, last_seen, csrf)
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id_sha256) DO NOTHING",
                &[
                    &key.0.to_hex(),
                    &state.user.0,
                    &state.stage.as_str(),
                    &state.created_at,
                    &state.last_seen,
                    &state.csrf.as_str(),
                ],
            )
            .await?;
        Ok(inserted == 1)
    }

    async fn load_session(&self, key: &SessionKey) -> Result<Option<SessionState>, StoreError> {
        let found = self
            .client()
            .await?
            .query_opt(
                "SELECT account_id, stage, created_at, last_seen, csrf FROM sessions
                 WHERE id_sha256 = $1",
                &[&key.0.to_hex()],
            )
            .await?;
        found.as_ref().map(session_row).transpose()
    }

    async fn touch_session(
        &self,
        key: &SessionKey,
        last_seen: OffsetDateTime,
    ) -> Result<(), StoreError> {
        self.client()
            .await?
            .execute(
                "UPDATE sessions SET last_seen = $2 WHERE id_sha256 = $1",
                &[&key.0.to_hex(), &last_seen],
            )
            .await?;
        Ok(())
    }

    async fn delete_session(&self, key: &SessionKey) -> Result<(), StoreError> {
        self.client()
            .await?
            .execute(
                "DELETE FROM sessions WHERE id_sha256 = $1",
                &[&key.0.to_hex()],
            )
            .await?;
        Ok(())
    }

    async fn delete_sessions_of(&self, id: UserId) -> Result<u64, StoreError> {
        Ok(self
            .client()
            .await?
            .execute("DELETE FROM sessions WHERE account_id = $1", &[&id.0])
            .await?)
    }
}

#[cfg(test)]
mod tests {
    use std::future::Future;
    use std::sync::Arc;

    use super::*;
    use crate::inbox::auth::password::{self, NewPassword};
    use crate::inbox::auth::recovery;
    use crate::inbox::auth::token::SecretToken;
    use crate::inbox::auth::users::SET_PASSWORD_LINK_VALIDITY;
    use crate::store::postgres::testing;
    use crate::store::Store;

    /// How many requests each race sends at once: as many as one instance's pool holds.
    const RACERS: usize = super::super::POOL_SIZE;

    fn now() -> OffsetDateTime {
        OffsetDateTime::UNIX_EPOCH + Duration::days(20_000)
    }

    async fn invited(store: &PgStore, email: &str) -> (UserId, SecretToken) {
        let (token, link) =
            SetPasswordLink::issue(UserId(0), now(), SET_PASSWORD_LINK_VALIDITY).unwrap();
        let practices = Practices::new([
            PracticeCode::parse("43210").unwrap(),
            PracticeCode::parse("gla-east").unwrap(),
        ])
        .unwrap();
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

    /// An account with a confirmed authenticator (last step 10) and ten recovery codes.
    async fn with_authenticator(store: &PgStore) -> (UserId, recovery::NewRecoveryCodes) {
        let (id, _) = invited(store, "morag@nhs.scot").await;
        store
            .set_pending_authenticator(id, &TotpSecret::generate().unwrap())
            .await
            .unwrap();
        let codes = recovery::generate().unwrap();
        assert!(store
            .confirm_authenticator(id, TimeStep(10), codes.stored.clone())
            .await
            .unwrap());
        (id, codes)
    }

    /// Runs `RACERS` calls made by `call` at once, every one starting when all are ready (on
    /// connections the pool already holds), and gathers their answers.
    async fn race<T, F>(store: &PgStore, call: impl Fn() -> F) -> Vec<T>
    where
        F: Future<Output = T> + Send + 'static,
        T: Send + 'static,
    {
        let mut warm = Vec::new();
        for _ in 0..RACERS {
            warm.push(store.client().await.unwrap());
        }
        drop(warm);
        let start = Arc::new(tokio::sync::Barrier::new(RACERS));
        let tasks: Vec<_> = (0..RACERS)
            .map(|_| {
                let (start, call) = (Arc::clone(&start), call());
                tokio::spawn(async move {
                    start.wait().await;
                    call.await
                })
            })
            .collect();
        let mut answers = Vec::new();
        for task in tasks {
            answers.push(task.await.unwrap());
        }
        answers
    }

    #[tokio::test]
    async fn an_email_is_one_account_whatever_its_case() {
        let Some(db) = testing::database().await else {
            return;
        };
        let store = db.store();
        let (id, _) = invited(store, "Morag@NHS.scot").await;
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
        assert_eq!(listed[0].created_at, "2024-10-04T00:00:00.000Z");
        let Access::LinkWorker { practices } = &listed[0].access else {
            panic!("a link worker");
        };
        let codes: Vec<&str> = practices.iter().map(AsRef::as_ref).collect();
        assert_eq!(codes, ["43210", "GLA-EAST"], "in the order given");
        assert_eq!(store.account(id).await.unwrap().as_ref(), Some(&listed[0]));
        let email = AccountEmail::parse("morag@nhs.scot").unwrap();
        assert_eq!(
            store.account_by_email(&email).await.unwrap().as_ref(),
            Some(&listed[0])
        );
        let credentials = store.credentials(&email).await.unwrap().unwrap();
        assert!(credentials.password_hash.is_none());
        assert_eq!(store.account(UserId(999)).await.unwrap(), None);
    }

    #[tokio::test]
    async fn an_admin_has_no_practices_and_accounts_list_by_email() {
        let Some(db) = testing::database().await else {
            return;
        };
        let store = db.store();
        invited(store, "zoe@nhs.scot").await;
        invited(store, "ab@nhs.scot").await;
        invited(store, "a-z@nhs.scot").await;
        let (_, link) =
            SetPasswordLink::issue(UserId(0), now(), SET_PASSWORD_LINK_VALIDITY).unwrap();
        let admin = NewAccount {
            email: AccountEmail::parse("admin@nhs.scot").unwrap(),
            access: Access::Admin,
            created_at: now(),
        };
        assert!(matches!(
            store.add_account(admin, link).await.unwrap(),
            Added::Added(_)
        ));
        let listed = store.accounts().await.unwrap();
        let emails: Vec<&str> = listed.iter().map(|a| a.email.as_ref()).collect();
        assert_eq!(
            emails,
            [
                "a-z@nhs.scot",
                "ab@nhs.scot",
                "admin@nhs.scot",
                "zoe@nhs.scot"
            ],
            "byte by byte, as SQLite orders them"
        );
        assert_eq!(listed[2].access, Access::Admin);
    }

    #[tokio::test]
    async fn a_link_sets_the_password_once_and_not_after_it_expires_or_for_a_disabled_account() {
        let Some(db) = testing::database().await else {
            return;
        };
        let store = db.store();
        let (id, token) = invited(store, "morag@nhs.scot").await;
        let email = AccountEmail::parse("morag@nhs.scot").unwrap();
        let chosen = "marram-grass tide 4 lighthouse";
        let hash = password::hash(&NewPassword::parse(chosen, chosen, &email).unwrap()).unwrap();
        let found = store
            .set_password_link(&token.hash())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(found.link.user, id);
        assert_eq!(found.link.expires_at, now() + SET_PASSWORD_LINK_VALIDITY);
        assert_eq!(found.link.used_at, None);
        let expired = now() + SET_PASSWORD_LINK_VALIDITY;
        assert_eq!(
            store
                .set_password(&token.hash(), hash.clone(), expired)
                .await
                .unwrap(),
            Err(LinkRefusal::Expired)
        );
        let unknown = SecretToken::generate().unwrap().hash();
        assert_eq!(
            store
                .set_password(&unknown, hash.clone(), now())
                .await
                .unwrap(),
            Err(LinkRefusal::Unknown)
        );
        let session = SessionKey(TokenHash::of(b"an older session"));
        assert!(store
            .create_session(&session, &signed_in(id))
            .await
            .unwrap());
        assert_eq!(
            store
                .set_password(&token.hash(), hash.clone(), now())
                .await
                .unwrap(),
            Ok(id)
        );
        assert_eq!(
            store.load_session(&session).await.unwrap(),
            None,
            "setting a password ends the sessions"
        );
        let used = store
            .set_password_link(&token.hash())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(used.link.used_at, Some(now()));
        assert_eq!(used.state, AccountState::Active);

        let (new_token, link) =
            SetPasswordLink::issue(id, now(), SET_PASSWORD_LINK_VALIDITY).unwrap();
        assert!(store.reset_account(id, link).await.unwrap());
        assert!(store.disable_account(id).await.unwrap());
        assert!(store
            .set_password_link(&new_token.hash())
            .await
            .unwrap()
            .is_none());
        let credentials = store.credentials(&email).await.unwrap().unwrap();
        assert_eq!(credentials.account.state, AccountState::Disabled);
        assert!(credentials.password_hash.is_none(), "reset removed it");
    }

    #[tokio::test]
    async fn of_many_racing_uses_of_a_link_exactly_one_sets_the_password() {
        let Some(db) = testing::database().await else {
            return;
        };
        let store = db.store();
        let (id, token) = invited(store, "morag@nhs.scot").await;
        let email = AccountEmail::parse("morag@nhs.scot").unwrap();
        let chosen = "marram-grass tide 4 lighthouse";
        let hash = password::hash(&NewPassword::parse(chosen, chosen, &email).unwrap()).unwrap();
        let shared: Arc<dyn Store> = Arc::new(store.clone());
        let results = race(store, || {
            let (store, hash, token) = (Arc::clone(&shared), hash.clone(), token.hash());
            async move { store.set_password(&token, hash, now()).await.unwrap() }
        })
        .await;
        assert_eq!(results.iter().filter(|r| **r == Ok(id)).count(), 1);
        assert_eq!(
            results
                .iter()
                .filter(|r| **r == Err(LinkRefusal::Used))
                .count(),
            RACERS - 1
        );
        let found = store.credentials(&email).await.unwrap().unwrap();
        assert_eq!(found.account.state, AccountState::Active);
        assert!(found.password_hash.is_some());
    }

    #[tokio::test]
    async fn of_many_racing_adds_of_one_email_exactly_one_adds_it() {
        let Some(db) = testing::database().await else {
            return;
        };
        let store = db.store();
        let results = race(store, || {
            let store = store.clone();
            async move {
                let (_, link) =
                    SetPasswordLink::issue(UserId(0), now(), SET_PASSWORD_LINK_VALIDITY).unwrap();
                let new = NewAccount {
                    email: AccountEmail::parse("morag@nhs.scot").unwrap(),
                    access: Access::Admin,
                    created_at: now(),
                };
                store.add_account(new, link).await.unwrap()
            }
        })
        .await;
        let added = results
            .iter()
            .filter(|r| matches!(r, Added::Added(_)))
            .count();
        assert_eq!(added, 1, "{results:?}");
        assert_eq!(store.accounts().await.unwrap().len(), 1);
    }

    #[tokio::test]
    async fn a_time_step_is_accepted_once_and_only_forwards() {
        let Some(db) = testing::database().await else {
            return;
        };
        let store = db.store();
        let (id, _) = invited(store, "morag@nhs.scot").await;
        assert!(
            !store.accept_totp_step(id, TimeStep(5)).await.unwrap(),
            "no authenticator yet"
        );
        assert!(store.authenticator(id).await.unwrap().is_none());
        let secret = TotpSecret::generate().unwrap();
        store.set_pending_authenticator(id, &secret).await.unwrap();
        assert_eq!(
            store.pending_authenticator(id).await.unwrap(),
            Some(secret.clone())
        );
        let codes = recovery::generate().unwrap();
        assert!(store
            .confirm_authenticator(id, TimeStep(10), codes.stored.clone())
            .await
            .unwrap());
        assert!(!store
            .confirm_authenticator(id, TimeStep(11), codes.stored)
            .await
            .unwrap());
        let authenticator = store.authenticator(id).await.unwrap().unwrap();
        assert_eq!(authenticator.secret, secret);
        assert_eq!(authenticator.last_step, Some(TimeStep(10)));
        assert_eq!(store.pending_authenticator(id).await.unwrap(), None);
        assert!(!store.accept_totp_step(id, TimeStep(10)).await.unwrap());
        assert!(store.accept_totp_step(id, TimeStep(11)).await.unwrap());
        assert!(!store.accept_totp_step(id, TimeStep(11)).await.unwrap());
        assert!(!store.accept_totp_step(id, TimeStep(9)).await.unwrap());
        assert_eq!(store.recovery_codes_left(id).await.unwrap(), 10);
        assert!(store.account(id).await.unwrap().unwrap().has_authenticator);
    }

    #[tokio::test]
    async fn of_many_racing_codes_of_one_time_step_exactly_one_is_accepted() {
        let Some(db) = testing::database().await else {
            return;
        };
        let store = db.store();
        let (id, _) = with_authenticator(store).await;
        let accepted = race(store, || {
            let store = store.clone();
            async move { store.accept_totp_step(id, TimeStep(11)).await.unwrap() }
        })
        .await;
        assert_eq!(accepted.iter().filter(|a| **a).count(), 1, "{accepted:?}");
        let last = store.authenticator(id).await.unwrap().unwrap().last_step;
        assert_eq!(last, Some(TimeStep(11)));
    }

    #[tokio::test]
    async fn a_recovery_code_is_used_once() {
        let Some(db) = testing::database().await else {
            return;
        };
        let store = db.store();
        let (id, codes) = with_authenticator(store).await;
        let code = codes.stored[0].hash;
        assert!(store.use_recovery_code(id, &code, now()).await.unwrap());
        assert!(!store.use_recovery_code(id, &code, now()).await.unwrap());
        let (other, _) = invited(store, "other@nhs.scot").await;
        let second = codes.stored[1].hash;
        assert!(
            !store
                .use_recovery_code(other, &second, now())
                .await
                .unwrap(),
            "another account's code"
        );
        assert_eq!(store.recovery_codes_left(id).await.unwrap(), 9);
    }

    #[tokio::test]
    async fn of_many_racing_uses_of_a_recovery_code_exactly_one_wins() {
        let Some(db) = testing::database().await else {
            return;
        };
        let store = db.store();
        let (id, codes) = with_authenticator(store).await;
        let code = codes.stored[3].hash;
        let used = race(store, || {
            let store = store.clone();
            async move { store.use_recovery_code(id, &code, now()).await.unwrap() }
        })
        .await;
        assert_eq!(used.iter().filter(|u| **u).count(), 1, "{used:?}");
        assert_eq!(store.recovery_codes_left(id).await.unwrap(), 9);
    }

    #[tokio::test]
    async fn failures_count_up_and_start_again_after_the_forgetting_time() {
        let Some(db) = testing::database().await else {
            return;
        };
        let store = db.store();
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
        store.record_failure(&key, now(), hour).await.unwrap();
        let keys: Vec<String> = store
            .client()
            .await
            .unwrap()
            .query("SELECT key_sha256 FROM sign_in_failures", &[])
            .await
            .unwrap()
            .iter()
            .map(|row| row.get(0))
            .collect();
        assert_eq!(keys.len(), 1);
        assert!(keys.iter().all(|k| k.len() == 64 && !k.contains('@')));
    }

    #[tokio::test]
    async fn racing_failures_are_all_counted() {
        let Some(db) = testing::database().await else {
            return;
        };
        let store = db.store();
        let key = FailureKey::client("192.0.2.1");
        race(store, || {
            let store = store.clone();
            async move {
                store
                    .record_failure(&key, now(), Duration::hours(1))
                    .await
                    .unwrap()
            }
        })
        .await;
        let record = store.failures(&key).await.unwrap().unwrap();
        assert_eq!(record.failures, RACERS as u32);
    }

    fn signed_in(user: UserId) -> SessionState {
        SessionState {
            user,
            stage: Stage::SignedIn,
            created_at: now(),
            last_seen: now(),
            csrf: CsrfToken::generate().unwrap(),
        }
    }

    #[tokio::test]
    async fn a_session_is_stored_touched_and_ended() {
        let Some(db) = testing::database().await else {
            return;
        };
        let store = db.store();
        let (id, _) = invited(store, "morag@nhs.scot").await;
        let (first, second) = (
            SessionKey(TokenHash::of(b"first")),
            SessionKey(TokenHash::of(b"second")),
        );
        for key in [&first, &second] {
            assert!(store.create_session(key, &signed_in(id)).await.unwrap());
        }
        let later = now() + Duration::minutes(5);
        store.touch_session(&first, later).await.unwrap();
        let touched = store.load_session(&first).await.unwrap().unwrap();
        assert_eq!((touched.created_at, touched.last_seen), (now(), later));
        store.delete_session(&first).await.unwrap();
        assert_eq!(store.load_session(&first).await.unwrap(), None);
        assert_eq!(store.delete_sessions_of(id).await.unwrap(), 1);
        assert_eq!(store.load_session(&second).await.unwrap(), None);
    }

    #[tokio::test]
    async fn disabling_and_resetting_end_sessions_and_links() {
        let Some(db) = testing::database().await else {
            return;
        };
        let store = db.store();
        let (id, token) = invited(store, "morag@nhs.scot").await;
        let state = signed_in(id);
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
        assert!(!store.disable_account(UserId(999)).await.unwrap());
    }
}
