//! A person's rights from the inbox (admins only): the download of everything held about a
//! referral is what `signpost-server person export` prints, and erasing it takes the typed
//! reference and a CSRF token, removes the referral and everything stored with it, and leaves one
//! audit entry, as the command line's do, with the admin's account. A link worker gets the 404
//! page for both, as for every admin page.

use std::process::Command;

use axum::http::StatusCode;
use serde_json::Value;
use signpost_core::Instrument;
use signpost_server::inbox::auth::users::Role;
use signpost_server::inbox::paths;
use signpost_server::store::{AuditAction, AuditEntry, AuditQuery};

use crate::helpers::{checkin_body, valid_fixture, TestApp};
use crate::inbox_helpers::{csrf_of, InboxSession, InboxUser, CLIENT};

const BIN: &str = env!("CARGO_BIN_EXE_signpost-server");

fn export_path(reference: &str) -> String {
    paths::of_referral(paths::REFERRAL_PERSON_EXPORT, reference)
}

fn erase_path(reference: &str) -> String {
    paths::of_referral(paths::REFERRAL_ERASE, reference)
}

/// A referral with something hanging from each of its tables: an answered follow-up and an
/// unanswered one, and a note.
async fn referral_with_casework(app: &TestApp, key: &str, admin: &mut InboxSession) -> String {
    let reference = app.refer(key, &valid_fixture().json()).await;
    let token = app.issue_checkin(&reference, 30).await;
    let answered = app
        .post_checkin(
            token.as_str(),
            checkin_body(Instrument::Swemwbs, &[4; 7]).to_string(),
        )
        .await;
    assert_eq!(answered.status, StatusCode::CREATED);
    app.issue_checkin(&reference, 30).await;
    admin.get(&paths::referral(&reference)).await;
    let note = admin
        .post_form(
            &paths::of_referral(paths::REFERRAL_NOTE, &reference),
            &[("text", "Phoned, no answer")],
        )
        .await;
    assert_eq!(note.status, StatusCode::SEE_OTHER, "{}", note.text());
    reference
}

async fn audit_about(app: &TestApp, reference: &str) -> Vec<AuditEntry> {
    app.store()
        .audit_log(AuditQuery {
            reference: Some(reference.to_owned()),
            before: None,
            limit: 500,
        })
        .await
        .unwrap()
}

async fn signed_in(app: &TestApp, role: Role) -> (InboxUser, InboxSession) {
    let practices: &[&str] = match role {
        Role::Admin => &[],
        Role::LinkWorker => &["43210"],
    };
    let user = InboxUser::create(app, role, practices).await;
    let session = user.sign_in(app).await;
    (user, session)
}

#[tokio::test]
async fn an_admins_download_is_what_person_export_prints_and_is_audited_the_same_way() {
    let app = TestApp::new();
    let (admin, mut session) = signed_in(&app, Role::Admin).await;
    let reference = referral_with_casework(&app, "rights-1", &mut session).await;

    let page = session.get(&paths::referral(&reference)).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(html.contains(&format!(r#"href="{}" download"#, export_path(&reference))));
    assert!(html.contains(&format!(r#"href="{}""#, erase_path(&reference))));
    assert!(html.contains("Their rights over this record"));

    let download = session.get(&export_path(&reference)).await;
    assert_eq!(download.status, StatusCode::OK, "{}", download.text());
    assert_eq!(
        download.header("content-type"),
        Some("application/json; charset=utf-8")
    );
    assert_eq!(
        download.header("content-disposition"),
        Some(format!("attachment; filename=\"{reference}-everything-held.json\"").as_str())
    );
    assert_eq!(download.header("cache-control"), Some("no-store"));
    let from_inbox = download.json();

    // The command line's, read straight after: the same record, whose audit list has one more
    // entry at its head, its own.
    let cli = Command::new(BIN)
        .args(["person", "export", "--reference", &reference, "--db"])
        .arg(app.db_path())
        .output()
        .unwrap();
    assert!(
        cli.status.success(),
        "{}",
        String::from_utf8_lossy(&cli.stderr)
    );
    let from_cli: Value = serde_json::from_slice(&cli.stdout).unwrap();
    for key in ["schema", "referral", "follow_ups"] {
        assert_eq!(from_inbox[key], from_cli[key], "{key}");
    }
    let keys =
        |record: &Value| -> Vec<String> { record.as_object().unwrap().keys().cloned().collect() };
    assert_eq!(keys(&from_inbox), keys(&from_cli));
    let cli_audit = from_cli["audit"].as_array().unwrap();
    let inbox_audit = from_inbox["audit"].as_array().unwrap();
    assert_eq!(&cli_audit[1..], inbox_audit.as_slice());
    assert_eq!(from_inbox["referral"]["reference"], reference.as_str());
    assert_eq!(from_inbox["follow_ups"].as_array().unwrap().len(), 2);

    // Each export's own entry, newest first: the same action about the same reference with no
    // detail, the inbox's with the admin's account and address, the command line's with neither.
    let (cli_entry, inbox_entry) = (&cli_audit[0], &inbox_audit[0]);
    for entry in [cli_entry, inbox_entry] {
        assert_eq!(entry["action"], "person_exported");
        assert!(entry["detail"].is_null());
    }
    assert_eq!(inbox_entry["actor"], admin.id.0);
    assert_eq!(inbox_entry["client"], CLIENT);
    assert!(cli_entry["actor"].is_null() && cli_entry["client"].is_null());
    let exports: Vec<_> = audit_about(&app, &reference)
        .await
        .into_iter()
        .filter(|e| e.action == AuditAction::PersonExported)
        .map(|e| (e.actor, e.reference, e.detail))
        .collect();
    assert_eq!(
        exports,
        [
            (None, Some(reference.clone()), None),
            (Some(admin.id.0), Some(reference.clone()), None)
        ]
    );

    // An unknown reference, or something that is not one, is the 404 page.
    for path in [export_path("SP-2222-3333"), export_path("nonsense")] {
        assert_eq!(
            session.get(&path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
}

#[tokio::test]
async fn erasing_takes_the_typed_reference_then_removes_everything_and_leaves_one_audit_entry() {
    let app = TestApp::new();
    let (admin, mut session) = signed_in(&app, Role::Admin).await;
    let reference = referral_with_casework(&app, "rights-2", &mut session).await;
    let other = app.refer("rights-3", &valid_fixture().json()).await;

    let form = session.get(&erase_path(&reference)).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.text());
    let html = form.text();
    assert!(html.contains("<title>Erase this referral – Signpost inbox</title>"));
    assert!(html.contains(&format!("To confirm, type the reference {reference}")));
    assert!(html.contains(&format!(r#"action="{}""#, erase_path(&reference))));
    assert!(html.contains("You cannot undo this."));
    session.csrf = csrf_of(&form);
    let viewed = audit_about(&app, &reference).await;
    assert_eq!(
        (viewed[0].action, viewed[0].detail.as_deref()),
        (AuditAction::ViewedReferral, Some("erase form")),
        "opening the form is a view of the referral"
    );

    // Refused, with the reason, and nothing erased: no reference typed, another one, no token.
    let different = format!("so nothing has been erased: type {reference}</a>");
    for (typed, message) in [
        (
            "  ",
            format!("Type the reference {reference} to erase this referral</a>"),
        ),
        ("SP-2222-3333", different.clone()),
        (other.as_str(), different.clone()),
    ] {
        let refused = session
            .post_form(&erase_path(&reference), &[("reference", typed)])
            .await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{typed:?}"
        );
        let html = refused.text();
        assert!(html.contains("<title>Error: Erase this referral – Signpost inbox</title>"));
        assert!(html.contains(r##"<a href="#reference">"##), "{html}");
        assert!(html.contains(&message), "{typed:?}: {html}");
        assert!(html.contains(r#"<p id="reference-error" class="sp-inbox-error-message">"#));
        assert!(html
            .contains(r#"aria-describedby="reference-hint reference-error" aria-invalid="true""#));
    }
    let no_token = session
        .post_raw(&erase_path(&reference), &[("reference", &reference)])
        .await;
    assert_eq!(no_token.status, StatusCode::FORBIDDEN);
    let wrong_token = session
        .post_raw(
            &erase_path(&reference),
            &[("reference", &reference), ("csrf", "not-the-token")],
        )
        .await;
    assert_eq!(wrong_token.status, StatusCode::FORBIDDEN);
    assert!(app.find(&reference).await.is_some(), "nothing was erased");
    let before = audit_about(&app, &reference).await;
    assert!(before.iter().all(|e| e.action != AuditAction::PersonErased));

    // Typed in small letters with spaces around it: erased, and the list says so.
    let typed = format!(" {} ", reference.to_lowercase());
    let erased = session
        .post_form(&erase_path(&reference), &[("reference", &typed)])
        .await;
    assert_eq!(erased.status, StatusCode::SEE_OTHER, "{}", erased.text());
    let landing = format!("{}?erased={reference}", paths::ROOT);
    assert_eq!(erased.location(), Some(landing.as_str()));
    assert!(app.find(&reference).await.is_none());
    assert!(app
        .store()
        .checkins_for(&reference)
        .await
        .unwrap()
        .is_empty());
    assert!(app.store().case_record(&reference).await.unwrap().is_none());
    assert!(app.find(&other).await.is_some(), "only that referral");
    for table in ["checkins", "notes"] {
        let orphans = app.sql(&format!(
            "SELECT count(*) FROM {table} WHERE referral_id NOT IN (SELECT id FROM referrals)"
        ));
        assert_eq!(orphans[0][0].as_deref(), Some("0"), "{table}");
    }
    let after = audit_about(&app, &reference).await;
    assert_eq!(after.len(), before.len() + 1, "one entry for the erasure");
    let entry = &after[0];
    assert_eq!(
        (
            entry.action,
            entry.actor,
            entry.client.as_deref(),
            entry.detail.as_deref()
        ),
        (
            AuditAction::PersonErased,
            Some(admin.id.0),
            Some(CLIENT),
            None
        )
    );
    assert_eq!(&after[1..], before.as_slice(), "the log before it is kept");

    let list = session.get(&landing).await;
    assert_eq!(list.status, StatusCode::OK);
    let html = list.text();
    assert!(
        html.contains(&format!("Referral {reference} has been erased")),
        "{html}"
    );
    assert!(!html.contains(&format!(r#"href="{}""#, paths::referral(&reference))));

    // Done twice (a second press, another admin): the referral is gone, so the 404 page.
    let again = session
        .post_form(&erase_path(&reference), &[("reference", &reference)])
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
    assert_eq!(audit_about(&app, &reference).await.len(), after.len());
}

#[tokio::test]
async fn the_erased_banner_names_only_what_an_admin_truly_erased() {
    let app = TestApp::new();
    let reference = app.refer("rights-4", &valid_fixture().json()).await;
    let (_, mut admin) = signed_in(&app, Role::Admin).await;
    let (_, mut worker) = signed_in(&app, Role::LinkWorker).await;
    let banner = |html: &str| html.contains("has been erased");
    for session in [&mut admin, &mut worker] {
        let still_there = session
            .get(&format!("{}?erased={reference}", paths::ROOT))
            .await;
        assert!(!banner(&still_there.text()), "it is not erased");
        let malformed = session
            .get(&format!("{}?erased=%3Cb%3E", paths::ROOT))
            .await;
        assert!(!banner(&malformed.text()));
    }
    let never = format!("{}?erased=SP-2222-3333", paths::ROOT);
    assert!(banner(&admin.get(&never).await.text()));
    assert!(
        !banner(&worker.get(&never).await.text()),
        "a link worker learns nothing about which references exist"
    );
}

#[tokio::test]
async fn a_link_worker_gets_the_404_page_for_both_and_nothing_is_erased() {
    let app = TestApp::new();
    let reference = app.refer("rights-5", &valid_fixture().json()).await;
    let (_, mut worker) = signed_in(&app, Role::LinkWorker).await;
    let detail = worker.get(&paths::referral(&reference)).await;
    assert_eq!(
        detail.status,
        StatusCode::OK,
        "their own practice's referral"
    );
    let html = detail.text();
    assert!(!html.contains(&export_path(&reference)));
    assert!(!html.contains(&erase_path(&reference)));
    assert!(!html.contains("Their rights over this record"));
    worker.csrf = csrf_of(&detail);

    let not_found = worker.get("/inbox/no-such-page").await.text();
    let accounts = worker.get(paths::ADMIN_ACCOUNTS).await;
    assert_eq!(
        accounts.status,
        StatusCode::NOT_FOUND,
        "as for other admin pages"
    );
    for page in [
        worker.get(&export_path(&reference)).await,
        worker.get(&erase_path(&reference)).await,
        worker
            .post_form(&erase_path(&reference), &[("reference", &reference)])
            .await,
        worker.post_raw(&erase_path(&reference), &[]).await,
    ] {
        assert_eq!(page.status, StatusCode::NOT_FOUND);
        assert_eq!(
            page.text(),
            not_found,
            "the same page as any unknown address"
        );
    }
    assert!(app.find(&reference).await.is_some());
    assert!(audit_about(&app, &reference)
        .await
        .iter()
        .all(|e| !matches!(
            e.action,
            AuditAction::PersonExported | AuditAction::PersonErased
        )));

    let mut anonymous = InboxSession::anonymous(&app);
    for page in [
        anonymous.get(&export_path(&reference)).await,
        anonymous.get(&erase_path(&reference)).await,
        anonymous
            .post_raw(&erase_path(&reference), &[("reference", &reference)])
            .await,
    ] {
        assert_eq!(page.status, StatusCode::SEE_OTHER);
        assert_eq!(page.location(), Some(paths::SIGN_IN));
    }
}
