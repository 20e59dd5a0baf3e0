//! Your account: who you are signed in as, what you see, how many recovery codes you have left,
//! and signing out everywhere.

use askama::Template;

use super::layout::Layout;
use crate::inbox::paths;
use crate::inbox::SignedIn;

#[derive(Template)]
#[template(path = "account.html")]
pub struct AccountPage {
    pub layout: Layout,
    pub csrf: String,
    pub email: String,
    pub role: &'static str,
    pub practices: String,
    pub recovery_codes_left: usize,
    pub sign_out_everywhere: &'static str,
}

/// "Link worker", "Admin".
pub fn role_label(role: crate::inbox::auth::users::Role) -> &'static str {
    match role {
        crate::inbox::auth::users::Role::LinkWorker => "Link worker",
        crate::inbox::auth::users::Role::Admin => "Admin",
    }
}

/// A link worker's practices, or what an admin sees.
pub fn practices_label(access: &crate::inbox::auth::users::Access) -> String {
    match access {
        crate::inbox::auth::users::Access::Admin => "Every practice".into(),
        crate::inbox::auth::users::Access::LinkWorker { practices } => practices
            .iter()
            .map(AsRef::as_ref)
            .collect::<Vec<&str>>()
            .join(", "),
    }
}

impl AccountPage {
    pub fn new(signed_in: &SignedIn, recovery_codes_left: usize) -> Self {
        Self {
            layout: Layout::signed_in("Your account", signed_in),
            csrf: signed_in.csrf.as_str().to_owned(),
            email: signed_in.email.as_ref().to_owned(),
            role: role_label(signed_in.access.role()),
            practices: practices_label(&signed_in.access),
            recovery_codes_left,
            sign_out_everywhere: paths::SIGN_OUT_EVERYWHERE,
        }
    }
}
