//! The named referral fixtures shared with signpost-core and the browser tests.

use axum::http::StatusCode;
use sha2::{Digest, Sha256};

use crate::helpers::{assert_scored_by_core, canonical, fixtures, TestApp};

#[tokio::test]
async fn every_valid_fixture_is_stored_in_its_canonical_form() {
    let app = TestApp::new();
    for (i, fixture) in fixtures("valid").into_iter().enumerate() {
        let name = &fixture.name;
        let key = format!("valid-{i}");
        let response = app.post_referral(&key, fixture.text.clone()).await;
        assert_eq!(
            response.status,
            StatusCode::CREATED,
            "{name}: {}",
            String::from_utf8_lossy(&response.body)
        );
        let receipt = response.json();
        let reference = receipt["reference"]
            .as_str()
            .unwrap_or_else(|| panic!("{name}: {receipt}"));
        let received_at = receipt["received_at"].as_str().unwrap();
        assert_eq!(receipt.as_object().unwrap().len(), 2, "{name}: {receipt}");

        let canonical = canonical(&fixture.text);

        let stored = app
            .find(reference)
            .await
            .unwrap_or_else(|| panic!("{name}: {reference} was not stored"));
        assert_eq!(
            stored.body,
            serde_json::to_string(&canonical).unwrap(),
            "{name}"
        );
        assert_eq!(stored.received_at, received_at, "{name}");
        assert_eq!(
            stored.consented_at, received_at,
            "{name}: consent is stamped when it arrives"
        );
        assert_eq!(stored.status.as_str(), "new", "{name}");
        assert_eq!(stored.practice, canonical.practice, "{name}");
        assert_eq!(stored.channel.as_str(), fixture.json()["channel"], "{name}");
        assert_eq!(
            stored.organisation.as_deref(),
            fixture.json()["organisation"].as_str(),
            "{name}"
        );
        assert_eq!(
            stored.language.as_str(),
            fixture.json()["language"],
            "{name}"
        );
        assert_eq!(stored.consent_version, canonical.consent.version, "{name}");
        assert_eq!(
            stored.consent_purposes,
            serde_json::to_string(&canonical.consent.purposes).unwrap(),
            "{name}"
        );
        let questionnaire = &fixture.json()["questionnaire"];
        assert_eq!(
            stored.questionnaire,
            Some((
                questionnaire["id"].as_str().unwrap().to_owned(),
                questionnaire["version"].as_str().unwrap().to_owned()
            )),
            "{name}"
        );
        let sent = canonical
            .wellbeing
            .as_ref()
            .map(|w| (w.instrument, w.items.as_slice()));
        assert_scored_by_core(stored.wellbeing.as_ref(), sent);

        let row = app
            .stored()
            .into_iter()
            .find(|row| row.reference == reference)
            .unwrap();
        assert_eq!(row.idempotency_key, key, "{name}");
        let sha256: String = Sha256::digest(fixture.text.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(
            row.body_sha256, sha256,
            "{name}: the hash is of the body as received"
        );
    }
    assert_eq!(app.stored().len(), fixtures("valid").len());
}

#[tokio::test]
async fn every_invalid_fixture_is_refused_for_its_stated_reason() {
    let app = TestApp::new();
    let mut failures = Vec::new();
    for (i, fixture) in fixtures("invalid").into_iter().enumerate() {
        let json = fixture.json();
        let expect = &json["expect"];
        let response = app
            .post_referral(&format!("invalid-{i}"), json["body"].to_string())
            .await;
        let body = response.json();
        let got = (
            response.status.as_u16(),
            body["code"].as_str(),
            body["field"].as_str(),
        );
        let wanted = (
            expect["status"].as_u64().unwrap() as u16,
            expect["code"].as_str(),
            expect["field"].as_str(),
        );
        if got != wanted {
            failures.push(format!(
                "{}: expected {wanted:?}, got {got:?}: {body}",
                fixture.name
            ));
        }
        if body["message"].as_str().is_none_or(str::is_empty) {
            failures.push(format!("{}: no message: {body}", fixture.name));
        }
        if response.status == StatusCode::UNPROCESSABLE_ENTITY && body["code"] != "invalid_body" {
            // A refused referral lists every problem, the first of which is the one above.
            let errors = body["errors"]
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or_default();
            if errors.first().map(|e| (&e["code"], &e["field"]))
                != Some((&body["code"], &body["field"]))
            {
                failures.push(format!(
                    "{}: errors[0] is not the first error: {body}",
                    fixture.name
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} fixtures failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(app.stored().is_empty(), "nothing refused is stored");
}
