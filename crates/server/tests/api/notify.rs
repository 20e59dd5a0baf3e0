//! New-referral and urgent emails, sent by the worker through lettre to a real SMTP server
//! (aiosmtpd, `smtp.rs`) on 127.0.0.1: what arrives, that nothing about the person does, and
//! that a server that is down delays an email without losing or doubling it.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use signpost_core::{default_questionnaire, AnswerValue, RawReferral, Referral};
use signpost_server::notify::{
    self, Backoff, Kind, MemoryOutbox, NotifyArgs, NotifySettings, Outbox, Pending, Reference,
    SmtpMailer, TlsMode, WorkerSettings,
};
use signpost_server::reference;
use time::OffsetDateTime;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::helpers::{fixtures, personal_data, today, Fixture};
use crate::smtp::{eventually, free_port, Received, SmtpSink, TestCertificate};

pub const INBOX: &str = "http://127.0.0.1:8080/inbox/";
pub const PRACTICE_TEAM: &str = "team.43210@practice.test";
pub const EVERY_OTHER_TEAM: &str = "links@board.test";

/// The settings `serve` would make from its flags, for a relay on 127.0.0.1:`port`.
fn settings(port: u16) -> NotifySettings {
    checked(args(port))
}

pub fn args(port: u16) -> NotifyArgs {
    NotifyArgs {
        teams: vec![
            format!("43210={PRACTICE_TEAM}"),
            format!("*={EVERY_OTHER_TEAM}"),
        ],
        from: Some("Signpost <signpost@board.test>".into()),
        inbox_url: Some(INBOX.into()),
        smtp_host: Some("127.0.0.1".into()),
        smtp_port: Some(port),
        smtp_tls: TlsMode::None,
        ..NotifyArgs::default()
    }
}

pub fn checked(args: NotifyArgs) -> NotifySettings {
    args.settings()
        .expect("valid settings")
        .expect("notifications are on")
}

/// Quick retries, so a test sees several attempts in a fraction of a second.
pub fn worker_settings(settings: &NotifySettings) -> WorkerSettings {
    WorkerSettings {
        poll: Duration::from_millis(50),
        backoff: Backoff {
            first: Duration::from_millis(50),
            cap: Duration::from_millis(200),
        },
        ..WorkerSettings::new(settings.inbox.clone())
    }
}

/// A fixture as the service checks it, perhaps with "yes" to "Do you need help urgently today?".
fn referral(fixture: &Fixture, urgent: bool) -> Referral {
    let mut raw: RawReferral = serde_json::from_str(&fixture.text).unwrap();
    if urgent {
        raw.answers
            .insert("urgent".into(), AnswerValue::One("yes".into()));
    }
    Referral::parse(raw, &default_questionnaire(), today()).unwrap()
}

/// What the referral route will queue for `referral`, under a fresh reference.
fn pending(settings: &NotifySettings, referral: &Referral) -> Pending {
    let planned = settings.plan(referral).expect("every practice has a team");
    Pending {
        kind: planned.kind,
        reference: Reference::parse(&reference::generate()).unwrap(),
        practice: referral.practice().clone(),
        to: planned.to,
    }
}

pub fn assert_nothing_about_the_person(received: &Received, personal: &BTreeSet<String>) {
    let raw = String::from_utf8_lossy(&received.raw);
    let headers: Vec<String> = received
        .headers
        .iter()
        .map(|(name, value)| format!("{name}: {value}"))
        .collect();
    let decoded = format!("{}\n{}", headers.join("\n"), received.text);
    for value in personal {
        assert!(!raw.contains(value.as_str()), "{value:?} is in:\n{raw}");
        assert!(
            !decoded.contains(value.as_str()),
            "{value:?} is in:\n{decoded}"
        );
    }
}

/// A worker running `notify::run` in a task until `stop` is called.
struct Running {
    stop: oneshot::Sender<()>,
    task: JoinHandle<()>,
}

impl Running {
    fn start(outbox: Arc<MemoryOutbox>, settings: &NotifySettings, worker: WorkerSettings) -> Self {
        let mailer = SmtpMailer::new(&settings.smtp).unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            notify::run(&*outbox, &mailer, &worker, async {
                let _ = stopped.await;
            })
            .await;
        });
        Running { stop, task }
    }

    /// Stops the worker and waits until it has: every send it began is finished and recorded.
    async fn stop(self) {
        self.stop.send(()).unwrap();
        self.task.await.unwrap();
    }
}

fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

#[tokio::test]
async fn each_notification_arrives_with_its_reference_and_link_and_nothing_about_the_person() {
    let sink = SmtpSink::start();
    let settings = settings(sink.port());
    let mailer = SmtpMailer::new(&settings.smtp).unwrap();
    let outbox = MemoryOutbox::new();
    let mut expected = Vec::new();
    for fixture in fixtures("valid") {
        for urgent in [false, true] {
            let pending = pending(&settings, &referral(&fixture, urgent));
            assert_eq!(pending.kind, if urgent { Kind::Urgent } else { Kind::New });
            outbox.enqueue(pending.clone(), now()).await.unwrap();
            expected.push((fixture.name.clone(), personal_data(&fixture), pending));
        }
    }

    let worker = WorkerSettings {
        batch: 100,
        ..worker_settings(&settings)
    };
    let pass = notify::deliver_due(&outbox, &mailer, &worker).await;
    assert_eq!((pass.sent, pass.failed), (expected.len(), 0));
    assert!(outbox.entries().iter().all(|e| e.sent_at.is_some()));

    let received = sink.received();
    assert_eq!(
        received.len(),
        expected.len(),
        "each sent once, and only once"
    );
    for (name, personal, pending) in &expected {
        let reference = pending.reference.as_ref();
        let kind = pending.kind.as_str();
        let message_id = format!("<{reference}.{kind}@board.test>");
        let email = received
            .iter()
            .find(|r| r.header("Message-ID") == Some(message_id.as_str()))
            .unwrap_or_else(|| panic!("{name} {kind}: no message {message_id}"));
        let context = format!("{name} {kind}:\n{}", String::from_utf8_lossy(&email.raw));

        let team = if pending.practice.as_ref() == "43210" {
            PRACTICE_TEAM
        } else {
            EVERY_OTHER_TEAM
        };
        assert_eq!(email.rcpt_tos, [team], "{context}");
        assert_eq!(email.header("To"), Some(team), "{context}");
        assert_eq!(email.mail_from, "signpost@board.test", "{context}");
        assert_eq!(email.header("From"), Some("Signpost <signpost@board.test>"));
        assert_eq!(email.header("Auto-Submitted"), Some("auto-generated"));
        assert!(email
            .header("Content-Type")
            .is_some_and(|t| t.starts_with("text/plain")));
        // Plain 7-bit text on the wire, so the search below sees the body as it is, not
        // quoted-printable with soft line breaks inside a name.
        assert_eq!(email.header("Content-Transfer-Encoding"), Some("7bit"));

        let subject = email.header("Subject").unwrap();
        match pending.kind {
            Kind::Urgent => {
                assert_eq!(
                    subject,
                    format!("URGENT: a referral asks for help today — {reference}"),
                    "{context}"
                );
                assert!(email.text.starts_with("URGENT: "), "{context}");
                assert_eq!(email.header("Importance"), Some("high"));
                assert_eq!(email.header("X-Priority"), Some("1 (Highest)"));
            }
            Kind::New => {
                let practice = pending.practice.as_ref();
                assert_eq!(
                    subject,
                    format!("New referral for practice {practice} — {reference}"),
                    "{context}"
                );
                assert!(!email.text.contains("URGENT"), "{context}");
                assert_eq!(email.header("Importance"), None);
            }
        }
        assert!(
            email.text.contains(&format!("Reference: {reference}\n")),
            "{context}"
        );
        let link = format!("\n{INBOX}referrals/{reference}\n");
        assert!(email.text.contains(&link), "{context}");

        assert_nothing_about_the_person(email, personal);
    }
}

#[tokio::test]
async fn with_the_smtp_server_down_a_notification_stays_queued_and_is_delivered_once_when_it_is_back(
) {
    let port = free_port();
    let settings = settings(port);
    let outbox = Arc::new(MemoryOutbox::new());
    let worker = worker_settings(&settings);
    let wake = worker.wake.clone();
    let running = Running::start(outbox.clone(), &settings, worker);

    let fixture = &fixtures("valid")[0];
    let pending = pending(&settings, &referral(fixture, true));
    outbox.enqueue(pending.clone(), now()).await.unwrap();
    wake.ring();

    // Nothing listens: each attempt fails, is recorded, and is tried again later.
    let entry = eventually(|| outbox.entries().pop().filter(|e| e.attempts >= 3)).await;
    assert_eq!(entry.sent_at, None);
    let error = entry.last_error.unwrap();
    assert!(
        !error.contains(pending.reference.as_ref()),
        "the error is the connection's: {error}"
    );

    let sink = SmtpSink::start_on(port);
    let sent = eventually(|| outbox.entries().pop().filter(|e| e.sent_at.is_some())).await;
    running.stop().await;

    let received = sink.received();
    assert_eq!(received.len(), 1, "delivered exactly once");
    assert_eq!(
        received[0].header("Subject").unwrap(),
        format!(
            "URGENT: a referral asks for help today — {}",
            pending.reference
        )
    );
    assert!(
        sent.attempts >= 4,
        "three failures, then the delivery: {sent:?}"
    );
    assert_eq!(sent.lease, None);
}

#[tokio::test]
async fn two_workers_racing_on_one_outbox_send_each_message_once() {
    let sink = SmtpSink::start();
    let settings = settings(sink.port());
    let outbox = Arc::new(MemoryOutbox::new());
    let fixtures = fixtures("valid");
    let mut references = BTreeSet::new();
    for i in 0..24 {
        let referral = referral(&fixtures[i % fixtures.len()], i % 2 == 0);
        let pending = pending(&settings, &referral);
        references.insert(pending.reference.to_string());
        outbox.enqueue(pending, now()).await.unwrap();
    }

    // One message a claim, so the two claim turn about and race for each one.
    let worker = WorkerSettings {
        batch: 1,
        ..worker_settings(&settings)
    };
    let first = Running::start(outbox.clone(), &settings, worker.clone());
    let second = Running::start(outbox.clone(), &settings, worker);
    eventually(|| {
        outbox
            .entries()
            .iter()
            .all(|e| e.sent_at.is_some())
            .then_some(())
    })
    .await;
    first.stop().await;
    second.stop().await;

    let received = sink.received();
    assert_eq!(received.len(), references.len(), "each message once");
    let subjects: BTreeSet<String> = received
        .iter()
        .map(|r| {
            let subject = r.header("Subject").unwrap();
            subject.rsplit(' ').next().unwrap().to_owned()
        })
        .collect();
    assert_eq!(subjects, references);
    assert!(
        outbox.entries().iter().all(|e| e.attempts == 1),
        "no message was claimed twice"
    );
}

#[tokio::test]
async fn over_starttls_and_implicit_tls_the_relay_must_prove_who_it_is() {
    let certificate = TestCertificate::localhost();
    for (mode, tls) in [("starttls", TlsMode::Starttls), ("implicit", TlsMode::Tls)] {
        let sink = SmtpSink::start_tls(mode, &certificate);
        // The relay's certificate names localhost, so that is the host to connect to.
        let with_tls = |ca_file: Option<&std::path::Path>| {
            checked(NotifyArgs {
                smtp_host: Some("localhost".into()),
                smtp_tls: tls,
                smtp_ca_file: ca_file.map(Into::into),
                ..args(sink.port())
            })
        };
        let fixture = &fixtures("valid")[0];

        // The system's roots alone do not trust a certificate from the test's own CA: nothing
        // is sent in the clear instead, and the message stays queued.
        let untrusted = with_tls(None);
        let outbox = MemoryOutbox::new();
        let worker = worker_settings(&untrusted);
        let mailer = SmtpMailer::new(&untrusted.smtp).unwrap();
        outbox
            .enqueue(pending(&untrusted, &referral(fixture, true)), now())
            .await
            .unwrap();
        let pass = notify::deliver_due(&outbox, &mailer, &worker).await;
        assert_eq!((pass.sent, pass.failed), (0, 1), "{mode}");
        let entry = outbox.entries().pop().unwrap();
        assert!(entry.sent_at.is_none(), "{mode}");
        let error = entry.last_error.unwrap();
        assert!(error.contains("certificate"), "{mode}: {error}");
        assert!(sink.received().is_empty(), "{mode}");

        // With the relay's CA given, the message goes, encrypted.
        let trusted = with_tls(Some(&certificate.ca));
        let mailer = SmtpMailer::new(&trusted.smtp).unwrap();
        let outbox = MemoryOutbox::new();
        let pending = pending(&trusted, &referral(fixture, false));
        outbox.enqueue(pending.clone(), now()).await.unwrap();
        let pass = notify::deliver_due(&outbox, &mailer, &worker).await;
        assert_eq!(
            (pass.sent, pass.failed),
            (1, 0),
            "{mode}: {:?}",
            outbox.entries()
        );
        let received = sink.wait_for(1).await;
        assert_eq!(received.len(), 1, "{mode}");
        assert!(
            received[0]
                .header("Subject")
                .unwrap()
                .ends_with(pending.reference.as_ref()),
            "{mode}"
        );
    }
}
