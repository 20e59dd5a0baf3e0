//! Notifications wired into the service: a referral POSTed to the API is stored with its email
//! queued in the same transaction, the worker sends it to the practice's team through a real SMTP
//! server (aiosmtpd, `smtp.rs`), and nothing about the person travels. The same through the
//! binary's own flags, and a practice without a team address logged by reference only.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::sync::Arc;

use axum::http::StatusCode;
use axum::Router;
use serde_json::Value;
use signpost_core::default_questionnaire;
use signpost_server::inbox::paths;
use signpost_server::notify::{self, NotifyArgs, NotifySettings, SmtpMailer, Worker};
use signpost_server::store::Store;
use signpost_server::{app, AppState, Config};
use tempfile::TempDir;

use crate::helpers::{
    fixtures, personal_data, referral_request, send_to, sql_rows, Fixture, TestDb, TestResponse,
};
use crate::notify::{
    args, assert_nothing_about_the_person, checked, worker_settings, EVERY_OTHER_TEAM, INBOX,
    PRACTICE_TEAM,
};
use crate::smtp::{eventually, free_port, Received, SmtpSink};

const BIN: &str = env!("CARGO_BIN_EXE_signpost-server");

/// The service with notifications on, as `serve` puts it together, and its worker running
/// (with quick retries, so a test sees several attempts in a fraction of a second).
struct NotifyingApp {
    dir: TempDir,
    db: TestDb,
    router: Router,
    worker: Worker,
}

impl NotifyingApp {
    fn start(settings: NotifySettings) -> NotifyingApp {
        let dir = tempfile::tempdir().unwrap();
        let db = TestDb::new(dir.path());
        let store: Arc<dyn Store> = db.open();
        let worker = worker_settings(&settings);
        let mailer = SmtpMailer::new(&settings.smtp).unwrap();
        let notifier = notify::Notifier::new(settings, worker.wake.clone());
        let state = AppState::new(
            Arc::clone(&store),
            Config::new(dir.path().join("site")),
            default_questionnaire(),
        )
        .with_notifier(notifier);
        let router = app(state);
        let worker = notify::spawn(store, mailer, worker);
        NotifyingApp {
            dir,
            db,
            router,
            worker,
        }
    }

    async fn post(&self, key: &str, body: &str) -> TestResponse {
        let request = referral_request(Some(key), Some("application/json"), body.to_owned());
        send_to(self.router.clone(), request).await
    }

    /// POSTs a referral that must be accepted; its reference.
    async fn refer(&self, key: &str, body: &str) -> String {
        let response = self.post(key, body).await;
        assert_eq!(response.status, StatusCode::CREATED, "{}", response.json());
        response.json()["reference"].as_str().unwrap().to_owned()
    }

    /// `(reference, kind, attempts, sent)` of each queued email, oldest first.
    fn outbox(&self) -> Vec<(String, String, u32, bool)> {
        sql_rows(
            self.db.location(),
            "SELECT r.reference, n.kind, n.attempts, CASE WHEN n.sent_at IS NULL THEN 0 ELSE 1 END
               FROM notifications n JOIN referrals r ON r.id = n.referral_id ORDER BY n.id",
        )
        .into_iter()
        .map(|row| {
            let text = |i: usize| row[i].clone().unwrap();
            (text(0), text(1), text(2).parse().unwrap(), text(3) == "1")
        })
        .collect()
    }

    /// Stops the worker: every send it began is finished and recorded.
    async fn stop(self) -> TempDir {
        self.worker.stop().await;
        self.dir
    }
}

/// A fixture's text, perhaps answering yes to "Do you need help urgently today?".
fn body(fixture: &Fixture, urgent: bool) -> String {
    let mut json = fixture.json();
    if urgent {
        json["answers"]["urgent"] = "yes".into();
    }
    json.to_string()
}

fn subject(received: &Received) -> &str {
    received.header("Subject").unwrap()
}

#[tokio::test]
async fn each_referral_posted_brings_its_practice_one_email_of_its_kind_and_nothing_about_the_person(
) {
    let sink = SmtpSink::start();
    let app = NotifyingApp::start(checked(args(sink.port())));
    let mut sent = BTreeMap::new();
    for fixture in fixtures("valid") {
        for urgent in [false, true] {
            let key = format!("{}-{urgent}", fixture.name);
            let reference = app.refer(&key, &body(&fixture, urgent)).await;
            let practice = fixture.json()["practice"].as_str().unwrap().to_owned();
            sent.insert(
                reference,
                (
                    fixture.name.clone(),
                    urgent,
                    practice,
                    personal_data(&fixture),
                ),
            );
        }
    }
    let received = sink.wait_for(sent.len()).await;
    app.stop().await;
    let received_after_stop = sink.received();
    assert_eq!(
        received_after_stop.len(),
        sent.len(),
        "exactly one email a referral"
    );

    for (reference, (name, urgent, practice, personal)) in &sent {
        let mine: Vec<&Received> = received
            .iter()
            .filter(|r| subject(r).ends_with(reference.as_str()))
            .collect();
        assert_eq!(
            mine.len(),
            1,
            "{name} urgent={urgent}: one email for {reference}"
        );
        let email = mine[0];
        let context = format!(
            "{name} urgent={urgent}:\n{}",
            String::from_utf8_lossy(&email.raw)
        );
        let team = if practice == "43210" {
            PRACTICE_TEAM
        } else {
            EVERY_OTHER_TEAM
        };
        assert_eq!(email.rcpt_tos, [team], "{context}");
        if *urgent {
            assert_eq!(
                subject(email),
                format!("URGENT: a referral asks for help today — {reference}"),
                "{context}"
            );
            assert_eq!(email.header("Importance"), Some("high"), "{context}");
        } else {
            let practice = practice.to_ascii_uppercase();
            assert_eq!(
                subject(email),
                format!("New referral for practice {practice} — {reference}"),
                "{context}"
            );
            assert!(!email.text.contains("URGENT"), "{context}");
        }
        // The link opens the referral's page in the inbox, under --inbox-url.
        let link = format!("{INBOX}referrals/{reference}");
        assert!(email.text.contains(&format!("\n{link}\n")), "{context}");
        let path = format!("{}/referrals/{reference}", paths::ROOT);
        assert!(link.ends_with(&path), "{link} is the inbox's {path}");
        assert_nothing_about_the_person(email, personal);
    }
}

#[tokio::test]
async fn an_idempotent_retry_is_answered_the_same_and_sends_nothing_more() {
    let sink = SmtpSink::start();
    let app = NotifyingApp::start(checked(args(sink.port())));
    let fixture = &fixtures("valid")[0];
    let text = body(fixture, true);
    let reference = app.refer("retry-1", &text).await;
    sink.wait_for(1).await;

    for _ in 0..3 {
        let replay = app.post("retry-1", &text).await;
        assert_eq!(replay.status, StatusCode::CREATED);
        assert_eq!(replay.header("idempotent-replayed"), Some("true"));
        assert_eq!(replay.json()["reference"], reference.as_str());
    }
    assert_eq!(
        app.outbox(),
        [(reference.clone(), "urgent".into(), 1, true)]
    );
    app.stop().await;
    let received = sink.received();
    assert_eq!(
        received.len(),
        1,
        "one email, however often the referral is retried"
    );
    assert!(subject(&received[0]).ends_with(&reference));
}

#[tokio::test]
async fn with_the_smtp_server_down_a_posted_referral_is_acknowledged_and_its_email_sent_once_when_it_is_back(
) {
    let port = free_port();
    let app = NotifyingApp::start(checked(args(port)));
    let fixture = &fixtures("valid")[0];
    // The referral does not wait on the mail server: it is acknowledged once it is stored.
    let reference = app.refer("down-1", &body(fixture, false)).await;

    // Nothing listens: each attempt fails, is recorded, and is tried again later.
    eventually(|| {
        app.outbox()
            .pop()
            .filter(|(_, _, attempts, _)| *attempts >= 3)
    })
    .await;
    assert!(!app.outbox()[0].3, "not sent while the server is down");

    let sink = SmtpSink::start_on(port);
    let received = sink.wait_for(1).await;
    eventually(|| app.outbox().pop().filter(|(_, _, _, sent)| *sent)).await;
    app.stop().await;
    assert_eq!(sink.received().len(), 1, "delivered exactly once");
    assert!(subject(&received[0]).ends_with(&reference));
}

#[tokio::test]
async fn serve_sends_through_its_own_flags_logs_a_practice_without_a_team_by_reference_only_and_stops_cleanly(
) {
    let sink = SmtpSink::start();
    let dir = tempfile::tempdir().unwrap();
    // Only practice 43210 has a team: gla-east's referrals are stored and nobody is emailed.
    let NotifyArgs { from, .. } = args(sink.port());
    let db = TestDb::new(dir.path());
    let mut child = Command::new(BIN)
        .args(["serve", "--addr", "127.0.0.1:0", "--db"])
        .arg(db.location())
        .arg("--site")
        .arg(dir.path().join("no-site"))
        .args(["--notify-team", &format!("43210={PRACTICE_TEAM}")])
        .args(["--notify-from", &from.unwrap()])
        .args(["--inbox-url", INBOX])
        .args(["--smtp-host", "127.0.0.1", "--smtp-tls", "none"])
        .args(["--smtp-port", &sink.port().to_string()])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
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

    let client = reqwest::Client::new();
    let mut references = BTreeMap::new();
    for fixture in fixtures("valid") {
        let response = client
            .post(format!("{base}/api/v1/referrals"))
            .header("content-type", "application/json")
            .header("idempotency-key", format!("bin-{}", fixture.name))
            .body(fixture.text.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), reqwest::StatusCode::CREATED);
        let receipt: Value = response.json().await.unwrap();
        let practice = fixture.json()["practice"].as_str().unwrap().to_owned();
        references.insert(
            receipt["reference"].as_str().unwrap().to_owned(),
            (practice, fixture),
        );
    }
    let for_43210 = references.values().filter(|(p, _)| p == "43210").count();
    assert!(for_43210 >= 1 && for_43210 < references.len());
    let received = sink.wait_for(for_43210).await;

    let pid = child.id().to_string();
    let status = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(status.success());
    let exit = child.wait().unwrap();
    assert!(exit.success(), "a clean stop on SIGTERM: {exit}");
    let mut log = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut log)
        .unwrap();

    assert_eq!(
        sink.received().len(),
        for_43210,
        "one email for each of 43210's referrals"
    );
    for (reference, (practice, fixture)) in &references {
        let emailed = received
            .iter()
            .any(|r| subject(r).ends_with(reference.as_str()));
        assert_eq!(emailed, practice == "43210", "{reference} ({practice})");
        let warned: Vec<&str> = log
            .lines()
            .filter(|l| l.contains(reference.as_str()))
            .collect();
        if practice == "43210" {
            assert!(warned.is_empty(), "{warned:?}");
            continue;
        }
        assert_eq!(warned.len(), 1, "{log}");
        assert!(warned[0].contains("no team address"), "{}", warned[0]);
        let upper = practice.to_ascii_uppercase();
        assert!(
            !warned[0].contains(practice.as_str()) && !warned[0].contains(&upper),
            "{}",
            warned[0]
        );
        for value in personal_data(fixture) {
            assert!(!log.contains(&value), "{value:?} is in the log:\n{log}");
        }
    }
}
