//! One account (admins only): what it is, and resetting or disabling it.

use askama::Template;

use super::account::{practices_label, role_label};
use super::admin_accounts::state_tag;
use super::audit_log::readable_time;
use super::layout::Layout;
use crate::inbox::auth::users::AccountState;
use crate::inbox::paths;
use crate::inbox::SignedIn;
use crate::store::accounts::Account;

#[derive(Template)]
#[template(path = "admin_account.html")]
pub struct AdminAccountPage {
    pub layout: Layout,
    pub csrf: String,
    pub email: String,
    pub role: &'static str,
    pub practices: String,
    pub state: &'static str,
    pub state_class: &'static str,
    pub authenticator: &'static str,
    pub created_at: String,
    pub reset_action: String,
    /// `None` for a disabled account, and for the admin's own (nobody disables themselves).
    pub disable_action: Option<String>,
    pub back: &'static str,
}

impl AdminAccountPage {
    pub fn new(signed_in: &SignedIn, account: &Account) -> Self {
        let (state, state_class) = state_tag(account.state);
        let href = paths::admin_account(account.id.0);
        let may_disable = account.state != AccountState::Disabled && account.id != signed_in.user;
        Self {
            layout: Layout::signed_in("Account", signed_in),
            csrf: signed_in.csrf.as_str().to_owned(),
            email: account.email.as_ref().to_owned(),
            role: role_label(account.access.role()),
            practices: practices_label(&account.access),
            state,
            state_class,
            authenticator: if account.has_authenticator {
                "Set up"
            } else {
                "Not set up yet"
            },
            created_at: readable_time(&account.created_at),
            reset_action: format!("{href}/reset"),
            disable_action: may_disable.then(|| format!("{href}/disable")),
            back: paths::ADMIN_ACCOUNTS,
        }
    }
}
