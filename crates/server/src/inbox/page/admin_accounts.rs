//! Accounts (admins only): every account, its role, practices and state.

use askama::Template;

use super::account::{practices_label, role_label};
use super::layout::Layout;
use crate::inbox::auth::users::AccountState;
use crate::inbox::paths;
use crate::inbox::SignedIn;
use crate::store::accounts::Account;

pub struct AccountRow {
    pub href: String,
    pub email: String,
    pub role: &'static str,
    pub practices: String,
    pub state: &'static str,
    pub state_class: &'static str,
}

/// "Invited" and its tag's colour modifier.
pub fn state_tag(state: AccountState) -> (&'static str, &'static str) {
    match state {
        AccountState::Invited => ("Invited", "sp-inbox-tag--blue"),
        AccountState::Active => ("Active", "sp-inbox-tag--green"),
        AccountState::Disabled => ("Disabled", "sp-inbox-tag--grey"),
    }
}

#[derive(Template)]
#[template(path = "admin_accounts.html")]
pub struct AccountsPage {
    pub layout: Layout,
    pub add_href: &'static str,
    pub rows: Vec<AccountRow>,
}

impl AccountsPage {
    pub fn new(signed_in: &SignedIn, accounts: &[Account]) -> Self {
        let rows = accounts
            .iter()
            .map(|account| {
                let (state, state_class) = state_tag(account.state);
                AccountRow {
                    href: paths::admin_account(account.id.0),
                    email: account.email.as_ref().to_owned(),
                    role: role_label(account.access.role()),
                    practices: practices_label(&account.access),
                    state,
                    state_class,
                }
            })
            .collect();
        Self {
            layout: Layout::signed_in("Accounts", signed_in),
            add_href: paths::ADMIN_ADD_ACCOUNT,
            rows,
        }
    }
}
