//! The site: the widget's files, the demo page, and the headers they are served with.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use signpost_server::config::DEFAULT_CONTENT_SECURITY_POLICY;

use crate::helpers::{script, TestApp, TestResponse, WASM, WASM_BR};

async fn get_with(app: &TestApp, uri: &str, accept_encoding: &str) -> TestResponse {
    let request = Request::get(uri)
        .header(header::ACCEPT_ENCODING, accept_encoding)
        .body(Body::empty())
        .unwrap();
    app.send(request).await
}

#[tokio::test]
async fn the_home_page_is_the_sites_index() {
    let app = TestApp::new();
    let response = app.get("/").await;
    assert_eq!(response.status, StatusCode::OK);
    assert!(response
        .header("content-type")
        .unwrap()
        .starts_with("text/html"));
    assert_eq!(
        &response.body[..],
        std::fs::read(app.site_dir().join("index.html")).unwrap()
    );
}

#[tokio::test]
async fn wasm_is_served_as_application_wasm() {
    let app = TestApp::new();
    let response = app.get("/widget/x.wasm").await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(response.header("content-type"), Some("application/wasm"));
    assert_eq!(response.header("content-encoding"), None);
    assert_eq!(&response.body[..], WASM);
}

#[tokio::test]
async fn a_precompressed_brotli_file_is_preferred() {
    let app = TestApp::new();
    let response = get_with(&app, "/widget/x.wasm", "gzip, deflate, br").await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(
        response.header("content-type"),
        Some("application/wasm"),
        "the type of the file, not of .br"
    );
    assert_eq!(response.header("content-encoding"), Some("br"));
    assert_eq!(
        &response.body[..],
        WASM_BR,
        "the .br file as it is on disk, not compressed again"
    );
}

#[tokio::test]
async fn files_without_a_precompressed_copy_are_compressed_on_the_fly() {
    let app = TestApp::new();
    for encoding in ["gzip", "br"] {
        let response = get_with(&app, "/widget/embed.js", encoding).await;
        assert_eq!(response.status, StatusCode::OK);
        assert_eq!(response.header("content-encoding"), Some(encoding));
        assert!(
            response.body.len() < script().len(),
            "{encoding}: {} bytes",
            response.body.len()
        );
    }
    let plain = get_with(&app, "/widget/embed.js", "identity").await;
    assert_eq!(plain.header("content-encoding"), None);
    assert_eq!(plain.body, script().as_bytes());
}

#[tokio::test]
async fn other_files_in_the_site_are_served_too() {
    let app = TestApp::new();
    let response = app.get("/demo/site.css").await;
    assert_eq!(response.status, StatusCode::OK);
    assert!(response
        .header("content-type")
        .unwrap()
        .starts_with("text/css"));
    assert_eq!(
        app.get("/demo/missing.css").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/../signpost.db").await.status,
        StatusCode::NOT_FOUND,
        "nothing outside the site"
    );
}

#[tokio::test]
async fn site_responses_carry_the_security_headers() {
    let app = TestApp::new();
    for uri in ["/", "/widget/x.wasm", "/demo/site.css"] {
        let response = app.get(uri).await;
        assert_eq!(
            response.header("x-content-type-options"),
            Some("nosniff"),
            "{uri}"
        );
        assert_eq!(
            response.header("referrer-policy"),
            Some("no-referrer"),
            "{uri}"
        );
        assert_eq!(
            response.header("content-security-policy"),
            Some(DEFAULT_CONTENT_SECURITY_POLICY),
            "{uri}"
        );
        assert_eq!(response.header("cache-control"), Some("no-cache"), "{uri}");
    }
}

#[tokio::test]
async fn the_content_security_policy_comes_from_the_config() {
    let app = TestApp::with_config(|config| {
        config.content_security_policy = "default-src 'none'".parse().unwrap();
    });
    assert_eq!(
        app.get("/").await.header("content-security-policy"),
        Some("default-src 'none'")
    );
}

#[tokio::test]
async fn a_missing_site_folder_leaves_the_api_working() {
    let app = TestApp::with_config(|config| config.site_dir = "/nonexistent/signpost-site".into());
    assert_eq!(app.get("/").await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.get("/widget/x.wasm").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.get("/api/v1/health").await.status, StatusCode::OK);
}
