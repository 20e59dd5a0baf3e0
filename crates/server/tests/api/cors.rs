//! Only the configured embedding origins may send referrals from a browser.

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};

use crate::helpers::{valid_fixture, TestApp, TestResponse};

const PRACTICE: &str = "https://practice.example.scot";

fn app_allowing_the_practice() -> TestApp {
    TestApp::with_config(|config| config.allowed_origins = vec![PRACTICE.parse().unwrap()])
}

async fn preflight(app: &TestApp, origin: &str) -> TestResponse {
    let request = Request::builder()
        .method(Method::OPTIONS)
        .uri("/api/v1/referrals")
        .header(header::ORIGIN, origin)
        .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
        .header(
            header::ACCESS_CONTROL_REQUEST_HEADERS,
            "content-type,idempotency-key",
        )
        .body(Body::empty())
        .unwrap();
    app.send(request).await
}

#[tokio::test]
async fn a_configured_origin_may_post_with_the_two_headers() {
    let app = app_allowing_the_practice();
    let response = preflight(&app, PRACTICE).await;
    assert!(response.status.is_success(), "{}", response.status);
    assert_eq!(
        response.header("access-control-allow-origin"),
        Some(PRACTICE)
    );
    // POST for referrals and check-ins, GET for a follow-up link's scale.
    assert_eq!(
        response.header("access-control-allow-methods"),
        Some("GET,POST")
    );
    let headers = response
        .header("access-control-allow-headers")
        .unwrap()
        .to_ascii_lowercase();
    assert!(
        headers.contains("content-type") && headers.contains("idempotency-key"),
        "{headers}"
    );
    assert_eq!(response.header("access-control-allow-credentials"), None);

    let request = Request::post("/api/v1/referrals")
        .header(header::ORIGIN, PRACTICE)
        .header(header::CONTENT_TYPE, "application/json")
        .header("idempotency-key", "cors-1")
        .body(Body::from(valid_fixture().text))
        .unwrap();
    let response = app.send(request).await;
    assert_eq!(response.status, StatusCode::CREATED);
    assert_eq!(
        response.header("access-control-allow-origin"),
        Some(PRACTICE)
    );
    assert_eq!(
        response.header("access-control-expose-headers"),
        None,
        "nothing exposed"
    );
}

#[tokio::test]
async fn another_origin_is_refused() {
    let app = app_allowing_the_practice();
    for origin in [
        "https://elsewhere.example",
        "https://practice.example.scot.evil.example",
        "null",
    ] {
        let response = preflight(&app, origin).await;
        assert_eq!(
            response.header("access-control-allow-origin"),
            None,
            "{origin}"
        );
    }
}

#[tokio::test]
async fn by_default_no_other_origin_is_allowed() {
    let app = TestApp::new();
    let response = preflight(&app, PRACTICE).await;
    assert_eq!(response.header("access-control-allow-origin"), None);
}

#[tokio::test]
async fn a_configured_origin_may_load_the_widget_files_and_no_other_may() {
    let app = app_allowing_the_practice();
    for (origin, allowed) in [
        (PRACTICE, Some(PRACTICE)),
        ("https://elsewhere.example", None),
    ] {
        let request = Request::builder()
            .uri("/widget/embed.js")
            .header(header::ORIGIN, origin)
            .body(Body::empty())
            .unwrap();
        let response = app.send(request).await;
        assert_eq!(
            response.header("access-control-allow-origin"),
            allowed,
            "{origin}"
        );
    }
}

#[tokio::test]
async fn every_api_route_answers_only_the_configured_origin_and_varies_by_it() {
    let app = app_allowing_the_practice();
    let token = "x".repeat(43);
    let routes = [
        (Method::GET, "/api/v1/health".to_owned()),
        (Method::GET, format!("/api/v1/checkins/{token}")),
        (Method::POST, format!("/api/v1/checkins/{token}")),
        (Method::POST, "/api/v1/referrals".to_owned()),
    ];
    for (method, uri) in &routes {
        for (origin, allowed) in [
            (PRACTICE, Some(PRACTICE)),
            ("https://elsewhere.example", None),
            ("http://practice.example.scot", None),
        ] {
            let request = Request::builder()
                .method(method)
                .uri(uri)
                .header(header::ORIGIN, origin)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from("{}"))
                .unwrap();
            let response = app.send(request).await;
            let context = format!("{method} {uri} from {origin}");
            assert_eq!(
                response.header("access-control-allow-origin"),
                allowed,
                "{context}"
            );
            assert_eq!(
                response.header("access-control-allow-credentials"),
                None,
                "{context}"
            );
            // A cache must not hand one origin's answer to another.
            let vary = response.headers.get_all(header::VARY).iter();
            let vary: Vec<_> = vary
                .map(|v| v.to_str().unwrap().to_ascii_lowercase())
                .collect();
            assert!(
                vary.iter().any(|v| v.contains("origin")),
                "{context}: {vary:?}"
            );
        }
    }
}
