//! `signpost-server user …` and `serve --inbox-addr` as an admin and a script use them: the link
//! printed and nothing secret, the accounts listed without secrets, the demo's code, and the
//! inbox on an address of its own.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Output, Stdio};

use signpost_server::inbox::auth::totp;
use signpost_server::inbox::auth::users::Role;
use signpost_server::store::AuditAction;

use crate::helpers::TestApp;
use crate::inbox_helpers::InboxUser;

const BIN: &str = env!("CARGO_BIN_EXE_signpost-server");

fn user(db: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .arg("user")
        .args(args)
        .arg("--db")
        .arg(db)
        .env("RUST_LOG", "warn")
        .env_remove("SIGNPOST_INBOX_ORIGIN")
        .output()
        .unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

#[tokio::test]
async fn user_add_prints_the_link_only_and_list_shows_no_secret() {
    let dir = tempfile::tempdir().unwrap();
    // The first account may come before the service has ever run.
    let db = dir.path().join("data/signpost.db");
    let added = user(
        &db,
        &[
            "add",
            "--email",
            "Morag@NHS.scot",
            "--role",
            "link-worker",
            "--practice",
            "43210",
            "--practice",
            "gla-east",
        ],
    );
    assert!(added.status.success(), "{}", stderr(&added));
    let out = stdout(&added);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 1, "{out}");
    let token = lines[0]
        .strip_prefix("http://127.0.0.1:8080/inbox/set-password/")
        .unwrap_or_else(|| panic!("{out}"));
    assert_eq!(token.len(), 43);
    assert!(
        !stderr(&added).contains(token),
        "the link is on stdout only"
    );

    let admin = user(
        &db,
        &[
            "add",
            "--email",
            "lead@nhs.scot",
            "--role",
            "admin",
            "--inbox-origin",
            "https://inbox.example.scot",
        ],
    );
    assert!(stdout(&admin).starts_with("https://inbox.example.scot/inbox/set-password/"));

    let list = user(&db, &["list"]);
    assert!(list.status.success());
    assert_eq!(
        stdout(&list),
        "email\trole\tpractices\tstate\n\
         lead@nhs.scot\tadmin\tall\tinvited\n\
         morag@nhs.scot\tlink-worker\t43210, GLA-EAST\tinvited\n"
    );

    for (args, message) in [
        (
            vec!["add", "--email", "morag@nhs.scot", "--role", "admin"],
            "there is already an account for morag@nhs.scot",
        ),
        (
            vec!["add", "--email", "x@nhs.scot", "--role", "link-worker"],
            "Enter the practice code of at least one practice",
        ),
        (
            vec![
                "add",
                "--email",
                "x@nhs.scot",
                "--role",
                "admin",
                "--practice",
                "43210",
            ],
            "An admin sees the referrals of every practice",
        ),
        (
            vec!["add", "--email", "not-an-email", "--role", "admin"],
            "is not an email address",
        ),
        (
            vec!["disable", "--email", "nobody@nhs.scot"],
            "there is no account for nobody@nhs.scot",
        ),
    ] {
        let refused = user(&db, &args);
        assert_eq!(refused.status.code(), Some(1), "{args:?}");
        assert!(
            stderr(&refused).contains(message),
            "{args:?}: {}",
            stderr(&refused)
        );
        assert!(stdout(&refused).is_empty());
    }
    let no_password = user(
        &db,
        &[
            "add",
            "--email",
            "y@nhs.scot",
            "--role",
            "admin",
            "--password",
            "x",
        ],
    );
    assert_eq!(no_password.status.code(), Some(2), "there is no --password");
}

#[tokio::test]
async fn reset_disable_and_the_demo_code_work_on_the_services_database() {
    let app = TestApp::new();
    let worker = InboxUser::create(&app, Role::LinkWorker, &["43210"]).await;
    let mut session = worker.sign_in(&app).await;
    let db = app.db_path();

    let code = user(&db, &["totp-code", "--email", &worker.email]);
    assert!(code.status.success(), "{}", stderr(&code));
    let printed = stdout(&code);
    let printed = printed.trim();
    let now = time::OffsetDateTime::now_utc().unix_timestamp() as u64;
    let window: Vec<String> = [now - 30, now, now + 30]
        .iter()
        .map(|t| totp::current_code(&worker.secret, *t))
        .collect();
    assert!(
        window.iter().any(|c| c == printed),
        "{printed} in {window:?}"
    );
    let help = Command::new(BIN)
        .args(["user", "totp-code", "--help"])
        .output()
        .unwrap();
    let help = stdout(&help);
    assert!(
        help.contains("FOR THE DEMO ONLY") && help.contains("database"),
        "{help}"
    );

    let reset = user(&db, &["reset-password", "--email", &worker.email]);
    assert!(reset.status.success(), "{}", stderr(&reset));
    assert!(stdout(&reset).contains("/inbox/set-password/"));
    assert_eq!(
        session.get("/inbox").await.status,
        axum::http::StatusCode::SEE_OTHER,
        "the reset ended the session"
    );
    let no_code = user(&db, &["totp-code", "--email", &worker.email]);
    assert_eq!(
        no_code.status.code(),
        Some(1),
        "the authenticator went with the reset"
    );

    let disabled = user(&db, &["disable", "--email", &worker.email]);
    assert!(disabled.status.success());
    let list = stdout(&user(&db, &["list"]));
    assert!(list.contains("\tdisabled\n"), "{list}");

    let log = app
        .store()
        .audit_log(signpost_server::store::AuditQuery {
            limit: 50,
            ..Default::default()
        })
        .await
        .unwrap();
    for action in [AuditAction::PasswordReset, AuditAction::AccountDisabled] {
        let entry = log.iter().find(|e| e.action == action).unwrap();
        assert_eq!(entry.actor, None, "the command line");
    }
}

#[tokio::test]
async fn serve_with_inbox_addr_keeps_the_inbox_off_the_public_address() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(BIN)
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--inbox-addr",
            "127.0.0.1:0",
            "--db",
        ])
        .arg(dir.path().join("signpost.db"))
        .arg("--site")
        .arg(dir.path().join("no-site"))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let second = lines.next().unwrap().unwrap();
    let main = first
        .strip_prefix("signpost-server listening on ")
        .unwrap()
        .to_owned();
    let inbox = second
        .strip_prefix("signpost-server inbox listening on ")
        .unwrap_or_else(|| panic!("{second:?}"))
        .to_owned();
    assert_ne!(main, inbox);
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let get = |url: String| {
        let client = client.clone();
        async move { client.get(url).send().await.unwrap() }
    };
    assert_eq!(get(format!("{main}/api/v1/health")).await.status(), 200);
    assert_eq!(get(format!("{main}/inbox/sign-in")).await.status(), 404);
    assert_eq!(get(format!("{inbox}/api/v1/health")).await.status(), 404);
    let sign_in = get(format!("{inbox}/inbox/sign-in")).await;
    assert_eq!(sign_in.status(), 200);
    assert_eq!(sign_in.headers()["cache-control"], "no-store");
    let root = get(format!("{inbox}/")).await;
    assert_eq!(root.status(), 303);
    assert_eq!(root.headers()["location"], "/inbox");
    let nowhere = get(format!("{inbox}/favicon.ico")).await;
    assert_eq!(nowhere.status(), 404);
    assert_eq!(nowhere.headers()["cache-control"], "no-store");
    terminate(child.id());
    assert!(child.wait().unwrap().success(), "a clean stop on SIGTERM");
}

/// SIGTERM, as the service's supervisor would send it.
fn terminate(pid: u32) {
    Command::new("kill").arg(pid.to_string()).status().unwrap();
}

#[test]
fn serve_refuses_an_idle_limit_longer_than_the_session() {
    let output = Command::new(BIN)
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--session-idle-minutes",
            "800",
            "--session-max-hours",
            "12",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output)
        .contains("--session-idle-minutes (800) is longer than --session-max-hours (12)"));
}
