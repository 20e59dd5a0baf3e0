//! The second step of sign-in: the 6-digit code from the authenticator app, or (behind "I cannot
//! use my authenticator app") a recovery code.

use askama::Template;

use super::form::{ErrorSummary, Field, InputKind};
use super::layout::Layout;
use crate::inbox::paths;

#[derive(Template)]
#[template(path = "enter_code.html")]
pub struct EnterCodePage {
    pub layout: Layout,
    pub summary: ErrorSummary,
    pub code_action: &'static str,
    pub recovery_action: &'static str,
    pub csrf: String,
    pub code: Field,
    pub recovery_code: Field,
}

impl EnterCodePage {
    /// `code_error` and `recovery_error` are the messages of `totp::CodeRefusal` and
    /// `recovery::RecoveryRefusal`.
    pub fn new(csrf: &str, code_error: Option<&str>, recovery_error: Option<&str>) -> Self {
        let code = Field::new("code", "Code", InputKind::Numeric, "one-time-code")
            .hint("The 6-digit code your app shows for Signpost inbox. It changes every 30 seconds")
            .width(10)
            .error(code_error);
        let recovery_code = Field::new("recovery-code", "Recovery code", InputKind::Text, "off")
            .hint("One of the codes you saved when you set up your account, like ABCD-EFGH-JKMN-PQRS. Each code works once")
            .width(20)
            .error(recovery_error);
        let summary = ErrorSummary::of(&[&code, &recovery_code]);
        Self {
            layout: Layout::in_session("Enter the code from your authenticator app", csrf)
                .with_errors(!summary.is_empty()),
            summary,
            code_action: paths::SIGN_IN_CODE,
            recovery_action: paths::SIGN_IN_RECOVERY_CODE,
            csrf: csrf.to_owned(),
            code,
            recovery_code,
        }
    }
}
