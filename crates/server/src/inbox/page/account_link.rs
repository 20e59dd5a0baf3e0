//! The one-time set-password link of an account just added or reset, shown this once.

use askama::Template;

use super::layout::Layout;
use crate::inbox::paths;
use crate::inbox::SignedIn;

#[derive(Template)]
#[template(path = "account_link.html")]
pub struct AccountLinkPage {
    pub layout: Layout,
    pub heading: &'static str,
    pub email: String,
    pub link: String,
    pub account_href: String,
}

/// Why the link was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkFor {
    NewAccount,
    Reset,
}

impl AccountLinkPage {
    pub fn new(signed_in: &SignedIn, why: LinkFor, id: i64, email: &str, link: String) -> Self {
        let heading = match why {
            LinkFor::NewAccount => "Account added",
            LinkFor::Reset => "Account reset",
        };
        Self {
            layout: Layout::signed_in(heading, signed_in),
            heading,
            email: email.to_owned(),
            link,
            account_href: paths::admin_account(id),
        }
    }
}
