//! The inbox's accounts as the store keeps them: who may sign in, with what, and the state of
//! their sign-ins (sessions, set-password links, recovery codes, TOTP steps, failure counts).
//!
//! The rules are in `inbox::auth`; this trait only says what must be stored and which changes
//! must happen together. Every method that checks and changes (a link used, a code used, a step
//! accepted) does so in one statement or transaction that touches only what is still unused, so
//! of two racing requests exactly one wins, even across processes.

use async_trait::async_trait;
use time::{Duration, OffsetDateTime};

use super::StoreError;
use crate::inbox::auth::lockout::FailureRecord;
use crate::inbox::auth::password::PasswordHash;
use crate::inbox::auth::recovery::StoredRecoveryCode;
use crate::inbox::auth::session::{SessionKey, SessionState};
use crate::inbox::auth::token::TokenHash;
use crate::inbox::auth::totp::{TimeStep, TotpSecret};
use crate::inbox::auth::users::{
    Access, AccountEmail, AccountState, LinkRefusal, SetPasswordLink, UserId,
};

/// An account to add. It starts `Invited`, with the set-password link stored beside it.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub email: AccountEmail,
    pub access: Access,
    pub created_at: OffsetDateTime,
}

/// An account as the inbox and `user list` show it: nothing secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: UserId,
    pub email: AccountEmail,
    pub access: Access,
    pub state: AccountState,
    /// Whether an authenticator app has been set up (confirmed with a code).
    pub has_authenticator: bool,
    /// RFC 3339 UTC, as `clock::timestamp` writes it.
    pub created_at: String,
}

/// What checking a password needs.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub account: Account,
    /// `None` until the account has set a password.
    pub password_hash: Option<PasswordHash>,
}

/// A confirmed authenticator.
#[derive(Debug, Clone)]
pub struct Authenticator {
    pub secret: TotpSecret,
    /// The last 30-second step whose code was accepted: codes of that step or earlier are refused.
    pub last_step: Option<TimeStep>,
}

/// What adding an account did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Added {
    Added(UserId),
    /// An account already has this email (whatever its state).
    EmailTaken,
}

/// A set-password link found by its token's hash, with the account it is for.
#[derive(Debug, Clone)]
pub struct FoundLink {
    pub link: SetPasswordLink,
    pub email: AccountEmail,
    pub state: AccountState,
}

/// What a failed sign-in is counted against: the email as typed (normalised) or the client's
/// address, each kept only as the SHA-256 of its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKey {
    Email(TokenHash),
    Client(TokenHash),
}

impl FailureKey {
    pub fn email(email: &AccountEmail) -> FailureKey {
        FailureKey::Email(TokenHash::of(email.as_ref().as_bytes()))
    }

    pub fn client(address: &str) -> FailureKey {
        FailureKey::Client(TokenHash::of(address.as_bytes()))
    }

    pub fn kind(&self) -> &'static str {
        match self {
            FailureKey::Email(_) => "email",
            FailureKey::Client(_) => "client",
        }
    }

    pub fn hash(&self) -> &TokenHash {
        match self {
            FailureKey::Email(hash) | FailureKey::Client(hash) => hash,
        }
    }
}

#[async_trait]
pub trait Accounts: Send + Sync {
    /// Adds an invited account and its set-password link, in one transaction.
    async fn add_account(
        &self,
        new: NewAccount,
        link: SetPasswordLink,
    ) -> Result<Added, StoreError>;

    async fn account(&self, id: UserId) -> Result<Option<Account>, StoreError>;

    async fn account_by_email(&self, email: &AccountEmail) -> Result<Option<Account>, StoreError>;

    /// Every account, by email.
    async fn accounts(&self) -> Result<Vec<Account>, StoreError>;

    /// The account with this email and its password hash, for signing in.
    async fn credentials(&self, email: &AccountEmail) -> Result<Option<Credentials>, StoreError>;

    /// Disables an account: it can no longer sign in, its sessions end and its unused
    /// set-password links stop working. `false` when there is no such account.
    async fn disable_account(&self, id: UserId) -> Result<bool, StoreError>;

    /// Starts the account again from a set-password link: its password, authenticator and
    /// recovery codes are removed, its sessions and older links end, and `link` is stored; the
    /// account is `Invited` (a disabled account too: resetting is how one comes back).
    /// `false` when there is no such account.
    async fn reset_account(&self, id: UserId, link: SetPasswordLink) -> Result<bool, StoreError>;

    /// The link whose token hashes to `token`.
    async fn set_password_link(&self, token: &TokenHash) -> Result<Option<FoundLink>, StoreError>;

    /// Uses a link: in one transaction, checks it as of `now` (and that its account is not
    /// disabled), marks it used, stores `hash`, makes the account active and ends its sessions.
    async fn set_password(
        &self,
        token: &TokenHash,
        hash: PasswordHash,
        now: OffsetDateTime,
    ) -> Result<Result<UserId, LinkRefusal>, StoreError>;

    async fn authenticator(&self, id: UserId) -> Result<Option<Authenticator>, StoreError>;

    /// The secret being set up, if the set-up page has made one.
    async fn pending_authenticator(&self, id: UserId) -> Result<Option<TotpSecret>, StoreError>;

    async fn set_pending_authenticator(
        &self,
        id: UserId,
        secret: &TotpSecret,
    ) -> Result<(), StoreError>;

    /// Makes the pending secret the account's authenticator, with `step` as its last accepted
    /// step, and replaces its recovery codes with `codes`, in one transaction. `false` when there
    /// was no pending secret (set up already, in another tab).
    async fn confirm_authenticator(
        &self,
        id: UserId,
        step: TimeStep,
        codes: Vec<StoredRecoveryCode>,
    ) -> Result<bool, StoreError>;

    /// Records `step` as accepted only where it is later than the last one: `false` means another
    /// request used this step (or a later one) first.
    async fn accept_totp_step(&self, id: UserId, step: TimeStep) -> Result<bool, StoreError>;

    /// Marks the account's unused recovery code with this hash used; `false` if there is none.
    async fn use_recovery_code(
        &self,
        id: UserId,
        code: &TokenHash,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError>;

    /// How many unused recovery codes the account has.
    async fn recovery_codes_left(&self, id: UserId) -> Result<usize, StoreError>;

    /// The failure count under `key`, if any.
    async fn failures(&self, key: &FailureKey) -> Result<Option<FailureRecord>, StoreError>;

    /// Counts one more failure under `key` at `now`, starting again from one when the last was
    /// `forget_after` ago or more (the lock-out policy's rule, done in one statement so that
    /// racing failures are all counted). Returns the new record.
    async fn record_failure(
        &self,
        key: &FailureKey,
        now: OffsetDateTime,
        forget_after: Duration,
    ) -> Result<FailureRecord, StoreError>;

    async fn clear_failures(&self, key: &FailureKey) -> Result<(), StoreError>;

    // Sessions, keyed by the SHA-256 of their id (see `inbox::auth::session::store`).

    /// `false` if the key is already stored.
    async fn create_session(
        &self,
        key: &SessionKey,
        state: &SessionState,
    ) -> Result<bool, StoreError>;

    async fn load_session(&self, key: &SessionKey) -> Result<Option<SessionState>, StoreError>;

    async fn touch_session(
        &self,
        key: &SessionKey,
        last_seen: OffsetDateTime,
    ) -> Result<(), StoreError>;

    async fn delete_session(&self, key: &SessionKey) -> Result<(), StoreError>;

    /// Ends every session of `id`; how many there were.
    async fn delete_sessions_of(&self, id: UserId) -> Result<u64, StoreError>;
}
