//! PLACEHOLDER: being ported from ../sqlite/casework.rs; every method fails until then.

use async_trait::async_trait;
use time::OffsetDateTime;

use super::PgStore;
use crate::store::casework::*;
use crate::store::StoreError;

#[async_trait]
impl Casework for PgStore {
    async fn change_status(&self, _change: NewStatusChange) -> Result<StatusChanged, StoreError> {
        Err(StoreError::engine("not ported to PostgreSQL yet"))
    }

    async fn add_note(&self, _note: NewNote) -> Result<bool, StoreError> {
        Err(StoreError::engine("not ported to PostgreSQL yet"))
    }

    async fn add_onward_referral(&self, _onward: NewOnwardReferral) -> Result<bool, StoreError> {
        Err(StoreError::engine("not ported to PostgreSQL yet"))
    }

    async fn record_uptake(&self, _uptake: NewUptake) -> Result<bool, StoreError> {
        Err(StoreError::engine("not ported to PostgreSQL yet"))
    }

    async fn case_record(&self, _reference: &str) -> Result<Option<CaseRecord>, StoreError> {
        Err(StoreError::engine("not ported to PostgreSQL yet"))
    }

    async fn list_referrals(&self, _query: ListQuery) -> Result<ReferralList, StoreError> {
        Err(StoreError::engine("not ported to PostgreSQL yet"))
    }

    async fn look_at_list(
        &self,
        _user: i64,
        _now: OffsetDateTime,
        _visit_gap: time::Duration,
    ) -> Result<Option<String>, StoreError> {
        Err(StoreError::engine("not ported to PostgreSQL yet"))
    }
}
