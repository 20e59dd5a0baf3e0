use axum::http::StatusCode;
use serde_json::json;

use crate::helpers::TestApp;

#[tokio::test]
async fn health_answers_ok_once_the_database_does() {
    let app = TestApp::new();
    let response = app.get("/api/v1/health").await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(response.json(), json!({ "status": "ok" }));
    assert_eq!(response.header("cache-control"), Some("no-store"));
}

#[tokio::test]
async fn unknown_api_addresses_answer_with_a_json_error() {
    let app = TestApp::new();
    app.get("/api/v1/nothing-here")
        .await
        .assert_error(StatusCode::NOT_FOUND, "not_found", None);
    let response = app.get("/api/v1/referrals").await;
    response.assert_error(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", None);
    assert_eq!(response.header("allow"), Some("POST"));
}
