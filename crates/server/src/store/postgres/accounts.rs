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

async fn list(db: &impl GenericClient) -> Result<Vec<Account>, StoreError> {
    let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM accounts a ORDER BY a.email");
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
