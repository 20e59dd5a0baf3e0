//! How the service's addresses map to handlers, and the layers each part gets.

use std::time::Duration;

use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{header, HeaderName, HeaderValue, Method};
use axum::routing::{get, post};
use axum::Router;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::config::Config;
use crate::error::{AppError, MAX_JSON_BODY_BYTES};
use crate::AppState;

pub mod checkins;
pub mod health;
pub mod referrals;
pub mod site;

pub fn router(state: AppState) -> Router {
    let api = Router::new()
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
        .with_state(state.clone());

    // Requests are traced at debug level. Failures are not logged here: `AppError` logs each
    // internal error once, with its cause, and ServeDir logs its own I/O errors.
    // The widget's own files need CORS too: a practice website on another origin loads the
    // module script, the wasm and the language files from here with CORS requests.
    site::router(&state.config)
        .layer(cors(&state.config))
        .nest("/api", api)
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|request: &Request| {
                    tracing::debug_span!(
                        "request",
                        method = %request.method(),
                        path = %redacted_path(request.uri().path()),
                    )
                })
                .on_failure(()),
        )
}

/// A follow-up link's token opens someone's check-in: the trace names the route, not the token.
/// (The query string, which the site's pages may carry `?checkin=` in, is never traced.)
fn redacted_path(path: &str) -> &str {
    const CHECKINS: &str = "/api/v1/checkins/";
    if path.len() > CHECKINS.len() && path.starts_with(CHECKINS) {
        "/api/v1/checkins/{token}"
    } else {
        path
    }
}

/// Only the configured embedding origins may send referrals and check-ins, or read a follow-up
/// link's scale, from a browser, with just the two headers the widget sends. Nothing is exposed
/// beyond the CORS-safelisted response headers.
fn cors(config: &Config) -> CorsLayer {
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(config.allowed_origins.iter().cloned()))
        .allow_methods([Method::GET, Method::POST])
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

#[cfg(test)]
mod tests {
    use super::redacted_path;

    #[test]
    fn traces_never_carry_a_token() {
        assert_eq!(
            redacted_path("/api/v1/checkins/abcdefghijklmnopqrstuvwxyz0123456789-_ABCDE"),
            "/api/v1/checkins/{token}"
        );
        assert_eq!(redacted_path("/api/v1/referrals"), "/api/v1/referrals");
        assert_eq!(redacted_path("/api/v1/checkins/"), "/api/v1/checkins/");
    }
}
