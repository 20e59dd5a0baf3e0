//! No personal data in logs (issue 13): the service, logging at `debug` (more than it ever would
//! in production), receives every named fixture — valid and invalid — and a follow-up check-in
//! for each valid one; then everything it wrote to its log is searched for each person's name,
//! preferred name, date of birth, postcode, phone (also as bare digits), email, address and free
//! text, and none is found. The browser journeys run the service the same way
//! (`tests/journeys/harness.mjs` searches its log after the widget's journeys too).

use std::io::{Read, Seek};
use std::process::Command;

use crate::cli::serve_with_log;
use crate::helpers::{checkin_body, fixtures, personal_data};
use signpost_core::Instrument;

const BIN: &str = env!("CARGO_BIN_EXE_signpost-server");

#[tokio::test]
async fn nothing_about_a_person_reaches_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let test_db = crate::helpers::TestDb::new(dir.path());
    let db = test_db.location().to_owned();
    let (mut child, base, mut log) = serve_with_log(|command| {
        command
            .arg("--db")
            .arg(&db)
            .arg("--site")
            .arg(dir.path().join("no-site"))
            .env("RUST_LOG", "debug");
    });
    let client = reqwest::Client::new();
    let mut personal = std::collections::BTreeSet::new();
    let mut references = Vec::new();
    for (i, fixture) in fixtures("valid")
        .into_iter()
        .chain(fixtures("invalid"))
        .enumerate()
    {
        let body = match fixture.json().get("expect") {
            Some(_) => fixture.json()["body"].to_string(),
            None => {
                // What identifies the person; not the need areas' codes ("food", "housing"),
                // which name no one and stand in the service's own words (its migrations).
                let json = fixture.json();
                let needs: Vec<&str> = json["answers"]["needs"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter_map(|need| need.as_str())
                    .collect();
                personal.extend(
                    personal_data(&fixture)
                        .into_iter()
                        .filter(|value| !needs.contains(&value.as_str()))
                        .filter(|value| json["organisation"].as_str() != Some(value.as_str())),
                );
                fixture.text.clone()
            }
        };
        let response = client
            .post(format!("{base}/api/v1/referrals"))
            .header("content-type", "application/json")
            .header("idempotency-key", format!("logs-{i}"))
            .body(body)
            .send()
            .await
            .unwrap();
        if response.status() == reqwest::StatusCode::CREATED {
            let receipt: serde_json::Value = response.json().await.unwrap();
            references.push(receipt["reference"].as_str().unwrap().to_owned());
        }
    }
    assert!(references.len() >= 3);
    assert!(personal.len() >= 15, "{personal:?}");
    for reference in &references {
        let output = Command::new(BIN)
            .args(["checkin", "create", "--reference", reference, "--db"])
            .arg(&db)
            .env("RUST_LOG", "debug")
            .output()
            .unwrap();
        assert!(output.status.success());
        let cli_log = String::from_utf8_lossy(&output.stderr).into_owned();
        let link = String::from_utf8(output.stdout).unwrap();
        let token = link.trim().rsplit_once("checkin=").unwrap().1.to_owned();
        assert!(!cli_log.contains(&token), "the token reached the log");
        for instrument in [Instrument::Wemwbs, Instrument::Swemwbs] {
            let items = vec![3; instrument.item_count()];
            client
                .post(format!("{base}/api/v1/checkins/{token}"))
                .header("content-type", "application/json")
                .body(checkin_body(instrument, &items).to_string())
                .send()
                .await
                .unwrap();
        }
        for value in &personal {
            assert!(
                !cli_log.contains(value.as_str()),
                "{value:?} in the CLI's log"
            );
        }
    }
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    child.wait().unwrap();
    let mut written = String::new();
    log.rewind().unwrap();
    log.read_to_string(&mut written).unwrap();
    assert!(
        written.contains("POST"),
        "the log holds the requests: {written}"
    );
    for value in &personal {
        assert!(
            !written.contains(value.as_str()),
            "{value:?} is in the service's log:\n{written}"
        );
    }
}
