//! What the layout template needs from every page.

use crate::inbox::paths;
use crate::inbox::SignedIn;

/// A link of the header's navigation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NavLink {
    pub href: &'static str,
    pub text: &'static str,
}

/// What a signed-in account may go to from every page: admins also see the accounts and the log.
fn nav_for(signed_in: &SignedIn) -> Vec<NavLink> {
    let mut links = vec![
        NavLink {
            href: paths::ROOT,
            text: "Referrals",
        },
        NavLink {
            href: crate::inbox::monitoring::PAGE,
            text: "Monitoring",
        },
        NavLink {
            href: paths::ACCOUNT,
            text: "Your account",
        },
    ];
    if signed_in.is_admin() {
        links.push(NavLink {
            href: paths::ADMIN_ACCOUNTS,
            text: "Accounts",
        });
        links.push(NavLink {
            href: paths::ADMIN_AUDIT_LOG,
            text: "Audit log",
        });
    }
    links
}

pub struct Layout {
    /// The page's `<h1>`, also its `<title>` (prefixed "Error: " when the page shows errors).
    pub title: &'static str,
    pub has_errors: bool,
    /// The session's CSRF token when signed in: the header then shows the sign-out button.
    pub sign_out_csrf: Option<String>,
    pub stylesheet: &'static str,
    pub home: &'static str,
    pub sign_out: &'static str,
    /// The header's navigation: empty until fully signed in.
    pub nav: Vec<NavLink>,
}

impl Layout {
    /// A page shown before sign-in: no sign-out button.
    pub fn signed_out(title: &'static str) -> Self {
        Self {
            title,
            has_errors: false,
            sign_out_csrf: None,
            stylesheet: paths::STYLESHEET,
            home: paths::ROOT,
            sign_out: paths::SIGN_OUT,
            nav: Vec::new(),
        }
    }

    /// A page shown in a session (part-way through sign-in, or signed in): with sign-out.
    pub fn in_session(title: &'static str, csrf: &str) -> Self {
        Self {
            sign_out_csrf: Some(csrf.to_owned()),
            ..Self::signed_out(title)
        }
    }

    /// A page behind sign-in: sign-out and the navigation.
    pub fn signed_in(title: &'static str, signed_in: &SignedIn) -> Self {
        Self {
            nav: nav_for(signed_in),
            ..Self::in_session(title, signed_in.csrf.as_str())
        }
    }

    pub fn with_errors(mut self, has_errors: bool) -> Self {
        self.has_errors = has_errors;
        self
    }
}
