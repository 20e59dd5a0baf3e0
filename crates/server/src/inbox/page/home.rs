//! The signed-in home page. A placeholder until the referral list (casework) takes its place.

use askama::Template;

use super::layout::Layout;
use crate::inbox::SignedIn;

#[derive(Template)]
#[template(path = "home.html")]
pub struct HomePage {
    pub layout: Layout,
}

impl HomePage {
    pub fn new(signed_in: &SignedIn) -> Self {
        Self {
            layout: Layout::signed_in("Referrals", signed_in),
        }
    }
}
