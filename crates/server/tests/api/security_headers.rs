//! Issue 13, "Abuse": every HTML response of the site carries the security headers, whatever the
//! page (the home page, a demo page, one that does not exist), and every API answer `nosniff` and
//! `no-store`, a 429 included. (The inbox's pages carry the inbox's own, stricter set:
//! `inbox::page::headers`; the site's policy must allow the widget's WebAssembly.)

use axum::http::StatusCode;
use signpost_server::config::DEFAULT_CONTENT_SECURITY_POLICY;

use crate::helpers::{TestApp, TestResponse};

#[track_caller]
fn assert_site_headers(response: &TestResponse, uri: &str) {
    for (name, value) in [
        ("content-security-policy", DEFAULT_CONTENT_SECURITY_POLICY),
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "no-referrer"),
        ("x-frame-options", "SAMEORIGIN"),
    ] {
        assert_eq!(response.header(name), Some(value), "{uri}: {name}");
    }
    assert!(
        DEFAULT_CONTENT_SECURITY_POLICY.contains("frame-ancestors 'self'"),
        "the policy and X-Frame-Options agree"
    );
}

#[tokio::test]
async fn every_html_response_of_the_site_carries_the_security_headers() {
    let app = TestApp::new();
    std::fs::write(
        app.site_dir().join("demo/assisted.html"),
        "<!doctype html><title>Assisted</title>",
    )
    .unwrap();
    for (uri, status) in [
        ("/", StatusCode::OK),
        ("/index.html", StatusCode::OK),
        ("/demo/assisted.html", StatusCode::OK),
        ("/demo/no-such-page.html", StatusCode::NOT_FOUND),
        ("/widget/no-such-page.html", StatusCode::NOT_FOUND),
    ] {
        let response = app.get(uri).await;
        assert_eq!(response.status, status, "{uri}");
        if status == StatusCode::OK {
            assert!(
                response
                    .header("content-type")
                    .is_some_and(|t| t.starts_with("text/html")),
                "{uri}"
            );
        }
        assert_site_headers(&response, uri);
    }
}

#[tokio::test]
async fn every_api_answer_is_nosniff_and_no_store() {
    let app = TestApp::new();
    for uri in [
        "/api/v1/health",
        "/api/v1/nothing-here",
        "/api/v1/checkins/x",
    ] {
        let response = app.get(uri).await;
        assert_eq!(
            response.header("x-content-type-options"),
            Some("nosniff"),
            "{uri}"
        );
        assert_eq!(response.header("cache-control"), Some("no-store"), "{uri}");
        assert!(
            response
                .header("content-type")
                .is_some_and(|t| t.starts_with("application/json")),
            "{uri}"
        );
    }
}
