//! PLACEHOLDER: being ported from ../sqlite/accounts.rs; every method fails until then.

use async_trait::async_trait;
use time::{Duration, OffsetDateTime};

use super::PgStore;
use crate::inbox::auth::lockout::FailureRecord;
use crate::inbox::auth::password::PasswordHash;
use crate::inbox::auth::recovery::StoredRecoveryCode;
use crate::inbox::auth::session::{SessionKey, SessionState};
use crate::inbox::auth::token::TokenHash;
use crate::inbox::auth::totp::{TimeStep, TotpSecret};
use crate::inbox::auth::users::{AccountEmail, LinkRefusal, SetPasswordLink, UserId};
use crate::store::accounts::*;
use crate::store::StoreError;

#[async_trait]
impl Accounts for PgStore {
    async fn add_account(
        &self,
        _new: NewAccount,
        _link: SetPasswordLink,
    ) -> Result<Added, StoreError> {
        Err(StoreError::engine("not ported to PostgreSQL yet"))
    }

    async fn account(&self, _id: UserId) -> Result<Option<Account>, StoreError> {
        Err(StoreError::engine("not ported to PostgreSQL yet"))
    }

    async fn account_by_email(&self, _email: &AccountEmail) -> Result<Option<Account>, StoreError> {
        Err(StoreError::engine("not ported to PostgreSQL yet"))
    }

    async fn accounts(&self) -> Result<Vec<Account>, StoreError> {
        Err(StoreError::engine("not ported to PostgreSQL yet"))
    }

    async fn credentials(&self, _email: &AccountEmail) -> Result<Option<Credentials>, StoreError> {
        Err(StoreError::engine("not ported to PostgreSQL yet"))
    }

    async fn disable_account(&self, _id: UserId) -> Result<bool, StoreError> {
        Err(StoreError::engine("not ported to PostgreSQL yet"))
    }

    async fn reset_account(&self, _id: UserId, _link: SetPasswordLink) -> Result<bool, StoreError> {
        Err(StoreError::engine("not ported to PostgreSQL yet"))
    }

    async fn set_password_link(&self, _token: &TokenHash) -> Result<Option<FoundLink>, StoreError> {
        Err(StoreError::engine("not ported to PostgreSQL yet"))
    }

    async fn set_password(
        &self,
        _token: &TokenHash,
        _hash: PasswordHash,
        _now: OffsetDateTime,
    ) -> Result<Result<UserId, LinkRefusal>, StoreError> {
        Err(StoreError::engine("not ported to PostgreSQL yet"))
    }

    async fn authenticator(&self, _id: UserId) -> Result<Option<Authenticator>, StoreError> {
        Err(StoreError::engine("not ported to PostgreSQL yet"))
    }

    async fn pending_authenticator(&self, _id: UserId) -> Result<Option<TotpSecret>, StoreError> {
        Err(StoreError::engine("not ported to PostgreSQL yet"))
    }

    async fn set_pending_authenticator(
        &self,
        _id: UserId,
        _secret: &TotpSecret,
    ) -> Result<(), StoreError> {
        Err(StoreError::engine("not ported to PostgreSQL yet"))
    }

    async fn confirm_authenticator(
        &self,
        _id: UserId,
        _step: TimeStep,
        _codes: Vec<StoredRecoveryCode>,
    ) -> Result<bool, StoreError> {
        Err(StoreError::engine("not ported to PostgreSQL yet"))
    }

    async fn accept_totp_step(&self, _id: UserId, _step: TimeStep) -> Result<bool, StoreError> {
        Err(StoreError::engine("not ported to PostgreSQL yet"))
    }

    async fn use_recovery_code(
        &self,
        _id: UserId,
        _code: &TokenHash,
        _now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        Err(StoreError::engine("not ported to PostgreSQL yet"))
    }

    async fn recovery_codes_left(&self, _id: UserId) -> Result<usize, StoreError> {
        Err(StoreError::engine("not ported to PostgreSQL yet"))
    }

    async fn failures(&self, _key: &FailureKey) -> Result<Option<FailureRecord>, StoreError> {
        Err(StoreError::engine("not ported to PostgreSQL yet"))
    }

    async fn record_failure(
        &self,
        _key: &FailureKey,
        _now: OffsetDateTime,
        _forget_after: Duration,
    ) -> Result<FailureRecord, StoreError> {
        Err(StoreError::engine("not ported to PostgreSQL yet"))
    }

    async fn clear_failures(&self, _key: &FailureKey) -> Result<(), StoreError> {
        Err(StoreError::engine("not ported to PostgreSQL yet"))
    }

    async fn create_session(
        &self,
        _key: &SessionKey,
        _state: &SessionState,
    ) -> Result<bool, StoreError> {
        Err(StoreError::engine("not ported to PostgreSQL yet"))
    }

    async fn load_session(&self, _key: &SessionKey) -> Result<Option<SessionState>, StoreError> {
        Err(StoreError::engine("not ported to PostgreSQL yet"))
    }

    async fn touch_session(
        &self,
        _key: &SessionKey,
        _last_seen: OffsetDateTime,
    ) -> Result<(), StoreError> {
        Err(StoreError::engine("not ported to PostgreSQL yet"))
    }

    async fn delete_session(&self, _key: &SessionKey) -> Result<(), StoreError> {
        Err(StoreError::engine("not ported to PostgreSQL yet"))
    }

    async fn delete_sessions_of(&self, _id: UserId) -> Result<u64, StoreError> {
        Err(StoreError::engine("not ported to PostgreSQL yet"))
    }
}
