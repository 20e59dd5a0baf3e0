//! Your recovery codes, shown once after the authenticator is set up.

use askama::Template;

use super::layout::Layout;
use crate::inbox::auth::recovery::RecoveryCode;
use crate::inbox::paths;

#[derive(Template)]
#[template(path = "recovery_codes.html")]
pub struct RecoveryCodesPage {
    pub layout: Layout,
    pub action: &'static str,
    pub csrf: String,
    pub codes: Vec<String>,
}

impl RecoveryCodesPage {
    pub fn new(csrf: &str, codes: &[RecoveryCode]) -> Self {
        Self {
            layout: Layout::in_session("Save your recovery codes", csrf),
            action: paths::RECOVERY_CODES,
            csrf: csrf.to_owned(),
            codes: codes.iter().map(RecoveryCode::grouped).collect(),
        }
    }
}
