//! `GET /api/v1/health`: the service is up and its database answers.

use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};

use crate::error::AppError;
use crate::{db, AppState};

pub async fn health(State(state): State<AppState>) -> Result<Json<Value>, AppError> {
    state.db.call(|conn| db::ping(conn)).await?;
    Ok(Json(json!({ "status": "ok" })))
}
