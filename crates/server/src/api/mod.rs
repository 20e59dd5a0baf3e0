//! The JSON API under `/api/v1`: one file a resource, its error type (`error.rs`) and its
//! extractors (`extract.rs`), put together here with the body limit and `no-store`.

use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderValue};
use axum::routing::{get, post};
use axum::Router;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::http::cors;
use crate::AppState;

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

/// A valid referral for the crate's own tests: the first of the shared fixtures, so no test types
/// one out again.
#[cfg(test)]
pub(crate) fn first_valid_fixture() -> serde_json::Value {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/referrals/valid"
    );
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    paths.sort();
    serde_json::from_str(&std::fs::read_to_string(&paths[0]).unwrap()).unwrap()
}
