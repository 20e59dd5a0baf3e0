//! The inbox's accounts and sign-in, through the routes against real SQLite: who may reach what,
//! the two steps of sign-in, lock-out, sessions' expiry and revocation, the admin pages, and the
//! security headers on every response.

use axum::http::StatusCode;
use signpost_server::inbox::auth::users::Role;
use signpost_server::inbox::paths;

use crate::helpers::{TestApp, TestResponse};
use crate::inbox_helpers::{InboxSession, InboxUser};

#[track_caller]
fn assert_security_headers(response: &TestResponse) {
    assert_eq!(response.header("cache-control"), Some("no-store"));
    let csp = response.header("content-security-policy").unwrap();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(csp.contains("default-src 'none'"), "{csp}");
    assert_eq!(response.header("referrer-policy"), Some("no-referrer"));
}

#[tokio::test]
async fn a_link_worker_signs_in_with_password_and_code_and_reaches_the_inbox() {
    let app = TestApp::new();
    let user = InboxUser::create(&app, Role::LinkWorker, &["43210"]).await;
    let mut session = user.sign_in(&app).await;
    let home = session.get(paths::ROOT).await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home
        .text()
        .contains("<h1 class=\"sp-inbox-heading-l\">Referrals</h1>"));
    assert_security_headers(&home);
}

#[tokio::test]
async fn without_a_session_the_home_page_sends_to_sign_in() {
    let app = TestApp::new();
    let mut anonymous = InboxSession::anonymous(&app);
    let response = anonymous.get(paths::ROOT).await;
    assert_eq!(response.status, StatusCode::SEE_OTHER);
    assert_eq!(response.location(), Some(paths::SIGN_IN));
    assert_security_headers(&response);
}
