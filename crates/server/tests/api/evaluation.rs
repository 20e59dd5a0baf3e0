//! The minimum dataset (issue 12) as `signpost-server export --format csv` writes it: only the
//! referrals that agreed to evaluation, nothing that identifies anyone, every cell safe to open
//! in a spreadsheet and read back whole by a CSV parser, and each export in the audit log.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::{json, Value};
use signpost_core::dataset::COLUMNS;
use signpost_core::workflow::{Closure, Move, Outcome, Status};
use signpost_server::store::casework::{NewOnwardReferral, NewStatusChange};
use signpost_server::store::{AuditAction, AuditQuery};
use time::OffsetDateTime;

use crate::helpers::{canonical, fixtures, personal_data, TestApp};

const BIN: &str = env!("CARGO_BIN_EXE_signpost-server");

/// Each fixture's body with consent to evaluation added or taken away.
pub fn consenting(body: &Value, evaluation: bool) -> Value {
    let mut body = body.clone();
    let mut purposes = vec![json!("share_with_service"), json!("contact_me")];
    if evaluation {
        purposes.push(json!("evaluation"));
    }
    body["consent"]["purposes"] = Value::Array(purposes);
    body
}

pub fn export(db: &Path, extra: &[&str]) -> Output {
    let today = OffsetDateTime::now_utc().date();
    let (from, to) = (
        today.previous_day().unwrap().to_string(),
        today.next_day().unwrap().to_string(),
    );
    Command::new(BIN)
        .args([
            "export", "--format", "csv", "--from", &from, "--to", &to, "--db",
        ])
        .arg(db)
        .args(extra)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap()
}

fn records(csv: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    (header, rows)
}

pub async fn move_to(
    app: &TestApp,
    reference: &str,
    from: Status,
    to: Status,
    closure: Option<Closure>,
) {
    let change = NewStatusChange {
        reference: reference.to_owned(),
        change: Move::check(from, to, closure).unwrap(),
        reason: None,
        by: 1,
        at: OffsetDateTime::now_utc(),
    };
    app.store().change_status(change).await.unwrap();
}

#[tokio::test]
async fn the_dataset_holds_only_consenting_referrals_and_nothing_that_identifies_anyone() {
    let app = TestApp::new();
    let mut identifying = Vec::new();
    let mut consented = Vec::new();
    for (n, fixture) in fixtures("valid").iter().enumerate() {
        let body = fixture.json();
        let with = app
            .refer(&format!("with-{n}"), &consenting(&body, true))
            .await;
        let without = app
            .refer(&format!("without-{n}"), &consenting(&body, false))
            .await;
        // What identifies the person, as sent and as stored; needs and the organisation are
        // columns of the dataset, so they are not searched for.
        let canonical = serde_json::to_value(canonical(&fixture.text)).unwrap();
        let mut found: Vec<String> = personal_data(fixture)
            .into_iter()
            .filter(|value| {
                let needs = canonical["answers"]["needs"].as_array().unwrap();
                !needs.iter().any(|need| need == value.as_str())
                    && canonical["organisation"].as_str() != Some(value.as_str())
            })
            .collect();
        if let Some(address) = canonical["answers"]["address"].as_str() {
            found.extend(address.lines().map(str::to_owned));
        }
        found.push(with.clone());
        found.push(without);
        identifying.extend(found);
        consented.push(with);
    }
    move_to(&app, &consented[0], Status::New, Status::Contacted, None).await;
    move_to(
        &app,
        &consented[0],
        Status::Contacted,
        Status::Closed,
        Some(Closure::Completed(Outcome::SupportGiven)),
    )
    .await;

    let out = export(&app.db_path(), &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let csv = String::from_utf8(out.stdout).unwrap();
    let (header, rows) = records(&csv);
    let names: Vec<&str> = COLUMNS.iter().map(|c| c.name).collect();
    assert_eq!(header, names, "the dictionary's columns, in order");
    assert_eq!(
        rows.len(),
        consented.len(),
        "only the referrals that agreed to evaluation"
    );
    for value in &identifying {
        assert!(!csv.contains(value.as_str()), "the CSV holds {value:?}");
    }
    // What it does hold: bands and districts, not dates and postcodes.
    let column = |name: &str| names.iter().position(|n| *n == name).unwrap();
    let districts: Vec<&str> = rows
        .iter()
        .map(|r| r[column("postcode_district")].as_str())
        .collect();
    assert!(
        districts.contains(&"G42") && districts.contains(&"EH1"),
        "{districts:?}"
    );
    let bands = [
        "under_18", "18_24", "25_34", "35_44", "45_54", "55_64", "65_74", "75_plus",
    ];
    assert!(rows
        .iter()
        .all(|r| bands.contains(&r[column("age_band")].as_str())));
    let closed = rows
        .iter()
        .find(|r| r[column("closure")] == "completed")
        .unwrap();
    assert_eq!(closed[column("outcome")], "support_given");
    assert!(closed[column("status_history")].starts_with("contacted:0.0;closed:0.0"));

    // The export is in the audit log: its format and row count, never its contents.
    let log = app
        .store()
        .audit_log(AuditQuery {
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    let entry = log
        .iter()
        .find(|e| e.action == AuditAction::Exported)
        .unwrap();
    let detail = entry.detail.as_deref().unwrap();
    assert!(
        detail.starts_with(&format!("format=csv rows={} ", consented.len())),
        "{detail}"
    );
    assert_eq!(entry.actor, None);
}

#[tokio::test]
async fn cells_that_a_spreadsheet_would_run_are_neutralised_and_awkward_text_round_trips() {
    let app = TestApp::new();
    let assisted = fixtures("valid")
        .into_iter()
        .find(|f| f.json()["channel"] == "assisted")
        .unwrap()
        .json();
    let organisations = [
        "=HYPERLINK(\"http://x\"), \"Foodbank\"",
        "+44 Community Larder",
        "-1 Hall",
        "@SUM(A1) Trust",
    ];
    let mut references = Vec::new();
    for (n, organisation) in organisations.iter().enumerate() {
        let mut body = consenting(&assisted, true);
        body["organisation"] = json!(organisation);
        references.push(app.refer(&format!("org-{n}"), &body).await);
    }
    // Onward kinds are the service's own words; the store keeps whatever it was given.
    for kind in ["=cmd|' /C calc'!A0", "food,\n\"parcels\""] {
        let onward = NewOnwardReferral {
            reference: references[0].clone(),
            kind: kind.to_owned(),
            link: None,
            by: 1,
            at: OffsetDateTime::now_utc(),
        };
        assert!(app.store().add_onward_referral(onward).await.unwrap());
    }

    let out = export(&app.db_path(), &["--practice", "43210"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let csv = String::from_utf8(out.stdout).unwrap();
    let (header, rows) = records(&csv);
    let column = |name: &str| header.iter().position(|n| n == name).unwrap();
    let shown: Vec<&str> = rows
        .iter()
        .map(|r| r[column("organisation")].as_str())
        .collect();
    assert_eq!(
        shown,
        organisations.map(|o| format!("'{o}")),
        "each read back whole, with a ' so no spreadsheet runs it"
    );
    assert_eq!(
        rows[0][column("onward_referrals")],
        "'=cmd|' /C calc'!A0:not_yet;food,\n\"parcels\":not_yet"
    );
    // No cell, once parsed, starts with what a spreadsheet would run.
    for row in &rows {
        for cell in row {
            assert!(!cell.starts_with(['=', '+', '@', '\t', '\r']), "{cell:?}");
            assert!(
                !cell.starts_with('-') || cell.parse::<f64>().is_ok(),
                "{cell:?}"
            );
        }
    }

    // Another practice's export has none of them.
    let other = export(&app.db_path(), &["--practice", "99999"]);
    let (_, rows) = records(&String::from_utf8(other.stdout).unwrap());
    assert!(rows.is_empty());
}

#[test]
fn the_command_refuses_what_it_cannot_export() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("none.db");
    let out = export(&missing, &[]);
    assert!(!out.status.success());
    assert!(!missing.exists(), "no database is made by an export");
    let backwards = Command::new(BIN)
        .args([
            "export",
            "--format",
            "csv",
            "--from",
            "2026-03-01",
            "--to",
            "2026-02-01",
            "--db",
        ])
        .arg(&missing)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&backwards.stderr).contains("is after --to"));
    let bad_day = Command::new(BIN)
        .args([
            "export",
            "--format",
            "csv",
            "--from",
            "1/2/2026",
            "--to",
            "2026-02-01",
        ])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&bad_day.stderr).contains("is not a day like 2026-01-31"));
}
