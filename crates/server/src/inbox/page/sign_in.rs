//! Sign in: email and password. The same page, with errors, answers a wrong email, a wrong
//! password and a locked account alike ("Enter a correct email address and password" or the
//! lock-out's words), so it says nothing about which emails have accounts.

use askama::Template;

use super::form::{ErrorSummary, Field, InputKind};
use super::layout::Layout;
use crate::inbox::paths;

/// The message for any wrong email or password.
pub const WRONG_CREDENTIALS: &str = "Enter a correct email address and password";

#[derive(Template)]
#[template(path = "sign_in.html")]
pub struct SignInPage {
    pub layout: Layout,
    pub summary: ErrorSummary,
    /// Why the person is here, if it was not their choice (signed out after 30 minutes, say).
    pub notice: Option<String>,
    pub action: &'static str,
    pub csrf: String,
    pub email: Field,
    pub password: Field,
}

/// What went wrong with the last attempt.
pub enum SignInProblem {
    /// No email, or no password: said at the field that is empty.
    Missing { email: bool, password: bool },
    /// Wrong email or password, or locked out: said at the email, with the password cleared.
    Refused(String),
}

impl SignInPage {
    pub fn new(
        csrf: &str,
        email: &str,
        problem: Option<SignInProblem>,
        notice: Option<String>,
    ) -> Self {
        let (email_error, password_error) = match problem {
            None => (None, None),
            Some(SignInProblem::Missing { email, password }) => (
                email.then_some("Enter your email address".to_owned()),
                password.then_some("Enter your password".to_owned()),
            ),
            Some(SignInProblem::Refused(message)) => (Some(message), None),
        };
        let email = Field::new("email", "Email address", InputKind::Email, "username")
            .value(email)
            .error(email_error);
        let password = Field::new(
            "password",
            "Password",
            InputKind::Password,
            "current-password",
        )
        .error(password_error);
        let summary = ErrorSummary::of(&[&email, &password]);
        Self {
            layout: Layout::signed_out("Sign in").with_errors(!summary.is_empty()),
            summary,
            notice,
            action: paths::SIGN_IN,
            csrf: csrf.to_owned(),
            email,
            password,
        }
    }
}
