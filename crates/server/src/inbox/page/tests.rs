//! Every page rendered, checked for the GOV.UK patterns it must have, and for inert values.
//! With `SP_INBOX_RENDER_DIR` set, each page is also written there as an HTML file, to look at
//! in a browser (with `inbox.css` copied beside it).

use askama::Template;
use axum::http::StatusCode;

use super::enter_code::EnterCodePage;
use super::problem::Problem;
use super::recovery_codes::RecoveryCodesPage;
use super::set_password::SetPasswordPage;
use super::set_up_authenticator::SetUpAuthenticatorPage;
use super::sign_in::{SignInPage, SignInProblem, WRONG_CREDENTIALS};
use super::signed_out::{HowSignedOut, SignedOutPage};
use crate::inbox::auth::password::PasswordError;
use crate::inbox::auth::recovery;
use crate::inbox::auth::totp::{CodeRefusal, Enrolment, TotpSecret};
use crate::inbox::auth::users::AccountEmail;

const CSRF: &str = "Q2hlY2tpbmctdGhlLWNzcmYtdG9rZW4tZmllbGQtaXM";
const HOSTILE: &str = r#"<script>alert(1)</script>"><img src=x onerror=alert(2)>&amp;"#;

fn save(name: &str, html: &str) {
    if let Ok(dir) = std::env::var("SP_INBOX_RENDER_DIR") {
        let css = "/inbox/assets/inbox.css";
        std::fs::write(format!("{dir}/{name}.html"), html.replace(css, "inbox.css")).unwrap();
    }
}

/// What every page must have: the layout's landmarks and links, and a title.
fn assert_layout(html: &str, title: &str) {
    assert!(html.starts_with("<!DOCTYPE html>"), "{html}");
    assert!(html.contains(r#"<html lang="en""#));
    assert!(
        html.contains(&format!("<title>{title} – Signpost inbox</title>")),
        "{title}"
    );
    assert!(html.contains(
        r##"<a href="#main-content" class="sp-inbox-skip-link">Skip to main content</a>"##
    ));
    assert!(html.contains(r#"<header class="sp-inbox-header">"#));
    assert!(html.contains(r#"<main class="sp-inbox-main-wrapper" id="main-content">"#));
    assert!(html.contains(r#"class="sp-inbox-phase-banner""#));
    assert!(html.contains(r#"<footer class="sp-inbox-footer">"#));
    assert!(html.contains(r#"<link rel="stylesheet" href="/inbox/assets/inbox.css">"#));
    assert_eq!(html.matches("<h1").count(), 1, "one heading a page");
    assert!(!html.contains("<script"), "the inbox runs no script");
    assert!(!html.contains(" style="), "inline styles break the CSP");
}

/// GOV.UK's error pattern for a page with errors at `fields` (id, message).
fn assert_errors(html: &str, fields: &[(&str, &str)]) {
    assert!(html.contains(r#"<div class="sp-inbox-error-summary" tabindex="-1" autofocus>"#));
    assert!(html.contains(r#"<h2 class="sp-inbox-error-summary__title">There is a problem</h2>"#));
    for (id, message) in fields {
        assert!(
            html.contains(&format!(r##"<li><a href="#{id}">{message}</a></li>"##)),
            "summary links to {id}"
        );
        assert!(
            html.contains(&format!(
                r#"<p id="{id}-error" class="sp-inbox-error-message"><span class="sp-inbox-visually-hidden">Error:</span> {message}</p>"#
            )),
            "message at {id}"
        );
        let input = html
            .split(&format!(r#"id="{id}" name="#))
            .nth(1)
            .expect("the input");
        let input = &input[..input.find('>').unwrap()];
        assert!(
            input.contains(&format!("{id}-error\"")),
            "aria-describedby names the error: {input}"
        );
        assert!(input.contains(r#"aria-invalid="true""#));
        assert!(html.contains("sp-inbox-form-group--error"));
        assert!(html.contains("sp-inbox-input--error"));
    }
}

fn assert_csrf(html: &str) {
    assert!(html.contains(&format!(
        r#"<input type="hidden" name="csrf" value="{CSRF}">"#
    )));
    assert_eq!(
        html.matches("<form").count(),
        html.matches(r#"name="csrf""#).count(),
        "every form has the field"
    );
}

fn enrolment() -> Enrolment {
    let secret = TotpSecret::from_bytes(b"12345678901234567890".to_vec()).unwrap();
    Enrolment::new(
        &secret,
        &AccountEmail::parse("morag.brown@nhs.scot").unwrap(),
    )
}

#[test]
fn sign_in() {
    let html = SignInPage::new(CSRF, "", None, None).render().unwrap();
    assert_layout(&html, "Sign in");
    assert_csrf(&html);
    assert!(html.contains(r#"<label class="sp-inbox-label" for="email">Email address</label>"#));
    assert!(html.contains(r#"type="email""#) && html.contains(r#"autocomplete="username""#));
    assert!(
        html.contains(r#"type="password""#) && html.contains(r#"autocomplete="current-password""#)
    );
    assert!(html.contains(r#"action="/inbox/sign-in""#));
    assert!(!html.contains("sp-inbox-error-summary"));
    assert!(!html.contains("Sign out"), "no session, no sign-out");
    save("sign-in", &html);

    let missing = SignInPage::new(
        CSRF,
        "",
        Some(SignInProblem::Missing {
            email: true,
            password: true,
        }),
        None,
    );
    let html = missing.render().unwrap();
    assert_layout(&html, "Error: Sign in");
    assert_errors(
        &html,
        &[
            ("email", "Enter your email address"),
            ("password", "Enter your password"),
        ],
    );
    save("sign-in-errors", &html);

    let refused = SignInPage::new(
        CSRF,
        "morag@nhs.scot",
        Some(SignInProblem::Refused(WRONG_CREDENTIALS.into())),
        Some("You were signed out because you had not used the inbox for 30 minutes".into()),
    );
    let html = refused.render().unwrap();
    assert_errors(&html, &[("email", WRONG_CREDENTIALS)]);
    assert!(html.contains(r#"value="morag@nhs.scot""#));
    assert!(html.contains(r#"<div class="sp-inbox-inset-text">You were signed out"#));
    save("sign-in-refused", &html);
}

#[test]
fn enter_code() {
    let html = EnterCodePage::new(CSRF, None, None).render().unwrap();
    assert_layout(&html, "Enter the code from your authenticator app");
    assert_csrf(&html);
    assert!(
        html.contains(r#"inputmode="numeric""#) && html.contains(r#"autocomplete="one-time-code""#)
    );
    assert!(html.contains(r#"<details class="sp-inbox-details">"#));
    assert!(
        html.contains("Sign out"),
        "part-way through sign-in, one can still leave"
    );
    save("enter-code", &html);

    let html = EnterCodePage::new(CSRF, Some(CodeRefusal::Wrong.message()), None)
        .render()
        .unwrap();
    assert_layout(&html, "Error: Enter the code from your authenticator app");
    assert_errors(&html, &[("code", CodeRefusal::Wrong.message())]);
    assert!(html.contains(r#"aria-describedby="code-hint code-error""#));
    save("enter-code-error", &html);

    let recovery_error = recovery::RecoveryRefusal::NotValid.message();
    let html = EnterCodePage::new(CSRF, None, Some(recovery_error))
        .render()
        .unwrap();
    assert_errors(&html, &[("recovery-code", recovery_error)]);
    assert!(
        html.contains(r#"<details class="sp-inbox-details" open>"#),
        "an error inside is shown"
    );
}

#[test]
fn set_password() {
    let html = SetPasswordPage::new(CSRF, "TOKEN", "morag@nhs.scot", None)
        .render()
        .unwrap();
    assert_layout(&html, "Create your password");
    assert_csrf(&html);
    assert!(
        html.contains("be 12 characters or more"),
        "the policy is shown before any error"
    );
    assert!(html.contains("not be a common password"));
    assert!(html.contains(r#"action="/inbox/set-password/TOKEN""#));
    assert_eq!(html.matches(r#"autocomplete="new-password""#).count(), 2);
    save("set-password", &html);

    let html = SetPasswordPage::new(CSRF, "TOKEN", "morag@nhs.scot", Some(PasswordError::Common))
        .render()
        .unwrap();
    assert_errors(&html, &[("password", PasswordError::Common.message())]);
    save("set-password-error", &html);
    let html = SetPasswordPage::new(
        CSRF,
        "TOKEN",
        "morag@nhs.scot",
        Some(PasswordError::Mismatch),
    )
    .render()
    .unwrap();
    assert_errors(&html, &[("confirmation", "Passwords do not match")]);
}

#[test]
fn set_up_authenticator() {
    let html = SetUpAuthenticatorPage::new(CSRF, &enrolment(), None)
        .render()
        .unwrap();
    assert_layout(&html, "Set up your authenticator app");
    assert_csrf(&html);
    assert!(html.contains(
        r#"<svg class="sp-inbox-qr" role="img" aria-label="QR code for your authenticator app""#
    ));
    assert!(
        html.contains(r#"<p class="sp-inbox-secret">GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ</p>"#),
        "the text alternative"
    );
    save("set-up-authenticator", &html);
    let html =
        SetUpAuthenticatorPage::new(CSRF, &enrolment(), Some(CodeRefusal::Malformed.message()))
            .render()
            .unwrap();
    assert_errors(&html, &[("code", CodeRefusal::Malformed.message())]);
}

#[test]
fn recovery_codes() {
    let codes = recovery::generate().unwrap().codes;
    let html = RecoveryCodesPage::new(CSRF, &codes).render().unwrap();
    assert_layout(&html, "Save your recovery codes");
    assert_csrf(&html);
    assert_eq!(html.matches(r#"<code class="sp-inbox-code">"#).count(), 10);
    for code in &codes {
        assert!(html.contains(&code.grouped()));
    }
    assert!(html.contains("This is the only time you will see these codes"));
    save("recovery-codes", &html);
}

#[test]
fn signed_out() {
    let html = SignedOutPage::new(HowSignedOut::ThisBrowser)
        .render()
        .unwrap();
    assert_layout(&html, "You have signed out");
    assert!(html.contains(r#"href="/inbox/sign-in""#));
    save("signed-out", &html);
    let html = SignedOutPage::new(HowSignedOut::Everywhere)
        .render()
        .unwrap();
    assert_layout(&html, "You have signed out everywhere");
}

#[test]
fn problems() {
    for (problem, status, title, name) in [
        (
            Problem::NotFound,
            StatusCode::NOT_FOUND,
            "Page not found",
            "not-found",
        ),
        (
            Problem::FormExpired,
            StatusCode::FORBIDDEN,
            "This form has expired",
            "forbidden",
        ),
        (
            Problem::BadRequest,
            StatusCode::BAD_REQUEST,
            "Sorry, there is a problem with the service",
            "bad-request",
        ),
    ] {
        assert_eq!(problem.status(), status);
        let html = problem.page().render().unwrap();
        assert_layout(&html, title);
        save(name, &html);
    }
}

#[test]
fn markup_in_a_value_renders_as_inert_text() {
    let page = SignInPage::new(
        HOSTILE,
        HOSTILE,
        Some(SignInProblem::Refused(HOSTILE.into())),
        Some(HOSTILE.into()),
    );
    let html = page.render().unwrap();
    let set = SetPasswordPage::new(CSRF, HOSTILE, HOSTILE, None)
        .render()
        .unwrap();
    for html in [&html, &set] {
        assert!(!html.contains("<script>alert(1)"), "{html}");
        assert!(!html.contains("<img src=x"), "{html}");
        assert!(!html.contains(r#""><img"#));
        // askama writes numeric character references.
        assert!(html.contains("&#60;script&#62;alert(1)&#60;/script&#62;&#34;&#62;&#60;img"));
        assert!(
            html.contains("&#38;amp;"),
            "an entity is shown as typed, not decoded"
        );
    }
    save("sign-in-hostile", &html);
}

#[test]
fn a_rendered_page_carries_the_security_headers() {
    let response = super::render(
        StatusCode::OK,
        &SignedOutPage::new(HowSignedOut::ThisBrowser),
    );
    assert_eq!(response.headers()["cache-control"], "no-store");
    assert!(response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .starts_with("default-src 'none'"));
    assert_eq!(
        response.headers()["content-type"],
        "text/html; charset=utf-8"
    );
    let refused = axum::response::IntoResponse::into_response(Problem::FormExpired);
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert_eq!(refused.headers()["referrer-policy"], "no-referrer");
}
