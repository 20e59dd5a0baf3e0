//! What the layout template needs from every page.

use crate::inbox::paths;

pub struct Layout {
    /// The page's `<h1>`, also its `<title>` (prefixed "Error: " when the page shows errors).
    pub title: &'static str,
    pub has_errors: bool,
    /// The session's CSRF token when signed in: the header then shows the sign-out button.
    pub sign_out_csrf: Option<String>,
    pub stylesheet: &'static str,
    pub home: &'static str,
    pub sign_out: &'static str,
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
        }
    }

    /// A page shown in a session (part-way through sign-in, or signed in): with sign-out.
    pub fn in_session(title: &'static str, csrf: &str) -> Self {
        Self {
            sign_out_csrf: Some(csrf.to_owned()),
            ..Self::signed_out(title)
        }
    }

    pub fn with_errors(mut self, has_errors: bool) -> Self {
        self.has_errors = has_errors;
        self
    }
}
