//! The monitoring page and its CSV download (issue 12): behind sign-in, a link worker's own
//! practices only (another practice's code in the address is the inbox's 404), small counts as
//! "fewer than 5", the paired change as signpost-core works it out, and every view and download
//! in the audit log.

use axum::http::StatusCode;
use serde_json::Value;
use signpost_core::evaluation::{summarise, Scores};
use signpost_core::Instrument;
use signpost_server::inbox::auth::users::Role;
use signpost_server::store::{AuditAction, AuditQuery};
use time::OffsetDateTime;

use crate::evaluation::consenting;
use crate::helpers::{checkin_body, fixtures, TestApp};
use crate::inbox_helpers::{InboxSession, InboxUser};

const PAGE: &str = "/inbox/monitoring";
const CSV: &str = "/inbox/monitoring/export.csv";

/// From yesterday to tomorrow, so the referrals just sent are in it whatever the clock says.
fn days() -> String {
    let today = OffsetDateTime::now_utc().date();
    format!(
        "from={}&to={}",
        today.previous_day().unwrap(),
        today.next_day().unwrap()
    )
}

fn self_referral() -> Value {
    fixtures("valid")
        .into_iter()
        .find(|f| f.name == "phone-self-referral")
        .unwrap()
        .json()
}

/// WEMWBS items (1 to 5 each) that add up to `total`.
fn wemwbs_items(total: u8) -> Vec<u8> {
    let mut items = vec![1u8; 14];
    let mut left = total - 14;
    for item in items.iter_mut() {
        let add = left.min(4);
        *item += add;
        left -= add;
    }
    items
}

/// A referral to `practice` agreeing to evaluation, with a WEMWBS baseline of `baseline`.
async fn refer(app: &TestApp, key: &str, practice: &str, baseline: u8) -> String {
    let mut body = consenting(&self_referral(), true);
    body["practice"] = practice.into();
    body["wellbeing"] =
        serde_json::json!({ "instrument": "wemwbs", "items": wemwbs_items(baseline) });
    app.refer(key, &body).await
}

async fn follow_up(app: &TestApp, reference: &str, score: u8) {
    let token = app.issue_checkin(reference, 30).await;
    let answered = app
        .post_checkin(
            token.as_str(),
            checkin_body(Instrument::Wemwbs, &wemwbs_items(score)).to_string(),
        )
        .await;
    assert_eq!(answered.status, StatusCode::CREATED, "{}", answered.text());
}

async fn worker(app: &TestApp, practices: &[&str]) -> InboxSession {
    InboxUser::create(app, Role::LinkWorker, practices)
        .await
        .sign_in(app)
        .await
}

#[tokio::test]
async fn anonymous_visitors_are_sent_to_sign_in() {
    let app = TestApp::new();
    let mut anonymous = InboxSession::anonymous(&app);
    for path in [PAGE, CSV] {
        let response = anonymous.get(path).await;
        assert_eq!(response.status, StatusCode::SEE_OTHER, "{path}");
        assert_eq!(response.location(), Some("/inbox/sign-in"), "{path}");
    }
}

#[tokio::test]
async fn a_link_worker_sees_only_their_practices_and_small_counts_are_withheld() {
    let app = TestApp::new();
    for n in 0..3 {
        refer(&app, &format!("ours-{n}"), "43210", 40).await;
    }
    for n in 0..7 {
        refer(&app, &format!("theirs-{n}"), "GLA-EAST", 40).await;
    }
    let mut session = worker(&app, &["43210"]).await;
    let page = session.get(&format!("{PAGE}?{}", days())).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    assert_eq!(page.header("cache-control"), Some("no-store"));
    let html = page.text();
    assert!(
        html.contains("fewer than 5 referrals,"),
        "three referrals are withheld"
    );
    assert!(
        !html.contains("GLA-EAST"),
        "another practice's code is nowhere on the page"
    );
    assert!(
        !html.contains(">7<") && !html.contains(">10<"),
        "nor its figures"
    );
    assert!(html.contains("practice 43210"));
    assert!(html.contains(r#"role="img""#) && html.contains("<title id=\"months-title\">"));

    // Another practice in the address: refused as the inbox refuses another practice's referral.
    for path in [PAGE, CSV] {
        let refused = session
            .get(&format!("{path}?{}&practice=GLA-EAST", days()))
            .await;
        assert_eq!(refused.status, StatusCode::NOT_FOUND, "{path}");
    }
    // An admin may choose it, and sees its seven.
    let mut admin = InboxUser::create(&app, Role::Admin, &[])
        .await
        .sign_in(&app)
        .await;
    let theirs = admin
        .get(&format!("{PAGE}?{}&practice=gla-east", days()))
        .await;
    assert!(theirs.text().contains("7 referrals,"), "{}", theirs.text());

    let log = app
        .store()
        .audit_log(AuditQuery {
            limit: 50,
            ..Default::default()
        })
        .await
        .unwrap();
    let viewed: Vec<_> = log
        .iter()
        .filter(|e| e.action == AuditAction::ViewedMonitoring)
        .collect();
    assert_eq!(
        viewed.len(),
        2,
        "each page shown is audited, each refusal is not a view"
    );
    assert!(viewed.iter().all(|e| e
        .detail
        .as_deref()
        .unwrap()
        .starts_with("format=page rows=")));
}

#[tokio::test]
async fn bad_days_are_shown_as_errors_beside_their_fields() {
    let app = TestApp::new();
    let mut session = worker(&app, &["43210"]).await;
    let page = session
        .get(&format!("{PAGE}?from=31%2F01%2F2026&to=2026-01-01"))
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    let html = page.text();
    assert!(html.contains("<title>Error: Monitoring"), "{html}");
    assert!(html.contains(r##"href="#from""##));
    assert!(
        html.contains(r#"value="31/01/2026""#),
        "what was typed is shown again"
    );
}

/// The hand-worked example of signpost-core's tests: changes 2, 4, 6, −1, 3, 7 and two people
/// without a follow-up. The page shows what `summarise` makes of them.
#[tokio::test]
async fn the_paired_change_is_core_s_and_the_csv_downloads_for_the_same_choice() {
    let app = TestApp::new();
    let pairs: [(u8, Option<u8>); 8] = [
        (40, Some(42)),
        (38, Some(42)),
        (45, Some(51)),
        (50, Some(49)),
        (30, Some(33)),
        (41, Some(48)),
        (44, None),
        (47, None),
    ];
    for (n, (baseline, later)) in pairs.iter().enumerate() {
        let reference = refer(&app, &format!("pair-{n}"), "43210", *baseline).await;
        if let Some(score) = later {
            follow_up(&app, &reference, *score).await;
        }
    }
    let core = summarise(
        Instrument::Wemwbs,
        &pairs.map(|(b, f)| Scores {
            baseline: f64::from(b),
            follow_up: f.map(f64::from),
        }),
    );
    let change = core.change.unwrap();

    let mut session = worker(&app, &["43210"]).await;
    let page = session.get(&format!("{PAGE}?{}", days())).await;
    let html = page.text();
    let figure = |value: String| format!(r#"sp-monitoring-table__number">{value}</td>"#);
    for expected in [
        format!("+{:.1} points", change.mean),
        format!("+{:.1} to +{:.1} points", change.ci95.0, change.ci95.1),
        format!("{:.0}%", core.completion_rate.unwrap() * 100.0),
        format!("{:.0}%", change.meaningful_share * 100.0),
        "8".to_owned(),
        "6".to_owned(),
        "fewer than 5".to_owned(),
    ] {
        assert!(
            html.contains(&figure(expected.clone())),
            "{expected} in {html}"
        );
    }
    assert_eq!(
        format!("+{:.1} to +{:.1} points", change.ci95.0, change.ci95.1),
        "+0.5 to +6.5 points"
    );
    assert!(html.contains("WEMWBS (14 items, 14 to 70), baseline completed alone"));
    assert!(
        !html.contains("SWEMWBS (7 items"),
        "no scale that nobody answered"
    );
    assert!(html.contains("Fewer than 5 people with a baseline have no follow-up yet"));

    // The download link carries the same choice, and answers the dataset as an attachment.
    let href = format!(r#"href="{CSV}?{}""#, days().replace('&', "&#38;"));
    assert!(
        html.contains(&href),
        "{href} in {}",
        &html[html.find("Download").unwrap() - 300..]
    );
    let csv = session.get(&format!("{CSV}?{}", days())).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
    assert!(csv
        .header("content-disposition")
        .unwrap()
        .starts_with("attachment; filename=\"signpost-dataset-"));
    assert_eq!(csv.header("cache-control"), Some("no-store"));
    let text = csv.text();
    assert_eq!(text.lines().count(), 1 + pairs.len());
    assert!(
        text.contains(",wemwbs,41,no,1,48:0.0,7.00,yes\r\n"),
        "{text}"
    );

    let log = app
        .store()
        .audit_log(AuditQuery {
            limit: 50,
            ..Default::default()
        })
        .await
        .unwrap();
    let exported = log
        .iter()
        .find(|e| e.action == AuditAction::Exported)
        .expect("the download is audited");
    assert!(exported.actor.is_some());
    assert!(exported
        .detail
        .as_deref()
        .unwrap()
        .starts_with("format=csv rows=8 "));
}
