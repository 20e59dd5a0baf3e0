//! The `signpost-server` binary as scripts and the browser journeys use it: `serve` on a free
//! port, the listening line on stdout, `referral show`, and a clean stop on SIGTERM.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use serde_json::{json, Value};
use signpost_core::{Responses, Score};

use axum::http::StatusCode;

use crate::helpers::{canonical, fixtures, valid_fixture, TestApp};

const BIN: &str = env!("CARGO_BIN_EXE_signpost-server");

pub fn show(reference: &str, db: &Path) -> std::process::Output {
    Command::new(BIN)
        .args(["referral", "show", reference, "--db"])
        .arg(db)
        .output()
        .unwrap()
}

/// Starts `signpost-server serve` as `configure` sets it up, with its stdout piped; returns the
/// child and the address from its first line, "signpost-server listening on …".
pub fn serve(configure: impl FnOnce(&mut Command)) -> (Child, String) {
    start_serve(configure, Stdio::null())
}

/// As [`serve`], with everything the service logs (stderr) written to a file, returned open for
/// reading from its start. `RUST_LOG` is `warn` unless `configure` says otherwise.
pub fn serve_with_log(configure: impl FnOnce(&mut Command)) -> (Child, String, std::fs::File) {
    let log = tempfile::tempfile().unwrap();
    let reader = log.try_clone().unwrap();
    let (child, base) = start_serve(configure, Stdio::from(log));
    (child, base, reader)
}

/// POSTs `body` as a referral with `key` to a service started by [`serve`] at `base`.
pub async fn post_referral(
    client: &reqwest::Client,
    base: &str,
    key: &str,
    body: &str,
) -> reqwest::Result<reqwest::Response> {
    client
        .post(format!("{base}/api/v1/referrals"))
        .header("content-type", "application/json")
        .header("idempotency-key", key)
        .body(body.to_owned())
        .send()
        .await
}

fn start_serve(configure: impl FnOnce(&mut Command), stderr: Stdio) -> (Child, String) {
    let mut command = Command::new(BIN);
    command
        .args(["serve", "--addr", "127.0.0.1:0"])
        .env("RUST_LOG", "warn")
        // The tests send hundreds of referrals from one address. What `configure` sets (a flag,
        // as `rate_limits.rs` gives one, or these variables) wins.
        .env("SIGNPOST_RATE_LIMIT_REFERRALS", "1000000/1s")
        .env("SIGNPOST_RATE_LIMIT_CHECKINS", "1000000/1s");
    configure(&mut command);
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let base = line
        .trim()
        .strip_prefix("signpost-server listening on ")
        .unwrap_or_else(|| panic!("{line:?}"))
        .to_owned();
    (child, base)
}

#[tokio::test]
async fn serve_then_show_the_stored_referral_then_stop() {
    let dir = tempfile::tempdir().unwrap();
    // The database's folder does not exist yet: `serve` makes it.
    let db = dir.path().join("data/signpost.db");
    let (mut child, base) = serve(|command| {
        command
            .arg("--site")
            .arg(dir.path().join("no-site"))
            .env("SIGNPOST_DB", &db);
    });
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
    let canonical = canonical(&fixture.text);
    assert_eq!(shown["reference"], reference);
    assert_eq!(shown["received_at"], receipt["received_at"]);
    assert_eq!(shown["status"], "new");
    assert_eq!(shown["channel"], fixture.json()["channel"]);
    assert_eq!(shown["organisation"], fixture.json()["organisation"]);
    assert_eq!(shown["organisation"], "Southside Foodbank");
    assert_eq!(shown["practice"], canonical.practice);
    assert_eq!(shown["language"], fixture.json()["language"]);
    assert_eq!(shown["consent"]["version"], canonical.consent.version);
    assert_eq!(
        shown["consent"]["purposes"],
        serde_json::to_value(&canonical.consent.purposes).unwrap()
    );
    assert_eq!(shown["consent"]["consented_at"], receipt["received_at"]);
    assert_eq!(shown["referral"], serde_json::to_value(&canonical).unwrap());
    assert_eq!(shown["questionnaire"], fixture.json()["questionnaire"]);
    let expected_wellbeing = match &canonical.wellbeing {
        None => Value::Null,
        Some(w) => {
            let (score, raw) = match Responses::parse(w.instrument, &w.items).unwrap().score() {
                Score::Wemwbs { total } => (json!(total), total),
                // The published table's decimal, as JSON writes it (e.g. 18.59).
                Score::Swemwbs { raw, metric } => {
                    (serde_json::from_str(&metric.to_string()).unwrap(), raw)
                }
            };
            json!({ "instrument": w.instrument, "items": w.items, "score": score, "raw": raw })
        }
    };
    assert_eq!(shown["wellbeing"], expected_wellbeing);

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
    let test_db = crate::helpers::TestDb::new(dir.path());
    test_db.open();
    let db = test_db.location().to_owned();

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

/// A questionnaire file built from the shipped one, changed by `adjust`, in `dir`.
fn questionnaire_file(dir: &Path, adjust: impl FnOnce(&mut Value)) -> std::path::PathBuf {
    let mut json: Value = serde_json::from_str(signpost_core::DEFAULT_QUESTIONNAIRE).unwrap();
    adjust(&mut json);
    let path = dir.join("questionnaire.json");
    std::fs::write(&path, json.to_string()).unwrap();
    path
}

#[test]
fn serve_refuses_to_start_with_a_broken_questionnaire() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("signpost.db");
    let mut question = String::new();
    let path = questionnaire_file(dir.path(), |json| {
        let first = &mut json["pages"][0]["questions"][0];
        question = first["id"].as_str().unwrap().to_owned();
        first["type"] = "slider".into();
    });
    for how in ["flag", "env"] {
        let mut command = Command::new(BIN);
        command
            .args(["serve", "--addr", "127.0.0.1:0", "--db"])
            .arg(&db)
            .env("RUST_LOG", "off");
        if how == "flag" {
            command.arg("--questionnaire").arg(&path);
        } else {
            command.env("SIGNPOST_QUESTIONNAIRE", &path);
        }
        // If it started after all, `output` would wait for ever: a listening line is a failure.
        let output = command.output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{how}: {stderr}");
        assert!(output.stdout.is_empty(), "{how}: it never listened");
        let reason = format!("question \"{question}\" has the unknown type \"slider\"");
        assert!(stderr.contains(&reason), "{how}: {stderr}");
        assert!(stderr.contains("questionnaire.json"), "{how}: {stderr}");
    }
    assert!(!db.exists(), "nothing was created");

    let missing = Command::new(BIN)
        .args(["serve", "--addr", "127.0.0.1:0", "--questionnaire"])
        .arg(dir.path().join("typo.json"))
        .arg("--db")
        .arg(&db)
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("could not read the questionnaire"));
}

#[tokio::test]
async fn serve_checks_referrals_against_its_own_questionnaire() {
    let dir = tempfile::tempdir().unwrap();
    let path = questionnaire_file(dir.path(), |json| json["version"] = "local-3".into());
    let (mut child, base) = serve(|command| {
        command
            .arg("--questionnaire")
            .arg(&path)
            .arg("--db")
            .arg(dir.path().join("signpost.db"));
    });

    let mut body = valid_fixture().json();
    let post = |key: &'static str, body: String| {
        reqwest::Client::new()
            .post(format!("{base}/api/v1/referrals"))
            .header("content-type", "application/json")
            .header("idempotency-key", key)
            .body(body)
            .send()
    };
    let shipped = post("shipped", body.to_string()).await.unwrap();
    assert_eq!(shipped.status(), reqwest::StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        shipped.json::<Value>().await.unwrap()["code"],
        "questionnaire_unknown"
    );
    body["questionnaire"]["version"] = "local-3".into();
    let local = post("local", body.to_string()).await.unwrap();
    assert_eq!(local.status(), reqwest::StatusCode::CREATED);

    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(child.wait().unwrap().success());
}

fn checkin_create(db: &Path, args: &[&str]) -> std::process::Output {
    Command::new(BIN)
        .args(["checkin", "create", "--db"])
        .arg(db)
        .args(args)
        .env("RUST_LOG", "info")
        .output()
        .unwrap()
}

/// The token in a printed follow-up link, after checking the line's shape.
fn token_in(output: &std::process::Output, base: &str) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let stdout = String::from_utf8(output.stdout.clone()).unwrap();
    assert_eq!(stdout.lines().count(), 1, "one line: {stdout:?}");
    let token = stdout
        .trim_end()
        .strip_prefix(&format!("{base}?checkin="))
        .unwrap_or_else(|| panic!("{stdout:?}"))
        .to_owned();
    assert_eq!(token.len(), 43, "{token}");
    assert!(
        !stderr.contains(&token),
        "the log never carries the token: {stderr}"
    );
    token
}

#[tokio::test]
async fn checkin_create_prints_a_link_whose_token_opens_the_check_in() {
    let app = TestApp::new();
    let reference = app.refer("cli-checkin", &valid_fixture().json()).await;

    let output = checkin_create(&app.db_path(), &["--reference", &reference]);
    let token = token_in(&output, "http://127.0.0.1:8080/demo/follow-up.html");
    let response = app.get_checkin(&token).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.json());
    assert_eq!(
        response.json(),
        json!({ "instrument": "swemwbs", "has_baseline": true })
    );

    // Another base URL, and a link that is expired as soon as it is made.
    let output = checkin_create(
        &app.db_path(),
        &[
            "--reference",
            &reference,
            "--valid-days",
            "0",
            "--base-url",
            "https://practice.example.scot/follow-up",
        ],
    );
    let expired = token_in(&output, "https://practice.example.scot/follow-up");
    app.get_checkin(&expired)
        .await
        .assert_error(StatusCode::GONE, "checkin_expired", None);
}

#[test]
fn checkin_create_fails_plainly_for_an_unknown_reference_or_bad_flags() {
    let dir = tempfile::tempdir().unwrap();
    let test_db = crate::helpers::TestDb::new(dir.path());
    test_db.open();
    let db = test_db.location().to_owned();

    let unknown = checkin_create(&db, &["--reference", "SP-2345-6789"]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(unknown.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&unknown.stderr);
    assert!(stderr.contains("no referral SP-2345-6789"), "{stderr}");

    let malformed = checkin_create(&db, &["--reference", "SP-nope"]);
    assert_eq!(malformed.status.code(), Some(1));
    assert!(malformed.stdout.is_empty());

    for bad in [
        ["--valid-days", "367"],
        ["--valid-days", "-1"],
        ["--base-url", "practice.example.scot"],
    ] {
        let mut args = vec!["--reference", "SP-2345-6789"];
        args.extend(bad);
        let output = checkin_create(&db, &args);
        assert_eq!(output.status.code(), Some(2), "{bad:?}: a usage error");
        assert!(output.stdout.is_empty());
    }

    let missing_db = dir.path().join("typo.db");
    let no_db = checkin_create(&missing_db, &["--reference", "SP-2345-6789"]);
    assert_eq!(no_db.status.code(), Some(1));
    assert!(
        !missing_db.exists(),
        "checkin create never creates a database"
    );
}

#[tokio::test]
async fn show_prints_null_for_a_self_referral_organisation() {
    let app = TestApp::new();
    let fixture = fixtures("valid")
        .into_iter()
        .find(|f| f.json()["channel"] == "self")
        .unwrap();
    let reference = app.refer("self", &fixture.json()).await;
    let output = show(&reference, &app.db_path());
    assert!(output.status.success());
    let shown: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(shown["channel"], "self");
    assert_eq!(shown["organisation"], Value::Null);
    assert!(shown.as_object().unwrap().contains_key("organisation"));
}
