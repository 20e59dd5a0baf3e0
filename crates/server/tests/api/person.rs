//! A person's rights (issue 13): `person export` writes everything held about one referral as
//! JSON, `person erase` removes it and what hangs from it; each leaves an audit entry that names
//! the reference and nothing else.

use std::path::Path;
use std::process::{Command, Output};

use axum::http::StatusCode;
use serde_json::Value;
use signpost_core::Instrument;

use crate::helpers::{checkin_body, valid_fixture, TestApp};

const BIN: &str = env!("CARGO_BIN_EXE_signpost-server");

fn person(args: &[&str], db: &Path) -> Output {
    Command::new(BIN)
        .arg("person")
        .args(args)
        .arg("--db")
        .arg(db)
        .output()
        .unwrap()
}

#[tokio::test]
async fn export_holds_everything_and_erase_leaves_only_an_audit_entry() {
    let app = TestApp::new();
    let fixture = valid_fixture();
    let reference = app.refer("person-1", &fixture.json()).await;
    let other = app.refer("person-2", &fixture.json()).await;
    let token = app.issue_checkin(&reference, 30).await;
    let answered = app
        .post_checkin(
            token.as_str(),
            checkin_body(Instrument::Swemwbs, &[4; 7]).to_string(),
        )
        .await;
    assert_eq!(answered.status, StatusCode::CREATED);
    app.issue_checkin(&reference, 30).await; // a second link, not answered
    let db = app.db_path();

    let export = person(&["export", "--reference", &reference], &db);
    assert!(
        export.status.success(),
        "{}",
        String::from_utf8_lossy(&export.stderr)
    );
    let record: Value = serde_json::from_slice(&export.stdout).unwrap();
    assert_eq!(record["schema"], "signpost.person-export/1");
    assert_eq!(record["referral"]["reference"], reference.as_str());
    assert_eq!(
        record["referral"]["referral"]["answers"]["name"],
        fixture.json()["answers"]["name"]
    );
    let follow_ups = record["follow_ups"].as_array().unwrap();
    assert_eq!(follow_ups.len(), 2);
    assert_eq!(
        follow_ups[0]["wellbeing"]["items"],
        serde_json::json!([4, 4, 4, 4, 4, 4, 4])
    );
    assert!(follow_ups[1]["wellbeing"].is_null());
    assert!(!String::from_utf8_lossy(&export.stdout).contains(token.as_str()));
    let actions: Vec<&str> = record["audit"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["person_exported"], "the export lists itself");

    let unconfirmed = person(&["erase", "--reference", &reference], &db);
    assert_eq!(unconfirmed.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&unconfirmed.stderr).contains("--confirm"));
    assert!(
        app.find(&reference).await.is_some(),
        "nothing erased without --confirm"
    );

    let erase = person(&["erase", "--reference", &reference, "--confirm"], &db);
    assert!(
        erase.status.success(),
        "{}",
        String::from_utf8_lossy(&erase.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&erase.stdout).trim(),
        format!("erased {reference}")
    );
    assert!(app.find(&reference).await.is_none());
    assert!(app
        .store()
        .checkins_for(&reference)
        .await
        .unwrap()
        .is_empty());
    assert!(app.find(&other).await.is_some(), "only that referral");
    let orphans = app
        .sql("SELECT count(*) FROM checkins WHERE referral_id NOT IN (SELECT id FROM referrals)");
    assert_eq!(orphans[0][0].as_deref(), Some("0"));
    let left: Vec<(String, Option<String>)> = app
        .sql(&format!(
            "SELECT action, detail FROM audit_log WHERE reference = '{reference}' ORDER BY id"
        ))
        .into_iter()
        .map(|row| (row[0].clone().unwrap(), row[1].clone()))
        .collect();
    assert_eq!(
        left,
        [
            ("person_exported".to_owned(), None),
            ("person_erased".to_owned(), None)
        ]
    );

    let again = person(&["erase", "--reference", &reference, "--confirm"], &db);
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("no referral"));
    let gone = person(&["export", "--reference", &reference], &db);
    assert_eq!(gone.status.code(), Some(1));
}
