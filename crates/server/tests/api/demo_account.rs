//! `demo-account` (for the demo only): the account `scripts/run.sh` makes on its first run signs
//! in with the password and authenticator secret it printed, and a second run leaves it be.

use std::process::Command;

use axum::http::StatusCode;
use signpost_server::inbox::auth::totp::TotpSecret;
use signpost_server::inbox::auth::users::AccountEmail;

use crate::helpers::TestApp;
use crate::inbox_helpers::InboxUser;

const BIN: &str = env!("CARGO_BIN_EXE_signpost-server");

fn demo_account(app: &TestApp) -> String {
    let output = Command::new(BIN)
        .args(["demo-account", "--practice", "43210", "--db"])
        .arg(app.db_path())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

fn printed<'a>(out: &'a str, label: &str) -> &'a str {
    out.lines()
        .find_map(|line| line.trim().strip_prefix(label))
        .unwrap_or_else(|| panic!("no {label} in {out}"))
        .trim()
}

#[tokio::test]
async fn the_demo_account_signs_in_with_what_it_printed() {
    let app = TestApp::new();
    let out = demo_account(&app);
    let email = printed(&out, "email:").to_owned();
    let password = printed(&out, "password:").to_owned();
    let secret = TotpSecret::from_base32(printed(&out, "authenticator secret:")).unwrap();
    assert!(
        out.contains("user totp-code --email demo.linkworker@example.scot"),
        "{out}"
    );
    let account = app
        .store()
        .account_by_email(&AccountEmail::parse(&email).unwrap())
        .await
        .unwrap()
        .expect("the account is stored");

    let user = InboxUser {
        id: account.id,
        email,
        password,
        secret,
        recovery_codes: Vec::new(),
    };
    let mut session = user.sign_in(&app).await;
    assert_eq!(session.get("/inbox").await.status, StatusCode::OK);

    let again = demo_account(&app);
    assert_eq!(
        again.trim(),
        "the demo account demo.linkworker@example.scot is there already"
    );
}
