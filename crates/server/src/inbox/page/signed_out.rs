//! You have signed out (here, or everywhere).

use askama::Template;

use super::layout::Layout;
use crate::inbox::paths;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HowSignedOut {
    ThisBrowser,
    /// "Sign out everywhere": every session of the account ended.
    Everywhere,
}

#[derive(Template)]
#[template(path = "signed_out.html")]
pub struct SignedOutPage {
    pub layout: Layout,
    pub heading: &'static str,
    pub body: &'static str,
    pub sign_in: &'static str,
}

impl SignedOutPage {
    pub fn new(how: HowSignedOut) -> Self {
        let (heading, body) = match how {
            HowSignedOut::ThisBrowser => ("You have signed out", "You have signed out of the Signpost inbox in this browser."),
            HowSignedOut::Everywhere => (
                "You have signed out everywhere",
                "You have signed out of the Signpost inbox on every computer and phone you were signed in on.",
            ),
        };
        Self {
            layout: Layout::signed_out(heading),
            heading,
            body,
            sign_in: paths::SIGN_IN,
        }
    }
}
