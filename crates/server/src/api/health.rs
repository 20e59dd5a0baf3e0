//! `GET /api/v1/health`: the service is up and its database answers.

use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};

use super::ApiError;
use crate::state::AppState;

pub async fn health(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    state.store.ping().await?;
    Ok(Json(json!({ "status": "ok" })))
}
