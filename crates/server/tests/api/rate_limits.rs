//! Per-client rate limits (issue 13, "Abuse"): over its limit a client gets a 429 with
//! `Retry-After` and the API's JSON error (or the inbox's page, for sign-in); another client is
//! not affected; a proxy's header names the client only when that proxy is configured as trusted.

use std::net::SocketAddr;
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Request, StatusCode};
use axum::routing::{get, post};
use axum::Router;
use signpost_core::default_questionnaire;
use signpost_server::http::client_address::ClientAddressPolicy;
use signpost_server::http::rate_limit::{self, Quota, RateLimits};
use signpost_server::inbox::paths;
use signpost_server::{AppState, Config};

use crate::cli::serve;
use crate::helpers::{
    no_suite_reaches, referral_request, send_to, valid_fixture, TestApp, TestResponse,
};

const PRACTICE: &str = "https://practice.example.scot";
const A: &str = "203.0.113.7:5000";
const B: &str = "198.51.100.9:5000";
const PROXY: &str = "10.0.0.1:443";

fn quota(text: &str) -> Quota {
    text.parse().unwrap()
}

/// An app whose referrals and check-ins are limited to `referrals` and `checkins`.
fn limited(referrals: &str, checkins: &str, client_address: ClientAddressPolicy) -> TestApp {
    TestApp::with_config(|config| {
        config.rate_limits = RateLimits {
            referrals: quota(referrals),
            checkins: quota(checkins),
            ..no_suite_reaches()
        };
        config.client_address = client_address;
        config.allowed_origins = vec![PRACTICE.parse().unwrap()];
    })
}

fn behind_the_proxy() -> ClientAddressPolicy {
    ClientAddressPolicy::Proxied {
        header: header::HeaderName::from_static("x-forwarded-for"),
        proxies: vec!["10.0.0.0/8".parse().unwrap()],
    }
}

/// A referral POSTed from `peer`, with `forwarded_for` as `X-Forwarded-For` if given.
async fn refer_from(
    app: &TestApp,
    peer: &str,
    forwarded_for: Option<&str>,
    key: &str,
) -> TestResponse {
    let mut request = referral_request(Some(key), Some("application/json"), valid_fixture().text);
    from(&mut request, peer, forwarded_for);
    request
        .headers_mut()
        .insert(header::ORIGIN, PRACTICE.parse().unwrap());
    app.send(request).await
}

fn from(request: &mut Request<Body>, peer: &str, forwarded_for: Option<&str>) {
    let peer: SocketAddr = peer.parse().unwrap();
    request.extensions_mut().insert(ConnectInfo(peer));
    if let Some(value) = forwarded_for {
        request
            .headers_mut()
            .insert("x-forwarded-for", value.parse().unwrap());
    }
}

/// Asserts the API's 429: JSON `rate_limited` and a `Retry-After` of 1 to `most` seconds.
#[track_caller]
fn assert_limited(response: &TestResponse, most: u64) {
    response.assert_error(StatusCode::TOO_MANY_REQUESTS, "rate_limited", None);
    assert!(
        response
            .header("content-type")
            .is_some_and(|t| t.starts_with("application/json")),
        "{:?}",
        response.headers
    );
    let retry_after: u64 = response
        .header("retry-after")
        .expect("a Retry-After header")
        .parse()
        .expect("whole seconds");
    assert!(
        (1..=most).contains(&retry_after),
        "Retry-After: {retry_after}"
    );
    let message = response.json()["message"].as_str().unwrap().to_owned();
    assert!(
        message.contains(&format!("{retry_after} seconds")),
        "{message}"
    );
}

#[tokio::test]
async fn a_client_over_its_referral_limit_gets_429_and_another_client_does_not() {
    let app = limited("3/1h", "100/1m", ClientAddressPolicy::Peer);
    for n in 0..3 {
        let response = refer_from(&app, A, None, &format!("a-{n}")).await;
        assert_eq!(response.status, StatusCode::CREATED, "{}", response.json());
    }
    let refused = refer_from(&app, A, None, "a-3").await;
    // One share comes back every 20 minutes.
    assert_limited(&refused, 20 * 60 + 1);
    // The widget on the practice's page can read why.
    assert_eq!(
        refused.header("access-control-allow-origin"),
        Some(PRACTICE)
    );
    assert_eq!(refused.header("cache-control"), Some("no-store"));
    // An idempotent retry counts too: a script cannot hide behind one key.
    assert_eq!(
        refer_from(&app, A, None, "a-0").await.status,
        StatusCode::TOO_MANY_REQUESTS
    );

    let other = refer_from(&app, B, None, "b-0").await;
    assert_eq!(other.status, StatusCode::CREATED, "{}", other.json());
    assert_eq!(app.stored().len(), 4, "nothing refused was stored");
}

#[tokio::test]
async fn a_client_may_send_again_once_the_retry_after_has_passed() {
    let app = limited("2/2s", "100/1m", ClientAddressPolicy::Peer);
    for n in 0..2 {
        let response = refer_from(&app, A, None, &format!("a-{n}")).await;
        assert_eq!(response.status, StatusCode::CREATED);
    }
    let refused = refer_from(&app, A, None, "a-2").await;
    assert_limited(&refused, 2);
    let wait: u64 = refused.header("retry-after").unwrap().parse().unwrap();
    tokio::time::sleep(Duration::from_secs(wait)).await;
    let again = refer_from(&app, A, None, "a-2").await;
    assert_eq!(again.status, StatusCode::CREATED, "{}", again.json());
}

#[tokio::test]
async fn checkin_gets_and_posts_share_one_limit_per_client() {
    let app = limited("100/1m", "4/10m", ClientAddressPolicy::Peer);
    let token = "x".repeat(43);
    let request = |method: &str, peer: &str| {
        let mut request = Request::builder()
            .method(method)
            .uri(format!("/api/v1/checkins/{token}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from("{}"))
            .unwrap();
        from(&mut request, peer, None);
        request
    };
    for method in ["GET", "POST", "GET", "POST"] {
        let response = app.send(request(method, A)).await;
        assert_ne!(response.status, StatusCode::TOO_MANY_REQUESTS, "{method}");
    }
    for method in ["GET", "POST"] {
        // One share back every 2.5 minutes.
        assert_limited(&app.send(request(method, A)).await, 151);
    }
    let other = app.send(request("GET", B)).await;
    other.assert_error(StatusCode::NOT_FOUND, "checkin_unknown", None);
}

#[tokio::test]
async fn a_forwarded_for_header_is_ignored_unless_its_proxy_is_trusted() {
    // Not configured: a client cannot escape its limit by naming another address.
    let app = limited("2/1h", "100/1m", ClientAddressPolicy::Peer);
    for n in 0..2 {
        let claimed = format!("192.0.2.{n}");
        let response = refer_from(&app, A, Some(&claimed), &format!("a-{n}")).await;
        assert_eq!(response.status, StatusCode::CREATED);
    }
    assert_limited(&refer_from(&app, A, Some("192.0.2.99"), "a-2").await, 1801);

    // Configured: behind the trusted proxy, each client it names has a limit of its own.
    let app = limited("2/1h", "100/1m", behind_the_proxy());
    for n in 0..2 {
        let response = refer_from(&app, PROXY, Some("198.51.100.1"), &format!("p-{n}")).await;
        assert_eq!(response.status, StatusCode::CREATED);
    }
    assert_limited(
        &refer_from(&app, PROXY, Some("198.51.100.1"), "p-2").await,
        1801,
    );
    // The address the client wrote itself, left of the proxy's, changes nothing.
    let spoofed = refer_from(&app, PROXY, Some("192.0.2.50, 198.51.100.1"), "p-3").await;
    assert_eq!(spoofed.status, StatusCode::TOO_MANY_REQUESTS);
    let next = refer_from(&app, PROXY, Some("198.51.100.2"), "p-4").await;
    assert_eq!(
        next.status,
        StatusCode::CREATED,
        "another client behind the proxy"
    );

    // Even then, a peer that is not the proxy is counted by its own address.
    for n in 0..2 {
        let claimed = format!("192.0.2.{n}");
        let response = refer_from(&app, A, Some(&claimed), &format!("d-{n}")).await;
        assert_eq!(response.status, StatusCode::CREATED);
    }
    let direct = refer_from(&app, A, Some("192.0.2.77"), "d-2").await;
    assert_eq!(direct.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn an_ipv6_client_is_counted_by_its_64() {
    let app = limited("2/1h", "100/1m", ClientAddressPolicy::Peer);
    let in_one_64 = ["[2001:db8:1:2::1]:5000", "[2001:db8:1:2::ffff]:5000"];
    for (n, peer) in in_one_64.iter().enumerate() {
        let response = refer_from(&app, peer, None, &format!("v6-{n}")).await;
        assert_eq!(response.status, StatusCode::CREATED);
    }
    let same = refer_from(&app, "[2001:db8:1:2:abcd::1]:5000", None, "v6-2").await;
    assert_eq!(same.status, StatusCode::TOO_MANY_REQUESTS);
    let next = refer_from(&app, "[2001:db8:1:3::1]:5000", None, "v6-3").await;
    assert_eq!(next.status, StatusCode::CREATED);
}

/// The sign-in route as the inbox wires it (`rate_limit`'s module example): the POST limited, with
/// the inbox's HTML page over the limit; the GET not.
#[tokio::test]
async fn the_sign_in_layer_answers_the_inbox_page_and_limits_only_what_it_is_given() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::new(dir.path().join("site"));
    config.rate_limits.sign_in = quota("2/1m");
    let db = crate::helpers::TestDb::new(dir.path());
    let store = db.open();
    let state = AppState::new(store, config, default_questionnaire());
    let router: Router = Router::new()
        .route(
            paths::SIGN_IN,
            get(|| async { "the sign-in page" })
                .merge(post(|| async { "signed in" }).layer(rate_limit::sign_in(&state))),
        )
        .with_state(state);
    let request = |method: &str, peer: &str| {
        let mut request = Request::builder()
            .method(method)
            .uri(paths::SIGN_IN)
            .body(Body::empty())
            .unwrap();
        from(&mut request, peer, None);
        request
    };

    for _ in 0..2 {
        let response = send_to(router.clone(), request("POST", A)).await;
        assert_eq!(response.status, StatusCode::OK);
    }
    let refused = send_to(router.clone(), request("POST", A)).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = refused.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=31).contains(&retry_after), "{retry_after}");
    assert!(refused
        .header("content-type")
        .is_some_and(|t| t.starts_with("text/html")));
    let page = String::from_utf8_lossy(&refused.body);
    assert!(page.contains("<title>Too many attempts"), "{page}");
    assert_eq!(page.matches("<h1").count(), 1, "{page}");
    assert!(
        page.contains(&format!("href=\"{}\"", paths::SIGN_IN)),
        "{page}"
    );
    // The inbox's security headers, as on every inbox page.
    assert_eq!(refused.header("cache-control"), Some("no-store"));
    assert_eq!(refused.header("x-frame-options"), Some("DENY"));
    assert!(refused
        .header("content-security-policy")
        .is_some_and(|csp| csp.contains("frame-ancestors 'none'")));

    for _ in 0..5 {
        let page = send_to(router.clone(), request("GET", A)).await;
        assert_eq!(
            page.status,
            StatusCode::OK,
            "reading the page is not limited"
        );
    }
    let other = send_to(router.clone(), request("POST", B)).await;
    assert_eq!(other.status, StatusCode::OK);
}

#[tokio::test]
async fn serve_limits_by_the_socket_peer_with_its_flags_and_refuses_a_header_without_proxies() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("signpost.db");
    let (mut child, base) = serve(|command| {
        command
            .arg("--db")
            .arg(&db)
            .args(["--site", "no-site", "--rate-limit-referrals", "2/1h"]);
    });
    let client = reqwest::Client::new();
    let mut statuses = Vec::new();
    for n in 0..3 {
        let response = client
            .post(format!("{base}/api/v1/referrals"))
            .header("content-type", "application/json")
            .header("idempotency-key", format!("bin-{n}"))
            // Not believed: serve was not told of a proxy.
            .header("x-forwarded-for", format!("192.0.2.{n}"))
            .body(valid_fixture().text)
            .send()
            .await
            .unwrap();
        statuses.push(response.status().as_u16());
        if n == 2 {
            assert!(response.headers().contains_key("retry-after"));
            let body: serde_json::Value = response.json().await.unwrap();
            assert_eq!(body["code"], "rate_limited");
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(statuses, [201, 201, 429]);

    for (flags, says) in [
        (
            &["--trusted-proxy-header", "X-Forwarded-For"][..],
            "--trusted-proxy CIDR",
        ),
        (
            &["--trusted-proxy", "10.0.0.0/8"][..],
            "--trusted-proxy-header",
        ),
        (&["--trusted-proxy", "proxy.example"][..], "10.0.0.0/8"),
        (&["--rate-limit-referrals", "0/1h"][..], "N/PERIOD"),
    ] {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_signpost-server"))
            .args(["serve", "--addr", "127.0.0.1:0", "--db"])
            .arg(&db)
            .args(flags)
            .output()
            .unwrap();
        assert!(!output.status.success(), "{flags:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(says), "{flags:?}: {stderr}");
    }
}
