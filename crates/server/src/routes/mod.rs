//! How the service's addresses map to handlers, and the layers each part gets.

use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderName, HeaderValue, Method};
use axum::routing::{get, post};
use axum::Router;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::config::Config;
use crate::error::{AppError, MAX_JSON_BODY_BYTES};
use crate::AppState;

pub mod health;
pub mod referrals;
pub mod site;

pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .route("/v1/referrals", post(referrals::create))
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
        .with_state(state.clone());

    // Requests are traced at debug level. Failures are not logged here: `AppError` logs each
    // internal error once, with its cause, and ServeDir logs its own I/O errors.
    site::router(&state.config)
        .nest("/api", api)
        .layer(TraceLayer::new_for_http().on_failure(()))
}

/// Only the configured embedding origins may send referrals from a browser, with just the two
/// headers the widget sends. Nothing is exposed beyond the CORS-safelisted response headers.
fn cors(config: &Config) -> CorsLayer {
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(config.allowed_origins.iter().cloned()))
        .allow_methods([Method::POST])
        .allow_headers([
            header::CONTENT_TYPE,
            HeaderName::from_static("idempotency-key"),
        ])
        .max_age(Duration::from_secs(600))
}

async fn not_found() -> AppError {
    AppError::NotFound
}

async fn method_not_allowed() -> AppError {
    AppError::MethodNotAllowed
}
