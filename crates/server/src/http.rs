//! The layers the site and the API share: CORS for the pages that embed the widget, and request
//! traces that never carry a token; who a request comes from (`client_address.rs`) and the
//! per-client rate limits (`rate_limit.rs`).

use std::time::Duration;

use axum::extract::Request;
use axum::http::{header, HeaderName, Method};
use axum::Router;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::trace::TraceLayer;

use crate::config::Config;

pub mod client_address;
pub mod rate_limit;

/// Only the configured embedding origins may send referrals and check-ins, or read a follow-up
/// link's scale, from a browser, with just the two headers the widget sends. Nothing is exposed
/// beyond the CORS-safelisted response headers.
pub fn cors(config: &Config) -> CorsLayer {
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(config.allowed_origins.iter().cloned()))
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([
            header::CONTENT_TYPE,
            HeaderName::from_static("idempotency-key"),
        ])
        .max_age(Duration::from_secs(600))
}

/// Requests are traced at debug level. Failures are not logged here: `ApiError` logs each
/// internal error once, with its cause, and ServeDir logs its own I/O errors.
pub fn traced(router: Router) -> Router {
    router.layer(
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
