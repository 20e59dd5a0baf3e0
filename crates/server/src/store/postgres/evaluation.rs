//! PLACEHOLDER: being ported from ../sqlite/evaluation.rs; every method fails until then.

use super::PgStore;
use crate::store::evaluation::*;
use crate::store::StoreError;
use async_trait::async_trait;

#[async_trait]
impl Evaluation for PgStore {
    async fn dataset(&self, _period: Period) -> Result<Vec<DatasetRow>, StoreError> {
        Err(StoreError::engine("not ported to PostgreSQL yet"))
    }

    async fn monitoring(&self, _period: Period) -> Result<Monitoring, StoreError> {
        Err(StoreError::engine("not ported to PostgreSQL yet"))
    }

    async fn practices_with_referrals(&self) -> Result<Vec<String>, StoreError> {
        Err(StoreError::engine("not ported to PostgreSQL yet"))
    }
}
