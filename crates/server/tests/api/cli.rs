//! The `signpost-server` binary as scripts and the browser journeys use it: `serve` on a free
//! port, the listening line on stdout, `referral show`, and a clean stop on SIGTERM.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::Value;
use signpost_core::{RawReferral, Referral};

use crate::helpers::valid_fixture;

const BIN: &str = env!("CARGO_BIN_EXE_signpost-server");

fn show(reference: &str, db: &Path) -> std::process::Output {
    Command::new(BIN)
        .args(["referral", "show", reference, "--db"])
        .arg(db)
        .output()
        .unwrap()
}

#[tokio::test]
async fn serve_then_show_the_stored_referral_then_stop() {
    let dir = tempfile::tempdir().unwrap();
    // The database's folder does not exist yet: `serve` makes it.
    let db = dir.path().join("data/signpost.db");
    let mut child = Command::new(BIN)
        .args(["serve", "--addr", "127.0.0.1:0", "--site"])
        .arg(dir.path().join("no-site"))
        .env("SIGNPOST_DB", &db)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let base = line
        .trim()
        .strip_prefix("signpost-server listening on ")
        .unwrap_or_else(|| panic!("{line:?}"));
    assert!(
        base.starts_with("http://127.0.0.1:") && !base.ends_with(":0"),
        "{base}"
    );

    let fixture = valid_fixture();
    let response = reqwest::Client::new()
        .post(format!("{base}/api/v1/referrals"))
        .header("content-type", "application/json")
        .header("idempotency-key", "cli-1")
        .body(fixture.text.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), reqwest::StatusCode::CREATED);
    let receipt: Value = response.json().await.unwrap();
    let reference = receipt["reference"].as_str().unwrap();

    // Read while the service is still running: WAL lets the two processes share the file.
    let output = show(reference, &db);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let shown: Value = serde_json::from_slice(&output.stdout).unwrap();
    let canonical = RawReferral::from(
        &Referral::try_from(serde_json::from_str::<RawReferral>(&fixture.text).unwrap()).unwrap(),
    );
    assert_eq!(shown["reference"], reference);
    assert_eq!(shown["received_at"], receipt["received_at"]);
    assert_eq!(shown["status"], "new");
    assert_eq!(shown["channel"], fixture.json()["channel"]);
    assert_eq!(shown["practice"], canonical.practice);
    assert_eq!(shown["language"], fixture.json()["language"]);
    assert_eq!(shown["consent"]["version"], canonical.consent.version);
    assert_eq!(
        shown["consent"]["purposes"],
        serde_json::to_value(&canonical.consent.purposes).unwrap()
    );
    assert_eq!(shown["consent"]["consented_at"], receipt["received_at"]);
    assert_eq!(shown["referral"], serde_json::to_value(&canonical).unwrap());

    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "a graceful stop on SIGTERM: {status}");
}

#[test]
fn show_fails_plainly_for_an_unknown_reference_or_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("signpost.db");
    signpost_server::Db::open(&db).unwrap();

    let unknown = show("SP-2345-6789", &db);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(unknown.stdout.is_empty());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no referral SP-2345-6789"));

    let malformed = show("SP-nope", &db);
    assert_eq!(malformed.status.code(), Some(1));

    let missing_db = dir.path().join("typo.db");
    let no_db = show("SP-2345-6789", &missing_db);
    assert_eq!(no_db.status.code(), Some(1));
    assert!(!missing_db.exists(), "show never creates a database");
}
