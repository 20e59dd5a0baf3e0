//! Create your password, from a one-time set-password link: the policy is shown before the
//! fields, so nobody has to fail to learn it.

use askama::Template;

use super::form::{ErrorSummary, Field, InputKind};
use super::layout::Layout;
use crate::inbox::auth::password::{PasswordError, MIN_CHARS};
use crate::inbox::paths;

#[derive(Template)]
#[template(path = "set_password.html")]
pub struct SetPasswordPage {
    pub layout: Layout,
    pub summary: ErrorSummary,
    pub action: String,
    pub csrf: String,
    pub email: String,
    pub min_chars: usize,
    pub password: Field,
    pub confirmation: Field,
}

impl SetPasswordPage {
    /// `token` is the link's token (the form posts back to the link); `error` what the policy
    /// said of the last try (a mismatch is said at the confirmation, the rest at the password).
    pub fn new(csrf: &str, token: &str, email: &str, error: Option<PasswordError>) -> Self {
        let (password_error, confirmation_error) = match error {
            None => (None, None),
            Some(PasswordError::Mismatch) => (None, Some(PasswordError::Mismatch.message())),
            Some(other) => (Some(other.message()), None),
        };
        let password = Field::new(
            "password",
            "New password",
            InputKind::Password,
            "new-password",
        )
        .error(password_error);
        let confirmation = Field::new(
            "confirmation",
            "Type your new password again",
            InputKind::Password,
            "new-password",
        )
        .error(confirmation_error);
        let summary = ErrorSummary::of(&[&password, &confirmation]);
        Self {
            layout: Layout::signed_out("Create your password").with_errors(!summary.is_empty()),
            summary,
            action: paths::set_password(token),
            csrf: csrf.to_owned(),
            email: email.to_owned(),
            min_chars: MIN_CHARS,
            password,
            confirmation,
        }
    }
}
