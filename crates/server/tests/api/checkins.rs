//! Follow-up check-ins (journey 3): links issued for a referral, `GET` and `POST
//! /api/v1/checkins/{token}`, single use, expiry, and the change since the start.

use std::sync::{Arc, Barrier};

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Value};
use signpost_core::{Checkin, Instrument, RawCheckin};
use signpost_server::api::MAX_JSON_BODY_BYTES;
use signpost_server::followup::{self, IssueError};
use signpost_server::store::{Answered, CheckinAnswer, LinkClosed, Lookup};
use signpost_server::token::TokenHash;
use signpost_server::wellbeing::Wellbeing;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use tokio::task::JoinSet;

use crate::helpers::{
    checkin_body, checkin_request, send_to, valid_fixture, with_wellbeing, TestApp,
};

/// Item responses to `instrument` that sum to `raw`: all 1s, then filled up from the first item.
fn items_summing_to(instrument: Instrument, raw: u8) -> Vec<u8> {
    let mut items = vec![1u8; instrument.item_count()];
    let mut extra = raw - instrument.item_count() as u8;
    for item in items.iter_mut() {
        let add = extra.min(4);
        *item += add;
        extra -= add;
    }
    assert_eq!(extra, 0, "{raw} is out of range");
    items
}

/// A referral whose baseline check-in sums to `raw` on `instrument`, and a follow-up link for it.
async fn referral_with_link(app: &TestApp, instrument: Instrument, raw: u8) -> (String, String) {
    let body = with_wellbeing(instrument, &items_summing_to(instrument, raw));
    let reference = app.refer(&format!("baseline-{raw}"), &body).await;
    let token = app.issue_checkin(&reference, 30).await;
    (reference, token.as_str().to_owned())
}

/// A referral whose check-in was skipped, and a follow-up link for it.
async fn skipped_referral_with_link(app: &TestApp) -> (String, String) {
    let mut body = valid_fixture().json();
    body.as_object_mut().unwrap().remove("wellbeing");
    let reference = app.refer("skipped", &body).await;
    let token = app.issue_checkin(&reference, 30).await;
    (reference, token.as_str().to_owned())
}

/// Every check-in row, every column as text, read through a connection of the test's own.
fn checkin_rows(app: &TestApp) -> Vec<Vec<Option<String>>> {
    app.sql(
        "SELECT id, referral_id, token_sha256, instrument, created_at, expires_at, used_at,
                items, CAST(score AS TEXT), CAST(raw AS TEXT), language FROM checkins ORDER BY id",
    )
}

fn answered_count(app: &TestApp) -> usize {
    checkin_rows(app)
        .iter()
        .filter(|row| row[6].is_some())
        .count()
}

fn set_expires_at(app: &TestApp, token: &str, expires_at: &str) {
    let changed = app.sql_execute(&format!(
        "UPDATE checkins SET expires_at = '{expires_at}' WHERE token_sha256 = '{}'",
        TokenHash::of(token).as_str()
    ));
    assert_eq!(changed, 1);
}

#[tokio::test]
async fn a_token_is_256_random_bits_and_only_its_hash_is_stored() {
    let app = TestApp::new();
    let (reference, token) = referral_with_link(&app, Instrument::Swemwbs, 20).await;
    assert_eq!(token.len(), 43, "{token}");
    assert!(
        token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
        "URL-safe base64 without padding: {token}"
    );
    let bytes = URL_SAFE_NO_PAD.decode(&token).unwrap();
    assert!(bytes.len() * 8 >= 128, "at least 128 bits");
    assert_eq!(bytes.len(), 32);

    let second = app.issue_checkin(&reference, 30).await;
    assert_ne!(second.as_str(), token, "each link has its own token");

    let rows = checkin_rows(&app);
    assert_eq!(rows.len(), 2);
    let row = &rows[0];
    assert_eq!(row[2].as_deref(), Some(TokenHash::of(&token).as_str()));
    assert_eq!(row[3].as_deref(), Some("swemwbs"), "the baseline's scale");
    for row in &rows {
        for value in row.iter().flatten() {
            assert!(!value.contains(&token), "the token is stored: {row:?}");
        }
    }
    let created = OffsetDateTime::parse(row[4].as_deref().unwrap(), &Rfc3339).unwrap();
    let expires = OffsetDateTime::parse(row[5].as_deref().unwrap(), &Rfc3339).unwrap();
    assert_eq!(expires - created, time::Duration::days(30));
    assert!(row[6..].iter().all(Option::is_none), "unanswered: {row:?}");

    // Nowhere in the database's files either, the write-ahead log included.
    for suffix in ["", "-wal"] {
        let path = format!("{}{suffix}", app.db_path().display());
        if let Ok(bytes) = std::fs::read(&path) {
            let found = bytes.windows(token.len()).any(|w| w == token.as_bytes());
            assert!(!found, "the token is in {path}");
        }
    }
}

#[tokio::test]
async fn a_link_for_an_unknown_referral_is_refused() {
    let app = TestApp::new();
    let issued = followup::issue(app.store(), "SP-2345-6789", 30).await;
    assert!(
        matches!(issued, Err(IssueError::UnknownReference)),
        "{issued:?}"
    );
    assert!(checkin_rows(&app).is_empty());
}

#[tokio::test]
async fn get_names_the_scale_and_whether_there_is_a_baseline_and_nothing_personal() {
    let app = TestApp::new();
    let (reference, token) = referral_with_link(&app, Instrument::Swemwbs, 20).await;
    let response = app.get_checkin(&token).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.json());
    assert_eq!(
        response.json(),
        json!({ "instrument": "swemwbs", "has_baseline": true })
    );
    assert_eq!(response.header("cache-control"), Some("no-store"));
    let text = String::from_utf8_lossy(&response.body).into_owned();
    let fixture = valid_fixture().json();
    for personal in [
        reference.as_str(),
        fixture["answers"]["name"].as_str().unwrap(),
        fixture["answers"]["date_of_birth"].as_str().unwrap(),
        fixture["answers"]["postcode"].as_str().unwrap(),
        fixture["organisation"].as_str().unwrap(),
    ] {
        assert!(!text.contains(personal), "{personal} in {text}");
    }

    let (_, wemwbs) = referral_with_link(&app, Instrument::Wemwbs, 42).await;
    assert_eq!(
        app.get_checkin(&wemwbs).await.json(),
        json!({ "instrument": "wemwbs", "has_baseline": true })
    );
}

#[tokio::test]
async fn an_unknown_token_is_404() {
    let app = TestApp::new();
    let (_, token) = referral_with_link(&app, Instrument::Wemwbs, 42).await;
    // The real token with its last character changed (to another that still decodes to 32 bytes):
    // a fixed "A" would be the real token one run in sixteen.
    let last = if token.ends_with('A') { 'E' } else { 'A' };
    let near_miss = format!("{}{last}", &token[..42]);
    assert_ne!(near_miss, token);
    for unknown in [
        near_miss.as_str(),
        "nope",
        "%FF%FE",
        &URL_SAFE_NO_PAD.encode([0u8; 32]),
    ] {
        app.get_checkin(unknown)
            .await
            .assert_error(StatusCode::NOT_FOUND, "checkin_unknown", None);
        app.post_checkin(
            unknown,
            checkin_body(Instrument::Wemwbs, &[3; 14]).to_string(),
        )
        .await
        .assert_error(StatusCode::NOT_FOUND, "checkin_unknown", None);
    }
    assert_eq!(answered_count(&app), 0);
}

#[tokio::test]
async fn an_expired_link_is_gone() {
    let app = TestApp::new();
    let body = with_wellbeing(Instrument::Wemwbs, &[3; 14]);
    let reference = app.refer("expired", &body).await;
    // Zero days: expired as soon as it is made.
    let at_once = app.issue_checkin(&reference, 0).await;
    app.get_checkin(at_once.as_str())
        .await
        .assert_error(StatusCode::GONE, "checkin_expired", None);

    // A 30-day link whose time has run out (set through the database).
    let later = app.issue_checkin(&reference, 30).await;
    assert_eq!(app.get_checkin(later.as_str()).await.status, StatusCode::OK);
    set_expires_at(&app, later.as_str(), "2020-01-01T00:00:00.000Z");
    app.get_checkin(later.as_str())
        .await
        .assert_error(StatusCode::GONE, "checkin_expired", None);
    let response = app
        .post_checkin(
            later.as_str(),
            checkin_body(Instrument::Wemwbs, &[4; 14]).to_string(),
        )
        .await;
    response.assert_error(StatusCode::GONE, "checkin_expired", None);
    assert_eq!(answered_count(&app), 0);
}

#[tokio::test]
async fn wemwbs_follow_up_reports_a_meaningful_change() {
    let app = TestApp::new();
    let (reference, token) = referral_with_link(&app, Instrument::Wemwbs, 42).await;
    let items = items_summing_to(Instrument::Wemwbs, 45);
    let response = app
        .post_checkin(&token, checkin_body(Instrument::Wemwbs, &items).to_string())
        .await;
    assert_eq!(response.status, StatusCode::CREATED, "{}", response.json());
    let result = response.json();
    let received_at = app.find(&reference).await.unwrap().received_at;
    assert_eq!(result["instrument"], "wemwbs");
    assert_eq!(
        result["scores"][0],
        json!({ "at": received_at, "score": 42.0, "kind": "baseline" })
    );
    assert_eq!(result["scores"][1]["score"], 45.0);
    assert_eq!(result["scores"][1]["kind"], "follow_up");
    assert_eq!(result["scores"].as_array().unwrap().len(), 2);
    let at = result["scores"][1]["at"].as_str().unwrap();
    assert!(
        at.ends_with('Z') && OffsetDateTime::parse(at, &Rfc3339).is_ok(),
        "{at}"
    );
    assert_eq!(result["change"], 3.0);
    assert_eq!(result["meaningful"], true);
    let keys: Vec<_> = result.as_object().unwrap().keys().cloned().collect();
    assert_eq!(keys, ["change", "instrument", "meaningful", "scores"]);

    // Stored as the service scored it, with the language and the time it was answered.
    let stored = app.store().checkins_for(&reference).await.unwrap();
    assert_eq!(stored.len(), 1);
    let CheckinAnswer {
        wellbeing,
        language,
    } = stored[0].answer.clone().unwrap();
    assert_eq!(language.as_str(), "en");
    assert_eq!((wellbeing.score, wellbeing.raw), (45.0, 45));
    assert_eq!(wellbeing.items, items);
    assert_eq!(stored[0].used_at.as_deref(), Some(at));
}

#[tokio::test]
async fn wemwbs_follow_up_reports_a_change_within_measurement_error() {
    let app = TestApp::new();
    let (_, token) = referral_with_link(&app, Instrument::Wemwbs, 42).await;
    let items = items_summing_to(Instrument::Wemwbs, 40);
    let result = app
        .post_checkin(&token, checkin_body(Instrument::Wemwbs, &items).to_string())
        .await
        .json();
    assert_eq!(result["change"], -2.0);
    assert_eq!(result["meaningful"], false);
}

#[tokio::test]
async fn swemwbs_changes_are_on_the_metric_score() {
    let app = TestApp::new();
    // Raw 20 is 18.59; raw 24 is 21.54 (a change of 2.95: not meaningful); raw 25 is 22.35 (3.76).
    for (raw, change, meaningful, metric) in [(24, 2.95, false, 21.54), (25, 3.76, true, 22.35)] {
        let body = with_wellbeing(
            Instrument::Swemwbs,
            &items_summing_to(Instrument::Swemwbs, 20),
        );
        let reference = app.refer(&format!("swemwbs-{raw}"), &body).await;
        let token = app.issue_checkin(&reference, 30).await;
        assert_eq!(
            app.get_checkin(token.as_str()).await.json(),
            json!({ "instrument": "swemwbs", "has_baseline": true })
        );
        let items = items_summing_to(Instrument::Swemwbs, raw);
        let response = app
            .post_checkin(
                token.as_str(),
                checkin_body(Instrument::Swemwbs, &items).to_string(),
            )
            .await;
        assert_eq!(response.status, StatusCode::CREATED, "{}", response.json());
        let result = response.json();
        assert_eq!(result["instrument"], "swemwbs");
        assert_eq!(result["scores"][0]["score"], 18.59, "{result}");
        assert_eq!(result["scores"][1]["score"], metric, "{result}");
        assert_eq!(result["change"], change, "{result}");
        assert_eq!(result["meaningful"], meaningful, "{result}");
    }
}

#[tokio::test]
async fn a_skipped_baseline_asks_wemwbs_and_reports_no_change() {
    let app = TestApp::new();
    let (_, token) = skipped_referral_with_link(&app).await;
    assert_eq!(
        app.get_checkin(&token).await.json(),
        json!({ "instrument": "wemwbs", "has_baseline": false })
    );
    let response = app
        .post_checkin(
            &token,
            checkin_body(Instrument::Wemwbs, &[4; 14]).to_string(),
        )
        .await;
    assert_eq!(response.status, StatusCode::CREATED, "{}", response.json());
    let result = response.json();
    assert_eq!(result["scores"].as_array().unwrap().len(), 1);
    assert_eq!(result["scores"][0]["kind"], "follow_up");
    assert_eq!(result["scores"][0]["score"], 56.0);
    assert_eq!(result["change"], Value::Null);
    assert_eq!(result["meaningful"], Value::Null);
}

#[tokio::test]
async fn a_link_works_once() {
    let app = TestApp::new();
    let (reference, token) = referral_with_link(&app, Instrument::Wemwbs, 42).await;
    let first = app
        .post_checkin(
            &token,
            checkin_body(Instrument::Wemwbs, &[4; 14]).to_string(),
        )
        .await;
    assert_eq!(first.status, StatusCode::CREATED);
    let before = checkin_rows(&app);

    let again = app
        .post_checkin(
            &token,
            checkin_body(Instrument::Wemwbs, &[1; 14]).to_string(),
        )
        .await;
    again.assert_error(StatusCode::GONE, "checkin_used", None);
    app.get_checkin(&token)
        .await
        .assert_error(StatusCode::GONE, "checkin_used", None);
    assert_eq!(checkin_rows(&app), before, "nothing changed");

    // Used stays used after its time has also run out.
    set_expires_at(&app, &token, "2020-01-01T00:00:00.000Z");
    app.get_checkin(&token)
        .await
        .assert_error(StatusCode::GONE, "checkin_used", None);

    // Another link for the same referral is a check-in of its own.
    let next = app.issue_checkin(&reference, 30).await;
    let response = app
        .post_checkin(
            next.as_str(),
            checkin_body(Instrument::Wemwbs, &[2; 14]).to_string(),
        )
        .await;
    assert_eq!(response.status, StatusCode::CREATED);
    assert_eq!(answered_count(&app), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_answers_store_one() {
    let app = TestApp::new();
    let (_, token) = referral_with_link(&app, Instrument::Wemwbs, 42).await;
    let mut sends = JoinSet::new();
    for i in 0..8u8 {
        let body = checkin_body(Instrument::Wemwbs, &[1 + i % 5; 14]).to_string();
        let request = checkin_request(&token, Some("application/json"), body);
        sends.spawn(send_to(app.router.clone(), request));
    }
    let responses = sends.join_all().await;
    let created: Vec<_> = responses
        .iter()
        .filter(|r| r.status == StatusCode::CREATED)
        .collect();
    assert_eq!(created.len(), 1, "{responses:?}");
    for response in responses.iter().filter(|r| r.status != StatusCode::CREATED) {
        response.assert_error(StatusCode::GONE, "checkin_used", None);
    }
    let rows = checkin_rows(&app);
    assert_eq!(answered_count(&app), 1);
    // What was stored is what the one acknowledged answer said.
    let score = created[0].json()["scores"][1]["score"].as_f64().unwrap();
    assert_eq!(
        rows[0][8].as_deref().map(|s| s.parse::<f64>().unwrap()),
        Some(score)
    );
}

#[test]
fn two_connections_racing_store_one() {
    // As two processes would: each its own connection to the same file, released together.
    let app = TestApp::new();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (_, token) = runtime.block_on(referral_with_link(&app, Instrument::Wemwbs, 42));
    let hash = TokenHash::of(&token);
    let barrier = Arc::new(Barrier::new(2));
    let threads: Vec<_> = (0..2u8)
        .map(|i| {
            let store = app.another_store();
            let barrier = Arc::clone(&barrier);
            let hash = hash.clone();
            std::thread::spawn(move || {
                let raw: RawCheckin =
                    serde_json::from_value(checkin_body(Instrument::Wemwbs, &[2 + i; 14])).unwrap();
                // Checked and scored as the route does before it stores.
                let checkin = Checkin::parse(raw, Instrument::Wemwbs).unwrap();
                let answer = CheckinAnswer {
                    wellbeing: Wellbeing::score(checkin.responses()),
                    language: checkin.language(),
                };
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                barrier.wait();
                runtime
                    .block_on(store.answer_checkin(&hash, answer, OffsetDateTime::now_utc()))
                    .unwrap()
            })
        })
        .collect();
    let outcomes: Vec<Answered> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    let stored = outcomes
        .iter()
        .filter(|o| matches!(o, Answered::Stored(_)))
        .count();
    let used = outcomes
        .iter()
        .filter(|o| matches!(o, Answered::Closed(LinkClosed::Used)))
        .count();
    assert_eq!((stored, used), (1, 1), "{outcomes:?}");
    assert_eq!(answered_count(&app), 1);
    let lookup = runtime
        .block_on(
            app.store()
                .look_up_checkin(&hash, OffsetDateTime::now_utc()),
        )
        .unwrap();
    assert_eq!(lookup, Lookup::Closed(LinkClosed::Used));
}

#[tokio::test]
async fn invalid_answers_name_the_item_and_leave_the_link_open() {
    let app = TestApp::new();
    let (_, token) = referral_with_link(&app, Instrument::Wemwbs, 42).await;
    let mut out_of_range = [3u8; 14];
    out_of_range[4] = 6;
    let mut wrong_schema = checkin_body(Instrument::Wemwbs, &[3; 14]);
    wrong_schema["schema"] = "signpost.referral/1".into();
    let mut with_score = checkin_body(Instrument::Wemwbs, &[3; 14]);
    with_score["wellbeing"]["score"] = 70.into();
    let mut with_name = checkin_body(Instrument::Wemwbs, &[3; 14]);
    with_name["name"] = "Morag Campbell".into();
    let cases = [
        (
            checkin_body(Instrument::Wemwbs, &out_of_range),
            "wellbeing_out_of_range",
            "wellbeing.items[4]",
        ),
        (
            checkin_body(Instrument::Wemwbs, &[3; 13]),
            "wellbeing_incomplete",
            "wellbeing.items",
        ),
        (
            checkin_body(Instrument::Swemwbs, &[3; 7]),
            "wellbeing_wrong_instrument",
            "wellbeing.instrument",
        ),
        (wrong_schema, "unsupported_schema", "schema"),
        (with_score, "invalid_body", "wellbeing.score"),
        (with_name, "invalid_body", "name"),
        (
            json!({ "schema": "signpost.checkin/1", "language": "en" }),
            "invalid_body",
            "wellbeing",
        ),
    ];
    for (body, code, field) in cases {
        let response = app.post_checkin(&token, body.to_string()).await;
        response.assert_error(StatusCode::UNPROCESSABLE_ENTITY, code, Some(field));
        if code != "invalid_body" {
            let errors = response.json()["errors"].clone();
            assert_eq!(errors[0]["code"], code, "{errors}");
            assert_eq!(errors[0]["field"], field, "{errors}");
        }
    }
    assert_eq!(answered_count(&app), 0);
    assert_eq!(
        app.get_checkin(&token).await.status,
        StatusCode::OK,
        "still open"
    );
}

#[tokio::test]
async fn the_envelope_is_checked_as_for_referrals() {
    let app = TestApp::new();
    let (_, token) = referral_with_link(&app, Instrument::Wemwbs, 42).await;
    let body = checkin_body(Instrument::Wemwbs, &[3; 14]).to_string();
    for content_type in [None, Some("text/plain")] {
        let request = checkin_request(&token, content_type, body.clone());
        app.send(request).await.assert_error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            None,
        );
    }
    let huge = format!("{body}{}", " ".repeat(MAX_JSON_BODY_BYTES));
    app.post_checkin(&token, huge).await.assert_error(
        StatusCode::PAYLOAD_TOO_LARGE,
        "body_too_large",
        None,
    );
    app.post_checkin(&token, "{").await.assert_error(
        StatusCode::BAD_REQUEST,
        "malformed_json",
        None,
    );
    let response = app
        .send(
            Request::builder()
                .method(Method::DELETE)
                .uri(format!("/api/v1/checkins/{token}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    response.assert_error(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", None);
    assert_eq!(answered_count(&app), 0);
    // No idempotency key needed: the token is single-use.
    let response = app.post_checkin(&token, body).await;
    assert_eq!(response.status, StatusCode::CREATED);
}

#[tokio::test]
async fn a_configured_origin_may_get_and_post_check_ins() {
    const PRACTICE: &str = "https://practice.example.scot";
    let app = TestApp::with_config(|c| c.allowed_origins = vec![PRACTICE.parse().unwrap()]);
    let (_, token) = referral_with_link(&app, Instrument::Wemwbs, 42).await;
    let preflight = Request::builder()
        .method(Method::OPTIONS)
        .uri(format!("/api/v1/checkins/{token}"))
        .header(header::ORIGIN, PRACTICE)
        .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
        .header(header::ACCESS_CONTROL_REQUEST_HEADERS, "content-type")
        .body(Body::empty())
        .unwrap();
    let response = app.send(preflight).await;
    assert!(response.status.is_success(), "{}", response.status);
    assert_eq!(
        response.header("access-control-allow-origin"),
        Some(PRACTICE)
    );
    let methods = response.header("access-control-allow-methods").unwrap();
    assert!(
        methods.contains("GET") && methods.contains("POST"),
        "{methods}"
    );

    let get = Request::get(format!("/api/v1/checkins/{token}"))
        .header(header::ORIGIN, PRACTICE)
        .body(Body::empty())
        .unwrap();
    let response = app.send(get).await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(
        response.header("access-control-allow-origin"),
        Some(PRACTICE)
    );

    let elsewhere = Request::get(format!("/api/v1/checkins/{token}"))
        .header(header::ORIGIN, "https://elsewhere.example")
        .body(Body::empty())
        .unwrap();
    assert_eq!(
        app.send(elsewhere)
            .await
            .header("access-control-allow-origin"),
        None
    );
}
