//! Keeping only what is needed (issue 13): a purge deletes referrals closed more than the
//! retention period ago (with everything hanging from them) and follow-up links that expired
//! unused; it keeps everything else, and writes its counts, never contents, to the audit log.

use std::process::Command;

use axum::http::StatusCode;
use signpost_core::workflow::{Closure, Move, Status};
use signpost_core::Instrument;
use signpost_server::retention;
use signpost_server::store::casework::{NewStatusChange, StatusChanged};
use signpost_server::store::{AuditAction, AuditQuery, Purged};
use time::{Duration, OffsetDateTime};

use crate::helpers::{checkin_body, valid_fixture, TestApp};

const BIN: &str = env!("CARGO_BIN_EXE_signpost-server");

async fn close(app: &TestApp, reference: &str, at: OffsetDateTime) {
    let change = NewStatusChange {
        reference: reference.to_owned(),
        change: Move::check(Status::New, Status::Closed, Some(Closure::CouldNotContact)).unwrap(),
        reason: None,
        by: 1,
        at,
    };
    assert_eq!(
        app.store().change_status(change).await.unwrap(),
        StatusChanged::Changed
    );
}

#[tokio::test]
async fn a_purge_deletes_only_what_is_past_its_time_and_audits_the_counts() {
    let app = TestApp::new();
    let body = valid_fixture().json();
    let now = OffsetDateTime::now_utc();
    let old = app.refer("old", &body).await;
    let recent = app.refer("recent", &body).await;
    let open = app.refer("open", &body).await;
    let unknown_close = app.refer("unknown", &body).await;

    app.issue_checkin(&old, 30).await;
    close(&app, &old, now - Duration::days(3 * 365)).await;
    close(&app, &recent, now - Duration::days(365)).await;
    app.sql_execute(&format!(
        "UPDATE referrals SET status = 'closed' WHERE reference = '{unknown_close}'"
    ));
    app.issue_checkin(&recent, 0).await; // expired unused: deleted
    let answered = app.issue_checkin(&recent, 30).await; // used: kept
    let response = app
        .post_checkin(
            answered.as_str(),
            checkin_body(Instrument::Swemwbs, &[3; 7]).to_string(),
        )
        .await;
    assert_eq!(response.status, StatusCode::CREATED);
    app.issue_checkin(&open, 30).await; // unused, expired by the purge's day: deleted
    app.issue_checkin(&open, 60).await; // unused, still open then: kept

    let purged = retention::purge(app.store(), 730, now + Duration::days(40))
        .await
        .unwrap();
    assert_eq!(
        purged,
        Purged {
            referrals: 1,
            follow_up_links: 2,
            kept_without_closing_time: 1
        }
    );
    assert!(app.find(&old).await.is_none());
    assert!(app.store().checkins_for(&old).await.unwrap().is_empty());
    for kept in [&recent, &open, &unknown_close] {
        assert!(app.find(kept).await.is_some(), "{kept}");
    }
    let recent_links = app.store().checkins_for(&recent).await.unwrap();
    assert_eq!(recent_links.len(), 1);
    assert!(recent_links[0].used_at.is_some());
    assert_eq!(app.store().checkins_for(&open).await.unwrap().len(), 1);

    let log = app
        .store()
        .audit_log(AuditQuery {
            limit: 10,
            ..AuditQuery::default()
        })
        .await
        .unwrap();
    let entry = log
        .iter()
        .find(|e| e.action == AuditAction::Purged)
        .expect("the purge is audited");
    assert_eq!(
        entry.detail.as_deref(),
        Some("retention_days=730 referrals=1 follow_up_links=2 kept_without_closing_time=1")
    );
    assert_eq!(entry.reference, None, "counts, never which referral");

    // Nothing more is past its time: a second purge deletes nothing.
    let again = retention::purge(app.store(), 730, now + Duration::days(40))
        .await
        .unwrap();
    assert_eq!((again.referrals, again.follow_up_links), (0, 0));
}

#[test]
fn the_purge_command_reports_its_counts_and_refuses_a_retention_too_short() {
    let dir = tempfile::tempdir().unwrap();
    let test_db = crate::helpers::TestDb::new(dir.path());
    test_db.open();
    let db = test_db.location().to_owned();
    let output = Command::new(BIN)
        .arg("purge")
        .arg("--db")
        .arg(&db)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&output.stdout).trim(),
        "deleted 0 closed referrals and 0 unused expired follow-up links; kept 0 closed before closing times were recorded"
    );
    let short = Command::new(BIN)
        .args(["purge", "--retention-days", "7", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    assert_eq!(short.status.code(), Some(2), "clap refuses it");
}
