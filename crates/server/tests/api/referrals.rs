//! `POST /api/v1/referrals`: idempotency, the request's envelope, and durability.

use axum::http::StatusCode;
use serde_json::Value;
use signpost_server::api::MAX_JSON_BODY_BYTES;

use tokio::task::JoinSet;

use crate::helpers::{referral_request, send_to, valid_fixture, TestApp};

#[tokio::test]
async fn an_answer_to_a_question_that_was_not_asked_is_refused() {
    let app = TestApp::new();
    let mut body = valid_fixture().json();
    let needs: Vec<&str> = body["answers"]["needs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    // Asked only of someone who chose caring; this body did not.
    assert!(!needs.contains(&"caring"), "{needs:?}");
    body["answers"]["caring_has_support"] = "no".into();
    let response = app.post_referral("not-asked", body.to_string()).await;
    response.assert_error(
        StatusCode::UNPROCESSABLE_ENTITY,
        "answer_unexpected",
        Some("answers.caring_has_support"),
    );

    // A question the questionnaire does not have at all is refused the same way.
    let mut body = valid_fixture().json();
    body["answers"]["nhs_number"] = "9434765919".into();
    let response = app
        .post_referral("unknown-question", body.to_string())
        .await;
    response.assert_error(
        StatusCode::UNPROCESSABLE_ENTITY,
        "answer_unexpected",
        Some("answers.nhs_number"),
    );
    assert!(app.stored().is_empty());
}

#[tokio::test]
async fn the_service_checks_against_its_own_questionnaire() {
    let mut json: Value = serde_json::from_str(signpost_core::DEFAULT_QUESTIONNAIRE).unwrap();
    json["version"] = "local-2".into();
    let own = signpost_core::Questionnaire::parse(&json.to_string()).unwrap();
    let app = TestApp::with_questionnaire(own);

    // Answers to the shipped questionnaire's version are not answers to this one.
    let shipped = valid_fixture().json();
    let response = app.post_referral("shipped", shipped.to_string()).await;
    response.assert_error(
        StatusCode::UNPROCESSABLE_ENTITY,
        "questionnaire_unknown",
        Some("questionnaire"),
    );

    let mut local = shipped;
    local["questionnaire"]["version"] = "local-2".into();
    let response = app.post_referral("local", local.to_string()).await;
    assert_eq!(response.status, StatusCode::CREATED, "{}", response.json());
    let stored = app
        .find(response.json()["reference"].as_str().unwrap())
        .await
        .unwrap();
    assert_eq!(
        stored.questionnaire,
        Some((json["id"].as_str().unwrap().to_owned(), "local-2".into()))
    );
}

#[tokio::test]
async fn a_retry_with_the_same_key_gets_the_same_reference_and_stores_one_row() {
    let app = TestApp::new();
    let body = valid_fixture().text;
    let first = app.post_referral("retry-1", body.clone()).await;
    assert_eq!(first.status, StatusCode::CREATED);
    assert_eq!(first.header("idempotent-replayed"), None);

    let again = app.post_referral("retry-1", body).await;
    assert_eq!(again.status, StatusCode::CREATED);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(
        again.json(),
        first.json(),
        "the same reference and received_at"
    );
    assert_eq!(app.stored().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn racing_retries_store_one_row() {
    let app = TestApp::new();
    let body = valid_fixture().text;
    let mut sends = JoinSet::new();
    for _ in 0..8 {
        let request = referral_request(Some("racing"), Some("application/json"), body.clone());
        sends.spawn(send_to(app.router.clone(), request));
    }
    let responses = sends.join_all().await;
    assert!(responses.iter().all(|r| r.status == StatusCode::CREATED));
    let references: Vec<Value> = responses
        .iter()
        .map(|r| r.json()["reference"].clone())
        .collect();
    assert!(
        references.windows(2).all(|w| w[0] == w[1]),
        "{references:?}"
    );
    assert_eq!(
        responses
            .iter()
            .filter(|r| r.header("idempotent-replayed").is_none())
            .count(),
        1
    );
    assert_eq!(app.stored().len(), 1);
}

#[tokio::test]
async fn the_same_key_with_a_different_body_is_refused() {
    let app = TestApp::new();
    let mut body = valid_fixture().json();
    assert_eq!(
        app.post_referral("reused", body.to_string()).await.status,
        StatusCode::CREATED
    );
    body["answers"]["name"] = "Someone Else".into();
    let response = app.post_referral("reused", body.to_string()).await;
    response.assert_error(
        StatusCode::UNPROCESSABLE_ENTITY,
        "idempotency_key_reused",
        Some("Idempotency-Key"),
    );
    assert_eq!(app.stored().len(), 1);
}

#[tokio::test]
async fn the_idempotency_key_is_required_and_plain() {
    let app = TestApp::new();
    let body = valid_fixture().text;
    let missing = app
        .send(referral_request(
            None,
            Some("application/json"),
            body.clone(),
        ))
        .await;
    missing.assert_error(
        StatusCode::BAD_REQUEST,
        "idempotency_key_missing",
        Some("Idempotency-Key"),
    );
    for key in ["", "has space", "semi;colon", &"k".repeat(129)] {
        let response = app.post_referral(key, body.clone()).await;
        response.assert_error(
            StatusCode::BAD_REQUEST,
            "idempotency_key_malformed",
            Some("Idempotency-Key"),
        );
    }
    assert_eq!(
        app.post_referral(&"k".repeat(128), body).await.status,
        StatusCode::CREATED
    );
    assert_eq!(app.stored().len(), 1);
}

#[tokio::test]
async fn the_body_must_be_declared_as_json() {
    let app = TestApp::new();
    let body = valid_fixture().text;
    for content_type in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        None,
    ] {
        let response = app
            .send(referral_request(Some("ct"), content_type, body.clone()))
            .await;
        response.assert_error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            None,
        );
    }
    let with_charset = app
        .send(referral_request(
            Some("ct"),
            Some("application/json; charset=utf-8"),
            body,
        ))
        .await;
    assert_eq!(with_charset.status, StatusCode::CREATED);
}

#[tokio::test]
async fn bodies_over_64_kib_are_refused_and_up_to_it_accepted() {
    let app = TestApp::new();
    let body = valid_fixture().text;
    // JSON allows trailing whitespace, so pad a valid referral to exactly the limit.
    let at_limit = format!("{body}{}", " ".repeat(MAX_JSON_BODY_BYTES - body.len()));
    assert_eq!(at_limit.len(), 64 * 1024);
    assert_eq!(
        app.post_referral("at-limit", at_limit.clone()).await.status,
        StatusCode::CREATED
    );

    let over = format!("{at_limit} ");
    let response = app.post_referral("over-limit", over).await;
    response.assert_error(StatusCode::PAYLOAD_TOO_LARGE, "body_too_large", None);
    assert_eq!(app.stored().len(), 1);
}

#[tokio::test]
async fn malformed_json_is_a_bad_request() {
    let app = TestApp::new();
    let trailing = format!("{} {{}}", valid_fixture().text);
    for text in ["", "{", "{\"schema\": }", "not json", "[1,", &trailing] {
        let response = app.post_referral("malformed", text.to_owned()).await;
        response.assert_error(StatusCode::BAD_REQUEST, "malformed_json", None);
    }
}

#[tokio::test]
async fn a_body_of_the_wrong_shape_names_the_field() {
    let app = TestApp::new();
    let mut body = valid_fixture().json();
    body["consent"]["purposes"] = serde_json::json!("contact_me");
    let response = app.post_referral("shape", body.to_string()).await;
    response.assert_error(
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_body",
        Some("consent.purposes"),
    );

    let response = app.post_referral("shape", "[]").await;
    response.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_body", None);
}

#[tokio::test]
async fn a_stored_referral_survives_a_restart() {
    let app = TestApp::new();
    let body = valid_fixture().text;
    let receipt = app.post_referral("durable", body.clone()).await.json();
    let reference = receipt["reference"].as_str().unwrap().to_owned();

    let app = app.restart();
    let stored = app
        .find(&reference)
        .await
        .expect("still there after a restart");
    assert_eq!(stored.received_at, receipt["received_at"]);
    // The idempotency record survives too: a late retry still gets the same answer.
    let again = app.post_referral("durable", body).await;
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(again.json(), receipt);
}

#[tokio::test]
async fn a_real_client_over_a_real_socket() {
    let app = TestApp::new();
    let base = app.serve().await;
    let client = reqwest::Client::new();
    let body = valid_fixture().text;
    let send = || {
        client
            .post(format!("{base}/api/v1/referrals"))
            .header("content-type", "application/json")
            .header("idempotency-key", "socket-1")
            .body(body.clone())
            .send()
    };
    let first = send().await.unwrap();
    assert_eq!(first.status(), reqwest::StatusCode::CREATED);
    let receipt: Value = first.json().await.unwrap();
    let reference = receipt["reference"].as_str().unwrap();
    assert!(
        signpost_server::reference::is_well_formed(reference),
        "{reference}"
    );

    let second = send().await.unwrap();
    assert_eq!(second.headers()["idempotent-replayed"], "true");
    assert_eq!(second.json::<Value>().await.unwrap(), receipt);

    let health: Value = client
        .get(format!("{base}/api/v1/health"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["status"], "ok");
    assert_eq!(app.stored().len(), 1);
}
