//! The inbox's accounts and sign-in, through the routes against real SQLite: who may reach what,
//! the two steps of sign-in, first sign-in from a set-password link, lock-out, sessions' expiry
//! (on a hand-moved clock, no sleeping) and revocation, the admin pages, the audit entries, and
//! the security headers on every response.

use axum::http::StatusCode;
use signpost_server::clock::Clock;
use signpost_server::inbox::auth::totp::{self, TotpSecret};
use signpost_server::inbox::auth::users::Role;
use signpost_server::inbox::paths;
use signpost_server::store::{AuditAction, AuditEntry, AuditQuery, NewAuditEntry};
use time::{Duration, OffsetDateTime};

use crate::helpers::{TestApp, TestResponse};
use crate::inbox_helpers::{csrf_of, InboxSession, InboxUser, CLIENT, PASSWORD};

#[track_caller]
fn assert_security_headers(response: &TestResponse) {
    assert_eq!(response.header("cache-control"), Some("no-store"));
    let csp = response.header("content-security-policy").unwrap();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(csp.contains("default-src 'none'"), "{csp}");
    assert_eq!(response.header("referrer-policy"), Some("no-referrer"));
    assert_eq!(response.header("x-frame-options"), Some("DENY"));
}

#[track_caller]
fn assert_redirect(response: &TestResponse, to: &str) {
    assert_eq!(
        response.status,
        StatusCode::SEE_OTHER,
        "{}",
        response.text()
    );
    assert_eq!(response.location(), Some(to));
    assert_security_headers(response);
}

/// An app whose inbox runs on a clock the test moves.
fn app_with_clock() -> (TestApp, Clock) {
    let clock = Clock::manual(OffsetDateTime::now_utc());
    let app = TestApp::with_config(|config| config.inbox.clock = clock.clone());
    (app, clock)
}

async fn audit_log(app: &TestApp) -> Vec<AuditEntry> {
    app.store()
        .audit_log(AuditQuery {
            limit: 500,
            ..AuditQuery::default()
        })
        .await
        .unwrap()
}

async fn actions(app: &TestApp) -> Vec<AuditAction> {
    let mut actions: Vec<_> = audit_log(app).await.iter().map(|e| e.action).collect();
    actions.reverse();
    actions
}

/// The pages and forms behind sign-in (an account number that exists in every test: 1).
const GET_SIGNED_IN: &[&str] = &[
    paths::ROOT,
    paths::ACCOUNT,
    paths::ADMIN_ACCOUNTS,
    paths::ADMIN_ADD_ACCOUNT,
    "/inbox/admin/accounts/1",
    paths::ADMIN_AUDIT_LOG,
];
const POST_SIGNED_IN: &[&str] = &[
    paths::RECOVERY_CODES,
    paths::SIGN_OUT_EVERYWHERE,
    paths::ADMIN_ADD_ACCOUNT,
    "/inbox/admin/accounts/1/reset",
    "/inbox/admin/accounts/1/disable",
];
/// The steps of sign-in, which need a session part-way through.
const GET_STEPS: &[&str] = &[paths::SIGN_IN_CODE, paths::SET_UP_AUTHENTICATOR];
const POST_STEPS: &[&str] = &[
    paths::SIGN_IN_CODE,
    paths::SIGN_IN_RECOVERY_CODE,
    paths::SET_UP_AUTHENTICATOR,
    paths::SIGN_OUT,
];

#[tokio::test]
async fn a_link_worker_signs_in_with_password_and_code_and_reaches_the_inbox() {
    let app = TestApp::new();
    let user = InboxUser::create(&app, Role::LinkWorker, &["43210"]).await;
    let mut session = user.sign_in(&app).await;
    let home = session.get(paths::ROOT).await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home
        .text()
        .contains("<h1 class=\"sp-inbox-heading-l\">Referrals</h1>"));
    assert_security_headers(&home);
    assert!(
        !home.text().contains(paths::ADMIN_ACCOUNTS),
        "no admin links"
    );
    let signed_in: Vec<_> = audit_log(&app)
        .await
        .into_iter()
        .filter(|e| e.action == AuditAction::SignedIn)
        .collect();
    assert_eq!(signed_in.len(), 1);
    assert_eq!(signed_in[0].actor, Some(user.id.0));
    assert_eq!(signed_in[0].client.as_deref(), Some(CLIENT));
}

#[tokio::test]
async fn every_inbox_route_without_a_session_sends_to_sign_in() {
    let app = TestApp::new();
    InboxUser::create(&app, Role::Admin, &[]).await;
    let mut anonymous = InboxSession::anonymous(&app);
    for path in GET_SIGNED_IN.iter().chain(GET_STEPS) {
        let response = anonymous.get(path).await;
        assert_redirect(&response, paths::SIGN_IN);
    }
    for path in POST_SIGNED_IN.iter().chain(POST_STEPS) {
        // Even with a token that would fit a form: there is no session to hold one.
        let response = anonymous.post_raw(path, &[("csrf", "x")]).await;
        assert_redirect(&response, paths::SIGN_IN);
    }
    // What anyone may open.
    for path in [paths::SIGN_IN, paths::SIGNED_OUT, paths::STYLESHEET] {
        let response = anonymous.get(path).await;
        assert_eq!(response.status, StatusCode::OK, "{path}");
        assert_security_headers(&response);
    }
    let css = anonymous.get(paths::STYLESHEET).await;
    assert_eq!(css.header("content-type"), Some("text/css; charset=utf-8"));
}

#[tokio::test]
async fn every_form_without_its_csrf_token_is_refused_with_403() {
    let app = TestApp::new();
    let admin = InboxUser::create(&app, Role::Admin, &[]).await;
    let mut session = admin.sign_in(&app).await;
    for path in POST_SIGNED_IN.iter().chain([&paths::SIGN_OUT]) {
        for fields in [vec![], vec![("csrf", "wrong-token")]] {
            let response = session.post_raw(path, &fields).await;
            assert_eq!(response.status, StatusCode::FORBIDDEN, "{path}");
            assert!(response.text().contains("This form has expired"));
            assert_security_headers(&response);
        }
    }
    // Still signed in: nothing was done.
    assert_eq!(session.get(paths::ROOT).await.status, StatusCode::OK);
    assert_eq!(app.store().accounts().await.unwrap().len(), 1);

    // The sign-in form needs its pre-session token, and so do the steps of sign-in.
    let mut fresh = InboxSession::anonymous(&app);
    let refused = fresh
        .post_raw(
            paths::SIGN_IN,
            &[("email", &admin.email), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let page = fresh.get(paths::SIGN_IN).await;
    fresh.csrf = csrf_of(&page);
    let passed = fresh
        .post_form(
            paths::SIGN_IN,
            &[("email", &admin.email), ("password", PASSWORD)],
        )
        .await;
    assert_redirect(&passed, paths::SIGN_IN_CODE);
    let code = admin.next_code(&app).await;
    for path in [paths::SIGN_IN_CODE, paths::SIGN_OUT] {
        let response = fresh.post_raw(path, &[("code", &code)]).await;
        assert_eq!(response.status, StatusCode::FORBIDDEN, "{path}");
    }
    // A form from another site is refused whatever it carries.
    let mut request = axum::http::Request::post(paths::SIGN_OUT)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "cross-site")
        .body(axum::body::Body::from(format!("csrf={}", session.csrf)))
        .unwrap();
    request
        .headers_mut()
        .insert("cookie", session.cookie.parse().unwrap());
    let cross = session.send(request).await;
    assert_eq!(cross.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_link_worker_gets_404_from_every_admin_page() {
    let app = TestApp::new();
    let worker = InboxUser::create(&app, Role::LinkWorker, &["43210"]).await;
    let mut session = worker.sign_in(&app).await;
    for path in GET_SIGNED_IN.iter().filter(|p| p.contains("/admin/")) {
        let response = session.get(path).await;
        assert_eq!(response.status, StatusCode::NOT_FOUND, "{path}");
        assert!(response.text().contains("Page not found"));
        assert_security_headers(&response);
    }
    for path in POST_SIGNED_IN.iter().filter(|p| p.contains("/admin/")) {
        for fields in [vec![("email", "x@nhs.scot")], vec![]] {
            let response = if fields.is_empty() {
                session.post_raw(path, &fields).await
            } else {
                session.post_form(path, &fields).await
            };
            assert_eq!(response.status, StatusCode::NOT_FOUND, "{path}");
        }
    }
    // The same page as an address that does not exist at all.
    let nowhere = session.get("/inbox/no-such-page").await;
    assert_eq!(nowhere.status, StatusCode::NOT_FOUND);
    assert_security_headers(&nowhere);
    assert_eq!(app.store().accounts().await.unwrap().len(), 1);
}

/// Signs in as far as the password, returning the page.
async fn try_password(app: &TestApp, email: &str, password: &str) -> TestResponse {
    let mut session = InboxSession::anonymous(app);
    let page = session.get(paths::SIGN_IN).await;
    session.csrf = csrf_of(&page);
    session
        .post_form(paths::SIGN_IN, &[("email", email), ("password", password)])
        .await
}

/// The error the sign-in page shows at the email field.
fn sign_in_error(page: &TestResponse) -> String {
    let html = page.text();
    let start = html
        .find(r#"<p id="email-error" class="sp-inbox-error-message"><span class="sp-inbox-visually-hidden">Error:</span> "#)
        .unwrap_or_else(|| panic!("no error in {html}"));
    let rest = &html[start..];
    let end = rest.find("</p>").unwrap();
    rest[..end].to_owned()
}

#[tokio::test]
async fn failures_slow_then_lock_an_email_the_same_whether_or_not_it_has_an_account() {
    let (app, clock) = app_with_clock();
    let user = InboxUser::create(&app, Role::LinkWorker, &["43210"]).await;
    for email in [user.email.as_str(), "nobody@nhs.scot"] {
        let mut errors = Vec::new();
        for attempt in 1..=10 {
            let page = try_password(&app, email, "not the password at all").await;
            assert_eq!(page.status, StatusCode::BAD_REQUEST);
            assert_security_headers(&page);
            errors.push(sign_in_error(&page));
            if attempt == 5 {
                // Straight after the fifth failure, the sixth must wait.
                let early = try_password(&app, email, "not the password at all").await;
                assert!(
                    sign_in_error(&early).contains("Wait 1 second and try again"),
                    "{}",
                    sign_in_error(&early)
                );
            }
            clock.advance(Duration::seconds(20));
        }
        assert!(errors
            .iter()
            .all(|e| e.contains("Enter a correct email address and password")));
        // Locked: even the right password is refused, with the lock's words.
        clock.advance(Duration::seconds(-20));
        let locked = try_password(&app, email, PASSWORD).await;
        assert_eq!(locked.status, StatusCode::BAD_REQUEST);
        assert!(sign_in_error(&locked)
            .contains("You have tried to sign in too many times. Try again in 15 minutes"));
        clock.advance(Duration::minutes(16));
    }
    // Fifteen minutes on, the account signs in again.
    let passed = try_password(&app, &user.email, PASSWORD).await;
    assert_redirect(&passed, paths::SIGN_IN_CODE);
    let failed = audit_log(&app)
        .await
        .into_iter()
        .filter(|e| e.action == AuditAction::SignInFailed)
        .collect::<Vec<_>>();
    assert_eq!(failed.len(), 24, "10 + throttled + locked, for each email");
    assert!(failed.iter().all(|e| e.client.as_deref() == Some(CLIENT)));
    assert_eq!(
        failed.iter().filter(|e| e.actor == Some(user.id.0)).count(),
        12
    );
    assert!(failed
        .iter()
        .all(|e| e.detail.as_deref().is_some_and(|d| !d.contains('@'))));
}

#[tokio::test]
async fn wrong_and_replayed_codes_are_refused_and_counted() {
    let (app, clock) = app_with_clock();
    let user = InboxUser::create(&app, Role::LinkWorker, &["43210"]).await;
    let mut session = InboxSession::anonymous(&app);
    let page = session.get(paths::SIGN_IN).await;
    session.csrf = csrf_of(&page);
    session
        .post_form(
            paths::SIGN_IN,
            &[("email", &user.email), ("password", PASSWORD)],
        )
        .await;
    session.csrf = csrf_of(&session.get(paths::SIGN_IN_CODE).await);
    let wrong = session
        .post_form(paths::SIGN_IN_CODE, &[("code", "000000")])
        .await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    assert!(wrong.text().contains("The code is not right"));
    assert!(wrong.text().contains("<title>Error: Enter the code"));
    // The code of a step already used (the set-up's, step 0) is a replay.
    let code = user.next_code(&app).await;
    let ok = session
        .post_form(paths::SIGN_IN_CODE, &[("code", &code)])
        .await;
    assert_redirect(&ok, paths::ROOT);
    let mut again = InboxSession::anonymous(&app);
    again.csrf = csrf_of(&again.get(paths::SIGN_IN).await);
    again
        .post_form(
            paths::SIGN_IN,
            &[("email", &user.email), ("password", PASSWORD)],
        )
        .await;
    again.csrf = csrf_of(&again.get(paths::SIGN_IN_CODE).await);
    let replay = again
        .post_form(paths::SIGN_IN_CODE, &[("code", &code)])
        .await;
    assert_eq!(replay.status, StatusCode::BAD_REQUEST);
    clock.advance(Duration::seconds(0));
    let failures = audit_log(&app)
        .await
        .into_iter()
        .filter(|e| e.action == AuditAction::SignInFailed && e.detail.as_deref() == Some("code"))
        .count();
    assert_eq!(failures, 2);
}

#[tokio::test]
async fn a_recovery_code_signs_in_once() {
    let app = TestApp::new();
    let user = InboxUser::create(&app, Role::LinkWorker, &["43210"]).await;
    let code = user.recovery_codes[3].clone();
    for (attempt, expected) in [(1, StatusCode::SEE_OTHER), (2, StatusCode::BAD_REQUEST)] {
        let mut session = InboxSession::anonymous(&app);
        session.csrf = csrf_of(&session.get(paths::SIGN_IN).await);
        session
            .post_form(
                paths::SIGN_IN,
                &[("email", &user.email), ("password", PASSWORD)],
            )
            .await;
        session.csrf = csrf_of(&session.get(paths::SIGN_IN_CODE).await);
        // Typed in lower case without dashes: still the code.
        let typed = code.replace('-', "").to_lowercase();
        let response = session
            .post_form(paths::SIGN_IN_RECOVERY_CODE, &[("recovery-code", &typed)])
            .await;
        assert_eq!(response.status, expected, "attempt {attempt}");
        if attempt == 1 {
            assert_eq!(response.location(), Some(paths::ROOT));
            let account = session.get(paths::ACCOUNT).await;
            assert!(account.text().contains("9 of 10"), "{}", account.text());
        } else {
            assert!(response.text().contains("has already been used"));
        }
    }
    let used = audit_log(&app)
        .await
        .into_iter()
        .find(|e| e.action == AuditAction::RecoveryCodeUsed)
        .unwrap();
    assert_eq!(used.detail.as_deref(), Some("9 left"));
}

#[tokio::test]
async fn a_session_ends_after_30_idle_minutes() {
    let (app, clock) = app_with_clock();
    let user = InboxUser::create(&app, Role::LinkWorker, &["43210"]).await;
    let mut session = user.sign_in(&app).await;
    clock.advance(Duration::minutes(29));
    assert_eq!(session.get(paths::ROOT).await.status, StatusCode::OK);
    clock.advance(Duration::minutes(30));
    let ended = session.get(paths::ROOT).await;
    assert_redirect(&ended, "/inbox/sign-in?ended=idle");
    let page = session.get("/inbox/sign-in?ended=idle").await;
    assert!(page
        .text()
        .contains("You were signed out because you had not used the inbox for 30 minutes"));
    // The session is gone from the store, not only refused.
    assert_redirect(&session.get(paths::ROOT).await, paths::SIGN_IN);
    let expired = audit_log(&app)
        .await
        .into_iter()
        .filter(|e| e.action == AuditAction::SessionExpired)
        .collect::<Vec<_>>();
    assert_eq!(expired.len(), 1, "once, when it was found expired");
    assert_eq!(expired[0].actor, Some(user.id.0));
    assert_eq!(expired[0].detail.as_deref(), Some("idle"));
}

#[tokio::test]
async fn a_session_ends_12_hours_after_sign_in_however_active() {
    let (app, clock) = app_with_clock();
    let user = InboxUser::create(&app, Role::LinkWorker, &["43210"]).await;
    let mut session = user.sign_in(&app).await;
    for _ in 0..35 {
        clock.advance(Duration::minutes(20));
        assert_eq!(session.get(paths::ROOT).await.status, StatusCode::OK);
    }
    clock.advance(Duration::minutes(20));
    let ended = session.get(paths::ACCOUNT).await;
    assert_redirect(&ended, "/inbox/sign-in?ended=too-old");
}

#[tokio::test]
async fn the_limits_come_from_the_config() {
    let clock = Clock::manual(OffsetDateTime::now_utc());
    let app = TestApp::with_config(|config| {
        config.inbox.clock = clock.clone();
        config.inbox.sessions.idle = Duration::minutes(5);
    });
    let user = InboxUser::create(&app, Role::LinkWorker, &["43210"]).await;
    let mut session = user.sign_in(&app).await;
    clock.advance(Duration::minutes(5));
    assert_redirect(&session.get(paths::ROOT).await, "/inbox/sign-in?ended=idle");
}

#[tokio::test]
async fn signing_out_everywhere_ends_the_other_sessions_too() {
    let app = TestApp::new();
    let user = InboxUser::create(&app, Role::LinkWorker, &["43210"]).await;
    let colleague = InboxUser::create(&app, Role::LinkWorker, &["43210"]).await;
    let mut laptop = user.sign_in(&app).await;
    let mut desk = user.sign_in(&app).await;
    let mut theirs = colleague.sign_in(&app).await;
    assert_ne!(
        laptop.cookie, desk.cookie,
        "a new session id at each sign-in"
    );

    let out = laptop.post_form(paths::SIGN_OUT_EVERYWHERE, &[]).await;
    assert_redirect(&out, "/inbox/signed-out?how=everywhere");
    assert!(out
        .header("set-cookie")
        .is_some_and(|c| c.contains("Max-Age=0")));
    assert_redirect(&desk.get(paths::ROOT).await, paths::SIGN_IN);
    assert_redirect(&laptop.get(paths::ROOT).await, paths::SIGN_IN);
    assert_eq!(theirs.get(paths::ROOT).await.status, StatusCode::OK);
    let page = laptop.get("/inbox/signed-out?how=everywhere").await;
    assert!(page.text().contains("You have signed out everywhere"));

    let out = theirs.post_form(paths::SIGN_OUT, &[]).await;
    assert_redirect(&out, paths::SIGNED_OUT);
    assert_redirect(&theirs.get(paths::ROOT).await, paths::SIGN_IN);
    let entries = audit_log(&app).await;
    let everywhere = entries
        .iter()
        .find(|e| e.action == AuditAction::SignedOutEverywhere)
        .unwrap();
    assert_eq!(everywhere.detail.as_deref(), Some("2 sessions ended"));
    assert!(entries
        .iter()
        .any(|e| e.action == AuditAction::SignedOut && e.actor == Some(colleague.id.0)));
}

#[tokio::test]
async fn the_session_cookie_is_http_only_strict_and_secure_behind_https() {
    let app = TestApp::with_config(|config| {
        config.inbox = config
            .inbox
            .clone()
            .with_origin(Some("https://inbox.example.scot".into()));
    });
    let user = InboxUser::create(&app, Role::LinkWorker, &["43210"]).await;
    let mut session = InboxSession::anonymous(&app);
    let page = session.get(paths::SIGN_IN).await;
    let form_cookie = page.header("set-cookie").unwrap().to_owned();
    assert!(
        form_cookie.starts_with("__Secure-sp_inbox_form="),
        "{form_cookie}"
    );
    session.csrf = csrf_of(&page);
    let passed = session
        .post_form(
            paths::SIGN_IN,
            &[("email", &user.email), ("password", PASSWORD)],
        )
        .await;
    let cookie = passed.header("set-cookie").unwrap();
    assert!(cookie.starts_with("__Secure-sp_inbox_session="), "{cookie}");
    for part in ["HttpOnly", "SameSite=Strict", "Secure", "Path=/inbox"] {
        assert!(cookie.contains(part), "{cookie}");
    }
}

/// The key the set-up page shows, read back as the secret an app would store.
fn secret_on(page: &TestResponse) -> TotpSecret {
    let html = page.text();
    let tag = r#"<p class="sp-inbox-secret">"#;
    let start = html.find(tag).unwrap() + tag.len();
    let end = start + html[start..].find("</p>").unwrap();
    TotpSecret::from_base32(&html[start..end]).unwrap()
}

/// The link on an account-link page.
fn link_on(page: &TestResponse) -> String {
    let html = page.text();
    let tag = r#"<code class="sp-inbox-code">"#;
    let start = html.find(tag).unwrap() + tag.len();
    let end = start + html[start..].find("</code>").unwrap();
    html[start..end].to_owned()
}

#[tokio::test]
async fn an_admin_adds_a_worker_who_sets_a_password_and_an_authenticator_then_signs_in() {
    let (app, clock) = app_with_clock();
    let admin = InboxUser::create(&app, Role::Admin, &[]).await;
    let mut admin_session = admin.sign_in(&app).await;
    let form = admin_session.get(paths::ADMIN_ADD_ACCOUNT).await;
    assert_eq!(form.status, StatusCode::OK);
    admin_session.csrf = csrf_of(&form);

    // Errors first: the GOV.UK pattern, and nothing added.
    let wrong = admin_session
        .post_form(
            paths::ADMIN_ADD_ACCOUNT,
            &[("email", "not an email"), ("practices", "")],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    let html = wrong.text();
    assert!(html.contains("<title>Error: Add an account – Signpost inbox</title>"));
    assert!(html.contains(r##"<a href="#email">Enter an email address in the correct format"##));
    assert!(html.contains(r##"<a href="#role">Select a role</a>"##));
    let no_practice = admin_session
        .post_form(
            paths::ADMIN_ADD_ACCOUNT,
            &[
                ("email", "morag@nhs.scot"),
                ("role", "link-worker"),
                ("practices", " "),
            ],
        )
        .await;
    assert!(no_practice
        .text()
        .contains(r##"<a href="#practices">Enter the practice code"##));

    let added = admin_session
        .post_form(
            paths::ADMIN_ADD_ACCOUNT,
            &[
                ("email", "Morag@NHS.scot"),
                ("role", "link-worker"),
                ("practices", "43210, gla-east"),
            ],
        )
        .await;
    assert_eq!(added.status, StatusCode::OK, "{}", added.text());
    assert!(added.text().contains("Account added"));
    let link = link_on(&added);
    let path = link
        .strip_prefix("http://127.0.0.1:8080")
        .unwrap_or(&link)
        .to_owned();
    assert!(path.starts_with("/inbox/set-password/"), "{link}");
    let taken = admin_session
        .post_form(
            paths::ADMIN_ADD_ACCOUNT,
            &[
                ("email", "morag@nhs.scot"),
                ("role", "admin"),
                ("practices", ""),
            ],
        )
        .await;
    assert!(taken
        .text()
        .contains("There is already an account with this email address"));

    // The worker's first sign-in, in another browser.
    let mut worker = InboxSession::anonymous(&app);
    let page = worker.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("morag@nhs.scot"));
    assert!(page.text().contains("be 12 characters or more"));
    worker.csrf = csrf_of(&page);
    let weak = worker
        .post_form(
            &path,
            &[
                ("password", "password1234"),
                ("confirmation", "password1234"),
            ],
        )
        .await;
    assert_eq!(weak.status, StatusCode::BAD_REQUEST);
    assert!(weak.text().contains("<title>Error: Create your password"));
    let set = worker
        .post_form(&path, &[("password", PASSWORD), ("confirmation", PASSWORD)])
        .await;
    assert_redirect(&set, paths::SET_UP_AUTHENTICATOR);
    // Nothing behind sign-in before the authenticator is set up.
    assert_redirect(&worker.get(paths::ROOT).await, paths::SET_UP_AUTHENTICATOR);
    let setup = worker.get(paths::SET_UP_AUTHENTICATOR).await;
    assert_eq!(setup.status, StatusCode::OK);
    assert!(setup.text().contains("<svg"), "the QR code");
    let secret = secret_on(&setup);
    assert_eq!(
        secret_on(&worker.get(paths::SET_UP_AUTHENTICATOR).await),
        secret,
        "a reload shows the same key"
    );
    worker.csrf = csrf_of(&setup);
    let wrong_code = worker
        .post_form(paths::SET_UP_AUTHENTICATOR, &[("code", "123")])
        .await;
    assert_eq!(wrong_code.status, StatusCode::BAD_REQUEST);
    let now = clock.now().unix_timestamp() as u64;
    let code = totp::current_code(&secret, now);
    let codes = worker
        .post_form(paths::SET_UP_AUTHENTICATOR, &[("code", &code)])
        .await;
    assert_eq!(codes.status, StatusCode::OK);
    assert!(codes.text().contains("Save your recovery codes"));
    assert_eq!(
        codes
            .text()
            .matches("<li><code class=\"sp-inbox-code\">")
            .count(),
        10
    );
    worker.csrf = csrf_of(&codes);
    assert_redirect(
        &worker.post_form(paths::RECOVERY_CODES, &[]).await,
        paths::ROOT,
    );
    let account = worker.get(paths::ACCOUNT).await;
    assert!(account.text().contains("43210, GLA-EAST"));

    // The link worked once.
    let mut later = InboxSession::anonymous(&app);
    let used = later.get(&path).await;
    assert_eq!(used.status, StatusCode::GONE);
    assert!(used.text().contains("This link has already been used"));
    assert_security_headers(&used);
    assert_eq!(
        later.get("/inbox/set-password/nonsense").await.status,
        StatusCode::NOT_FOUND
    );

    // The accounts list shows both, and the audit log each step.
    let list = admin_session.get(paths::ADMIN_ACCOUNTS).await;
    assert!(list.text().contains("morag@nhs.scot"));
    let actions = actions(&app).await;
    for action in [
        AuditAction::AccountAdded,
        AuditAction::PasswordSet,
        AuditAction::AuthenticatorSetUp,
    ] {
        assert!(actions.contains(&action), "{action:?}");
    }
    let added = audit_log(&app)
        .await
        .into_iter()
        .find(|e| e.action == AuditAction::AccountAdded)
        .unwrap();
    assert_eq!(added.actor, Some(admin.id.0));
    assert!(
        !added.detail.unwrap().contains("morag"),
        "no email in the log"
    );
}

#[tokio::test]
async fn a_set_password_link_expires_after_72_hours() {
    let (app, clock) = app_with_clock();
    let admin = InboxUser::create(&app, Role::Admin, &[]).await;
    let mut admin_session = admin.sign_in(&app).await;
    admin_session.csrf = csrf_of(&admin_session.get(paths::ADMIN_ADD_ACCOUNT).await);
    let added = admin_session
        .post_form(
            paths::ADMIN_ADD_ACCOUNT,
            &[
                ("email", "late@nhs.scot"),
                ("role", "admin"),
                ("practices", ""),
            ],
        )
        .await;
    let link = link_on(&added);
    let path = &link[link.find("/inbox/").unwrap()..];
    clock.advance(Duration::hours(72));
    let mut worker = InboxSession::anonymous(&app);
    let expired = worker.get(path).await;
    assert_eq!(expired.status, StatusCode::GONE);
    assert!(expired.text().contains("This link has expired"));
}

#[tokio::test]
async fn resetting_an_account_ends_its_sessions_and_password_and_gives_a_new_link() {
    let app = TestApp::new();
    let admin = InboxUser::create(&app, Role::Admin, &[]).await;
    let worker = InboxUser::create(&app, Role::LinkWorker, &["43210"]).await;
    let mut admin_session = admin.sign_in(&app).await;
    let mut worker_session = worker.sign_in(&app).await;
    let account = format!("/inbox/admin/accounts/{}", worker.id.0);
    admin_session.csrf = csrf_of(&admin_session.get(&account).await);
    let reset = admin_session
        .post_form(&format!("{account}/reset"), &[])
        .await;
    assert_eq!(reset.status, StatusCode::OK);
    assert!(reset.text().contains("Account reset"));
    assert_redirect(&worker_session.get(paths::ROOT).await, paths::SIGN_IN);
    let old = try_password(&app, &worker.email, PASSWORD).await;
    assert_eq!(old.status, StatusCode::BAD_REQUEST);
    let link = link_on(&reset);
    let path = &link[link.find("/inbox/").unwrap()..];
    let mut again = InboxSession::anonymous(&app);
    let page = again.get(path).await;
    again.csrf = csrf_of(&page);
    let set = again
        .post_form(path, &[("password", PASSWORD), ("confirmation", PASSWORD)])
        .await;
    assert_redirect(&set, paths::SET_UP_AUTHENTICATOR);
    assert!(actions(&app).await.contains(&AuditAction::PasswordReset));
}

#[tokio::test]
async fn disabling_an_account_ends_its_sessions_and_its_sign_in() {
    let app = TestApp::new();
    let admin = InboxUser::create(&app, Role::Admin, &[]).await;
    let worker = InboxUser::create(&app, Role::LinkWorker, &["43210"]).await;
    let mut admin_session = admin.sign_in(&app).await;
    let mut worker_session = worker.sign_in(&app).await;
    let account = format!("/inbox/admin/accounts/{}", worker.id.0);
    let page = admin_session.get(&account).await;
    assert!(page.text().contains("Disable account"));
    admin_session.csrf = csrf_of(&page);
    let disabled = admin_session
        .post_form(&format!("{account}/disable"), &[])
        .await;
    assert_redirect(&disabled, &account);
    assert!(admin_session
        .get(&account)
        .await
        .text()
        .contains("Disabled"));
    assert_redirect(&worker_session.get(paths::ROOT).await, paths::SIGN_IN);
    let refused = try_password(&app, &worker.email, PASSWORD).await;
    assert!(sign_in_error(&refused).contains("Enter a correct email address and password"));
    // An admin cannot disable themselves.
    let own = format!("/inbox/admin/accounts/{}", admin.id.0);
    assert!(!admin_session
        .get(&own)
        .await
        .text()
        .contains("Disable account"));
    let selfish = admin_session
        .post_form(&format!("{own}/disable"), &[])
        .await;
    assert_eq!(selfish.status, StatusCode::BAD_REQUEST);
    let entry = audit_log(&app)
        .await
        .into_iter()
        .find(|e| e.action == AuditAction::AccountDisabled)
        .unwrap();
    assert_eq!(entry.detail, Some(format!("account {}", worker.id.0)));
    assert_eq!(entry.client.as_deref(), Some(CLIENT));
    assert_eq!(
        admin_session.get("/inbox/admin/accounts/999").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_audit_log_is_newest_first_paged_and_filtered_by_reference() {
    let app = TestApp::new();
    let admin = InboxUser::create(&app, Role::Admin, &[]).await;
    let now = OffsetDateTime::now_utc();
    for n in 0..60 {
        let entry = NewAuditEntry::new(AuditAction::ViewedReferral, now)
            .by(admin.id.0)
            .about(if n == 7 {
                "SP-7K3M-Q9X2"
            } else {
                "SP-AAAA-BBBB"
            })
            .detail(format!("n{n}"));
        app.store().audit(entry).await.unwrap();
    }
    let mut session = admin.sign_in(&app).await;
    let first = session.get(paths::ADMIN_AUDIT_LOG).await;
    assert_eq!(first.status, StatusCode::OK);
    let html = first.text();
    assert_eq!(
        html.matches("<tr class=\"sp-inbox-table__row\">").count(),
        51,
        "header + 50"
    );
    let newest = html.find("Signed in").unwrap();
    assert!(newest < html.find("n59").unwrap(), "newest first");
    assert!(html.contains(&admin.email), "who, by email");
    assert!(html.contains("rel=\"next\""));
    let older = html.split("rel=\"next\"").next().unwrap();
    let href = older
        .rsplit("href=\"")
        .next()
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let second = session.get(&href.replace("&amp;", "&")).await;
    assert!(second.text().contains("n0<"), "{}", second.text());
    assert!(second.text().contains("rel=\"prev\""));

    let filtered = session
        .get("/inbox/admin/audit-log?reference=sp-7k3m-q9x2")
        .await;
    let html = filtered.text();
    assert!(html.contains("n7<"));
    assert!(!html.contains("n8<"));
    let bad = session
        .get("/inbox/admin/audit-log?reference=nonsense")
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.text().contains("<title>Error: Audit log"));
    assert!(bad
        .text()
        .contains(r##"<a href="#reference">Enter a reference like SP-7K3M-Q9X2</a>"##));
    assert!(actions(&app).await.contains(&AuditAction::ViewedAuditLog));
}
