//! The benchmark's kill -9 check, short enough for every test run (issue 13): many clients send
//! referrals at once, the service is killed with SIGKILL in the middle, and after a restart every
//! referral that was acknowledged is stored exactly once, under the reference it was given; a
//! retry with the same idempotency key is answered with that same reference.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::cli::{post_referral as send, serve};
use crate::helpers::{sql_rows, valid_fixture, TestDb};

const CLIENTS: usize = 24;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_acknowledged_referral_survives_a_kill_9_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    let test_db = TestDb::new(dir.path());
    let db = test_db.location().to_owned();
    let body = valid_fixture().text;
    let start = |db: &std::path::Path| {
        let db = db.to_owned();
        serve(move |command| {
            command.arg("--db").arg(db).arg("--site").arg("no-site");
        })
    };

    let (mut child, base) = start(&db);
    let acknowledged: Arc<Mutex<BTreeMap<String, String>>> = Arc::default();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let mut clients = Vec::new();
    for c in 0..CLIENTS {
        let (client, base, body, acknowledged) = (
            client.clone(),
            base.clone(),
            body.clone(),
            acknowledged.clone(),
        );
        clients.push(tokio::spawn(async move {
            for n in 0.. {
                let key = format!("durability-{c}-{n}");
                match send(&client, &base, &key, &body).await {
                    Ok(response) if response.status() == reqwest::StatusCode::CREATED => {
                        let receipt: serde_json::Value = match response.json().await {
                            Ok(receipt) => receipt,
                            // Killed between the status line and the body: not acknowledged.
                            Err(_) => return,
                        };
                        let reference = receipt["reference"].as_str().unwrap().to_owned();
                        acknowledged.lock().unwrap().insert(key, reference);
                    }
                    Ok(response) => panic!("{key}: {}", response.status()),
                    // The service is gone: this client's part is over.
                    Err(_) => return,
                }
            }
        }));
    }
    // Kill it once it has acknowledged a good number, mid-stream.
    while acknowledged.lock().unwrap().len() < 200 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    child.kill().unwrap(); // SIGKILL: no graceful shutdown, no flush.
    child.wait().unwrap();
    for client in clients {
        client.await.unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(acknowledged.len() >= 200);

    let (mut child, base) = start(&db);
    let rows = sql_rows(&db, "SELECT idempotency_key, reference FROM referrals");
    let stored: BTreeMap<String, String> = rows
        .iter()
        .map(|row| (row[0].clone().unwrap(), row[1].clone().unwrap()))
        .collect();
    assert_eq!(rows.len(), stored.len(), "one row per key");
    eprintln!(
        "kill -9 after {} acknowledged: {} stored (the rest were in flight, never acknowledged)",
        acknowledged.len(),
        stored.len()
    );
    for (key, reference) in &acknowledged {
        assert_eq!(
            stored.get(key),
            Some(reference),
            "{key} was acknowledged but not stored as given"
        );
    }

    // A retry of an acknowledged referral after the restart gets its reference again.
    let (key, reference) = acknowledged.iter().next().unwrap();
    let retry = send(&client, &base, key, &body).await.unwrap();
    assert_eq!(retry.status(), reqwest::StatusCode::CREATED);
    assert_eq!(
        retry
            .headers()
            .get("idempotent-replayed")
            .and_then(|v| v.to_str().ok()),
        Some("true")
    );
    let receipt: serde_json::Value = retry.json().await.unwrap();
    assert_eq!(receipt["reference"], reference.as_str());

    // The same new key sent twice at once makes one referral, and both hear its reference.
    let (a, b) = tokio::join!(
        send(&client, &base, "durability-twice", &body),
        send(&client, &base, "durability-twice", &body)
    );
    let (a, b): (serde_json::Value, serde_json::Value) = (
        a.unwrap().json().await.unwrap(),
        b.unwrap().json().await.unwrap(),
    );
    assert_eq!(a["reference"], b["reference"], "{a} {b}");
    let twice = sql_rows(
        &db,
        "SELECT count(*) FROM referrals WHERE idempotency_key = 'durability-twice'",
    );
    assert_eq!(twice[0][0].as_deref(), Some("1"));

    child.kill().unwrap();
    child.wait().unwrap();
}
