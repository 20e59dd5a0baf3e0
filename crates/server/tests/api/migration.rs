//! A database made before questionnaires (migration 0001 only) is brought up to date when the
//! service opens it: its rows are kept, and new referrals are stored with the new columns.

use axum::http::StatusCode;
use rusqlite::Connection;
use rusqlite_migration::{Migrations, M};
use serde_json::{json, Value};
use signpost_core::default_questionnaire;

use crate::cli::show;
use crate::helpers::{valid_fixture, TestApp};

const OLD_REFERENCE: &str = "SP-7K3M-Q9X2";
/// A referral in the first wire format, as the service stored it before questionnaires.
const OLD_BODY: &str = r#"{"schema":"signpost.referral/1","practice":"43210","channel":"self","language":"en","needs":["housing"],"person":{"name":"Morag Campbell"},"contact":{"methods":["phone"],"phone":"07700 900123"},"consent":{"version":"2026-11-01","purposes":["share_with_service","contact_me"]}}"#;

#[tokio::test]
async fn a_database_from_before_questionnaires_is_migrated_and_keeps_its_rows() {
    if crate::helpers::engine() != crate::helpers::Engine::Sqlite {
        eprintln!("SQLite only: this is about SQLite's own older schema");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("signpost.db");
    {
        let mut conn = Connection::open(&path).unwrap();
        Migrations::new(vec![M::up(include_str!(
            "../../src/store/sqlite/migrations/0001_referrals.sql"
        ))])
        .to_latest(&mut conn)
        .unwrap();
        conn.execute(
            "INSERT INTO referrals (reference, idempotency_key, body_sha256, received_at, practice, channel,
                 language, consent_version, consent_purposes, consented_at, body)
             VALUES (?1, 'old-key', ?2, '2026-11-20T09:00:00.000Z', '43210', 'self', 'en', '2026-11-01',
                 '[\"share_with_service\",\"contact_me\"]', '2026-11-20T09:00:00.000Z', ?3)",
            rusqlite::params![OLD_REFERENCE, "a".repeat(64), OLD_BODY],
        )
        .unwrap();
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, 1, "only the first migration");
    }

    let app = TestApp::in_dir(dir, default_questionnaire(), |_| {});
    assert_eq!(app.get("/api/v1/health").await.status, StatusCode::OK);
    let old = app.find(OLD_REFERENCE).await.expect("the old row is kept");
    assert_eq!((old.questionnaire, old.wellbeing), (None, None));
    assert_eq!(old.organisation, None);
    assert_eq!(old.body, OLD_BODY);

    // A late retry of the old referral is still recognised by its key.
    let retry = app.post_referral("old-key", valid_fixture().text).await;
    retry.assert_error(
        StatusCode::UNPROCESSABLE_ENTITY,
        "idempotency_key_reused",
        Some("Idempotency-Key"),
    );

    let fixture = valid_fixture();
    let response = app.post_referral("new-key", fixture.text.clone()).await;
    assert_eq!(response.status, StatusCode::CREATED, "{}", response.json());
    let new = app
        .find(response.json()["reference"].as_str().unwrap())
        .await
        .unwrap();
    assert!(new.questionnaire.is_some());
    assert_eq!(
        new.wellbeing.is_some(),
        fixture.json()["wellbeing"].is_object()
    );

    let version: i64 = Connection::open(app.db_path())
        .unwrap()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    // Every migration shipped since 0001 ran: as many as there are files.
    let shipped = std::fs::read_dir(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src/store/sqlite/migrations"
    ))
    .unwrap()
    .filter(|entry| {
        entry
            .as_ref()
            .unwrap()
            .path()
            .extension()
            .is_some_and(|e| e == "sql")
    })
    .count();
    assert!(shipped >= 5);
    assert_eq!(version, shipped as i64);

    // `referral show` reads the old row too, with nulls for what it never had.
    let output = show(OLD_REFERENCE, &app.db_path());
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let shown: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(shown["questionnaire"], Value::Null);
    assert_eq!(shown["wellbeing"], Value::Null);
    assert_eq!(shown["organisation"], Value::Null);
    assert_eq!(
        shown["referral"],
        serde_json::from_str::<Value>(OLD_BODY).unwrap()
    );
    assert_eq!(
        shown["consent"]["purposes"],
        json!(["share_with_service", "contact_me"])
    );
}
