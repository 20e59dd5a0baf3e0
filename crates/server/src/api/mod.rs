//! The JSON API under `/api/v1`: one file a resource, its error type (`error.rs`) and its
//! extractors (`extract.rs`), put together here with the body limit and `no-store`.

use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderValue};
use axum::routing::{get, post};
use axum::Router;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::http::cors;
use crate::state::AppState;

pub mod checkins;
pub mod error;
pub mod extract;
pub mod health;
pub mod referrals;

pub use error::ApiError;
pub use extract::{IdempotencyKey, JsonBody, IDEMPOTENCY_KEY, MAX_JSON_BODY_BYTES};

/// The API's routes, to be nested under `/api`.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/v1/referrals", post(referrals::create))
        .route(
            "/v1/checkins/{token}",
            get(checkins::show).post(checkins::answer),
        )
        .route("/v1/health", get(health::health))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(MAX_JSON_BODY_BYTES))
        // Answers carry personal details and references: no cache anywhere should keep them.
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(cors(&state.config))
        .with_state(state)
}

async fn not_found() -> ApiError {
    ApiError::NotFound
}

async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}
