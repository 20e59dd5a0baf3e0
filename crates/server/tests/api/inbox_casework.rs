//! Casework through the inbox's routes against real SQLite: who may reach what (another
//! practice's account and any unknown reference get the same 404, anonymous requests go to sign
//! in, forms without their CSRF token get 403), the workflow's moves allowed and refused through
//! the form, the history's who, when and why, notes, onward referrals, the follow-up link shown
//! once and stored hashed, what hostile content looks like, the audit entries, and the
//! migration of a database made before casework.

use axum::http::StatusCode;
use rusqlite::Connection;
use rusqlite_migration::{Migrations, M};
use serde_json::{json, Value};
use signpost_core::default_questionnaire;
use signpost_server::clock::Clock;
use signpost_server::hash::sha256_hex;
use signpost_server::inbox::auth::users::Role;
use signpost_server::inbox::paths;
use signpost_server::store::{AuditAction, AuditQuery};
use time::{Duration, OffsetDateTime};

use crate::helpers::{fixtures, TestApp, TestResponse};
use crate::inbox_helpers::{csrf_of, InboxSession, InboxUser};

const MINE: &str = "43210";
const THEIRS: &str = "99999";

/// The named fixture these tests start from: a self-referral by phone (no voicemail), with a
/// WEMWBS check-in, asking about money and housing.
fn phone_self_referral() -> Value {
    fixtures("valid")
        .into_iter()
        .find(|f| f.name == "phone-self-referral")
        .expect("the fixture")
        .json()
}

/// A valid referral body for `practice`, changed by `answers` (merged over the fixture's; a null
/// removes an answer).
fn body(practice: &str, answers: Value) -> Value {
    let mut body = phone_self_referral();
    body["practice"] = practice.into();
    for (key, value) in answers.as_object().unwrap() {
        match value {
            Value::Null => {
                body["answers"].as_object_mut().unwrap().remove(key);
            }
            value => body["answers"][key] = value.clone(),
        }
    }
    body
}

/// A referral sent through the API, its reference.
async fn refer(app: &TestApp, practice: &str, answers: Value) -> String {
    static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let key = format!("k{}", N.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
    app.refer(&key, &body(practice, answers)).await
}

async fn worker(app: &TestApp, practices: &[&str]) -> (InboxUser, InboxSession) {
    let user = InboxUser::create(app, Role::LinkWorker, practices).await;
    let session = user.sign_in(app).await;
    (user, session)
}

/// Every casework page of `reference`, and every form with fields that would be accepted.
fn gets(reference: &str) -> Vec<String> {
    vec![
        paths::referral(reference),
        paths::of_referral(paths::REFERRAL_STATUS, reference),
        paths::of_referral(paths::REFERRAL_NOTE, reference),
        paths::of_referral(paths::REFERRAL_ONWARD, reference),
        paths::uptake(reference, 1),
    ]
}

fn posts(reference: &str) -> Vec<(String, Vec<(&'static str, &'static str)>)> {
    vec![
        (
            paths::of_referral(paths::REFERRAL_STATUS, reference),
            vec![("seen", "new"), ("to", "contacted"), ("reason", "")],
        ),
        (
            paths::of_referral(paths::REFERRAL_NOTE, reference),
            vec![("text", "Phoned")],
        ),
        (
            paths::of_referral(paths::REFERRAL_ONWARD, reference),
            vec![("kind", "food"), ("link", "")],
        ),
        (paths::uptake(reference, 1), vec![("uptake", "yes")]),
        (
            paths::of_referral(paths::REFERRAL_FOLLOW_UP, reference),
            vec![],
        ),
    ]
}

#[track_caller]
fn assert_page(page: &TestResponse, status: StatusCode, title: &str) -> String {
    assert_eq!(page.status, status, "{}", page.text());
    assert_eq!(page.header("cache-control"), Some("no-store"));
    assert!(page
        .header("content-security-policy")
        .unwrap()
        .contains("default-src 'none'"));
    let html = page.text();
    assert!(
        html.contains(&format!("<title>{title} – Signpost inbox</title>")),
        "{title}: {html}"
    );
    html
}

async fn actions_about(app: &TestApp, reference: &str) -> Vec<(AuditAction, Option<i64>)> {
    let mut entries: Vec<_> = app
        .store()
        .audit_log(AuditQuery {
            reference: Some(reference.into()),
            limit: 500,
            ..AuditQuery::default()
        })
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.action, e.actor))
        .collect();
    entries.reverse();
    entries
}

#[tokio::test]
async fn another_practices_referral_and_an_unknown_one_are_the_same_404_on_every_route() {
    let app = TestApp::new();
    let theirs = refer(&app, THEIRS, json!({})).await;
    let (_, mut session) = worker(&app, &[MINE]).await;
    let not_found = session.get("/inbox/referrals/SP-2222-3333").await;
    let expected = assert_page(&not_found, StatusCode::NOT_FOUND, "Page not found");
    for reference in [theirs.as_str(), "SP-2222-3333", "not-a-reference"] {
        for path in gets(reference) {
            let page = session.get(&path).await;
            assert_eq!(page.status, StatusCode::NOT_FOUND, "GET {path}");
            assert_eq!(page.text(), expected, "GET {path}: the same page");
        }
        for (path, fields) in posts(reference) {
            let page = session.post_form(&path, &fields).await;
            assert_eq!(page.status, StatusCode::NOT_FOUND, "POST {path}");
            assert_eq!(page.text(), expected, "POST {path}: the same page");
        }
    }
    // Nothing was changed, and the list does not show it.
    let stored = app.find(&theirs).await.unwrap();
    assert_eq!(stored.status.as_str(), "new");
    assert!(app.store().checkins_for(&theirs).await.unwrap().is_empty());
    let list = session.get(paths::ROOT).await.text();
    assert!(!list.contains(&theirs));

    // An admin sees it.
    let admin = InboxUser::create(&app, Role::Admin, &[]).await;
    let mut admin = admin.sign_in(&app).await;
    assert_eq!(
        admin.get(&paths::referral(&theirs)).await.status,
        StatusCode::OK
    );
    assert!(admin.get(paths::ROOT).await.text().contains(&theirs));
}

#[tokio::test]
async fn without_a_session_every_route_goes_to_sign_in_and_without_csrf_every_form_is_403() {
    let app = TestApp::new();
    let reference = refer(&app, MINE, json!({})).await;
    let mut anonymous = InboxSession::anonymous(&app);
    for path in std::iter::once(paths::ROOT.to_owned()).chain(gets(&reference)) {
        let page = anonymous.get(&path).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "GET {path}");
        assert_eq!(page.location(), Some(paths::SIGN_IN), "GET {path}");
    }
    for (path, fields) in posts(&reference) {
        let page = anonymous.post_raw(&path, &fields).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "POST {path}");
        assert_eq!(page.location(), Some(paths::SIGN_IN), "POST {path}");
    }

    let (_, mut session) = worker(&app, &[MINE]).await;
    for (path, fields) in posts(&reference) {
        let refused = session.post_raw(&path, &fields).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "POST {path}");
        let mut wrong = fields.clone();
        wrong.push(("csrf", "not-the-token"));
        assert_eq!(
            session.post_raw(&path, &wrong).await.status,
            StatusCode::FORBIDDEN,
            "POST {path} with a wrong token"
        );
    }
    assert_eq!(app.find(&reference).await.unwrap().status.as_str(), "new");
}

#[tokio::test]
async fn the_workflow_moves_through_the_form_and_the_history_says_who_when_and_why() {
    let app = TestApp::new();
    let reference = refer(&app, MINE, json!({})).await;
    let (user, mut session) = worker(&app, &[MINE]).await;
    let status = paths::of_referral(paths::REFERRAL_STATUS, &reference);

    // The form offers only the moves the workflow allows from New.
    let form = assert_page(&session.get(&status).await, StatusCode::OK, "Change status");
    assert!(form.contains(r#"value="contacted""#) && form.contains(r#"value="closed""#));
    assert!(!form.contains(r#"value="active""#) && !form.contains(r#"value="on_hold""#));
    assert!(
        !form.contains(r#"value="completed:support_given""#),
        "nothing to complete yet"
    );

    // Refused: skipping a step, closing without a reason, a reason that does not fit.
    for (fields, field, message) in [
        (
            vec![("seen", "new"), ("to", "active")],
            "to",
            "A referral that is new cannot move to supporting",
        ),
        (
            vec![("seen", "new"), ("to", "closed")],
            "closure",
            "Select why you are closing the referral",
        ),
        (
            vec![
                ("seen", "new"),
                ("to", "closed"),
                ("closure", "completed:support_given"),
            ],
            "closure",
            "A referral that is new cannot be closed as completed (support given)",
        ),
        (vec![("seen", "new")], "to", "Select the new status"),
        (
            vec![
                ("seen", "new"),
                ("to", "contacted"),
                ("reason", "a\u{202E}b"),
            ],
            "reason",
            "The reason has a hidden character in it (often pasted in): type it again",
        ),
    ] {
        let page = session.post_form(&status, &fields).await;
        let html = assert_page(
            &page,
            StatusCode::UNPROCESSABLE_ENTITY,
            "Error: Change status",
        );
        assert!(
            html.contains(&format!(r##"<li><a href="#{field}">{message}</a></li>"##)),
            "{message}: {html}"
        );
        assert!(html.contains(&format!(r#"<p id="{field}-error" class="sp-inbox-error-message"><span class="sp-inbox-visually-hidden">Error:</span> {message}</p>"#)));
    }
    assert_eq!(app.find(&reference).await.unwrap().status.as_str(), "new");

    // Allowed: New → Contacted → Supporting → On hold → Supporting → Closed, completed.
    for (seen, to, closure, reason) in [
        ("new", "contacted", "", "Spoke on the phone"),
        ("contacted", "active", "", ""),
        ("active", "on_hold", "", "In hospital for two weeks"),
        ("on_hold", "active", "", ""),
        (
            "active",
            "closed",
            "completed:connected_to_service",
            "Goes to the lunch club",
        ),
    ] {
        let done = session
            .post_form(
                &status,
                &[
                    ("seen", seen),
                    ("to", to),
                    ("closure", closure),
                    ("reason", reason),
                ],
            )
            .await;
        assert_eq!(
            done.status,
            StatusCode::SEE_OTHER,
            "{seen} → {to}: {}",
            done.text()
        );
        assert_eq!(
            done.location(),
            Some(format!("{}?done=status", paths::referral(&reference)).as_str())
        );
    }
    let stored = app.find(&reference).await.unwrap();
    assert_eq!(stored.status.as_str(), "closed");

    // A stale form (it still shows Supporting) changes nothing and says why.
    let stale = session
        .post_form(&status, &[("seen", "active"), ("to", "on_hold")])
        .await;
    let html = assert_page(&stale, StatusCode::CONFLICT, "Error: Change status");
    assert!(html.contains("Someone else changed the status to closed while you had this page open"));

    let record = app.store().case_record(&reference).await.unwrap().unwrap();
    assert_eq!(record.history.len(), 5);
    assert!(record.history.iter().all(|h| h.by == user.id.0));
    assert_eq!(
        record.history[2].reason.as_deref(),
        Some("In hospital for two weeks")
    );

    let detail = session
        .get(&format!("{}?done=status", paths::referral(&reference)))
        .await;
    let html = assert_page(&detail, StatusCode::OK, "Referral");
    assert!(html.contains("Status changed"), "the success banner");
    assert!(html.contains("Closed: Completed (connected to a service)"));
    assert!(html.contains("Status changed from On hold to Supporting"));
    assert!(html.contains("In hospital for two weeks"));
    assert!(html.contains(&user.email), "who");
    assert!(
        !html.contains(&format!(r#"href="{status}""#)),
        "no status change once closed"
    );

    let audited = actions_about(&app, &reference).await;
    let changes = audited
        .iter()
        .filter(|(a, _)| *a == AuditAction::ChangedStatus)
        .count();
    assert_eq!(changes, 5);
    assert!(audited.iter().all(|(_, by)| *by == Some(user.id.0)));
    assert!(audited
        .iter()
        .any(|(a, _)| *a == AuditAction::ViewedReferral));
}

#[tokio::test]
async fn notes_and_onward_referrals_are_added_and_uptake_recorded() {
    let app = TestApp::new();
    let reference = refer(&app, MINE, json!({})).await;
    let (user, mut session) = worker(&app, &[MINE]).await;
    let note = paths::of_referral(paths::REFERRAL_NOTE, &reference);
    let onward = paths::of_referral(paths::REFERRAL_ONWARD, &reference);

    let empty = session.post_form(&note, &[("text", "   ")]).await;
    let html = assert_page(
        &empty,
        StatusCode::UNPROCESSABLE_ENTITY,
        "Error: Add a note",
    );
    assert!(html.contains(r##"<li><a href="#text">Enter a note</a></li>"##));
    let long = "a".repeat(2001);
    let html = session.post_form(&note, &[("text", &long)]).await.text();
    assert!(html.contains("A note must be 2000 characters or fewer"));
    assert!(html.contains(&long), "what was typed is kept");
    let added = session
        .post_form(&note, &[("text", "Phoned twice.\nWill write.")])
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER);

    let page = assert_page(
        &session.get(&onward).await,
        StatusCode::OK,
        "Add an onward referral",
    );
    assert!(
        page.contains("Housing or homelessness"),
        "the need areas are the kinds"
    );
    for (fields, message) in [
        (
            vec![("kind", ""), ("link", "")],
            "Select the kind of service",
        ),
        (
            vec![("kind", "food"), ("link", "http://aliss.org/x")],
            "Enter a link that starts with https://",
        ),
        (
            vec![("kind", "food"), ("link", "javascript:alert(1)")],
            "Enter a link that starts with https://",
        ),
    ] {
        let html = session.post_form(&onward, &fields).await.text();
        assert!(
            html.contains("<title>Error: Add an onward referral"),
            "{html}"
        );
        assert!(html.contains(message), "{message}");
    }
    let added = session
        .post_form(
            &onward,
            &[
                ("kind", "food"),
                ("link", "https://www.aliss.org/services/lunch-club"),
            ],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.text());

    let record = app.store().case_record(&reference).await.unwrap().unwrap();
    assert_eq!(record.notes[0].text, "Phoned twice.\nWill write.");
    assert_eq!(record.notes[0].by, user.id.0);
    let id = record.onward[0].id;
    let uptake = paths::uptake(&reference, id);
    let none = session.post_form(&uptake, &[("uptake", "")]).await;
    assert!(none.text().contains("Select whether they took it up"));
    assert_eq!(
        session
            .post_form(&uptake, &[("uptake", "yes")])
            .await
            .status,
        StatusCode::SEE_OTHER
    );

    let html = session.get(&paths::referral(&reference)).await.text();
    assert!(html.contains("Phoned twice.<br>") || html.contains("Phoned twice.</bdi><br>"));
    assert!(html.contains("https://www.aliss.org/services/lunch-club"));
    assert!(html.contains("Taken up (Food): Yes"));
    let audited: Vec<_> = actions_about(&app, &reference)
        .await
        .into_iter()
        .map(|(a, _)| a)
        .collect();
    for action in [
        AuditAction::AddedNote,
        AuditAction::AddedOnwardReferral,
        AuditAction::RecordedUptake,
    ] {
        assert!(audited.contains(&action), "{action:?}");
    }
}

#[tokio::test]
async fn a_follow_up_link_is_shown_once_stored_hashed_and_its_answer_shows_the_change() {
    let app = TestApp::new();
    let reference = refer(&app, MINE, json!({})).await;
    let (_, mut session) = worker(&app, &[MINE]).await;
    let detail = session.get(&paths::referral(&reference)).await;
    session.csrf = csrf_of(&detail);
    let created = session
        .post_form(
            &paths::of_referral(paths::REFERRAL_FOLLOW_UP, &reference),
            &[],
        )
        .await;
    let html = assert_page(&created, StatusCode::OK, "Follow-up link created");
    let link = html
        .split(r#"readonly spellcheck="false" autocomplete="off">"#)
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_owned();
    let token = link.split("checkin=").nth(1).unwrap().to_owned();
    assert_eq!(token.len(), 43);

    // Stored only as its hash; never shown again.
    let hashes: Vec<String> = app
        .sql("SELECT token_sha256 FROM checkins")
        .into_iter()
        .map(|row| row[0].clone().unwrap())
        .collect();
    assert_eq!(hashes, [sha256_hex(token.as_bytes())]);
    let again = session.get(&paths::referral(&reference)).await.text();
    assert!(!again.contains(&token));
    assert!(again.contains("not answered yet"));
    let audit = app
        .store()
        .audit_log(AuditQuery {
            limit: 500,
            ..AuditQuery::default()
        })
        .await
        .unwrap();
    assert!(audit
        .iter()
        .all(|e| !e.detail.as_deref().unwrap_or("").contains(&token)));
    assert!(audit
        .iter()
        .any(|e| e.action == AuditAction::CreatedFollowUp));

    // The answer through the API, then the detail shows the change in words and a table.
    let answer = app
        .post_checkin(
            &token,
            crate::helpers::checkin_body(signpost_core::Instrument::Wemwbs, &[5; 14]).to_string(),
        )
        .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.json());
    let html = session.get(&paths::referral(&reference)).await.text();
    assert!(html.contains(r#"role="img" aria-labelledby="chart-title chart-desc""#));
    assert!(html.contains("Their score has gone up by"), "{html}");
    assert!(html.contains("That is a meaningful change"));
    assert!(html.contains("<td class=\"sp-inbox-table__cell\">70</td>"));
}

#[tokio::test]
async fn the_list_shows_safety_flags_filters_and_what_is_new() {
    let clock = Clock::manual(OffsetDateTime::now_utc());
    let app = TestApp::with_config(|config| config.inbox.clock = clock.clone());
    let (user, mut session) = worker(&app, &[MINE]).await;
    let first = session.get(paths::ROOT).await;
    assert_page(&first, StatusCode::OK, "Referrals");
    assert!(
        !first.text().contains("since you last looked"),
        "a first look has nothing to compare"
    );
    let urgent = refer(
        &app,
        MINE,
        json!({"urgent": "yes", "needs": ["relationships_or_safety"], "safe_to_contact_at_home": "no",
               "money_behind_with_bills": null, "housing_at_risk": null}),
    )
    .await;
    let calm = refer(&app, MINE, json!({})).await;
    // The next visit (the session has ended meanwhile): what arrived since is marked, with a count.
    clock.advance(Duration::hours(2));
    let mut session = user.sign_in(&app).await;
    let html = session.get(paths::ROOT).await.text();
    assert!(
        html.contains("2 referrals have arrived since you last looked"),
        "{html}"
    );
    let row = html.split(&urgent).next().unwrap();
    let row = &row[row.rfind("<tr").unwrap()..];
    for flag in ["Urgent help asked for", "Unsafe at home", "No voicemail"] {
        assert!(html.contains(flag), "{flag}");
    }
    assert!(
        row.contains("New since you last looked") || html.contains("New since you last looked")
    );
    assert!(html.contains("New (2)"));
    let only_urgent = session.get("/inbox?urgent=yes").await.text();
    assert!(only_urgent.contains(&urgent) && !only_urgent.contains(&calm));
    let by_need = session.get("/inbox?need=housing").await.text();
    assert!(by_need.contains(&calm) && !by_need.contains(&urgent));
    let bad = session.get("/inbox?from=2026-13-40").await;
    let html = assert_page(&bad, StatusCode::BAD_REQUEST, "Error: Referrals");
    assert!(
        html.contains(r##"<li><a href="#from">Enter a real date, like 25 November 2026</a></li>"##)
    );
    let viewed = app
        .store()
        .audit_log(AuditQuery {
            limit: 100,
            ..AuditQuery::default()
        })
        .await
        .unwrap();
    assert!(viewed.iter().any(|e| e.action == AuditAction::ViewedList));
}

#[tokio::test]
async fn whatever_a_referral_holds_shows_as_inert_text() {
    let app = TestApp::new();
    let reference = refer(
        &app,
        MINE,
        json!({
            "name": "<script>alert('name')</script>",
            "preferred_name": "=HYPERLINK(\"https://evil.example\",\"Click\")",
            "interpreter": "yes",
            "interpreter_language": "العربية <b>bold</b>",
        }),
    )
    .await;
    let (_, mut session) = worker(&app, &[MINE]).await;
    for path in [paths::ROOT.to_owned(), paths::referral(&reference)] {
        let html = session.get(&path).await.text();
        assert!(!html.contains("<script>alert"), "{path}");
        // askama writes < > ' " as numeric references.
        assert!(
            html.contains("&#60;script&#62;alert(&#39;name&#39;)&#60;/script&#62;"),
            "{path}: {html}"
        );
        assert!(!html.contains("<b>bold</b>"));
    }
    let html = session.get(&paths::referral(&reference)).await.text();
    assert!(
        html.contains("<bdi>=HYPERLINK(&#34;https://evil.example&#34;,&#34;Click&#34;)</bdi>"),
        "{html}"
    );
    assert!(
        html.contains("<bdi>العربية &#60;b&#62;bold&#60;/b&#62;</bdi>"),
        "RTL text is isolated: {html}"
    );
}

#[tokio::test]
async fn a_database_made_before_casework_keeps_its_referrals_and_check_ins() {
    if crate::helpers::engine() != crate::helpers::Engine::Sqlite {
        eprintln!("SQLite only: this is about SQLite's own older schema");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("signpost.db");
    let migrations_dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/store/sqlite/migrations");
    let before: Vec<String> = [
        "0001_referrals",
        "0002_questionnaire_and_wellbeing",
        "0003_organisation",
        "0004_checkins",
        "0005_audit",
        "0006_accounts",
    ]
    .iter()
    .map(|name| std::fs::read_to_string(format!("{migrations_dir}/{name}.sql")).unwrap())
    .collect();
    {
        let mut conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "foreign_keys", "ON").unwrap();
        Migrations::new(before.iter().map(|sql| M::up(sql)).collect())
            .to_latest(&mut conn)
            .unwrap();
        let body = body(MINE, json!({"urgent": "yes"})).to_string();
        conn.execute(
            "INSERT INTO referrals (reference, idempotency_key, body_sha256, received_at, status, practice, channel,
                 language, consent_version, consent_purposes, consented_at, body, questionnaire_id, questionnaire_version,
                 wellbeing_instrument, wellbeing_items, wellbeing_score, wellbeing_raw)
             VALUES ('SP-7K3M-Q9X2', 'old', ?1, '2026-09-01T09:00:00.000Z', 'active', ?2, 'self', 'en', '2026-11-25',
                 '[\"share_with_service\",\"contact_me\"]', '2026-09-01T09:00:00.000Z', ?3, 'signpost-self-referral',
                 '2026-11-25', 'wemwbs', '[3,3,3,3,3,3,3,3,3,3,3,3,3,3]', 42, 42)",
            rusqlite::params!["a".repeat(64), MINE, body],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO checkins (referral_id, token_sha256, instrument, created_at, expires_at, used_at, items, score, raw, language)
             SELECT id, ?1, 'wemwbs', '2026-12-01T09:00:00.000Z', '2026-12-31T09:00:00.000Z', '2026-12-02T09:00:00.000Z',
                 '[4,4,4,4,4,4,4,4,4,4,4,4,4,4]', 56, 56, 'en' FROM referrals",
            ["b".repeat(64)],
        )
        .unwrap();
    }
    let app = TestApp::in_dir(dir, default_questionnaire(), |_| {});
    let old = app
        .find("SP-7K3M-Q9X2")
        .await
        .expect("the referral is kept");
    assert_eq!(old.status.as_str(), "active");
    let checkins = app.store().checkins_for("SP-7K3M-Q9X2").await.unwrap();
    assert_eq!(checkins.len(), 1, "its check-in is kept");
    assert_eq!(checkins[0].answer.as_ref().unwrap().wellbeing.score, 56.0);

    let (_, mut session) = worker(&app, &[MINE]).await;
    let list = session.get("/inbox?urgent=yes").await.text();
    assert!(
        list.contains("SP-7K3M-Q9X2"),
        "the flag is read from the old row"
    );
    let html = session.get(&paths::referral("SP-7K3M-Q9X2")).await.text();
    assert!(
        html.contains("Their score has gone up by 14 points since the baseline, from 42 to 56.")
    );
    // On hold is a status the table now takes.
    let status = paths::of_referral(paths::REFERRAL_STATUS, "SP-7K3M-Q9X2");
    let held = session
        .post_form(&status, &[("seen", "active"), ("to", "on_hold")])
        .await;
    assert_eq!(held.status, StatusCode::SEE_OTHER, "{}", held.text());
    assert_eq!(
        app.find("SP-7K3M-Q9X2").await.unwrap().status.as_str(),
        "on_hold"
    );
}
