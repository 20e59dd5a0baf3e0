//! `backup --to FILE` under load (issue 13): while 16 clients keep sending referrals, a backup is
//! taken of the live database; restored (the service started on the copy), it holds every
//! referral acknowledged before the backup began, each under the reference it was given. On
//! SQLite the copy is a database file; on PostgreSQL a `pg_dump` archive, restored with
//! `pg_restore` into a new database, as README says.

use std::collections::BTreeMap;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use crate::cli::serve;
use crate::helpers::{engine, sql_rows, valid_fixture, Engine, TestDb};

const BIN: &str = env!("CARGO_BIN_EXE_signpost-server");

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_backup_taken_under_load_restores_every_acknowledged_referral() {
    let dir = tempfile::tempdir().unwrap();
    let test_db = TestDb::new(dir.path());
    let db = test_db.location().to_owned();
    let backup = dir.path().join("backup.db");
    let body = valid_fixture().text;
    let (mut child, base) = serve(|command| {
        command.arg("--db").arg(&db).arg("--site").arg("no-site");
    });

    let acknowledged: Arc<Mutex<BTreeMap<String, String>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let client = reqwest::Client::new();
    let mut clients = Vec::new();
    for c in 0..16 {
        let (client, base, body) = (client.clone(), base.clone(), body.clone());
        let (acknowledged, stop) = (acknowledged.clone(), stop.clone());
        clients.push(tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                let key = format!("backup-{c}-{n}");
                n += 1;
                let response = client
                    .post(format!("{base}/api/v1/referrals"))
                    .header("content-type", "application/json")
                    .header("idempotency-key", &key)
                    .body(body.clone())
                    .send()
                    .await
                    .unwrap();
                assert_eq!(response.status(), reqwest::StatusCode::CREATED);
                let receipt: serde_json::Value = response.json().await.unwrap();
                let reference = receipt["reference"].as_str().unwrap().to_owned();
                acknowledged.lock().unwrap().insert(key, reference);
            }
        }));
    }
    while acknowledged.lock().unwrap().len() < 100 {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let before = acknowledged.lock().unwrap().clone();
    let output = tokio::task::spawn_blocking({
        let (db, backup) = (db.clone(), backup.clone());
        move || {
            Command::new(BIN)
                .arg("backup")
                .arg("--db")
                .arg(db)
                .arg("--to")
                .arg(backup)
                .output()
                .unwrap()
        }
    })
    .await
    .unwrap();
    let during = acknowledged.lock().unwrap().len();
    stop.store(true, Ordering::Relaxed);
    for client in clients {
        client.await.unwrap();
    }
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&output.stdout).trim(),
        backup.display().to_string()
    );
    assert!(
        during > before.len(),
        "the clients kept sending during the backup"
    );

    // A second backup to the same file is refused: a backup never overwrites another.
    let again = Command::new(BIN)
        .args(["backup", "--db"])
        .arg(&db)
        .arg("--to")
        .arg(&backup)
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));

    child.kill().unwrap();
    child.wait().unwrap();

    // Restore: the service started on the copy finds every referral acknowledged before it.
    let restored_db = match engine() {
        Engine::Sqlite => None,
        Engine::Postgres => {
            let into = TestDb::new(dir.path());
            let restore = Command::new("pg_restore")
                .args(["--no-owner", "--exit-on-error", "--dbname"])
                .arg(into.location())
                .arg(&backup)
                .output()
                .unwrap();
            assert!(
                restore.status.success(),
                "{}",
                String::from_utf8_lossy(&restore.stderr)
            );
            Some(into)
        }
    };
    let restored_at = restored_db
        .as_ref()
        .map_or(backup.clone(), |db| db.location().to_owned());
    let (mut restored, base) = serve(|command| {
        command
            .arg("--db")
            .arg(&restored_at)
            .arg("--site")
            .arg("no-site");
    });
    let stored: BTreeMap<String, String> = sql_rows(
        &restored_at,
        "SELECT idempotency_key, reference FROM referrals",
    )
    .into_iter()
    .map(|row| (row[0].clone().unwrap(), row[1].clone().unwrap()))
    .collect();
    for (key, reference) in &before {
        assert_eq!(
            stored.get(key),
            Some(reference),
            "{key} missing from the backup"
        );
    }
    let (key, reference) = before.iter().next().unwrap();
    let replay = client
        .post(format!("{base}/api/v1/referrals"))
        .header("content-type", "application/json")
        .header("idempotency-key", key)
        .body(body)
        .send()
        .await
        .unwrap();
    let receipt: serde_json::Value = replay.json().await.unwrap();
    assert_eq!(receipt["reference"], reference.as_str());
    restored.kill().unwrap();
    restored.wait().unwrap();
}
