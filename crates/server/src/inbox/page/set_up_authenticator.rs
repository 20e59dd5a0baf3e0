//! Set up your authenticator app: the QR code, the same secret as text (its alternative, and the
//! way for someone who cannot scan), and a first code to prove it worked.

use askama::Template;

use super::form::{ErrorSummary, Field, InputKind};
use super::layout::Layout;
use crate::inbox::auth::totp::Enrolment;
use crate::inbox::paths;

#[derive(Template)]
#[template(path = "set_up_authenticator.html")]
pub struct SetUpAuthenticatorPage {
    pub layout: Layout,
    pub summary: ErrorSummary,
    pub action: &'static str,
    pub csrf: String,
    /// Made by `totp::Enrolment` from the URI alone: no person's text reaches it.
    pub qr_svg: String,
    pub grouped_secret: String,
    pub code: Field,
}

impl SetUpAuthenticatorPage {
    pub fn new(csrf: &str, enrolment: &Enrolment, code_error: Option<&str>) -> Self {
        let code = Field::new(
            "code",
            "Code from your app",
            InputKind::Numeric,
            "one-time-code",
        )
        .hint("The 6 digits your app now shows for Signpost inbox")
        .width(10)
        .error(code_error);
        let summary = ErrorSummary::of(&[&code]);
        Self {
            layout: Layout::in_session("Set up your authenticator app", csrf)
                .with_errors(!summary.is_empty()),
            summary,
            action: paths::SET_UP_AUTHENTICATOR,
            csrf: csrf.to_owned(),
            qr_svg: enrolment.qr_svg.clone(),
            grouped_secret: enrolment.grouped_secret.clone(),
            code,
        }
    }
}
