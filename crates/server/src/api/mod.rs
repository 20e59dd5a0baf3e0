//! The JSON API under `/api/v1`: one file a resource, its error type (`error.rs`) and its
//! extractors (`extract.rs`), put together here with the body limit, `no-store` and the
//! per-client rate limits (`http::rate_limit`).

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
        .route(
            "/v1/referrals",
            post(referrals::create).layer(state.limiters.referrals.json()),
        )
        // One count for both: a follow-up is a GET and a POST.
        .route(
            "/v1/checkins/{token}",
            get(checkins::show)
                .post(checkins::answer)
                .layer(state.limiters.checkins.json()),
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
        // JSON is never to be read as anything else (a page or a script), whatever it holds.
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
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
