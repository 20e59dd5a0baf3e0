//! The headers every inbox response carries, page or redirect or error.
//!
//! - `Cache-Control: no-store`: pages show health data of people at risk; no browser cache, proxy
//!   or back button on a shared computer may keep them.
//! - a strict Content-Security-Policy: nothing but the inbox's own stylesheet; no script at all
//!   (the inbox works without); images only from itself or `data:`; forms post only to itself;
//!   never framed (`frame-ancestors 'none'`, and `X-Frame-Options: DENY` for older browsers); no
//!   `<base>` to redirect relative links.
//! - `Referrer-Policy: no-referrer`: the addresses hold references and link tokens.
//! - `X-Content-Type-Options: nosniff`.

use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS,
    X_FRAME_OPTIONS,
};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::Response;

pub const CONTENT_SECURITY_POLICY_VALUE: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// Sets (overriding) the inbox's security headers.
pub fn apply(headers: &mut HeaderMap) {
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY_VALUE),
    );
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
}

/// For `axum::middleware::map_response(security_headers)` on the inbox's router, so that no
/// response (a redirect, a rejection, a 404 from the router itself) goes out without them.
pub async fn security_headers(mut response: Response) -> Response {
    apply(response.headers_mut());
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_header_is_set_and_the_csp_is_the_strict_one() {
        let mut headers = HeaderMap::new();
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("max-age=3600"));
        apply(&mut headers);
        assert_eq!(headers[CACHE_CONTROL], "no-store");
        assert_eq!(
            headers[CONTENT_SECURITY_POLICY],
            "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        );
        assert_eq!(headers[REFERRER_POLICY], "no-referrer");
        assert_eq!(headers[X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert_eq!(headers[X_FRAME_OPTIONS], "DENY");
    }
}
